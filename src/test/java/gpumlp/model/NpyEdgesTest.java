// .npy files at the edges: cut anywhere in the header, the largest shapes one array holds, data cut short by a stated amount.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gpumlp.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyEdgesTest {
    private static final long MAX = Npy.MAX_VALUES;

    private static String refusal(byte[] bytes) {
        return assertThrows(UserError.class, () -> Npy.read(new ByteArrayInputStream(bytes), "x.npy")).getMessage();
    }

    /** A version 2.0 header (4-byte length) holding {@code dict}; {@code claimed} overrides the length field. */
    private static byte[] v2(String dict, long claimed) {
        ByteBuffer b = ByteBuffer.allocate(12 + dict.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt((int) claimed);
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static Npy.Header header(long rows, long cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }\n";
        return Npy.readHeader(new ByteArrayInputStream(v2(dict, dict.length())), "x.npy");
    }

    @Test
    void aFileCutAnywhereInTheMagicOrVersionIsNamedForWhatItIs() {
        byte[] full = Npy.toBytes(2, 2, new float[4]);
        assertEquals("x.npy: not a NumPy .npy array (the file does not start with \\x93NUMPY)", refusal(new byte[0]));
        assertEquals("x.npy: not a NumPy .npy array (the file does not start with \\x93NUMPY)",
                refusal(Arrays.copyOf(full, 3)));
        for (int cut : new int[] {6, 7, 9}) {
            assertEquals("x.npy: truncated .npy header", refusal(Arrays.copyOf(full, cut)), "cut at " + cut);
        }
    }

    @Test
    void theHeaderMayBeUpToAMegabyte() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
        assertEquals("x.npy: truncated .npy header", refusal(v2(dict, 1 << 20)), "as long as numpy allows: then cut short");
        assertEquals("x.npy: .npy header claims 1048577 bytes, which is implausible", refusal(v2(dict, (1 << 20) + 1)));
    }

    @Test
    void shapesUpToTheLargestJavaArrayAreRead() throws IOException {
        assertEquals(new Npy.Header((int) MAX, 1), header(MAX, 1));
        assertEquals(new Npy.Header(1, (int) MAX), header(1, MAX));
        assertEquals(new Npy.Header(1, 1), header(1, 1));
        for (long[] s : new long[][] {{MAX + 1, 1}, {1, MAX + 1}, {23171, 23171}, {999_999_999_999L, 1}}) {
            String m = assertThrows(UserError.class, () -> header(s[0], s[1])).getMessage();
            assertEquals("x.npy: unsupported array shape (" + s[0] + ", " + s[1] + "): more than " + MAX + " values", m);
        }
    }

    @Test
    void cutDataSaysHowMuchWasThere() {
        byte[] full = Npy.toBytes(3, 2, new float[6]);
        assertEquals(128 + 24, full.length);
        assertEquals("x.npy: truncated .npy data: shape (3, 2) needs 24 bytes, found 10", refusal(Arrays.copyOf(full, 138)));
    }

    /** Large arrays are read in chunks; the count of bytes found includes the chunks already read. */
    @Test
    void cutDataPastTheFirstChunkCountsEveryByteFound() {
        byte[] full = Npy.toBytes(100, 200, new float[20000]);
        assertEquals("x.npy: truncated .npy data: shape (100, 200) needs 80000 bytes, found 70000",
                refusal(Arrays.copyOf(full, 128 + 70000)));
    }

    @Test
    void anArrayOfTheWrongLengthIsAProgrammingError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.toBytes(2, 3, new float[5]));
        assertEquals("shape (2, 3) needs 6 values, got 5", e.getMessage());
    }

    @Test
    void theFileIsTheHeaderThenTheValuesLittleEndian() {
        byte[] b = Npy.toBytes(1, 2, new float[] {1f, -2f});
        assertArrayEquals(Npy.header(1, 2), Arrays.copyOf(b, 128));
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}, Arrays.copyOfRange(b, 128, b.length));
    }
}
