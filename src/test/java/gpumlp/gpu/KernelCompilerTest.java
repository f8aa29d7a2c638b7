// NVRTC target choice (CUBIN for known GPUs, PTX for newer ones) and compile errors that carry the compiler log.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class KernelCompilerTest {
    private static final int[] SUPPORTED = {75, 80, 86, 89, 90, 100, 120};

    @Test
    void aKnownArchitectureGetsItsOwnCubin() {
        assertEquals("sm_90", KernelCompiler.target(90, SUPPORTED));
        assertEquals("sm_75", KernelCompiler.target(75, SUPPORTED));
    }

    @Test
    void aGpuNewerThanNvrtcGetsPtxForTheNewestKnownArchitecture() {
        assertEquals("compute_120", KernelCompiler.target(130, SUPPORTED));
    }

    @Test
    void anUnlistedVariantGetsPtxOfTheNextLowerArchitecture() {
        assertEquals("compute_86", KernelCompiler.target(87, SUPPORTED));
    }

    @Test
    void aGpuOlderThanNvrtcSupportsIsRefusedWithItsCapability() {
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> KernelCompiler.target(61, SUPPORTED));
        assertTrue(e.getMessage().contains("6.1"), e.getMessage());
    }

    @Test
    @Tag("gpu")
    void aSyntaxErrorReportsTheNvrtcLog() {
        Gpu.assumeUsable();
        String broken = "extern \"C\" __global__ void broken(float* x) {\n    x[0] = 1.0f\n}\n";
        KernelCompileException e = assertThrows(KernelCompileException.class,
                () -> KernelCompiler.compile("broken.cu", broken, 8, 0));
        assertTrue(e.log().contains("broken.cu"), e.log());
        assertTrue(e.log().contains("error"), e.log());
        assertTrue(e.getMessage().contains(e.log().strip()), e.getMessage());
    }

    @Test
    @Tag("gpu")
    void everyKernelFileCompilesForTheGpu() {
        Gpu.assumeUsable();
        for (String file : KernelSource.FILES) {
            KernelCompiler.Image image = KernelCompiler.compileResource(file, 9, 0);
            assertTrue(image.isCubin() ? image.cubin().length > 0 : !image.ptx().isEmpty(), file);
        }
    }
}
