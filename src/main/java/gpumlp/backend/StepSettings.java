// The hyperparameters of one epoch's SGD steps, as the trainer hands them to a backend.
package gpumlp.backend;

/**
 * @param batchSize samples per step (1 = per-sample SGD with one outer-product update per sample)
 * @param learningRate eta for this epoch (the trainer applies the schedule)
 * @param momentum mu in [0, 1); 0 is plain SGD
 * @param deformation per-sample deformations of the training images ({@link Deformation#NONE}: none)
 * @param seed the run's seed, the key of the deformations' random numbers
 * @param epoch this epoch's number (1-based), part of their counter
 */
public record StepSettings(int batchSize, float learningRate, float momentum, Deformation deformation, long seed,
                           int epoch) {
    /** Without deformations. */
    public StepSettings(int batchSize, float learningRate, float momentum) {
        this(batchSize, learningRate, momentum, Deformation.NONE, 0L, 1);
    }

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
    }
}
