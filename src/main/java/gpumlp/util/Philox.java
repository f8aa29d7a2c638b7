// Philox4x32-10 counter-based random numbers, the CPU twin of kernels/philox.cuh: the same counter and key give the same words.
package gpumlp.util;

/**
 * Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
 * A random word is a pure function of a 128-bit counter and a 64-bit key, so a dropout mask or a
 * deformation field can be drawn for any (seed, epoch, sample, unit) in any order, on any thread,
 * on the CPU or the GPU, and come out the same: reruns and resumes replay bit for bit.
 *
 * <p>Convention used by the trainer: key = the run's seed (low word, high word); counter word 3 names
 * the purpose (see the {@code STREAM_*} constants), word 2 the epoch, word 1 the sample's index in the
 * training set, word 0 a block of four units (or pixels): unit u uses word u % 4 of block u / 4.
 */
public final class Philox {
    /** Counter word 3 for hidden-layer dropout masks: the stream is STREAM_DROPOUT + layer (1-based). */
    public static final int STREAM_DROPOUT = 0x0D000000;
    /** Counter word 3 for input dropout (layer 0). */
    public static final int STREAM_INPUT_DROPOUT = STREAM_DROPOUT;
    /** Counter word 3 for deformation fields and parameters. */
    public static final int STREAM_DEFORM = 0x0E000000;

    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private Philox() {}

    /** Ten rounds over the counter {@code c} (four words, replaced by the result) with key (k0, k1). */
    public static void philox4x32(int[] c, int k0, int k1) {
        int c0 = c[0];
        int c1 = c[1];
        int c2 = c[2];
        int c3 = c[3];
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
            k0 += W0;
            k1 += W1;
        }
        c[0] = c0;
        c[1] = c1;
        c[2] = c2;
        c[3] = c3;
    }

    /** Word {@code index % 4} of the block for counter (index / 4, sample, epoch, stream), keyed by seed. */
    public static int word(long seed, int stream, int epoch, int sample, int index) {
        int[] c = {index >>> 2, sample, epoch, stream};
        philox4x32(c, (int) seed, (int) (seed >>> 32));
        return c[index & 3];
    }

    /** A word to a float uniform in [0, 1): its top 24 bits times 2^-24, exact in float32 (as on the GPU). */
    public static float uniform(int word) {
        return (word >>> 8) * (1.0f / 16777216.0f);
    }
}
