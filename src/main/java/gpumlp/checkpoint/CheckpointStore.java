// A checkpoint directory: writes checkpoint-eEEEE-sSSSSSSSS.npz files, keeps the newest few, finds the newest valid one.
package gpumlp.checkpoint;

import gpumlp.UserError;
import gpumlp.train.TrainState;
import gpumlp.util.AtomicFiles;
import gpumlp.util.FileKind;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * File names carry the position (epochs done, then samples into the next epoch), which orders them;
 * the newest checkpoint is the furthest position. A damaged newest checkpoint (a write cut short by a kill, a disk
 * error) is skipped with a warning and the one before it is used.
 */
public final class CheckpointStore {
    private static final Pattern NAME = Pattern.compile("checkpoint-e(\\d{4,})-s(\\d{8,})\\.npz");

    private final Path dir;
    private final int keep;
    /** Names of the checkpoints {@link #newestValid} skipped: never replaced nor deleted (another version's may be precious). */
    private final Set<String> skipped = new LinkedHashSet<>();

    /** keep: how many checkpoints to keep (at least 1). */
    public CheckpointStore(Path dir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1: " + keep);
        }
        this.dir = dir;
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    /** The file a state is saved to. */
    Path fileFor(TrainState s) {
        return dir.resolve(String.format(Locale.ROOT, "checkpoint-e%04d-s%08d.npz", s.epochsDone(), s.samplesIntoEpoch()));
    }

    /** Saves atomically, then deletes all but the newest {@code keep}. Returns the file written. */
    public Path save(TrainState s, Map<String, Object> settings, Map<String, String> data) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create checkpoint directory " + dir + ": " + IoErrors.describe(e), e);
        }
        Path file = fileFor(s);
        refuseLink(file);
        if (skipped.contains(file.getFileName().toString())) {
            throw new UserError("cannot write checkpoint " + file + ": the checkpoint there was skipped as unusable and "
                    + "is never replaced: move it away, or use another --checkpoint-dir");
        }
        FileKind kind = kindOf(file);
        if (kind != FileKind.MISSING && kind != FileKind.REGULAR) { // a FIFO would block the run, a device swallow it
            throw new UserError("cannot write checkpoint " + file + ": it is " + kind.description() + "; remove it");
        }
        AtomicFiles.removeStaleTempFiles(dir, NAME); // of checkpoints whose writer was killed
        refuseLink(file); // again, just before writing (AtomicFiles would write a link's target)
        CheckpointFile.save(file, s, settings, data);
        List<Path> all = list();
        int at = all.indexOf(file);
        // the newest `keep` up to this one stay; nothing after it (another run's) is touched, nor a skipped one or a link
        for (int i = 0; i <= at - keep; i++) {
            Path old = all.get(i);
            if (skipped.contains(old.getFileName().toString()) || !Files.isRegularFile(old, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                // an old checkpoint that cannot be deleted costs space, not correctness
            }
        }
        return file;
    }

    /**
     * A symbolic link under a checkpoint's name is refused, as the lock file's is: anyone who can write into a shared
     * directory could plant one to make the run replace the file it names.
     */
    private void refuseLink(Path file) {
        if (!Files.isSymbolicLink(file)) {
            return;
        }
        String target;
        try {
            target = " to " + Files.readSymbolicLink(file);
        } catch (IOException e) {
            target = "";
        }
        throw new UserError("cannot write checkpoint " + file + ": it is a symbolic link" + target
                + ": remove the link; a run never writes through one there");
    }

    private static FileKind kindOf(Path file) {
        try {
            return FileKind.of(file);
        } catch (IOException e) {
            throw new UserError("cannot write checkpoint " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /** Checkpoint files, oldest first. */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> number(p, 1)).thenComparing(p -> number(p, 2))).toList());
        } catch (IOException e) {
            throw new UserError("cannot list checkpoint directory " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    /** A position number of the name; any number of digits (a hand-made name may overflow a long). */
    private static java.math.BigInteger number(Path p, int group) {
        java.util.regex.Matcher m = NAME.matcher(p.getFileName().toString());
        m.matches();
        return new java.math.BigInteger(m.group(group));
    }

    /** The newest checkpoint that reads back whole; each damaged newer one is reported to {@code warn} and skipped. */
    public Optional<CheckpointFile.Loaded> newestValid(Consumer<String> warn) {
        return newestValid(warn, c -> null);
    }

    /**
     * The newest checkpoint that reads back whole and fits: {@code misfit} says why one does not (null:
     * it fits), and may throw to refuse the directory. Each one skipped is reported to {@code warn}.
     */
    public Optional<CheckpointFile.Loaded> newestValid(Consumer<String> warn, Function<CheckpointFile.Loaded, String> misfit) {
        List<Path> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path file = all.get(i);
            CheckpointFile.Loaded c;
            try {
                c = CheckpointFile.load(file);
            } catch (UserError e) {
                skipped.add(file.getFileName().toString());
                warn.accept("skipping checkpoint " + file + ": " + reason(e.getMessage(), "checkpoint " + file));
                continue;
            }
            String why = misfit.apply(c); // outside the try: its refusal of the directory is not a skip
            if (why == null) {
                return Optional.of(c);
            }
            skipped.add(file.getFileName().toString());
            warn.accept("skipping checkpoint " + file + ": " + why);
        }
        return Optional.empty();
    }

    /** The checkpoints {@link #newestValid} skipped, newest first. */
    public List<Path> skipped() {
        return skipped.stream().map(dir::resolve).toList();
    }

    /**
     * Renames a skipped checkpoint out of a run's way, to its name plus ".skipped" (or ".skipped-2", ...: an
     * existing file is never replaced); the new name is no checkpoint's, so no run lists, replaces or deletes it.
     */
    public Path setAside(Path file) {
        for (int n = 1; n <= 100; n++) {
            Path to = dir.resolve(file.getFileName() + (n == 1 ? ".skipped" : ".skipped-" + n));
            try {
                Files.move(file, to); // a link is renamed itself, never followed
                skipped.remove(file.getFileName().toString());
                return to;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // the next number
            } catch (IOException e) {
                throw new UserError("cannot move unusable checkpoint " + file + " out of the run's way: "
                        + IoErrors.describe(e) + ": move it away, or use another --checkpoint-dir", e);
            }
        }
        throw new UserError("cannot move unusable checkpoint " + file + " out of the run's way: " + file.getFileName()
                + ".skipped to .skipped-100 all exist: move them away, or use another --checkpoint-dir");
    }

    /** True when a run of {@code epochs} epochs reaches the position in {@code file}'s name (and would write there). */
    static boolean withinRun(Path file, int epochs) {
        int c = number(file, 1).compareTo(java.math.BigInteger.valueOf(epochs));
        return c < 0 || (c == 0 && number(file, 2).signum() == 0);
    }

    /**
     * What is wrong, without the file's name that starts most messages: "checkpoint F has no X" becomes "it has
     * no X", "checkpoint F: X is 5" becomes "X is 5", "checkpoint F, entry W1.npy: ..." becomes "entry W1.npy: ...".
     */
    static String reason(String message, String source) {
        if (!message.startsWith(source)) {
            return message;
        }
        String rest = message.substring(source.length());
        if (rest.startsWith(": ") || rest.startsWith(", ")) {
            return rest.substring(2);
        }
        return rest.startsWith(" ") ? "it" + rest : message;
    }
}
