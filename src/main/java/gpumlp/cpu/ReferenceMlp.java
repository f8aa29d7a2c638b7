// The model's math in double precision, written to read like the README's "The model": the oracle for every faster path.
package gpumlp.cpu;

import gpumlp.util.Philox;

/**
 * Forward pass, cross-entropy loss and back-propagation for one sample, in double precision and
 * without any optimisation. Weights use the project's layout: {@code w[l-1]} is W(l), a
 * (d(l-1)+1) x d(l) row-major matrix with the bias in row 0, so
 * s_j(l) = sum_{i=0..d(l-1)} w_ij(l) x_i(l-1) with x_0 = 1.
 *
 * <p>Regularisation, as the README states it: dropout multiplies unit u of layer l (l = 0 the input)
 * by a factor keep[l][u], 1 / (1 - P) where the unit is kept and 0 where it is dropped (the same
 * factor in the backward pass); weight decay adds (lambda / 2) sum w_ij^2 over the non-bias rows to
 * the loss; max-norm rescales each hidden unit's incoming weights (bias excluded) to norm at most C
 * after the step.
 *
 * <p>The finite-difference test checks this class; the float32 CPU backend and the GPU backend are
 * checked against it with stated tolerances.
 */
public final class ReferenceMlp {
    private final int[] sizes; // d(0)..d(L)

    public ReferenceMlp(int[] sizes) {
        this.sizes = sizes.clone();
    }

    public int layers() {
        return sizes.length - 1;
    }

    /** The result of a forward pass: x[l] for l = 0..L (x[0] is the input, x[L] the softmax output), s[l] for l = 1..L. */
    public record Forward(double[][] x, double[][] s) {
        public double[] output() {
            return x[x.length - 1];
        }
    }

    /** Forward pass for one input x(0) of length d(0). */
    public Forward forward(double[][] w, double[] input) {
        return forward(w, input, null);
    }

    /** Forward pass with dropout factors keep[l] for l = 0..L-1 (null: none): x(l) = g(s(l)) * keep[l]. */
    public Forward forward(double[][] w, double[] input, double[][] keep) {
        int L = layers();
        double[][] x = new double[L + 1][];
        double[][] s = new double[L + 1][];
        x[0] = keep == null ? input : times(input, keep[0]);
        for (int l = 1; l <= L; l++) {
            int dIn = sizes[l - 1];
            int dOut = sizes[l];
            s[l] = new double[dOut];
            for (int j = 0; j < dOut; j++) {
                double sum = w[l - 1][j];                  // i = 0: the bias unit x0 = 1
                for (int i = 1; i <= dIn; i++) {
                    sum += w[l - 1][i * dOut + j] * x[l - 1][i - 1];
                }
                s[l][j] = sum;
            }
            x[l] = (l < L) ? relu(s[l]) : softmax(s[l]);
            if (l < L && keep != null) {
                x[l] = times(x[l], keep[l]);
            }
        }
        return new Forward(x, s);
    }

