// CPU twins of kernels/deform.cu (same names): elastic fields from Philox, separable Gaussian smoothing, per-sample affine maps, bilinear resampling.
package gpumlp.cpu;

import gpumlp.backend.Deformation;
import gpumlp.util.Philox;

/**
 * The deformation of one training sample in one epoch is a pure function of (seed, epoch, sample
 * index in the training set): its random numbers come from {@link Philox} with key = seed and
 * counter (block, sample, epoch, stream), so it does not depend on the batch, the thread or the
 * device. Images are h x w, row-major (pixel p = y w + x). A field row holds 2 planes of h x w:
 * the x displacements at [0, hw), the y displacements at [hw, 2hw). An affine row holds 6 floats
 * {m00, m01, m10, m11, ox, oy}: output pixel (x, y) samples the source at
 * (m00 x + m01 y + ox + dx, m10 x + m11 y + oy + dy), (dx, dy) the elastic displacement there.
 *
 * <p>Every float sum and product is rounded in the order written (Java never fuses), and the
 * kernels use __fmul_rn / __fadd_rn in the same order, so fields, smoothing and resampling give the
 * same bits on both sides; only the affine map's sin, cos and tan may differ in the last bit.
 */
public final class DeformOps {
    /** Philox counter word 3 of the elastic field (index a hw + p: axis a, pixel p). */
    public static final int FIELD_STREAM = Philox.STREAM_DEFORM;
    /** Philox counter word 3 of the affine draws (indices 0..5: rotation, x scale, y scale, shear, x shift, y shift). */
    public static final int AFFINE_STREAM = Philox.STREAM_DEFORM + 1;
    /** Floats per affine row. */
    public static final int AFFINE_VALUES = 6;

    private DeformOps() {}

    /** Sample index of batch row r: order[start + r], or start + r when order is null. */
    private static int sample(int[] order, int start, int r) {
        return order == null ? start + r : order[start + r];
    }

    /** A Philox word to a float uniform in [-1, 1): 2u - 1, exact in float32. */
    static float signedUniform(int word) {
        return 2f * Philox.uniform(word) - 1f;
    }

    /**
     * deform_field: field[r] (2 hw floats) = the raw elastic field of sample order[start + r]:
     * value i = 2u - 1 with u the Philox uniform of word i (block i / 4, word i % 4).
     */
    public static void deformField(long seed, int epoch, int[] order, int start, int rows, int hw, float[][] field) {
        float[][] pm = new float[2 * hw][1];
        for (int r = 0; r < rows; r++) {
            fieldColumn(seed, epoch, sample(order, start, r), hw, pm, 0);
            for (int i = 0; i < 2 * hw; i++) {
                field[r][i] = pm[i][0];
            }
        }
    }

    /** The raw field of one sample into column j of a pixel-major field: field[i][j] for i < 2 hw. */
    static void fieldColumn(long seed, int epoch, int sample, int hw, float[][] field, int col) {
        int n = 2 * hw;
        int[] c = new int[4];
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        for (int q = 0; 4 * q < n; q++) {
            c[0] = q;
            c[1] = sample;
            c[2] = epoch;
            c[3] = FIELD_STREAM;
            Philox.philox4x32(c, k0, k1);
            int m = Math.min(4, n - 4 * q);
            for (int j = 0; j < m; j++) {
                field[4 * q + j][col] = signedUniform(c[j]);
            }
        }
    }

    /**
     * deform_smooth_rows: along x, out[r] = scale * (in[r] convolved with g), each of the 2 planes:
     * out[y][x] = scale * (g[radius] in[y][x] + sum_{k = 1..radius} g[radius + k] (in[y][x - k] + in[y][x + k])),
     * the pairs added in increasing k, a value outside the image counting as 0 (g is symmetric).
     * in, out: rows x 2hw; g: 2 radius + 1.
     */
    public static void deformSmoothRows(float[][] in, float[][] out, int rows, int h, int w, float[] g, int radius,
                                        float scale) {
        smoothBatch(in, out, rows, h, w, true, g, radius, scale);
    }

