// Where a training run stands: epochs done, position inside the next epoch, weights, momentum, history.
package gpumlp.train;

import gpumlp.model.Network;
import java.util.List;

/**
 * Everything needed to continue a run bit for bit: the sample order of every epoch follows from the
 * seed and the epoch number ({@link Trainer#epochOrder}), and the learning rate from the schedule
 * and the epoch number, so no random-generator state beyond the seed needs saving.
 *
 * @param epochsDone complete epochs
 * @param samplesIntoEpoch samples of epoch epochsDone + 1 already trained (a stop between steps), a
 *     multiple of the batch size; 0 at an epoch boundary
 * @param partialLossSum, partialCorrect, partialSeconds the running totals of those samples
 * @param weights the weights now
 * @param momentum the momentum state, v[l-1] shaped like W(l); null when none has been used
 * @param records the finished epochs' records
 * @param bestEpoch the best validation epoch so far (the early-stopping state: patience counts from it); 0 = none
 * @param best that epoch's weights when the run keeps the best epoch's model; else null
 */
public record TrainState(int epochsDone, int samplesIntoEpoch, double partialLossSum, long partialCorrect,
                         double partialSeconds, Network weights, float[][] momentum, List<EpochRecord> records,
                         int bestEpoch, Network best) {
    public TrainState {
        records = List.copyOf(records);
        if (bestEpoch < 0 || bestEpoch > records.size() || (best != null && bestEpoch == 0)) {
            throw new IllegalArgumentException("best epoch " + bestEpoch + " of " + records.size() + " records");
        }
    }

    /** The state before the first epoch. */
    public static TrainState start(Network initial) {
        return new TrainState(0, 0, 0, 0, 0, initial, null, List.of(), 0, null);
    }

    /** Where it stands, in words: "epoch 3 done" or "epoch 4, sample 12,800". */
    public String position() {
        return samplesIntoEpoch == 0 ? "after epoch " + epochsDone
                : String.format(java.util.Locale.ROOT, "in epoch %d after %,d samples", epochsDone + 1, samplesIntoEpoch);
    }
}
