// Failures to load or start CUDA become one sentence naming what to install or do.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void anythingElseKeepsItsFirstLine() {
        assertEquals("CUDA failed to start (CUDA_ERROR_UNKNOWN)", GpuErrors.explain(new CudaException("CUDA_ERROR_UNKNOWN\nmore")));
    }
}
