// What a training run shows in TensorBoard: per-epoch figures, the running training loss every few hundred steps, the settings.
package gpumlp.tensorboard;

import gpumlp.backend.EpochProgress;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tags, grouped by what they measure:
 * <ul>
 *   <li>per epoch (step = epoch number, from 1): {@code train/loss}, {@code train/accuracy},
 *       {@code train/learning_rate}, and {@code val/loss}, {@code val/accuracy} from the validation
 *       split, or {@code test/loss}, {@code test/accuracy} with --validation 0 (the test set scores the epochs);</li>
 *   <li>every {@value #RUNNING_LOSS_EVERY_STEPS} SGD steps (step = SGD steps since the start):
 *       {@code steps/train_loss}, the mean loss of the samples trained since the previous point or
 *       the epoch's start;</li>
 *   <li>once: {@code settings}, a Markdown table in the Text tab.</li>
 * </ul>
 * A write that fails is reported once through {@code warn}; training goes on without the log.
 */
public final class TrainingBoard implements AutoCloseable {
    public static final int RUNNING_LOSS_EVERY_STEPS = 200;

    private final EventFile file;
    private final Consumer<String> warn;
    private boolean failed;

    private TrainingBoard(EventFile file, Consumer<String> warn) {
        this.file = file;
        this.warn = warn;
    }

    /** A new event file in {@code dir} holding {@code settings} (name -> value) as text; a failure is a UserError. */
    public static TrainingBoard open(Path dir, Map<String, ?> settings, Consumer<String> warn) {
        TrainingBoard b = new TrainingBoard(EventFile.create(dir), warn);
        StringBuilder md = new StringBuilder("| setting | value |\n|---|---|\n");
        settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        b.write(() -> b.file.text("settings", 0, md.toString()));
        return b;
    }

    public Path file() {
        return file.path();
    }

    /** The figures of a finished epoch. */
    public void epoch(EpochRecord r) {
        write(() -> {
            file.scalar("train/loss", r.epoch(), r.trainLoss(), "mean cross-entropy over the epoch, each sample measured "
                    + "just before its own update");
            file.scalar("train/accuracy", r.epoch(), r.trainAccuracy(), "fraction right over the epoch, each sample "
                    + "measured just before its own update");
            file.scalar("train/learning_rate", r.epoch(), r.learningRate(), "the learning rate of the epoch");
            String set = r.heldOut() == HeldOut.validation ? "the validation split" : "the test set (--validation 0)";
            file.scalar(prefix(r.heldOut()) + "/loss", r.epoch(), r.heldOutLoss(), "mean cross-entropy on " + set
                    + " after the epoch");
            file.scalar(prefix(r.heldOut()) + "/accuracy", r.epoch(), r.heldOutAccuracy(), "fraction of " + set
                    + " right after the epoch");
        });
    }

    /** The tag group of the images that scored the epoch: val, or test with --validation 0. */
    static String prefix(HeldOut heldOut) {
        return heldOut == HeldOut.validation ? "val" : "test";
    }

    /**
     * The progress sink of epoch {@code epoch} (from 1) of {@code samples} samples in batches of
     * {@code batchSize}: it asks for the running totals when the run's step count reaches a multiple
     * of {@value #RUNNING_LOSS_EVERY_STEPS} (on the GPU, at the end of the replayed graph that passes it).
     */
    public EpochProgress progress(int epoch, int batchSize, long samples) {
        long first = (epoch - 1) * ((samples + batchSize - 1) / batchSize); // steps before this epoch
        return new EpochProgress() {
            private long next = (first / RUNNING_LOSS_EVERY_STEPS + 1) * RUNNING_LOSS_EVERY_STEPS;
            private long lastSamples;
            private double lastLoss;

            private long step(long samplesDone) {
                return first + (samplesDone + batchSize - 1) / batchSize;
            }

            @Override
            public boolean due() {
                return false;
            }

            @Override
            public boolean due(long samplesDone) {
                return step(samplesDone) >= next;
            }

            @Override
            public void update(long samplesDone, double lossSum, long correct) {
                long step = step(samplesDone);
                double mean = (lossSum - lastLoss) / Math.max(1, samplesDone - lastSamples);
                write(() -> file.scalar("steps/train_loss", step, mean, "mean training loss since the previous point (or "
                        + "the epoch's start), every " + RUNNING_LOSS_EVERY_STEPS + " SGD steps; the x axis counts SGD steps"));
                lastSamples = samplesDone;
                lastLoss = lossSum;
                next = (step / RUNNING_LOSS_EVERY_STEPS + 1) * RUNNING_LOSS_EVERY_STEPS;
            }
        };
    }

    /** One or more writes of the event file. */
    private interface Writes {
        void run() throws IOException;
    }

    private void write(Writes w) {
        if (failed) {
            return;
        }
        try {
            w.run();
        } catch (IOException e) {
            failed = true;
            warn.accept("cannot write TensorBoard events to " + file.path() + ": " + gpumlp.util.IoErrors.describe(e)
                    + "; training goes on without them");
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            if (!failed) {
                warn.accept("cannot finish TensorBoard events in " + file.path() + ": " + gpumlp.util.IoErrors.describe(e));
            }
        }
    }
}
