// `gpu-mlp train`: trains an MLP on an IDX data set and saves the model, metrics and learning curves.
package gpumlp.cli;

import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.ModelFile;
import gpumlp.model.ModelMetadata;
import gpumlp.model.Network;
import gpumlp.train.EpochPoint;
import gpumlp.train.EpochRecord;
import gpumlp.train.LearningCurvePlot;
import gpumlp.train.MetricsWriter;
import gpumlp.train.ProgressBar;
import gpumlp.train.Schedule;
import gpumlp.train.TrainSettings;
import gpumlp.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Trains a multilayer perceptron (ReLU hidden layers, softmax output, cross-entropy loss) "
                + "with SGD and saves it as a NumPy .npz file.",
                "Example: gpu-mlp train --data data/mnist --epochs 10 --batch-size 1 --lr 0.01   (per-sample SGD)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    DeviceOptions device;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",", defaultValue = "800",
            description = "Hidden layer sizes, comma separated: 800 gives 784-800-10, 512,256 gives 784-512-256-10. "
                    + "Default: ${DEFAULT-VALUE}.")
    int[] hidden;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Passes over the training set. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = {"--batch-size", "-b"}, paramLabel = "N", defaultValue = "128",
            description = "Samples per SGD step; 1 is per-sample SGD (one outer-product update per sample). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", paramLabel = "ETA", defaultValue = "0.2",
            description = "Learning rate (the gradient is averaged over the mini-batch). Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0",
            description = "Momentum in [0, 1); 0 is plain SGD. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "constant",
            description = "Learning-rate schedule per epoch: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Schedule.Kind schedule;

    @Option(names = "--step-every", paramLabel = "N", defaultValue = "3",
            description = "With --schedule step: multiply the rate by --step-gamma every N epochs. Default: ${DEFAULT-VALUE}.")
    int stepEvery;

    @Option(names = "--step-gamma", paramLabel = "G", defaultValue = "0.5",
            description = "With --schedule step: the factor. Default: ${DEFAULT-VALUE}.")
    double stepGamma;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seeds the initial weights and the shuffling; the same seed gives the same weights. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Train on the first N training samples only (quick runs); 0 = all.")
    int limit;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", defaultValue = "model.npz",
            description = "Where to save the trained model (.npz, written atomically). Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Write one JSON line per epoch to FILE.")
    Path metrics;

    @Option(names = "--plot", paramLabel = "FILE", description = "Draw the learning curves into a PNG file (updated every epoch).")
    Path plot;

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "Progress bar during each epoch: ${COMPLETION-CANDIDATES} (auto: only on a terminal). Default: ${DEFAULT-VALUE}.")
    ProgressMode progress;

    /** When to draw the progress bar. */
    enum ProgressMode { auto, always, never }

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        TrainSettings settings = validatedSettings(cmd);
        PrintWriter out = cmd.getOut();
        PrintWriter err = cmd.getErr();

        Dataset train = DataDirectory.train(data.dir);
        Dataset test = DataDirectory.test(data.dir);
        if (train.features() != test.features()) {
            throw new gpumlp.UserError("training images are " + train.rows() + "x" + train.cols()
                    + " but test images are " + test.rows() + "x" + test.cols() + " in " + data.dir);
        }
        if (limit > train.count()) {
            err.printf(Locale.ROOT, "note: --limit %,d is more than the %,d training samples: using all of them%n",
                    limit, train.count());
        } else if (limit > 0) {
            train = train.limit(limit);
        }
        int[] sizes = settings.layerSizes(train.features(), Dataset.MAX_CLASSES);
        Network initial = HeInit.initialise(sizes, seed);

        try (Backend backend = device.open(err)) {
            out.printf(Locale.ROOT, "training %s on %s (%,d samples), testing on %s (%,d samples)%n",
                    initial.shape(), train.name(), train.count(), test.name(), test.count());
            out.printf(Locale.ROOT, "batch %d, lr %s (%s), momentum %s, %d epochs, seed %d, device %s%n",
                    batchSize, num(learningRate), settings.schedule().describe(), num(momentum), epochs, seed,
                    backend.description());
            out.flush();
            Trainer.Result result = new Trainer(backend).run(initial, train, test, settings, new Listener(out, err, settings));
            ModelMetadata meta = ModelMetadata.create(sizes, train.rows(), train.cols(), settings.toMap(),
                    checksums(train, test), null);
            ModelFile.save(output, result.network(), meta);
            out.printf(Locale.ROOT, "test accuracy %.2f%% (loss %.4f); model saved to %s%n",
                    100 * result.test().accuracy(), result.test().meanLoss(), output);
            out.flush();
        }
        return Cli.OK;
    }

    private static java.util.Map<String, String> checksums(Dataset train, Dataset test) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(train.checksums());
        all.putAll(test.checksums());
        return all;
    }

    private TrainSettings validatedSettings(CommandLine cmd) {
        device.validate(cmd);
        Checks.hiddenSizes(cmd, hidden);
        Checks.require(cmd, epochs >= 1, "--epochs must be at least 1, got " + epochs);
        Checks.require(cmd, batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        Checks.require(cmd, learningRate > 0 && Double.isFinite(learningRate), "--lr must be a positive number, got " + learningRate);
        Checks.require(cmd, momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
        Checks.require(cmd, stepEvery >= 1, "--step-every must be at least 1, got " + stepEvery);
        Checks.require(cmd, stepGamma > 0 && stepGamma <= 1, "--step-gamma must be in (0, 1], got " + stepGamma);
        Checks.require(cmd, limit >= 0, "--limit must be 0 (all) or positive, got " + limit);
        Checks.require(cmd, (float) momentum < 1f, "--momentum " + momentum + " rounds to 1 in float32: use at most 0.9999");
        Schedule sched = schedule.create(learningRate, stepEvery, stepGamma);
        for (int e = 0; e < epochs; e++) {
            Checks.float32Rate(cmd, sched.rate(e, epochs), String.format(Locale.ROOT,
                    "the learning rate in epoch %d would be %s, which is not a positive float32 number "
                            + "(about 1e-38 to 3e38): change --lr%s", e + 1, sched.rate(e, epochs),
                    schedule == Schedule.Kind.step ? ", --step-gamma or --step-every" : ""));
        }
        Checks.writableFile(cmd, output, "--output");
        Checks.writableFile(cmd, metrics, "--metrics");
        Checks.writableFile(cmd, plot, "--plot");
        return new TrainSettings(hidden, epochs, batchSize, learningRate, momentum, sched, seed, limit);
    }

    /** A number as a person writes it: 0.2, 0, 1e-05 -> 0.00001. */
    static String num(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String title(TrainSettings s) {
        StringBuilder sb = new StringBuilder("hidden ");
        for (int i = 0; i < s.hidden().length; i++) {
            sb.append(i == 0 ? "" : ",").append(s.hidden()[i]);
        }
        return sb.toString();
    }

    /** Prints the progress bar and the per-epoch line, and writes metrics and the plot. */
    private final class Listener implements Trainer.Listener {
        private final PrintWriter out;
        private final PrintWriter err;
        private final MetricsWriter metricsWriter;
        private final List<EpochPoint> points = new ArrayList<>();
        private final String title;
        private ProgressBar bar;
        private boolean plotWarned;

        Listener(PrintWriter out, PrintWriter err, TrainSettings s) {
            this.out = out;
            this.err = err;
            this.metricsWriter = metrics == null ? null : new MetricsWriter(metrics);
            this.title = String.format(Locale.ROOT, "%s, batch %d, lr %s (%s), momentum %s", title(s),
                    s.batchSize(), num(s.learningRate()), s.schedule().describe(), num(s.momentum()));
        }

        @Override
        public EpochProgress epochStarted(int epoch, int epochs, double lr, long samples) {
            boolean show = progress == ProgressMode.always || (progress == ProgressMode.auto && System.console() != null);
            bar = show ? new ProgressBar(err, String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), samples) : null;
            return bar == null ? EpochProgress.NONE : bar;
        }

        @Override
        public void epochFinished(EpochRecord r) {
            if (bar != null) {
                bar.clear();
            }
            out.printf(Locale.ROOT, "epoch %3d  lr %.4g  train loss %.4f acc %6.2f%%  test loss %.4f acc %6.2f%%  %.2f s  %,.0f samples/s%n",
                    r.epoch(), r.learningRate(), r.trainLoss(), 100 * r.trainAccuracy(), r.testLoss(),
                    100 * r.testAccuracy(), r.seconds(), r.samplesPerSecond());
            out.flush();
            if (metricsWriter != null) {
                metricsWriter.write(r);
            }
            points.add(r.point());
            if (plot != null) {
                plot();
            }
        }

        /** A plot that cannot be drawn or written is worth a warning, not the training run. */
        private void plot() {
            java.util.Optional<String> warning;
            try {
                warning = LearningCurvePlot.write(plot, title, points);
            } catch (gpumlp.UserError e) {
                warning = java.util.Optional.of(e.getMessage() + "; training goes on");
            }
            if (warning.isPresent() && !plotWarned) {
                err.println("gpu-mlp: warning: " + warning.get());
                err.flush();
                plotWarned = true;
            }
        }
    }
}
