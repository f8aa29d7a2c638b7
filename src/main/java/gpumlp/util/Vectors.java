// Small helpers over float vectors shared by the CPU math and the commands (no package of ours below util).
package gpumlp.util;

public final class Vectors {
    private Vectors() {}

    /** Index of the largest of z[0 .. n), the first one on ties: the predicted class of an output row. */
    public static int argmax(float[] z, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (z[j] > z[best]) {
                best = j;
            }
        }
        return best;
    }
}
