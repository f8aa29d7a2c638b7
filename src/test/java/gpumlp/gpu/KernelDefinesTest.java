// Block shapes are stated once, in Kernels.java, and reach the kernels as NVRTC defines with --fmad=false.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KernelDefinesTest {
    @Test
    void softmaxXentGetsItsBlockSizeFromJavaAndIsBoundedByIt() {
        assertEquals(List.of("-DSOFTMAX_XENT_THREADS=" + Kernels.SOFTMAX_XENT_THREADS), Kernels.defines("softmax_xent.cu"));
        assertEquals(0, Kernels.SOFTMAX_XENT_THREADS & (Kernels.SOFTMAX_XENT_THREADS - 1), "a power of 2 (halving tree)");
        String source = KernelSource.read("softmax_xent.cu");
        assertNoValueIn(source, "SOFTMAX_XENT_THREADS");
        assertTrue(source.contains("__launch_bounds__(SOFTMAX_XENT_THREADS) softmax_xent("), "launch bounds");
        assertTrue(source.contains("#error"), "compiling without the define fails");
    }

    @Test
    void maxNormGetsItsBlockShapeFromJava() {
        List<String> d = Kernels.defines("regularise.cu");
        assertEquals(2, d.size());
        assertTrue(d.get(0).matches("-DMAX_NORM_COLS=\\d+") && d.get(1).matches("-DMAX_NORM_STRIPES=\\d+"), d.toString());
        String source = KernelSource.read("regularise.cu");
        assertNoValueIn(source, "MAX_NORM_COLS");
        assertNoValueIn(source, "MAX_NORM_STRIPES");
        assertTrue(source.contains("__launch_bounds__(MAX_NORM_COLS * MAX_NORM_STRIPES) max_norm("), "launch bounds");
    }

    @Test
    void filesWithoutBlockShapesGetNoDefines() {
        for (String file : KernelSource.FILES) {
            if (!file.equals("softmax_xent.cu") && !file.equals("regularise.cu")) {
                assertEquals(List.of(), Kernels.defines(file), file);
            }
        }
    }

    @Test
    void nvrtcIsToldNotToFuseMultiplyAdds() {
        assertEquals(List.of("--gpu-architecture=sm_90", "--std=c++17", "--fmad=false", "-DX=1"),
                List.of(KernelCompiler.options("sm_90", List.of("-DX=1"))));
    }

    /** The source never gives {@code name} a value of its own (#define NAME 64): Java's is the only one. */
    private static void assertNoValueIn(String source, String name) {
        assertFalse(Pattern.compile("(?m)^\\s*#define\\s+" + name + "\\b").matcher(source).find(), name + " defined in the source");
    }
}
