// `gpu-mlp eval`: loss, accuracy, per-class accuracy and confusion matrix of a model on a data set.
package gpumlp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import gpumlp.UserError;
import gpumlp.backend.Evaluation;
import gpumlp.backend.Backend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.LoadedModel;
import gpumlp.model.ModelFile;
import gpumlp.train.ValidationSplit;
import gpumlp.util.OneLine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Evaluates a trained model on the test set (or its validation images, or the training set): loss, "
                + "accuracy, per-class accuracy, confusion matrix.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    DataOptions data;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "Which part of the data set: ${COMPLETION-CANDIDATES} (validation: the images the model was "
                    + "validated on, from its --validation and --limit; train: the whole training file). Default: ${DEFAULT-VALUE}.")
    Split split;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Evaluate the first N samples only; 0 = all.")
    int limit;

    @Mixin
    DeviceOptions device;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    /** The part of the data directory to evaluate. */
    enum Split { test, validation, train }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        Checks.require(cmd, limit >= 0, "--limit must be 0 (all) or positive, got " + limit);
        device.validate(cmd);
        LoadedModel loaded = ModelFile.load(model.path);
        Dataset set = switch (split) {
            case test -> DataDirectory.test(data.dir);
            case validation -> validationImages(loaded);
            case train -> DataDirectory.train(data.dir);
        };
        if (limit > 0) {
            set = set.limit(limit);
        }
        if (set.features() != loaded.network().inputSize()) {
            throw new UserError("model " + model.path + " takes " + loaded.network().inputSize() + " inputs ("
                    + loaded.metadata().inputRows() + "x" + loaded.metadata().inputCols() + ") but " + set.name()
                    + " has " + set.rows() + "x" + set.cols() + " images");
        }
        DataMatch.note(model.path, loaded.metadata(), set, data.dir).ifPresent(note -> {
            cmd.getErr().println("gpu-mlp: " + note);
            cmd.getErr().flush();
        });
        Evaluation ev;
        try (Backend backend = device.open(cmd.getErr())) {
            backend.uploadWeights(loaded.network());
            ev = backend.evaluate(set);
        }
        PrintWriter out = cmd.getOut();
        if (json) {
            out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(set, ev)));
        } else {
            printReport(out, loaded, set, ev);
        }
        out.flush();
        return Cli.OK;
    }

    /** The validation images of the run that trained the model, from the --validation and --limit it recorded. */
    private Dataset validationImages(LoadedModel loaded) {
        Map<String, Object> training = loaded.metadata().training();
        Object recorded = training.get("validation");
        if (recorded == null) {
            throw new UserError("model " + model.path + " records no validation split (it was saved by an older gpu-mlp): "
                    + "use --split test");
        }
        ValidationSplit v;
        try {
            v = ValidationSplit.parse(String.valueOf(recorded));
        } catch (IllegalArgumentException e) {
            throw new UserError("model " + model.path + " records --validation '" + OneLine.of(String.valueOf(recorded))
                    + "', which is not a validation split (its metadata is damaged): use --split test");
        }
        if (v.none()) {
            throw new UserError("model " + model.path + " was trained with --validation 0, so it has no validation images: "
                    + "use --split test");
        }
        Object limit = training.get("limit"); // absent (older models): all images
        if (limit != null && !(limit instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= Integer.MAX_VALUE
                && n.doubleValue() == Math.rint(n.doubleValue()))) {
            throw new UserError("model " + model.path + " records --limit " + limit + ", which is not a "
                    + "count of images, so its validation images are unknown: use --split test");
        }
        int trainLimit = limit == null ? 0 : ((Number) limit).intValue();
        try {
            return v.split(DataDirectory.train(data.dir), trainLimit).validation();
        } catch (IllegalArgumentException e) {
            throw new UserError("model " + model.path + ": its validation split does not fit the training set in " + data.dir
                    + ": " + e.getMessage());
        }
    }

    private Map<String, Object> toMap(Dataset set, Evaluation ev) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.path.toString());
        m.put("data", set.name());
        m.put("samples", ev.samples());
        m.put("loss", ev.meanLoss());
        m.put("accuracy", ev.accuracy());
        m.put("correct", ev.correct());
        List<Double> perClass = new ArrayList<>(); // null for a class without samples (JSON has no NaN)
        for (double a : ev.perClassAccuracy()) {
            perClass.add(Double.isNaN(a) ? null : a);
        }
        m.put("per_class_accuracy", perClass);
        m.put("confusion", ev.confusion());
        return m;
    }

    private void printReport(PrintWriter out, LoadedModel loaded, Dataset set, Evaluation ev) {
        out.printf(Locale.ROOT, "model     %s (%s)%n", OneLine.of(model.path.toString()), loaded.network().shape());
        out.printf(Locale.ROOT, "data      %s%n", OneLine.of(set.describe()));
        out.printf(Locale.ROOT, "loss      %.4f%n", ev.meanLoss());
        out.printf(Locale.ROOT, "accuracy  %.2f%% (%,d of %,d)%n", 100 * ev.accuracy(), ev.correct(), ev.samples());
        out.println();
        out.println("per-class accuracy:");
        double[] perClass = ev.perClassAccuracy();
        for (int c = 0; c < perClass.length; c++) {
            out.printf(Locale.ROOT, "  %d  %s%n", c, Double.isNaN(perClass[c]) ? "   -   (no samples)"
                    : String.format(Locale.ROOT, "%6.2f%%", 100 * perClass[c]));
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class):");
        long[][] m = ev.confusion();
        StringBuilder header = new StringBuilder("       ");
        for (int p = 0; p < m.length; p++) {
            header.append(String.format(Locale.ROOT, "%6d", p));
        }
        out.println(header);
        for (int t = 0; t < m.length; t++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %3d  ", t));
            for (long v : m[t]) {
                row.append(String.format(Locale.ROOT, "%6d", v));
            }
            out.println(row);
        }
    }
}
