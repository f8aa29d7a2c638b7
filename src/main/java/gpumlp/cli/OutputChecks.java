// Usage checks of a run's outputs before any work: each one writable, and no two of them the same file.
package gpumlp.cli;

import gpumlp.util.FileKind;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A long run must not fail only when it saves its result, nor save two outputs over each other
 * ({@code -o m.npz --result m.npz}). Outputs are compared after following symbolic links; a
 * character device or FIFO (e.g. {@code /dev/null} for both --metrics and --plot) may be shared,
 * since it is written in place. Every failure is a usage error (exit code 2).
 */
final class OutputChecks {
    private OutputChecks() {}

    /**
     * An output file: not a directory, block device or socket, and its directory must exist (or be
     * creatable) and be writable; a symbolic link's target directory must exist.
     */
    static void file(CommandLine cmd, Path file, String option) {
        if (file == null) {
            return;
        }
        Checks.require(cmd, !file.toString().isEmpty(), option + " is empty: give a file name");
        Path real = real(cmd, file, option);
        FileKind kind = kind(cmd, real, option);
        if (kind.isStream()) {
            return; // written in place
        }
        Checks.require(cmd, kind != FileKind.DIRECTORY, option + " " + file + " is a directory: give a file name, e.g. "
                + real.resolve(option.equals("--plot") ? "curves.png" : option.equals("--metrics") ? "metrics.jsonl"
                        : option.equals("--onnx") ? "model.onnx" : "model.npz"));
        Checks.require(cmd, kind == FileKind.MISSING || kind == FileKind.REGULAR, option + " " + file + " is "
                + kind.description() + ": give a regular file (or /dev/null to discard the output)");
        // missing directories are created for an output, never for where a link points
        Checks.require(cmd, kind != FileKind.MISSING || !missingBehindLink(cmd, file, option)
                || Files.isDirectory(real.getParent()), option + " " + file + " is a symbolic link to " + real
                + ", whose directory " + real.getParent() + " does not exist: create that directory, or give another name");
        writableParent(cmd, real.getParent(), option + " " + file);
        Checks.require(cmd, kind == FileKind.MISSING || Files.isWritable(real), option + " " + file + " exists and is not writable");
    }

    /** Whether an output is written in place (a device or FIFO, /dev/stdout on a pipe), not replaced. */
    static boolean isStream(Path file) {
        try {
            return FileKind.of(file).isStream();
        } catch (IOException e) {
            return false;
        }
    }

    /** An output directory (--checkpoint-dir): a directory, or one that can be created. */
    static void directory(CommandLine cmd, Path dir, String option) {
        if (dir == null) {
            return;
        }
        Checks.require(cmd, !dir.toString().isEmpty(), option + " is empty: give a directory");
        Path real = real(cmd, dir, option);
        FileKind kind = kind(cmd, real, option);
        Checks.require(cmd, kind != FileKind.MISSING || !Files.isSymbolicLink(dir), option + " " + dir
                + " is a symbolic link to " + real + ", which does not exist: create that directory, or give another");
        Checks.require(cmd, kind == FileKind.MISSING || kind == FileKind.DIRECTORY, option + " " + dir + " is "
                + (kind == FileKind.REGULAR ? "a file" : kind.description()) + ", not a directory");
        writableParent(cmd, kind == FileKind.MISSING ? real.getParent() : real, option + " " + dir);
    }

    /** Options naming an output directory: two of them may share one; a file may go inside one, not the reverse. */
    private static final java.util.Set<String> DIRECTORY_OPTIONS = java.util.Set.of("--checkpoint-dir", "--tensorboard");

