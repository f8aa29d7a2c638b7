// CpuOps.dropout, weightDecay and maxNorm: the dropped fraction is P, a sample's mask is its own, P = 0 changes nothing.
package gpumlp.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.Tolerances;
import gpumlp.backend.Regularisation;
import gpumlp.util.Philox;
import gpumlp.util.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropoutTest {
    private static final int STREAM = Philox.STREAM_DROPOUT + 1;

    private static float[][] ones(int rows, int d) {
        float[][] x = new float[rows][d];
        for (float[] r : x) {
            Arrays.fill(r, 1f);
        }
        return x;
    }

    @ParameterizedTest(name = "P = {0}")
    @ValueSource(floats = {0.1f, 0.2f, 0.5f, 0.8f})
    void theDroppedFractionIsPAndKeptUnitsAreScaled(float p) {
        int rows = 2000;
        int d = 800;
        float[][] x = ones(rows, d);
        float scale = Regularisation.keepScale(p);
        try (Parallel par = new Parallel(2)) {
            CpuOps.dropout(x, rows, d, null, null, 0, 12345, 1, STREAM, p, scale, par);
        }
        long dropped = 0;
        for (float[] r : x) {
            for (float v : r) {
                assertTrue(v == 0f || v == scale, "a unit is dropped or scaled by 1/(1-P): " + v);
                dropped += v == 0f ? 1 : 0;
            }
        }
        double n = (double) rows * d;
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertEquals(p, dropped / n, Tolerances.DROPOUT_FRACTION_SIGMAS * sigma, "dropped fraction");
    }

    @Test
    void zeroPIsTheIdentityBitForBit() {
        Rng rng = new Rng(3);
        float[][] x = new float[5][33];
        for (float[] r : x) {
            for (int j = 0; j < r.length; j++) {
                r[j] = (float) rng.nextGaussian();
            }
        }
        x[0][0] = -0f;
        float[][] before = new float[5][];
        for (int r = 0; r < 5; r++) {
            before[r] = x[r].clone();
        }
        try (Parallel par = new Parallel(1)) {
            CpuOps.dropout(x, 5, 33, null, null, 0, 1, 1, STREAM, 0f, Regularisation.keepScale(0f), par);
        }
        for (int r = 0; r < 5; r++) {
            for (int j = 0; j < 33; j++) {
                assertEquals(Float.floatToRawIntBits(before[r][j]), Float.floatToRawIntBits(x[r][j]));
            }
        }
    }

    @Test
    void aSamplesMaskDependsOnTheSampleNotOnItsBatchOrRow() {
        int d = 50;
        int[] orderA = {7, 3, 11, 5};
        int[] orderB = {2, 9, 4, 1, 6, 11, 0};
        float[][] a = ones(4, d);
        float[][] b = ones(3, d);
        try (Parallel par = new Parallel(1)) {
            CpuOps.dropout(a, 4, d, null, orderA, 0, 5, 2, STREAM, 0.5f, 2f, par);
            CpuOps.dropout(b, 3, d, null, orderB, 4, 5, 2, STREAM, 0.5f, 2f, par); // rows are samples 6, 11, 0
        }
        assertArrayEquals(a[2], b[1], "sample 11: the same mask in another batch, at another row");
        assertFalse(Arrays.equals(a[2], b[0]), "samples 11 and 6 have their own masks");
    }

    @Test
    void masksDifferBetweenEpochsLayersAndSeedsAndFollowTheUnitOrder() {
        int d = 64;
        float[][] base = mask(d, null, 5, 2, STREAM);
        assertFalse(Arrays.equals(base[0], mask(d, null, 5, 3, STREAM)[0]), "another epoch");
        assertFalse(Arrays.equals(base[0], mask(d, null, 5, 2, STREAM + 1)[0]), "another layer");
        assertFalse(Arrays.equals(base[0], mask(d, null, 6, 2, STREAM)[0]), "another seed");
        int[] unitOf = new Rng(1).permutation(d);
        float[][] permuted = mask(d, unitOf, 5, 2, STREAM);
        for (int j = 0; j < d; j++) {
            assertEquals(base[0][unitOf[j]], permuted[0][j], "column " + j + " draws unit " + unitOf[j]);
        }
    }

    /** The GPU draws the same masks: unit u of sample s keeps when the Philox word (seed, stream, epoch, s, u) says so. */
    @Test
    void theMaskIsTheDocumentedPhiloxWordOfEachUnit() {
        long seed = 0x0000_0007_0000_0005L; // the high half of a 64-bit --seed is part of the key
        int d = 37; // not a multiple of four: the last block of words is cut short
        int[] order = {4, 12, 8};
        float[][] x = ones(3, d);
        try (Parallel par = new Parallel(1)) {
            CpuOps.dropout(x, 2, d, null, order, 1, seed, 6, STREAM, 0.5f, 2f, par); // rows: samples 12, 8
        }
        for (int r = 0; r < 2; r++) {
            for (int u = 0; u < d; u++) {
                boolean keep = CpuOps.dropoutKeeps(Philox.word(seed, STREAM, 6, order[1 + r], u), 0.5f);
                assertEquals(keep ? 2f : 0f, x[r][u], "sample " + order[1 + r] + ", unit " + u);
            }
        }
        assertArrayEquals(ones(1, d)[0], x[2], "rows past the count are left alone");
    }

    /** Without an order, row r of the batch is sample start + r of the training set. */
    @Test
    void withoutAnOrderTheRowsAreConsecutiveSamples() {
        int d = 16;
        float[][] identity = ones(4, d);
        float[][] ordered = ones(4, d);
        try (Parallel par = new Parallel(1)) {
            CpuOps.dropout(identity, 4, d, null, null, 3, 5, 2, STREAM, 0.5f, 2f, par);
            CpuOps.dropout(ordered, 4, d, null, new int[] {0, 1, 2, 3, 4, 5, 6}, 3, 5, 2, STREAM, 0.5f, 2f, par);
        }
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(ordered[r], identity[r], "row " + r + " is sample " + (3 + r));
        }
    }

    private static float[][] mask(int d, int[] unitOf, long seed, int epoch, int stream) {
        float[][] x = ones(1, d);
        try (Parallel par = new Parallel(1)) {
            CpuOps.dropout(x, 1, d, unitOf, new int[] {9}, 0, seed, epoch, stream, 0.5f, 2f, par);
        }
        return x;
    }

    @Test
    void theKeepRuleIsUniformAtLeastP() {
        int word = 0x80000000; // uniform 0.5
        assertTrue(CpuOps.dropoutKeeps(word, 0.5f), "uniform == P is kept");
        assertFalse(CpuOps.dropoutKeeps(word, 0.5000001f));
        assertTrue(CpuOps.dropoutKeeps(0, 0f), "P = 0 keeps everything, uniform 0 included");
    }

    @Test
    void weightDecayLeavesTheBiasRowAlone() {
        float[][] w = {{1f, 2f}, {3f, -4f}, {0.5f, 8f}};
        float[][] y = {{10f, 10f}, {10f, 10f}, {10f, 10f}};
        CpuOps.weightDecay(y, w, 2, 2, 0.25f);
        assertArrayEquals(new float[] {10f, 10f}, y[0]);
        assertArrayEquals(new float[] {10.75f, 9f}, y[1]);
        assertArrayEquals(new float[] {10.125f, 12f}, y[2]);
        CpuOps.weightDecay(w, w, 2, 2, -0.5f); // the shrink without momentum: w += (-eta lambda) w
        assertArrayEquals(new float[] {1f, 2f}, w[0]);
        assertArrayEquals(new float[] {1.5f, -2f}, w[1]);
    }

    @Test
    void maxNormRescalesOnlyColumnsLongerThanCAndNotTheBias() {
        // column 0 has norm 5 (3, 4), column 1 norm 0.5: with C = 2 only column 0 shrinks, by 2/5
        float[][] w = {{7f, 7f}, {3f, 0.3f}, {4f, -0.4f}};
        CpuOps.maxNorm(w, 2, 2, 2f);
        assertArrayEquals(new float[] {7f, 7f}, w[0], "the bias row is not part of the norm or the rescale");
        assertEquals(1.2f, w[1][0], 1e-7f);
        assertEquals(1.6f, w[2][0], 1e-7f);
        assertEquals(0.3f, w[1][1]);
        assertEquals(-0.4f, w[2][1]);
    }
}
