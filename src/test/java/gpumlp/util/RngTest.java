// The seeded generator: reproducible, in range, unbiased enough, valid permutations.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void sameSeedSameSequenceAndStreamsDiffer() {
        assertArrayEquals(new Rng(5).permutation(1000), new Rng(5).permutation(1000));
        assertFalse(Arrays.equals(Rng.stream(5, 1).permutation(1000), Rng.stream(5, 2).permutation(1000)));
        assertFalse(Arrays.equals(Rng.stream(5, 1).permutation(1000), Rng.stream(6, 1).permutation(1000)));
    }

    @Test
    void permutationContainsEveryIndexOnce() {
        int[] p = new Rng(3).permutation(60000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void nextIntIsInRangeAndRoughlyUniform() {
        Rng rng = new Rng(11);
        int[] counts = new int[7];
        for (int i = 0; i < 70000; i++) {
            int v = rng.nextInt(7);
            assertTrue(v >= 0 && v < 7);
            counts[v]++;
        }
        for (int c : counts) {
            assertEquals(10000, c, 400); // 4 standard deviations
        }
    }

    @Test
    void gaussianHasMeanZeroAndUnitVariance() {
        Rng rng = new Rng(2);
        double sum = 0;
        double sq = 0;
        int n = 100000;
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            assertTrue(Double.isFinite(g));
            sum += g;
            sq += g * g;
        }
        assertEquals(0.0, sum / n, 0.015);
        assertEquals(1.0, sq / n, 0.015);
    }
}
