// The training loop's decisions on exact figures: when checkpoints are written, what a stop saves, how a resume continues, when a run ends.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.EpochProgress;
import gpumlp.backend.Regularisation;
import gpumlp.backend.StepSettings;
import gpumlp.data.Dataset;
import gpumlp.model.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainerLoopTest {
    private static final int[] SIZES = {4, 10};
    private static final Dataset TRAIN = data("train", 10);
    private static final Dataset VALIDATION = data("validation", 4);
    private static final Dataset TEST = data("test", 20);
    private static final long SEED = 7;

    private final ScriptedBackend backend = new ScriptedBackend(Map.of(TRAIN, "train", VALIDATION, "validation", TEST, "test"));
    private final List<TrainState> saved = new ArrayList<>();
    private final List<Integer> finished = new ArrayList<>();

    /** n blank 2x2 images labelled 0, 1, 2, ... */
    private static Dataset data(String name, int n) {
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        return new Dataset(name, new byte[4 * n], labels, n, 2, 2);
    }

    /** A network that the scripted backend reads as `samples` samples trained. */
    private static Network trained(int samples) {
        Network n = Network.zeros(SIZES);
        n.weights(1)[0] = samples;
        return n;
    }

    private static int samplesIn(Network n) {
        return (int) n.weights(1)[0];
    }

    /** Batches of 2 (5 steps an epoch), no validation split. */
    private static TrainSettings plain(int epochs) {
        return new TrainSettings(new int[0], epochs, 2, 0.1, 0, new Schedule.Constant(0.1), SEED, 0);
    }

    private static TrainSettings validated(int epochs, Selection sel) {
        return new TrainSettings(new int[0], epochs, 2, 0.1, 0, new Schedule.Constant(0.1), SEED, 0,
                ValidationSplit.parse("4"), sel);
    }

    private static EpochRecord record(int epoch) {
        return new EpochRecord(epoch, 0.1, 1, 0.5, HeldOut.test, 1, 0.5, 1, 10);
    }

    private static List<EpochRecord> records(int epochs) {
        List<EpochRecord> r = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            r.add(record(e));
        }
        return r;
    }

    private Trainer.Listener listener() {
        return new Trainer.Listener() {
            @Override
            public void epochFinished(EpochRecord r) {
                finished.add(r.epoch());
                backend.events.add("epoch " + r.epoch() + " done");
            }

            @Override
            public void resumed(List<EpochRecord> earlier) {
                backend.events.add("resumed after " + earlier.size());
            }

            @Override
            public void stoppedEarly(int epoch, int bestEpoch) {
                backend.events.add("stopped early after " + epoch + ", best " + bestEpoch);
            }
        };
    }

    private Trainer.Checkpointing every(int epochs, BooleanSupplier stop) {
        return new Trainer.Checkpointing(epochs, s -> {
            saved.add(s);
            backend.events.add("checkpoint " + s.position());
        }, stop);
    }

    private Trainer.Result run(TrainState from, Dataset validation, TrainSettings s, Trainer.Checkpointing c) {
        return new Trainer(backend).run(from, TRAIN, validation, TEST, s, listener(), c);
    }

    private static TrainState fresh() {
        return TrainState.start(trained(0));
    }

    private String savedEpochs() {
        return saved.stream().map(s -> Integer.toString(s.epochsDone())).collect(Collectors.joining(" "));
    }

    @ParameterizedTest
    @CsvSource({"1, 1 2 3 4 5", "2, 2 4 5", "3, 3 5", "5, 5", "10, 5"})
    void checkpointsAreWrittenEveryNEpochsAndAfterTheLast(int n, String epochs) {
        Trainer.Result r = run(fresh(), null, plain(5), every(n, () -> false));
        assertEquals(epochs, savedEpochs());
        for (TrainState s : saved) {
            assertEquals(0, s.samplesIntoEpoch(), s.position());
            assertEquals(10 * s.epochsDone(), samplesIn(s.weights()), "the weights after epoch " + s.epochsDone());
            assertEquals(s.epochsDone(), s.records().size());
        }
        assertFalse(r.wasStopped());
        assertEquals(50, samplesIn(r.network()));
    }

    @Test
    void aStopRequestedAsAnEpochEndsSavesThatEpochAndLeavesTheTestSetAlone() {
        Trainer.Result r = run(fresh(), null, plain(5), every(10, () -> finished.contains(2)));
        assertTrue(r.wasStopped());
        assertEquals("2", savedEpochs(), "saved at the stop although no checkpoint was due");
        assertEquals(saved.get(0), r.stopped());
        assertEquals("after epoch 2", r.stopped().position());
        assertEquals(20, samplesIn(r.stopped().weights()));
        assertNull(r.test());
        assertEquals(List.of(1, 2), finished);
        assertEquals(List.of("upload train", "weights 0", "train epoch 1: 10", "evaluate test at 10", "epoch 1 done",
                "train epoch 2: 10", "evaluate test at 20", "epoch 2 done", "checkpoint after epoch 2"), backend.events);
    }

    @Test
    void aStopThatArrivesAsTheLastEpochEndsLetsTheRunFinish() {
        Trainer.Result r = run(fresh(), null, plain(3), every(10, () -> finished.contains(3)));
        assertFalse(r.wasStopped(), "nothing is left to resume");
        assertEquals("3", savedEpochs(), "the last epoch's checkpoint, once");
        assertEquals(3, r.modelEpoch());
        assertEquals(0.5, r.test().accuracy(), 0.0);
    }

    @Test
    void aStopInsideAnEpochSavesThePositionAndTheRunningTotals() {
        backend.trainLoss = e -> 0.25 * e;
        long[] done = new long[1];
        Trainer.Listener l = new Trainer.Listener() {
            @Override
            public EpochProgress epochStarted(int epoch, int epochs, double lr, long samples) {
                return new EpochProgress() {
                    @Override
                    public boolean due() {
                        return true;
                    }

                    @Override
                    public void update(long samplesDone, double lossSum, long correct) {
                        done[0] = epoch == 2 ? samplesDone : 0;
                    }
                };
            }

            @Override
            public void epochFinished(EpochRecord r) {
                finished.add(r.epoch());
            }
        };
        Trainer.Result r = new Trainer(backend).run(fresh(), TRAIN, null, TEST, plain(3), l, every(1, () -> done[0] >= 6));
        assertTrue(r.wasStopped());
        TrainState s = r.stopped();
        assertEquals("1 1", savedEpochs(), "after epoch 1, then at the stop");
        assertEquals(s, saved.get(1));
        assertEquals(1, s.epochsDone());
        assertEquals(6, s.samplesIntoEpoch(), "3 steps of 2 into epoch 2");
        assertEquals(6 * 0.5, s.partialLossSum(), 1e-12);
        assertEquals(3, s.partialCorrect());
        assertEquals(16, samplesIn(s.weights()));
        assertEquals(1, s.records().size());
        assertEquals(List.of(1), finished);
        assertNull(r.test());
        assertEquals(0, r.modelEpoch());
        assertFalse(backend.events.contains("evaluate test at 16"), backend.events.toString());
    }

    @Test
    void aRunResumedInsideAnEpochTrainsTheRestOfThatEpochsOrderAndCarriesItsTotals() {
        backend.trainLoss = e -> 0.2;
        TrainState from = new TrainState(1, 6, 3.0, 6, 1e6, trained(16), null, records(1), 0, null);
        Trainer.Result r = run(from, null, plain(3), Trainer.Checkpointing.NONE);
        assertArrayEquals(Arrays.copyOfRange(Trainer.epochOrder(SEED, 2, 10), 6, 10), backend.orders.get(0),
                "the samples of epoch 2 not trained before the stop, in their order");
        assertArrayEquals(Trainer.epochOrder(SEED, 3, 10), backend.orders.get(1), "then all of epoch 3");
        assertEquals(List.of(2, 3), backend.steps.stream().map(StepSettings::epoch).toList());
        EpochRecord two = r.epochs().get(1);
        assertEquals(10, two.samples());
        assertEquals((3.0 + 4 * 0.2) / 10, two.trainLoss(), 1e-12, "the loss of the 6 samples before the stop counts");
        assertEquals((6 + 2) / 10.0, two.trainAccuracy(), 1e-12);
        assertTrue(two.seconds() >= 1e6 && two.seconds() < 1e6 + 1000, "the seconds before the stop count: " + two.seconds());
        EpochRecord three = r.epochs().get(2);
        assertEquals(10, three.samples());
        assertEquals(0.2, three.trainLoss(), 1e-12);
        assertTrue(three.seconds() >= 0 && three.seconds() < 1000, "epoch 3 started after the resume: " + three.seconds());
        assertEquals(30, samplesIn(r.network()));
        assertEquals(3, r.modelEpoch());
    }

    @Test
    void aResumeRestoresTheMomentumAndTellsTheListenerAboutTheEarlierEpochs() {
        float[] v = new float[5 * 10];
        v[0] = 20;
        TrainState from = new TrainState(2, 0, 0, 0, 0, trained(20), new float[][] {v}, records(2), 0, null);
        run(from, null, plain(3), Trainer.Checkpointing.NONE);
        assertEquals(List.of("upload train", "weights 20", "momentum 20", "resumed after 2", "train epoch 3: 10",
                "evaluate test at 30", "epoch 3 done"), backend.events);
    }

    @Test
    void aFreshRunHasNothingToRestoreOrReport() {
        run(fresh(), null, plain(1), Trainer.Checkpointing.NONE);
        assertEquals(List.of("upload train", "weights 0", "train epoch 1: 10", "evaluate test at 10", "epoch 1 done"),
                backend.events);
    }

    @Test
    void aRunResumedFromItsFinalCheckpointScoresTheTestSetAndTrainsNothing() {
        backend.heldOutAccuracy = k -> k / 10.0;
        Trainer.Result r = run(new TrainState(3, 0, 0, 0, 0, trained(30), null, records(3), 0, null), null, plain(3),
                every(1, () -> false));
        assertEquals(List.of("upload train", "weights 30", "resumed after 3", "evaluate test at 30"), backend.events);
        assertEquals(0.3, r.test().accuracy(), 1e-12, "the test figures of the checkpoint's weights");
        assertEquals(20, r.test().samples());
        assertEquals(3, r.modelEpoch());
        assertEquals(record(3), r.modelRecord());
        assertFalse(r.wasStopped());
        assertFalse(r.stoppedEarly());
        assertEquals(List.of(), saved);
    }

    @Test
    void aRunKeepingTheBestEpochResumedAtItsEndScoresTheBestWeights() {
        Selection best = new Selection(Selection.Metric.loss, 0, Selection.Save.best);
        Trainer.Result r = run(new TrainState(3, 0, 0, 0, 0, trained(30), null, records(3), 2, trained(20)), VALIDATION,
                validated(3, best), Trainer.Checkpointing.NONE);
        assertEquals(List.of("upload train", "weights 30", "resumed after 3", "weights 20", "evaluate test at 20"),
                backend.events);
        assertEquals(2, r.modelEpoch());
        assertEquals(20, samplesIn(r.network()));
    }

    /** Validation loss after epochs 1..6: best after epoch 2, then worse. */
    private static double lossAfter(int k) {
        return new double[] {9, 0.5, 0.4, 0.45, 0.46, 0.47, 0.48}[k];
    }

    @Test
    void patienceEndsTheRunAndTheBestEpochIsTheModel() {
        backend.heldOutLoss = TrainerLoopTest::lossAfter;
        Trainer.Result r = run(fresh(), VALIDATION, validated(6, new Selection(Selection.Metric.loss, 2, Selection.Save.best)),
                every(10, () -> false));
        assertEquals(List.of(1, 2, 3, 4), finished);
        assertTrue(backend.events.contains("stopped early after 4, best 2"), backend.events.toString());
        assertTrue(r.stoppedEarly());
        assertEquals(2, r.bestEpoch());
        assertEquals(2, r.modelEpoch());
        assertEquals(20, samplesIn(r.network()));
        assertEquals("evaluate test at 20", backend.events.get(backend.events.size() - 1), "the test set scores the model");
        assertEquals("4", savedEpochs(), "the early end is the last epoch: its checkpoint is written");
        assertEquals(2, saved.get(0).bestEpoch());
        assertEquals(20, samplesIn(saved.get(0).best()));
    }

    @Test
    void patienceWithTheLastEpochsWeightsKeepsThoseAndNoBestCopy() {
        backend.heldOutLoss = TrainerLoopTest::lossAfter;
        Trainer.Result r = run(fresh(), VALIDATION, validated(6, new Selection(Selection.Metric.loss, 2, Selection.Save.last)),
                every(1, () -> false));
        assertTrue(r.stoppedEarly());
        assertEquals(2, r.bestEpoch());
        assertEquals(4, r.modelEpoch());
        assertEquals(40, samplesIn(r.network()));
        assertEquals("evaluate test at 40", backend.events.get(backend.events.size() - 1));
        assertTrue(saved.stream().allMatch(s -> s.best() == null), "no best weights to carry");
        assertEquals(List.of(1, 2, 2, 2), saved.stream().map(TrainState::bestEpoch).toList());
    }

    @Test
    void patienceRunningOutAtTheLastEpochIsNotAnEarlyStop() {
        backend.heldOutLoss = TrainerLoopTest::lossAfter;
        Trainer.Result r = run(fresh(), VALIDATION, validated(4, new Selection(Selection.Metric.loss, 2, Selection.Save.best)),
                Trainer.Checkpointing.NONE);
        assertEquals(List.of(1, 2, 3, 4), finished);
        assertFalse(r.stoppedEarly());
        assertTrue(backend.events.stream().noneMatch(e -> e.startsWith("stopped early")), backend.events.toString());
        assertEquals(2, r.modelEpoch());
    }

    @Test
    void eachEpochGetsItsScheduledRateAndTheRunsSettings() {
        TrainSettings s = new TrainSettings(new int[0], 4, 3, 0.4, 0.5, new Schedule.Step(0.4, 2, 0.5), SEED, 0);
        List<String> started = new ArrayList<>();
        Trainer.Result r = new Trainer(backend).run(TrainState.start(trained(0)), TRAIN, null, TEST, s, new Trainer.Listener() {
            @Override
            public EpochProgress epochStarted(int epoch, int epochs, double lr, long samples) {
                started.add(epoch + "/" + epochs + " lr " + lr + " of " + samples);
                return EpochProgress.NONE;
            }

            @Override
            public void epochFinished(EpochRecord record) {}
        }, Trainer.Checkpointing.NONE);
        assertEquals(List.of("1/4 lr 0.4 of 10", "2/4 lr 0.4 of 10", "3/4 lr 0.2 of 10", "4/4 lr 0.2 of 10"), started);
        assertEquals(List.of(0.4, 0.4, 0.2, 0.2), r.epochs().stream().map(EpochRecord::learningRate).toList());
        for (int e = 1; e <= 4; e++) {
            StepSettings step = backend.steps.get(e - 1);
            assertEquals(new StepSettings(3, (float) s.schedule().rate(e - 1, 4), 0.5f, Regularisation.NONE, SEED, e), step);
            assertArrayEquals(Trainer.epochOrder(SEED, e, 10), backend.orders.get(e - 1), "epoch " + e + "'s order");
        }
    }

    @Test
    void theListenersProgressSinkHearsTheBackendWhicheverWayItAsks() {
        for (boolean withoutCount : new boolean[] {false, true}) {
            ScriptedBackend b = new ScriptedBackend(Map.of());
            b.asksDueWithoutCount = withoutCount;
            b.trainLoss = e -> 0.5;
            List<String> updates = new ArrayList<>();
            long[] asked = new long[1];
            new Trainer(b).run(TrainState.start(trained(0)), TRAIN, null, TEST, plain(1), new Trainer.Listener() {
                @Override
                public EpochProgress epochStarted(int epoch, int epochs, double lr, long samples) {
                    return new EpochProgress() {
                        @Override
                        public boolean due() {
                            return ++asked[0] % 2 == 0;
                        }

                        @Override
                        public boolean due(long samplesDone) {
                            return samplesDone % 4 == 0;
                        }

                        @Override
                        public void update(long samplesDone, double lossSum, long correct) {
                            updates.add(samplesDone + " " + lossSum + " " + correct);
                        }
                    };
                }

                @Override
                public void epochFinished(EpochRecord record) {}
            }, Trainer.Checkpointing.NONE);
            assertEquals(List.of("4 2.0 2", "8 4.0 4"), updates, withoutCount ? "due()" : "due(samples)");
        }
    }

    @Test
    void aLossOverAHundredTimesChanceEndsTheRunWithoutACheckpointOfThatEpoch() {
        double limit = Trainer.DIVERGENCE_FACTOR * Math.log(10); // 10 classes
        backend.trainLoss = e -> e == 2 ? limit : 1;
        run(fresh(), null, plain(2), Trainer.Checkpointing.NONE);

        ScriptedBackend b = new ScriptedBackend(Map.of());
        b.trainLoss = e -> e == 2 ? Math.nextUp(limit) : 1;
        List<Integer> at = new ArrayList<>();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(b).run(fresh(), TRAIN,
                null, TEST, plain(3), r -> { }, new Trainer.Checkpointing(1, s -> at.add(s.epochsDone()), () -> false)));
        assertTrue(e.getMessage().startsWith("training diverged in epoch 2: the mean loss became 230"), e.getMessage());
        assertEquals(List.of(1), at, "epoch 1's checkpoint is the last");
    }

    @Test
    void aStopInsideADivergingEpochWritesNoCheckpointOfIt() {
        backend.trainLoss = e -> e == 2 ? Double.POSITIVE_INFINITY : 1;
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> run(fresh(), null, plain(3),
                every(1, () -> finished.contains(1) && backend.orders.size() == 2)));
        assertTrue(e.getMessage().startsWith("training diverged in epoch 2: the mean loss became infinite"), e.getMessage());
        assertEquals("1", savedEpochs(), "epoch 1's checkpoint is the last");
    }

    @Test
    void aNetworkOfAnotherInputWidthIsRefusedBeforeAnythingIsUploaded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(backend).run(
                TrainState.start(Network.zeros(new int[] {5, 10})), TRAIN, null, TEST, plain(1), listener(),
                Trainer.Checkpointing.NONE));
        assertEquals("network input 5 != data features 4", e.getMessage());
        assertEquals(List.of(), backend.events);
    }

    @Test
    void choosingAnEpochWithoutAValidationSetIsRefused() {
        for (Selection sel : List.of(new Selection(Selection.Metric.accuracy, 0, Selection.Save.best),
                new Selection(Selection.Metric.loss, 3, Selection.Save.last))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> run(fresh(), null, validated(2, sel), Trainer.Checkpointing.NONE));
            assertTrue(e.getMessage().startsWith("choosing an epoch needs a validation set"), e.getMessage());
        }
        assertEquals(List.of(), backend.events);
        run(fresh(), VALIDATION, validated(1, Selection.LAST), Trainer.Checkpointing.NONE); // with one, LAST needs none
        assertEquals(1, finished.size());
    }
}
