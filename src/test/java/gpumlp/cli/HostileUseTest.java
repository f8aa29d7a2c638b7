// The failures of issue 11 end to end: shared checkpoint dirs, colliding outputs, FIFOs, special targets, odd names.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gpumlp.checkpoint.CheckpointStore;
import gpumlp.util.FileKind;
import gpumlp.util.SpecialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostileUseTest {
    private static final Duration HANG = Duration.ofSeconds(30);
    @TempDir
    static Path dir;
    static Path tiny;

    @BeforeAll
    static void trainTinyModel() {
        tiny = HostileCorpusTest.trainTiny(dir);
    }

    /** Runs in-process, failing (rather than hanging the build) if the command does not return. */
    private static CliTest.Run run(String... args) {
        return assertTimeoutPreemptively(HANG, () -> CliTest.run(args), "the command hangs");
    }

    private static String[] tinyTrain(String... more) {
        return HostileCorpusTest.tinyTrain(CliTest.SUBSET, more);
    }

    @Test
    void twoProcessesCannotShareACheckpointDirectoryButAKilledOneDoesNotBlockItsRestart() throws Exception {
        Path ck = dir.resolve("shared-ck");
        // Bounded by timeout(1) as well: a test JVM killed from outside (a mutation-testing minion that timed out)
        // cannot run its finally block, and the holder must not train on for hours as an orphan.
        List<String> first = new ArrayList<>(List.of("timeout", "-s", "KILL", "300", ClusterJobTest.javaBinary(), "-cp",
                System.getProperty("java.class.path"), "gpumlp.Main"));
        first.addAll(List.of(HostileCorpusTest.tinyTrain(CliTest.SUBSET, "--epochs", "100000", "--checkpoint-every", "100000",
                "--seed", "7", "--checkpoint-dir", ck.toString(), "-o", dir.resolve("first.npz").toString())));
        Process a = new ProcessBuilder(first).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
        try {
            Path lock = ck.resolve(".gpu-mlp.lock");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (a.isAlive() && System.nanoTime() < deadline && !(Files.exists(lock) && Files.size(lock) > 0)) {
                Thread.sleep(10);
            }
            assertTrue(a.isAlive(), "the first run ended early: " + Files.readString(dir.resolve("first.log")));
            CliTest.Run second = run(tinyTrain("--seed", "8", "--checkpoint-dir", ck.toString(), "-o",
                    dir.resolve("second.npz").toString()));
            assertEquals(1, second.code(), second.err());
            long holder = a.children().findFirst().orElseThrow().pid(); // the JVM under timeout(1)
            assertTrue(second.err().contains("checkpoint directory " + ck + " is in use by another run (pid " + holder + " "),
                    second.err());
            assertFalse(second.out().contains("epoch"), "refused before any training: " + second.out());
        } finally {
            // SIGKILL, the JVM under timeout(1) included: no chance to release anything itself; then wait
            // until each has ended, as the restart below must find the lock released by the kernel
            List<ProcessHandle> killed = new ArrayList<>(a.descendants().toList());
            killed.add(a.toHandle());
            killed.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : killed) {
                h.onExit().get(60, TimeUnit.SECONDS);
            }
        }
        CliTest.Run restart = run(tinyTrain("--seed", "7", "--checkpoint-dir", ck.toString(), "--resume", "-o",
                dir.resolve("first.npz").toString()));
        assertEquals(0, restart.code(), restart.err());
    }

    @Test
    void runningOutOfMemoryIsOneLineThatSuggestsLimitOnlyForTrain() throws Exception {
        List<String> command = new ArrayList<>(List.of(ClusterJobTest.javaBinary(), "-Xmx12m", "-cp",
                System.getProperty("java.class.path"), "gpumlp.Main", "train", "--data", CliTest.SUBSET, "--epochs", "1",
                "--hidden", "2000", "--threads", "1", "--device", "cpu", "-o", dir.resolve("oom.npz").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process did not end");
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("gpu-mlp: out of memory: give the JVM more heap (java -Xmx8g -jar ...) or train on fewer "
                + "samples with --limit"), out);
        assertFalse(out.contains("Exception") || out.contains("\tat "), out);
    }

    @Test
    void outputsNamingTheSameFileAreAUsageErrorBeforeAnyWork() throws IOException {
        String m = dir.resolve("same.npz").toString();
        for (String[] pair : new String[][] {{"--result", m}, {"--metrics", m}, {"--plot", m}}) {
            CliTest.Run r = run(tinyTrain("-o", m, pair[0], pair[1]));
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(pair[0] + " " + m + " and --output " + m + " are the same file"), r.err());
            assertFalse(Files.exists(dir.resolve("same.npz")));
        }
        Path real = dir.resolve("real.jsonl");
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), real);
        CliTest.Run viaLink = run(tinyTrain("-o", dir.resolve("x.npz").toString(), "--metrics", real.toString(),
                "--result", link.toString()));
        assertEquals(2, viaLink.code(), viaLink.err());
        assertTrue(viaLink.err().contains("are the same file"), viaLink.err());
    }

    @Test
    void deviceNodesAndFifosAsOutputsAreWrittenInPlaceAndMayBeShared() throws Exception {
        Path devNull = SpecialFiles.nullDevice(dir.resolve("null-device"));
        Path fifo = SpecialFiles.fifo(dir.resolve("metrics-pipe"));
        var reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliTest.Run r = run(tinyTrain("-o", devNull.toString(), "--plot", devNull.toString(), "--result", devNull.toString(),
                "--metrics", fifo.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(assertTimeoutPreemptively(HANG, () -> reader.get()).startsWith("{\"epoch\":1,"));
        assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(devNull));
        assertEquals(FileKind.FIFO, FileKind.of(fifo));
    }

    @Test
    void aFifoGivenAsAnInputIsRefusedAtOnce() throws IOException {
        Path fifo = SpecialFiles.fifo(dir.resolve("input-pipe"));
        String refused = "is a FIFO (named pipe), not a regular file";
        CliTest.Run model = run("predict", "--device", "cpu", "--model", fifo.toString(), "--index", "0", "--data",
                CliTest.SUBSET);
        CliTest.Run image = run("predict", "--device", "cpu", "--model", tiny.toString(), fifo.toString());
        CliTest.Run eval = run("eval", "--device", "cpu", "--model", fifo.toString(), "--data", CliTest.SUBSET);
        CliTest.Run sweep = run(tinyTrain("--sweep", fifo.toString(), "--sweep-index", "0", "--sweep-dir",
                dir.resolve("sw").toString()));
        for (CliTest.Run r : List.of(model, image, eval, sweep)) {
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains(refused), r.err());
        }

        Path runs = Files.createDirectories(dir.resolve("runs/run-0000"));
        SpecialFiles.fifo(runs.resolve("result.json"));
        CliTest.Run report = run("report", dir.resolve("runs").toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.err().contains("warning: unreadable result") && report.err().contains(refused), report.err());

        Path data = Files.createDirectories(dir.resolve("fifo-data"));
        try (Stream<Path> files = Files.list(Path.of(CliTest.SUBSET))) {
            for (Path f : files.toList()) {
                Files.copy(f, data.resolve(f.getFileName()));
            }
        }
        Files.delete(data.resolve("t10k-labels-idx1-ubyte.gz"));
        SpecialFiles.fifo(data.resolve("t10k-labels-idx1-ubyte"));
        CliTest.Run train = run(HostileCorpusTest.tinyTrain(data.toString(), "-o", dir.resolve("d.npz").toString()));
        assertEquals(1, train.code(), train.err());
        assertTrue(train.err().contains("t10k-labels-idx1-ubyte is a FIFO"), train.err());
    }

    @Test
    void aFifoOrJunkWithACheckpointNameIsSkippedAndTheRealCheckpointResumed() throws IOException {
        Path ck = dir.resolve("odd-names");
        assertEquals(0, run(tinyTrain("--checkpoint-dir", ck.toString(), "-o", dir.resolve("o1.npz").toString())).code());
        SpecialFiles.fifo(ck.resolve("checkpoint-e0005-s00000000.npz"));
        Files.writeString(ck.resolve("checkpoint-e99999999999999999999-s00000000.npz"), "junk");
        CliTest.Run r = run(tinyTrain("--epochs", "2", "--checkpoint-dir", ck.toString(), "--resume", "-o",
                dir.resolve("o2.npz").toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("skipping checkpoint " + ck.resolve("checkpoint-e99999999999999999999-s00000000.npz")),
                r.err());
        assertTrue(r.err().contains("checkpoint-e0005-s00000000.npz: it is a FIFO"), r.err());
        assertTrue(r.err().contains("resuming after epoch 1"), r.err());

        SpecialFiles.fifo(ck.resolve("checkpoint-e0003-s00000000.npz")); // where this run writes: moved out of its way
        CliTest.Run aside = run(tinyTrain("--epochs", "3", "--checkpoint-dir", ck.toString(), "--resume", "-o",
                dir.resolve("o3.npz").toString()));
        assertEquals(0, aside.code(), aside.err());
        assertTrue(aside.err().contains("kept the unusable checkpoint checkpoint-e0003-s00000000.npz as "
                + "checkpoint-e0003-s00000000.npz.skipped"), aside.err());
        assertEquals(gpumlp.util.FileKind.FIFO, gpumlp.util.FileKind.of(ck.resolve("checkpoint-e0003-s00000000.npz.skipped")));
        assertTrue(Files.isRegularFile(ck.resolve("checkpoint-e0003-s00000000.npz")), "the run's own checkpoint");
    }

    @Test
    void aHugeEpochCountWithMissingDataFailsAtOnce() {
        CliTest.Run r = run("train", "--data", dir.resolve("nonexistent").toString(), "--epochs", "2147483647",
                "--schedule", "constant");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("does not exist"), r.err());
        CliTest.Run underflow = run(tinyTrain("--epochs", "2147483647", "--schedule", "step", "--step-every", "1",
                "--step-gamma", "0.5", "--lr", "0.2"));
        assertEquals(2, underflow.code(), underflow.err());
        assertTrue(underflow.err().contains("the learning rate in epoch 149 would be"), underflow.err());
    }

    @Test
    void aCheckpointDirectoryThatCannotBeCreatedIsReportedBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        CliTest.Run underFile = run(tinyTrain("--checkpoint-dir", file.resolve("ck").toString()));
        assertEquals(2, underFile.code(), underFile.err());
        assertTrue(underFile.err().contains("is not a directory"), underFile.err());
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc, where nothing can be created");
        CliTest.Run proc = run(tinyTrain("--checkpoint-dir", "/proc/gpu-mlp-test/ck", "-o", dir.resolve("p.npz").toString()));
        assertEquals(1, proc.code(), proc.err());
        assertTrue(proc.err().contains("cannot create checkpoint directory /proc/gpu-mlp-test/ck"), proc.err());
        assertFalse(proc.out().contains("epoch"), proc.out());
    }

    @Test
    void anInvalidValueFromTheEnvironmentNamesTheVariable() {
        CliTest.Run env = CliTest.run(Map.of("GPU_MLP_BATCH_SIZE", "abc"), "train", "--data", CliTest.SUBSET);
        assertEquals(2, env.code());
        assertTrue(env.err().contains("(set by GPU_MLP_BATCH_SIZE=abc in the environment)"), env.err());
        CliTest.Run checked = CliTest.run(Map.of("GPU_MLP_LR", "-1"), "train", "--data", CliTest.SUBSET);
        assertEquals(2, checked.code());
        assertTrue(checked.err().contains("--lr must be a positive number, got -1.0 (set by GPU_MLP_LR=-1 in the environment)"),
                checked.err());
        CliTest.Run given = CliTest.run(Map.of("GPU_MLP_LR", "0.1"), "train", "--data", CliTest.SUBSET, "--lr", "-1");
        assertEquals(2, given.code());
        assertFalse(given.err().contains("GPU_MLP_LR"), "a value from the command line is not blamed on the environment");
    }
}
