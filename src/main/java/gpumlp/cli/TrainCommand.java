// `gpu-mlp train`: trains an MLP on an IDX data set and saves the model, metrics and learning curves.
package gpumlp.cli;

import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.Regularisation;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.ModelFile;
import gpumlp.model.ModelMetadata;
import gpumlp.model.Network;
import gpumlp.checkpoint.CheckpointLock;
import gpumlp.checkpoint.CheckpointStore;
import gpumlp.checkpoint.ResumePolicy;
import gpumlp.plot.EpochPoint;
import gpumlp.train.EpochRecord;
import gpumlp.plot.LearningCurvePlot;
import gpumlp.train.MetricsWriter;
import gpumlp.train.ProgressBar;
import gpumlp.train.Schedule;
import gpumlp.train.Selection;
import gpumlp.train.TrainSettings;
import gpumlp.train.TrainState;
import gpumlp.train.Trainer;
import gpumlp.train.ValidationSplit;
import gpumlp.util.Numbers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Trains a multilayer perceptron (ReLU hidden layers, softmax output, cross-entropy loss) "
                + "with SGD and saves it as a NumPy .npz file.",
                "Example: gpu-mlp train --data data/mnist --epochs 10 --batch-size 1 --lr 0.01   (per-sample SGD)",
                "Preemptible jobs: gpu-mlp train --checkpoint-dir /out/ckpt --resume   (the same command after a restart "
                        + "continues; SIGTERM stops after the current step with a checkpoint and exit code 75)",
                "Sweeps: gpu-mlp train --sweep sweep.yaml --sweep-index 3   (the index may come from "
                        + "JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID instead)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE, ExitCodes.STOPPED})
public final class TrainCommand implements Callable<Integer>, JsonLogging {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    DeviceOptions device;

    @Mixin
    ValidationOptions choice;

    @Mixin
    DeformOptions deform;

    @Mixin
    HiddenOption hidden;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "20", description = "Passes over the training set. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = {"--batch-size", "-b"}, paramLabel = "N", defaultValue = "128",
            description = "Samples per SGD step; 1 is per-sample SGD (one outer-product update per sample). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", paramLabel = "ETA", defaultValue = "0.1",
            description = "Learning rate (the gradient is averaged over the mini-batch). Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0.9",
            description = "Momentum in [0, 1); 0 is plain SGD. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "cosine",
            description = "Learning-rate schedule per epoch: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Schedule.Kind schedule;

    @Option(names = "--step-every", paramLabel = "N", defaultValue = "3",
            description = "With --schedule step: multiply the rate by --step-gamma every N epochs. Default: ${DEFAULT-VALUE}.")
    int stepEvery;

