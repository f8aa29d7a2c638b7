// The hyperparameters of one epoch's SGD steps, as the trainer hands them to a backend.
package gpumlp.backend;

/**
 * @param batchSize samples per step (1 = per-sample SGD with one outer-product update per sample)
 * @param learningRate eta for this epoch (the trainer applies the schedule)
 * @param momentum mu in [0, 1); 0 is plain SGD
 * @param regularisation dropout, weight decay and max-norm
 * @param seed the run's seed: the key of the dropout masks and of the deformations ({@link gpumlp.util.Philox})
 * @param epoch this epoch's number, from 1: a word of their counters
 * @param deformation per-sample deformations of the training images ({@link Deformation#NONE}: none)
 */
public record StepSettings(int batchSize, float learningRate, float momentum, Regularisation regularisation, long seed,
                           int epoch, Deformation deformation) {
    public StepSettings {
        java.util.Objects.requireNonNull(deformation, "deformation");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite: " + learningRate);
        }
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
        }
        if (regularisation == null) {
            throw new IllegalArgumentException("regularisation must not be null (use Regularisation.NONE)");
        }
    }

    /** Without deformations. */
    public StepSettings(int batchSize, float learningRate, float momentum, Regularisation regularisation, long seed,
                        int epoch) {
        this(batchSize, learningRate, momentum, regularisation, seed, epoch, Deformation.NONE);
    }

    /** Plain steps: no dropout, weight decay or max-norm, no deformations. */
    public StepSettings(int batchSize, float learningRate, float momentum) {
        this(batchSize, learningRate, momentum, Regularisation.NONE, 0, 1);
    }

    /** Hidden-layer dropout probability in float32 (0: off). */
    public float dropout() {
        return (float) regularisation.dropout();
    }

    /** Input dropout probability in float32 (0: off). */
    public float inputDropout() {
        return (float) regularisation.inputDropout();
    }

    /** Weight decay lambda in float32 (0: off). */
    public float weightDecay() {
        return (float) regularisation.weightDecay();
    }

    /** Max-norm C in float32 (0: off). */
    public float maxNorm() {
        return (float) regularisation.maxNorm();
    }

    /**
     * weight_decay's factor without momentum, -(eta lambda): w += factor w shrinks each non-bias weight
     * before the gradient step, which together make w -= eta (gradient + lambda w).
     */
    public float decayShrink() {
        return -(learningRate * weightDecay());
    }

    /**
     * weight_decay's factor with momentum for a batch of {@code rows}, lambda rows: the summed gradient
     * G + lambda rows w, scaled by 1 / rows in momentum_update, is the mean gradient plus lambda w.
     */
    public float decayPerSum(int rows) {
        return weightDecay() * rows;
    }
}
