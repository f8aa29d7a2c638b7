// Running loss and accuracy of one training epoch, summed over its samples as they were trained.
package gpumlp.backend;

/**
 * @param samples samples trained
 * @param lossSum sum of the per-sample cross-entropy, each measured just before its own update step
 * @param correct samples whose prediction was right at that moment
 */
public record EpochStats(long samples, double lossSum, long correct) {
    public double meanLoss() {
        return samples == 0 ? Double.NaN : lossSum / samples;
    }

    public double accuracy() {
        return samples == 0 ? Double.NaN : (double) correct / samples;
    }
}
