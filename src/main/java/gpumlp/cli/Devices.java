// Chooses the compute backend for --device auto|cpu|gpu[:N], saying why when auto falls back to the CPU.
package gpumlp.cli;

import gpumlp.UserError;
import gpumlp.backend.Backend;
import gpumlp.cpu.CpuBackend;
import gpumlp.gpu.GpuBackend;
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
     * auto, one line to {@code log} says which device is used and, for the CPU, why not the GPU.
     * gpu[:N] without a usable GPU throws a {@link UserError} with the reason.
     */
    public static Backend open(String spec, int threads, GpuSettings gpu, Consumer<String> log) {
        int index = gpuIndex(spec);
        if (spec.equals("cpu")) {
            return new CpuBackend(threads);
        }
        if (spec.startsWith("gpu")) {
            try {
                return GpuBackend.open(index, gpu.tf32(), gpu.graphs(), gpu.profile());
            } catch (GpuUnavailableException e) {
                throw new UserError("--device " + spec + ": " + e.getMessage() + " (or use --device cpu)", e);
            }
        }
        Backend backend;
        try {
            backend = GpuBackend.open(0, gpu.tf32(), gpu.graphs(), gpu.profile());
        } catch (GpuUnavailableException e) {
            backend = new CpuBackend(threads);
            log.accept("device: " + backend.description() + " (no usable GPU: " + e.getMessage() + ")"
                    + (gpu.tf32() || !gpu.graphs() ? "; --tf32 and --eager have no effect on the CPU" : ""));
            return backend;
        }
        log.accept("device: " + backend.description());
        return backend;
    }
}
