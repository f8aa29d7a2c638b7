// Turns failures of the GPU path (link errors, CUDA error codes, out of memory) into one actionable sentence.
package gpumlp.gpu;

import gpumlp.UserError;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.CudaException;

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
            if (msg.contains("CUDA_ERROR_DEVICE_UNAVAILABLE") || msg.contains("CUDA_ERROR_DEVICES_UNAVAILABLE")) {
                return "the GPU is unavailable: another process holds it in exclusive-process mode, or it is being reset "
                        + "(see nvidia-smi)";
            }
            if (msg.contains("CUDA_ERROR_ECC_UNCORRECTABLE") || msg.contains("CUDA_ERROR_HARDWARE_STACK_ERROR")) {
                return "the GPU reported a hardware error (see nvidia-smi)";
            }
        }
        String first = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        if (t instanceof LinkageError) {
            return "the JCuda native libraries could not be loaded (" + first + ")";
        }
        return "CUDA failed to start (" + first + ")";
    }

    /**
     * One line for a failure of the GPU path: a user error's own message (the GPU is unavailable, out
     * of memory for an allocation), NVRTC's refusal, or, for a CUDA error anywhere in the cause chain,
     * the operation that failed, the error's name and what to do. Null when {@code t} is none of these
     * (a bug elsewhere).
     */
    public static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserError) {
                return c.getMessage();
            }
            if (c instanceof KernelCompileException k) {
                return k.summary();
            }
        }
        CudaException cuda = find(t, CudaException.class);
        if (cuda == null) {
            return null;
        }
        String error = String.valueOf(cuda.getMessage()).strip().split("\\s+", 2)[0];
        GpuOperationException named = find(t, GpuOperationException.class);
        if (named == null) {
            return operation(cuda.getStackTrace()) + " failed with " + error + ": " + advice(error, false);
        }
        if (named.certain()) {
            return named.operation() + " failed with " + error + ": " + advice(error, true);
        }
        return named.operation() + ", or an operation before it (they run asynchronously), failed with " + error + ": "
                + advice(error, false);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** The JCuda call that threw (the outermost jcuda frame), in words, e.g. "loading the kernels (cuModuleLoadData)". */
    static String operation(StackTraceElement[] stack) {
        String call = null;
        for (StackTraceElement f : stack) {
            if (!f.getClassName().startsWith("jcuda.")) {
                break;
            }
            call = f.getMethodName();
        }
        if (call == null) {
            return "a CUDA call";
        }
        return callInWords(call) + " (" + call + ")";
    }

    private static String callInWords(String call) {
        if (call.startsWith("cuModuleLoad")) {
            return "loading the compiled kernels";
        }
        if (call.startsWith("cuModuleGetFunction")) {
            return "finding a kernel in its module";
        }
        if (call.startsWith("cuLaunchKernel")) {
            return "launching a kernel";
        }
        if (call.endsWith("Synchronize")) {
            return "waiting for the GPU to finish earlier kernels and products";
        }
        if (call.startsWith("cuGraphLaunch")) {
            return "replaying a CUDA graph of training steps";
        }
        if (call.startsWith("cuGraph") || call.contains("Capture")) {
            return "capturing a CUDA graph of training steps";
        }
        if (call.startsWith("cuMemAlloc")) {
            return "allocating memory";
        }
        if (call.startsWith("cuMemcpy") || call.startsWith("cuMemset")) {
            return "copying between the host and the GPU";
        }
        if (call.equals("cublasCreate") || call.startsWith("cublasSet")) {
            return "setting up cuBLAS";
        }
        if (call.startsWith("cublas")) {
            return "a cuBLAS matrix product";
        }
        if (call.startsWith("nvrtc")) {
            return "compiling the kernels with NVRTC";
        }
        return "the CUDA call";
    }

    /** What the user can do about CUDA error {@code error}; {@code named}: the message already names the operation. */
    static String advice(String error, boolean named) {
        String e = error.toUpperCase(Locale.ROOT);
        String cpu = "or use --device cpu";
        if (e.contains("PTX") || e.contains("NO_BINARY_FOR_GPU") || e.contains("INVALID_IMAGE")
                || e.contains("JIT_COMPILER")) {
            return "the NVIDIA driver is older than the CUDA 12 NVRTC that compiled the kernels: update the driver, " + cpu;
        }
        if (e.contains("OUT_OF_MEMORY") || e.contains("ALLOC_FAILED") || e.contains("MEMORYALLOCATION")) {
            return "the GPU is out of memory: free it (see nvidia-smi), use a smaller --batch-size or --hidden, " + cpu;
        }
        if (e.contains("INSUFFICIENT_DRIVER") || e.contains("INSUFFICIENTDRIVER")) {
            return "the NVIDIA driver is too old for CUDA 12.6: update the driver (version 525 or newer), " + cpu;
        }
        if (e.contains("NOT_INITIALIZED")) {
            return "cuBLAS or CUDA could not start (too little free GPU memory, or a driver that does not match the "
                    + "CUDA 12 libraries): see nvidia-smi and run doctor, " + cpu;
        }
        if (e.contains("ECC") || e.contains("UNCORRECTABLE") || e.contains("DEVICE_UNAVAILABLE")
                || e.contains("DEVICES_UNAVAILABLE") || e.contains("SYSTEM_NOT_READY")) {
            return "the GPU is unavailable or reported a hardware error: see nvidia-smi, " + cpu;
        }
        if (e.contains("CAPTURE")) {
            return "capturing the training steps as a CUDA graph failed (NVIDIA drivers older than CUDA 12.3 cannot load "
                    + "kernels during a capture): use --eager, update the driver, " + cpu;
        }
        if (e.contains("LAUNCH_TIMEOUT")) {
            return "a kernel ran longer than the display driver allows: use a GPU that drives no display, " + cpu;
        }
        return (named ? "" : "run again with GPU_MLP_CUDA_SYNC=1 to name the operation that failed, ")
                + "use --device cpu meanwhile, and please report it (a bug in gpu-mlp or a faulty GPU)";
    }

    /**
     * The message for an allocation of {@code bytes} the GPU could not make; {@code free} and
     * {@code total} from cuMemGetInfo, negative when unknown.
     */
    static String outOfMemory(long bytes, String what, long free, long total) {
        String state = free < 0 ? "" : " (" + size(free) + " free of " + size(total) + ")";
        return "the GPU is out of memory allocating " + size(bytes) + " for " + what + state
                + ": use a smaller --batch-size or --hidden, free the GPU (see nvidia-smi), or use --device cpu";
    }

    /** Bytes as a count below 1 KiB, else KiB, MiB or GiB with one decimal; a negative size (a change) keeps its sign. */
    static String size(long bytes) {
        long b = Math.abs(bytes);
        String sign = bytes < 0 ? "-" : "";
        if (b < 1L << 10) {
            return sign + b + " bytes";
        }
        return sign + (b >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30))
                : b >= 1L << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0)
                : String.format(Locale.ROOT, "%.1f KiB", b / 1024.0));
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
