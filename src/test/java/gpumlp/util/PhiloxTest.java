// Philox4x32-10 gives the published known-answer vectors, uniform floats in [0, 1), and words that depend on every key part.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhiloxTest {
    /** Known-answer vectors of Random123 (the reference implementation) for philox4x32 with 10 rounds. */
    @Test
    void matchesTheReferenceKnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, run(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                run(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                run(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void uniformCoversZeroToJustBelowOne() {
        assertEquals(0f, Philox.uniform(0));
        assertEquals(0f, Philox.uniform(0xFF)); // the low 8 bits are dropped
        assertEquals(1f - 1f / 16777216f, Philox.uniform(-1));
        assertTrue(Philox.uniform(-1) < 1f);
        assertEquals(0.5f, Philox.uniform(0x80000000));
    }

    @Test
    void wordDependsOnSeedStreamEpochSampleAndIndex() {
        int base = Philox.word(7, Philox.STREAM_DROPOUT + 1, 3, 11, 5);
        assertEquals(base, Philox.word(7, Philox.STREAM_DROPOUT + 1, 3, 11, 5));
        assertNotEquals(base, Philox.word(8, Philox.STREAM_DROPOUT + 1, 3, 11, 5));
        assertNotEquals(base, Philox.word(7L | (1L << 40), Philox.STREAM_DROPOUT + 1, 3, 11, 5));
        assertNotEquals(base, Philox.word(7, Philox.STREAM_DROPOUT + 2, 3, 11, 5));
        assertNotEquals(base, Philox.word(7, Philox.STREAM_DROPOUT + 1, 4, 11, 5));
        assertNotEquals(base, Philox.word(7, Philox.STREAM_DROPOUT + 1, 3, 12, 5));
        assertNotEquals(base, Philox.word(7, Philox.STREAM_DROPOUT + 1, 3, 11, 6));
        // index 5 is word 1 of block 1
        int[] c = {1, 11, 3, Philox.STREAM_DROPOUT + 1};
        Philox.philox4x32(c, 7, 0);
        assertEquals(c[1], base);
    }

    @Test
    void uniformsAreEvenlySpread() {
        int[] bins = new int[10];
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            bins[(int) (Philox.uniform(Philox.word(1, Philox.STREAM_DEFORM, 0, 0, i)) * 10)]++;
        }
        for (int b : bins) {
            assertEquals(n / 10.0, b, 5 * Math.sqrt(n * 0.1 * 0.9)); // five standard deviations
        }
    }

    private static int[] run(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] c = {c0, c1, c2, c3};
        Philox.philox4x32(c, k0, k1);
        return c;
    }
}
