// He initialisation: reproducible from the seed, zero bias row, variance 2 / fan_in.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HeInitTest {
    private static final int[] SIZES = {784, 800, 10};

    @Test
    void theSameSeedGivesBitIdenticalWeights() {
        Network a = HeInit.initialise(SIZES, 42);
        Network b = HeInit.initialise(SIZES, 42);
        for (int l = 1; l <= 2; l++) {
            assertArrayEquals(a.weights(l), b.weights(l));
        }
    }

    @Test
    void aDifferentSeedGivesDifferentWeights() {
        Network a = HeInit.initialise(SIZES, 42);
        Network b = HeInit.initialise(SIZES, 43);
        for (int l = 1; l <= 2; l++) {
            assertFalse(Arrays.equals(a.weights(l), b.weights(l)), "W(" + l + ")");
        }
    }

    @Test
    void biasRowIsZeroAndTheSpreadIsSqrtTwoOverFanIn() {
        Network net = HeInit.initialise(SIZES, 1);
        for (int l = 1; l <= 2; l++) {
            float[] w = net.weights(l);
            int dOut = SIZES[l];
            double sum = 0;
            double sq = 0;
            for (int j = 0; j < dOut; j++) {
                assertEquals(0f, w[j], "bias row of W(" + l + ")");
            }
            int n = w.length - dOut;
            for (int k = dOut; k < w.length; k++) {
                sum += w[k];
                sq += (double) w[k] * w[k];
            }
            double var = sq / n - (sum / n) * (sum / n);
            double expected = 2.0 / SIZES[l - 1];
            // n >= 8000 samples: the sample variance is within a few percent of the true one
            assertEquals(expected, var, 0.05 * expected, "variance of W(" + l + ")");
            assertEquals(0.0, sum / n, 4 * Math.sqrt(expected / n), "mean of W(" + l + ")");
        }
    }

    /** Every weight of every input row is drawn, the last row included: none is left at zero. */
    @Test
    void everyNonBiasWeightIsDrawn() {
        int[] sizes = {7, 5, 10};
        Network net = HeInit.initialise(sizes, 2);
        for (int l = 1; l <= 2; l++) {
            float[] w = net.weights(l);
            for (int k = sizes[l]; k < w.length; k++) {
                assertTrue(w[k] != 0f, "W" + l + " row " + k / sizes[l] + ", column " + k % sizes[l]);
            }
        }
    }
}
