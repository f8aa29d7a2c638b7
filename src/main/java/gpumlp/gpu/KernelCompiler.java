// Compiles CUDA C with NVRTC, once per process: CUBIN for the GPU's own sm_XY, or PTX when the GPU is newer than NVRTC.
package gpumlp.gpu;

import static jcuda.nvrtc.JNvrtc.nvrtcCompileProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcCreateProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcDestroyProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcGetCUBIN;
import static jcuda.nvrtc.JNvrtc.nvrtcGetCUBINSize;
import static jcuda.nvrtc.JNvrtc.nvrtcGetNumSupportedArchs;
import static jcuda.nvrtc.JNvrtc.nvrtcGetPTX;
import static jcuda.nvrtc.JNvrtc.nvrtcGetProgramLog;
import static jcuda.nvrtc.JNvrtc.nvrtcGetSupportedArchs;
import static jcuda.nvrtc.JNvrtc.nvrtcVersion;

import gpumlp.util.Closer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.CudaException;
import jcuda.nvrtc.nvrtcProgram;

public final class KernelCompiler {
    /**
     * Compiled code: a CUBIN for one architecture, or PTX that the driver compiles when loading; log is
     * what NVRTC said about a successful compile (warnings), "" when nothing.
     */
    public record Image(String file, String target, byte[] cubin, String ptx, String log) {
        public boolean isCubin() {
            return cubin != null;
        }
    }

    private static final Map<String, Image> CACHE = new ConcurrentHashMap<>();

    private KernelCompiler() {}

    /**
     * kernels/{@code file} compiled for compute capability major.minor with the launchers' defines
     * ({@link Kernels#defines}), cached per process.
     */
    public static Image compileResource(String file, int major, int minor) {
        return CACHE.computeIfAbsent(file + "@" + major + minor,
                k -> compile(file, KernelSource.read(file), Kernels.defines(file), major, minor));
    }

    /** Compiles {@code source} (named {@code file} in messages); a failure carries NVRTC's log. */
    public static Image compile(String file, String source, int major, int minor) {
        return compile(file, source, List.of(), major, minor);
    }

    /** As {@link #compile(String, String, int, int)}, with -D options such as "-DNAME=64". */
    static Image compile(String file, String source, List<String> defines, int major, int minor) {
        CudaContext.enableExceptions();
        String target = target(major * 10 + minor, supportedArchitectures());
        String[] options = options(target, defines);
        nvrtcProgram program = new nvrtcProgram();
        nvrtcCreateProgram(program, source, file, 0, null, null);
        try (Closer destroy = new Closer()) { // a failing destroy is suppressed into a compile failure, not in its place
            destroy.register(() -> nvrtcDestroyProgram(program));
            try {
                FaultInjection.point("nvrtcCompileProgram");
                nvrtcCompileProgram(program, options.length, options);
            } catch (CudaException e) {
                throw new KernelCompileException(file, String.join(" ", options), log(program), e);
            }
            String log = log(program).strip(); // warnings of a successful compile, kept for the debug log
            if (target.startsWith("sm_")) {
                long[] size = new long[1];
                nvrtcGetCUBINSize(program, size);
                byte[] cubin = new byte[(int) size[0]];
                nvrtcGetCUBIN(program, cubin);
                return new Image(file, target, cubin, null, log);
            }
            String[] ptx = new String[1];
            nvrtcGetPTX(program, ptx);
            return new Image(file, target, null, ptx[0], log);
        }
    }

    /**
     * NVRTC's options: the target, C++17, no fused multiply-add (the kernels' float arithmetic rounds
     * each product as Java does; {@code __fmul_rn} and friends say so where it matters, and
     * --fmad=false makes it the rule rather than NVRTC's default of contracting), then the defines.
     */
    static String[] options(String target, List<String> defines) {
        List<String> o = new ArrayList<>(List.of("--gpu-architecture=" + target, "--std=c++17", "--fmad=false"));
        o.addAll(defines);
        return o.toArray(new String[0]);
    }

    /**
     * sm_XY when NVRTC knows the GPU's architecture; compute_NEWEST (PTX, compiled by the driver) when
     * the GPU is newer than every architecture NVRTC knows.
     */
    static String target(int arch, int[] supported) {
        int[] s = supported.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            throw new IllegalStateException("NVRTC reports no supported GPU architectures");
        }
        if (Arrays.binarySearch(s, arch) >= 0) {
            return "sm_" + arch;
        }
        if (arch > s[s.length - 1]) {
            return "compute_" + s[s.length - 1];
        }
        if (arch < s[0]) {
            throw new GpuUnavailableException("this GPU (compute capability " + arch / 10 + "." + arch % 10
                    + ") is older than the CUDA 12 NVRTC supports (oldest: " + s[0] / 10 + "." + s[0] % 10 + ")");
        }
        // Between known architectures (a variant such as 8.7 missing from the list): PTX of the next lower one.
        int lower = s[0];
        for (int a : s) {
            if (a < arch) {
                lower = a;
            }
        }
        return "compute_" + lower;
    }

    /** The architectures NVRTC can compile for, as major * 10 + minor. */
    public static int[] supportedArchitectures() {
        int[] n = new int[1];
        nvrtcGetNumSupportedArchs(n);
        int[] archs = new int[n[0]];
        nvrtcGetSupportedArchs(archs);
        return archs;
    }

    /** NVRTC's version as "major.minor". */
    public static String version() {
        CudaContext.enableExceptions();
        int[] major = new int[1];
        int[] minor = new int[1];
        nvrtcVersion(major, minor);
        return major[0] + "." + minor[0];
    }

    private static String log(nvrtcProgram program) {
        String[] log = new String[1];
        try {
            nvrtcGetProgramLog(program, log);
        } catch (CudaException e) {
            return "(the NVRTC log could not be read: " + e.getMessage() + ")";
        }
        return log[0] == null ? "" : log[0];
    }

    static byte[] nulTerminated(String ptx) {
        byte[] b = ptx.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(b, b.length + 1);
    }
}
