// Tests the .npy writer against numpy's exact header bytes and the reader's acceptance and refusals.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyTest {
    /** Exactly what numpy 2.4 np.save writes for np.zeros((785, 800), np.float32), up to the data. */
    @Test
    void headerMatchesNumpy() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (785, 800), }";
        String expected = "\u0093NUMPY\u0001\u0000v\u0000" + dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n";
        assertArrayEquals(expected.getBytes(StandardCharsets.ISO_8859_1), Npy.header(785, 800));
        for (int[] s : new int[][] {{1, 1}, {3, 2}, {801, 10}, {123456789, 1}}) {
            assertEquals(0, Npy.header(s[0], s[1]).length % 64, Arrays.toString(s));
        }
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        float[] data = {0f, -0f, 1.5f, Float.MIN_VALUE, -Float.MAX_VALUE, 1e-40f};
        byte[] bytes = Npy.toBytes(3, 2, data);
        Npy.Array a = Npy.read(new ByteArrayInputStream(bytes), "t");
        assertEquals(3, a.rows());
        assertEquals(2, a.cols());
        for (int i = 0; i < data.length; i++) {
            assertEquals(Float.floatToRawIntBits(data[i]), Float.floatToRawIntBits(a.data()[i]));
        }
    }

    @Test
    void readsVersion2Header() throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
        int hlen = 128 - 12;
        ByteBuffer b = ByteBuffer.allocate(128 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 2).put((byte) 0).putInt(hlen);
        b.put((dict + " ".repeat(hlen - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        b.putFloat(2.5f).putFloat(-1f);
        Npy.Array a = Npy.read(new ByteArrayInputStream(b.array()), "t");
        assertArrayEquals(new float[] {2.5f, -1f}, a.data());
    }

    private static byte[] withDict(String dict) {
        byte[] h = Npy.header(2, 2);
        String text = dict + " ".repeat(h.length - 10 - dict.length() - 1) + "\n";
        byte[] out = Arrays.copyOf(h, h.length + 16);
        System.arraycopy(text.getBytes(StandardCharsets.ISO_8859_1), 0, out, 10, text.length());
        return out;
    }

    private static String refusal(byte[] bytes) {
        return assertThrows(UserError.class, () -> Npy.read(new ByteArrayInputStream(bytes), "x.npy")).getMessage();
    }

    @Test
    void refusesWhatItCannotRead() {
        assertTrue(refusal("PK\u0003\u0004 not npy".getBytes(StandardCharsets.ISO_8859_1)).contains("not a NumPy"));
        assertTrue(refusal(withDict("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"))
                .contains("dtype '<f8'"));
        assertTrue(refusal(withDict("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }"))
                .contains("dtype '>f4'"));
        assertTrue(refusal(withDict("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }"))
                .contains("Fortran order"));
        assertTrue(refusal(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }"))
                .contains("1 dimensions"));
        assertTrue(refusal(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }"))
                .contains("3 dimensions"));
        byte[] full = Npy.toBytes(2, 2, new float[4]);
        String m = refusal(Arrays.copyOf(full, full.length - 3));
        assertTrue(m.startsWith("x.npy: truncated .npy data"), m);
        assertTrue(refusal(Arrays.copyOf(full, 40)).contains("truncated .npy header"));
        byte[] v3 = full.clone();
        v3[6] = 3;
        assertTrue(refusal(v3).contains("version 3.0"));
    }
}
