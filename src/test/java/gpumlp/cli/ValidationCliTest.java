// The validation options end to end: --validation 0 says "test", and every new option through the environment and a sweep file.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationCliTest {
    private static final String SUBSET = CliTest.SUBSET;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void withoutAValidationSplitTheEpochsSayTheyAreScoredOnTheTestSet() throws IOException {
        Path metrics = dir.resolve("m.jsonl");
        Path result = dir.resolve("result.json");
        CliTest.Run r = CliTest.run("train", "--data", SUBSET, "--device", "cpu", "--hidden", "16", "--limit", "300",
                "--epochs", "2", "--validation", "0", "--metrics", metrics.toString(), "--result", result.toString(),
                "-o", dir.resolve("m.npz").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no validation split (--validation 0): every epoch is scored on the test set"), r.out());
        assertTrue(r.out().lines().filter(l -> l.startsWith("epoch")).allMatch(l -> l.contains("  test loss ")), r.out());
        assertTrue(r.out().contains("model from epoch 2, the last; test accuracy"), r.out());
        JsonNode line = JSON.readTree(Files.readAllLines(metrics).get(1));
        assertTrue(line.has("test_accuracy") && !line.has("validation_accuracy"), line.toString());
        JsonNode res = JSON.readTree(result.toFile());
        assertFalse(res.has("validation_accuracy"), res.toString());
        assertEquals("last", res.path("settings").path("save").asText());
        assertEquals(line.path("test_accuracy").asDouble(), res.path("test_accuracy").asDouble(), 0.0);
        CliTest.Run eval = CliTest.run("eval", "--data", SUBSET, "--model", dir.resolve("m.npz").toString(), "--split",
                "validation");
        assertEquals(1, eval.code(), eval.err());
        assertTrue(eval.err().contains("was trained with --validation 0"), eval.err());
    }

    @Test
    void theResultHasTheModelsValidationAndTestFiguresAndItsEpoch() throws IOException {
        Path metrics = dir.resolve("m.jsonl");
        Path result = dir.resolve("result.json");
        CliTest.Run r = CliTest.run("train", "--data", SUBSET, "--device", "cpu", "--hidden", "16", "--limit", "600",
                "--epochs", "3", "--metrics", metrics.toString(), "--result", result.toString(), "-o", dir.resolve("m.npz").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("validating on mnist-subset train (images 501 to 600)"), r.out());
        JsonNode res = JSON.readTree(result.toFile());
        int epoch = res.path("model_epoch").asInt();
        assertEquals(res.path("best_epoch").asInt(), epoch, "the best validation epoch is the model by default");
        JsonNode line = JSON.readTree(Files.readAllLines(metrics).get(epoch - 1));
        assertEquals(line.path("validation_accuracy").asDouble(), res.path("validation_accuracy").asDouble(), 0.0);
        for (String l : Files.readAllLines(metrics)) {
            assertTrue(JSON.readTree(l).path("validation_accuracy").asDouble() <= res.path("validation_accuracy").asDouble(), l);
        }
        assertTrue(res.path("test_accuracy").isNumber());
        assertEquals("1/6", res.path("settings").path("validation").asText());
        assertEquals("off", res.path("settings").path("patience").asText());
        assertEquals("accuracy", res.path("settings").path("select").asText());
        assertEquals("best", res.path("settings").path("save").asText());
        assertTrue(r.out().contains("model from epoch " + epoch + ", the best by validation accuracy"), r.out());
        CliTest.Run eval = CliTest.run("eval", "--data", SUBSET, "--model", dir.resolve("m.npz").toString(), "--split",
                "validation", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode ev = JSON.readTree(eval.out());
        assertEquals(100, ev.path("samples").asInt(), "the last 100 of the 600 images the run used");
        assertEquals(res.path("validation_accuracy").asDouble(), ev.path("accuracy").asDouble(), 0.0);
    }

    /** The settings of ValidationTrainingTest, whose validation loss is lowest after epoch 4 of 6. */
    @Test
    void earlyStoppingSaysWhenAndWhichEpochTheModelIs() throws IOException {
        Path result = dir.resolve("result.json");
        CliTest.Run r = CliTest.run("train", "--data", SUBSET, "--device", "cpu", "--hidden", "32", "--limit", "600",
                "--batch-size", "16", "--lr", "0.05", "--momentum", "0.9", "--seed", "3", "--epochs", "20", "--patience", "2",
                "--schedule", "constant", "--dropout", "0", "--input-dropout", "0",
                "--select", "loss", "--result", result.toString(), "--plot", dir.resolve("c.png").toString(),
                "-o", dir.resolve("m.npz").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stopping early after epoch 6: the validation loss has not improved for 2 epochs, "
                + "since epoch 4"), r.out());
        assertFalse(r.out().contains("epoch   7"), r.out());
        assertTrue(r.out().contains("model from epoch 4, the best by validation loss"), r.out());
        JsonNode res = JSON.readTree(result.toFile());
        assertEquals(4, res.path("model_epoch").asInt());
        assertEquals(6, res.path("epochs").asInt());
        assertTrue(res.path("stopped_early").asBoolean(), res.toString());
        assertEquals(4, gpumlp.model.ModelFile.load(dir.resolve("m.npz")).metadata().training().get("model_epoch"));
    }

    @Test
    void theNewOptionsComeFromTheEnvironment() throws IOException {
        Path result = dir.resolve("result.json");
        Map<String, String> env = Map.of("GPU_MLP_VALIDATION", "50", "GPU_MLP_PATIENCE", "1", "GPU_MLP_SELECT", "loss",
                "GPU_MLP_SAVE", "last");
        CliTest.Run r = CliTest.run(env, "train", "--data", SUBSET, "--device", "cpu", "--hidden", "16", "--limit", "200",
                "--epochs", "2", "--result", result.toString(), "-o", dir.resolve("m.npz").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("validating on mnist-subset train (images 151 to 200)"), r.out());
        JsonNode s = JSON.readTree(result.toFile()).path("settings");
        assertEquals("50", s.path("validation").asText());
        assertEquals(1, s.path("patience").asInt());
        assertEquals("loss", s.path("select").asText());
        assertEquals("last", s.path("save").asText());
        CliTest.Run bad = CliTest.run(Map.of("GPU_MLP_PATIENCE", "0"), "train", "--data", SUBSET);
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--patience"), bad.err());
    }

    @Test
    void aSweepFileSetsTheNewOptions() throws IOException {
        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, "parameters:\n  validation: ['0.25', 40]\n  patience: ['off', 1]\n  select: [loss]\n"
                + "  save: [last]\n");
        Path out = dir.resolve("sweep");
        String[] base = {"train", "--data", SUBSET, "--device", "cpu", "--hidden", "8", "--limit", "200", "--epochs", "1",
                "--sweep", sweep.toString(), "--sweep-dir", out.toString()};
        for (String index : List.of("0", "3")) {
            CliTest.Run r = CliTest.run(Map.of(), ClusterJobTest.concat(base, "--sweep-index", index));
            assertEquals(0, r.code(), r.err());
        }
        JsonNode first = JSON.readTree(out.resolve("run-0000/result.json").toFile()).path("settings");
        assertEquals("0.25", first.path("validation").asText());
        assertEquals("off", first.path("patience").asText());
        JsonNode last = JSON.readTree(out.resolve("run-0003/result.json").toFile()).path("settings");
        assertEquals("40", last.path("validation").asText());
        assertEquals(1, last.path("patience").asInt());
        assertEquals("loss", last.path("select").asText());
        assertEquals("last", last.path("save").asText());
    }
}
