// Chooses the compute backend for --device auto|cpu|gpu[:N], saying why when auto falls back to the CPU.
package gpumlp.cli;

import gpumlp.UserError;
import gpumlp.backend.Backend;
import gpumlp.cpu.CpuBackend;
import gpumlp.gpu.GpuBackend;
import gpumlp.gpu.GpuErrors;
import gpumlp.gpu.GpuUnavailableException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class Devices {
    private static final Pattern SPEC = Pattern.compile("auto|cpu|gpu(?::(\\d{1,3}))?");

    /**
     * How the GPU backend runs: TF32 tensor-core products, CUDA graphs (false = eager launches), and
     * per-operation profiling (eager).
     */
    public record GpuSettings(boolean tf32, boolean graphs, boolean profile) {
        public static final GpuSettings DEFAULT = new GpuSettings(false, true, false);
    }

    /** Opens the GPU path of gpu:{@code index} (context, kernels, cuBLAS); tests put a failing one in. */
    interface GpuOpener {
        Backend open(int index, GpuSettings settings);
    }

    /** The real one: {@link GpuBackend#open(int, boolean, boolean, boolean)}. */
    static final GpuOpener GPU = (index, s) -> GpuBackend.open(index, s.tf32(), s.graphs(), s.profile());

    private Devices() {}

    /** True when {@code spec} is one of auto, cpu, gpu, gpu:N. */
    public static boolean isValid(String spec) {
        return SPEC.matcher(spec).matches();
    }

    /** The GPU index of gpu or gpu:N (0 for gpu and auto). */
    static int gpuIndex(String spec) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid device spec: " + spec);
        }
        return m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    }

    /**
     * Opens the backend for a validated device spec. {@code threads} is the CPU thread count. For
     * auto, one line to {@code log} says which device is used and, for the CPU, why not the GPU: any
     * failure while opening the GPU path falls back. gpu[:N] without a usable GPU throws a
     * {@link UserError} with the reason. NVRTC's warnings, if any, go to {@code debug}.
     */
    public static Backend open(String spec, int threads, GpuSettings gpu, Consumer<String> log, Consumer<String> debug) {
        return open(spec, threads, gpu, log, debug, GPU);
    }

    static Backend open(String spec, int threads, GpuSettings gpu, Consumer<String> log, Consumer<String> debug,
                        GpuOpener opener) {
        int index = gpuIndex(spec);
        if (spec.equals("cpu")) {
            return new CpuBackend(threads);
        }
        if (spec.startsWith("gpu")) {
            Backend backend;
            try {
                backend = opener.open(index, gpu);
            } catch (GpuUnavailableException e) {
                throw new UserError("--device " + spec + ": " + e.getMessage() + " (or use --device cpu)", e);
            } catch (RuntimeException | LinkageError e) {
                String reason = reason(e);
                if (reason == null) {
                    throw e; // not a GPU failure: a bug, reported as one
                }
                throw new UserError("--device " + spec + ": " + reason, e); // the reason says what to do
            }
            return logged(backend, debug);
        }
        Backend backend;
        try {
            backend = opener.open(0, gpu);
        } catch (RuntimeException | LinkageError e) { // whatever stops the GPU path, the CPU still trains
            String reason = reason(e);
            backend = new CpuBackend(threads);
            log.accept("device: " + backend.description() + " (no usable GPU: "
                    + (reason != null ? reason : "opening it failed: " + e) + ")"
                    + (gpu.tf32() || !gpu.graphs() ? "; --tf32 and --eager have no effect on the CPU" : "")
                    + (gpu.profile() ? "; --profile has no effect on the CPU" : ""));
            return backend;
        }
        log.accept("device: " + backend.description());
        return logged(backend, debug);
    }

    /** Why the GPU path failed, in one line, or null when {@code e} is not a GPU failure. */
    static String reason(Throwable e) {
        String gpu = GpuErrors.describe(e); // a user error's message too, e.g. out of GPU memory for the cuBLAS workspace
        if (gpu != null) {
            return gpu;
        }
        return e instanceof LinkageError ? GpuErrors.explain(e) : null;
    }

    private static Backend logged(Backend backend, Consumer<String> debug) {
        if (backend instanceof GpuBackend g) {
            for (String line : g.compileLog()) {
                debug.accept("NVRTC: " + line);
            }
        }
        return backend;
    }
}
