// A sweep's plot goes into each run's directory, a bad value in a sweep file is the file's fault and claims nothing, and report counts each run once at any depth.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.sweep.SweepOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepHostileTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};
    @TempDir
    Path dir;

    private CliTest.Run sweep(Map<String, String> env, Path file, Path out, int index, String... more) {
        String[] base = HostileCorpusTest.tinyTrain(CliTest.SUBSET, "--sweep", file.toString(), "--sweep-index",
                Integer.toString(index), "--sweep-dir", out.toString());
        return CliTest.run(env, ClusterJobTest.concat(base, more));
    }

    private static void usageError(CliTest.Run r, String start) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("gpu-mlp: " + start), r.err());
        assertEquals(2, r.err().strip().lines().count(), "one line, and the pointer to --help: " + r.err());
    }

    private static boolean isPng(Path p) throws IOException {
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(p), 4);
        return java.util.Arrays.equals(PNG, head);
    }

    @Test
    void eachCombinationDrawsItsPlotIntoItsOwnDirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("s.yaml"), "parameters:\n  lr: [0.05, 0.1]\n");
        Path out = dir.resolve("sw");
        CliTest.Run first = sweep(Map.of(), file, out, 0, "--plot", "curves.png");
        assertEquals(0, first.code(), first.err());
        assertTrue(isPng(out.resolve("run-0000/curves.png")), "the plot is in the run's directory, beside its model");
        CliTest.Run second = sweep(Map.of("GPU_MLP_PLOT", "curves.png"), file, out, 1); // the environment's is honoured
        assertEquals(0, second.code(), second.err());
        assertTrue(isPng(out.resolve("run-0001/curves.png")), "each combination has its own plot");
        assertFalse(Files.exists(Path.of("curves.png")), "no plot shared by the array tasks in the working directory");
    }

    @Test
    void aSweepsPlotMayNotBeTheSweepRecordOrAnotherRunsFile() throws IOException {
        Path file = Files.writeString(dir.resolve("s.yaml"), "parameters:\n  lr: [0.05, 0.1]\n");
        Path out = dir.resolve("sw");
        assertEquals(0, sweep(Map.of(), file, out, 0).code());
        byte[] record = Files.readAllBytes(out.resolve(SweepOwner.FILE));
        byte[] model = Files.readAllBytes(out.resolve("run-0000/model.npz"));
        usageError(sweep(Map.of(), file, out, 1, "--plot", out.resolve(SweepOwner.FILE).toString()), "--plot "
                + out.resolve(SweepOwner.FILE) + ": in a sweep, --plot takes a file name such as curves.png, which each "
                + "combination draws into its own directory (" + out.resolve("run-NNNN/curves.png") + ")");
        usageError(sweep(Map.of(), file, out, 1, "--plot", out.resolve("run-0000/model.npz").toString()), "--plot "
                + out.resolve("run-0000/model.npz") + ": in a sweep, --plot takes a file name");
        usageError(sweep(Map.of(), file, out, 1, "--plot", "model.npz"), "--plot model.npz is the name of the run's model");
        usageError(sweep(Map.of(), file, out, 1, "--plot", "checkpoints"), "--plot checkpoints is the name of the run's "
                + "checkpoint directory");
        CliTest.Run env = sweep(Map.of("GPU_MLP_PLOT", dir.resolve("shared.png").toString()), file, out, 1);
        usageError(env, "--plot " + dir.resolve("shared.png") + ": in a sweep, --plot takes a file name");
        assertTrue(env.err().contains("(set by GPU_MLP_PLOT=" + dir.resolve("shared.png") + " in the environment)"), env.err());
        assertArrayEquals(record, Files.readAllBytes(out.resolve(SweepOwner.FILE)), "the sweep record is untouched");
        assertArrayEquals(model, Files.readAllBytes(out.resolve("run-0000/model.npz")), "the other run's model is untouched");
        assertFalse(Files.exists(out.resolve("run-0001")), "refused before the run's directory is made");
        assertEquals(0, sweep(Map.of(), file, out, 1).code(), "the sweep goes on");
    }

    @Test
    void aBadValueInTheSweepFileIsTheFilesFaultAndLeavesTheDirectoryFree() throws IOException {
        Path file = Files.writeString(dir.resolve("b.yaml"), "parameters:\n  lr: [0.1]\n  seed: [\"--output=x\"]\n");
        Path out = dir.resolve("sb");
        CliTest.Run bad = sweep(Map.of(), file, out, 0);
        assertEquals(1, bad.code(), bad.err());
        assertTrue(bad.err().startsWith("gpu-mlp: sweep file " + file + ": parameter 'seed' has the value '--output=x', "
                + "which train refuses: "), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertFalse(Files.exists(out), "nothing claimed, nothing made");
        assertFalse(Files.exists(Path.of("x")), "the value is no option");

        Files.writeString(file, "parameters:\n  lr: [0.1]\n  momentum: [-1]\n"); // refused after parsing, by train's checks
        CliTest.Run range = sweep(Map.of(), file, out, 0);
        assertEquals(1, range.code(), range.err());
        assertTrue(range.err().startsWith("gpu-mlp: sweep file " + file + ": parameter 'momentum' has the value '-1', which "
                + "train refuses: --momentum must be in [0, 1), got -1.0"), range.err());
        assertFalse(Files.exists(out));

        CliTest.Run own = sweep(Map.of(), file, out, 0, "--batch-size", "0"); // the command line's own fault comes first
        usageError(own, "--batch-size must be at least 1, got 0");
        assertFalse(Files.exists(out));

        Files.writeString(file, "parameters:\n  lr: [0.1]\n  seed: [\"1\"]\n");
        CliTest.Run fixed = sweep(Map.of(), file, out, 0);
        assertEquals(0, fixed.code(), "the corrected file is the directory's sweep: " + fixed.err());
    }

    @Test
    void reportCountsALinkedRunOnceAndFindsRunsAtAnyDepth() throws IOException {
        Path file = Files.writeString(dir.resolve("s.yaml"), "parameters:\n  lr: [0.05, 0.1]\n");
        Path out = dir.resolve("rd/2026/exp1/sweepA");
        assertEquals(0, sweep(Map.of(), file, out, 0).code());
        assertEquals(0, sweep(Map.of(), file, out, 1).code());
        Files.createSymbolicLink(out.resolve("best"), Path.of("run-0001"));
        CliTest.Run linked = CliTest.run("report", out.toString(), "--format", "csv");
        assertEquals(0, linked.code(), linked.err());
        assertEquals(3, linked.out().strip().lines().count(), "the header and each run once: " + linked.out());
        assertFalse(linked.out().contains(",best,"), "the run is named by its own directory: " + linked.out());
        CliTest.Run deep = CliTest.run("report", dir.resolve("rd").toString());
        assertEquals(0, deep.code(), deep.err());
        assertTrue(deep.out().lines().anyMatch(l -> l.matches("\\d +2026/exp1/sweepA/run-0000 .*")), deep.out());
        assertTrue(deep.out().lines().anyMatch(l -> l.matches("best by validation accuracy: 2026/exp1/sweepA/run-000[01] .*")),
                deep.out());
    }
}
