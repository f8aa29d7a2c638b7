// Mixin: --device auto|cpu|gpu[:N], --threads N, --tf32 and --eager (and GPU_MLP_CUDA_SYNC), validated before any work starts.
package gpumlp.cli;

import gpumlp.UserError;
import gpumlp.backend.Backend;
import gpumlp.gpu.SyncChecks;
import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

public final class DeviceOptions {
    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto, cpu, gpu or gpu:N. auto uses GPU 0 when it is usable, else the CPU, "
                    + "saying why. Default: ${DEFAULT-VALUE}.")
    String device;

    /** More threads than this only costs memory and hand-over time. */
    static final int MAX_THREADS = 1024;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads (default: all ${sys:gpumlp.cores} cores). Results do not depend on it.")
    Integer threads;

    @Option(names = "--tf32", description = "GPU: TF32 tensor-core matrix products (faster, about 3 significant digits "
            + "per product). Default: exact FP32.")
    boolean tf32;

    @Option(names = "--eager", description = "GPU: launch every kernel directly instead of replaying CUDA graphs "
            + "(slower; for debugging).")
    boolean eager;

    static {
        System.setProperty("gpumlp.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    /** Throws a usage error for a bad --device or --threads value. */
    void validate(CommandLine cmd) {
        if (!Devices.isValid(device)) {
            throw new CommandLine.ParameterException(cmd,
                    "invalid value for --device: '" + device + "' (expected auto, cpu, gpu or gpu:N)");
        }
        Checks.require(cmd, threads == null || (threads >= 1 && threads <= MAX_THREADS),
                "--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        requireGpuFor(cmd, tf32 ? "--tf32" : "--eager", tf32 || eager);
        if (!device.equals("cpu")) { // read when the GPU is opened: a word it does not take is refused before any work
            try {
                SyncChecks.requested(cmd.getDefaultValueProvider() instanceof EnvironmentDefaults d ? d.env() : System.getenv());
            } catch (UserError e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
        }
    }

    /** A usage error when {@code option}, which applies to the GPU only, is {@code given} with --device cpu. */
    void requireGpuFor(CommandLine cmd, String option, boolean given) {
        Checks.require(cmd, !device.equals("cpu") || !given,
                option + " applies to the GPU only, but --device is cpu: drop it, or use --device gpu or auto");
    }

    Backend open(PrintWriter log) {
        return open(log, false);
    }

    /** Opens the device; {@code profile} times each GPU operation (eager steps). Debug lines only with GPU_MLP_DEBUG. */
    Backend open(PrintWriter log, boolean profile) {
        return open(line -> {
            log.println(line);
            log.flush();
        }, line -> {
            if (Log.debugWanted()) {
                log.println("gpu-mlp: debug: " + line);
                log.flush();
            }
        }, profile);
    }

    /**
     * Opens the device, giving the line that says which device (auto only) to {@code log} and lines
     * for debugging (NVRTC's warnings) to {@code debug}.
     */
    Backend open(Consumer<String> log, Consumer<String> debug, boolean profile) {
        return Devices.open(device, threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                new Devices.GpuSettings(tf32, !eager, profile), log, debug);
    }
}
