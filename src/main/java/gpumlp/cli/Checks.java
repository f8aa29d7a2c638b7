// Usage checks shared by the commands: each failure is a picocli usage error (exit code 2) with a one-line message.
package gpumlp.cli;

import java.nio.file.Path;
import picocli.CommandLine;

final class Checks {
    private Checks() {}

    static void require(CommandLine cmd, boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(cmd, message);
        }
    }

    /** A learning rate the float32 backends can hold: positive, finite, not rounded to 0 or infinity. */
    static void float32Rate(CommandLine cmd, double rate, String message) {
        float f = (float) rate;
        require(cmd, f > 0f && Float.isFinite(f), message);
    }

    /**
     * The first epoch (0-based) whose rate a float32 backend cannot hold, or -1. Every schedule's rate
     * never grows from one epoch to the next, so the bad epochs are a suffix: a binary search finds
     * the first one at once, even for --epochs 2147483647.
     */
    static int firstEpochWithoutFloat32Rate(gpumlp.train.Schedule schedule, int epochs) {
        java.util.function.IntPredicate bad = e -> {
            float f = (float) schedule.rate(e, epochs);
            return !(f > 0f && Float.isFinite(f));
        };
        if (bad.test(0)) {
            return 0;
        }
        if (!bad.test(epochs - 1)) {
            return -1;
        }
        int ok = 0;
        int fails = epochs - 1;
        while (fails - ok > 1) {
            int mid = ok + (fails - ok) / 2;
            if (bad.test(mid)) {
                fails = mid;
            } else {
                ok = mid;
            }
        }
        return fails;
    }

    /** An output file: see {@link OutputChecks#file}. */
    static void writableFile(CommandLine cmd, Path file, String option) {
        OutputChecks.file(cmd, file, option);
    }
}
