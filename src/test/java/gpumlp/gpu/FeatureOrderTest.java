// The GPU's feature order: features that are 0 in every training image go last, the others keep their order.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.data.Dataset;
import org.junit.jupiter.api.Test;

class FeatureOrderTest {
    @Test
    void deadFeaturesGoLastAndAreCounted() {
        // 3 images of 5 features; features 1 and 3 are 0 everywhere
        byte[] images = {
            9, 0, 0, 0, 0,
            0, 0, 7, 0, 0,
            0, 0, 0, 0, (byte) 255,
        };
        Dataset d = new Dataset("t", images, new byte[] {0, 1, 2}, 3, 1, 5);
        FeatureOrder fo = FeatureOrder.liveFirst(d);
        assertArrayEquals(new int[] {0, 2, 4, 1, 3}, fo.order());
        assertEquals(3, fo.live());
    }

    @Test
    void withoutDeadFeaturesTheOrderIsTheIdentity() {
        Dataset d = new Dataset("t", new byte[] {1, 2, 3, 4}, new byte[] {0, 1}, 2, 1, 2);
        FeatureOrder fo = FeatureOrder.liveFirst(d);
        assertArrayEquals(new int[] {0, 1}, fo.order());
        assertEquals(2, fo.live());
    }

    @Test
    void aNonZeroValueInADeadFeaturesRowIsFound() {
        // features 1 and 3 of 5 are dead; rows are 1 + feature (row 0 the bias), 2 columns
        FeatureOrder fo = new FeatureOrder(new int[] {0, 2, 4, 1, 3}, 3);
        float[] m = new float[6 * 2];
        m[0] = 1f; // the bias row
        m[(1 + 0) * 2] = 1f; // live features
        m[(1 + 2) * 2 + 1] = 1f;
        m[(1 + 4) * 2] = 1f;
        assertFalse(fo.deadRowsNonZero(m, 2));
        m[(1 + 3) * 2 + 1] = -0.5f;
        assertTrue(fo.deadRowsNonZero(m, 2));
        m[(1 + 3) * 2 + 1] = 0f;
        m[(1 + 1) * 2] = 1e-30f;
        assertTrue(fo.deadRowsNonZero(m, 2));
    }
}
