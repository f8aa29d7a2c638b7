// Which checkpoint a resumed run continues from: none means a fresh start, a damaged newest one is skipped, another run's is refused.
package gpumlp.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import gpumlp.train.TrainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumePolicyTest {
    private static final int[] SIZES = {4, 3, 2};
    private static final Map<String, Object> SETTINGS = Map.of("lr", 0.1, "epochs", 4);
    private static final Map<String, String> DATA = Map.of("train", "abc", "test", "def");

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private static TrainState at(int epochsDone, int samplesIntoEpoch) {
        Network w = HeInit.initialise(SIZES, 1);
        List<EpochRecord> records = new ArrayList<>();
        for (int e = 1; e <= epochsDone; e++) {
            records.add(new EpochRecord(e, 0.1, 0.5, 0.8, HeldOut.test, 0.4, 0.85, 1.0, 100));
        }
        return new TrainState(epochsDone, samplesIntoEpoch, 0, 0, 0, w, null, records, 0, null);
    }

    private static ResumePolicy.Run run(Map<String, Object> settings, Map<String, String> data, int[] sizes, int epochs) {
        return new ResumePolicy.Run(settings, data, Path.of("data/here"), sizes, 100, 10, epochs);
    }

    private TrainState resume(CheckpointStore store, ResumePolicy.Run run) {
        return ResumePolicy.resumeState(store, run, warnings::add, notes::add);
    }

    @Test
    void noCheckpointMeansAFreshStart() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        assertNull(resume(store, run(SETTINGS, DATA, SIZES, 4)));
        assertEquals(List.of("no checkpoint in " + dir + " yet: starting from epoch 1"), notes);
        assertEquals(List.of(), warnings);
    }

    @Test
    void aDamagedNewestCheckpointIsSkipped() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(0, 20), SETTINGS, DATA);
        Path newest = store.save(at(0, 40), SETTINGS, DATA);
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(bytes, bytes.length / 2)); // a write cut short
        TrainState s = resume(store, run(SETTINGS, DATA, SIZES, 4));
        assertEquals(20, s.samplesIntoEpoch());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(newest.getFileName().toString()), warnings.get(0));
        assertEquals(List.of("kept the unusable checkpoint " + newest.getFileName() + " as " + newest.getFileName()
                + ".skipped: a run never replaces one", "resuming in epoch 1 after 20 samples from " + dir), notes);
        assertArrayEquals(Arrays.copyOf(bytes, bytes.length / 2), Files.readAllBytes(dir.resolve(newest.getFileName()
                + ".skipped")), "the run will write its own checkpoint there: the skipped one is moved out of its way");
        assertTrue(Files.notExists(newest));
    }

    /** Another version's or a damaged checkpoint may be precious: starting afresh would replace it when the names meet. */
    @Test
    void aDirectoryOfOnlyUnusableCheckpointsIsRefusedAndLeftAsItIs() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        Path only = store.save(at(3, 0), SETTINGS, DATA);
        byte[] bytes = Files.readAllBytes(only);
        Files.write(only, Arrays.copyOf(bytes, bytes.length - 1));
        UserError e = assertThrows(UserError.class, () -> resume(store, run(SETTINGS, DATA, SIZES, 3)));
        assertEquals("checkpoint directory " + dir + " holds a checkpoint this run cannot use (see the warning): move it "
                + "away, or use another --checkpoint-dir; a run never replaces one", e.getMessage());
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(List.of(), notes, "not 'no checkpoint yet'");
        assertArrayEquals(Arrays.copyOf(bytes, bytes.length - 1), Files.readAllBytes(only));
        Files.write(dir.resolve("checkpoint-e0001-s00000000.npz"), new byte[] {1, 2});
        UserError two = assertThrows(UserError.class, () -> resume(store, run(SETTINGS, DATA, SIZES, 3)));
        assertTrue(two.getMessage().contains(" holds 2 checkpoints this run cannot use (see the warnings): move them away"),
                two.getMessage());
    }

    @Test
    void anUnusableCheckpointBeyondTheRunsEpochsStaysWhereItIs() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(1, 0), SETTINGS, DATA);
        Path later = Files.writeString(dir.resolve("checkpoint-e0005-s00000000.npz"), "from a newer version");
        assertEquals(1, resume(store, run(SETTINGS, DATA, SIZES, 4)).epochsDone());
        assertEquals(List.of("resuming after epoch 1 from " + dir), notes, "the run never reaches it");
        assertEquals("from a newer version", Files.readString(later));
    }

    @Test
    void aCheckpointOfOtherSettingsIsRefused() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(1, 0), SETTINGS, DATA);
        UserError e = assertThrows(UserError.class,
                () -> resume(store, run(Map.of("lr", 0.2, "epochs", 4), DATA, SIZES, 4)));
        assertTrue(e.getMessage().contains("was written with lr = 0.1 but this run has 0.2"), e.getMessage());
        e = assertThrows(UserError.class, () -> resume(store, run(Map.of("epochs", 4), DATA, SIZES, 4)));
        assertTrue(e.getMessage().contains("was written with lr = 0.1 but this run has null"), e.getMessage());
    }

    @Test
    void moreEpochsMayFollowButTheRunMustFit() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(2, 0), SETTINGS, DATA);
        assertEquals(2, resume(store, run(Map.of("lr", 0.1, "epochs", 9), DATA, SIZES, 9)).epochsDone());
        UserError data = assertThrows(UserError.class, () -> resume(store, run(SETTINGS, Map.of("train", "x"), SIZES, 4)));
        assertTrue(data.getMessage().contains("other data files than those in data/here"), data.getMessage());
        UserError shape = assertThrows(UserError.class, () -> resume(store, run(SETTINGS, DATA, new int[] {4, 5, 2}, 4)));
        assertTrue(shape.getMessage().contains("network, not [4, 5, 2]"), shape.getMessage());
        UserError beyond = assertThrows(UserError.class, () -> resume(store, run(SETTINGS, DATA, SIZES, 1)));
        assertTrue(beyond.getMessage().contains("is after epoch 2, beyond --epochs 1"), beyond.getMessage());
    }

    @Test
    void aPositionThatDoesNotFitTheBatchesIsSkippedForThePreviousCheckpoint() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(1, 0), SETTINGS, DATA);
        Path odd = store.save(at(1, 25), SETTINGS, DATA);
        TrainState s = resume(store, run(SETTINGS, DATA, SIZES, 4));
        assertEquals(1, s.epochsDone());
        assertEquals(0, s.samplesIntoEpoch());
        assertEquals(List.of("skipping checkpoint " + odd + ": it stands in epoch 2 after 25 samples, which does not fit "
                + "100 samples in batches of 10"), warnings);
        assertEquals(List.of("kept the unusable checkpoint " + odd.getFileName() + " as " + odd.getFileName()
                + ".skipped: a run never replaces one", "resuming after epoch 1 from " + dir), notes);
    }

    @Test
    void epochsOfAnotherSampleCountAreSkipped() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(1, 0), SETTINGS, DATA);
        TrainState two = at(2, 0);
        List<EpochRecord> records = new ArrayList<>(two.records());
        records.set(1, new EpochRecord(2, 0.1, 0.5, 0.8, HeldOut.test, 0.4, 0.85, 1.0, 90));
        records.set(0, new EpochRecord(1, 0.1, 0.5, 0.8, HeldOut.test, 0.4, 0.85, 1.0, 90));
        store.save(new TrainState(2, 0, 0, 0, 0, two.weights(), null, records, 0, null), SETTINGS, DATA);
        assertEquals(1, resume(store, run(SETTINGS, DATA, SIZES, 4)).epochsDone());
        assertTrue(warnings.get(0).endsWith(": its epoch 1 trained 90 samples, not the run's 100"), warnings.toString());
    }

    @Test
    void aRunWhoseLastCheckpointIsItsLastEpochResumesToFinish() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(4, 0), SETTINGS, DATA);
        TrainState s = resume(store, run(SETTINGS, DATA, SIZES, 4));
        assertEquals(4, s.epochsDone(), "the run then only scores its model");
        assertEquals(List.of("resuming after epoch 4 from " + dir), notes);
    }

    @Test
    void aPositionAtOrPastTheEndOfAnEpochIsSkipped() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(0, 100), SETTINGS, DATA); // 100 samples an epoch: 100 in is the next epoch's start, never saved so
        UserError none = assertThrows(UserError.class, () -> resume(store, run(SETTINGS, DATA, SIZES, 4)));
        assertTrue(none.getMessage().contains(" holds a checkpoint this run cannot use"), "nothing usable left: refused");
        assertTrue(warnings.get(0).contains("stands in epoch 1 after 100 samples, which does not fit 100 samples"),
                warnings.toString());
        CheckpointStore last = new CheckpointStore(dir.resolve("last-step"), 3);
        last.save(at(0, 90), SETTINGS, DATA);
        assertEquals(90, resume(last, run(SETTINGS, DATA, SIZES, 4)).samplesIntoEpoch(), "before the epoch's last step");
    }

    @Test
    void anotherRunsCheckpointIsRefusedEvenWhenItsPositionDoesNotFitEither() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(0, 25), Map.of("lr", 0.5, "epochs", 4), DATA);
        UserError e = assertThrows(UserError.class, () -> resume(store, run(SETTINGS, DATA, SIZES, 4)));
        assertTrue(e.getMessage().contains("was written with lr = 0.5 but this run has 0.1"), e.getMessage());
        assertEquals(List.of(), warnings, "refused, not skipped: starting afresh would mix two runs in one directory");
    }

    @Test
    void aSettingOnlyOneSideHasCountsAndTheEpochsMayDiffer() {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(at(1, 0), SETTINGS, DATA);
        UserError e = assertThrows(UserError.class, () -> resume(store,
                run(Map.of("lr", 0.1, "epochs", 4, "deformation", "rotate 10"), DATA, SIZES, 4)));
        assertTrue(e.getMessage().contains("was written with deformation = null but this run has rotate 10"), e.getMessage());
        assertEquals(1, resume(store, run(Map.of("lr", 0.1, "epochs", 7), DATA, SIZES, 7)).epochsDone());
    }
}
