// The checkpoint directory: what save returns and writes, which files count as checkpoints and their order, and what it refuses.
package gpumlp.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import gpumlp.model.Network;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import gpumlp.train.TrainState;
import gpumlp.util.SpecialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    private static final Network NET = Network.zeros(new int[] {4, 3});

    @TempDir
    Path dir;

    private static TrainState at(int epochsDone, int samplesIntoEpoch) {
        List<EpochRecord> records = new ArrayList<>();
        for (int e = 1; e <= epochsDone; e++) {
            records.add(new EpochRecord(e, 0.1, 0.5, 0.8, HeldOut.test, 0.4, 0.85, 1.0, 60_000));
        }
        return new TrainState(epochsDone, samplesIntoEpoch, 0, 0, 0, NET, null, records, 0, null);
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void saveReturnsTheFileItWroteWhichReadsBack() {
        CheckpointStore store = new CheckpointStore(dir.resolve("new/deeper"), 3);
        Path file = store.save(at(2, 300), Map.of("lr", 0.1), Map.of("train", "ab"));
        assertEquals(dir.resolve("new/deeper/checkpoint-e0002-s00000300.npz"), file, "the directory is made as needed");
        assertTrue(Files.isRegularFile(file));
        CheckpointFile.Loaded back = CheckpointFile.load(file);
        assertEquals(2, back.state().epochsDone());
        assertEquals(300, back.state().samplesIntoEpoch());
        assertEquals(Map.of("lr", 0.1), back.settings());
        assertEquals(List.of(file), store.list());
    }

    @Test
    void positionsAreOrderedAsNumbersBeyondTheirUsualWidth() throws IOException {
        for (String name : List.of("checkpoint-e10000-s00000000.npz", "checkpoint-e9999-s00000000.npz",
                "checkpoint-e9999-s100000000.npz", "checkpoint-e9999-s99999999.npz", "checkpoint-e0002-s00000000.npz")) {
            Files.createFile(dir.resolve(name));
        }
        for (String other : List.of("checkpoint-e1-s1.npz", "checkpoint-e0003-s00000000.npz.tmp", "notes.txt",
                "checkpoint-e0003-s00000000.zip", "xcheckpoint-e0003-s00000000.npz")) {
            Files.createFile(dir.resolve(other));
        }
        assertEquals(List.of("checkpoint-e0002-s00000000.npz", "checkpoint-e9999-s00000000.npz",
                "checkpoint-e9999-s99999999.npz", "checkpoint-e9999-s100000000.npz", "checkpoint-e10000-s00000000.npz"),
                names(new CheckpointStore(dir, 1).list()));
    }

    /** Anyone who can write into a shared directory could plant a link there to make a run replace another file. */
    @Test
    void aLinkUnderACheckpointNameIsNeverWrittenThrough() throws IOException {
        Path precious = Files.writeString(dir.resolve("notes.txt"), "precious\n");
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Path link = Files.createSymbolicLink(ck.resolve("checkpoint-e0002-s00000000.npz"), Path.of("../notes.txt"));
        CheckpointStore store = new CheckpointStore(ck, 3);
        UserError e = assertThrows(UserError.class, () -> store.save(at(2, 0), Map.of(), Map.of()));
        assertEquals("cannot write checkpoint " + link + ": it is a symbolic link to ../notes.txt: remove the link; a run "
                + "never writes through one there", e.getMessage());
        assertEquals("precious\n", Files.readString(precious));
        assertTrue(Files.isSymbolicLink(link), "the link stays, for its owner to look at");
        Path dangling = Files.createSymbolicLink(ck.resolve("checkpoint-e0003-s00000000.npz"), dir.resolve("made-by-run"));
        assertThrows(UserError.class, () -> store.save(at(3, 0), Map.of(), Map.of()));
        assertTrue(Files.notExists(dir.resolve("made-by-run")), "nor is a file made where a dangling link points");
        assertTrue(Files.isSymbolicLink(dangling));
    }

    @Test
    void keepingTheNewestDeletesNoLinkAndNoSkippedCheckpoint() throws IOException {
        Path precious = Files.writeString(dir.resolve("notes.txt"), "precious\n");
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Path link = Files.createSymbolicLink(ck.resolve("checkpoint-e0001-s00000000.npz"), precious);
        Path damaged = Files.writeString(ck.resolve("checkpoint-e0002-s00000000.npz"), "not a zip");
        CheckpointStore store = new CheckpointStore(ck, 1);
        assertTrue(store.newestValid(w -> { }).isEmpty());
        assertEquals(List.of(damaged, link), store.skipped(), "newest first");
        UserError e = assertThrows(UserError.class, () -> store.save(at(2, 0), Map.of(), Map.of()));
        assertEquals("cannot write checkpoint " + damaged + ": the checkpoint there was skipped as unusable and is never "
                + "replaced: move it away, or use another --checkpoint-dir", e.getMessage());
        Path newest = store.save(at(3, 0), Map.of(), Map.of());
        assertEquals(List.of(link, damaged, newest), store.list(), "--keep-checkpoints 1 deleted neither");
        assertEquals("not a zip", Files.readString(damaged));
        assertEquals("precious\n", Files.readString(precious));
    }

    @Test
    void aSkippedCheckpointSetAsideKeepsItsBytesAndReplacesNothing() throws IOException {
        Path damaged = Files.writeString(dir.resolve("checkpoint-e0002-s00000000.npz"), "from a newer version");
        Files.writeString(dir.resolve("checkpoint-e0002-s00000000.npz.skipped"), "set aside before");
        CheckpointStore store = new CheckpointStore(dir, 3);
        assertTrue(store.newestValid(w -> { }).isEmpty());
        Path kept = store.setAside(damaged);
        assertEquals(dir.resolve("checkpoint-e0002-s00000000.npz.skipped-2"), kept);
        assertEquals("from a newer version", Files.readString(kept));
        assertEquals("set aside before", Files.readString(dir.resolve("checkpoint-e0002-s00000000.npz.skipped")));
        assertEquals(List.of(), store.list(), "no checkpoint's name");
        assertEquals(dir.resolve("checkpoint-e0002-s00000000.npz"), store.save(at(2, 0), Map.of(), Map.of()));
    }

    /** Up to .skipped-100 is tried before the run gives up; none of the names already there is replaced. */
    @Test
    void aSkippedCheckpointIsSetAsideUpToItsHundredthName() throws IOException {
        Path damaged = Files.writeString(dir.resolve("checkpoint-e0002-s00000000.npz"), "damaged");
        Files.writeString(dir.resolve("checkpoint-e0002-s00000000.npz.skipped"), "1");
        for (int n = 2; n <= 99; n++) {
            Files.writeString(dir.resolve("checkpoint-e0002-s00000000.npz.skipped-" + n), Integer.toString(n));
        }
        CheckpointStore store = new CheckpointStore(dir, 3);
        Path kept = store.setAside(damaged);
        assertEquals(dir.resolve("checkpoint-e0002-s00000000.npz.skipped-100"), kept);
        assertEquals("damaged", Files.readString(kept));
        assertEquals("99", Files.readString(dir.resolve("checkpoint-e0002-s00000000.npz.skipped-99")));
    }

    /** A run of 3 epochs writes up to the end of epoch 3, never a position inside epoch 4 (named e0003 plus samples). */
    @Test
    void aRunReachesTheEndOfItsLastEpochAndNoFurther() {
        assertTrue(CheckpointStore.withinRun(dir.resolve("checkpoint-e0002-s00000040.npz"), 3));
        assertTrue(CheckpointStore.withinRun(dir.resolve("checkpoint-e0003-s00000000.npz"), 3));
        assertFalse(CheckpointStore.withinRun(dir.resolve("checkpoint-e0003-s00000040.npz"), 3));
        assertFalse(CheckpointStore.withinRun(dir.resolve("checkpoint-e0004-s00000000.npz"), 3));
    }

    /** A link to a directory is named as the link: the message must not send the user to remove the directory. */
    @Test
    void aLinkToADirectoryIsRefusedAsALink() throws IOException {
        Path results = Files.createDirectories(dir.resolve("results"));
        Files.writeString(results.resolve("keep.txt"), "keep\n");
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Path link = Files.createSymbolicLink(ck.resolve("checkpoint-e0002-s00000000.npz"), results);
        UserError e = assertThrows(UserError.class, () -> new CheckpointStore(ck, 3).save(at(2, 0), Map.of(), Map.of()));
        assertEquals("cannot write checkpoint " + link + ": it is a symbolic link to " + results + ": remove the link; a "
                + "run never writes through one there", e.getMessage());
        assertEquals("keep\n", Files.readString(results.resolve("keep.txt")));
    }

    @Test
    void aDirectoryNotYetMadeHoldsNoCheckpoints() {
        CheckpointStore store = new CheckpointStore(dir.resolve("later"), 1);
        assertEquals(List.of(), store.list());
        List<String> warnings = new ArrayList<>();
        assertTrue(store.newestValid(warnings::add).isEmpty());
        assertEquals(List.of(), warnings);
        assertEquals(dir.resolve("later"), store.dir());
    }

    @Test
    void eachSkippedCheckpointIsOneLineNamingItThenWhatIsWrong() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 5);
        store.save(at(1, 0), Map.of(), Map.of());
        Path noJson = dir.resolve("checkpoint-e0002-s00000000.npz");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(noJson))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("W1.npy"));
        }
        Path junk = Files.writeString(dir.resolve("checkpoint-e0003-s00000000.npz"), "junk");
        List<String> warnings = new ArrayList<>();
        assertEquals(1, store.newestValid(warnings::add).orElseThrow().state().epochsDone());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("skipping checkpoint " + junk + ": it is corrupt or truncated: "), warnings.get(0));
        assertEquals("skipping checkpoint " + noJson + ": it has no checkpoint.json (truncated, or not a gpu-mlp checkpoint)",
                warnings.get(1));
    }

    @Test
    void aMessageNotStartingWithTheFileIsKeptWhole() {
        assertEquals("cannot read checkpoint c.npz: denied", CheckpointStore.reason("cannot read checkpoint c.npz: denied",
                "checkpoint c.npz"));
        assertEquals("entry W1.npy: shape (1, 2)", CheckpointStore.reason("checkpoint c.npz, entry W1.npy: shape (1, 2)",
                "checkpoint c.npz"));
        assertEquals("layer_sizes is odd", CheckpointStore.reason("checkpoint c.npz: layer_sizes is odd", "checkpoint c.npz"));
        assertEquals("checkpoint c.npzz is odd", CheckpointStore.reason("checkpoint c.npzz is odd", "checkpoint c.npz"));
    }

    @Test
    void theNewestKeepStayAndOlderOnesGo() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        for (int e = 1; e <= 5; e++) {
            store.save(at(e, 0), Map.of(), Map.of());
        }
        assertEquals(List.of("checkpoint-e0003-s00000000.npz", "checkpoint-e0004-s00000000.npz",
                "checkpoint-e0005-s00000000.npz"), names(store.list()));
        CheckpointStore one = new CheckpointStore(dir.resolve("one"), 1);
        one.save(at(0, 100), Map.of(), Map.of());
        one.save(at(0, 200), Map.of(), Map.of());
        assertEquals(List.of("checkpoint-e0000-s00000200.npz"), names(one.list()));
    }

    @Test
    void keepingNoneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir, 0));
        assertEquals("keep must be at least 1: 0", e.getMessage());
        new CheckpointStore(dir, 1); // the least
    }

    @Test
    void aSpecialFileWhereTheCheckpointGoesIsRefusedNotWrittenInto() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        Path fifo = SpecialFiles.fifo(dir.resolve("checkpoint-e0001-s00000000.npz"));
        UserError e = assertThrows(UserError.class, () -> store.save(at(1, 0), Map.of(), Map.of()));
        assertEquals("cannot write checkpoint " + fifo + ": it is a FIFO (named pipe); remove it", e.getMessage());
    }

    @Test
    void aCheckpointIsWrittenOverAnOldFileOfTheSameName() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        Files.writeString(dir.resolve("checkpoint-e0001-s00000000.npz"), "left by a run that was killed");
        Path file = store.save(at(1, 0), Map.of(), Map.of());
        assertEquals(1, CheckpointFile.load(file).state().epochsDone());
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsAClearError() throws IOException {
        Path blocked = Files.writeString(dir.resolve("blocked"), "a file");
        CheckpointStore store = new CheckpointStore(blocked, 3);
        UserError e = assertThrows(UserError.class, () -> store.save(at(1, 0), Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("cannot create checkpoint directory " + blocked + ": "), e.getMessage());
    }
    @Test
    void savingClearsTheTemporaryFilesOfKilledWritersAndNoOtherFiles() throws IOException {
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Path stale = Files.writeString(dir.resolve(".checkpoint-e0001-s00000000.npz.tmp-3fa9"), "half a checkpoint");
        Path other = Files.writeString(dir.resolve(".metrics.jsonl.tmp-3fa9"), "not a checkpoint's");
        Files.setLastModifiedTime(stale, old);
        Files.setLastModifiedTime(other, old);
        new CheckpointStore(dir, 3).save(at(2, 0), Map.of(), Map.of());
        assertTrue(Files.notExists(stale), "left by a killed checkpoint writer");
        assertTrue(Files.exists(other), "not the store's to delete");
    }
}
