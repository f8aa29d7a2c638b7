// Which epoch's model a run keeps and when it stops early: the validation metric, the patience and best or last.
package gpumlp.train;

/**
 * Epoch a is better than epoch b when its validation {@code metric} is better, the other metric
 * breaking a tie (accuracy: higher, then lower loss; loss: lower, then higher accuracy). The run stops
 * early when {@code patience} epochs (0 = never) have passed without a better one.
 *
 * @param metric what "better" means
 * @param patience epochs without improvement before stopping; 0 = off
 * @param save which epoch's weights the run ends with
 */
public record Selection(Metric metric, int patience, Save save) {
    /** The validation metric that chooses. */
    public enum Metric { accuracy, loss }

    /** The model written: the best validation epoch's, or the last epoch's. */
    public enum Save { best, last }

    /** Today's plain run: no early stopping, the last epoch's weights. */
    public static final Selection LAST = new Selection(Metric.accuracy, 0, Save.last);

    public Selection {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be 0 (off) or positive: " + patience);
        }
    }

    /** True when epoch a's held-out figures are better than epoch b's. */
    public boolean better(EpochRecord a, EpochRecord b) {
        int acc = Double.compare(a.heldOutAccuracy(), b.heldOutAccuracy());
        int loss = Double.compare(b.heldOutLoss(), a.heldOutLoss()); // positive: a's loss is lower
        return metric == Metric.accuracy ? acc > 0 || (acc == 0 && loss > 0) : loss > 0 || (loss == 0 && acc > 0);
    }

    /** True when, after {@code epochsDone} epochs with the best at {@code bestEpoch}, the patience has run out. */
    public boolean exhausted(int epochsDone, int bestEpoch) {
        return patience > 0 && bestEpoch > 0 && epochsDone - bestEpoch >= patience;
    }

    public boolean keepsBest() {
        return save == Save.best;
    }

    /** "off" or the number, as the settings record it. */
    public Object patienceSetting() {
        return patience == 0 ? "off" : patience;
    }
}
