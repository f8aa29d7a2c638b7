// A data directory's sets are named after the directory, labels are checked where they are read, and a limit keeps the first samples.
package gpumlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path dir;

    private Path mnistLike(String name, byte[] labels) throws Exception {
        Path d = Files.createDirectories(dir.resolve("nested").resolve(name));
        int n = labels.length;
        IdxBytes.write(d.resolve("train-images-idx3-ubyte"), IdxBytes.ubyte(IdxBytes.ramp(n * 4), n, 2, 2));
        IdxBytes.write(d.resolve("train-labels-idx1-ubyte"), IdxBytes.ubyte(labels, n));
        IdxBytes.write(d.resolve("t10k-images-idx3-ubyte"), IdxBytes.ubyte(IdxBytes.ramp(n * 4), n, 2, 2));
        IdxBytes.write(d.resolve("t10k-labels-idx1-ubyte"), IdxBytes.ubyte(labels, n));
        return d;
    }

    /** Messages say "fashion train (3 samples)", not the whole path. */
    @Test
    void theSetsAreNamedAfterTheirDirectory() throws Exception {
        Path d = mnistLike("fashion", new byte[] {1, 2, 3});
        assertEquals("fashion train", DataDirectory.train(d).name());
        assertEquals("fashion test", DataDirectory.test(d).name());
        assertEquals("fashion train (3 samples)", DataDirectory.train(d).describe());
    }

    @Test
    void aLimitKeepsTheFirstLabelsAndAllIsAllOfThem() throws Exception {
        Path d = mnistLike("digits", new byte[] {4, 5, 6, 7});
        assertArrayEquals(new byte[] {4, 5}, DataDirectory.train(d, 2).labels());
        assertArrayEquals(new byte[] {4, 5, 6, 7}, DataDirectory.train(d, 4).labels());
        assertArrayEquals(new byte[] {4, 5, 6, 7}, DataDirectory.train(d).labels());
    }

    /** Ten classes: label 9 is the last one a file may hold, 10 is named as out of range in the label file. */
    @Test
    void labelTenIsOutOfRangeInTheLabelFile() throws Exception {
        Path ok = mnistLike("nine", new byte[] {9, 0});
        assertEquals(9, DataDirectory.train(ok).label(0));
        Path bad = mnistLike("ten", new byte[] {0, 10});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> DataDirectory.train(bad));
        assertEquals(bad.resolve("train-labels-idx1-ubyte") + ": label 10 at index 1 is out of range: at most 10 classes"
                + " (labels 0..9) are supported", e.getMessage());
    }
}
