// The float32 operations of one training step on the CPU, named for the CUDA kernels and cuBLAS calls that will mirror them.
package gpumlp.cpu;

import gpumlp.util.Philox;
import gpumlp.util.Vectors;
import java.util.Arrays;

/**
 * Float32 building blocks of the forward and backward pass, shared by training, evaluation and
 * prediction. Matrices are arrays of rows: {@code x[r]} is sample r of a batch, {@code w[i]} is row
 * i of W(l), a (d(l-1)+1) x d(l) matrix whose row 0 multiplies the bias unit x0 = 1. Activation
 * rows hold the units 1..d only (x[r][i-1] is x_i); the constant x0 = 1 is implied, so
 * s_j = w[0][j] + sum_{i>=1} x_i w[i][j] is exactly sum_{i=0..d} w_ij x_i of the model (README, "The model").
 * (Rows start at offset 0 so that HotSpot vectorises the inner loops.)
 *
 * <p>Names are shared with the GPU backend to come: {@code gatherBatch} = gather_batch, {@code reluForward} =
 * relu_forward, {@code reluBackward} = relu_backward, {@code softmaxXent} = softmax_xent,
 * {@code outerProductUpdate} = outer_product_update, {@code momentumUpdate} = momentum_update,
 * {@code dropout} = dropout, {@code weightDecay} = weight_decay, {@code maxNorm} = max_norm;
 * {@code linearForward}, {@code linearBackward} and {@code sgdUpdate} are the cuBLAS SGEMM calls.
 *
 * <p>Zero inputs are skipped in the sums (MNIST pixels are ~80 % zero, hidden units ~50 %): adding
 * x*w with x = 0 leaves a finite sum unchanged, so skipping is exact and the result equals the
 * dense sum taken in the same order (up to the sign of a zero, which no later step can see).
 */
public final class CpuOps {
    private CpuOps() {}

    /** Rows per task below which a loop is not split across threads (a hand-over costs microseconds). */
    private static final int MIN_ROWS_PER_TASK = 8;

    /**
     * gather_batch: x[r][f] = pixel f of sample order[start + r], divided by 255, for r in [0, rows).
     * images: n x features uint8, row-major; order null means the identity (samples start, start+1, ...).
     */
    public static void gatherBatch(byte[] images, int features, int[] order, int start, int rows, float[][] x) {
        for (int r = 0; r < rows; r++) {
            int src = (order == null ? start + r : order[start + r]) * features;
            float[] xr = x[r];
            for (int f = 0; f < features; f++) {
                xr[f] = (images[src + f] & 0xFF) / 255f;
            }
        }
    }

    /**
     * S = [1 X] W for rows [0, rows): s[r][j] = w[0][j] + sum_{i=1..dIn} x[r][i-1] w[i][j], summed in order of i.
     * x: rows x dIn; w: (dIn+1) x dOut; s: rows x dOut.
     */
    public static void linearForward(float[][] x, int rows, int dIn, float[][] w, int dOut, float[][] s, Parallel par) {
        par.forRange(rows, MIN_ROWS_PER_TASK, (from, to) -> {
            for (int r = from; r < to; r++) {
                float[] xr = x[r];
                float[] sr = s[r];
                System.arraycopy(w[0], 0, sr, 0, dOut); // x0 = 1 times the bias row
                for (int i = 1; i <= dIn; i++) {
                    float a = xr[i - 1];
                    if (a != 0f) {
                        float[] wi = w[i];
                        for (int j = 0; j < dOut; j++) {
                            sr[j] += a * wi[j];
                        }
                    }
                }
            }
        });
    }

    /**
     * relu_forward, in place: x = max(0, s) on rows x d. (Math.max compiles to a vector max; a
     * compare-and-branch would be mispredicted for half the units. max(0, -0) is +0, so every
     * output is +0 or positive; a NaN stays NaN and the trainer reports divergence.)
     */
    public static void reluForward(float[][] s, int rows, int d) {
        for (int r = 0; r < rows; r++) {
            float[] sr = s[r];
            for (int j = 0; j < d; j++) {
                sr[j] = Math.max(sr[j], 0f);
            }
        }
    }

