// Hostile parsing: @-arguments are not files to read, echoed values stay on one line, empty or repeated values and unknown words are refused.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostileParsingTest {
    @TempDir
    static Path dir;
    static Path tiny;

    @BeforeAll
    static void trainTinyModel() {
        tiny = HostileCorpusTest.trainTiny(dir);
    }

    private static Map<String, String> env(String... more) {
        return CliTest.envWith(more);
    }

    /** A usage error: exit code 2, the message as the first of exactly two lines, nothing trained. */
    private static void usageError(CliTest.Run r, String fragment) {
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("gpu-mlp: ") && lines.get(0).contains(fragment), r.err());
        assertTrue(lines.get(1).startsWith("Try 'gpu-mlp"), r.err());
        assertFalse(r.out().contains("epoch"), "refused before any training: " + r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "eval", "export", "bench", "doctor", "deform-preview"})
    void anAtArgumentIsAnOrdinaryArgumentNotAnArgumentFile(String command) {
        CliTest.Run r = CliTest.run(command, "@" + dir); // a directory: reading it as an argument file threw
        usageError(r, "Unmatched argument at index 1: '@" + dir + "'");
    }

    @Test
    void anAtArgumentOfTheBareCommandOrAFileArgumentIsNotReadEither() {
        usageError(CliTest.run("@" + dir), "Unmatched argument at index 0: '@" + dir + "'");
        for (String command : new String[] {"predict", "report"}) { // their positional arguments are files and directories
            CliTest.Run r = CliTest.run(command, "@" + dir);
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void theLinesOfAnAtFileAreNeitherUsedNorEchoed() throws IOException {
        Path secrets = Files.writeString(dir.resolve("secrets"), "--epochs\n1\nroot:x:0:0:secret-line\n");
        CliTest.Run r = CliTest.run("train", "--data", CliTest.SUBSET, "--device", "cpu", "@" + secrets);
        usageError(r, "Unmatched argument at index 5: '@" + secrets + "'");
        assertFalse(r.err().contains("secret-line"), r.err());
    }

    @Test
    void anAtFifoIsNotOpened() throws IOException, InterruptedException {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
        CliTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliTest.run("train", "@" + fifo), "hangs");
        usageError(r, "Unmatched argument at index 1: '@" + fifo + "'");
    }

    @Test
    void aValueWithANewlineFromTheEnvironmentIsShownOnOneLine() {
        CliTest.Run r = CliTest.run(env("GPU_MLP_THREADS", "1\n"), "train", "--data", CliTest.SUBSET, "--device", "cpu");
        usageError(r, "'1\\n' is not an int (set by GPU_MLP_THREADS=1\\n in the environment)");
    }

    @Test
    void aFileNameWithANewlineInAnErrorIsShownOnOneLine() {
        CliTest.Run r = CliTest.run("predict", "--device", "cpu", "--model", dir.resolve("no\nsuch.npz").toString(), "--index", "0");
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("no\\nsuch.npz"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {",", "", " ", "64,,32", "64,", ",64"})
    void emptyHiddenSizesAreAUsageError(String sizes) {
        usageError(CliTest.run(HostileCorpusTest.tinyTrain(CliTest.SUBSET, "--hidden", sizes, "-o", dir.resolve("e.npz").toString())),
                "Invalid value for option '--hidden': ");
        assertFalse(Files.exists(dir.resolve("e.npz")));
    }

    @Test
    void emptyHiddenSizesFromTheEnvironmentAreAUsageErrorToo() {
        CliTest.Run r = CliTest.run(env("GPU_MLP_HIDDEN", ","), "train", "--data", CliTest.SUBSET, "--device", "cpu");
        usageError(r, "',' has an empty size: give one or more sizes separated by commas, e.g. 800 or 512,256 "
                + "(set by GPU_MLP_HIDDEN=, in the environment)");
        usageError(CliTest.run("train", "--data", CliTest.SUBSET, "--device", "cpu", "--hidden="),
                "the list of sizes is empty");
    }

    @Test
    void aRepeatedHiddenIsRefusedLikeAnyRepeatedOption() {
        usageError(CliTest.run("train", "--data", CliTest.SUBSET, "--device", "cpu", "--hidden", "64", "--hidden", "32"),
                "option '--hidden' (SIZES) should be specified only once");
        usageError(CliTest.run("train", "--data", CliTest.SUBSET, "--device", "cpu", "--epochs", "1", "--epochs", "2"),
                "option '--epochs' (N) should be specified only once");
    }

    @Test
    void hiddenOnTheCommandLineWinsOverTheEnvironmentAndTakesSpacesAfterCommas() {
        Path m = dir.resolve("two.npz");
        CliTest.Run r = CliTest.run(env("GPU_MLP_HIDDEN", "8"), "train", "--data", CliTest.SUBSET, "--limit", "50",
                "--hidden", "6, 5", "--device", "cpu", "--threads", "1", "--progress", "never", "--epochs", "1", "-o", m.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue((r.out() + r.err()).contains("784-6-5-10"), r.out() + r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "2", "enabled", "yes please"})
    void aDebugVariableThatIsNeitherOnNorOffIsAUsageError(String value) {
        usageError(CliTest.run(env("GPU_MLP_DEBUG", value), "report", dir.toString()),
                "GPU_MLP_DEBUG is '" + value + "' in the environment: set it to 1, true, yes or on");
    }

    @Test
    void theDebugVariableTakesTheOnAndOffWordsAndHelpIsAlwaysShown() {
        for (String ok : new String[] {"1", "YES", "on", "0", "off", "False", ""}) {
            CliTest.Run r = CliTest.run(env("GPU_MLP_DEBUG", ok), "report", dir.resolve("no-results").toString());
            assertTrue(r.code() != 2, ok + ": " + r.err());
        }
        assertEquals(0, CliTest.run(env("GPU_MLP_DEBUG", "maybe"), "train", "--help").code());
    }

    @Test
    void aCudaSyncVariableThatIsNeitherOnNorOffIsRefusedBeforeTheGpuIsOpened() {
        CliTest.Run r = CliTest.run(env("GPU_MLP_CUDA_SYNC", "maybe"), "train", "--data", CliTest.SUBSET, "--device", "auto",
                "--limit", "50", "--hidden", "4", "-o", dir.resolve("sync.npz").toString());
        usageError(r, "GPU_MLP_CUDA_SYNC is 'maybe' in the environment: set it to 1, true, yes or on");
        assertFalse(Files.exists(dir.resolve("sync.npz")));
    }

    @Test
    void anEmptyOutputSaysItIsEmpty() {
        usageError(CliTest.run(HostileCorpusTest.tinyTrain(CliTest.SUBSET, "-o", "")), "--output is empty: give a file name");
        usageError(CliTest.run(HostileCorpusTest.tinyTrain(CliTest.SUBSET, "-o", dir.resolve("c.npz").toString(),
                "--checkpoint-dir", "")), "--checkpoint-dir is empty: give a directory");
    }

    @Test
    void evalOfTheValidationSplitSaysADamagedSplitIsDamagedAndAMissingOneOld() throws IOException {
        CliTest.Run damaged = CliTest.run("eval", "--device", "cpu", "--model", withValidation("\"abc\"").toString(),
                "--split", "validation", "--data", CliTest.SUBSET);
        assertEquals(1, damaged.code(), damaged.err());
        assertTrue(damaged.err().contains("records --validation 'abc', which is not a validation split (its metadata is "
                + "damaged): use --split test"), damaged.err());
        assertFalse(damaged.err().contains("older"), damaged.err());
        CliTest.Run old = CliTest.run("eval", "--device", "cpu", "--model", withValidation(null).toString(),
                "--split", "validation", "--data", CliTest.SUBSET);
        assertEquals(1, old.code(), old.err());
        assertTrue(old.err().contains("records no validation split (it was saved by an older gpu-mlp): use --split test"),
                old.err());
    }

    /** A copy of the tiny model whose metadata records {@code validation} (JSON text; null: none) as its --validation. */
    private static Path withValidation(String validation) throws IOException {
        Path copy = dir.resolve("validation-" + (validation == null ? "none" : "damaged") + ".npz");
        ObjectMapper json = new ObjectMapper();
        try (ZipFile in = new ZipFile(tiny.toFile()); OutputStream file = Files.newOutputStream(copy);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] data = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("metadata.json")) {
                    JsonNode meta = json.readTree(data);
                    ObjectNode training = (ObjectNode) meta.get("training");
                    if (validation == null) {
                        training.remove("validation");
                    } else {
                        training.set("validation", json.readTree(validation));
                    }
                    data = json.writeValueAsBytes(meta);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        return copy;
    }
}
