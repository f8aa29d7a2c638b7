// Drives any Backend through the epochs: shuffling, schedule, validation, early stopping, the best model, divergence check.
package gpumlp.train;

import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Evaluation;
import gpumlp.backend.StepSettings;
import gpumlp.data.Dataset;
import gpumlp.model.Network;
import gpumlp.util.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The backend-agnostic training loop. Epoch e (1-based) visits the samples in the order
 * {@link #epochOrder}, which depends only on the seed and e, so a run can be repeated (and later
 * resumed) bit for bit on the CPU.
 */
public final class Trainer {
    /** Receives what happens during training; the CLI prints it, tests may record it. */
    public interface Listener {
        /** Called before epoch e; returns the progress sink for that epoch. */
        default EpochProgress epochStarted(int epoch, int epochs, double learningRate, long samples) {
            return EpochProgress.NONE;
        }

        void epochFinished(EpochRecord record);

        /** Called once when a run resumes, with the records of the epochs finished before the checkpoint. */
        default void resumed(List<EpochRecord> earlier) {}

        /** Called when the patience runs out after {@code epoch}: no better validation epoch since {@code bestEpoch}. */
        default void stoppedEarly(int epoch, int bestEpoch) {}
    }

    /**
     * The model the run ends with (epoch {@code modelEpoch}'s weights), every epoch's record, the best
     * validation epoch (0 without a validation set), whether the patience ran out, and the one
     * evaluation of that model on the test set; or, when training was stopped on request,
     * {@code stopped} with the state it stopped in (test is then null).
     */
    public record Result(Network network, List<EpochRecord> epochs, Evaluation test, TrainState stopped, int modelEpoch,
                         int bestEpoch, boolean stoppedEarly) {
        public boolean wasStopped() {
            return stopped != null;
        }

        /** The record of the epoch whose weights are the model. */
        public EpochRecord modelRecord() {
            return epochs.get(modelEpoch - 1);
        }
    }

    /**
     * How a run saves its state: every {@code everyEpochs} epochs (and at the last) to {@code sink},
     * and on a stop request ({@code stop} turns true), after the current step. NONE saves nothing and
     * never stops.
     */
    public record Checkpointing(int everyEpochs, Consumer<TrainState> sink, BooleanSupplier stop) {
        public static final Checkpointing NONE = new Checkpointing(Integer.MAX_VALUE, s -> { }, () -> false);
    }

    private final Backend backend;

    public Trainer(Backend backend) {
        this.backend = backend;
    }

    /** Trains {@code initial} (not modified) on {@code train} without a validation split: each epoch is scored on {@code test}. */
    public Result run(Network initial, Dataset train, Dataset test, TrainSettings s, Listener listener) {
        return run(TrainState.start(initial), train, null, test, s, listener, Checkpointing.NONE);
    }

    /** {@link #run(TrainState, Dataset, Dataset, Dataset, TrainSettings, Listener, Checkpointing)} without a validation split. */
    public Result run(TrainState from, Dataset train, Dataset test, TrainSettings s, Listener listener,
                      Checkpointing checkpointing) {
        return run(from, train, null, test, s, listener, checkpointing);
    }

