// What one epoch measured: the learning rate, running train loss/accuracy, held-out (validation or test) loss/accuracy, timing.
package gpumlp.train;

/**
 * @param trainLoss mean cross-entropy over the epoch, each sample measured just before its update
 * @param trainAccuracy fraction of those samples predicted right at that moment
 * @param heldOut which images scored the epoch: the validation split, or the test set with --validation 0
 * @param heldOutLoss mean cross-entropy on those images after the epoch
 * @param heldOutAccuracy fraction of those images predicted right after the epoch
 * @param seconds wall time of the training pass (evaluation excluded)
 */
public record EpochRecord(int epoch, double learningRate, double trainLoss, double trainAccuracy, HeldOut heldOut,
                          double heldOutLoss, double heldOutAccuracy, double seconds, long samples) {
    public double samplesPerSecond() {
        return samples / seconds;
    }
}
