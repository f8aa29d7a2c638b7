// Raised when the training loss blows up (NaN, infinite, or far above chance); tells the user what to change.
package gpumlp.train;

import gpumlp.UserError;
import java.util.Locale;

public final class TrainingDivergedException extends UserError {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(int epoch, double learningRate, double meanLoss, double chanceLoss) {
        super(String.format(Locale.ROOT,
                "training diverged in epoch %d: the mean loss became %s (guessing at random gives %.2f) at learning rate %s; "
                        + "lower --lr (or --momentum) and try again",
                epoch, Double.isNaN(meanLoss) ? "NaN" : Double.isInfinite(meanLoss) ? "infinite"
                        : String.format(Locale.ROOT, "%.3g", meanLoss), chanceLoss, learningRate));
    }
}
