// The IDX reader at the edges of its format: dimension counts and sizes, type names, compressible and oddly-headed gzip files.
package gpumlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxEdgesTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) {
        return IdxBytes.write(dir.resolve(name), bytes);
    }

    private String error(Path f) {
        String m = assertThrows(UserError.class, () -> Idx.read(f)).getMessage();
        assertTrue(m.startsWith(f.toString()), m);
        return m;
    }

    @Test
    void oneToFourDimensionsAreRead() {
        Idx.Array four = Idx.read(file("four", IdxBytes.ubyte(IdxBytes.ramp(16), 2, 2, 2, 2)));
        assertArrayEquals(new int[] {2, 2, 2, 2}, four.dims());
        assertEquals(4, four.ndims());
        assertArrayEquals(IdxBytes.ramp(16), four.data());
        assertEquals("Idx.Array[2, 2, 2, 2] sha256=" + four.sha256(), four.toString());
        Path five = file("five", IdxBytes.ubyte(new byte[32], 2, 2, 2, 2, 2));
        assertTrue(error(five).contains("header says 5 dimensions, expected 1 to 4"));
        Path none = file("none", IdxBytes.ubyte(new byte[0]));
        assertTrue(error(none).contains("header says 0 dimensions, expected 1 to 4"));
    }

    /** Each error names the actual problem: a size the reader cannot hold, or a dimension beyond an int. */
    @Test
    void theLargestSizesAreNamedByWhatIsWrongWithThem() {
        long max = Idx.MAX_DATA_BYTES;
        Path largest = file("largest", IdxBytes.ubyte(new byte[0], (int) max));
        assertTrue(error(largest).contains("truncated: expected " + max + " bytes of data after the header, found 0"),
                "the most this reader holds is merely missing its data");
        Path more = file("more", IdxBytes.ubyte(new byte[0], (int) max + 1));
        assertTrue(error(more).contains("describe " + (max + 1) + " bytes of data, more than the " + max
                + " this reader can hold"), error(more));
        Path intMax = file("int-max", IdxBytes.ubyte(new byte[0], Integer.MAX_VALUE));
        assertTrue(error(intMax).contains("more than the " + max + " this reader can hold"), error(intMax));
        Path beyond = file("beyond", IdxBytes.ubyte(new byte[0], Integer.MIN_VALUE));
        assertTrue(error(beyond).contains("dimension 0 is 2147483648, larger than the supported maximum 2147483647"),
                error(beyond));
    }

    @Test
    void unsupportedTypesAreNamed() {
        String[][] types = {{"09", "signed byte"}, {"0B", "int16"}, {"0C", "int32"}, {"0D", "float32"},
                {"0E", "float64"}, {"42", "unknown type"}};
        for (String[] t : types) {
            Path f = file("type-" + t[0], IdxBytes.idx(Integer.parseInt(t[0], 16), new byte[4], 1));
            assertTrue(error(f).contains("type 0x" + t[0] + " (" + t[1] + ") is not supported, only unsigned bytes (0x08)"),
                    error(f));
        }
    }

    /** MNIST-like images are mostly zero and compress well; a file that promises more than deflate can give is cut short. */
    @Test
    void wellCompressedFilesLoadButImpossibleRatiosAreTruncation() {
        byte[] zeros = IdxBytes.ubyte(new byte[100 * 28 * 28], 100, 28, 28);
        byte[] gz = IdxBytes.gzip(zeros);
        assertTrue(gz.length * 50 < zeros.length, "compressed " + zeros.length + " to " + gz.length);
        assertEquals(100 * 28 * 28, Idx.read(file("zeros.gz", gz)).data().length);
        byte[] headerOnly = IdxBytes.gzip(IdxBytes.ubyte(new byte[0], 60000, 28, 28));
        Path promise = file("promise.gz", headerOnly);
        assertTrue(error(promise).contains("truncated (after gzip decompression): the header describes 47040000 bytes"
                + " of data, more than " + headerOnly.length + " compressed bytes can hold"), error(promise));
    }

    /** A gzip header with every optional field (extra data, file name, comment, header CRC), as some tools write it. */
    private static byte[] gzipWithAllHeaderFields(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
        out.writeBytes(new byte[] {44, 1}); // XLEN 300 (little-endian), then 300 bytes
        out.writeBytes(new byte[300]);
        out.writeBytes("train-labels-idx1-ubyte\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes("a comment\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[] {0x12, 0x34}); // header CRC16 (not checked, as by gunzip)
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length + 64];
        out.write(buf, 0, d.deflate(buf));
        d.end();
        CRC32 crc = new CRC32();
        crc.update(raw);
        long c = crc.getValue();
        out.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) raw.length, (byte) (raw.length >> 8), (byte) (raw.length >> 16), (byte) (raw.length >> 24)});
        return out.toByteArray();
    }

    @Test
    void optionalGzipHeaderFieldsAreSkipped() {
        byte[] raw = IdxBytes.ubyte(new byte[] {3, 1, 4, 1, 5}, 5);
        byte[] gz = gzipWithAllHeaderFields(raw);
        assertArrayEquals(new byte[] {3, 1, 4, 1, 5}, Idx.read(file("fields.gz", gz)).data());
        for (int cut : new int[] {2, 11, 14, 200, 320, 335, 345, 347}) { // magic, XLEN, extra data, name, its end, comment, CRC16
            Path f = file("cut-" + cut + ".gz", Arrays.copyOf(gz, cut));
            assertTrue(error(f).contains("gzip data is truncated"), cut + ": " + error(f));
        }
    }

    /** A data set may take half the heap; more leaves no room to train, and the advice says how to get more. */
    @Test
    void dataMayTakeHalfTheHeapAndNoMore() {
        Path f = dir.resolve("train-images-idx3-ubyte");
        long gib = 1L << 30;
        Idx.requireHeapRoom(f, gib / 2, gib);
        UserError e = assertThrows(UserError.class, () -> Idx.requireHeapRoom(f, gib / 2 + 1, gib));
        assertEquals(f + ": 512 MB of data is more than half of this JVM's 1,024 MB heap: give Java more memory"
                + " (java -Xmx... -jar)", e.getMessage());
        assertEquals(f + ": 3,072 MB of data is more than half of this JVM's 4,096 MB heap: give Java more memory"
                + " (java -Xmx... -jar)", assertThrows(UserError.class, () -> Idx.requireHeapRoom(f, 3 * gib, 4 * gib))
                .getMessage());
    }

    /** Deflate data that zlib refuses is reported with zlib's own reason. */
    @Test
    void corruptDeflateDataNamesZlibsReason() {
        byte[] gz = IdxBytes.gzip(IdxBytes.ubyte(IdxBytes.ramp(100), 100));
        gz[10] = (byte) 0x07; // the first deflate block: final, type 3, which does not exist
        Path f = file("block.gz", gz);
        assertTrue(error(f).contains("not valid gzip data (invalid block type)"), error(f));
    }

    /** The stream also reads byte by byte, as InputStream promises. */
    @Test
    void theDecompressedBytesCanBeReadOneByOne() throws java.io.IOException {
        byte[] raw = {0, 1, (byte) 200, (byte) 255};
        try (StrictGzipInputStream in = new StrictGzipInputStream(new java.io.ByteArrayInputStream(IdxBytes.gzip(raw)))) {
            assertEquals(0, in.read());
            assertEquals(1, in.read());
            assertEquals(200, in.read());
            assertEquals(255, in.read());
            assertEquals(-1, in.read());
            assertEquals(0, in.read(new byte[4], 0, 0));
        }
    }
}