    /**
     * No two outputs (option name to path; null paths ignored) may be the same file, and none may lie
     * below a file output (--tensorboard m.npz/tb with -o m.npz would fail only when the model is saved).
     * Two directory outputs (--checkpoint-dir and --tensorboard) may be the same directory.
     */
    static void distinct(CommandLine cmd, Map<String, Path> outputs) {
        List<Map.Entry<String, Path>> seen = new ArrayList<>();
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            if (o.getValue() == null || kind(cmd, real(cmd, o.getValue(), o.getKey()), o.getKey()).isStream()) {
                continue;
            }
            for (Map.Entry<String, Path> earlier : seen) {
                boolean bothDirectories = DIRECTORY_OPTIONS.contains(o.getKey()) && DIRECTORY_OPTIONS.contains(earlier.getKey());
                Checks.require(cmd, bothDirectories || !same(cmd, earlier, o), o.getKey() + " " + o.getValue() + " and "
                        + earlier.getKey() + " " + earlier.getValue() + " are the same file: give each output its own name");
                below(cmd, o, earlier);
                below(cmd, earlier, o);
            }
            seen.add(o);
        }
    }

    /** {@code inner} must not lie below the file output {@code outer} (directory outputs may hold other outputs). */
    private static void below(CommandLine cmd, Map.Entry<String, Path> inner, Map.Entry<String, Path> outer) {
        if (DIRECTORY_OPTIONS.contains(outer.getKey())) {
            return;
        }
        Path ri = canonical(cmd, inner.getValue(), inner.getKey());
        Path ro = canonical(cmd, outer.getValue(), outer.getKey());
        Checks.require(cmd, ri.equals(ro) || !ri.startsWith(ro), inner.getKey() + " " + inner.getValue() + " lies inside "
                + outer.getKey() + " " + outer.getValue() + ", which is a file: give them separate places");
    }

    /**
     * An output must not be an input of the same command (after following symbolic links and hard
     * links): writing it would destroy what is being read.
     */
    static void notInput(CommandLine cmd, Path output, String option, Path input, String what) {
        if (output == null || input == null) {
            return;
        }
        Checks.require(cmd, !same(cmd, Map.entry(option, output), Map.entry(what, input)), option + " " + output + " is "
                + what + " itself: give another name");
    }

    /**
     * No output may be a file the command reads ({@code inputs}: each file with what it is, e.g. "the
     * data file X"): writing it would destroy what is being read. Devices and FIFOs are written in
     * place, not replaced, and are not compared.
     */
    static void notInputs(CommandLine cmd, Map<String, Path> outputs, Map<Path, String> inputs) {
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            if (o.getValue() == null || isStream(o.getValue())) {
                continue;
            }
            for (Map.Entry<Path, String> in : inputs.entrySet()) {
                notInput(cmd, o.getValue(), o.getKey(), in.getKey(), in.getValue());
            }
        }
    }

    /**
     * No output may be the checkpoint directory's lock file or take a checkpoint's name there: the
     * model would be renamed over the live lock, or replace a checkpoint that the next --resume needs
     * (or that the run's own clean-up deletes).
     */
    static void notCheckpointFiles(CommandLine cmd, Map<String, Path> outputs, Path checkpointDir) {
        if (checkpointDir == null) {
            return;
        }
        Path dir = canonical(cmd, checkpointDir, "--checkpoint-dir");
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            if (o.getValue() == null || o.getKey().equals("--checkpoint-dir") || isStream(o.getValue())) {
                continue;
            }
            Path out = canonical(cmd, o.getValue(), o.getKey());
            if (out.getParent() == null || !sameDirectory(out.getParent(), dir)) {
                continue;
            }
            String name = out.getFileName().toString();
            Checks.require(cmd, !name.equals(gpumlp.checkpoint.CheckpointLock.FILE), o.getKey() + " " + o.getValue()
                    + " is the lock file of --checkpoint-dir " + checkpointDir + ": give another name");
            Checks.require(cmd, !(name.startsWith("checkpoint-") && name.endsWith(".npz")), o.getKey() + " " + o.getValue()
                    + " is named like a checkpoint in --checkpoint-dir " + checkpointDir + ", where the run writes and deletes "
                    + "checkpoint-*.npz files: give another name");
        }
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return a.equals(b) || (Files.isDirectory(a) && Files.isDirectory(b) && Files.isSameFile(a, b));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean same(CommandLine cmd, Map.Entry<String, Path> a, Map.Entry<String, Path> b) {
        Path ra = canonical(cmd, a.getValue(), a.getKey());
        Path rb = canonical(cmd, b.getValue(), b.getKey());
        try {
            return ra.equals(rb) || (Files.exists(ra) && Files.exists(rb) && Files.isSameFile(ra, rb)); // hard links too
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The path with every symbolic link followed, those of its existing directories too, so that
     * data/../ds/x, a link to ds and ds itself compare equal even where x does not exist yet.
     */
    private static Path canonical(CommandLine cmd, Path p, String option) {
        Path real = real(cmd, p, option);
        Path existing = real;
        java.util.Deque<Path> missing = new java.util.ArrayDeque<>();
        while (existing != null && !Files.exists(existing)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return real;
        }
        try {
            Path canonical = existing.toRealPath();
            while (!missing.isEmpty()) {
                canonical = canonical.resolve(missing.pop());
            }
            return canonical;
        } catch (IOException e) {
            return real;
        }
    }

    /** The nearest existing ancestor of {@code dir} (missing directories are created) must be a writable directory. */
    private static void writableParent(CommandLine cmd, Path dir, String what) {
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        Checks.require(cmd, dir != null && Files.isDirectory(dir), what + ": " + dir + " is not a directory");
        Checks.require(cmd, Files.isWritable(dir), what + ": directory " + dir + " is not writable");
    }

    private static Path real(CommandLine cmd, Path p, String option) {
        try {
            return FileKind.followLinks(p);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cmd, option + " " + p + ": " + IoErrors.describe(e));
        }
    }

    private static boolean missingBehindLink(CommandLine cmd, Path p, String option) {
        try {
            return FileKind.missingBehindLink(p);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cmd, option + " " + p + ": " + IoErrors.describe(e));
        }
    }

    /** Whether {@code output} and {@code input} are one file, links followed (for messages of their own). */
    static boolean sameFile(CommandLine cmd, Path output, String option, Path input) {
        return same(cmd, Map.entry(option, output), Map.entry(option, input));
    }

    /** The kind of an output; one that cannot be inspected (a file "below" a file) counts as missing, for the parent check. */
    private static FileKind kind(CommandLine cmd, Path real, String option) {
        try {
            return FileKind.of(real);
        } catch (IOException e) {
            return FileKind.MISSING;
        }
    }
}
