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
}
