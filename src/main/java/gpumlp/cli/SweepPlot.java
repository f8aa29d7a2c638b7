// With --sweep, --plot NAME: each combination draws its learning curves into its own run directory under that file name.
package gpumlp.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * A plot shared by the array tasks would be redrawn by each in turn, and a path could name the sweep's
 * record or another run's files; so in a sweep {@code --plot} (or GPU_MLP_PLOT) is a plain file name,
 * and combination N draws into SWEEP_DIR/run-NNNN/NAME, next to its model, like its other outputs.
 */
final class SweepPlot {
    /** What the sweep itself writes into each run's directory. */
    static final List<String> RUN_FILES = List.of("model.npz", "metrics.jsonl", "result.json", "checkpoints");

    private SweepPlot() {}

    /** The plot's file name in each run's directory, or null without --plot; a path or a run's own file is a usage error. */
    static String name(CommandLine cmd, Path plot, Path sweepDir) {
        if (plot == null) {
            return null;
        }
        String name = plot.toString();
        Checks.require(cmd, plot.getParent() == null && !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && !plot.isAbsolute(), "--plot " + plot + ": in a sweep, --plot takes a file name such as curves.png, "
                + "which each combination draws into its own directory (" + sweepDir.resolve("run-NNNN").resolve("curves.png")
                + "): give the name "
                + "without a directory");
        Checks.require(cmd, !RUN_FILES.contains(name), "--plot " + name + " is the name of the run's "
                + (name.equals("checkpoints") ? "checkpoint directory" : name.equals("model.npz") ? "model"
                : name.equals("metrics.jsonl") ? "metrics" : "result") + " in each run's directory: give another name, "
                + "such as curves.png");
        return name;
    }
}
