// Reading entries of a model or checkpoint archive defensively: size limits, entries that lie about their size, corrupt data, bad values located.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzArchiveTest {
    @TempDir
    Path dir;

    /** A ZIP of the given entries: even positions names, odd positions contents; STORED entries when stored. */
    private static byte[] zip(boolean stored, Object... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                byte[] b = (byte[]) entries[i + 1];
                ZipEntry e = new ZipEntry((String) entries[i]);
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(b);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(b.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(b);
            }
        }
        return out.toByteArray();
    }

    private NpzArchive open(String name, byte[] zip) throws IOException {
        return NpzArchive.open(Files.write(dir.resolve(name), zip), "model file");
    }

    @Test
    void anEntryMayHaveUpToItsLimit() throws IOException {
        try (NpzArchive a = open("a.npz", zip(false, "meta.json", new byte[10], "other", new byte[3]))) {
            assertTrue(a.source().startsWith("model file "), a.source());
            assertEquals(List.of("meta.json", "other"), a.names());
            assertEquals(10, a.bytes("meta.json", 10).length);
            assertNull(a.bytes("missing.json", 10));
            UserError e = assertThrows(UserError.class, () -> a.bytes("meta.json", 9));
            assertEquals(a.source() + ": entry meta.json is 10 bytes, more than the 9 it may have", e.getMessage());
        }
    }

    /** A directory whose sizes lie cannot get more than the limit into memory: the reader stops and says so. */
    @Test
    void anEntryLargerThanItsDirectoryClaimsIsRefused() throws IOException {
        byte[] content = Arrays.copyOf("{\"a\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8), 11); // ends in a 0 byte
        byte[] z = zip(false, "meta.json", content);
        int central = lastIndexOf(z, new byte[] {'P', 'K', 1, 2});
        ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).putInt(central + 24, 10); // uncompressed size: 10, not 11
        try (NpzArchive a = open("lying.npz", z)) {
            UserError e = assertThrows(UserError.class, () -> a.bytes("meta.json", 10));
            assertEquals(a.source() + ": entry meta.json is larger than the 10 bytes it may have", e.getMessage());
        }
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        for (int i = hay.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    /** An entry far larger than its matrix can be is refused from the directory, before its data is read. */
    @Test
    void aMatrixEntryFarTooLargeIsRefusedUpFront() throws IOException {
        byte[] npy = Npy.toBytes(2, 2, new float[4]);
        byte[] padded = Arrays.copyOf(npy, npy.length + 70_000);
        try (NpzArchive a = open("big.npz", zip(true, "W1.npy", padded))) {
            UserError e = assertThrows(UserError.class, () -> a.matrix("W1.npy", 2, 2, "metadata layer_sizes"));
            assertEquals(a.source() + ", entry W1.npy is " + padded.length + " bytes, but a (2, 2) matrix needs "
                    + npy.length, e.getMessage());
        }
        byte[] little = Arrays.copyOf(npy, npy.length + 3);
        try (NpzArchive a = open("extra.npz", zip(true, "W1.npy", little))) {
            assertEquals(a.source() + ", entry W1.npy: 3 unexpected bytes after the array data",
                    assertThrows(UserError.class, () -> a.matrix("W1.npy", 2, 2, "metadata layer_sizes")).getMessage());
        }
    }

    /** Other writers may pad the .npy header: up to 64 KB more than ours is read, one byte more is refused up front. */
    @Test
    void headersPaddedByUpTo64KbMoreThanOursAreRead() throws IOException {
        float[] w = {1f, -2f, 3f, -4f};
        int ours = Npy.toBytes(2, 2, w).length;
        for (int extra : new int[] {1 << 16, (1 << 16) + 1}) {
            String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
            int hlen = 128 + extra - 12; // a version 2.0 header: 12 bytes before the dict
            ByteBuffer b = ByteBuffer.allocate(12 + hlen + 16).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(hlen);
            String text = dict + " ".repeat(hlen - dict.length() - 1) + "\n";
            b.put(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            b.asFloatBuffer().put(w);
            byte[] padded = b.array();
            assertEquals(ours + extra, padded.length);
            try (NpzArchive a = open("padded-" + extra + ".npz", zip(true, "W1.npy", padded))) {
                if (extra == 1 << 16) {
                    assertArrayEquals(w, a.matrix("W1.npy", 2, 2, "x"));
                } else {
                    assertTrue(assertThrows(UserError.class, () -> a.matrix("W1.npy", 2, 2, "x")).getMessage()
                            .contains("bytes, but a (2, 2) matrix needs " + ours));
                }
            }
        }
    }

    @Test
    void aNonFiniteValueIsLocatedByRowAndColumn() throws IOException {
        float[] w = new float[3 * 4];
        w[1] = Float.NaN;
        float[] v = new float[3 * 4];
        v[2 * 4 + 3] = Float.POSITIVE_INFINITY;
        try (NpzArchive a = open("nan.npz", zip(true, "W1.npy", Npy.toBytes(3, 4, w), "V2.npy", Npy.toBytes(3, 4, v)))) {
            assertEquals(a.source() + ", entry W1.npy: W1 contains NaN at row 0, column 1 (bias row)",
                    assertThrows(UserError.class, () -> a.matrix("W1.npy", 3, 4, "x")).getMessage());
            assertEquals(a.source() + ", entry V2.npy: V2 contains Infinity at row 2, column 3",
                    assertThrows(UserError.class, () -> a.matrix("V2.npy", 3, 4, "x")).getMessage());
        }
    }

    /** Stored data is not checked by the ZIP reader itself: a flipped bit shows in the CRC. */
    @Test
    void aCorruptedEntryFailsItsCrc() throws IOException {
        float[] w = {1f, 2f, 3f, 4f};
        byte[] z = zip(true, "W1.npy", Npy.toBytes(2, 2, w));
        z[30 + "W1.npy".length() + 128 + 5] ^= 0x10; // inside the data of the first (only) entry
        try (NpzArchive a = open("crc.npz", z)) {
            assertEquals(a.source() + " is corrupt or truncated: entry W1.npy fails its CRC check",
                    assertThrows(UserError.class, () -> a.matrix("W1.npy", 2, 2, "x")).getMessage());
        }
        try (NpzArchive a = open("fine.npz", zip(true, "W1.npy", Npy.toBytes(2, 2, w)))) {
            assertArrayEquals(w, a.matrix("W1.npy", 2, 2, "x"));
        }
    }

    @Test
    void aClosedArchiveIsReleased() throws IOException {
        NpzArchive a = open("c.npz", zip(true, "x", new byte[1]));
        a.close();
        assertThrows(IllegalStateException.class, () -> a.has("x"));
    }
}
