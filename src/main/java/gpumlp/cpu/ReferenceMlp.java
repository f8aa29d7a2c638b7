// The model's math in double precision, written to read like the README's "The model": the oracle for every faster path.
package gpumlp.cpu;

/**
 * Forward pass, cross-entropy loss and back-propagation for one sample, in double precision and
 * without any optimisation. Weights use the project's layout: {@code w[l-1]} is W(l), a
 * (d(l-1)+1) x d(l) row-major matrix with the bias in row 0, so
 * s_j(l) = sum_{i=0..d(l-1)} w_ij(l) x_i(l-1) with x_0 = 1.
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
        int L = layers();
        double[][] x = new double[L + 1][];
        double[][] s = new double[L + 1][];
        x[0] = input;
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
        }
        return new Forward(x, s);
    }

    /** J = -sum_j y_j ln x_j(L) for the one-hot label y; computed from the logits, so it never takes ln 0. */
    public double loss(double[][] w, double[] input, int label) {
        double[] logits = forward(w, input).s()[layers()];
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
        int L = layers();
        Forward f = forward(w, input);
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
                delta[l - 1][i - 1] = reluDerivative(f.s()[l - 1][i - 1]) * sum;
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
        double[][] mean = null;
        for (int n = 0; n < inputs.length; n++) {
            double[][] g = gradient(w, inputs[n], labels[n]);
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
        for (double[] m : mean) {
            for (int k = 0; k < m.length; k++) {
                m[k] /= inputs.length;
            }
        }
        return mean;
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