    /**
     * deform_smooth_cols: the same along y, each of the 2 planes: out[y][x] = scale * (g[radius] in[y][x]
     * + sum_{k = 1..radius} g[radius + k] (in[y - k][x] + in[y + k][x])). in, out: rows x 2hw.
     */
    public static void deformSmoothCols(float[][] in, float[][] out, int rows, int h, int w, float[] g, int radius,
                                        float scale) {
        smoothBatch(in, out, rows, h, w, false, g, radius, scale);
    }

    /** The twins' smoothing through {@link #smooth}: rows x 2hw transposed to 2hw x rows and back. */
    private static void smoothBatch(float[][] in, float[][] out, int rows, int h, int w, boolean alongX, float[] g,
                                    int radius, float scale) {
        int n = 2 * h * w;
        float[][] a = new float[n][rows];
        float[][] b = new float[n][rows];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                a[i][r] = in[r][i];
            }
        }
        smooth(a, b, rows, h, w, alongX, g, radius, scale);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                out[r][i] = b[i][r];
            }
        }
    }

    /**
     * The smoothing of n samples at once, stored pixel-major (in[i][s] is value i of sample s, in, out:
     * 2hw x n) so that the inner loops run over the samples and vectorise: out[i][s] = scale *
     * (g0 in[i][s] + sum_k g_k (in[i - k step][s] + in[i + k step][s])), k = 1, 2, ... while a side is inside
     * the image along the axis; a side outside adds nothing (x + 0 is x exactly, as the kernel computes it).
     */
    static void smooth(float[][] in, float[][] out, int n, int h, int w, boolean alongX, float[] g, int radius,
                       float scale) {
        int hw = h * w;
        int len = alongX ? w : h;
        int step = alongX ? 1 : w;
        float g0 = g[radius];
        for (int i = 0; i < 2 * hw; i++) {
            int p = i % hw;
            int pos = alongX ? p % w : p / w;
            float[] o = out[i];
            float[] c = in[i];
            for (int s = 0; s < n; s++) {
                o[s] = g0 * c[s];
            }
            int last = Math.min(radius, Math.max(pos, len - 1 - pos));
            for (int k = 1; k <= last; k++) {
                float gk = g[radius + k];
                boolean lo = pos - k >= 0;
                boolean hi = pos + k < len;
                if (lo && hi) {
                    float[] a = in[i - k * step];
                    float[] b = in[i + k * step];
                    for (int s = 0; s < n; s++) {
                        o[s] += gk * (a[s] + b[s]);
                    }
                } else {
                    float[] a = in[lo ? i - k * step : i + k * step];
                    for (int s = 0; s < n; s++) {
                        o[s] += gk * a[s];
                    }
                }
            }
            if (scale != 1f) { // multiplying by 1 changes no bits
                for (int s = 0; s < n; s++) {
                    o[s] = scale * o[s];
                }
            }
        }
    }

    /**
     * deform_affine: affine[r] (6 floats) = the affine map of sample order[start + r], drawn from the
     * ranges (degrees, percent, degrees, pixels) with the Philox words of {@link #AFFINE_STREAM}.
     */
    public static void deformAffine(long seed, int epoch, int[] order, int start, int rows, int h, int w, float rotate,
                                    float scale, float shear, float translate, float[][] affine) {
        for (int r = 0; r < rows; r++) {
            sampleAffine(seed, epoch, sample(order, start, r), h, w, rotate, scale, shear, translate, affine[r]);
        }
    }

    /** One sample's affine map: six uniforms in [-1, 1) scale the ranges; see {@link #affineMap}. */
    public static void sampleAffine(long seed, int epoch, int sample, int h, int w, float rotate, float scale, float shear,
                                    float translate, float[] out) {
        float[] u = new float[8];
        int[] c = new int[4];
        for (int q = 0; q < 2; q++) {
            c[0] = q;
            c[1] = sample;
            c[2] = epoch;
            c[3] = AFFINE_STREAM;
            Philox.philox4x32(c, (int) seed, (int) (seed >>> 32));
            for (int j = 0; j < 4; j++) {
                u[4 * q + j] = signedUniform(c[j]);
            }
        }
        double deg = Math.PI / 180.0;
        double theta = (double) rotate * u[0] * deg;
        double sx = 1.0 + (double) scale * u[1] / 100.0;
        double sy = 1.0 + (double) scale * u[2] / 100.0;
        double phi = (double) shear * u[3] * deg;
        double tx = (double) translate * u[4];
        double ty = (double) translate * u[5];
        affineMap(theta, sx, sy, phi, tx, ty, h, w, out);
    }

    /**
     * The sampling map of the forward transform "scale by (sx, sy), shear x by tan(phi) y, rotate by
     * theta (radians, about the image centre), translate by (tx, ty)": out = {m00, m01, m10, m11, ox, oy}
     * with M = S^-1 Sh^-1 R^-1 and o = c - M (c + t), c = ((w - 1) / 2, (h - 1) / 2); computed in double,
     * each value rounded to float once.
     */
    public static void affineMap(double theta, double sx, double sy, double phi, double tx, double ty, int h, int w,
                                 float[] out) {
        double cos = StrictMath.cos(theta);
        double sin = StrictMath.sin(theta);
        double t = StrictMath.tan(phi);
        double m00 = (cos + t * sin) / sx;
        double m01 = (sin - t * cos) / sx;
        double m10 = -sin / sy;
        double m11 = cos / sy;
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        double px = cx + tx;
        double py = cy + ty;
        out[0] = (float) m00;
        out[1] = (float) m01;
        out[2] = (float) m10;
        out[3] = (float) m11;
        out[4] = (float) (cx - (m00 * px + m01 * py));
        out[5] = (float) (cy - (m10 * px + m11 * py));
    }

    /**
     * deform_resample: x[r][p] = the source image of sample order[start + r] at the displaced point of
     * pixel p, interpolated bilinearly (pixels outside the image are 0), divided by 255.
     * images: n x features bytes (features = h w); field: rows x 2hw, or null for no elastic field;
     * affine: rows x 6; x: rows x (at least) hw.
     */
    public static void deformResample(byte[] images, int features, int[] order, int start, int rows, int h, int w,
                                      float[][] field, float[][] affine, float[][] x) {
        float[][] pm = field == null ? null : new float[2 * h * w][rows]; // pixel-major, as resampleSample reads it
        for (int r = 0; r < rows && pm != null; r++) {
            for (int i = 0; i < 2 * h * w; i++) {
                pm[i][r] = field[r][i];
            }
        }
        for (int r = 0; r < rows; r++) {
            resampleSample(images, sample(order, start, r) * features, h, w, pm, r, affine[r], x[r]);
        }
    }

    /**
     * deform_resample for one sample whose bytes start at images[offset]; its field is column `col` of a
     * pixel-major field (field[i][col], i < 2hw), or none when field is null.
     */
    public static void resampleSample(byte[] images, int offset, int h, int w, float[][] field, int col, float[] a,
                                      float[] out) {
        int hw = h * w;
        float m00 = a[0];
        float m01 = a[1];
        float m10 = a[2];
        float m11 = a[3];
        float ox = a[4];
        float oy = a[5];
        for (int y = 0; y < h; y++) {
            for (int xq = 0; xq < w; xq++) {
                int p = y * w + xq;
                float sx = m00 * xq + m01 * y + ox;
                float sy = m10 * xq + m11 * y + oy;
                if (field != null) {
                    sx = sx + field[p][col];
                    sy = sy + field[hw + p][col];
                }
                out[p] = bilinear(images, offset, h, w, sx, sy) / 255f;
            }
        }
    }

    /** The image (bytes as 0..255) at (sx, sy), bilinear between the four pixels around it; 0 outside. */
    static float bilinear(byte[] images, int offset, int h, int w, float sx, float sy) {
        if (!(sx > -1f && sx < w && sy > -1f && sy < h)) { // also NaN
            return 0f;
        }
        int x0 = (int) Math.floor(sx); // sx, sy in (-1, w) and (-1, h) here: exact, as floorf on the GPU
        int y0 = (int) Math.floor(sy);
        float fx = sx - x0;
        float fy = sy - y0;
        float p00;
        float p10;
        float p01;
        float p11;
        if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) { // all four inside: no checks
            int i = offset + y0 * w + x0;
            p00 = images[i] & 0xFF;
            p10 = images[i + 1] & 0xFF;
            p01 = images[i + w] & 0xFF;
            p11 = images[i + w + 1] & 0xFF;
        } else {
            p00 = pixel(images, offset, h, w, x0, y0);
            p10 = pixel(images, offset, h, w, x0 + 1, y0);
            p01 = pixel(images, offset, h, w, x0, y0 + 1);
            p11 = pixel(images, offset, h, w, x0 + 1, y0 + 1);
        }
        float top = (1f - fx) * p00 + fx * p10;
        float bottom = (1f - fx) * p01 + fx * p11;
        return (1f - fy) * top + fy * bottom;
    }

    private static float pixel(byte[] images, int offset, int h, int w, int x, int y) {
        return x >= 0 && x < w && y >= 0 && y < h ? images[offset + y * w + x] & 0xFF : 0f;
    }

    /** Samples smoothed together by {@link #deformRows} (pixel-major scratch of 2hw x CHUNK floats). */
    private static final int CHUNK = 64;

    /**
     * The whole deformation of batch rows [from, to) (the CPU training path and the preview): for each,
     * field, smoothing along x then y (times alpha), affine map, resampling into x[r]; g is
     * d.gaussian(). Each row depends only on (seed, epoch, sample), so threads may split the rows.
     * The fields of up to {@link #CHUNK} rows are smoothed together, which gives each the same bits.
     */
    public static void deformRows(Deformation d, float[] g, long seed, int epoch, byte[] images, int h, int w,
                                  int[] order, int start, int from, int to, float[][] x) {
        int hw = h * w;
        Scratch sc = d.elastic() ? Scratch.of(hw) : null; // pixel-major: field[i][j] is value i of row c0 + j
        float[] affine = new float[AFFINE_VALUES];
        for (int c0 = from; c0 < to; c0 += CHUNK) {
            int n = Math.min(CHUNK, to - c0);
            if (sc != null) {
                for (int j = 0; j < n; j++) {
                    fieldColumn(seed, epoch, sample(order, start, c0 + j), hw, sc.field, j);
                }
                smooth(sc.field, sc.tmp, n, h, w, true, g, d.radius(), 1f);
                smooth(sc.tmp, sc.field, n, h, w, false, g, d.radius(), d.alpha());
            }
            for (int j = 0; j < n; j++) {
                int s = sample(order, start, c0 + j);
                sampleAffine(seed, epoch, s, h, w, d.rotate(), d.scale(), d.shear(), d.translate(), affine);
                resampleSample(images, s * hw, h, w, sc == null ? null : sc.field, j, affine, x[c0 + j]);
            }
        }
    }

    /** A thread's pixel-major field and smoothing scratch, 2hw x CHUNK each, kept between batches. */
    private record Scratch(int hw, float[][] field, float[][] tmp) {
        private static final ThreadLocal<Scratch> MINE = new ThreadLocal<>();

        static Scratch of(int hw) {
            Scratch sc = MINE.get();
            if (sc == null || sc.hw != hw) {
                sc = new Scratch(hw, new float[2 * hw][CHUNK], new float[2 * hw][CHUNK]);
                MINE.set(sc);
            }
            return sc;
        }
    }
}
