// Chooses the compute backend for --device auto|cpu|gpu[:N], saying why when auto falls back to the CPU.
package gpumlp.backend;

import gpumlp.UserError;
import gpumlp.cpu.CpuBackend;
import java.io.PrintWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class Devices {
    private static final Pattern SPEC = Pattern.compile("auto|cpu|gpu(?::(\\d{1,3}))?");
    /** Why the GPU path cannot be used in this build. */
    static final String GPU_UNAVAILABLE = "the GPU backend is not built yet in this version of gpu-mlp";

    private Devices() {}

    /** True when {@code spec} is one of auto, cpu, gpu, gpu:N. */
    public static boolean isValid(String spec) {
        return SPEC.matcher(spec).matches();
    }

    /**
     * Opens the backend for a validated device spec. {@code threads} is the CPU thread count.
     * For auto, one line on {@code log} says which device is used and, for the CPU, why.
     */
    public static Backend open(String spec, int threads, PrintWriter log) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid device spec: " + spec);
        }
        if (spec.startsWith("gpu")) {
            throw new UserError(GPU_UNAVAILABLE + ": use --device cpu (or auto)");
        }
        if (spec.equals("auto")) {
            log.println("device: cpu (" + GPU_UNAVAILABLE + ")");
            log.flush();
        }
        return new CpuBackend(threads);
    }
}
