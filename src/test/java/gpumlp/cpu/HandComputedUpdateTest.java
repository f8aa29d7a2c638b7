// One per-sample SGD update on a 2-2-2 network, checked against values worked out by hand.
package gpumlp.cpu;

import static gpumlp.Tolerances.HAND_COMPUTED_ABSOLUTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gpumlp.backend.EpochStats;
import gpumlp.backend.StepSettings;
import gpumlp.backend.EpochProgress;
import gpumlp.data.Dataset;
import gpumlp.model.Network;
import org.junit.jupiter.api.Test;

/**
 * By hand, with x = (255, 51) / 255 = (1.0, 0.2), label 0, eta = 0.1:
 * <pre>
 * W(1) = [ 0.1 -0.1 ]   bias row       s(1) = 0.1 + 0.5*1.0 + 1.0*0.2 =  0.8  -> x = 0.8
 *        [ 0.5 -0.5 ]   x1                   -0.1 - 0.5*1.0 + 0.5*0.2 = -0.5  -> x = 0
 *        [ 1.0  0.5 ]   x2
 * W(2) = [ 0    0   ]   bias row       s(2) = ( 0.5*0.8, -0.5*0.8 ) = (0.4, -0.4)
 *        [ 0.5 -0.5 ]                  x(2) = softmax = (0.68997448, 0.31002552)
 *        [ 0.3  0.7 ]                  J = -ln 0.68997448 = 0.37110066
 * delta(2) = x(2) - y = (-0.31002552, 0.31002552)
 * delta(1) = g'(s(1)) * W(2)[1:] delta(2) = (1 * (0.5*-0.31002552 - 0.5*0.31002552), 0 * ...) = (-0.31002552, 0)
 *   (with the wrong "derivative" max(0, s) the first entry would be 0.8 * -0.31002552)
 * W(2) -= 0.1 * (1, 0.8, 0)^T delta(2):  [ 0.031002552 -0.031002552 ]
 *                                        [ 0.52480204  -0.52480204  ]
 *                                        [ 0.3          0.7         ]
 * W(1) -= 0.1 * (1, 1.0, 0.2)^T delta(1): [ 0.131002552 -0.1 ]
 *                                         [ 0.531002552 -0.5 ]
 *                                         [ 1.0062005104 0.5 ]
 * </pre>
 */
class HandComputedUpdateTest {
    private static final int[] SIZES = {2, 2, 2};

    private static Network start() {
        return new Network(SIZES, new float[][] {
            {0.1f, -0.1f, 0.5f, -0.5f, 1.0f, 0.5f},
            {0f, 0f, 0.5f, -0.5f, 0.3f, 0.7f}});
    }

    private static final double[] W1_AFTER = {0.131002552, -0.1, 0.531002552, -0.5, 1.0062005104, 0.5};
    private static final double[] W2_AFTER = {0.031002552, -0.031002552, 0.52480204, -0.52480204, 0.3, 0.7};

    @Test
    void cpuBackendPerSampleUpdateMatchesTheHandComputedWeights() {
        Dataset one = new Dataset("hand", new byte[] {(byte) 255, 51}, new byte[] {0}, 1, 1, 2);
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.uploadTrainingSet(one);
            cpu.uploadWeights(start());
            EpochStats stats = cpu.trainEpoch(new int[] {0}, new StepSettings(1, 0.1f, 0f), EpochProgress.NONE);
            assertEquals(0.37110066, stats.lossSum(), 1e-6);
            assertEquals(1, stats.correct());
            Network after = cpu.readWeights();
            assertArrayEquals(W1_AFTER, toDouble(after.weights(1)), HAND_COMPUTED_ABSOLUTE);
            assertArrayEquals(W2_AFTER, toDouble(after.weights(2)), HAND_COMPUTED_ABSOLUTE);
        }
    }

    @Test
    void referencePerSampleUpdateMatchesTheHandComputedWeights() {
        double[][] w = ReferenceMlp.toDouble(start().allWeights());
        ReferenceMlp ref = new ReferenceMlp(SIZES);
        double[] x = {1.0, 0.2};
        assertEquals(0.37110066, ref.loss(w, x, 0), 1e-8);
        ref.sgdStep(w, new double[][] {x}, new int[] {0}, 0.1);
        // the float32 start weights differ from the decimal ones by up to 1.2e-8 (0.3f = 0.30000001192...)
        assertArrayEquals(W1_AFTER, w[0], 5e-8);
        assertArrayEquals(W2_AFTER, w[1], 5e-8);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
