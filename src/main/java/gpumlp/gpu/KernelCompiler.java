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

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.CudaException;
import jcuda.nvrtc.nvrtcProgram;

public final class KernelCompiler {
    /** Compiled code: a CUBIN for one architecture, or PTX that the driver compiles when loading. */
    public record Image(String file, String target, byte[] cubin, String ptx) {
        public boolean isCubin() {
            return cubin != null;
        }
    }

    private static final Map<String, Image> CACHE = new ConcurrentHashMap<>();

    private KernelCompiler() {}

    /** kernels/{@code file} compiled for compute capability major.minor (cached per process). */
    public static Image compileResource(String file, int major, int minor) {
        return CACHE.computeIfAbsent(file + "@" + major + minor,
                k -> compile(file, KernelSource.read(file), major, minor));
    }

    /** Compiles {@code source} (named {@code file} in messages); a failure carries NVRTC's log. */
    public static Image compile(String file, String source, int major, int minor) {
        CudaContext.enableExceptions();
        String target = target(major * 10 + minor, supportedArchitectures());
        String[] options = {"--gpu-architecture=" + target, "--std=c++17"};
        nvrtcProgram program = new nvrtcProgram();
        nvrtcCreateProgram(program, source, file, 0, null, null);
        try {
            try {
                nvrtcCompileProgram(program, options.length, options);
            } catch (CudaException e) {
                throw new KernelCompileException(file, String.join(" ", options), log(program), e);
            }
            if (target.startsWith("sm_")) {
                long[] size = new long[1];
                nvrtcGetCUBINSize(program, size);
                byte[] cubin = new byte[(int) size[0]];
                nvrtcGetCUBIN(program, cubin);
                return new Image(file, target, cubin, null);
            }
            String[] ptx = new String[1];
            nvrtcGetPTX(program, ptx);
            return new Image(file, target, null, ptx[0]);
        } finally {
            nvrtcDestroyProgram(program);
        }
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
