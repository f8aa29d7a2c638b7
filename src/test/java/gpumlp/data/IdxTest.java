// Tests the IDX reader, IdxDataset and DataDirectory on small synthetic files: every failure names the file and problem.
package gpumlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    /** Asserts that {@code run} throws a UserError whose message starts with {@code file} and contains every part. */
    private static String fails(Path file, Executable run, String... parts) {
        UserError e = assertThrows(UserError.class, run);
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), "message should start with the file path: " + m);
        for (String p : parts) {
            assertTrue(m.contains(p), "message should contain '" + p + "': " + m);
        }
        return m;
    }

    private Path file(String name, byte[] bytes) {
        return IdxBytes.write(dir.resolve(name), bytes);
    }

    // ---- reading well-formed files ----

    @Test
    void rawAndGzipReadIdentically() {
        byte[] raw = IdxBytes.ubyte(IdxBytes.ramp(2 * 3 * 4), 2, 3, 4);
        Idx.Array a = Idx.read(file("a-idx3-ubyte", raw));
        Idx.Array b = Idx.read(file("b-idx3-ubyte.gz", IdxBytes.gzip(raw)));
        assertArrayEquals(new int[] {2, 3, 4}, a.dims());
        assertArrayEquals(a.dims(), b.dims());
        assertArrayEquals(IdxBytes.ramp(24), a.data());
        assertArrayEquals(a.data(), b.data());
        assertEquals(a.sha256(), b.sha256());
        assertEquals(64, a.sha256().length());
    }

    @Test
    void gzipIsDetectedByContentNotName() {
        byte[] raw = IdxBytes.ubyte(new byte[] {1, 2, 3}, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, Idx.read(file("labels.gz", raw)).data());
        assertArrayEquals(new byte[] {1, 2, 3}, Idx.read(file("labels", IdxBytes.gzip(raw))).data());
    }

    @Test
    void zeroSizedDimensionGivesEmptyData() {
        Idx.Array a = Idx.read(file("z", IdxBytes.ubyte(new byte[0], 0, 28, 28)));
        assertEquals(0, a.data().length);
        assertArrayEquals(new int[] {0, 28, 28}, a.dims());
    }

    // ---- format failures ----

    @Test
    void emptyFile() {
        Path f = file("empty", new byte[0]);
        fails(f, () -> Idx.read(f), "file is empty");
    }

    @Test
    void headerShorterThanFourBytes() {
        Path f = file("short", new byte[] {0, 0, 8});
        fails(f, () -> Idx.read(f), "header too short", "found only 3");
    }

    @Test
    void wrongMagic() {
        Path f = file("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});
        fails(f, () -> Idx.read(f), "bad magic number 89 50 4e 47", "two zero bytes");
    }

    @Test
    void unsupportedType() {
        Path f = file("floats", IdxBytes.idx(0x0D, new byte[8], 2));
        fails(f, () -> Idx.read(f), "type 0x0D (float32) is not supported, only unsigned bytes (0x08)");
    }

    @Test
    void badDimensionCount() {
        Path f0 = file("nodims", IdxBytes.ubyte(new byte[0]));
        fails(f0, () -> Idx.read(f0), "header says 0 dimensions, expected 1 to 4");
        Path f5 = file("fivedims", IdxBytes.ubyte(new byte[1], 1, 1, 1, 1, 1));
        fails(f5, () -> Idx.read(f5), "header says 5 dimensions");
    }

    @Test
    void truncatedHeader() {
        byte[] full = IdxBytes.ubyte(new byte[0], 5, 28, 28);
        Path f = file("cut", Arrays.copyOf(full, 4 + 6));
        fails(f, () -> Idx.read(f), "header truncated", "expected 3 dimension sizes (12 bytes)", "found 6 bytes");
    }

    @Test
    void truncatedData() {
        Path f = file("trunc", IdxBytes.ubyte(new byte[10], 2, 2, 3));
        fails(f, () -> Idx.read(f), "truncated: expected 12 bytes of data", "found 10");
    }

    @Test
    void truncatedDataInsideGzip() {
        Path f = file("trunc.gz", IdxBytes.gzip(IdxBytes.ubyte(new byte[10], 2, 2, 3)));
        fails(f, () -> Idx.read(f), "truncated (after gzip decompression): expected 12 bytes", "found 10");
    }

    @Test
    void trailingBytes() {
        Path f = file("long", IdxBytes.ubyte(new byte[15], 2, 2, 3));
        fails(f, () -> Idx.read(f), "3 trailing bytes");
        Path g = file("long.gz", IdxBytes.gzip(IdxBytes.ubyte(new byte[15], 2, 2, 3)));
        fails(g, () -> Idx.read(g), "3 trailing bytes");
    }

    @Test
    void dimensionProductOverflow() {
        Path f = file("huge", IdxBytes.ubyte(new byte[0], 65536, 65536, 65536));
        fails(f, () -> Idx.read(f), "describe 281474976710656 bytes", "more than");
        Path g = file("huge2", IdxBytes.ubyte(new byte[0], -1));
        fails(g, () -> Idx.read(g), "dimension 0 is 4294967295");
    }

    @Test
    void truncatedGzip() {
        byte[] gz = IdxBytes.gzip(IdxBytes.ubyte(IdxBytes.ramp(5000), 5000));
        Path f = file("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        fails(f, () -> Idx.read(f), "gzip data is truncated");
    }

    @Test
    void corruptGzip() {
        byte[] gz = IdxBytes.gzip(IdxBytes.ubyte(IdxBytes.ramp(100), 100));
        gz[2] = 99; // compression method must be 8 (deflate)
        Path f = file("bad.gz", gz);
        fails(f, () -> Idx.read(f), "not valid gzip data");
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope");
        fails(f, () -> Idx.read(f), "does not exist");
    }

    // ---- image/label pairs ----

    @Test
    void loadsImagesAndLabels() {
        Path img = file("img", IdxBytes.ubyte(IdxBytes.ramp(3 * 2 * 2), 3, 2, 2));
        Path lab = file("lab", IdxBytes.ubyte(new byte[] {9, 0, 4}, 3));
        Dataset d = IdxDataset.load(img, lab, "tiny");
        assertEquals(3, d.count());
        assertEquals(2, d.rows());
        assertEquals(2, d.cols());
        assertEquals(4, d.features());
        assertEquals(9, d.label(0));
        assertEquals(4, d.label(2));
        assertEquals(7, d.pixel(1, 3)); // image 1 starts at byte 4
        assertEquals(2, d.checksums().size());
        assertEquals(Idx.read(img).sha256(), d.checksums().get("img"));
    }

    @Test
    void twoDimensionalImagesAreOneRow() {
        Path img = file("img", IdxBytes.ubyte(IdxBytes.ramp(2 * 5), 2, 5));
        Path lab = file("lab", IdxBytes.ubyte(new byte[] {1, 2}, 2));
        Dataset d = IdxDataset.load(img, lab, "flat");
        assertEquals(1, d.rows());
        assertEquals(5, d.cols());
    }

    @Test
    void countMismatchBetweenImagesAndLabels() {
        Path img = file("img", IdxBytes.ubyte(new byte[3 * 4], 3, 2, 2));
        Path lab = file("lab", IdxBytes.ubyte(new byte[2], 2));
        fails(img, () -> IdxDataset.load(img, lab, "x"), "images file has 3 samples but labels file", "has 2");
    }

    @Test
    void labelOutOfRange() {
        Path img = file("img", IdxBytes.ubyte(new byte[4 * 4], 4, 2, 2));
        Path lab = file("lab", IdxBytes.ubyte(new byte[] {0, 1, 2, 12}, 4));
        fails(lab, () -> IdxDataset.load(img, lab, "x"),
                "label 12 at index 3 is out of range: at most 10 classes (labels 0..9) are supported");
    }

    @Test
    void wrongDimensionsForImagesOrLabels() {
        Path img1 = file("img1", IdxBytes.ubyte(new byte[4], 4));
        Path img = file("img", IdxBytes.ubyte(new byte[4], 1, 2, 2));
        Path lab2 = file("lab2", IdxBytes.ubyte(new byte[1], 1, 1));
        Path lab = file("lab", IdxBytes.ubyte(new byte[1], 1));
        fails(img1, () -> IdxDataset.load(img1, lab, "x"), "image file has 1 dimensions", "expected 3");
        fails(lab2, () -> IdxDataset.load(img, lab2, "x"), "label file has 2 dimensions", "expected 1");
    }

    @Test
    void noSamples() {
        Path img = file("img", IdxBytes.ubyte(new byte[0], 0, 2, 2));
        Path lab = file("lab", IdxBytes.ubyte(new byte[0], 0));
        fails(img, () -> IdxDataset.load(img, lab, "x"), "no samples");
    }

    // ---- directories ----

    @Test
    void directoryAcceptsGzAndDotSpelling() throws Exception {
        file("train-images.idx3-ubyte.gz", IdxBytes.gzip(IdxBytes.ubyte(new byte[2 * 4], 2, 2, 2)));
        file("train-labels-idx1-ubyte", IdxBytes.ubyte(new byte[] {3, 5}, 2));
        Dataset d = DataDirectory.train(dir);
        assertEquals(2, d.count());
        assertEquals(5, d.label(1));
        assertTrue(d.checksums().containsKey("train-images.idx3-ubyte.gz"), d.checksums().toString());
        assertTrue(Files.exists(dir.resolve("train-labels-idx1-ubyte")));
    }

    @Test
    void missingFileInDirectory() {
        file("t10k-images-idx3-ubyte", IdxBytes.ubyte(new byte[4], 1, 2, 2));
        UserError e = assertThrows(UserError.class, () -> DataDirectory.test(dir));
        String m = e.getMessage();
        assertTrue(m.contains(dir.toString()), m);
        assertTrue(m.contains("no test labels file: expected t10k-labels-idx1-ubyte"), m);
        assertTrue(m.contains("t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte, t10k-labels.idx1-ubyte.gz"), m);
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("no-such-dir");
        UserError e = assertThrows(UserError.class, () -> DataDirectory.train(missing));
        assertEquals("data directory " + missing + " does not exist: run data/fetch-mnist.sh to download MNIST,"
                + " or pass --data DIR with the four IDX files", e.getMessage());
    }
}
