// Turns failures of loading or starting CUDA (link errors, CUDA error codes) into one actionable sentence.
package gpumlp.gpu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class GpuErrors {
    private static final Pattern MISSING_LIBRARY = Pattern.compile("(lib[A-Za-z0-9_+-]+\\.so(?:\\.\\d+)*)\\s*:\\s*cannot open shared object file");

    private GpuErrors() {}

    /**
     * The reason a JCuda library could not be loaded or CUDA could not start, for a message such as
     * "device: cpu (REASON)". Looks through the whole cause chain for the missing shared library.
     */
    public static String explain(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String msg = String.valueOf(c.getMessage());
            Matcher m = MISSING_LIBRARY.matcher(msg);
            if (m.find()) {
                return missingLibrary(m.group(1));
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String msg = String.valueOf(c.getMessage());
            if (msg.contains("CUDA_ERROR_NO_DEVICE")) {
                return "no CUDA device found: the NVIDIA driver sees no GPU";
            }
            if (msg.contains("CUDA_ERROR_INSUFFICIENT_DRIVER") || msg.contains("cudaErrorInsufficientDriver")) {
                return "the NVIDIA driver is too old for CUDA 12.6: update the driver (version 525 or newer)";
            }
            if (msg.contains("CUDA_ERROR_OUT_OF_MEMORY") || msg.contains("CUBLAS_STATUS_ALLOC_FAILED")) {
                return "the GPU is out of memory (other processes may hold it; see nvidia-smi)";
            }
        }
        String first = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        if (t instanceof LinkageError) {
            return "the JCuda native libraries could not be loaded (" + first + ")";
        }
        return "CUDA failed to start (" + first + ")";
    }

    static String missingLibrary(String lib) {
        if (lib.startsWith("libcuda.so")) {
            return lib + " not found: no NVIDIA driver on this machine (in a container, start it with GPU access, "
                    + "e.g. docker run --gpus all)";
        }
        return lib + " not found: install the CUDA 12 runtime libraries (cuBLAS and NVRTC 12, for example the "
                + "cuda-libraries-12-6 package or NVIDIA's CUDA 12.6 runtime image)";
    }
}
