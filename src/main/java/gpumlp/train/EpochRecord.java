// What one epoch measured: the learning rate, running train loss/accuracy, test loss/accuracy, timing.
package gpumlp.train;

/**
 * @param trainLoss mean cross-entropy over the epoch, each sample measured just before its update
 * @param trainAccuracy fraction of those samples predicted right at that moment
 * @param testLoss mean cross-entropy on the test set after the epoch
 * @param testAccuracy fraction of the test set predicted right after the epoch
 * @param seconds wall time of the training pass (evaluation excluded)
 */
public record EpochRecord(int epoch, double learningRate, double trainLoss, double trainAccuracy,
                          double testLoss, double testAccuracy, double seconds, long samples) {
    public double samplesPerSecond() {
        return samples / seconds;
    }

    public EpochPoint point() {
        return new EpochPoint(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy);
    }
}
