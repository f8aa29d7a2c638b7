// Hostile use of the newer inputs and outputs: --tensorboard colliding with files, export through a link, damaged split metadata.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewOutputsHostileTest {
    @TempDir
    static Path dir;
    static Path tiny;

    @BeforeAll
    static void trainTinyModel() {
        tiny = HostileCorpusTest.trainTiny(dir, "--validation", "10");
    }

    private static CliTest.Run train(String... more) {
        return CliTest.run(HostileCorpusTest.tinyTrain(CliTest.SUBSET, more));
    }

    private static void refusedBeforeTraining(CliTest.Run r, String fragment) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.out().contains("epoch"), "refused before any training: " + r.out());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aTensorBoardDirectoryNamedLikeAFileOutputIsRefusedBeforeTraining() {
        Path m = dir.resolve("same.npz");
        refusedBeforeTraining(train("-o", m.toString(), "--tensorboard", m.toString()),
                "--tensorboard " + m + " and --output " + m + " are the same file");
        assertFalse(Files.exists(m), "no directory left where the model was to go");
        Path metrics = dir.resolve("metrics.jsonl");
        refusedBeforeTraining(train("-o", dir.resolve("m1.npz").toString(), "--metrics", metrics.toString(), "--tensorboard",
                metrics.toString()), "are the same file");
    }

    @Test
    void anOutputBelowAFileOutputIsRefusedBeforeTraining() {
        Path m = dir.resolve("outer.npz");
        refusedBeforeTraining(train("-o", m.toString(), "--tensorboard", m.resolve("tb").toString()),
                "--tensorboard " + m.resolve("tb") + " lies inside --output " + m + ", which is a file");
        refusedBeforeTraining(train("-o", m.toString(), "--checkpoint-dir", m.resolve("ck").toString()), "lies inside --output");
        assertFalse(Files.exists(m));
    }

    @Test
    void tensorBoardMayShareTheCheckpointDirectoryAndHoldTheModel() throws IOException {
        Path shared = dir.resolve("shared");
        CliTest.Run r = train("-o", shared.resolve("m.npz").toString(), "--tensorboard", shared.toString(), "--checkpoint-dir",
                shared.toString());
        assertEquals(0, r.code(), r.err());
        try (var files = Files.list(shared)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents.")));
        }
        assertTrue(Files.isRegularFile(shared.resolve("m.npz")));
    }

    @Test
    void aDirectoryOutputThatIsADanglingLinkIsAUsageError() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("dangling-dir"), dir.resolve("gone"));
        for (String option : new String[] {"--tensorboard", "--checkpoint-dir"}) {
            refusedBeforeTraining(train("-o", dir.resolve("d.npz").toString(), option, link.toString()),
                    option + " " + link + " is a symbolic link to " + dir.resolve("gone") + ", which does not exist");
        }
    }

    @Test
    void aWeightDecayBeyondFloat32IsAUsageErrorAndAHugeOneIsShownShort() {
        refusedBeforeTraining(train("-o", dir.resolve("wd.npz").toString(), "--weight-decay", "1e39"),
                "--weight-decay must be 0 or a positive number, at most float32's 3.4e38, got 1.0E39");
        CliTest.Run huge = train("-o", dir.resolve("wd.npz").toString(), "--weight-decay", "1e30");
        assertTrue(huge.code() == 0 || huge.code() == 1, huge.err()); // one step may not yet diverge
        assertTrue(huge.out().contains("weight decay 1E+30,"), huge.out());
        assertTrue(huge.out().lines().allMatch(l -> l.length() < 300), "no 31-digit number: " + huge.out());
    }

    @Test
    void anOnnxFileThatCannotBeWrittenLosesNeitherTheResultNorTheFinalLine() throws IOException {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "needs /dev/full");
        Path m = dir.resolve("onnx-full.npz");
        Path result = dir.resolve("onnx-full.json");
        CliTest.Run r = train("-o", m.toString(), "--onnx", full.toString(), "--result", result.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("cannot write ONNX file /dev/full: No space left on device; the model is saved in " + m
                + ": gpu-mlp export --model " + m), r.err());
        assertTrue(r.out().contains("model saved to " + m), r.out());
        assertTrue(Files.isRegularFile(m) && Files.isRegularFile(result));
    }

    @Test
    void exportToStandardOutputOnAPipeWritesOnlyTheOnnxBytesThere() throws Exception {
        Path file = dir.resolve("to-file.onnx");
        assertEquals(0, CliTest.run("export", "--model", tiny.toString(), "-o", file.toString()).code());
        Process p = new ProcessBuilder(ClusterJobTest.javaBinary(), "-cp", System.getProperty("java.class.path"), "gpumlp.Main",
                "export", "--model", tiny.toString(), "-o", "/dev/stdout").redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes(); // standard output is a pipe
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertArrayEquals(Files.readAllBytes(file), out, "exactly the ONNX file on standard output");
        assertTrue(err.contains("exported " + tiny + " (784-4-10) to /dev/stdout"), err);
    }

    @Test
    void aPreviewGridTooLargeToDrawIsAUsageError() {
        Path png = dir.resolve("huge-grid.png");
        CliTest.Run r = CliTest.run("deform-preview", "--data", CliTest.SUBSET, "--elastic", "34,4", "--count", "1000",
                "--versions", "100", "--zoom", "16", "-o", png.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the grid would be 45,350x448,999 pixels, more than the 100,000,000 a preview may have: "
                + "lower --count, --versions or --zoom"), r.err());
        assertFalse(r.err().contains("internal error"), r.err());
        assertFalse(Files.exists(png));
    }

    @Test
    void aCheckpointGivenAsTheModelIsNamedForWhatItIs() throws IOException {
        Path ck = dir.resolve("ck-as-model");
        assertEquals(0, train("-o", dir.resolve("ck.npz").toString(), "--checkpoint-dir", ck.toString()).code());
        Path checkpoint;
        try (var files = Files.list(ck)) {
            checkpoint = files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).findFirst().orElseThrow();
        }
        CliTest.Run r = CliTest.run("export", "--model", checkpoint.toString(), "-o", dir.resolve("ck.onnx").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(checkpoint + " is a training checkpoint, not a model: train --resume"), r.err());
    }

    @Test
    void exportRefusesAnOutputThatIsALinkToTheModel() throws IOException {
        Path model = Files.copy(tiny, dir.resolve("linked-model.npz"));
        byte[] before = Files.readAllBytes(model);
        Path link = Files.createSymbolicLink(dir.resolve("model-link.onnx"), model.getFileName());
        CliTest.Run r = CliTest.run("export", "--model", model.toString(), "-o", link.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--output " + link + " is the model file " + model + " itself"), r.err());
        assertArrayEquals(before, Files.readAllBytes(model), "the model is untouched");
        CliTest.Run viaLink = CliTest.run("export", "--model", link.toString(), "-o", model.toString());
        assertEquals(2, viaLink.code(), viaLink.err());
        assertArrayEquals(before, Files.readAllBytes(model), "the model is untouched");
    }

    @Test
    void evalOfTheValidationSplitRefusesAModelWhoseRecordedLimitIsDamaged() throws IOException {
        for (String bad : new String[] {"\"abc\"", "-5", "1e300", "2.5"}) {
            Path damaged = withTrainingLimit(dir.resolve("limit.npz"), bad);
            CliTest.Run r = CliTest.run("eval", "--device", "cpu", "--model", damaged.toString(), "--split", "validation",
                    "--data", CliTest.SUBSET);
            assertEquals(1, r.code(), bad + ": " + r.out() + r.err());
            assertTrue(r.err().contains("which is not a count of images, so its validation images are unknown: use --split test"),
                    r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        CliTest.Run good = CliTest.run("eval", "--device", "cpu", "--model", tiny.toString(), "--split", "validation",
                "--data", CliTest.SUBSET);
        assertEquals(0, good.code(), good.err());
        assertTrue(good.out().contains("(images 41 to 50) (10 samples)"), good.out());
    }

    /** A copy of the tiny model whose metadata records {@code limit} (JSON text) as its --limit. */
    private static Path withTrainingLimit(Path copy, String limit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (ZipFile in = new ZipFile(tiny.toFile()); OutputStream file = Files.newOutputStream(copy);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] data = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("metadata.json")) {
                    ObjectNode meta = (ObjectNode) json.readTree(data);
                    ((ObjectNode) meta.get("training")).set("limit", json.readTree(limit));
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
