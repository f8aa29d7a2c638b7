// Layer sizes and host-side weights of the MLP; W(l) is (d(l-1)+1) x d(l), row-major, bias in row 0.
package gpumlp.model;

import java.util.Arrays;

/**
 * The network's shape and weights on the host.
 *
 * <p>{@code sizes[l]} is d(l) for l = 0..L (input, hidden..., output). {@code weights[l-1]} holds
 * W(l), a (d(l-1)+1) x d(l) matrix stored row-major: element w_ij(l) is at
 * {@code weights[l-1][i * d(l) + j]}, and row i = 0 multiplies the bias unit x0 = 1. Hidden layers
 * use ReLU, the output layer softmax.
 */
public final class Network {
    private final int[] sizes;
    private final float[][] weights;

    public Network(int[] sizes, float[][] weights) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer");
        }
        for (int d : sizes) {
            if (d <= 0) {
                throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
            }
        }
        if (weights.length != sizes.length - 1) {
            throw new IllegalArgumentException("expected " + (sizes.length - 1) + " weight matrices, got " + weights.length);
        }
        for (int l = 1; l < sizes.length; l++) {
            long expected = (long) (sizes[l - 1] + 1) * sizes[l];
            if (weights[l - 1].length != expected) {
                throw new IllegalArgumentException("W(" + l + ") must hold " + (sizes[l - 1] + 1) + " x " + sizes[l]
                        + " = " + expected + " values, got " + weights[l - 1].length);
            }
        }
        this.sizes = sizes.clone();
        this.weights = weights;
    }

    /** A network of the given sizes with all weights zero. */
    public static Network zeros(int[] sizes) {
        float[][] w = new float[sizes.length - 1][];
        for (int l = 1; l < sizes.length; l++) {
            w[l - 1] = new float[(sizes[l - 1] + 1) * sizes[l]];
        }
        return new Network(sizes, w);
    }

    /** Number of weight layers L (hidden + output). */
    public int layers() {
        return sizes.length - 1;
    }

    /** d(l) for l = 0..L. */
    public int size(int l) {
        return sizes[l];
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** W(l) for l = 1..L, row-major (d(l-1)+1) x d(l); the live array, not a copy. */
    public float[] weights(int l) {
        return weights[l - 1];
    }

    /** All weight matrices, W(1)..W(L); the live arrays. */
    public float[][] allWeights() {
        return weights;
    }

    public Network copy() {
        float[][] w = new float[weights.length][];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[i].clone();
        }
        return new Network(sizes, w);
    }

    /** The sizes written as the CLI and model files show them, e.g. "784-800-10". */
    public String shape() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            if (i > 0) {
                sb.append('-');
            }
            sb.append(sizes[i]);
        }
        return sb.toString();
    }

    public long parameterCount() {
        long n = 0;
        for (float[] w : weights) {
            n += w.length;
        }
        return n;
    }
}
