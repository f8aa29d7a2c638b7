// One epoch's training and test metrics, the input of the learning-curve plot (accuracies are fractions 0..1).
package gpumlp.train;

/**
 * Metrics after one epoch. Accuracies are fractions in 0..1; a NaN value means "not evaluated"
 * (for example the test set is scored only every few epochs) and is left out of the plot.
 */
public record EpochPoint(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy) {
}
