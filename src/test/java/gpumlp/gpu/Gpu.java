// GPU test support: whether a GPU is usable here (else tests skip with the reason), and matrix comparison.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

final class Gpu {
    private static final String REASON = probe();

    private Gpu() {}

    private static String probe() {
        try {
            return CudaContext.deviceCount() > 0 ? null : "no CUDA device";
        } catch (GpuUnavailableException e) {
            return e.getMessage();
        }
    }

    /** Skips the calling test (not fails it) where no GPU is usable, saying why. */
    static void assumeUsable() {
        assumeTrue(REASON == null, () -> "no usable GPU: " + REASON);
    }

    static boolean usable() {
        return REASON == null;
    }

    /** ||a - b|| / ||b||, Frobenius norms in double. */
    static double relativeError(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            diff += d * d;
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }

    static float[] nans(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, Float.NaN);
        return a;
    }
}
