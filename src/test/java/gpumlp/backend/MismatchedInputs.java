// Shared check for every backend: data of another input width is refused at the seam, before a device reads it.
package gpumlp.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.data.Dataset;
import gpumlp.model.HeInit;

public final class MismatchedInputs {
    private MismatchedInputs() {}

    /** A 12-6-3 network on {@code backend}: 12-feature data works; 13- and 11-feature data sets and too few image bytes do not. */
    public static void assertRefused(Backend backend) {
        backend.uploadWeights(HeInit.initialise(new int[] {12, 6, 3}, 5));
        assertEquals(4, backend.evaluate(data(4, 12)).samples());
        assertEquals(4 * 3, backend.probabilities(new byte[4 * 12], 4).length);
        for (int features : new int[] {13, 11}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.evaluate(data(4, features)));
            assertTrue(e.getMessage().contains("takes 12 inputs") && e.getMessage().contains(features + " features"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> backend.probabilities(new byte[4 * 12 - 1], 4));
        assertThrows(IllegalArgumentException.class, () -> backend.probabilities(new byte[4 * 12], -1));
        assertEquals(2 * 3, backend.probabilities(new byte[4 * 12], 2).length, "the first 2 of 4 images");
    }

    private static Dataset data(int n, int features) {
        byte[] images = new byte[n * features];
        for (int i = 0; i < images.length; i++) {
            images[i] = (byte) (i * 37);
        }
        return new Dataset("shape-test", images, new byte[] {0, 1, 2, 1}, n, 1, features);
    }
}