    /**
     * Trains from {@code from} (a fresh start or a checkpoint) to {@code s.epochs()} epochs, or until
     * the patience runs out. Epoch e visits the samples in {@link #epochOrder}(seed, e); a run that
     * resumes in the middle of an epoch trains the rest of that order, so its batches are the ones it
     * would have had. Each epoch is scored on {@code validation}; the test set is evaluated once, on
     * the model the run ends with, after the last epoch. Without a validation set (null) each epoch is
     * scored on the test set instead, and the last epoch's weights are the model.
     */
    public Result run(TrainState from, Dataset train, Dataset validation, Dataset test, TrainSettings s, Listener listener,
                      Checkpointing checkpointing) {
        Network initial = from.weights();
        if (train.features() != initial.inputSize()) {
            throw new IllegalArgumentException("network input " + initial.inputSize() + " != data features " + train.features());
        }
        Selection sel = s.selection();
        if (validation == null && (sel.keepsBest() || sel.patience() > 0)) {
            throw new IllegalArgumentException("choosing an epoch needs a validation set: " + sel);
        }
        backend.uploadTrainingSet(train);
        backend.uploadWeights(initial);
        if (from.momentum() != null) {
            backend.uploadMomentum(from.momentum());
        }
        List<EpochRecord> records = new ArrayList<>(from.records());
        if (!records.isEmpty()) {
            listener.resumed(List.copyOf(records));
        }
        HeldOut heldOut = validation == null ? HeldOut.test : HeldOut.validation;
        Dataset scoring = validation == null ? test : validation;
        int bestEpoch = from.bestEpoch();
        Network best = from.best();
        Evaluation eval = null;
        double chance = Math.log(initial.outputSize()); // the loss of guessing at random
        int n = train.count();
        for (int e = from.epochsDone(); e < s.epochs() && !sel.exhausted(e, bestEpoch); e++) {
            // this run's first epoch goes on from the state's position (0 at an epoch boundary, whose running totals are 0)
            boolean first = e == from.epochsDone();
            int skip = first ? from.samplesIntoEpoch() : 0;
            double lr = s.schedule().rate(e, s.epochs());
            int[] rest = Arrays.copyOfRange(epochOrder(s.seed(), e + 1, n), skip, n);
            EpochProgress progress = stoppable(listener.epochStarted(e + 1, s.epochs(), lr, n), checkpointing.stop());
            long t0 = System.nanoTime();
            StepSettings step = new StepSettings(s.batchSize(), (float) lr, (float) s.momentum(), s.regularisation(),
                    s.seed(), e + 1, s.deformation());
            EpochStats part = backend.trainEpoch(rest, step, progress);
            double seconds = (System.nanoTime() - t0) / 1e9 + (first ? from.partialSeconds() : 0);
            EpochStats stats = first ? new EpochStats(skip + part.samples(), from.partialLossSum() + part.lossSum(),
                    from.partialCorrect() + part.correct()) : part;
            if (part.samples() < rest.length) { // stopped between two steps
                if (stats.samples() > 0 && diverged(stats.meanLoss(), chance)) { // no checkpoint of blown-up weights
                    throw new TrainingDivergedException(e + 1, lr, stats.meanLoss(), chance);
                }
                TrainState here = new TrainState(e, (int) stats.samples(), stats.lossSum(), stats.correct(), seconds,
                        backend.readWeights(), backend.readMomentum(), records, bestEpoch, best);
                checkpointing.sink().accept(here);
                return new Result(here.weights(), records, null, here, 0, bestEpoch, false);
            }
            if (diverged(stats.meanLoss(), chance)) {
                throw new TrainingDivergedException(e + 1, lr, stats.meanLoss(), chance);
            }
            eval = backend.evaluate(scoring);
            EpochRecord record = new EpochRecord(e + 1, lr, stats.meanLoss(), stats.accuracy(), heldOut,
                    eval.meanLoss(), eval.accuracy(), seconds, stats.samples());
            records.add(record);
            if (validation != null && (bestEpoch == 0 || sel.better(record, records.get(bestEpoch - 1)))) {
                bestEpoch = e + 1;
                best = sel.keepsBest() ? backend.readWeights() : null;
            }
            listener.epochFinished(record);
            boolean early = e + 1 < s.epochs() && sel.exhausted(e + 1, bestEpoch);
            if (early) {
                listener.stoppedEarly(e + 1, bestEpoch);
            }
            boolean last = e + 1 == s.epochs() || early;
            boolean stop = checkpointing.stop().getAsBoolean() && !last;
            if ((e + 1) % checkpointing.everyEpochs() == 0 || last || stop) {
                TrainState done = new TrainState(e + 1, 0, 0, 0, 0, backend.readWeights(), backend.readMomentum(), records,
                        bestEpoch, best);
                checkpointing.sink().accept(done);
                if (stop) {
                    return new Result(done.weights(), records, null, done, 0, bestEpoch, false);
                }
            }
        }
        Network model = sel.keepsBest() ? best : backend.readWeights();
        if (sel.keepsBest()) {
            backend.uploadWeights(best);
        }
        // the one look at the test set (without a validation set, the last epoch's score is that look)
        Evaluation testEval = validation == null && eval != null ? eval : backend.evaluate(test);
        return new Result(model, records, testEval, null, sel.keepsBest() ? bestEpoch : records.size(), bestEpoch,
                records.size() < s.epochs() && sel.exhausted(records.size(), bestEpoch));
    }

    /** The listener's progress sink, asking {@code stop} whether to stop. */
    private static EpochProgress stoppable(EpochProgress p, BooleanSupplier stop) {
        return new EpochProgress() {
            @Override
            public boolean due() {
                return p.due();
            }

            @Override
            public boolean due(long samplesDone) {
                return p.due(samplesDone);
            }

            @Override
            public void update(long samplesDone, double lossSum, long correct) {
                p.update(samplesDone, lossSum, correct);
            }

            @Override
            public boolean stopRequested() {
                return stop.getAsBoolean();
            }
        };
    }

    /**
     * True when the mean loss is NaN, infinite, or over {@link #DIVERGENCE_FACTOR} times the loss of
     * guessing at random (ln classes): then the weights have blown up and more epochs cannot help.
     */
    public static boolean diverged(double meanLoss, double chanceLoss) {
        return !Double.isFinite(meanLoss) || meanLoss > DIVERGENCE_FACTOR * chanceLoss;
    }

    /** 100 x ln 10 = 230 nats: the true class is given a probability below e^-230. */
    public static final double DIVERGENCE_FACTOR = 100;

    /** The sample order of epoch e (1-based): a permutation of 0..n-1 from the seed's stream e. */
    public static int[] epochOrder(long seed, int epoch, int n) {
        return Rng.stream(seed, epoch).permutation(n);
    }
}
