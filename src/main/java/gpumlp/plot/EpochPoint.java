// One epoch's training and held-out (validation or test) metrics, the input of the learning-curve plot (accuracies 0..1).
package gpumlp.plot;

import gpumlp.train.EpochRecord;

/**
 * Metrics after one epoch. Accuracies are fractions in 0..1; a NaN value means "not evaluated" and
 * is left out of the plot.
 */
public record EpochPoint(int epoch, double trainLoss, double trainAccuracy, double heldOutLoss, double heldOutAccuracy) {
    /** The plotted figures of one epoch's record. */
    public static EpochPoint of(EpochRecord r) {
        return new EpochPoint(r.epoch(), r.trainLoss(), r.trainAccuracy(), r.heldOutLoss(), r.heldOutAccuracy());
    }
}
