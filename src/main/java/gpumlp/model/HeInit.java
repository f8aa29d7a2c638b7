// He initialisation from a seed: w ~ N(0, 2 / fan_in) for every weight, bias row zero.
package gpumlp.model;

import gpumlp.util.Rng;

public final class HeInit {
    private HeInit() {}

    /**
     * A network of the given sizes with W(l)[i][j] = N(0, 1) * sqrt(2 / d(l-1)) for i >= 1 and
     * bias row i = 0 set to zero. Values are drawn in the order l, i, j from one {@link Rng}
     * seeded with {@code seed}, so the same seed always gives bit-identical weights.
     */
    public static Network initialise(int[] sizes, long seed) {
        Network net = Network.zeros(sizes);
        Rng rng = new Rng(seed);
        for (int l = 1; l <= net.layers(); l++) {
            int fanIn = sizes[l - 1];
            int dOut = sizes[l];
            double std = Math.sqrt(2.0 / fanIn);
            float[] w = net.weights(l); // (fanIn + 1) x dOut, row 0 = bias
            for (int i = 1; i <= fanIn; i++) {
                for (int j = 0; j < dOut; j++) {
                    w[i * dOut + j] = (float) (rng.nextGaussian() * std);
                }
            }
        }
        return net;
    }
}
