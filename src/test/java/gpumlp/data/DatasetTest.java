// Tests Dataset's argument checks, accessors and limit().
package gpumlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private static Dataset three() {
        // 3 samples of 1x2 pixels: [0,1], [2,3], [254,255]
        return new Dataset("d", new byte[] {0, 1, 2, 3, (byte) 254, (byte) 255}, new byte[] {4, 5, 6}, 3, 1, 2,
                Map.of("img", "ab"));
    }

    @Test
    void accessors() {
        Dataset d = three();
        assertEquals(2, d.features());
        assertEquals(255, d.pixel(2, 1));
        assertEquals(6, d.label(2));
        assertThrows(IndexOutOfBoundsException.class, () -> d.pixel(3, 0));
        assertTrue(new Dataset("m", new byte[2], new byte[1], 1, 1, 2).checksums().isEmpty());
    }

    @Test
    void limit() {
        Dataset d = three();
        assertSame(d, d.limit(3));
        assertSame(d, d.limit(10));
        Dataset two = d.limit(2);
        assertEquals(2, two.count());
        assertEquals("d (first 2)", two.name());
        assertEquals(3, two.pixel(1, 1));
        assertEquals(Map.of("img", "ab"), two.checksums());
    }

    @Test
    void rejectsInconsistentArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new byte[5], new byte[3], 3, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new byte[6], new byte[2], 3, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new byte[2], new byte[] {10}, 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new byte[0], new byte[0], 0, 0, 2));
    }

    /** How messages name a data set, its first samples and a split of it (1-based, as a person counts). */
    @Test
    void describeLimitAndSliceNameWhatTheyHold() {
        Dataset big = new Dataset("mnist train", new byte[1001], new byte[1001], 1001, 1, 1, Map.of("img", "ab"));
        assertEquals("mnist train (1,001 samples)", big.describe());
        assertEquals("the first 1,000 samples of mnist train", big.limit(1000).describe());
        assertEquals("mnist train: 1001 samples of 1x1", big.toString());
        Dataset d = three();
        Dataset tail = d.slice(1, 3);
        assertEquals("d (images 2 to 3)", tail.name());
        assertEquals("d (images 2 to 3) (2 samples)", tail.describe());
        assertEquals(2, tail.count());
        assertEquals(2, tail.pixel(0, 0));
        assertEquals(255, tail.pixel(1, 1));
        assertEquals(5, tail.label(0));
        assertEquals(Map.of("img", "ab"), tail.checksums(), "the source files are still those");
        assertEquals(0, d.slice(2, 2).count());
        assertEquals(0, d.limit(0).count());
        assertThrows(IndexOutOfBoundsException.class, () -> d.slice(2, 4));
        assertThrows(IllegalArgumentException.class, () -> d.limit(-1));
    }

    @Test
    void samplesAndPixelsOutsideTheSetAreRefused() {
        Dataset d = three();
        assertThrows(IndexOutOfBoundsException.class, () -> d.pixel(0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> d.pixel(-1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> d.label(3));
        assertThrows(IndexOutOfBoundsException.class, () -> d.label(-1));
    }

    @Test
    void imagesAndLabelsOfTheWrongLengthAreNamed() {
        assertEquals("dataset x: images has 5 bytes, expected 3 x 1 x 2 = 6", assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", new byte[5], new byte[3], 3, 1, 2)).getMessage());
        assertEquals("dataset x: labels has 2 entries, expected 3", assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", new byte[6], new byte[2], 3, 1, 2)).getMessage());
    }

    @Test
    void labelsAndShapesOutOfRangeAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", new byte[4], new byte[] {3, (byte) 200}, 2, 1, 2));
        assertEquals("dataset x: label 200 at index 1 is out of range 0..9", e.getMessage());
        assertEquals("dataset x: label 10 at index 0 is out of range 0..9", assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", new byte[2], new byte[] {10}, 1, 1, 2)).getMessage());
        new Dataset("x", new byte[2], new byte[] {9}, 1, 1, 2); // the last class
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new byte[0], new byte[0], -1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new byte[0], new byte[0], 0, 2, 0));
        assertEquals(0, new Dataset("x", new byte[0], new byte[0], 0, 2, 2).count());
    }
}
