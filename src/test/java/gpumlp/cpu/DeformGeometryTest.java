// What the deformation options promise: draws within their ranges, maps that invert the documented forward transform, bilinear sampling to the border.
package gpumlp.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.util.Philox;
import gpumlp.util.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeformGeometryTest {
    private static final int H = 28;
    private static final int W = 28;
    private static final int SAMPLES = 400;

    /** The affine maps of samples 0..SAMPLES-1 of one epoch. */
    private static float[][] maps(long seed, float rotate, float scale, float shear, float translate) {
        float[][] a = new float[SAMPLES][DeformOps.AFFINE_VALUES];
        DeformOps.deformAffine(seed, 3, null, 0, SAMPLES, H, W, rotate, scale, shear, translate, a);
        return a;
    }

    /** Smallest and largest of the values; asserts each lies in [-limit, limit]. */
    private static double[] spread(double[] values, double limit, String what) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double v : values) {
            assertTrue(Math.abs(v) <= limit + 1e-5, what + " " + v + " outside [-" + limit + ", " + limit + "]");
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }

    /** Uniform draws over [-limit, limit]: the extremes of 400 come within 5 % of both ends. */
    private static void coversTheRange(double[] values, double limit, String what) {
        double[] s = spread(values, limit, what);
        assertTrue(s[0] < -0.95 * limit && s[1] > 0.95 * limit, what + " only spans " + Arrays.toString(s));
    }

    @Test
    void rotationsAreDrawnFromPlusToMinusTheRangeInDegrees() {
        float[][] a = maps(17, 15, 0, 0, 0);
        double[] degrees = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            // a pure rotation: M = R^-1 = [[cos, sin], [-sin, cos]]
            assertEquals(a[s][0], a[s][3], 1e-6);
            assertEquals(a[s][1], -a[s][2], 1e-6);
            degrees[s] = Math.toDegrees(Math.atan2(a[s][1], a[s][0]));
        }
        coversTheRange(degrees, 15, "rotation");
    }

    @Test
    void eachAxisIsScaledOnItsOwnWithinThePercentage() {
        float[][] a = maps(17, 0, 10, 0, 0);
        double[] sx = new double[SAMPLES];
        double[] sy = new double[SAMPLES];
        int differ = 0;
        for (int s = 0; s < SAMPLES; s++) {
            assertEquals(0f, a[s][1], 0f);
            assertEquals(0f, a[s][2], 0f);
            sx[s] = 100 * (1 / a[s][0] - 1); // the sampling map divides by the scale
            sy[s] = 100 * (1 / a[s][3] - 1);
            differ += a[s][0] != a[s][3] ? 1 : 0;
        }
        coversTheRange(sx, 10, "x scaling in percent");
        coversTheRange(sy, 10, "y scaling in percent");
        assertTrue(differ > SAMPLES * 0.9, "the axes are drawn independently");
    }

    @Test
    void shearsAreHorizontalWithinTheAngle() {
        float[][] a = maps(17, 0, 0, 20, 0);
        double[] degrees = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            // Sh^-1 = [[1, -tan phi], [0, 1]]: x moves with y, y stays
            assertEquals(1f, a[s][0], 1e-6);
            assertEquals(0f, a[s][2], 0f);
            assertEquals(1f, a[s][3], 1e-6);
            degrees[s] = Math.toDegrees(Math.atan(-a[s][1]));
        }
        coversTheRange(degrees, 20, "shear");
    }

    @Test
    void translationsMoveEachAxisOnItsOwnWithinThePixels() {
        float[][] a = maps(17, 0, 0, 0, 3);
        double[] tx = new double[SAMPLES];
        double[] ty = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            assertEquals(1f, a[s][0]);
            assertEquals(1f, a[s][3]);
            tx[s] = -a[s][4]; // the image moves by t, so pixel p samples p - t
            ty[s] = -a[s][5];
        }
        coversTheRange(tx, 3, "x translation");
        coversTheRange(ty, 3, "y translation");
        assertFalse(Arrays.equals(tx, ty));
    }

    /** The GPU draws the same six words: indices 0..5 of the affine stream are rotation, scales, shear, shifts. */
    @Test
    void theDrawsAreTheDocumentedPhiloxWords() {
        long seed = 0x0000_0003_0000_0005L; // the high half of the seed is part of the key
        float[] got = new float[6];
        float[] want = new float[6];
        for (int sample : new int[] {0, 9, 123}) {
            DeformOps.sampleAffine(seed, 4, sample, H, W, 12, 8, 6, 2, got);
            double[] u = new double[6];
            for (int i = 0; i < 6; i++) {
                u[i] = 2f * Philox.uniform(Philox.word(seed, DeformOps.AFFINE_STREAM, 4, sample, i)) - 1f;
            }
            DeformOps.affineMap(Math.toRadians(12 * u[0]), 1 + 0.08 * u[1], 1 + 0.08 * u[2], Math.toRadians(6 * u[3]),
                    2 * u[4], 2 * u[5], H, W, want);
            for (int i = 0; i < 6; i++) {
                assertEquals(want[i], got[i], 1e-5, "sample " + sample + ", value " + i);
            }
        }
        DeformOps.sampleAffine(5, 4, 9, H, W, 12, 8, 6, 2, want);
        DeformOps.sampleAffine(seed, 4, 9, H, W, 12, 8, 6, 2, got);
        assertFalse(Arrays.equals(want, got), "seeds that differ in the high half draw other maps");
    }

    /**
     * The forward transform (README): scale, shear x by tan(phi) y, rotate about the centre c, translate:
     * q' = R Sh S (q - c) + c + t. The sampling map must take q' back to q.
     */
    @Test
    void theSamplingMapInvertsTheForwardTransform() {
        double theta = 0.3;
        double sx = 1.1;
        double sy = 0.85;
        double phi = -0.2;
        double tx = 1.5;
        double ty = -2.25;
        int h = 13;
        int w = 9;
        float[] m = new float[6];
        DeformOps.affineMap(theta, sx, sy, phi, tx, ty, h, w, m);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        double[][] points = {{0, 0}, {8, 0}, {0, 12}, {3.5, 7.25}, {cx, cy}};
        for (double[] q : points) {
            double x = sx * (q[0] - cx);
            double y = sy * (q[1] - cy);
            x += Math.tan(phi) * y;
            double rx = Math.cos(theta) * x - Math.sin(theta) * y;
            double ry = Math.sin(theta) * x + Math.cos(theta) * y;
            double px = rx + cx + tx;
            double py = ry + cy + ty;
            assertEquals(q[0], m[0] * px + m[1] * py + m[4], 1e-4, "x of " + Arrays.toString(q));
            assertEquals(q[1], m[2] * px + m[3] * py + m[5], 1e-4, "y of " + Arrays.toString(q));
        }
    }

    /** Bilinear interpolation of image 1 of the array at (x, y), pixels outside the image 0: the textbook formula. */
    private static double expectedBilinear(byte[] images, int offset, int h, int w, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double v = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int px = x0 + dx;
                int py = y0 + dy;
                double p = px >= 0 && px < w && py >= 0 && py < h ? images[offset + py * w + px] & 0xFF : 0;
                v += p * (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
            }
        }
        return v;
    }

    /**
     * Sub-pixel shifts in every direction blend the four pixels around each point and fade into the
     * background at every border; the images before and after this one are never read.
     */
    @Test
    void subPixelShiftsInterpolateBilinearlyUpToEveryBorder() {
        int h = 5;
        int w = 7;
        int hw = h * w;
        byte[] images = new byte[3 * hw];
        Rng rng = new Rng(6);
        for (int i = 0; i < images.length; i++) {
            images[i] = (byte) (1 + rng.nextInt(255)); // no zero pixel: any stray read shows
        }
        double[][] shifts = {{0.25, 0.75}, {-0.25, -0.5}, {0.6, -0.3}, {-0.7, 0.4}};
        for (double[] t : shifts) {
            float[] out = new float[hw];
            DeformOps.resampleSample(images, hw, h, w, null, 0, new float[] {1, 0, 0, 1, (float) t[0], (float) t[1]}, out);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double want = expectedBilinear(images, hw, h, w, x + (float) t[0], y + (float) t[1]) / 255;
                    assertEquals(want, out[y * w + x], 1e-5, "pixel (" + x + ", " + y + ") shifted by " + Arrays.toString(t));
                }
            }
        }
    }

    /** An elastic field that is the same everywhere displaces like a translation: x by plane 0, y by plane 1. */
    @Test
    void aConstantElasticFieldIsATranslation() {
        int h = 6;
        int w = 9; // not square: the y plane starts at h w
        int hw = h * w;
        byte[] images = new byte[hw];
        Rng rng = new Rng(8);
        for (int i = 0; i < hw; i++) {
            images[i] = (byte) rng.nextInt(256);
        }
        float[][] field = new float[2 * hw][1];
        for (int p = 0; p < hw; p++) {
            field[p][0] = 1.5f;
            field[hw + p][0] = -0.5f;
        }
        float[] identity = {1, 0, 0, 1, 0, 0};
        float[] displaced = new float[hw];
        DeformOps.resampleSample(images, 0, h, w, field, 0, identity, displaced);
        float[] shifted = new float[hw];
        DeformOps.resampleSample(images, 0, h, w, null, 0, new float[] {1, 0, 0, 1, 1.5f, -0.5f}, shifted);
        assertEquals(Arrays.toString(shifted), Arrays.toString(displaced));
        assertFalse(Arrays.equals(shifted, new float[hw]));
    }

    /** Smoothing near a border: the taps that fall outside the image count as zero, on either side. */
    @Test
    void theSmoothingNearTheBordersIsAZeroPaddedConvolution() {
        int h = 6;
        int w = 8;
        int hw = h * w;
        float[] g = {0.1f, 0.2f, 0.4f, 0.2f, 0.1f};
        int r = 2;
        float[] in = new float[2 * hw];
        Rng rng = new Rng(12);
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) rng.nextDouble() - 0.5f;
        }
        float[][] alongX = new float[1][2 * hw];
        float[][] alongY = new float[1][2 * hw];
        DeformOps.deformSmoothRows(new float[][] {in}, alongX, 1, h, w, g, r, 1f);
        DeformOps.deformSmoothCols(new float[][] {in}, alongY, 1, h, w, g, r, 3f);
        for (int plane = 0; plane < 2; plane++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sx = 0;
                    double sy = 0;
                    for (int k = -r; k <= r; k++) {
                        if (x + k >= 0 && x + k < w) {
                            sx += g[k + r] * in[plane * hw + y * w + x + k];
                        }
                        if (y + k >= 0 && y + k < h) {
                            sy += g[k + r] * in[plane * hw + (y + k) * w + x];
                        }
                    }
                    int i = plane * hw + y * w + x;
                    assertEquals(sx, alongX[0][i], 1e-6, "along x at (" + x + ", " + y + ") of plane " + plane);
                    assertEquals(3 * sy, alongY[0][i], 1e-6, "along y at (" + x + ", " + y + ") of plane " + plane);
                }
            }
        }
    }

    /** A thread's scratch follows the image size: a small preview, then full-size training, gives the same rows. */
    @Test
    void imagesOfAnotherSizeOnTheSameThreadAreDeformedTheSame() throws Exception {
        gpumlp.backend.Deformation d = new gpumlp.backend.Deformation(8, 2, 5, 5, 5, 1);
        byte[] big = new byte[3 * 28 * 28];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        float[][] bigOnly = onFreshThread(() -> deform(d, big, 28, 28, 3));
        float[][] afterSmall = onFreshThread(() -> {
            deform(d, new byte[2 * 5 * 4], 5, 4, 2);
            return deform(d, big, 28, 28, 3);
        });
        for (int r = 0; r < 3; r++) {
            assertEquals(Arrays.toString(bigOnly[r]), Arrays.toString(afterSmall[r]), "row " + r);
        }
    }

    private static float[][] deform(gpumlp.backend.Deformation d, byte[] images, int h, int w, int rows) {
        float[][] x = new float[rows][h * w];
        DeformOps.deformRows(d, d.gaussian(), 4, 1, images, h, w, null, 0, 0, rows, x);
        return x;
    }

    /** Runs {@code work} on a new thread (whose thread-local scratch starts empty) and returns its result. */
    private static float[][] onFreshThread(java.util.concurrent.Callable<float[][]> work) throws Exception {
        java.util.concurrent.FutureTask<float[][]> task = new java.util.concurrent.FutureTask<>(work);
        Thread t = new Thread(task);
        t.start();
        return task.get();
    }
}
