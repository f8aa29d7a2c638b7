// `train --sweep FILE`: runs one combination of a sweep as a train run of its own, in its own directory.
package gpumlp.cli;

import gpumlp.UserError;
import gpumlp.sweep.Sweep;
import gpumlp.sweep.SweepOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Combination N becomes the same train command line (every option given, except the sweep's own)
 * plus the combination's values, writing model, metrics, checkpoints and result.json into
 * SWEEP_DIR/run-NNNN (its --plot NAME too, and its TensorBoard events into TENSORBOARD_DIR/run-NNNN), always with --resume: a scheduler that restarts the job (a preempted pod, a
 * requeued array task) continues where it stopped. N comes from --sweep-index, else from
 * JOB_COMPLETION_INDEX (Kubernetes Indexed Job), else SLURM_ARRAY_TASK_ID (Slurm array). The sweep directory
 * belongs to one sweep file's content ({@link SweepOwner}): another sweep's task is refused.
 */
final class SweepRun {
    /** Options the sweep sets itself, so neither the command line nor the sweep file may. */
    static final Set<String> OWN = Set.of("--sweep", "--sweep-index", "--sweep-dir", "--output", "--metrics",
            "--checkpoint-dir", "--resume", "--result", "--help", "--version");
    /** Options a sweep file may not vary: they name outputs. */
    static final Set<String> NOT_SWEPT = Set.of("--plot", "--tensorboard", "--onnx");
    /** Of those, the ones that choose the combination (the rest the sweep sets per run). */
    static final Set<String> CHOOSING = Set.of("--sweep", "--sweep-index", "--sweep-dir");

    private SweepRun() {}

    static int run(TrainCommand train, CommandLine cmd) {
        Map<String, String> env = cmd.getDefaultValueProvider() instanceof EnvironmentDefaults e ? e.env() : System.getenv();
        Map<Path, String> sweepFile = Map.of(train.sweep, "the sweep file " + train.sweep); // every array task reads it
        Map<String, Path> outputs = new java.util.HashMap<>();
        outputs.put("--tensorboard", train.tensorboard); // the plot is checked as SWEEP_DIR/run-NNNN/NAME, below
        OutputChecks.notInputs(cmd, outputs, sweepFile);
        String plotName = SweepPlot.name(cmd, train.plot, train.sweepDir); // before the sweep file is read: the plot is the command line's
        Sweep sweep = Sweep.read(train.sweep);
        long size = sweep.size();
        long index = index(cmd, train.sweepIndex, env, size);
        Map<String, String> values = sweep.combination(index);
        if (train.onnx != null) {
            throw new CommandLine.ParameterException(cmd, "--onnx cannot be combined with --sweep: export the combination "
                    + "you choose with gpu-mlp export --model " + train.sweepDir.resolve("run-NNNN").resolve("model.npz"));
        }
        List<String> args = new ArrayList<>();
        args.add("train");
        Set<String> given = new TreeSet<>();
        for (OptionSpec o : cmd.getParseResult().matchedOptions()) {
            String name = o.longestName();
            given.add(name);
            if (CHOOSING.contains(name) || name.equals("--tensorboard") || name.equals("--plot")) {
                continue; // --tensorboard and --plot: added below, with the run's directory
            }
            if (OWN.contains(name)) {
                throw new CommandLine.ParameterException(cmd, name + " cannot be combined with --sweep: each combination "
                        + "writes its model, metrics, checkpoints and result into its directory under --sweep-dir");
            }
            if (o.arity().max() == 0) {
                args.add(name);
            } else {
                for (String v : o.originalStringValues()) {
                    args.add(name);
                    args.add(v);
                }
            }
        }
        List<List<String>> swept = new ArrayList<>(); // each parameter's arguments
        for (Map.Entry<String, String> p : values.entrySet()) {
            String name = "--" + p.getKey();
            OptionSpec o = cmd.getCommandSpec().findOption(name);
            if (o == null || OWN.contains(o.longestName()) || NOT_SWEPT.contains(o.longestName())) {
                throw new UserError("sweep file " + train.sweep + ": '" + p.getKey() + "' is not a train option a sweep can set "
                        + "(for example lr, batch-size, hidden, momentum, epochs, schedule, seed)");
            }
            if (given.contains(o.longestName())) {
                throw new CommandLine.ParameterException(cmd, o.longestName() + " is given on the command line and in the "
                        + "sweep file " + train.sweep + ": remove one");
            }
            if (o.arity().max() == 0) {
                if (!p.getValue().equals("true") && !p.getValue().equals("false")) {
                    throw new UserError("sweep file " + train.sweep + ": " + p.getKey() + " is a switch; its values must be "
                            + "true or false, not '" + p.getValue() + "'");
                }
                swept.add(p.getValue().equals("true") ? List.of(o.longestName()) : List.of()); // false: not given
            } else {
                swept.add(List.of(o.longestName() + "=" + p.getValue())); // attached: a value may start with a dash
            }
        }
        Map<String, String> innerEnv = withoutSweepVariables(env);
        SweepValues.check(cmd, innerEnv, args, values, swept, train.sweep); // before the directory is the sweep's
        swept.forEach(args::addAll);
        SweepOwner.claim(train.sweepDir, train.sweep, size); // a directory holds the runs of one sweep only
        Path dir = train.sweepDir.resolve(String.format(Locale.ROOT, "run-%04d", index));
        List<String> own = new ArrayList<>(SweepPlot.RUN_FILES);
        if (plotName != null) {
            own.add(plotName);
        }
        for (String name : own) {
            OutputChecks.notInput(cmd, dir.resolve(name), "--sweep-dir " + train.sweepDir + ": the run's", train.sweep,
                    sweepFile.get(train.sweep));
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create the sweep run directory " + dir + ": " + e.getMessage(), e);
        }
        Path result = dir.resolve("result.json");
        args.addAll(List.of("--output", dir.resolve("model.npz").toString(), "--metrics", dir.resolve("metrics.jsonl").toString(),
                "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--resume", "--result", result.toString()));
        if (train.tensorboard != null) { // from the command line or the environment
            args.addAll(List.of("--tensorboard", train.tensorboard.resolve(dir.getFileName()).toString()));
        }
        if (plotName != null) { // from the command line or the environment
            args.addAll(List.of("--plot", dir.resolve(plotName).toString()));
        }
        Log log = new Log(cmd.getOut(), cmd.getErr(), train.logFormat);
        StringBuilder desc = new StringBuilder();
        values.forEach((k, v) -> desc.append(desc.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        log.result(String.format(Locale.ROOT, "sweep %s: combination %d of %d (%s) in %s", train.sweep, index, size, desc, dir),
                "sweep", Map.of("index", index, "size", size, "parameters", values, "dir", dir.toString()));

        CommandLine inner = Cli.newCommandLine(innerEnv);
        inner.setOut(cmd.getOut());
        inner.setErr(cmd.getErr());
        int code = inner.execute(args.toArray(String[]::new));
        if (code == Cli.OK) {
            RunResult.addSweep(result, index, size, train.sweep, values);
        }
        return code;
    }

    /**
     * The environment for a combination's own train run: without the variables of the options the
     * sweep sets, which would otherwise apply to that run again (GPU_MLP_SWEEP would even restart the sweep).
     */
    static Map<String, String> withoutSweepVariables(Map<String, String> env) {
        Map<String, String> m = new java.util.HashMap<>(env);
        for (String option : OWN) {
            m.remove(EnvironmentDefaults.variable(option));
        }
        NOT_SWEPT.forEach(option -> m.remove(EnvironmentDefaults.variable(option)));
        return m;
    }

    /** --sweep-index, else JOB_COMPLETION_INDEX, else SLURM_ARRAY_TASK_ID; checked against the sweep's size. */
    static long index(CommandLine cmd, Long given, Map<String, String> env, long size) {
        String source = "--sweep-index";
        Long index = given;
        for (String var : new String[] {"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"}) {
            if (index == null && env.get(var) != null && !env.get(var).isBlank()) {
                source = var;
                try {
                    index = Long.parseLong(env.get(var).strip());
                } catch (NumberFormatException e) {
                    throw new CommandLine.ParameterException(cmd, var + " is '" + env.get(var) + "', not a number");
                }
            }
        }
        if (index == null) {
            throw new CommandLine.ParameterException(cmd, "--sweep needs --sweep-index N, or JOB_COMPLETION_INDEX (a "
                    + "Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm array job) in the environment");
        }
        if (index < 0 || index >= size) {
            throw new CommandLine.ParameterException(cmd, source + " is " + index + " but the sweep has " + size
                    + " combinations (0 to " + (size - 1) + ")");
        }
        return index;
    }
}
