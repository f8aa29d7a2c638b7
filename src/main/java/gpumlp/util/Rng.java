// Seeded pseudo-random generator (SplitMix64) whose whole state is one long, so runs replay bit for bit.
package gpumlp.util;

/**
 * SplitMix64 (Steele, Lea, Flood 2014). The sequence depends only on the seed and is the same on
 * every JVM; Gaussians use Box-Muller with {@link StrictMath}, so they are bit-identical too.
 * The state is a single {@code long}; the trainer draws each epoch's order from its own
 * {@link #stream}, so a checkpoint needs to store none.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** A generator for an independent stream derived from a seed and a stream number (e.g. the epoch). */
    public static Rng stream(long seed, long streamId) {
        return new Rng(mix(seed ^ mix(streamId + GOLDEN_GAMMA)));
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound), without modulo bias (rejection as in java.util.Random). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        int u = (int) (nextLong() >>> 33); // 31 random bits
        int r = u % bound;
        while (u - r + (bound - 1) < 0) { // u fell in the incomplete last block: draw again
            u = (int) (nextLong() >>> 33);
            r = u % bound;
        }
        return r;
    }

    /** Standard normal sample (Box-Muller, one value per two uniforms, StrictMath for reproducibility). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]: log is finite
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Fisher-Yates shuffle of 0..n-1. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
