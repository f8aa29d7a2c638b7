// A checkpoint with a huge entry is read without allocating it: an unknown entry is ignored, a lying matrix refused.
package gpumlp.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import gpumlp.model.HeInit;
import gpumlp.train.TrainState;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointHugeEntryTest {
    private static final int[] SIZES = {16, 3, 10};
    private static final long HUGE = 64L << 20; // deflates to about 64 KB
    private static final long ALLOWED = 16L << 20;

    @TempDir
    Path dir;

    /** A copy of {@code valid} with entry {@code name} added, or replaced, by HUGE zero bytes. */
    private Path withHugeEntry(Path valid, String name, Path out) throws IOException {
        try (ZipFile in = new ZipFile(valid.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            List<ZipEntry> entries = new ArrayList<>(Collections.list(in.entries()));
            for (ZipEntry e : entries) {
                if (!e.getName().equals(name)) {
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream data = in.getInputStream(e)) {
                        data.transferTo(zip);
                    }
                }
            }
            zip.putNextEntry(new ZipEntry(name));
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < HUGE; done += zeros.length) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        return out;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aHugeEntryIsNeverReadAndAHugeMatrixIsRefusedFromItsRecordedSize() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 5);
        TrainState s = TrainState.start(HeInit.initialise(SIZES, 1));
        Path valid = store.save(s, Map.of("lr", 0.1), Map.of("a", "b"));
        Path junk = withHugeEntry(valid, "junk.bin", dir.resolve("junk.npz"));
        long before = allocated();
        CheckpointFile.load(junk);
        assertTrue(allocated() - before < ALLOWED, "the unknown entry was read: " + (allocated() - before) + " bytes");

        Path newest = withHugeEntry(valid, "W1.npy", dir.resolve("checkpoint-e0002-s00000000.npz"));
        before = allocated();
        UserError e = assertThrows(UserError.class, () -> CheckpointFile.load(newest));
        assertTrue(allocated() - before < ALLOWED, "the huge matrix was read: " + (allocated() - before) + " bytes");
        assertTrue(e.getMessage().contains("entry W1.npy is " + HUGE + " bytes, but a (17, 3) matrix needs"), e.getMessage());

        List<String> warnings = new ArrayList<>();
        CheckpointFile.Loaded back = store.newestValid(warnings::add).orElseThrow();
        assertEquals(0, back.state().epochsDone(), "the one before the damaged newest is used");
        assertEquals(1, warnings.size(), warnings.toString());
    }
}