    /**
     * softmax_xent: turns logits into the output delta x(L) - y in place and returns the summed
     * cross-entropy and the number of correct predictions (argmax, first index on ties).
     * z: rows x classes logits, overwritten with the delta; row r has label labels[order[start + r]]
     * (labels[start + r] when order is null). The loss is ln(sum_j exp(z_j - max)) - (z_y - max),
     * the same value as -ln x_y(L) but finite even when x_y underflows to 0.
     */
    public static LossAndCorrect softmaxXent(float[][] z, int rows, int classes, byte[] labels, int[] order, int start) {
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            float[] zr = z[r];
            int y = labels[order == null ? start + r : order[start + r]];
            int argmax = Vectors.argmax(zr, classes);
            float max = zr[argmax];
            float zy = zr[y];
            float sum = expShifted(zr, classes, max);
            loss += StrictMath.log(sum) - (zy - max);
            for (int j = 0; j < classes; j++) {
                zr[j] = zr[j] / sum - (j == y ? 1f : 0f);
            }
            if (argmax == y) {
                correct++;
            }
        }
        return new LossAndCorrect(loss, correct);
    }

    /** Softmax of each row in place (probabilities for prediction). z: rows x classes. */
    public static void softmax(float[][] z, int rows, int classes) {
        for (int r = 0; r < rows; r++) {
            float[] zr = z[r];
            float sum = expShifted(zr, classes, zr[Vectors.argmax(zr, classes)]);
            for (int j = 0; j < classes; j++) {
                zr[j] = zr[j] / sum;
            }
        }
    }

    /** z[j] = exp(z[j] - max) in place for j < n; returns the sum. max is the row maximum, so nothing overflows. */
    private static float expShifted(float[] z, int n, float max) {
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            float e = (float) StrictMath.exp(z[j] - max);
            z[j] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * Back-propagates through W(l) without its bias row: dPrev[r][i] = sum_j w[i+1][j] delta[r][j].
     * delta: rows x dOut; w: (dPrev+1) x dOut; dPrev: rows x dPrevUnits. The ReLU derivative is
     * applied afterwards by {@link #reluBackward}.
     */
    public static void linearBackward(float[][] delta, int rows, int dOut, float[][] w, int dPrevUnits,
                                      float[][] dPrev, Parallel par) {
        par.forRange(rows, MIN_ROWS_PER_TASK, (from, to) -> {
            for (int r = from; r < to; r++) {
                float[] dr = delta[r];
                float[] pr = dPrev[r];
                for (int i = 0; i < dPrevUnits; i++) {
                    float[] wi = w[i + 1];
                    float sum = 0f;
                    for (int j = 0; j < dOut; j++) {
                        sum += wi[j] * dr[j];
                    }
                    pr[i] = sum;
                }
            }
        });
    }

    /**
     * relu_backward: delta[r][i] = g'(s[r][i]) * delta[r][i] with g'(s) = 1 if s > 0 else 0, read from
     * the layer's activations: x = max(0, s) > 0 exactly when s > 0. delta, x: rows x d.
     *
     * <p>Written without a branch (half the units are active, so a branch would be mispredicted half
     * the time): x is +0 or positive, so x > 0 exactly when its bit pattern b is non-zero, and
     * (b | -b) >> 31 is then all ones (else 0): a mask that keeps or clears delta's bits.
     */
    public static void reluBackward(float[][] delta, float[][] x, int rows, int d) {
        for (int r = 0; r < rows; r++) {
            float[] dr = delta[r];
            float[] xr = x[r];
            for (int i = 0; i < d; i++) {
                int b = Float.floatToRawIntBits(xr[i]);
                int keep = (b | -b) >> 31;
                dr[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dr[i]) & keep);
            }
        }
    }

    /**
     * Mini-batch SGD with the sum of the per-sample outer products G = [1 X]^T Delta:
     * W -= (eta / rows) G, or with momentum mu > 0: V = mu V + G / rows; W -= eta V.
     * With momentum, decayPerSum = lambda rows adds weight decay first, as weight_decay does on the GPU:
     * G[i] += decayPerSum W[i] for the non-bias rows i >= 1 (0: none). (Without momentum, the caller
     * applies {@link #weightDecay} to W before this.)
     * x: rows x dIn; delta: rows x dOut; w, v: (dIn+1) x dOut (v unused when mu = 0).
     */
    public static void sgdUpdate(float[][] w, float[][] v, float mu, float eta, float[][] x, int rows, int dIn,
                                 float[][] delta, int dOut, float decayPerSum, Parallel par) {
        float scale = eta / rows;
        float invRows = 1f / rows;
        par.forRange(dIn + 1, MIN_ROWS_PER_TASK, (from, to) -> {
            float[] g = new float[dOut]; // row i of G
            for (int i = from; i < to; i++) {
                Arrays.fill(g, 0f);
                for (int r = 0; r < rows; r++) {
                    float a = i == 0 ? 1f : x[r][i - 1];
                    if (a != 0f) {
                        float[] dr = delta[r];
                        for (int j = 0; j < dOut; j++) {
                            g[j] += a * dr[j];
                        }
                    }
                }
                float[] wi = w[i];
                if (mu == 0f) {
                    for (int j = 0; j < dOut; j++) {
                        wi[j] -= scale * g[j];
                    }
                } else {
                    if (i > 0 && decayPerSum != 0f) {
                        addScaled(g, wi, dOut, decayPerSum);
                    }
                    momentumUpdate(wi, v[i], dOut, mu, eta, g, invRows);
                }
            }
        });
    }

    /** momentum_update for one row of W: v = mu v + gScale g; w -= eta v. w, v, g: n values. */
    public static void momentumUpdate(float[] w, float[] v, int n, float mu, float eta, float[] g, float gScale) {
        for (int j = 0; j < n; j++) {
            v[j] = mu * v[j] + gScale * g[j];
            w[j] -= eta * v[j];
        }
    }

    /**
     * outer_product_update, per-sample SGD (a batch of one, no momentum): W -= eta * [1 x] delta^T,
     * i.e. w[i][j] -= (eta * x_i) * delta[j] with x_0 = 1 (the bias row is included).
     * x: dIn values (x_1..x_dIn); delta: dOut values; w: (dIn+1) x dOut.
     */
    public static void outerProductUpdate(float[][] w, float[] x, int dIn, float[] delta, int dOut, float eta) {
        for (int i = 0; i <= dIn; i++) {
            float a = eta * (i == 0 ? 1f : x[i - 1]);
            if (a != 0f) {
                float[] wi = w[i];
                for (int j = 0; j < dOut; j++) {
                    wi[j] -= a * delta[j];
                }
            }
        }
    }

    /**
     * dropout, in place: x[r][j] = x[r][j] * scale where unit j of row r is kept, else 0, for j < d.
     * Row r is sample order[start + r] of the training set (start + r when order is null); unit j is
     * drawn as unit unitOf[j] (j when unitOf is null). The draw is word u % 4 of Philox4x32-10 with
     * counter (u / 4, sample, epoch, stream) and key seed ({@link Philox}); the unit is kept when
     * {@link #dropoutKeeps}. scale = 1 / (1 - p) (inverted dropout). Used on the activations in the
     * forward pass and on the deltas in the backward pass, which so see the same mask. x: rows x d.
     */
    public static void dropout(float[][] x, int rows, int d, int[] unitOf, int[] order, int start, long seed, int epoch,
                               int stream, float p, float scale, Parallel par) {
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        par.forRange(rows, MIN_ROWS_PER_TASK, (from, to) -> {
            int[] c = new int[4];
            for (int r = from; r < to; r++) {
                int sample = order == null ? start + r : order[start + r];
                float[] xr = x[r];
                if (unitOf == null) { // units in order: one draw of four words per block of four units
                    for (int j0 = 0; j0 < d; j0 += 4) {
                        draw(c, j0 >>> 2, sample, epoch, stream, k0, k1);
                        for (int j = j0; j < Math.min(j0 + 4, d); j++) {
                            xr[j] = dropoutKeeps(c[j & 3], p) ? xr[j] * scale : 0f;
                        }
                    }
                } else {
                    for (int j = 0; j < d; j++) {
                        int u = unitOf[j];
                        draw(c, u >>> 2, sample, epoch, stream, k0, k1);
                        xr[j] = dropoutKeeps(c[u & 3], p) ? xr[j] * scale : 0f;
                    }
                }
            }
        });
    }

    /** c = Philox4x32-10 of the counter (block, sample, epoch, stream) with key (k0, k1). */
    private static void draw(int[] c, int block, int sample, int epoch, int stream, int k0, int k1) {
        c[0] = block;
        c[1] = sample;
        c[2] = epoch;
        c[3] = stream;
        Philox.philox4x32(c, k0, k1);
    }

    /** The dropout rule, stated once for both backends: a unit is kept when the uniform of its word is >= p. */
    public static boolean dropoutKeeps(int word, float p) {
        return Philox.uniform(word) >= p;
    }

    /**
     * weight_decay: y[i][j] += a * w[i][j] for the non-bias rows i = 1..dIn (row 0, the bias, is not
     * decayed). Without momentum y = w and a = -eta lambda (the weights shrink before the gradient
     * step); with momentum y is the summed gradient G and a = lambda rows. y, w: (dIn+1) x dOut.
     */
    public static void weightDecay(float[][] y, float[][] w, int dIn, int dOut, float a) {
        for (int i = 1; i <= dIn; i++) {
            addScaled(y[i], w[i], dOut, a);
        }
    }

    /** y[j] += a * x[j] for j < n (the product rounded first, as on the GPU). */
    private static void addScaled(float[] y, float[] x, int n, float a) {
        for (int j = 0; j < n; j++) {
            y[j] += a * x[j];
        }
    }

    /**
     * max_norm: each column j of W (unit j's incoming weights) without the bias row is rescaled to
     * norm c where its norm is larger: n_j = sqrt(sum_{i=1..dIn} w_ij^2), summed in double (each square
     * is exact there), and w_ij *= (float) (c / n_j) for i >= 1 when n_j > c. w: (dIn+1) x dOut.
     */
    public static void maxNorm(float[][] w, int dIn, int dOut, float c) {
        double[] sq = new double[dOut];
        for (int i = 1; i <= dIn; i++) {
            float[] wi = w[i];
            for (int j = 0; j < dOut; j++) {
                double v = wi[j];
                sq[j] += v * v;
            }
        }
        float[] factor = new float[dOut];
        boolean any = false;
        for (int j = 0; j < dOut; j++) {
            double norm = Math.sqrt(sq[j]);
            factor[j] = norm > c ? (float) (c / norm) : 1f;
            any |= norm > c;
        }
        if (!any) {
            return;
        }
        for (int i = 1; i <= dIn; i++) {
            float[] wi = w[i];
            for (int j = 0; j < dOut; j++) {
                wi[j] *= factor[j];
            }
        }
    }

    /** Copies a row-major (rows x cols) matrix into an array of rows. */
    public static float[][] toRows(float[] flat, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, m[i], 0, cols);
        }
        return m;
    }

    /** Copies an array of rows back into a row-major matrix. */
    public static void toFlat(float[][] rowsOf, float[] flat) {
        int cols = rowsOf.length == 0 ? 0 : rowsOf[0].length;
        for (int i = 0; i < rowsOf.length; i++) {
            System.arraycopy(rowsOf[i], 0, flat, i * cols, cols);
        }
    }

    /** Summed loss and correct count of a batch. */
    public record LossAndCorrect(double loss, int correct) {}
}
