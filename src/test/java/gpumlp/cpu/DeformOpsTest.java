// The deformation twins: identity is exact, rotations and shifts move pixels where they should, fields have the expected statistics.
package gpumlp.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.Deformation;
import gpumlp.util.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeformOpsTest {
    private static final int H = 28;
    private static final int W = 28;
    private static final int HW = H * W;

    private static byte[] randomImages(int n, int hw, long seed) {
        Rng rng = new Rng(seed);
        byte[] b = new byte[n * hw];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        return b;
    }

    private static float[][] gathered(byte[] images, int features, int[] order, int start, int rows) {
        float[][] x = new float[rows][features];
        CpuOps.gatherBatch(images, features, order, start, rows, x);
        return x;
    }

    @Test
    void identitySettingsReturnTheOriginalImageExactly() {
        byte[] images = randomImages(5, HW, 3);
        int[] order = {4, 0, 3, 1, 2};
        float[][] x = new float[5][HW];
        // all ranges 0: rotation, scaling, shear and translation draw 0, and there is no elastic field
        DeformOps.deformRows(Deformation.NONE, Deformation.NONE.gaussian(), 7, 3, images, H, W, order, 0, 0, 5, x);
        float[][] want = gathered(images, HW, order, 0, 5);
        for (int r = 0; r < 5; r++) {
            assertArrayEquals(want[r], x[r], "row " + r);
        }
    }

    @Test
    void aNinetyDegreeRotationIsTheTransposeFlippedLeftToRight() {
        int n = 11; // odd and even sizes both have their centre on the pixel grid or between pixels
        for (int size : new int[] {n, 12}) {
            byte[] img = randomImages(1, size * size, size);
            float[] a = new float[6];
            DeformOps.affineMap(Math.PI / 2, 1, 1, 0, 0, 0, size, size, a);
            float[] out = new float[size * size];
            DeformOps.resampleSample(img, 0, size, size, null, 0, a, out);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float want = (img[(size - 1 - x) * size + y] & 0xFF) / 255f; // transpose, then mirror left-right
                    assertEquals(want, out[y * size + x], 1e-5, "pixel (" + x + ", " + y + ") of " + size + " x " + size);
                }
            }
        }
    }

    @Test
    void aTranslationShiftsThePixelsAndBringsInBackground() {
        byte[] img = randomImages(1, HW, 9);
        float[] a = new float[6];
        DeformOps.affineMap(0, 1, 1, 0, 2, -1, H, W, a); // 2 pixels right, 1 up
        float[] out = new float[HW];
        DeformOps.resampleSample(img, 0, H, W, null, 0, a, out);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int sx = x - 2;
                int sy = y + 1;
                float want = sx >= 0 && sy < H ? (img[sy * W + sx] & 0xFF) / 255f : 0f;
                assertEquals(want, out[y * W + x], 0f, "pixel (" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void halfAPixelShiftAveragesNeighbours() {
        byte[] img = {0, (byte) 200, 100, 0};
        float[] out = new float[4];
        DeformOps.resampleSample(img, 0, 1, 4, null, 0, new float[] {1, 0, 0, 1, 0.5f, 0}, out);
        assertArrayEquals(new float[] {100 / 255f, 150 / 255f, 50 / 255f, 0f}, out);
    }

    @Test
    void theSmoothedFieldHasTheExpectedMeanAndStandardDeviation() {
        Deformation d = new Deformation(34, 4, 0, 0, 0, 0);
        float[] g = d.gaussian();
        int r = d.radius();
        int samples = 4000;
        int[][] pixels = {{14, 14}, {0, 0}, {5, 27}}; // centre, a corner, an edge: zero padding lowers the variance there
        double[] sum = new double[pixels.length];
        double[] sumSq = new double[pixels.length];
        int chunk = 200;
        float[][] field = new float[chunk][2 * HW];
        float[][] tmp = new float[chunk][2 * HW];
        for (int s0 = 0; s0 < samples; s0 += chunk) {
            DeformOps.deformField(11, 2, null, s0, chunk, HW, field);
            DeformOps.deformSmoothRows(field, tmp, chunk, H, W, g, r, 1f);
            DeformOps.deformSmoothCols(tmp, field, chunk, H, W, g, r, d.alpha());
            for (float[] f : field) {
                for (int i = 0; i < pixels.length; i++) {
                    for (int axis = 0; axis < 2; axis++) {
                        double v = f[axis * HW + pixels[i][1] * W + pixels[i][0]];
                        sum[i] += v;
                        sumSq[i] += v * v;
                    }
                }
            }
        }
        for (int i = 0; i < pixels.length; i++) {
            // uniform [-1, 1) has variance 1/3; a separable filter multiplies it by (sum of g_k^2 over taps inside) per axis
            double want = d.alpha() * Math.sqrt(taps(g, r, pixels[i][0], W) * taps(g, r, pixels[i][1], H) / 3.0);
            int n = 2 * samples;
            double mean = sum[i] / n;
            double sd = Math.sqrt(sumSq[i] / n - mean * mean);
            // 4 standard errors: of the mean sd / sqrt(n), of the standard deviation about sd / sqrt(2n)
            assertEquals(0, mean, 4 * want / Math.sqrt(n), "mean at " + Arrays.toString(pixels[i]));
            assertEquals(want, sd, 4 * want / Math.sqrt(2.0 * n), "standard deviation at " + Arrays.toString(pixels[i]));
        }
        assertTrue(d.alpha() * Math.sqrt(taps(g, r, 14, W) * taps(g, r, 14, H) / 3.0) > 1,
                "Simard's settings move pixels by a pixel or two");
    }

    /** Sum of g_k^2 over the taps k with 0 <= i + k < n. */
    private static double taps(float[] g, int r, int i, int n) {
        double s = 0;
        for (int k = -r; k <= r; k++) {
            if (i + k >= 0 && i + k < n) {
                s += (double) g[k + r] * g[k + r];
            }
        }
        return s;
    }

    @Test
    void aSamplesDeformationDependsOnSeedEpochAndSampleOnlyNotItsBatch() {
        Deformation d = new Deformation(34, 4, 15, 15, 10, 2);
        byte[] images = randomImages(20, HW, 5);
        int[] order = new Rng(1).permutation(20);
        float[][] batch = new float[20][HW];
        DeformOps.deformRows(d, d.gaussian(), 99, 3, images, H, W, order, 0, 0, 20, batch);
        for (int r : new int[] {0, 7, 19}) {
            float[][] alone = new float[1][HW];
            DeformOps.deformRows(d, d.gaussian(), 99, 3, images, H, W, new int[] {order[r]}, 0, 0, 1, alone);
            assertArrayEquals(batch[r], alone[0], "row " + r);
        }
        float[][] otherEpoch = new float[1][HW];
        DeformOps.deformRows(d, d.gaussian(), 99, 4, images, H, W, order, 0, 0, 1, otherEpoch);
        assertFalse(Arrays.equals(batch[0], otherEpoch[0]), "another epoch draws another deformation");
        float[][] otherSeed = new float[1][HW];
        DeformOps.deformRows(d, d.gaussian(), 98, 3, images, H, W, order, 0, 0, 1, otherSeed);
        assertFalse(Arrays.equals(batch[0], otherSeed[0]), "another seed draws another deformation");
    }

    @Test
    void theWholeDeformationIsTheKernelTwinsInTheirOrder() {
        Deformation d = new Deformation(30, 3.5f, 12, 10, 8, 1.5f);
        int h = 13;
        int w = 9; // not square, odd
        int hw = h * w;
        int rows = 70; // more than the 64 rows deformRows smooths together
        byte[] images = randomImages(80, hw, 8);
        int[] order = new Rng(2).permutation(80);
        int start = 3;
        float[][] field = new float[rows][2 * hw];
        float[][] tmp = new float[rows][2 * hw];
        float[][] affine = new float[rows][6];
        float[][] x = new float[rows][hw];
        DeformOps.deformField(5, 2, order, start, rows, hw, field);
        DeformOps.deformSmoothRows(field, tmp, rows, h, w, d.gaussian(), d.radius(), 1f);
        DeformOps.deformSmoothCols(tmp, field, rows, h, w, d.gaussian(), d.radius(), d.alpha());
        DeformOps.deformAffine(5, 2, order, start, rows, h, w, d.rotate(), d.scale(), d.shear(), d.translate(), affine);
        DeformOps.deformResample(images, hw, order, start, rows, h, w, field, affine, x);
        float[][] whole = new float[rows][hw];
        DeformOps.deformRows(d, d.gaussian(), 5, 2, images, h, w, order, start, 0, rows, whole);
        for (int r = 0; r < rows; r++) {
            assertArrayEquals(x[r], whole[r], "row " + r);
        }
    }

    @Test
    void theFieldIsTheDocumentedPhiloxCounterWordForWord() {
        int hw = 117; // 2hw = 234: the last block of four is cut short
        int[] order = {5, 2};
        float[][] field = new float[2][2 * hw];
        DeformOps.deformField(0x1234_5678_9ABCL, 7, order, 0, 2, hw, field);
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < 2 * hw; i++) {
                int word = gpumlp.util.Philox.word(0x1234_5678_9ABCL, gpumlp.util.Philox.STREAM_DEFORM, 7, order[r], i);
                assertEquals(2f * gpumlp.util.Philox.uniform(word) - 1f, field[r][i], 0f, "row " + r + ", value " + i);
            }
        }
    }

    @Test
    void theSmoothingSumsEveryTapInsideTheImage() {
        // a single 1 in plane 0: smoothing along x then y spreads it into the outer product of the Gaussian
        int h = 5;
        int w = 7;
        float[] g = {0.25f, 0.5f, 0.25f};
        float[] in = new float[2 * h * w];
        in[2 * w + 3] = 1f;
        float[][] tmp = new float[1][in.length];
        float[][] result = new float[1][in.length];
        DeformOps.deformSmoothRows(new float[][] {in}, tmp, 1, h, w, g, 1, 1f);
        DeformOps.deformSmoothCols(tmp, result, 1, h, w, g, 1, 2f);
        float[] out = result[0];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float gy = Math.abs(y - 2) <= 1 ? g[y - 2 + 1] : 0f;
                float gx = Math.abs(x - 3) <= 1 ? g[x - 3 + 1] : 0f;
                assertEquals(2f * gy * gx, out[y * w + x], 0f, "(" + x + ", " + y + ")");
                assertEquals(0f, out[h * w + y * w + x], 0f, "plane 1 stays 0");
            }
        }
    }

    @Test
    void theGaussianIsNormalisedAndThreeSigmasWide() {
        Deformation d = new Deformation(34, 4, 0, 0, 0, 0);
        float[] g = d.gaussian();
        assertEquals(25, g.length);
        double s = 0;
        for (float v : g) {
            s += v;
        }
        assertEquals(1, s, 1e-6);
        assertEquals(Math.exp(-0.5), g[12 + 4] / g[12], 1e-6, "one sigma from the centre");
    }
}
