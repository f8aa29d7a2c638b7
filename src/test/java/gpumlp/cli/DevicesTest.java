// Any failure while opening the GPU path makes --device auto use the CPU with one line saying why; gpu[:N] refuses in one line.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import gpumlp.backend.Backend;
import gpumlp.cpu.CpuBackend;
import gpumlp.gpu.GpuUnavailableException;
import gpumlp.gpu.KernelCompileException;
import java.util.ArrayList;
import java.util.List;
import jcuda.CudaException;
import org.junit.jupiter.api.Test;

class DevicesTest {
    private final List<String> log = new ArrayList<>();
    private final List<String> debug = new ArrayList<>();

    /** A CudaException as JCuda throws it from {@code call} (JCudaDriver.checkResult inside the call). */
    private static CudaException cuda(String error, String api, String call) {
        CudaException e = new CudaException(error);
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(api, "checkResult", null, -1),
            new StackTraceElement(api, call, null, -1), new StackTraceElement("gpumlp.gpu.Kernels", "<init>", null, -1)});
        return e;
    }

    private static Devices.GpuOpener failing(RuntimeException e) {
        return (index, settings) -> {
            throw e;
        };
    }

    private Backend open(String spec, Devices.GpuOpener opener) {
        return Devices.open(spec, 1, Devices.GpuSettings.DEFAULT, log::add, debug::add, opener);
    }

    @Test
    void autoFallsBackOnAKernelLoadFailureSayingWhy() {
        CudaException ptx = cuda("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "jcuda.driver.JCudaDriver", "cuModuleLoadData");
        try (Backend b = open("auto", failing(ptx))) {
            assertInstanceOf(CpuBackend.class, b);
        }
        assertEquals(1, log.size(), log.toString());
        String line = log.get(0);
        assertTrue(line.startsWith("device: cpu"), line);
        assertTrue(line.contains("(no usable GPU: loading the compiled kernels (cuModuleLoadData) failed with "
                + "CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the NVIDIA driver is older"), line);
        assertTrue(!line.contains("\n"), line);
    }

    @Test
    void autoFallsBackOnCublasSetUpNvrtcOutOfMemoryAndEvenABug() {
        List<RuntimeException> failures = List.of(
                cuda("CUBLAS_STATUS_NOT_INITIALIZED", "jcuda.jcublas.JCublas2", "cublasCreate"),
                new KernelCompileException("relu.cu", "-x", "relu.cu(1): error: no", new CudaException("NVRTC_ERROR_COMPILATION")),
                new UserError("the GPU is out of memory allocating 32.0 MiB for the cuBLAS workspace"),
                new GpuUnavailableException("libcuda.so.1 not found"),
                new IllegalStateException("a bug"));
        List<String> expected = List.of("setting up cuBLAS (cublasCreate) failed with CUBLAS_STATUS_NOT_INITIALIZED",
                "NVRTC could not compile the kernels of relu.cu (relu.cu(1): error: no)",
                "the GPU is out of memory allocating 32.0 MiB", "libcuda.so.1 not found",
                "opening it failed: java.lang.IllegalStateException: a bug");
        for (int i = 0; i < failures.size(); i++) {
            log.clear();
            try (Backend b = open("auto", failing(failures.get(i)))) {
                assertInstanceOf(CpuBackend.class, b);
            }
            assertEquals(1, log.size());
            assertTrue(log.get(0).contains("(no usable GPU: " + expected.get(i)), log.get(0));
        }
    }

    @Test
    void deviceGpuRefusesWithTheReasonInOneLine() {
        CudaException ptx = cuda("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "jcuda.driver.JCudaDriver", "cuModuleLoadData");
        UserError e = assertThrows(UserError.class, () -> open("gpu:1", failing(ptx)));
        assertTrue(e.getMessage().startsWith("--device gpu:1: loading the compiled kernels (cuModuleLoadData) failed with "
                + "CUDA_ERROR_UNSUPPORTED_PTX_VERSION: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("or use --device cpu") && !e.getMessage().contains("\n"), e.getMessage());
        UserError none = assertThrows(UserError.class, () -> open("gpu", failing(new GpuUnavailableException("no CUDA device"))));
        assertEquals("--device gpu: no CUDA device (or use --device cpu)", none.getMessage());
        assertTrue(log.isEmpty());
    }

    @Test
    void deviceGpuLetsABugThroughAsOne() {
        IllegalStateException bug = new IllegalStateException("a bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> open("gpu", failing(bug))));
    }

    @Test
    void theCpuNeverTouchesTheGpu() {
        try (Backend b = open("cpu", failing(new IllegalStateException("opened")))) {
            assertInstanceOf(CpuBackend.class, b);
        }
        assertTrue(log.isEmpty() && debug.isEmpty());
    }

    @Test
    void aCudaFailureReachingTheCliIsOneLineAndOtherFailuresAreInternalErrors() {
        CudaException fault = cuda("CUDA_ERROR_ILLEGAL_ADDRESS", "jcuda.driver.JCudaDriver", "cuStreamSynchronize");
        String line = Cli.message(new RuntimeException(fault));
        assertTrue(line.startsWith("GPU failure: waiting for the GPU to finish earlier kernels and products "
                + "(cuStreamSynchronize) failed with CUDA_ERROR_ILLEGAL_ADDRESS: run again with GPU_MLP_CUDA_SYNC=1"), line);
        assertEquals("bad value", Cli.message(new UserError("bad value")));
        assertNull(Cli.message(new IllegalStateException("a bug")));
    }
}
