// train's options for choosing the model without the test set: --validation, --patience, --select, --save.
package gpumlp.cli;

import gpumlp.train.Selection;
import gpumlp.train.ValidationSplit;
import picocli.CommandLine;
import picocli.CommandLine.Option;

final class ValidationOptions {
    @Option(names = "--validation", paramLabel = "N", defaultValue = ValidationSplit.DEFAULT,
            converter = Converters.Validation.class,
            description = "Hold out the last N training images (after --limit) to score every epoch and choose the model: "
                    + "a count (10000), a fraction (0.1, 1/6), or 0 for none (then every epoch is scored on the test set). "
                    + "Default: ${DEFAULT-VALUE} (on MNIST the last 10,000 of 60,000).")
    ValidationSplit validation;

    @Option(names = "--patience", paramLabel = "K", defaultValue = "off", converter = Converters.Patience.class,
            description = "Stop when the validation --select metric has not improved for K epochs (K >= 1), or off. "
                    + "Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--select", paramLabel = "METRIC", defaultValue = "accuracy",
            description = "What makes a validation epoch the best: ${COMPLETION-CANDIDATES} (the other metric breaks a tie). "
                    + "Default: ${DEFAULT-VALUE}.")
    Selection.Metric select;

    @Option(names = "--save", paramLabel = "WHICH",
            description = "The model written: ${COMPLETION-CANDIDATES}: the best validation epoch's weights, or the last "
                    + "epoch's. Default: best; last with --validation 0.")
    Selection.Save save;

    /** The selection these options ask for; usage errors where they would choose on the test set. */
    Selection selection(CommandLine cmd) {
        if (validation.none()) {
            Checks.require(cmd, patience == 0, "--patience needs a validation split: with --validation 0 the epochs are "
                    + "scored on the test set, which may not choose when to stop");
            Checks.require(cmd, save != Selection.Save.best, "--save best needs a validation split: with --validation 0 "
                    + "the epochs are scored on the test set, which may not choose the model");
            return new Selection(select, 0, Selection.Save.last);
        }
        return new Selection(select, patience, save == null ? Selection.Save.best : save);
    }
}
