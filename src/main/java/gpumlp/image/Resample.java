// Resizes a gray image separably: area-averaging (box filter) when shrinking, bilinear when enlarging.
package gpumlp.image;

/**
 * Image resizing for digit preparation. Each axis is handled on its own: when an axis shrinks,
 * every output pixel is the area-weighted mean of the source pixels it covers (so thin strokes turn
 * grey instead of vanishing); when it grows, output pixels are interpolated linearly between the two
 * nearest source pixel centres; an unchanged axis is copied.
 */
final class Resample {
    private Resample() {
    }

    /** Resizes src[h][w] to [outH][outW]. */
    static double[][] resize(double[][] src, int outH, int outW) {
        int h = src.length;
        int w = src[0].length;
        Kernel kx = Kernel.of(w, outW);
        Kernel ky = Kernel.of(h, outH);
        double[][] wide = new double[h][outW]; // [y][x'] after resizing along x
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                wide[y][x] = kx.apply(x, src[y]);
            }
        }
        double[][] out = new double[outH][outW]; // [y'][x']
        double[] column = new double[h];
        for (int x = 0; x < outW; x++) {
            for (int y = 0; y < h; y++) {
                column[y] = wide[y][x];
            }
            for (int y = 0; y < outH; y++) {
                out[y][x] = ky.apply(y, column);
            }
        }
        return out;
    }

    /** For each output index i: the source indices index[i][k] and their weights weight[i][k] (summing to 1). */
    private record Kernel(int[][] index, double[][] weight) {
        static Kernel of(int in, int out) {
            int[][] index = new int[out][];
            double[][] weight = new double[out][];
            double scale = (double) in / out; // source pixels per output pixel
            for (int i = 0; i < out; i++) {
                if (in == out) {
                    index[i] = new int[] {i};
                    weight[i] = new double[] {1};
                } else if (in > out) { // shrink: box filter over [i*scale, (i+1)*scale)
                    double start = i * scale;
                    double end = (i + 1) * scale;
                    int first = (int) Math.floor(start);
                    int last = Math.min(in - 1, (int) Math.ceil(end) - 1);
                    index[i] = new int[last - first + 1];
                    weight[i] = new double[last - first + 1];
                    for (int k = first; k <= last; k++) {
                        double overlap = Math.min(k + 1, end) - Math.max(k, start);
                        index[i][k - first] = k;
                        weight[i][k - first] = Math.max(0, overlap) / scale;
                    }
                } else { // enlarge: bilinear between pixel centres
                    double p = Math.max(0, Math.min(in - 1, (i + 0.5) * scale - 0.5));
                    int k0 = (int) Math.floor(p);
                    int k1 = Math.min(k0 + 1, in - 1);
                    double f = p - k0;
                    index[i] = new int[] {k0, k1};
                    weight[i] = new double[] {1 - f, f};
                }
            }
            return new Kernel(index, weight);
        }

        double apply(int i, double[] src) {
            double sum = 0;
            for (int k = 0; k < index[i].length; k++) {
                sum += weight[i][k] * src[index[i][k]];
            }
            return sum;
        }
    }
}
