// Test fixtures: small random uint8 data sets, their double-precision inputs, and matrix comparison.
package gpumlp.cpu;

import gpumlp.data.Dataset;
import gpumlp.util.Rng;

final class TestData {
    private TestData() {}

    /** n images of `features` uint8 pixels, about `density` of them non-zero (like MNIST's ~0.2), labels 0..classes-1. */
    static Dataset random(int n, int features, int classes, double density, long seed) {
        Rng rng = new Rng(seed);
        byte[] images = new byte[n * features];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < features; f++) {
                if (rng.nextDouble() < density) {
                    images[i * features + f] = (byte) (1 + rng.nextInt(255));
                }
            }
            labels[i] = (byte) rng.nextInt(classes);
        }
        return new Dataset("random", images, labels, n, 1, features);
    }

    /** Sample i's input as the reference sees it: pixel / 255 in double. */
    static double[] input(Dataset d, int i) {
        double[] x = new double[d.features()];
        for (int f = 0; f < x.length; f++) {
            x[f] = d.pixel(i, f) / 255.0;
        }
        return x;
    }

    static double[][] inputs(Dataset d, int[] order, int start, int count) {
        double[][] xs = new double[count][];
        for (int r = 0; r < count; r++) {
            xs[r] = input(d, order[start + r]);
        }
        return xs;
    }

    static int[] labels(Dataset d, int[] order, int start, int count) {
        int[] y = new int[count];
        for (int r = 0; r < count; r++) {
            y[r] = d.label(order[start + r]);
        }
        return y;
    }

    /** ||a - b|| / ||b|| (Frobenius). */
    static double relativeError(float[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - b[k];
            num += d * d;
            den += b[k] * b[k];
        }
        return Math.sqrt(num / den);
    }
}
