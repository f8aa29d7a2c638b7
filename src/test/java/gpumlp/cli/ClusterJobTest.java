// Cluster-job features end to end through the CLI: checkpoint/resume, SIGTERM, sweeps and report, env defaults, JSON logs.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.model.ModelFile;
import gpumlp.model.Network;
import gpumlp.checkpoint.CheckpointFile;
import gpumlp.checkpoint.CheckpointStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterJobTest {
    private static final String SUBSET = CliTest.SUBSET;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static void assertSameWeights(Path a, Path b) {
        Network x = ModelFile.load(a).network();
        Network y = ModelFile.load(b).network();
        for (int l = 1; l <= x.layers(); l++) {
            assertArrayEquals(x.weights(l), y.weights(l), "W" + l);
        }
    }

    @Test
    void twoEpochsThenResumeToFourEqualsFourStraight() {
        String[] common = {"train", "--data", SUBSET, "--device", "cpu", "--hidden", "32", "--limit", "500", "--momentum", "0.9",
                "--lr", "0.05", "--batch-size", "16", "--progress", "never", "--patience", "3", "--select", "loss",
            "--schedule", "constant"}; // a cosine schedule is stretched by a larger --epochs
        CliTest.Run straight = CliTest.run(concat(common, "--epochs", "4", "-o", dir.resolve("a.npz").toString()));
        assertEquals(0, straight.code(), straight.err());
        Path ck = dir.resolve("ck");
        CliTest.Run first = CliTest.run(concat(common, "--epochs", "2", "--checkpoint-dir", ck.toString(), "-o",
                dir.resolve("b2.npz").toString()));
        assertEquals(0, first.code(), first.err());
        CliTest.Run rest = CliTest.run(concat(common, "--epochs", "4", "--checkpoint-dir", ck.toString(), "--resume", "-o",
                dir.resolve("b.npz").toString()));
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.err().contains("resuming after epoch 2"), rest.err());
        assertFalse(rest.out().contains("epoch   1 "), "epochs 1 and 2 are not trained again: " + rest.out());
        assertSameWeights(dir.resolve("a.npz"), dir.resolve("b.npz"));
    }

    @Test
    void resumeRefusesAnotherRunsCheckpointAndStartsFreshWithoutOne() {
        Path ck = dir.resolve("ck");
        String[] common = {"train", "--data", SUBSET, "--device", "cpu", "--hidden", "16", "--limit", "200", "--epochs", "1",
                "--checkpoint-dir", ck.toString(), "--resume", "-o", dir.resolve("m.npz").toString()};
        CliTest.Run fresh = CliTest.run(common);
        assertEquals(0, fresh.code(), fresh.err());
        assertTrue(fresh.err().contains("no checkpoint in " + ck + " yet: starting from epoch 1"), fresh.err());
        CliTest.Run other = CliTest.run(concat(common, "--lr", "0.05"));
        assertEquals(1, other.code());
        assertTrue(other.err().contains("learning_rate") && other.err().contains("another --checkpoint-dir"), other.err());
        CliTest.Run noDir = CliTest.run("train", "--data", SUBSET, "--resume");
        assertEquals(2, noDir.code());
        assertTrue(noDir.err().contains("--resume needs --checkpoint-dir"), noDir.err());
    }

    @Test
    void aNanLossStopsWithExitOneAndWritesNoCheckpoint() {
        Path ck = dir.resolve("ck");
        CliTest.Run r = CliTest.run("train", "--data", SUBSET, "--device", "cpu", "--hidden", "16", "--limit", "300",
                "--lr", "1e6", "--epochs", "3", "--checkpoint-dir", ck.toString(), "-o", dir.resolve("m.npz").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("diverged"), r.err());
        assertTrue(new CheckpointStore(ck, 1).list().isEmpty(), "no checkpoint of a diverged epoch");
        assertFalse(Files.exists(dir.resolve("m.npz")));
    }

    @Test
    void sigtermStopsARealTrainingProcessWithACheckpointThatResumesToTheSameWeights() throws Exception {
        Path ck = dir.resolve("ck");
        List<String> train = List.of("train", "--data", SUBSET, "--device", "cpu", "--threads", "1", "--hidden", "200",
                "--batch-size", "8", "--epochs", "6", "--momentum", "0.5", "--progress", "never");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"), "gpumlp.Main"));
        command.addAll(train);
        command.addAll(List.of("--checkpoint-dir", ck.toString(), "-o", dir.resolve("stopped.npz").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        CheckpointStore store = new CheckpointStore(ck, 3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.list().isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(p.isAlive(), "the run ended before the first checkpoint: " + Files.readString(dir.resolve("log.txt")));
        p.destroy(); // SIGTERM, twice: a scheduler (or srun and Apptainer) may each send one
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process did not stop");
        String log = Files.readString(dir.resolve("log.txt"));
        assertEquals(Cli.STOPPED, p.exitValue(), log);
        assertTrue(log.contains("SIGTERM received: stopping after the current step"), log);
        CheckpointFile.Loaded c = store.newestValid(w -> { throw new AssertionError(w); }).orElseThrow();
        assertTrue(c.state().epochsDone() < 6, "stopped before the end: " + c.state().position());
        assertTrue(c.state().samplesIntoEpoch() > 0, "the signal came between two steps of an epoch: " + c.state().position());
        assertFalse(Files.exists(dir.resolve("stopped.npz")), "a stopped run writes no model");

        List<String> resume = new ArrayList<>(train);
        resume.addAll(List.of("--checkpoint-dir", ck.toString(), "--resume", "-o", dir.resolve("resumed.npz").toString()));
        CliTest.Run rest = CliTest.run(resume.toArray(String[]::new));
        assertEquals(0, rest.code(), rest.err());
        List<String> all = new ArrayList<>(train);
        all.addAll(List.of("-o", dir.resolve("straight.npz").toString()));
        CliTest.Run straight = CliTest.run(all.toArray(String[]::new));
        assertEquals(0, straight.code(), straight.err());
        assertSameWeights(dir.resolve("straight.npz"), dir.resolve("resumed.npz"));
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java");
    }

    @Test
    void aSweepOfFourTinyRunsAndItsReport() throws IOException {
        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, "# four combinations\nparameters:\n  lr: [0.05, 0.2]\n  batch-size: [32, 64]\n");
        Path out = dir.resolve("sweep");
        String[] base = {"train", "--data", SUBSET, "--device", "cpu", "--hidden", "16", "--limit", "300", "--epochs", "1",
                "--sweep", sweep.toString(), "--sweep-dir", out.toString()};
        CliTest.Run r0 = CliTest.run(Map.of(), concat(base, "--sweep-index", "0"));
        assertEquals(0, r0.code(), r0.err());
        assertTrue(r0.out().contains("combination 0 of 4 (lr 0.05, batch-size 32)"), r0.out());
        assertEquals(0, CliTest.run(Map.of("JOB_COMPLETION_INDEX", "1"), base).code());
        assertEquals(0, CliTest.run(Map.of("SLURM_ARRAY_TASK_ID", "2"), base).code());

        CliTest.Run partial = CliTest.run("report", out.toString());
        assertEquals(0, partial.code(), partial.err());
        assertTrue(partial.err().contains("1 sweep combination(s) have no result yet: run-0003"), partial.err());

        assertEquals(0, CliTest.run(Map.of(), concat(base, "--sweep-index", "3")).code());
        JsonNode result = JSON.readTree(out.resolve("run-0003/result.json").toFile());
        assertEquals(64, result.path("settings").path("batch_size").asInt());
        assertEquals("0.2", result.path("sweep").path("parameters").path("lr").asText());
        assertTrue(Files.exists(out.resolve("run-0003/model.npz")) && Files.exists(out.resolve("run-0003/metrics.jsonl")));

        CliTest.Run table = CliTest.run("report", out.toString());
        assertEquals(0, table.code(), table.err());
        List<String> lines = table.out().strip().lines().toList();
        assertEquals(6, lines.size(), table.out());
        assertTrue(lines.get(5).startsWith("best by validation accuracy: " + lines.get(1).split(" +")[1]), table.out());
        assertTrue(lines.get(0).startsWith("rank  run") && lines.get(0).contains("lr") && lines.get(0).contains("batch-size"),
                lines.get(0));
        JsonNode json = JSON.readTree(CliTest.run("report", out.toString(), "--format", "json").out());
        assertEquals(4, json.size());
        for (int i = 1; i < 4; i++) {
            assertTrue(json.get(i - 1).path("validation_accuracy").asDouble() >= json.get(i).path("validation_accuracy").asDouble(),
                    "best first: " + json);
        }
        String csv = CliTest.run("report", out.toString(), "--format", "csv").out();
        assertEquals(5, csv.strip().lines().count(), csv);
        assertTrue(csv.startsWith("rank,run,lr,batch-size,validation_accuracy,validation_loss,test_accuracy"), csv);
    }

    @Test
    void sweepMistakesAreUsageErrorsOrClearFailures() throws IOException {
        Path sweep = dir.resolve("sweep.json");
        Files.writeString(sweep, "{\"parameters\": {\"lr\": [0.1, 0.2]}}");
        String[] base = {"train", "--data", SUBSET, "--sweep", sweep.toString(), "--sweep-dir", dir.toString()};
        CliTest.Run none = CliTest.run(Map.of(), base);
        assertEquals(2, none.code());
        assertTrue(none.err().contains("JOB_COMPLETION_INDEX") && none.err().contains("SLURM_ARRAY_TASK_ID"), none.err());
        CliTest.Run tooBig = CliTest.run(Map.of("SLURM_ARRAY_TASK_ID", "2"), base);
        assertEquals(2, tooBig.code());
        assertTrue(tooBig.err().contains("SLURM_ARRAY_TASK_ID is 2 but the sweep has 2 combinations (0 to 1)"), tooBig.err());
        CliTest.Run twice = CliTest.run(Map.of(), concat(base, "--sweep-index", "0", "--lr", "0.3"));
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("--lr is given on the command line and in the sweep file"), twice.err());
        CliTest.Run own = CliTest.run(Map.of(), concat(base, "--sweep-index", "0", "-o", dir.resolve("x.npz").toString()));
        assertEquals(2, own.code());
        assertTrue(own.err().contains("--output cannot be combined with --sweep"), own.err());
        Files.writeString(sweep, "parameters:\n  lr: [0.1]\n  --lr: [0.2]\n");
        CliTest.Run dup = CliTest.run(Map.of(), concat(base, "--sweep-index", "0"));
        assertEquals(1, dup.code());
        assertTrue(dup.err().contains("'lr' is listed twice"), dup.err());
        Files.writeString(sweep, "parameters:\n  lr: [0.1\n");
        CliTest.Run broken = CliTest.run(Map.of(), concat(base, "--sweep-index", "0"));
        assertEquals(1, broken.code());
        assertTrue(broken.err().contains("is not valid YAML or JSON (line") && broken.err().strip().lines().count() == 1,
                broken.err());
        Files.writeString(sweep, "parameters:\n  learning-rate: [0.1]\n");
        CliTest.Run unknown = CliTest.run(Map.of(), concat(base, "--sweep-index", "0"));
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("'learning-rate' is not a train option"), unknown.err());
    }

    @Test
    void aSweepForwardsShortSplitAndSwitchOptionsAndTakesItsFileFromTheEnvironment() throws IOException {
        Path sweep = dir.resolve("s.yaml");
        Files.writeString(sweep, "parameters:\n  lr: [0.1]\n  eager: [true]\n");
        Path out = dir.resolve("sw");
        Map<String, String> env = Map.of("GPU_MLP_SWEEP", sweep.toString(), "GPU_MLP_SWEEP_DIR", out.toString(),
                "JOB_COMPLETION_INDEX", "0", "GPU_MLP_PLOT", "curves.png");
        // --device auto: the GPU switches are refused with --device cpu (on a machine without a GPU, auto trains on the CPU)
        CliTest.Run r = CliTest.run(env, "train", "--data", SUBSET, "--device", "auto", "-b", "32", "--hidden", "8,8", "--limit", "200",
                "--epochs", "1", "--tf32");
        assertEquals(0, r.code(), r.err());
        JsonNode result = JSON.readTree(out.resolve("run-0000/result.json").toFile());
        assertEquals(32, result.path("settings").path("batch_size").asInt());
        assertEquals("[8,8]", result.path("settings").path("hidden").toString());
        assertEquals(0.1, result.path("settings").path("learning_rate").asDouble());
        assertTrue(Files.exists(out.resolve("run-0000/curves.png")), "GPU_MLP_PLOT is drawn in the combination's directory");
    }

    @Test
    void aCheckpointDirectoryOfAnotherRunIsNotReusedWithoutResume() {
        Path ck = dir.resolve("ck");
        String[] run = {"train", "--data", SUBSET, "--device", "cpu", "--hidden", "8", "--limit", "200", "--epochs", "1",
                "--checkpoint-dir", ck.toString(), "-o", dir.resolve("m.npz").toString()};
        assertEquals(0, CliTest.run(run).code());
        CliTest.Run again = CliTest.run(run);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already holds checkpoints of a run: add --resume"), again.err());
        CliTest.Run file = CliTest.run("train", "--data", SUBSET, "--checkpoint-dir", dir.resolve("m.npz").toString());
        assertEquals(2, file.code());
        assertTrue(file.err().contains("is a file, not a directory"), file.err());
    }

    @Test
    void optionsComeFromTheEnvironmentAndTheCommandLineWins() {
        Map<String, String> env = new HashMap<>(Map.of("GPU_MLP_DATA", SUBSET, "GPU_MLP_DEVICE", "cpu", "GPU_MLP_HIDDEN", "16",
                "GPU_MLP_LIMIT", "200", "GPU_MLP_EPOCHS", "3", "GPU_MLP_OUTPUT", dir.resolve("env.npz").toString()));
        CliTest.Run r = CliTest.run(env, "train", "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("training 784-16-10 on mnist-subset train (images 1 to 167)"), r.out());
        assertTrue(r.out().contains(", 1 epoch, ") && !r.out().contains("epoch   2"), r.out());
        assertTrue(Files.exists(dir.resolve("env.npz")));
        CliTest.Run bad = CliTest.run(Map.of("GPU_MLP_EPOCHS", "many"), "train", "--data", SUBSET);
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--epochs") && bad.err().contains("many"), bad.err());
        assertTrue(CliTest.run("--help").out().contains("GPU_MLP_"), "the help names the environment variables");
    }

    @Test
    void jsonLogsAreOneObjectPerLineErrorsIncluded() throws IOException {
        CliTest.Run r = CliTest.run("train", "--data", SUBSET, "--device", "auto", "--hidden", "16", "--limit", "200",
                "--epochs", "2", "--log-format", "json", "--checkpoint-dir", dir.resolve("ck").toString(),
                "-o", dir.resolve("m.npz").toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : (r.out() + r.err()).strip().split("\n")) {
            lines.add(JSON.readTree(line)); // throws on a line that is not JSON
        }
        assertTrue(lines.stream().allMatch(j -> j.has("time") && j.has("level") && j.has("msg")), lines.toString());
        List<JsonNode> epochs = lines.stream().filter(j -> "epoch".equals(j.path("event").asText())).toList();
        assertEquals(2, epochs.size());
        assertTrue(epochs.get(1).path("validation_accuracy").asDouble() > 0.1, epochs.get(1).toString());
        assertTrue(lines.stream().anyMatch(j -> j.path("msg").asText().startsWith("device: ")), "the device line too");
        CliTest.Run bad = CliTest.run("train", "--data", dir.resolve("nowhere").toString(), "--log-format", "json");
        assertEquals(1, bad.code());
        JsonNode err = JSON.readTree(bad.err().strip());
        assertEquals("error", err.path("level").asText());
        assertTrue(err.path("msg").asText().contains("nowhere"), bad.err());
        CliTest.Run usage = CliTest.run("train", "--epochs", "0", "--log-format", "json");
        assertEquals(2, usage.code());
        JsonNode u = JSON.readTree(usage.err().strip());
        assertTrue(u.path("msg").asText().contains("--epochs must be at least 1"), usage.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
