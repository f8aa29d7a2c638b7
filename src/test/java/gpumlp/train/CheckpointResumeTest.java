// Checkpoints: a stopped and resumed run ends with the same bits as a straight one; damaged ones are skipped.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.Backend;
import gpumlp.backend.Regularisation;
import gpumlp.checkpoint.CheckpointFile;
import gpumlp.checkpoint.CheckpointStore;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointResumeTest {
    private static Dataset train;
    private static Dataset test;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        train = DataDirectory.train(Path.of("data/mnist-subset")).limit(600);
        test = DataDirectory.test(Path.of("data/mnist-subset"));
    }

    /**
     * 4 epochs, momentum, a cosine schedule, dropout on the input and the hidden layer, weight decay and
     * max-norm: everything a resume must restore (the dropout masks follow from the seed, the epoch and
     * the sample, so they need no state).
     */
    private static TrainSettings settings() {
        return new TrainSettings(new int[] {24}, 4, 32, 0.1, 0.9, new Schedule.Cosine(0.1), 5, 0,
                ValidationSplit.NONE, Selection.LAST, new Regularisation(0.5, 0.2, 1e-3, 1.0)); // He-initialised columns have norm ~1.4: max-norm binds
    }

    private static Network start(TrainSettings s) {
        return HeInit.initialise(s.layerSizes(784, 10), s.seed());
    }

    private Trainer.Result straight(TrainSettings s) {
        try (Backend b = new CpuBackend(2)) {
            return new Trainer(b).run(start(s), train, test, s, r -> { });
        }
    }

    /** Runs until `stop` says so, checkpointing into `store`; returns what the run returned. */
    private Trainer.Result stopped(TrainSettings s, CheckpointStore store, BooleanSupplier stop) {
        try (Backend b = new CpuBackend(2)) {
            return new Trainer(b).run(TrainState.start(start(s)), train, test, s, r -> { },
                    new Trainer.Checkpointing(1, st -> store.save(st, s.toMap(), Map.of()), stop));
        }
    }

    private Trainer.Result resumed(TrainSettings s, CheckpointStore store) {
        CheckpointFile.Loaded c = store.newestValid(w -> { throw new AssertionError(w); }).orElseThrow();
        try (Backend b = new CpuBackend(2)) {
            return new Trainer(b).run(c.state(), train, test, s, r -> { }, Trainer.Checkpointing.NONE);
        }
    }

    private static void assertSameWeights(Network a, Network b) {
        for (int l = 1; l <= a.layers(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), "W" + l);
        }
    }

    @Test
    void fourEpochsEqualTwoThenResumeThenTwo() {
        TrainSettings s = settings();
        CheckpointStore store = new CheckpointStore(dir, 3);
        List<Integer> finished = new ArrayList<>();
        Trainer.Result first;
        try (Backend b = new CpuBackend(2)) {
            first = new Trainer(b).run(TrainState.start(start(s)), train, test, s, r -> finished.add(r.epoch()),
                    new Trainer.Checkpointing(1, st -> store.save(st, s.toMap(), Map.of()), () -> finished.size() == 2));
        }
        assertTrue(first.wasStopped());
        assertEquals(2, first.stopped().epochsDone());
        assertEquals(0, first.stopped().samplesIntoEpoch());
        assertTrue(first.stopped().momentum() != null, "the momentum state is part of the checkpoint");
        Trainer.Result rest = resumed(s, store);
        Trainer.Result all = straight(s);
        assertSameWeights(all.network(), rest.network());
        assertEquals(4, rest.epochs().size(), "the records of epochs 1 and 2 come back from the checkpoint");
        assertEquals(all.epochs().get(3).trainLoss(), rest.epochs().get(3).trainLoss(), 0.0);
        assertEquals(all.test().accuracy(), rest.test().accuracy(), 0.0);
    }

    /**
     * Early stopping on validation loss with patience 2 and the best epoch's model: a run stopped after
     * epoch 5 (best so far: 4) and one stopped in the middle of epoch 6 resume to the straight run's end,
     * bit for bit: the best weights and the early-stopping state come back from the checkpoint.
     */
    @Test
    void earlyStoppingAndTheBestModelSurviveAStopAndResume() {
        ValidationTrainingTest.data();
        TrainSettings s = ValidationTrainingTest.settings(10, new Selection(Selection.Metric.loss, 2, Selection.Save.best));
        Trainer.Result all;
        CheckpointStore done = new CheckpointStore(dir.resolve("done"), 1);
        try (Backend b = new CpuBackend(2)) {
            all = new Trainer(b).run(TrainState.start(start(s)), ValidationTrainingTest.train, ValidationTrainingTest.validation,
                    ValidationTrainingTest.test, s, r -> { },
                    new Trainer.Checkpointing(1, st -> done.save(st, s.toMap(), Map.of()), () -> false));
        }
        assertEquals(4, all.bestEpoch());
        assertEquals(6, all.epochs().size());
        List<Integer> trainedAgain = new ArrayList<>();
        try (Backend b = new CpuBackend(2)) { // resuming a run that stopped early trains nothing more
            Trainer.Result again = new Trainer(b).run(done.newestValid(w -> { }).orElseThrow().state(),
                    ValidationTrainingTest.train, ValidationTrainingTest.validation, ValidationTrainingTest.test, s,
                    r -> trainedAgain.add(r.epoch()), Trainer.Checkpointing.NONE);
            assertEquals(List.of(), trainedAgain);
            assertEquals(4, again.modelEpoch());
            assertSameWeights(all.network(), again.network());
        }
        for (int extraAsks : new int[] {0, 10}) { // stop after epoch 5, or 10 steps into epoch 6
            List<Integer> finished = new ArrayList<>();
            AtomicInteger asks = new AtomicInteger();
            BooleanSupplier stop = () -> finished.size() >= 5 && asks.incrementAndGet() > extraAsks;
            CheckpointStore store = new CheckpointStore(dir.resolve("ck" + extraAsks), 3);
            try (Backend b = new CpuBackend(2)) {
                Trainer.Result first = new Trainer(b).run(TrainState.start(start(s)), ValidationTrainingTest.train,
                        ValidationTrainingTest.validation, ValidationTrainingTest.test, s, r -> finished.add(r.epoch()),
                        new Trainer.Checkpointing(1, st -> store.save(st, s.toMap(), Map.of()), stop));
                assertTrue(first.wasStopped());
                assertEquals(5, first.stopped().epochsDone());
                assertEquals(extraAsks > 0, first.stopped().samplesIntoEpoch() > 0, first.stopped().position());
            }
            CheckpointFile.Loaded c = store.newestValid(w -> { throw new AssertionError(w); }).orElseThrow();
            assertEquals(4, c.state().bestEpoch());
            assertTrue(c.state().best() != null, "the best weights are part of the checkpoint");
            Trainer.Result rest;
            try (Backend b = new CpuBackend(2)) {
                rest = new Trainer(b).run(c.state(), ValidationTrainingTest.train, ValidationTrainingTest.validation,
                        ValidationTrainingTest.test, s, r -> { }, Trainer.Checkpointing.NONE);
            }
            assertSameWeights(all.network(), rest.network());
            assertEquals(all.epochs().stream().map(EpochRecord::heldOutLoss).toList(),
                    rest.epochs().stream().map(EpochRecord::heldOutLoss).toList());
            assertEquals(4, rest.modelEpoch());
            assertTrue(rest.stoppedEarly());
            assertEquals(all.test().accuracy(), rest.test().accuracy(), 0.0);
        }
    }

    /** 2 epochs, a stop, then a resume to 4, equal 4 straight with dropout, decay, max-norm and early stopping on together. */
    @Test
    void regularisedEarlyStoppingRunResumesBitForBit() {
        ValidationTrainingTest.data();
        TrainSettings v = ValidationTrainingTest.settings(4, new Selection(Selection.Metric.loss, 2, Selection.Save.best));
        TrainSettings s = new TrainSettings(v.hidden(), v.epochs(), v.batchSize(), v.learningRate(), v.momentum(),
                v.schedule(), v.seed(), v.limit(), v.validation(), v.selection(), settings().regularisation());
        Trainer.Result all;
        try (Backend b = new CpuBackend(2)) {
            all = new Trainer(b).run(TrainState.start(start(s)), ValidationTrainingTest.train,
                    ValidationTrainingTest.validation, ValidationTrainingTest.test, s, r -> { }, Trainer.Checkpointing.NONE);
        }
        CheckpointStore store = new CheckpointStore(dir, 3);
        List<Integer> finished = new ArrayList<>();
        try (Backend b = new CpuBackend(2)) {
            Trainer.Result first = new Trainer(b).run(TrainState.start(start(s)), ValidationTrainingTest.train,
                    ValidationTrainingTest.validation, ValidationTrainingTest.test, s, r -> finished.add(r.epoch()),
                    new Trainer.Checkpointing(1, st -> store.save(st, s.toMap(), Map.of()), () -> finished.size() == 2));
            assertEquals(2, first.stopped().epochsDone());
        }
        Trainer.Result rest;
        try (Backend b = new CpuBackend(2)) {
            rest = new Trainer(b).run(store.newestValid(w -> { throw new AssertionError(w); }).orElseThrow().state(),
                    ValidationTrainingTest.train, ValidationTrainingTest.validation, ValidationTrainingTest.test, s,
                    r -> { }, Trainer.Checkpointing.NONE);
        }
        assertSameWeights(all.network(), rest.network());
        assertEquals(all.modelEpoch(), rest.modelEpoch());
        assertEquals(all.epochs().stream().map(EpochRecord::heldOutLoss).toList(),
                rest.epochs().stream().map(EpochRecord::heldOutLoss).toList());
    }

    @Test
    void aStopBetweenTwoStepsResumesInTheMiddleOfTheEpoch() {
        TrainSettings s = settings();
        CheckpointStore store = new CheckpointStore(dir, 3);
        AtomicInteger asked = new AtomicInteger();
        Trainer.Result first = stopped(s, store, () -> asked.incrementAndGet() > 25); // 19 steps per epoch
        assertTrue(first.wasStopped());
        TrainState at = first.stopped();
        assertEquals(1, at.epochsDone());
        assertTrue(at.samplesIntoEpoch() > 0 && at.samplesIntoEpoch() % 32 == 0, "stopped after a step: " + at.position());
        Trainer.Result rest = resumed(s, store);
        Trainer.Result all = straight(s);
        assertSameWeights(all.network(), rest.network());
        assertEquals(all.epochs().get(1).trainLoss(), rest.epochs().get(1).trainLoss(), 1e-12,
                "the running totals of the interrupted epoch are carried over");
    }

    @Test
    void aDamagedNewestCheckpointIsSkippedWithAWarning() throws IOException {
        TrainSettings s = settings();
        CheckpointStore store = new CheckpointStore(dir, 5);
        stopped(s, store, () -> false);
        List<Path> files = store.list();
        assertEquals(4, files.size());
        Path newest = files.get(3);
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // a write cut short
        List<String> warnings = new ArrayList<>();
        CheckpointFile.Loaded c = store.newestValid(warnings::add).orElseThrow();
        assertEquals(3, c.state().epochsDone());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(newest.getFileName().toString()), warnings.get(0));
    }

    @Test
    void onlyTheNewestFewAreKept() {
        CheckpointStore store = new CheckpointStore(dir, 2);
        stopped(settings(), store, () -> false);
        List<Path> files = store.list();
        assertEquals(2, files.size());
        assertTrue(files.get(1).getFileName().toString().startsWith("checkpoint-e0004-"), files.toString());
    }

    @Test
    void aStopWhileDivergingWritesNoCheckpoint() {
        TrainSettings wild = new TrainSettings(new int[] {24}, 3, 8, 1e6, 0, new Schedule.Constant(1e6), 5, 0);
        CheckpointStore store = new CheckpointStore(dir, 3);
        AtomicInteger asked = new AtomicInteger();
        try (Backend b = new CpuBackend(2)) {
            assertThrows(TrainingDivergedException.class, () -> new Trainer(b).run(TrainState.start(start(wild)), train, test,
                    wild, r -> { }, new Trainer.Checkpointing(1, st -> store.save(st, wild.toMap(), Map.of()),
                            () -> asked.incrementAndGet() > 40)));
        }
        assertTrue(asked.get() > 40, "the stop came in the middle of epoch 1");
        assertTrue(store.list().isEmpty(), "no checkpoint of blown-up weights");
    }

    @Test
    void savingNeverDeletesACheckpointBeyondTheOneWritten() {
        CheckpointStore store = new CheckpointStore(dir, 1);
        stopped(settings(), store, () -> false); // leaves e0004
        TrainState early = TrainState.start(start(settings()));
        store.save(new TrainState(1, 0, 0, 0, 0, early.weights(), null, List.of(records(1)), 0, null), Map.of(), Map.of());
        assertEquals(2, store.list().size(), "the later checkpoint is not this writer's to prune");
    }

    private static EpochRecord records(int epoch) {
        return new EpochRecord(epoch, 0.1, 1, 0.5, HeldOut.test, 1, 0.5, 1, 600);
    }

    @Test
    void aDivergedRunKeepsTheLastGoodCheckpoint() {
        TrainSettings good = new TrainSettings(new int[] {24}, 1, 32, 0.1, 0, new Schedule.Constant(0.1), 5, 0);
        CheckpointStore store = new CheckpointStore(dir, 3);
        TrainState afterOne;
        try (Backend b = new CpuBackend(2)) {
            List<TrainState> saved = new ArrayList<>();
            new Trainer(b).run(TrainState.start(start(good)), train, test, good, r -> { },
                    new Trainer.Checkpointing(1, st -> {
                        saved.add(st);
                        store.save(st, good.toMap(), Map.of());
                    }, () -> false));
            afterOne = saved.get(0);
        }
        // the same run goes on with a learning rate that makes the loss NaN in its second epoch
        TrainSettings wild = new TrainSettings(new int[] {24}, 3, 32, 1e6, 0, new Schedule.Constant(1e6), 5, 0);
        try (Backend b = new CpuBackend(2)) {
            assertThrows(TrainingDivergedException.class, () -> new Trainer(b).run(afterOne, train, test, wild, r -> { },
                    new Trainer.Checkpointing(1, st -> store.save(st, wild.toMap(), Map.of()), () -> false)));
        }
        assertEquals(1, store.list().size(), "nothing is written for the diverged epoch");
        CheckpointFile.Loaded kept = store.newestValid(w -> { throw new AssertionError(w); }).orElseThrow();
        assertEquals(1, kept.state().epochsDone());
        assertSameWeights(afterOne.weights(), kept.state().weights());
        assertNull(kept.state().momentum());
    }
}