    private static double[] times(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] * b[i];
        }
        return c;
    }

    /** J = -sum_j y_j ln x_j(L) for the one-hot label y; computed from the logits, so it never takes ln 0. */
    public double loss(double[][] w, double[] input, int label) {
        return loss(w, input, label, null);
    }

    /** The loss with dropout factors keep (null: none). */
    public double loss(double[][] w, double[] input, int label, double[][] keep) {
        double[] logits = forward(w, input, keep).s()[layers()];
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (double z : logits) {
            sum += Math.exp(z - max);
        }
        return Math.log(sum) + max - logits[label];
    }

    /**
     * dJ/dW(l) for one sample, by back-propagation: delta(L) = x(L) - y;
     * delta_i(l-1) = g'(s_i(l-1)) * sum_j w_ij(l) delta_j(l) over i = 1..d(l-1) (the bias row is excluded);
     * dJ/dw_ij(l) = x_i(l-1) delta_j(l) with x_0 = 1. g'(s) = 1 if s > 0, else 0.
     */
    public double[][] gradient(double[][] w, double[] input, int label) {
        return gradient(w, input, label, null);
    }

    /**
     * The gradient with dropout factors keep (null: none): x_i(l-1) in the outer product is the
     * dropped-out activation, and delta_i(l-1) gains the factor keep[l-1][i], since
     * d x_i / d s_i = g'(s_i) keep_i.
     */
    public double[][] gradient(double[][] w, double[] input, int label, double[][] keep) {
        int L = layers();
        Forward f = forward(w, input, keep);
        double[][] delta = new double[L + 1][];
        delta[L] = f.output().clone();
        delta[L][label] -= 1.0;                               // x(L) - y
        for (int l = L; l >= 2; l--) {
            int dPrev = sizes[l - 1];
            int dOut = sizes[l];
            delta[l - 1] = new double[dPrev];
            for (int i = 1; i <= dPrev; i++) {
                double sum = 0;
                for (int j = 0; j < dOut; j++) {
                    sum += w[l - 1][i * dOut + j] * delta[l][j];
                }
                double factor = keep == null ? 1.0 : keep[l - 1][i - 1];
                delta[l - 1][i - 1] = reluDerivative(f.s()[l - 1][i - 1]) * factor * sum;
            }
        }
        double[][] grad = new double[L][];
        for (int l = 1; l <= L; l++) {
            int dIn = sizes[l - 1];
            int dOut = sizes[l];
            grad[l - 1] = new double[(dIn + 1) * dOut];
            for (int i = 0; i <= dIn; i++) {
                double xi = (i == 0) ? 1.0 : f.x()[l - 1][i - 1];
                for (int j = 0; j < dOut; j++) {
                    grad[l - 1][i * dOut + j] = xi * delta[l][j];  // outer product x(l-1) delta(l)^T
                }
            }
        }
        return grad;
    }

    /** The mean of the per-sample gradients over a mini-batch. */
    public double[][] meanGradient(double[][] w, double[][] inputs, int[] labels) {
        return meanGradient(w, inputs, labels, null, 0);
    }

    /**
     * The gradient of the mean loss over a mini-batch plus (lambda / 2) sum w_ij^2 over the non-bias
     * rows: the mean of the per-sample gradients (sample n with dropout factors keeps[n]; keeps null:
     * none) plus lambda w_ij for i >= 1.
     */
    public double[][] meanGradient(double[][] w, double[][] inputs, int[] labels, double[][][] keeps, double lambda) {
        double[][] mean = null;
        for (int n = 0; n < inputs.length; n++) {
            double[][] g = gradient(w, inputs[n], labels[n], keeps == null ? null : keeps[n]);
            if (mean == null) {
                mean = g;
            } else {
                for (int l = 0; l < g.length; l++) {
                    for (int k = 0; k < g[l].length; k++) {
                        mean[l][k] += g[l][k];
                    }
                }
            }
        }
        for (int l = 0; l < mean.length; l++) {
            int dOut = sizes[l + 1];
            for (int k = 0; k < mean[l].length; k++) {
                mean[l][k] /= inputs.length;
                if (k >= dOut) {                              // rows i >= 1: not the bias row
                    mean[l][k] += lambda * w[l][k];
                }
            }
        }
        return mean;
    }

    /** (lambda / 2) times the sum of the squared weights of every layer, bias rows excluded. */
    public double decayPenalty(double[][] w, double lambda) {
        double sum = 0;
        for (int l = 0; l < w.length; l++) {
            for (int k = sizes[l + 1]; k < w[l].length; k++) {
                sum += w[l][k] * w[l][k];
            }
        }
        return lambda / 2 * sum;
    }

    /**
     * One regularised step in place: V = mu V + the gradient of {@link #meanGradient} (with dropout
     * factors and decay), W -= eta V (mu = 0: W -= eta gradient, V unused), then max-norm (maxNorm > 0):
     * each column of a hidden layer's W(l) without its bias row is scaled to norm maxNorm where longer.
     */
    public void regularisedStep(double[][] w, double[][] v, double[][] inputs, int[] labels, double[][][] keeps,
                                double eta, double mu, double lambda, double maxNorm) {
        double[][] g = meanGradient(w, inputs, labels, keeps, lambda);
        for (int l = 0; l < w.length; l++) {
            for (int k = 0; k < w[l].length; k++) {
                double step = g[l][k];
                if (mu > 0) {
                    v[l][k] = mu * v[l][k] + g[l][k];
                    step = v[l][k];
                }
                w[l][k] -= eta * step;
            }
        }
        if (maxNorm > 0) {
            for (int l = 1; l < layers(); l++) {             // hidden layers' incoming weights: W(1)..W(L-1)
                clipColumns(w[l - 1], sizes[l - 1], sizes[l], maxNorm);
            }
        }
    }

    private static void clipColumns(double[] w, int dIn, int dOut, double c) {
        for (int j = 0; j < dOut; j++) {
            double sq = 0;
            for (int i = 1; i <= dIn; i++) {
                sq += w[i * dOut + j] * w[i * dOut + j];
            }
            double norm = Math.sqrt(sq);
            if (norm > c) {
                for (int i = 1; i <= dIn; i++) {
                    w[i * dOut + j] *= c / norm;
                }
            }
        }
    }

    /**
     * Dropout factors of training sample {@code sample} in {@code epoch}: keep[l][u] = 1 / (1 - p) where
     * unit u of layer l is kept, else 0, with p = pInput for the input (l = 0) and pHidden for hidden
     * layers; drawn from Philox word (seed, stream STREAM_DROPOUT + l, epoch, sample, u), kept by
     * {@link CpuOps#dropoutKeeps}. p = 0 gives factors of 1.
     */
    public double[][] dropoutFactors(long seed, int epoch, int sample, float pInput, float pHidden) {
        double[][] keep = new double[layers()][];
        for (int l = 0; l < layers(); l++) {
            float p = l == 0 ? pInput : pHidden;
            keep[l] = new double[sizes[l]];
            for (int u = 0; u < sizes[l]; u++) {
                boolean kept = CpuOps.dropoutKeeps(Philox.word(seed, Philox.STREAM_DROPOUT + l, epoch, sample, u), p);
                keep[l][u] = kept ? 1.0 / (1.0 - p) : 0.0;
            }
        }
        return keep;
    }

    /** Mini-batch SGD step in place: W(l) = W(l) - eta * mean gradient (per-sample SGD when the batch has one sample). */
    public void sgdStep(double[][] w, double[][] inputs, int[] labels, double eta) {
        double[][] g = meanGradient(w, inputs, labels);
        for (int l = 0; l < w.length; l++) {
            for (int k = 0; k < w[l].length; k++) {
                w[l][k] -= eta * g[l][k];
            }
        }
    }

    /** SGD with momentum in place: V(l) = mu V(l) + mean gradient; W(l) = W(l) - eta V(l). */
    public void momentumStep(double[][] w, double[][] v, double[][] inputs, int[] labels, double eta, double mu) {
        double[][] g = meanGradient(w, inputs, labels);
        for (int l = 0; l < w.length; l++) {
            for (int k = 0; k < w[l].length; k++) {
                v[l][k] = mu * v[l][k] + g[l][k];
                w[l][k] -= eta * v[l][k];
            }
        }
    }

    static double[] relu(double[] s) {
        double[] x = new double[s.length];
        for (int j = 0; j < s.length; j++) {
            x[j] = Math.max(0.0, s[j]);
        }
        return x;
    }

    /** g'(s) for ReLU: 1 if s > 0, else 0 (not max(0, s), which is ReLU itself). */
    static double reluDerivative(double s) {
        return s > 0 ? 1.0 : 0.0;
    }

    /** Softmax with the maximum subtracted first, so logits of +-1000 give no overflow. */
    static double[] softmax(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : s) {
            max = Math.max(max, z);
        }
        double[] x = new double[s.length];
        double sum = 0;
        for (int j = 0; j < s.length; j++) {
            x[j] = Math.exp(s[j] - max);
            sum += x[j];
        }
        for (int j = 0; j < s.length; j++) {
            x[j] /= sum;
        }
        return x;
    }

    /** Widens float32 weights to double for the reference. */
    public static double[][] toDouble(float[][] w) {
        double[][] d = new double[w.length][];
        for (int l = 0; l < w.length; l++) {
            d[l] = new double[w[l].length];
            for (int k = 0; k < w[l].length; k++) {
                d[l][k] = w[l][k];
            }
        }
        return d;
    }
}
