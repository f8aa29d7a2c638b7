// Everything that defines a training run, validated once; recorded in the model file and the metrics.
package gpumlp.train;

import gpumlp.backend.Deformation;
import gpumlp.backend.Regularisation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * @param hidden hidden-layer sizes, e.g. {800} or {512, 256}
 * @param epochs passes over the training set
 * @param batchSize samples per SGD step (1 = per-sample SGD)
 * @param learningRate base learning rate eta
 * @param momentum mu in [0, 1), 0 = plain SGD
 * @param schedule learning rate per epoch
 * @param seed seeds the initial weights and every epoch's shuffle
 * @param limit use the first {@code limit} training samples only (0 = all); the validation split comes out of them
 * @param validation how many of those images are held out to score each epoch (their last ones)
 * @param selection which epoch's model is kept, and when to stop early
 * @param regularisation dropout, weight decay and max-norm
 * @param deformation per-sample deformations of the training images, drawn anew each epoch
 */
public record TrainSettings(int[] hidden, int epochs, int batchSize, double learningRate, double momentum,
                            Schedule schedule, long seed, int limit, ValidationSplit validation, Selection selection,
                            Regularisation regularisation, Deformation deformation) {
    public TrainSettings {
        hidden = hidden.clone();
        if (validation.none() && (selection.keepsBest() || selection.patience() > 0)) {
            throw new IllegalArgumentException("choosing an epoch needs a validation split: the test set may not choose");
        }
        java.util.Objects.requireNonNull(deformation, "deformation");
    }

    /** Without deformations. */
    public TrainSettings(int[] hidden, int epochs, int batchSize, double learningRate, double momentum,
                         Schedule schedule, long seed, int limit, ValidationSplit validation, Selection selection,
                         Regularisation regularisation) {
        this(hidden, epochs, batchSize, learningRate, momentum, schedule, seed, limit, validation, selection,
                regularisation, Deformation.NONE);
    }

    /** Settings without dropout, weight decay or max-norm, without deformations. */
    public TrainSettings(int[] hidden, int epochs, int batchSize, double learningRate, double momentum, Schedule schedule,
                         long seed, int limit, ValidationSplit validation, Selection selection) {
        this(hidden, epochs, batchSize, learningRate, momentum, schedule, seed, limit, validation, selection,
                Regularisation.NONE);
    }

    /** Without a validation split (as below), with deformations. */
    public TrainSettings(int[] hidden, int epochs, int batchSize, double learningRate, double momentum, Schedule schedule,
                         long seed, int limit, Deformation deformation) {
        this(hidden, epochs, batchSize, learningRate, momentum, schedule, seed, limit, ValidationSplit.NONE, Selection.LAST,
                Regularisation.NONE, deformation);
    }

    /** Settings without a validation split: every epoch scored on the test set, the last epoch's model kept. */
    public TrainSettings(int[] hidden, int epochs, int batchSize, double learningRate, double momentum, Schedule schedule,
                         long seed, int limit) {
        this(hidden, epochs, batchSize, learningRate, momentum, schedule, seed, limit, ValidationSplit.NONE, Selection.LAST);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** d(0)..d(L) for the given input and output sizes. */
    public int[] layerSizes(int inputs, int outputs) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = inputs;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = outputs;
        return sizes;
    }

    /** The settings as a JSON-ready map (for the model file's metadata). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hidden", java.util.Arrays.stream(hidden).boxed().toList());
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("learning_rate", learningRate);
        m.put("momentum", momentum);
        m.put("schedule", schedule.describe());
        m.put("seed", seed);
        m.put("limit", limit);
        m.put("validation", validation.text());
        m.put("select", selection.metric().name());
        m.put("patience", selection.patienceSetting());
        m.put("save", selection.save().name());
        m.put("dropout", regularisation.dropout());
        m.put("input_dropout", regularisation.inputDropout());
        m.put("weight_decay", regularisation.weightDecay());
        m.put("max_norm", regularisation.maxNorm() > 0 ? regularisation.maxNorm() : null);
        if (deformation.enabled()) { // absent when off, so runs and checkpoints from before deformations still match
            m.put("deformation", deformation.toMap());
        }
        return m;
    }
}
