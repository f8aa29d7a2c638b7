// Every CUDA, cuBLAS and NVRTC call of a training run made to fail in turn: one clear line, exit 1, and GPU memory back to where it was.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A recipe is trained through the CLI, in this process, once to warm up and twice to count the
 * fault-injection points it passes ({@link FaultInjection}), then once more for every point k with the
 * k-th call failing. This test holds its own reference to the GPU's primary context, so device memory
 * a failed run leaks stays allocated and shows in cuMemGetInfo; the clean runs come first, so the
 * one-time work of the process (the kernels compiled by NVRTC, cuBLAS's kernels loaded lazily) is done
 * before the baseline is taken. NVRTC's own failures are therefore not injected here (KernelCompilerTest
 * covers a refused compile). Problems are collected over all k and reported together. FAULT_STRIDE=N
 * (environment) tries every N-th k, and the first of each kind of call, only.
 */
@Tag("gpu")
class GpuFaultInjectionTest {
    private static final String ERROR = "CUDA_ERROR_LAUNCH_FAILED";
    /** Lines of a stack trace or of an unexplained failure, which stderr must never show. */
    private static final List<String> NEVER = List.of("\tat ", "internal error", "Exception", "GPU_MLP_DEBUG");

    @TempDir
    Path dir;

    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable();
    }

    @AfterEach
    void disarm() {
        FaultInjection.disarm();
    }

    private record Run(int code, String out, String err) {}

    /**
     * The recipes: graphs with momentum, dropout, an elastic field and a tail batch (the output layer's
     * update on the side stream); eager steps with weight decay, max-norm, input dropout and a rotation;
     * per-sample SGD in a graph (outer_product_update).
     */
    private static String[] recipe(String name) {
        return switch (name) {
            case "graphs" -> new String[] {"--limit", "300", "--validation", "60", "--hidden", "24,16", "--batch-size",
                "64", "--momentum", "0.9", "--dropout", "0.2", "--elastic", "34,4"};
            case "eager" -> new String[] {"--eager", "--limit", "100", "--validation", "60", "--hidden", "16",
                "--batch-size", "16", "--momentum", "0", "--weight-decay", "0.001", "--max-norm", "3",
                "--input-dropout", "0.2", "--rotate", "10"};
            case "per-sample" -> new String[] {"--limit", "44", "--validation", "40", "--hidden", "16", "--batch-size", "1",
                "--momentum", "0"};
            default -> throw new IllegalArgumentException(name);
        };
    }

    private Run train(String device, String recipe, String output) {
        List<String> args = new ArrayList<>(List.of("train", "--device", device, "--data", "data/mnist-subset",
                "--epochs", "2", "--seed", "7", "--progress", "never", "-o", dir.resolve(output).toString()));
        args.addAll(List.of(recipe(recipe)));
        CommandLine cmd = Cli.newCommandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    /** Device memory in use, as cuMemGetInfo sees it from the test's context. */
    private static long used(CudaContext holder) {
        holder.makeCurrent();
        long[] free = {0};
        long[] total = {0};
        JCudaDriver.cuMemGetInfo(free, total);
        return total[0] - free[0];
    }

    /**
     * The points of {@code calls} to make fail: every one, or with FAULT_STRIDE=N every N-th, the last,
     * and the first of each kind of call (so a stride still tries every kind).
     */
    private static List<Integer> tried(List<String> calls) {
        String s = System.getenv("FAULT_STRIDE");
        int stride = s == null || s.isBlank() ? 1 : Math.max(1, Integer.parseInt(s.strip()));
        Set<String> kinds = new HashSet<>();
        List<Integer> ks = new ArrayList<>();
        for (int k = 0; k < calls.size(); k++) {
            if (kinds.add(calls.get(k)) || k % stride == 0 || k == calls.size() - 1) {
                ks.add(k);
            }
        }
        return ks;
    }

    /**
     * The points a clean run of {@code recipe} passes: the recipe is trained once unarmed first (the
     * kernels are compiled once per process, cuBLAS loads its kernels on first use), then twice counting,
     * and the two runs must pass the same points, or trying each one in turn would not mean much.
     */
    private List<String> cleanCalls(String recipe) {
        assertEquals(0, train("gpu", recipe, "warm-up.npz").code(), "the recipe trains");
        List<List<String>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FaultInjection.arm(Integer.MAX_VALUE, ERROR);
            Run r = train("gpu", recipe, "counting-" + i + ".npz");
            FaultInjection.disarm();
            assertEquals(0, r.code(), r.err());
            runs.add(FaultInjection.seen());
        }
        assertEquals(runs.get(0), runs.get(1), "two clean runs pass the same points");
        assertTrue(runs.get(0).stream().noneMatch(c -> c.startsWith("nvrtc")),
                "compiled once per process, the kernels are not compiled again: " + runs.get(0));
        return runs.get(0);
    }

    /** What is wrong with a run whose k-th point failed, or null: exit 1 and one clear line naming the error. */
    private static String judge(Run r, String expected) {
        List<String> errors = r.err().lines().filter(l -> l.startsWith("gpu-mlp: ")).toList();
        for (String bad : NEVER) {
            if (r.err().contains(bad)) {
                return "stderr shows \"" + bad.strip() + "\": " + r.err();
            }
        }
        if (r.code() != 1) {
            return "exit " + r.code() + " (1 expected); stderr: " + r.err();
        }
        if (errors.size() != 1 || !errors.get(0).contains(expected)) {
            return "not one error line naming " + expected + ": " + r.err();
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"graphs", "eager", "per-sample"})
    void everyFailingCallIsExplainedAndLeaksNoDeviceMemory(String recipe) {
        List<String> problems = new ArrayList<>();
        long t0 = System.nanoTime();
        try (CudaContext holder = CudaContext.open(0)) {
            List<String> calls = cleanCalls(recipe);
            long baseline = used(holder);
            int runs = 0;
            for (int k : tried(calls)) {
                FaultInjection.arm(k, ERROR);
                Run r = train("gpu", recipe, "run-" + k + ".npz");
                FaultInjection.disarm();
                runs++;
                String where = "k=" + k + " (" + calls.get(k) + "): ";
                if (!calls.get(k).equals(FaultInjection.fired())) {
                    problems.add(where + "the run reached " + FaultInjection.fired() + " instead: the calls differ from the"
                            + " counting run's");
                }
                String wrong = judge(r, calls.get(k).startsWith("cublas") ? "CUBLAS_STATUS_INTERNAL_ERROR" : ERROR);
                if (wrong != null) {
                    problems.add(where + wrong);
                }
                long leaked = used(holder) - baseline;
                if (leaked != 0) {
                    problems.add(where + "device memory in use changed by " + GpuErrors.size(leaked) + " (" + leaked
                            + " bytes)");
                    baseline += leaked; // report each leak once
                }
            }
            System.out.printf("fault injection, %s: %d points, %d failing runs, %.1f s%n", recipe, calls.size(), runs,
                    (System.nanoTime() - t0) / 1e9);
        }
        assertEquals(List.of(), problems);
    }

    /** A failure while opening the GPU path (context, kernels, cuBLAS, buffers) with --device auto: the CPU trains. */
    @ParameterizedTest
    @ValueSource(strings = {"graphs"})
    void autoFallsBackToTheCpuOnEveryFailureWhileOpening(String recipe) {
        List<String> problems = new ArrayList<>();
        try (CudaContext holder = CudaContext.open(0)) {
            cleanCalls(recipe);
            List<String> opening = openingPoints();
            assertEquals(opening, openingPoints(), "two openings pass the same points");
            long baseline = used(holder);
            for (int k : tried(opening)) {
                FaultInjection.arm(k, ERROR);
                Run r = train("auto", recipe, "auto-" + k + ".npz");
                FaultInjection.disarm();
                String where = "k=" + k + " (" + opening.get(k) + "): ";
                if (r.code() != 0 || !r.err().contains("no usable GPU") || NEVER.stream().anyMatch(r.err()::contains)) {
                    problems.add(where + "exit " + r.code() + ", stderr: " + r.err());
                }
                long leaked = used(holder) - baseline;
                if (leaked != 0) {
                    problems.add(where + "device memory in use changed by " + GpuErrors.size(leaked));
                    baseline += leaked;
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The points GpuBackend.open passes: what the CLI's opening of the GPU path does before any training. */
    private static List<String> openingPoints() {
        FaultInjection.arm(Integer.MAX_VALUE, ERROR);
        GpuBackend backend = GpuBackend.open(0, false, true);
        FaultInjection.disarm();
        backend.close();
        return FaultInjection.seen();
    }

    /** Out of memory at the first allocation of the model says how much was asked for and how much is free. */
    @ParameterizedTest
    @ValueSource(strings = {"graphs"})
    void outOfMemorySaysHowMuchWasNeededAndIsFree(String recipe) {
        List<String> calls = cleanCalls(recipe);
        int opened = openingPoints().size();
        int k = calls.subList(opened, calls.size()).indexOf("cuMemAlloc") + opened; // past the backend's own buffers
        FaultInjection.arm(k, "CUDA_ERROR_OUT_OF_MEMORY");
        Run r = train("gpu", recipe, "oom.npz");
        assertEquals("cuMemAlloc", FaultInjection.fired());
        assertEquals(1, r.code(), r.err());
        String line = r.err().lines().filter(l -> l.startsWith("gpu-mlp: ")).findFirst().orElse(r.err());
        assertTrue(line.contains("the GPU is out of memory allocating ") && line.contains(" free of "), line);
    }
}
