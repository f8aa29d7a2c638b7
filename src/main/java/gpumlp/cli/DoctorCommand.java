// `gpu-mlp doctor`: reports the CUDA driver, libraries and devices, and proves the GPU path by running it.
package gpumlp.cli;

import gpumlp.cpu.CpuBackend;
import gpumlp.gpu.CudaContext;
import gpumlp.gpu.GpuBackend;
import gpumlp.gpu.GpuMeter;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Checks whether the GPU path works here: prints the Java, JCuda, driver, CUDA runtime, cuBLAS and "
                + "NVRTC versions and every device with its compute capability and memory, then compiles the kernels, "
                + "runs a small network forward on the GPU and compares it with the CPU, and prints the GPU's memory "
                + "(total, free, in use).",
                "Example: gpu-mlp doctor --device gpu:1"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the GPU path works", "1:no usable GPU (the reason is printed)", ExitCodes.USAGE})
public final class DoctorCommand implements Callable<Integer> {
    /** Largest difference between GPU and CPU probabilities the check accepts (FP32 sums of ~100 terms). */
    static final double TOLERANCE = 1e-5;
    private static final double GIB = 1L << 30;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--device", paramLabel = "gpu[:N]", defaultValue = "gpu:0",
            description = "The GPU to check. Default: ${DEFAULT-VALUE}.")
    String device;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if (!Devices.isValid(device)) {
            throw new CommandLine.ParameterException(cmd, "invalid value for --device: '" + device + "' (expected gpu or gpu:N)");
        }
        // gpu:N checks GPU N; gpu, auto and cpu (e.g. from GPU_MLP_DEVICE) check GPU 0
        int index = device.startsWith("gpu:") ? Integer.parseInt(device.substring(4)) : 0;
        PrintWriter out = cmd.getOut();
        out.printf("java:     %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vendor"));
        out.printf("jcuda:    %s%n", jcuda.JCudaVersion.get());
        String problem = report(out, "driver:   CUDA ", CudaContext::driverVersion);
        if (problem == null) {
            problem = report(out, "runtime:  CUDA ", CudaContext::runtimeVersion);
        }
        if (problem == null) {
            problem = report(out, "nvrtc:    ", gpumlp.gpu.KernelCompiler::version);
        }
        if (problem == null) {
            problem = devices(out);
        }
        if (problem == null) {
            problem = runCheck(out, index);
        }
        if (problem != null) {
            out.println("result:   the GPU path does not work: " + problem);
            out.flush();
            return Cli.FAILURE;
        }
        out.println("result:   the GPU path works on gpu:" + index);
        out.flush();
        return Cli.OK;
    }

    /** Prints label + value, or returns the reason it could not be read. */
    private static String report(PrintWriter out, String label, Supplier<String> value) {
        try {
            out.println(label + value.get());
            return null;
        } catch (RuntimeException | LinkageError e) {
            String reason = gpumlp.gpu.GpuErrors.explain(e);
            out.println(label.strip().replace(" CUDA", "") + " not available: " + reason);
            return reason;
        }
    }

    private static String devices(PrintWriter out) {
        try {
            int count = CudaContext.deviceCount();
            out.println("devices:  " + count);
            for (int i = 0; i < count; i++) {
                CudaContext.DeviceInfo d = CudaContext.describe(i);
                out.printf(Locale.ROOT, "  gpu:%d   %s, compute capability %d.%d, %.1f GiB%n", i, d.name(), d.ccMajor(),
                        d.ccMinor(), d.totalMemory() / (double) (1L << 30));
            }
            return count == 0 ? "no CUDA device found" : null;
        } catch (RuntimeException | LinkageError e) {
            String reason = gpumlp.gpu.GpuErrors.explain(e);
            out.println("devices:  not available: " + reason);
            return reason;
        }
    }

    /** Compiles the kernels, runs a 784-32-10 forward pass on 7 random images, compares with the CPU. */
    private static String runCheck(PrintWriter out, int index) {
        int[] sizes = {784, 32, 10};
        Network net = HeInit.initialise(sizes, 7);
        int count = 7;
        byte[] images = new byte[count * sizes[0]];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < images.length; i++) {
            images[i] = (byte) rnd.nextInt(256);
        }
        float[] cpu;
        try (CpuBackend c = new CpuBackend(1)) {
            c.uploadWeights(net);
            cpu = c.probabilities(images, count);
        }
        long t0 = System.nanoTime();
        try (GpuBackend g = GpuBackend.open(index, false, true)) {
            long t1 = System.nanoTime();
            g.uploadWeights(net);
            float[] gpu = g.probabilities(images, count);
            double maxDiff = 0;
            for (int i = 0; i < cpu.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(cpu[i] - gpu[i]));
            }
            out.printf(Locale.ROOT, "cublas:   %s%n", g.cublasVersion());
            out.printf(Locale.ROOT, "kernels:  compiled with NVRTC to %s in %.0f ms%n", g.kernelTarget(), (t1 - t0) / 1e6);
            out.printf(Locale.ROOT, "check:    forward pass of a 784-32-10 network on %d images: GPU vs CPU max difference %.2g "
                    + "(limit %.0e)%n", count, maxDiff, TOLERANCE);
            try (GpuMeter meter = GpuMeter.open(index)) {
                GpuMeter.Memory m = meter.memory();
                out.printf(Locale.ROOT, "memory:   gpu:%d %.2f GiB total, %.2f GiB free, %.2f GiB in use (all processes, "
                        + "this check included)%n", index, m.total() / GIB, m.free() / GIB, m.used() / GIB);
            }
            return maxDiff <= TOLERANCE ? null : "the GPU result differs from the CPU by " + maxDiff;
        } catch (RuntimeException | LinkageError e) {
            String described = gpumlp.gpu.GpuErrors.describe(e); // the CUDA operation and error, when there is one
            String reason = e instanceof gpumlp.UserError || e instanceof gpumlp.gpu.KernelCompileException
                    ? e.getMessage() : described != null ? described : gpumlp.gpu.GpuErrors.explain(e);
            out.println("check:    failed: " + reason);
            return reason;
        }
    }
}
