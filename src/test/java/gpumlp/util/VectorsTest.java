// The predicted class of an output row: the largest of its first n values, the first one on ties.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VectorsTest {
    @Test
    void argmaxLooksAtTheFirstNValuesOnly() {
        assertEquals(1, Vectors.argmax(new float[] {1f, 2f, 9f}, 2), "a longer scratch row: index 2 is not part of it");
        assertEquals(0, Vectors.argmax(new float[] {5f, 2f, 3f}, 3));
        assertEquals(2, Vectors.argmax(new float[] {-5f, -2f, -1f}, 3));
        assertEquals(0, Vectors.argmax(new float[] {7f}, 1));
        assertEquals(0, Vectors.argmax(new float[] {4f, 4f, 4f}, 3), "ties: the first");
    }
}
