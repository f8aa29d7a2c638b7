// Usage checks shared by the commands: each failure is a picocli usage error (exit code 2) with a one-line message.
package gpumlp.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

final class Checks {
    private Checks() {}

    static void require(CommandLine cmd, boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(cmd, message);
        }
    }

    /** Hidden layer sizes, for --hidden of train and bench. */
    static void hiddenSizes(CommandLine cmd, int[] hidden) {
        for (int h : hidden) {
            require(cmd, h >= 1 && h <= MAX_HIDDEN, "--hidden sizes must be between 1 and " + MAX_HIDDEN + ", got " + h);
        }
    }

    static final int MAX_HIDDEN = 1_000_000;

    /** A learning rate the float32 backends can hold: positive, finite, not rounded to 0 or infinity. */
    static void float32Rate(CommandLine cmd, double rate, String message) {
        float f = (float) rate;
        require(cmd, f > 0f && Float.isFinite(f), message);
    }

    /** An output directory must be one (or creatable) and writable, so that a run does not fail only when it logs. */
    static void writableDirectory(CommandLine cmd, Path dir, String option) {
        if (dir == null) {
            return;
        }
        Path abs = dir.toAbsolutePath().normalize();
        require(cmd, !Files.exists(abs) || Files.isDirectory(abs), option + " " + dir + " is a file, not a directory");
        writableAncestor(cmd, abs, option + " " + dir);
    }

    /** The nearest existing ancestor of {@code path} (missing directories are created) must be a writable directory. */
    private static void writableAncestor(CommandLine cmd, Path path, String what) {
        Path dir = path;
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        require(cmd, dir != null && Files.isDirectory(dir), what + ": " + dir + " is not a directory");
        require(cmd, Files.isWritable(dir), what + ": directory " + dir + " is not writable");
    }

    /**
     * An output file must not be a directory, and its directory must exist (or be creatable) and be
     * writable, so that a long run does not fail only when it saves its result.
     */
    static void writableFile(CommandLine cmd, Path file, String option) {
        if (file == null) {
            return;
        }
        Path abs = file.toAbsolutePath().normalize();
        require(cmd, !Files.isDirectory(abs), option + " " + file + " is a directory: give a file name, e.g. "
                + abs.resolve(option.equals("--plot") ? "curves.png" : option.equals("--metrics") ? "metrics.jsonl"
                        : option.equals("--onnx") ? "model.onnx" : "model.npz"));
        writableAncestor(cmd, abs.getParent(), option + " " + file);
        require(cmd, !Files.exists(abs) || Files.isWritable(abs), option + " " + file + " exists and is not writable");
    }
}
