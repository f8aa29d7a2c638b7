// Failures to load or start CUDA, and CUDA errors later on, become one sentence naming what failed and what to do.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.CudaException;
import org.junit.jupiter.api.Test;

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
