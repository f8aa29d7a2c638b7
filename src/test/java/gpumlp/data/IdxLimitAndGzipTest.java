// IDX reading with --limit (only the samples used are kept, checksums unchanged) and strict gzip member handling.
package gpumlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxLimitAndGzipTest {
    @TempDir
    Path dir;

    @Test
    void aLimitKeepsOnlyTheFirstSamplesButChecksumsTheWholeFile() {
        Path subset = Path.of("data/mnist-subset");
        Dataset all = DataDirectory.train(subset);
        Dataset first = DataDirectory.train(subset, 10);
        assertEquals(10, first.count());
        assertEquals(10 * first.features(), first.images().length, "the rest is not held in memory");
        assertEquals(all.checksums(), first.checksums(), "a limited run records the same data as a full one");
        assertArrayEquals(Arrays.copyOf(all.labels(), 10), first.labels());
        assertEquals(all.count(), DataDirectory.train(subset, all.count() + 5).count());
    }

    @Test
    void concatenatedGzipMembersAreOneFileAsForGunzipButTrailingGarbageIsRefused() {
        byte[] raw = IdxBytes.ubyte(IdxBytes.ramp(12), 3, 2, 2);
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.writeBytes(IdxBytes.gzip(Arrays.copyOf(raw, 10)));
        two.writeBytes(IdxBytes.gzip(Arrays.copyOfRange(raw, 10, raw.length)));
        Idx.Array a = Idx.read(IdxBytes.write(dir.resolve("two-members.gz"), two.toByteArray()));
        assertArrayEquals(IdxBytes.ramp(12), a.data());

        byte[] garbage = two.toByteArray();
        garbage = Arrays.copyOf(garbage, garbage.length + 3);
        Path bad = IdxBytes.write(dir.resolve("garbage.gz"), garbage);
        UserError e = assertThrows(UserError.class, () -> Idx.read(bad));
        assertTrue(e.getMessage().contains("unexpected bytes after the end of the gzip data"), e.getMessage());
    }
}
