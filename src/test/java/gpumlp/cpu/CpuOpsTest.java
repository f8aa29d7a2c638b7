// Unit checks of the small CPU ops: gather, ReLU forward and backward (the step derivative), argmax.
package gpumlp.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CpuOpsTest {
    @Test
    void gatherBatchScalesPixelsAndFollowsTheOrder() {
        byte[] images = {0, (byte) 255, 51, 102, 0, (byte) 128}; // 3 images x 2 pixels
        float[][] x = new float[2][2];
        CpuOps.gatherBatch(images, 2, new int[] {2, 0, 1}, 0, 2, x);
        assertArrayEquals(new float[] {0f, 128 / 255f}, x[0]);
        assertArrayEquals(new float[] {0f, 1f}, x[1]);
    }

    @Test
    void reluForwardClampsNegativesAndKeepsPositives() {
        float[][] s = {{-1f, 0f, 2.5f, -0f}};
        CpuOps.reluForward(s, 1, 4);
        assertArrayEquals(new float[] {0f, 0f, 2.5f, 0f}, s[0]);
    }

    @Test
    void reluBackwardPassesTheDeltaOnlyWherePreActivationWasPositive() {
        float[][] x = {{0f, 0.3f, 7f, 0f}};
        float[][] delta = {{5f, 2f, -3f, 1f}};
        CpuOps.reluBackward(delta, x, 1, 4);
        // g'(s) = 1 for s > 0, so the delta passes unscaled (max(0, s) would have scaled it by 0.3 and 7)
        assertArrayEquals(new float[] {0f, 2f, -3f, 0f}, delta[0]);
    }

    @Test
    void linearForwardAddsTheBiasRowOnce() {
        float[][] w = {{1f, 2f}, {3f, 4f}, {5f, 6f}}; // (2+1) x 2, row 0 = bias
        float[][] x = {{1f, 0f}, {0.5f, 2f}};
        float[][] s = new float[2][2];
        try (Parallel par = new Parallel(1)) {
            CpuOps.linearForward(x, 2, 2, w, 2, s, par);
        }
        assertArrayEquals(new float[] {4f, 6f}, s[0]);
        assertArrayEquals(new float[] {1f + 1.5f + 10f, 2f + 2f + 12f}, s[1]);
    }

    @Test
    void argmaxReturnsTheFirstLargest() {
        assertEquals(1, gpumlp.util.Vectors.argmax(new float[] {1f, 3f, 3f, 2f}, 4));
    }
}
