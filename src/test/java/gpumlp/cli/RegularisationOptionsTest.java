// The regularisation options from the command line, the environment and a sweep file, in results and checkpoints.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.model.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularisationOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TINY = {"train", "--data", CliTest.SUBSET, "--device", "cpu", "--hidden", "16",
        "--limit", "200", "--epochs", "1", "--progress", "never"};

    @TempDir
    Path dir;

    private static void assertSettings(JsonNode settings, double dropout, double inputDropout, double decay, double maxNorm) {
        assertEquals(dropout, settings.path("dropout").asDouble(), 0.0, settings.toString());
        assertEquals(inputDropout, settings.path("input_dropout").asDouble(), 0.0, settings.toString());
        assertEquals(decay, settings.path("weight_decay").asDouble(), 0.0, settings.toString());
        assertEquals(maxNorm, settings.path("max_norm").asDouble(), 0.0, settings.toString());
    }

    @Test
    void fromTheCommandLineIntoTheResultTheModelAndTheSettingsLine() throws IOException {
        Path result = dir.resolve("r.json");
        Path model = dir.resolve("m.npz");
        CliTest.Run r = CliTest.run(ClusterJobTest.concat(TINY, "--dropout", "0.5", "--input-dropout", "0.2",
                "--weight-decay", "0.0001", "--max-norm", "3", "--result", result.toString(), "-o", model.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(", dropout 0.5, input dropout 0.2, weight decay 0.0001, max-norm 3,"), r.out());
        assertSettings(JSON.readTree(result.toFile()).path("settings"), 0.5, 0.2, 1e-4, 3);
        Map<String, Object> training = ModelFile.load(model).metadata().training();
        assertEquals(0.5, ((Number) training.get("dropout")).doubleValue());
        assertEquals(3.0, ((Number) training.get("max_norm")).doubleValue());
    }

    @Test
    void fromTheEnvironmentWithTheCommandLineWinning() throws IOException {
        Path result = dir.resolve("r.json");
        Map<String, String> env = Map.of("GPU_MLP_DROPOUT", "0.4", "GPU_MLP_INPUT_DROPOUT", "0.1",
                "GPU_MLP_WEIGHT_DECAY", "0.001", "GPU_MLP_MAX_NORM", "2.5");
        CliTest.Run r = CliTest.run(env, ClusterJobTest.concat(TINY, "--dropout", "0.3", "--result", result.toString(),
                "-o", dir.resolve("m.npz").toString()));
        assertEquals(0, r.code(), r.err());
        assertSettings(JSON.readTree(result.toFile()).path("settings"), 0.3, 0.1, 1e-3, 2.5);
        CliTest.Run bad = CliTest.run(Map.of("GPU_MLP_MAX_NORM", "0"), TINY);
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--max-norm must be a positive number"), bad.err());
    }

    @Test
    void fromASweepFile() throws IOException {
        Path sweep = dir.resolve("s.yaml");
        Files.writeString(sweep, "parameters:\n  dropout: [0, 0.5]\n  input-dropout: [0.2]\n  weight-decay: [0.0005]\n"
                + "  max-norm: [4]\n");
        Path out = dir.resolve("sweep");
        CliTest.Run r = CliTest.run(Map.of(), ClusterJobTest.concat(TINY, "--sweep", sweep.toString(), "--sweep-dir",
                out.toString(), "--sweep-index", "1"));
        assertEquals(0, r.code(), r.err());
        assertSettings(JSON.readTree(out.resolve("run-0001/result.json").toFile()).path("settings"), 0.5, 0.2, 5e-4, 4);
    }

    @Test
    void aCheckpointOfOtherRegularisationIsNotResumed() {
        Path ck = dir.resolve("ck");
        String[] run = ClusterJobTest.concat(TINY, "--checkpoint-dir", ck.toString(), "--resume",
                "-o", dir.resolve("m.npz").toString());
        assertEquals(0, CliTest.run(ClusterJobTest.concat(run, "--dropout", "0.5")).code());
        for (String[] other : new String[][] {{"--dropout", "0.4"}, {"--dropout", "0.5", "--weight-decay", "0.001"},
                {"--dropout", "0.5", "--max-norm", "3"}, {"--dropout", "0.5", "--input-dropout", "0.2"}}) {
            CliTest.Run r = CliTest.run(ClusterJobTest.concat(run, other));
            assertEquals(1, r.code(), String.join(" ", other));
            assertTrue(r.err().contains("was written with"), r.err());
        }
    }

    @Test
    void twoEpochsThenResumeToFourWithDropoutEqualsFourStraight() {
        String[] common = {"train", "--data", CliTest.SUBSET, "--device", "cpu", "--hidden", "32", "--limit", "500",
            "--momentum", "0.9", "--lr", "0.05", "--batch-size", "16", "--progress", "never", "--dropout", "0.5",
            "--input-dropout", "0.2", "--weight-decay", "0.001", "--max-norm", "1", "--schedule", "constant"};
        assertEquals(0, CliTest.run(ClusterJobTest.concat(common, "--epochs", "4", "-o", dir.resolve("a.npz").toString())).code());
        Path ck = dir.resolve("ck");
        assertEquals(0, CliTest.run(ClusterJobTest.concat(common, "--epochs", "2", "--checkpoint-dir", ck.toString(),
                "-o", dir.resolve("b2.npz").toString())).code());
        CliTest.Run rest = CliTest.run(ClusterJobTest.concat(common, "--epochs", "4", "--checkpoint-dir", ck.toString(),
                "--resume", "-o", dir.resolve("b.npz").toString()));
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.err().contains("resuming after epoch 2"), rest.err());
        float[][] a = ModelFile.load(dir.resolve("a.npz")).network().allWeights();
        float[][] b = ModelFile.load(dir.resolve("b.npz")).network().allWeights();
        for (int l = 0; l < a.length; l++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a[l], b[l], "W" + (l + 1));
        }
    }
}
