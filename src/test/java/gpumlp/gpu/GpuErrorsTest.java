// Failures to load or start CUDA, and CUDA errors later on, become one sentence naming what failed and what to do.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.CudaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuErrorsTest {
    @Test
    void aMissingCublasNamesTheLibraryAndTheCuda12Runtime() {
        Throwable outer = new UnsatisfiedLinkError("Error while loading native library \"JCublas2-12.6.0-linux-x86_64\"");
        outer.initCause(new UnsatisfiedLinkError(
                "/tmp/libJCublas2.so: libcublas.so.12: cannot open shared object file: No such file or directory"));
        String r = GpuErrors.explain(outer);
        assertTrue(r.startsWith("libcublas.so.12 not found: install the CUDA 12 runtime libraries"), r);
    }

    @Test
    void aMissingDriverSaysSoAndMentionsContainers() {
        String r = GpuErrors.explain(new UnsatisfiedLinkError("libJCudaDriver.so: libcuda.so.1: cannot open shared object file"));
        assertTrue(r.startsWith("libcuda.so.1 not found: no NVIDIA driver"), r);
        assertTrue(r.contains("--gpus all"), r);
    }

    @Test
    void cudaErrorCodesBecomeSentences() {
        assertEquals("no CUDA device found: the NVIDIA driver sees no GPU",
                GpuErrors.explain(new CudaException("CUDA_ERROR_NO_DEVICE")));
        assertTrue(GpuErrors.explain(new CudaException("CUDA_ERROR_INSUFFICIENT_DRIVER")).contains("update the driver"));
    }

    @Test
    void aGpuHeldOrFaultyWhileOpeningSaysWhereToLook() {
        assertTrue(GpuErrors.explain(new CudaException("CUDA_ERROR_DEVICE_UNAVAILABLE"))
                .startsWith("the GPU is unavailable: another process holds it in exclusive-process mode"));
        assertEquals("the GPU reported a hardware error (see nvidia-smi)",
                GpuErrors.explain(new CudaException("CUDA_ERROR_ECC_UNCORRECTABLE")));
        assertEquals("the GPU is out of memory (other processes may hold it; see nvidia-smi)",
                GpuErrors.explain(new CudaException("CUDA_ERROR_OUT_OF_MEMORY")));
        assertEquals("the JCuda native libraries could not be loaded (no JCudaDriver in java.library.path)",
                GpuErrors.explain(new UnsatisfiedLinkError("no JCudaDriver in java.library.path\nmore")));
    }

    /** Each CUDA, cuBLAS and NVRTC call that can fail, in the words of a failure's message. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cuMemAlloc | allocating memory", "cuMemAllocHost | allocating memory",
        "cuModuleLoadData | loading the compiled kernels", "cuModuleGetFunction | finding a kernel in its module",
        "cuLaunchKernel | launching a kernel", "cuStreamSynchronize | waiting for the GPU to finish earlier kernels and products",
        "cuEventSynchronize | waiting for the GPU to finish earlier kernels and products",
        "cuGraphLaunch | replaying a CUDA graph of training steps", "cuGraphInstantiate | capturing a CUDA graph of training steps",
        "cuStreamBeginCapture | capturing a CUDA graph of training steps", "cuMemcpyHtoD | copying between the host and the GPU",
        "cuMemsetD8 | copying between the host and the GPU", "cublasCreate | setting up cuBLAS",
        "cublasSetWorkspace | setting up cuBLAS", "cublasSgemm | a cuBLAS matrix product",
        "nvrtcCompileProgram | compiling the kernels with NVRTC", "cuCtxSetCurrent | the CUDA call"})
    void everyCallIsNamedInWords(String call, String words) {
        String r = GpuErrors.describe(FaultInjection.failure(call, "CUDA_ERROR_UNKNOWN"));
        assertTrue(r.startsWith(words + " (" + call + ") failed with "), r);
    }

    /** What the user can do, by error: each kind of CUDA error gets its own advice. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "CUDA_ERROR_UNSUPPORTED_PTX_VERSION | the NVIDIA driver is older than the CUDA 12 NVRTC",
        "CUDA_ERROR_NO_BINARY_FOR_GPU | the NVIDIA driver is older than the CUDA 12 NVRTC",
        "CUDA_ERROR_INVALID_IMAGE | the NVIDIA driver is older than the CUDA 12 NVRTC",
        "CUDA_ERROR_JIT_COMPILER_NOT_FOUND | the NVIDIA driver is older than the CUDA 12 NVRTC",
        "CUDA_ERROR_OUT_OF_MEMORY | the GPU is out of memory", "CUBLAS_STATUS_ALLOC_FAILED | the GPU is out of memory",
        "cudaErrorMemoryAllocation | the GPU is out of memory",
        "CUDA_ERROR_INSUFFICIENT_DRIVER | the NVIDIA driver is too old", "cudaErrorInsufficientDriver | the NVIDIA driver is too old",
        "CUBLAS_STATUS_NOT_INITIALIZED | cuBLAS or CUDA could not start",
        "CUDA_ERROR_ECC_UNCORRECTABLE | the GPU is unavailable or reported a hardware error",
        "CUDA_ERROR_DEVICE_UNAVAILABLE | the GPU is unavailable or reported a hardware error",
        "CUDA_ERROR_DEVICES_UNAVAILABLE | the GPU is unavailable or reported a hardware error",
        "CUDA_ERROR_SYSTEM_NOT_READY | the GPU is unavailable or reported a hardware error",
        "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED | capturing the training steps as a CUDA graph failed",
        "CUDA_ERROR_LAUNCH_TIMEOUT | a kernel ran longer than the display driver allows",
        "CUDA_ERROR_ILLEGAL_ADDRESS | use --device cpu meanwhile, and please report it"})
    void everyKindOfErrorGetsItsAdvice(String error, String advice) {
        assertTrue(GpuErrors.advice(error, true).startsWith(advice), GpuErrors.advice(error, true));
        assertTrue(GpuErrors.advice(error, true).contains("--device cpu"), "the CPU is always offered");
    }

    @Test
    void sizesReadWellFromBytesToGibibytes() {
        assertEquals("12 bytes", GpuErrors.size(12));
        assertEquals("3.1 KiB", GpuErrors.size(3136));
        assertEquals("32.0 MiB", GpuErrors.size(32L << 20));
        assertEquals("1.5 GiB", GpuErrors.size(3L << 29));
        assertEquals("-2.0 MiB", GpuErrors.size(-(2L << 20)));
    }

    @Test
    void aFailedCaptureSuggestsEagerSteps() {
        String r = GpuErrors.describe(thrownBy("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED", "jcuda.driver.JCudaDriver",
                "cuStreamEndCapture", "CudaGraph"));
        assertTrue(r.startsWith("capturing a CUDA graph of training steps (cuStreamEndCapture) failed with "
                + "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED: capturing the training steps as a CUDA graph failed"), r);
        assertTrue(r.contains("use --eager"), r);
    }

    @Test
    void anythingElseKeepsItsFirstLine() {
        assertEquals("CUDA failed to start (CUDA_ERROR_UNKNOWN)", GpuErrors.explain(new CudaException("CUDA_ERROR_UNKNOWN\nmore")));
    }

    /** A CudaException as JCuda throws it: from checkResult inside the API call, called from {@code caller}. */
    static CudaException thrownBy(String error, String api, String call, String caller) {
        CudaException e = new CudaException(error);
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement(api, "checkResult", null, -1),
            new StackTraceElement(api, call, null, -1),
            new StackTraceElement("gpumlp.gpu." + caller, "<init>", null, -1),
            new StackTraceElement("gpumlp.gpu.GpuBackend", "open", null, -1)});
        return e;
    }

    @Test
    void aPtxTooNewForTheDriverNamesTheLoadAndSaysUpdateTheDriver() {
        String r = GpuErrors.describe(new RuntimeException("wrapped",
                thrownBy("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "jcuda.driver.JCudaDriver", "cuModuleLoadData", "Kernels")));
        assertEquals("loading the compiled kernels (cuModuleLoadData) failed with CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the "
                + "NVIDIA driver is older than the CUDA 12 NVRTC that compiled the kernels: update the driver, or use "
                + "--device cpu", r);
    }

    @Test
    void aCublasSetUpFailureIsNamedAsSuch() {
        String r = GpuErrors.describe(thrownBy("CUBLAS_STATUS_NOT_INITIALIZED", "jcuda.jcublas.JCublas2", "cublasCreate", "Gemm"));
        assertTrue(r.startsWith("setting up cuBLAS (cublasCreate) failed with CUBLAS_STATUS_NOT_INITIALIZED: "), r);
        assertTrue(r.endsWith("or use --device cpu"), r);
    }

    @Test
    void aFaultAtASynchronizeAsksForTheSyncSwitch() {
        String r = GpuErrors.describe(thrownBy("CUDA_ERROR_ILLEGAL_ADDRESS", "jcuda.driver.JCudaDriver", "cuStreamSynchronize",
                "CudaContext"));
        assertTrue(r.startsWith("waiting for the GPU to finish earlier kernels and products (cuStreamSynchronize) failed "
                + "with CUDA_ERROR_ILLEGAL_ADDRESS: run again with GPU_MLP_CUDA_SYNC=1"), r);
        assertFalse(r.contains("\n"), r);
    }

    @Test
    void anOperationWaitedForIsReportedByItsName() {
        CudaException cuda = thrownBy("CUDA_ERROR_ILLEGAL_ADDRESS", "jcuda.driver.JCudaDriver", "cuStreamSynchronize", "Kernels");
        String r = GpuErrors.describe(new GpuOperationException("softmax_xent", cuda, true));
        assertTrue(r.startsWith("softmax_xent failed with CUDA_ERROR_ILLEGAL_ADDRESS: use --device cpu meanwhile, and "
                + "please report it"), r);
    }

    @Test
    void anOperationNotWaitedForMayCarryAnEarlierOnesErrorAndTheMessageSaysHowToFindIt() {
        CudaException cuda = thrownBy("CUDA_ERROR_ILLEGAL_ADDRESS", "jcuda.driver.JCudaDriver", "cuLaunchKernel", "Kernels");
        String r = GpuErrors.describe(new GpuOperationException("relu_forward", cuda, false));
        assertTrue(r.startsWith("relu_forward, or an operation before it (they run asynchronously), failed with "
                + "CUDA_ERROR_ILLEGAL_ADDRESS: run again with GPU_MLP_CUDA_SYNC=1 to name the operation that failed, "), r);
        String oom = GpuErrors.describe(new GpuOperationException("linearForward (cuBLAS SGEMM)",
                thrownBy("CUBLAS_STATUS_ALLOC_FAILED", "jcuda.jcublas.JCublas2", "cublasSgemm", "Gemm"), false));
        assertTrue(oom.contains("failed with CUBLAS_STATUS_ALLOC_FAILED: the GPU is out of memory"), oom);
    }

    @Test
    void outOfMemoryAnywhereSaysWhatToDo() {
        String r = GpuErrors.describe(thrownBy("CUDA_ERROR_OUT_OF_MEMORY", "jcuda.driver.JCudaDriver", "cuGraphInstantiate",
                "CudaGraph"));
        assertTrue(r.startsWith("capturing a CUDA graph of training steps (cuGraphInstantiate) failed with "
                + "CUDA_ERROR_OUT_OF_MEMORY: the GPU is out of memory"), r);
    }

    @Test
    void aCudaErrorWithoutJcudaFramesStillGetsALine() {
        String r = GpuErrors.describe(new CudaException("CUDA_ERROR_LAUNCH_FAILED"));
        assertTrue(r.startsWith("a CUDA call failed with CUDA_ERROR_LAUNCH_FAILED: "), r);
    }

    @Test
    void unavailableAndCompileFailuresKeepTheirOwnLines() {
        assertEquals("no CUDA device found", GpuErrors.describe(new GpuUnavailableException("no CUDA device found")));
        KernelCompileException k = new KernelCompileException("relu.cu", "--fmad=false",
                "relu.cu(3): warning: x\nrelu.cu(4): error: expected a \";\"\n", new CudaException("NVRTC_ERROR_COMPILATION"));
        assertEquals("NVRTC could not compile the kernels of relu.cu (relu.cu(4): error: expected a \";\"): check that "
                + "NVRTC is CUDA 12 (libnvrtc.so.12) and run doctor, or use --device cpu", GpuErrors.describe(k));
        KernelCompileException silent = new KernelCompileException("gather.cu", "--fmad=false", "",
                new CudaException("NVRTC_ERROR_INTERNAL_ERROR (detail)"));
        assertTrue(GpuErrors.describe(silent).startsWith("NVRTC could not compile the kernels of gather.cu "
                + "(NVRTC_ERROR_INTERNAL_ERROR, no log): "), GpuErrors.describe(silent));
    }

    @Test
    void anOutOfMemoryUserErrorKeepsItsFiguresOverTheRawCudaError() {
        gpumlp.UserError oom = new gpumlp.UserError("the GPU is out of memory allocating 1.0 GiB for W1 (2.0 MiB free of 8.0 GiB)",
                thrownBy("CUDA_ERROR_OUT_OF_MEMORY", "jcuda.driver.JCudaDriver", "cuMemAlloc", "DeviceBuffer"));
        assertEquals(oom.getMessage(), GpuErrors.describe(new RuntimeException(oom)));
    }

    @Test
    void otherFailuresAreNotGpuFailures() {
        assertNull(GpuErrors.describe(new IllegalStateException("a bug")));
    }

    @Test
    void outOfMemorySaysHowMuchWasNeededAndHowMuchIsFree() {
        assertEquals("the GPU is out of memory allocating 381.5 MiB for W1 (120.0 MiB free of 80.0 GiB): use a smaller "
                + "--batch-size or --hidden, free the GPU (see nvidia-smi), or use --device cpu",
                GpuErrors.outOfMemory(400_000_000L, "W1", 120L << 20, 80L << 30));
        assertEquals("the GPU is out of memory allocating 1.0 GiB for W1: use a smaller --batch-size or --hidden, free the "
                + "GPU (see nvidia-smi), or use --device cpu", GpuErrors.outOfMemory(1L << 30, "W1", -1, -1));
    }
}