    @Option(names = "--step-gamma", paramLabel = "G", defaultValue = "0.5",
            description = "With --schedule step: the factor. Default: ${DEFAULT-VALUE}.")
    double stepGamma;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0.3",
            description = "Dropout on the hidden layers: each unit of a training sample is dropped with probability P "
                    + "in [0, 1), kept ones scaled by 1/(1-P); evaluation is untouched; 0 is off. Default: ${DEFAULT-VALUE}.")
    double dropout;

    @Option(names = "--input-dropout", paramLabel = "P", defaultValue = "0.1",
            description = "Dropout on the input pixels, as --dropout; 0 is off. Default: ${DEFAULT-VALUE}.")
    double inputDropout;

    @Option(names = "--weight-decay", paramLabel = "L", defaultValue = "0",
            description = "L2 weight decay: adds L/2 times the sum of the squared weights (bias rows excluded) to the "
                    + "loss. Default: ${DEFAULT-VALUE} (off).")
    double weightDecay;

    @Option(names = "--max-norm", paramLabel = "C",
            description = "After every update, rescale each hidden unit's incoming weight vector (bias excluded) to "
                    + "norm at most C > 0. Default: off.")
    Double maxNorm;

    @Mixin
    SeedOption seed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Use the first N training samples only (quick runs; the validation split comes out of them); 0 = all.")
    int limit;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", defaultValue = "model.npz",
            description = "Where to save the trained model (.npz, written atomically). Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--onnx", paramLabel = "FILE",
            description = "At the end, also write the model as ONNX to FILE (as 'gpu-mlp export' does).")
    Path onnx;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Write one JSON line per epoch to FILE.")
    Path metrics;

    @Option(names = "--plot", paramLabel = "FILE", description = "Draw the learning curves into a PNG file (updated every epoch). "
            + "With --sweep, a file name: combination N draws into SWEEP_DIR/run-NNNN/FILE.")
    Path plot;

    @Option(names = "--tensorboard", paramLabel = "DIR",
            description = "Write TensorBoard event files into DIR: per epoch the loss, accuracy and learning rate, every "
                    + gpumlp.tensorboard.TrainingBoard.RUNNING_LOSS_EVERY_STEPS + " steps the running training loss, and "
                    + "the settings. With --sweep, combination N writes into DIR/run-NNNN.")
    Path tensorboard;

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "Progress bar during each epoch: ${COMPLETION-CANDIDATES} (auto: only when standard error, where it is drawn, is a terminal). Default: ${DEFAULT-VALUE}.")
    ProgressMode progress;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Write checkpoints (weights, momentum, position, settings) into DIR, and on SIGTERM or SIGINT "
                    + "stop after the current step, write one and exit with code 75. A checkpoint is named by its position: "
                    + "checkpoint-eEEEE-sSSSSSSSS.npz after EEEE finished epochs and SSSSSSSS samples into the next.")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "1",
            description = "With --checkpoint-dir: a checkpoint every N epochs (and after the last). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "K", defaultValue = "3",
            description = "With --checkpoint-dir: keep the newest K checkpoints. Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--resume",
            description = "Continue from the newest valid checkpoint in --checkpoint-dir (a damaged one is skipped with a "
                    + "warning); start from epoch 1 when there is none. The settings must be the run's; --epochs may grow.")
    boolean resume;

    @Option(names = "--result", paramLabel = "FILE",
            description = "At the end, write the model's validation and test accuracy and loss, its epoch, epochs, time, "
                    + "device and settings to FILE as JSON (what 'gpu-mlp report' collects).")
    Path result;

    @Option(names = "--sweep", paramLabel = "FILE",
            description = "Run one combination of the parameter values in FILE (YAML or JSON: parameters: {lr: [0.1, 0.2], "
                    + "batch-size: [64, 128]}) into its own directory under --sweep-dir, with checkpoints and resume.")
    Path sweep;

    @Option(names = "--sweep-index", paramLabel = "N",
            description = "Which combination of --sweep to run, from 0; default: the environment's JOB_COMPLETION_INDEX "
                    + "(Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array).")
    Long sweepIndex;

    @Option(names = "--sweep-dir", paramLabel = "DIR", defaultValue = "runs/sweep",
            description = "With --sweep: combination N runs in DIR/run-NNNN (model, metrics, checkpoints, result.json). "
                    + "Default: ${DEFAULT-VALUE}.")
    Path sweepDir;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "${COMPLETION-CANDIDATES}: json prints one JSON object per line (for cluster log collectors). "
                    + "Default: ${DEFAULT-VALUE}.")
    Log.LogFormat logFormat;

    /** When to draw the progress bar. */
    enum ProgressMode { auto, always, never }

    @Override
    public boolean jsonLogs() {
        return logFormat == Log.LogFormat.json;
    }

    /** With checkpoints (or a sweep, whose runs have them), SIGTERM stops after a step instead of ending the process. */
    boolean stopsGracefully() {
        return checkpointDir != null || sweep != null;
    }

    @Override
    @SuppressWarnings("try") // the checkpoint directory's lock is held for the run, not used in it
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if (sweep != null) {
            return SweepRun.run(this, cmd);
        }
        TrainSettings settings = validatedSettings(cmd);
        Log log = new Log(cmd.getOut(), cmd.getErr(), logFormat);
        if (checkpointDir != null) {
            DataDirectory.check(data.dir); // a run that cannot read its data makes no checkpoint directory
        }
        // with checkpoints, SIGTERM and SIGINT become a stop request from the start (data loading included)
        try (CheckpointLock owned = checkpointDir == null ? null : CheckpointLock.take(checkpointDir);
             StopSignals signals = checkpointDir == null ? null : StopSignals.install(
                sig -> log.note(sig + " received: stopping after the current step to write a checkpoint"))) {
            return train(settings, log, signals);
        }
    }

    private int train(TrainSettings settings, Log log, StopSignals signals) {
        Dataset all = DataDirectory.train(data.dir, limit); // only the samples used are kept in memory
        Dataset test = DataDirectory.test(data.dir); // read now to fail early; scored only after training
        if (all.features() != test.features()) {
            throw new gpumlp.UserError("training images are " + all.rows() + "x" + all.cols()
                    + " but test images are " + test.rows() + "x" + test.cols() + " in " + data.dir);
        }
        if (limit > all.count()) {
            log.note(String.format(Locale.ROOT, "note: --limit %,d is more than the %,d training samples: using all of them",
                    limit, all.count()));
        }
        ValidationSplit.Parts parts;
        try {
            parts = settings.validation().split(all, limit);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Dataset train = parts.train();
        Dataset validation = parts.validation();
        int[] sizes = settings.layerSizes(train.features(), Dataset.MAX_CLASSES);
        Map<String, String> checksums = checksums(train, test);
        Map<String, Object> settingsMap = settings.toMap(); // in every checkpoint, the model and the settings line
        CheckpointStore store = checkpointDir == null ? null : new CheckpointStore(checkpointDir, keepCheckpoints);
        if (store != null && !resume && !store.list().isEmpty()) {
            throw new gpumlp.UserError("checkpoint directory " + checkpointDir + " already holds checkpoints of a run: add "
                    + "--resume to continue it, or use an empty --checkpoint-dir (or delete those files)");
        }
        TrainState start = resume ? ResumePolicy.resumeState(store, new ResumePolicy.Run(settingsMap, checksums, data.dir,
                sizes, train.count(), batchSize, epochs), log::warn, log::note) : null;
        if (start == null) {
            start = TrainState.start(HeInit.initialise(sizes, seed.seed));
        }
        Network initial = start.weights();
        if (signals != null && signals.requested()) {
            log.result("stopped by " + signals.which() + " before training started; nothing to save", "stopped",
                    Map.of("signal", signals.which()));
            return Cli.STOPPED;
        }

        try (Backend backend = device.open(log::note, log::debug, false)) {
            log.result(startLine(initial, train, validation, test), "start", Map.of("network", initial.shape(),
                    "train_samples", train.count(), "validation_samples", validation == null ? 0 : validation.count(),
                    "test_samples", test.count()));
            log.result(String.format(Locale.ROOT, "batch %d, lr %s (%s), momentum %s%s%s, %d epoch%s, seed %d, device %s",
                    batchSize, num(learningRate), settings.schedule().describe(), num(momentum),
                    settings.regularisation().describe(), deformations(settings), epochs, epochs == 1 ? "" : "s", seed.seed,
                    backend.description()), "settings", Map.of("settings", settingsMap, "device", backend.description()));
            Trainer.Checkpointing checkpointing = store == null ? Trainer.Checkpointing.NONE
                    : new Trainer.Checkpointing(checkpointEvery, state -> {
                        Path file = store.save(state, settingsMap, checksums);
                        log.note("checkpoint " + state.position() + ": " + file);
                    }, signals::requested);
            Trainer.Result r;
            try (Listener listener = new Listener(log, settings, train.name(), board(settingsMap, backend.description(), train, log))) {
                r = new Trainer(backend).run(start, train, validation, test, settings, listener, checkpointing);
            } catch (gpumlp.train.TrainingDivergedException e) {
                if (store == null || store.list().isEmpty()) {
                    throw e;
                }
                throw new gpumlp.UserError(e.getMessage() + "; the last good checkpoint in " + store.dir() + " is kept", e);
            }
            if (r.wasStopped()) {
                log.result(String.format(Locale.ROOT, "stopped by %s %s; checkpoint in %s: run the same command with "
                        + "--resume to continue", signals.which(), r.stopped().position(), store.dir()), "stopped",
                        Map.of("signal", signals.which(), "epochs_done", r.stopped().epochsDone(),
                                "samples_into_epoch", r.stopped().samplesIntoEpoch()));
                return Cli.STOPPED;
            }
            Map<String, Object> training = new java.util.LinkedHashMap<>(settingsMap);
            training.put("model_epoch", r.modelEpoch());
            ModelMetadata meta = ModelMetadata.create(sizes, train.rows(), train.cols(), training, checksums, null);
            ModelFile.save(output, r.network(), meta);
            Map<String, Object> figures = RunResult.figures(r);
            if (result != null) {
                RunResult.write(result, figures, settings, backend.description(), output, metrics);
            }
            figures.put("model", output.toString());
            log.result(doneLine(r, settings) + "; model saved to " + output, "done", figures);
            if (onnx != null) { // last: its failure loses neither the result nor the final line
                try {
                    gpumlp.export.OnnxModel.write(onnx, r.network(), meta);
                } catch (gpumlp.UserError e) {
                    throw new gpumlp.UserError(e.getMessage() + "; the model is saved in " + output + ": gpu-mlp export --model "
                            + output + " -o FILE.onnx writes the ONNX file again", e);
                }
            }
        }
        return Cli.OK;
    }

    /** The TensorBoard log of this run, or null without --tensorboard. */
    private gpumlp.tensorboard.TrainingBoard board(Map<String, Object> settingsMap, String device, Dataset train, Log log) {
        if (tensorboard == null) {
            return null;
        }
        Map<String, Object> shown = new java.util.LinkedHashMap<>(settingsMap);
        shown.put("device", device);
        shown.put("data", train.describe());
        gpumlp.tensorboard.TrainingBoard b = gpumlp.tensorboard.TrainingBoard.open(tensorboard, shown, log::warn);
        log.note("TensorBoard events: " + b.file());
        return b;
    }

    /** What trains, what validates and when the test set is scored. */
    private static String startLine(Network initial, Dataset train, Dataset validation, Dataset test) {
        return validation == null
                ? String.format(Locale.ROOT, "training %s on %s; no validation split (--validation 0): every "
                        + "epoch is scored on the test set, %s", initial.shape(), train.describe(), test.describe())
                : String.format(Locale.ROOT, "training %s on %s, validating on %s; the test set, %s, is "
                        + "scored once, after training", initial.shape(), train.name(), validation.name(), test.describe());
    }

    /** Which epoch the model is, why, and its test figures. */
    private static String doneLine(Trainer.Result r, TrainSettings s) {
        EpochRecord m = r.modelRecord();
        String which;
        if (r.bestEpoch() == 0) {
            which = String.format(Locale.ROOT, "model from epoch %d, the last", r.modelEpoch());
        } else if (r.modelEpoch() == r.bestEpoch()) {
            which = String.format(Locale.ROOT, "model from epoch %d, the best by validation %s (accuracy %.2f%%, loss %.4f)",
                    r.modelEpoch(), s.selection().metric(), 100 * m.heldOutAccuracy(), m.heldOutLoss());
        } else {
            which = String.format(Locale.ROOT, "model from epoch %d, the last (validation accuracy %.2f%%, loss %.4f; the best "
                    + "by validation %s was epoch %d)", r.modelEpoch(), 100 * m.heldOutAccuracy(), m.heldOutLoss(),
                    s.selection().metric(), r.bestEpoch());
        }
        return String.format(Locale.ROOT, "%s; test accuracy %.2f%% (loss %.4f)", which, 100 * r.test().accuracy(),
                r.test().meanLoss());
    }

    private static Map<String, String> checksums(Dataset train, Dataset test) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(train.checksums());
        all.putAll(test.checksums());
        return all;
    }

    TrainSettings validatedSettings(CommandLine cmd) { // also SweepValues, before a sweep directory is claimed
        device.validate(cmd);
        Checks.require(cmd, epochs >= 1, "--epochs must be at least 1, got " + epochs);
        Checks.require(cmd, batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        Checks.require(cmd, learningRate > 0 && Double.isFinite(learningRate), "--lr must be a positive number, got " + learningRate);
        Checks.require(cmd, momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
        Checks.require(cmd, stepEvery >= 1, "--step-every must be at least 1, got " + stepEvery);
        Checks.require(cmd, stepGamma > 0 && stepGamma <= 1, "--step-gamma must be in (0, 1], got " + stepGamma);
        Checks.require(cmd, limit >= 0, "--limit must be 0 (all) or positive, got " + limit);
        Checks.require(cmd, (float) momentum < 1f, "--momentum " + momentum + " rounds to 1 in float32: use at most 0.9999");
        Regularisation reg = regularisation(cmd);
        Schedule sched = schedule.create(learningRate, stepEvery, stepGamma);
        int bad = Checks.firstEpochWithoutFloat32Rate(sched, epochs);
        Checks.require(cmd, bad < 0, String.format(Locale.ROOT, "the learning rate in epoch %d would be %s, which is not a "
                + "positive float32 number (about 1e-38 to 3e38): change --lr%s", bad + 1, sched.rate(Math.max(bad, 0), epochs),
                schedule == Schedule.Kind.step ? ", --step-gamma or --step-every" : ""));
        Checks.require(cmd, checkpointEvery >= 1, "--checkpoint-every must be at least 1, got " + checkpointEvery);
        Checks.require(cmd, keepCheckpoints >= 1, "--keep-checkpoints must be at least 1, got " + keepCheckpoints);
        Checks.require(cmd, !resume || checkpointDir != null, "--resume needs --checkpoint-dir (where to look for checkpoints)");
        Checks.require(cmd, sweepIndex == null || sweep != null, "--sweep-index needs --sweep");
        Checks.writableFile(cmd, output, "--output");
        Checks.writableFile(cmd, result, "--result");
        Checks.writableFile(cmd, onnx, "--onnx");
        OutputChecks.directory(cmd, checkpointDir, "--checkpoint-dir");
        OutputChecks.directory(cmd, tensorboard, "--tensorboard");
        Checks.writableFile(cmd, metrics, "--metrics");
        Checks.writableFile(cmd, plot, "--plot");
        Map<String, Path> outputs = new java.util.LinkedHashMap<>();
        outputs.put("--output", output);
        outputs.put("--metrics", metrics);
        outputs.put("--plot", plot);
        outputs.put("--result", result);
        outputs.put("--onnx", onnx);
        outputs.put("--checkpoint-dir", checkpointDir);
        outputs.put("--tensorboard", tensorboard);
        OutputChecks.distinct(cmd, outputs);
        OutputChecks.notInputs(cmd, outputs, dataFiles(data.dir));
        OutputChecks.notCheckpointFiles(cmd, outputs, checkpointDir);
        return new TrainSettings(hidden.sizes, epochs, batchSize, learningRate, momentum, sched, seed.seed, limit, choice.validation,
                choice.selection(cmd), reg, deform.validated(cmd));
    }

    /** The IDX files a run on {@code dir} reads, each with what it is, for messages. */
    static Map<Path, String> dataFiles(Path dir) {
        Map<Path, String> files = new java.util.LinkedHashMap<>();
        DataDirectory.files(dir).forEach(f -> files.put(f, "the data file " + f));
        return files;
    }

    private Regularisation regularisation(CommandLine cmd) {
        Checks.require(cmd, probability(dropout), "--dropout must be in [0, 1), got " + dropout);
        Checks.require(cmd, probability(inputDropout), "--input-dropout must be in [0, 1), got " + inputDropout);
        Checks.require(cmd, weightDecay >= 0 && Float.isFinite((float) weightDecay),
                "--weight-decay must be 0 or a positive number, at most float32's 3.4e38, got " + weightDecay);
        Checks.require(cmd, maxNorm == null || (maxNorm > 0 && Double.isFinite(maxNorm) && (float) (double) maxNorm > 0f),
                "--max-norm must be a positive number, got " + maxNorm);
        return new Regularisation(dropout, inputDropout, weightDecay, maxNorm == null ? 0 : maxNorm);
    }

    /** In [0, 1), also in float32 (where 0.99999999 is 1). */
    private static boolean probability(double p) {
        return p >= 0 && p < 1 && (float) p < 1f;
    }

    /** ", deformations elastic 34,4, rotate 15" for the settings line, or nothing without deformations. */
    private static String deformations(TrainSettings s) {
        return s.deformation().enabled() ? ", deformations " + s.deformation().describe() : "";
    }

    /** A number as a person writes it: 0.2, 0, 1e-05 -> 0.00001. */
    static String num(double v) {
        return Numbers.plain(v);
    }

    /** The plot's title: the data set, then the settings that shape the curves. */
    static String plotTitle(String data, TrainSettings s) {
        StringBuilder sb = new StringBuilder(data).append(": hidden ");
        for (int i = 0; i < s.hidden().length; i++) {
            sb.append(i == 0 ? "" : ",").append(s.hidden()[i]);
        }
        return String.format(Locale.ROOT, "%s, batch %d, lr %s (%s), momentum %s%s", sb, s.batchSize(), num(s.learningRate()),
                s.schedule().describe(), num(s.momentum()), s.regularisation().describe());
    }

    /** Prints the progress bar and the per-epoch line, and writes metrics and the plot. */
    private final class Listener implements Trainer.Listener, AutoCloseable {
        private final Log log;
        private final gpumlp.tensorboard.TrainingBoard board;
        private final int batchSize;
        private final MetricsWriter metricsWriter;
        private final List<EpochPoint> points = new ArrayList<>();
        private final String title;
        private ProgressBar bar;
        private boolean plotWarned;
        private Boolean terminal; // asked once, at the first epoch
        private final Selection.Metric select;
        private String heldOut;

        /** The bar writes to standard error, so that is the stream that must be a terminal. */
        private boolean stderrIsTerminal() {
            if (terminal == null) {
                terminal = gpumlp.util.Terminal.stderrIsTerminal();
            }
            return terminal;
        }

        Listener(Log log, TrainSettings s, String data, gpumlp.tensorboard.TrainingBoard board) {
            this.log = log;
            this.board = board;
            this.batchSize = s.batchSize();
            this.select = s.selection().metric();
            this.metricsWriter = metrics == null ? null : new MetricsWriter(metrics);
            this.title = plotTitle(data, s);
        }

        @Override
        public EpochProgress epochStarted(int epoch, int epochs, double lr, long samples) {
            boolean show = !log.json()
                    && (progress == ProgressMode.always || (progress == ProgressMode.auto && stderrIsTerminal()));
            bar = show ? new ProgressBar(spec.commandLine().getErr(), String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs),
                    samples) : null;
            EpochProgress shown = bar == null ? EpochProgress.NONE : bar;
            return board == null ? shown : EpochProgress.both(shown, board.progress(epoch, batchSize, samples));
        }

        @Override
        public void close() {
            if (board != null) {
                board.close();
            }
        }

        @Override
        public void resumed(List<EpochRecord> earlier) {
            for (EpochRecord r : earlier) {
                if (metricsWriter != null) {
                    metricsWriter.write(r);
                }
                points.add(EpochPoint.of(r));
                heldOut = r.heldOut().key();
            }
        }

        @Override
        public void epochFinished(EpochRecord r) {
            if (bar != null) {
                bar.clear();
            }
            log.result(String.format(Locale.ROOT,
                    "epoch %3d  lr %.4g  train loss %.4f acc %6.2f%%  %s loss %.4f acc %6.2f%%  %.2f s  %,.0f samples/s",
                    r.epoch(), r.learningRate(), r.trainLoss(), 100 * r.trainAccuracy(), r.heldOut().label(), r.heldOutLoss(),
                    100 * r.heldOutAccuracy(), r.seconds(), r.samplesPerSecond()), "epoch", MetricsWriter.toMap(r));
            if (metricsWriter != null) {
                metricsWriter.write(r);
            }
            points.add(EpochPoint.of(r));
            if (board != null) {
                board.epoch(r);
            }
            heldOut = r.heldOut().key();
            if (plot != null) {
                plot();
            }
        }

        @Override
        public void stoppedEarly(int epoch, int bestEpoch) {
            log.result(String.format(Locale.ROOT, "stopping early after epoch %d: the validation %s has not improved for %d "
                    + "epochs, since epoch %d", epoch, select, epoch - bestEpoch, bestEpoch), "early_stop",
                    Map.of("epoch", epoch, "best_epoch", bestEpoch));
        }

        /** A plot that cannot be drawn or written is worth a warning, not the training run. */
        private void plot() {
            java.util.Optional<String> warning;
            try {
                warning = LearningCurvePlot.write(plot, title, heldOut, points);
            } catch (gpumlp.UserError e) {
                warning = java.util.Optional.of(e.getMessage() + "; training goes on");
            }
            if (warning.isPresent() && !plotWarned) {
                log.warn(warning.get());
                plotWarned = true;
            }
        }
    }
}
