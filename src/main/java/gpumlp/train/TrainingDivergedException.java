// Raised when the training loss stops being a finite number; tells the user what to change.
package gpumlp.train;

import gpumlp.UserError;
import java.util.Locale;

public final class TrainingDivergedException extends UserError {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(int epoch, double learningRate, double lossSum) {
        super(String.format(Locale.ROOT,
                "training diverged in epoch %d: the loss became %s at learning rate %s; lower --lr (or --momentum) and try again",
                epoch, Double.isNaN(lossSum) ? "NaN" : "infinite", learningRate));
    }
}
