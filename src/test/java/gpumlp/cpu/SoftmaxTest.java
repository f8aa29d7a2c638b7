// Softmax and cross-entropy with extreme logits (+-1000): no NaN, no infinity, correct limits.
package gpumlp.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftmaxTest {
    private static float[][] extremeLogits() {
        return new float[][] {{1000f, -1000f, 0f, 999f, -999f, 1000f, 3f, -3f, 500f, -500f}};
    }

    @Test
    void cpuSoftmaxOfHugeLogitsIsFiniteAndSumsToOne() {
        float[][] z = extremeLogits();
        CpuOps.softmax(z, 1, 10);
        double sum = 0;
        for (float p : z[0]) {
            assertTrue(Float.isFinite(p) && p >= 0f, "probability " + p);
            sum += p;
        }
        assertEquals(1.0, sum, 1e-6);
        // two logits tie at 1000; 999 is e^-1 below them
        assertEquals(1 / (2 + Math.exp(-1)), z[0][0], 1e-6);
        assertEquals(0f, z[0][1]);
    }

    @Test
    void cpuCrossEntropyOfAnUnderflowedProbabilityIsLargeButFinite() {
        float[][] z = extremeLogits();
        byte[] labels = {1}; // the class at -1000: its probability underflows to 0, yet the loss is exact
        CpuOps.LossAndCorrect lc = CpuOps.softmaxXent(z, 1, 10, labels, null, 0);
        assertEquals(2000 + Math.log(2 + Math.exp(-1)), lc.loss(), 1e-3);
        assertEquals(0, lc.correct());
        for (float d : z[0]) {
            assertTrue(Float.isFinite(d), "delta " + d);
        }
        assertEquals(-1f, z[0][1]); // x - y with x = 0, y = 1
    }

    @Test
    void cpuArgmaxTakesTheFirstOfTiedMaxima() {
        float[][] z = extremeLogits();
        byte[] labels = {0};
        assertEquals(1, CpuOps.softmaxXent(z, 1, 10, labels, null, 0).correct());
    }

    @Test
    void referenceSoftmaxAndLossOfHugeLogitsAreFinite() {
        double[] s = {1000, -1000, 0, 999, -999, 1000, 3, -3, 500, -500};
        double[] p = ReferenceMlp.softmax(s);
        double sum = 0;
        for (double v : p) {
            assertTrue(Double.isFinite(v));
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12);
        // a one-layer network whose bias row is the logits gives the same loss through ReferenceMlp.loss
        int[] sizes = {1, 10};
        double[][] w = {new double[20]};
        System.arraycopy(s, 0, w[0], 0, 10);
        double loss = new ReferenceMlp(sizes).loss(w, new double[] {0}, 1);
        assertEquals(2000 + Math.log(2 + Math.exp(-1)), loss, 1e-9);
    }
}
