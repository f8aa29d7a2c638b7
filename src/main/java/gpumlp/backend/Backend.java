// The seam the trainer drives: a CPU or GPU implementation of data upload, epochs, evaluation and weight read-back.
package gpumlp.backend;

import gpumlp.data.Dataset;
import gpumlp.model.Network;

/**
 * What the trainer needs from a compute device. Shuffling, schedules, metrics and saving live in
 * the trainer, once; a backend only computes. Implementations keep the weights (and momentum
 * state) on their device between calls.
 */
public interface Backend extends AutoCloseable {
    /** One line for logs, e.g. "cpu (2 threads)". */
    String description();

    /** Makes the training set available to {@link #trainEpoch}; called once before training. */
    void uploadTrainingSet(Dataset train);

    /** Copies host weights to the device and resets the momentum state to zero. */
    void uploadWeights(Network network);

    /** A host copy of the current weights. */
    Network readWeights();

    /**
     * A host copy of the momentum state, v[l-1] shaped like W(l) (row-major), or null when no epoch
     * with momentum has run since the weights were uploaded.
     */
    float[][] readMomentum();

    /** Replaces the momentum state (after {@link #uploadWeights}, which resets it): v[l-1] shaped like W(l). */
    void uploadMomentum(float[][] v);

    /**
     * One pass of SGD over the training set in the given order: consecutive runs of
     * {@code settings.batchSize()} indices form the mini-batches (the last one may be smaller).
     * When {@code progress.stopRequested()} turns true it returns early, after a whole step: the
     * returned sample count is then smaller than {@code order.length}.
     */
    EpochStats trainEpoch(int[] order, StepSettings settings, EpochProgress progress);

    /** Loss and predictions of the current weights on a data set (no training). */
    Evaluation evaluate(Dataset data);

    /**
     * Output probabilities of the current weights for {@code count} images.
     * images: count x d(0) uint8, row-major; returns count x d(L), row-major.
     */
    float[] probabilities(byte[] images, int count);

    /**
     * Per-operation timings of the epochs since the last call, one line each, when the backend was
     * opened for profiling; empty otherwise.
     */
    default java.util.List<String> profileReport() {
        return java.util.List.of();
    }

    @Override
    void close();
}
