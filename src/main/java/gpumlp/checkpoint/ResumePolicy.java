// Which checkpoint a resumed run continues from: the newest valid one, if it was written by this run's settings and data.
package gpumlp.checkpoint;

import gpumlp.UserError;
import gpumlp.train.TrainState;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

public final class ResumePolicy {
    private ResumePolicy() {
    }

    /**
     * What a checkpoint must agree with to be resumed.
     *
     * @param settings the run's settings as written into every checkpoint
     * @param checksums the data files' checksums as written into every checkpoint
     * @param dataDir the data directory, named when the data differ
     * @param sizes the network's layer sizes
     * @param samples the number of training samples in an epoch
     */
    public record Run(Map<String, Object> settings, Map<String, String> checksums, Path dataDir, int[] sizes,
                      int samples, int batchSize, int epochs) {
    }

    /**
     * The newest valid checkpoint's state, after checking that it belongs to this run; null (start
     * from scratch) when the directory has none. Damaged checkpoints are skipped, each with a warning, and
     * so is one whose position cannot be this run's (it has the run's settings and data, so it is damaged);
     * one of another run is a {@link UserError}. A skipped checkpoint is never replaced nor deleted: one within the
     * run's epochs (where the run would write) is renamed out of its way, and a directory of nothing but skipped
     * ones is a {@link UserError} (starting afresh there would replace them as the names come round).
     */
    public static TrainState resumeState(CheckpointStore store, Run run, Consumer<String> warn, Consumer<String> note) {
        Optional<CheckpointFile.Loaded> found = store.newestValid(warn, c -> {
            requireSameRun(store, run, c);
            return misfit(run, c.state());
        });
        List<Path> skipped = store.skipped();
        if (found.isEmpty() && !skipped.isEmpty()) { // starting afresh would replace them as the names come round
            throw new UserError("checkpoint directory " + store.dir() + " holds " + (skipped.size() == 1
                    ? "a checkpoint" : skipped.size() + " checkpoints") + " this run cannot use (see the warning"
                    + (skipped.size() == 1 ? "" : "s") + "): move " + (skipped.size() == 1 ? "it" : "them")
                    + " away, or use another --checkpoint-dir; a run never replaces one");
        }
        if (found.isEmpty()) {
            note.accept("no checkpoint in " + store.dir() + " yet: starting from epoch 1");
            return null;
        }
        CheckpointFile.Loaded c = found.get();
        if (c.state().epochsDone() > run.epochs()) {
            throw new UserError("the checkpoint in " + store.dir() + " is after epoch " + c.state().epochsDone()
                    + ", beyond --epochs " + run.epochs());
        }
        for (Path ahead : skipped) { // newer than c: the run's own checkpoints would replace or delete it
            if (CheckpointStore.withinRun(ahead, run.epochs())) {
                Path kept = store.setAside(ahead);
                note.accept("kept the unusable checkpoint " + ahead.getFileName() + " as " + kept.getFileName()
                        + ": a run never replaces one");
            }
        }
        note.accept("resuming " + c.state().position() + " from " + store.dir());
        return c.state();
    }

    /** Refuses a checkpoint written with other settings, data or layer sizes: another run's. */
    private static void requireSameRun(CheckpointStore store, Run run, CheckpointFile.Loaded c) {
        Map<String, Object> now = comparable(run.settings());
        Map<String, Object> then = comparable(c.settings());
        Set<String> keys = new LinkedHashSet<>(now.keySet());
        keys.addAll(then.keySet());
        for (String key : keys) {
            if (!String.valueOf(now.get(key)).equals(String.valueOf(then.get(key)))) {
                throw new UserError("the checkpoint in " + store.dir() + " was written with " + key + " = "
                        + then.get(key) + " but this run has " + now.get(key)
                        + ": use the same settings to resume, or another --checkpoint-dir");
            }
        }
        if (!c.data().equals(run.checksums())) {
            throw new UserError("the checkpoint in " + store.dir() + " was written for other data files than those in "
                    + run.dataDir() + ": use the same data to resume, or another --checkpoint-dir");
        }
        if (!Arrays.equals(c.state().weights().sizes(), run.sizes())) {
            throw new UserError("the checkpoint in " + store.dir() + " holds a " + c.state().weights().shape()
                    + " network, not " + Arrays.toString(run.sizes()));
        }
    }

    /** Why a checkpoint of this run's settings and data cannot be where the run stood (so it is damaged); null if it fits. */
    private static String misfit(Run run, TrainState s) {
        int into = s.samplesIntoEpoch();
        if (into >= run.samples() || into % run.batchSize() != 0) {
            return "it stands " + s.position() + ", which does not fit " + run.samples() + " samples in batches of "
                    + run.batchSize();
        }
        for (var r : s.records()) {
            if (r.samples() != run.samples()) {
                return "its epoch " + r.epoch() + " trained " + r.samples() + " samples, not the run's " + run.samples();
            }
        }
        return null;
    }

    /**
     * Settings that must agree to resume: all but the number of epochs (a resumed run may train longer).
     * A setting written only when in use (deformations) counts when either side has it.
     */
    private static Map<String, Object> comparable(Map<String, Object> settings) {
        Map<String, Object> m = new LinkedHashMap<>(settings);
        m.remove("epochs");
        return m;
    }
}
