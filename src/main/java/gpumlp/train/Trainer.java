// Drives any Backend through the epochs: shuffling, learning-rate schedule, evaluation, divergence check.
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
import java.util.List;

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
    }

    /** The trained weights, every epoch's record, and the final evaluation on the test set. */
    public record Result(Network network, List<EpochRecord> epochs, Evaluation test) {}

    private final Backend backend;

    public Trainer(Backend backend) {
        this.backend = backend;
    }

    /** Trains {@code initial} (not modified) on {@code train}, evaluating on {@code test} after every epoch. */
    public Result run(Network initial, Dataset train, Dataset test, TrainSettings s, Listener listener) {
        if (train.features() != initial.inputSize()) {
            throw new IllegalArgumentException("network input " + initial.inputSize() + " != data features " + train.features());
        }
        backend.uploadTrainingSet(train);
        backend.uploadWeights(initial);
        List<EpochRecord> records = new ArrayList<>();
        Evaluation eval = null;
        double chance = Math.log(initial.outputSize()); // the loss of guessing at random
        for (int e = 0; e < s.epochs(); e++) {
            double lr = s.schedule().rate(e, s.epochs());
            int[] order = epochOrder(s.seed(), e + 1, train.count());
            EpochProgress progress = listener.epochStarted(e + 1, s.epochs(), lr, order.length);
            long t0 = System.nanoTime();
            EpochStats stats = backend.trainEpoch(order, new StepSettings(s.batchSize(), (float) lr, (float) s.momentum()), progress);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (diverged(stats.meanLoss(), chance)) {
                throw new TrainingDivergedException(e + 1, lr, stats.meanLoss(), chance);
            }
            eval = backend.evaluate(test);
            EpochRecord record = new EpochRecord(e + 1, lr, stats.meanLoss(), stats.accuracy(),
                    eval.meanLoss(), eval.accuracy(), seconds, stats.samples());
            records.add(record);
            listener.epochFinished(record);
        }
        return new Result(backend.readWeights(), records, eval);
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
