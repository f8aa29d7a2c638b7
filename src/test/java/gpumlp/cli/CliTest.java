// The command line end to end on the committed subset: parsing, exit codes, one-line errors, output captured via picocli.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CliTest {
    static final String SUBSET = "data/mnist-subset";
    @TempDir
    static Path dir;
    static Path model;
    static Run trained;

    /** What one invocation printed and returned. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        return run(System.getenv(), args);
    }

    /** Runs the CLI in-process with {@code env} as the environment (for GPU_MLP_* defaults and sweep indices). */
    static Run run(java.util.Map<String, String> env, String... args) {
        CommandLine cmd = Cli.newCommandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The process environment without GPU_MLP_* variables, plus {@code more} as name, value, name, value... */
    static java.util.Map<String, String> envWith(String... more) {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith(EnvironmentDefaults.PREFIX));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** Copies the test picture of a 7 (black on white, 112x112) into {@code dir}. */
    static Path sevenPng(Path dir) throws IOException {
        Path png = dir.resolve("seven.png");
        try (var in = CliTest.class.getResourceAsStream("/digits/seven.png")) {
            Files.copy(in, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return png;
    }

    @BeforeAll
    static void trainOnce() {
        model = dir.resolve("model.npz");
        trained = run("train", "--data", SUBSET, "--hidden", "64", "--epochs", "2", "--batch-size", "16",
                "--lr", "0.1", "--device", "cpu", "-o", model.toString(), "--metrics", dir.resolve("m.jsonl").toString(),
                "--plot", dir.resolve("curves.png").toString());
    }

    @Test
    void trainWritesModelMetricsAndPlotAndReportsEachEpoch() throws IOException {
        assertEquals(0, trained.code(), trained.err());
        assertTrue(Files.size(model) > 0);
        assertTrue(trained.out().contains("epoch   1"), trained.out());
        assertTrue(trained.out().contains("epoch   2"), trained.out());
        assertTrue(trained.out().contains("model saved to"), trained.out());
        assertTrue(trained.out().contains("model from epoch "), "the output says which epoch is the model: " + trained.out());
        List<String> lines = Files.readAllLines(dir.resolve("m.jsonl"));
        assertEquals(2, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        for (String field : new String[] {"epoch", "lr", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                "seconds", "samples_per_s"}) {
            assertTrue(first.has(field), "metrics field " + field + " in " + lines.get(0));
        }
        assertTrue(Files.size(dir.resolve("curves.png")) > 1000);
    }

    @Test
    void theTrainerAppliesTheScheduleEpochByEpoch() throws IOException {
        Path metrics = dir.resolve("step.jsonl");
        Run r = run("train", "--data", SUBSET, "--hidden", "16", "--epochs", "3", "--limit", "300", "--lr", "0.4",
                "--schedule", "step", "--step-every", "2", "--step-gamma", "0.25", "--device", "cpu",
                "-o", dir.resolve("step.npz").toString(), "--metrics", metrics.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(metrics);
        ObjectMapper json = new ObjectMapper();
        assertEquals(0.4, json.readTree(lines.get(0)).get("lr").asDouble(), 1e-15);
        assertEquals(0.4, json.readTree(lines.get(1)).get("lr").asDouble(), 1e-15);
        assertEquals(0.1, json.readTree(lines.get(2)).get("lr").asDouble(), 1e-15);
    }

    @Test
    void aLimitAboveTheSampleCountIsSaidAndIgnored() {
        Run r = run("train", "--data", SUBSET, "--hidden", "8", "--epochs", "1", "--limit", "5000", "--device", "cpu",
                "-o", dir.resolve("lim.npz").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("--limit 5,000 is more than the 3,000 training samples"), r.err());
        assertTrue(r.out().contains("on mnist-subset train (images 1 to 2,500), validating on mnist-subset train "
                + "(images 2,501 to 3,000)"), r.out());
    }

    @Test
    void evalPrintsAccuracyPerClassAndTheConfusionMatrix() {
        Run r = run("eval", "--data", SUBSET, "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("accuracy"), r.out());
        assertTrue(r.out().contains("per-class accuracy"), r.out());
        assertTrue(r.out().contains("confusion matrix"), r.out());
    }

    @Test
    void evalJsonHasAConfusionMatrixThatAddsUp() throws IOException {
        Run r = run("eval", "--data", SUBSET, "--model", model.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1000, j.get("samples").asInt());
        long total = 0;
        long diagonal = 0;
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                total += j.get("confusion").get(t).get(p).asLong();
            }
            diagonal += j.get("confusion").get(t).get(t).asLong();
        }
        assertEquals(1000, total);
        assertEquals(j.get("correct").asLong(), diagonal);
        assertEquals(diagonal / 1000.0, j.get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void predictAnImageFileAndATestSample() throws IOException {
        Path png = sevenPng(dir);
        Run r = run("predict", "--data", SUBSET, "--model", model.toString(), "--json", "--index", "0", png.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode image = json.readTree(lines[0]);
        JsonNode sample = json.readTree(lines[1]);
        assertEquals(7, image.get("digit").asInt(), "the 7 drawn black on white: " + lines[0]);
        assertEquals(7, sample.get("label").asInt());
        double sum = 0;
        for (JsonNode p : image.get("probabilities")) {
            sum += p.asDouble();
        }
        assertEquals(1.0, sum, 1e-5);
        Run text = run("predict", "--data", SUBSET, "--model", model.toString(), png.toString());
        assertTrue(text.out().startsWith(png + ": 7"), text.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "train --lr -1 --data " + SUBSET + "| --lr must be a positive number",
        "train --batch-size 0 --data " + SUBSET + "| --batch-size must be at least 1",
        "train --momentum 1 --data " + SUBSET + "| --momentum must be in [0, 1)",
        "train --hidden 0 --data " + SUBSET + "| --hidden sizes must be",
        "train --epochs x| Invalid value for option '--epochs'",
        "train --device tpu| invalid value for --device",
        "train --schedule linear| Invalid value for option '--schedule'",
        "train --no-such-flag| Unknown option",
        "eval --limit -3 --data " + SUBSET + "| --limit must be",
        "eval --threads 0 --data " + SUBSET + "| --threads must be between 1 and 1024",
        "train --threads 40000 --data " + SUBSET + "| --threads must be between 1 and 1024",
        "train --lr 1e300 --data " + SUBSET + "| the learning rate in epoch 1 would be 1.0E300",
        "train --lr 1e-50 --data " + SUBSET + "| not a positive float32 number",
        "train --momentum 0.999999999 --data " + SUBSET + "| rounds to 1 in float32",
        "train --dropout 1 --data " + SUBSET + "| --dropout must be in [0, 1), got 1.0",
        "train --dropout -0.1 --data " + SUBSET + "| --dropout must be in [0, 1)",
        "train --input-dropout 0.999999999 --data " + SUBSET + "| --input-dropout must be in [0, 1)",
        "train --weight-decay -0.0001 --data " + SUBSET + "| --weight-decay must be 0 or a positive number",
        "train --max-norm 0 --data " + SUBSET + "| --max-norm must be a positive number, got 0.0",
        "train --max-norm -3 --data " + SUBSET + "| --max-norm must be a positive number",
        "train --schedule step --step-every 1 --step-gamma 1e-30 --epochs 3 --data " + SUBSET
                + "| the learning rate in epoch 3 would be",
        "train -o data --data " + SUBSET + "| --output data is a directory",
        "train --plot src --data " + SUBSET + "| --plot src is a directory",
        "train --metrics pom.xml/m.jsonl --data " + SUBSET + "| is not a directory",
        "train --patience 0 --data " + SUBSET + "| '0' is not a number of epochs of at least 1, or off",
        "train --patience -2 --data " + SUBSET + "| Invalid value for option '--patience'",
        "train --validation 1.5 --data " + SUBSET + "| '1.5' is not a count of images",
        "train --validation -1 --data " + SUBSET + "| Invalid value for option '--validation'",
        "train --validation 3000 --device cpu --data " + SUBSET + "| holds out 3,000 of the 3,000 training images",
        "train --validation 100 --limit 100 --device cpu --data " + SUBSET + "| leaves none to train on",
        "train --validation 0 --patience 2 --data " + SUBSET + "| --patience needs a validation split",
        "train --validation 0 --save best --data " + SUBSET + "| --save best needs a validation split",
        "train --select median --data " + SUBSET + "| Invalid value for option '--select'",
        "train --save first --data " + SUBSET + "| Invalid value for option '--save'",
        "predict --model x.npz| nothing to predict",
        "frobnicate| Unmatched argument",
    })
    void badUsageIsExitCodeTwoWithAOneLineMessage(String args, String message) {
        Run r = run(args.trim().split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aMissingDataDirectoryIsExitCodeOneAndPointsToTheFetchScript() {
        Run r = run("train", "--data", dir.resolve("nope").toString(), "--device", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("fetch-mnist.sh"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void anUnreadableModelIsExitCodeOne() throws IOException {
        Path bad = dir.resolve("bad.npz");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        Run r = run("eval", "--data", SUBSET, "--model", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad.toString()), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Run missing = run("eval", "--data", SUBSET, "--model", dir.resolve("missing.npz").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void gpuWithoutAUsableGpuIsExitCodeOneWithAReason() {
        assumeFalse(gpuUsable(), "this machine has a usable GPU");
        for (int attempt = 0; attempt < 2; attempt++) { // the second attempt must still know the reason
            Run r = run("train", "--data", SUBSET, "--device", "gpu", "--epochs", "1", "-o", dir.resolve("g.npz").toString());
            assertEquals(1, r.code());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().matches("(?s)gpu-mlp: --device gpu: .*(not found|no CUDA device|driver).* \\(or use --device cpu\\)\\s*"),
                    r.err());
        }
    }

    @Test
    void doctorWithoutAUsableGpuSaysWhyAndExitsOne() {
        assumeFalse(gpuUsable(), "this machine has a usable GPU");
        Run r = run("doctor");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("java:"), r.out());
        assertTrue(r.out().contains("result:   the GPU path does not work: "), r.out());
    }

    @Test
    void benchPrintsATableThenJsonLinesAndJsonAlone() throws Exception {
        Run r = run("bench", "--data", SUBSET, "--device", "cpu", "--batch-sizes", "64,1", "--epochs", "1",
                "--hidden", "16"); // --profile is the GPU's: a usage error with --device cpu (GpuOnlyOptionsTest)
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertTrue(lines.get(0).startsWith("network"), r.out());
        assertTrue(lines.get(1).startsWith("784-16-10") && lines.get(1).contains("cpu ("), r.out());
        ObjectMapper json = new ObjectMapper();
        assertEquals(64, json.readTree(lines.get(3)).get("batch").asInt(), r.out());
        assertEquals(1, json.readTree(lines.get(4)).get("batch").asInt(), r.out());
        assertTrue(json.readTree(lines.get(4)).get("median_epoch_seconds").asDouble() > 0, r.out());
        Run j = run("bench", "--data", SUBSET, "--device", "cpu", "--batch-sizes", "64", "--epochs", "1", "--hidden", "16",
                "--json");
        assertEquals(0, j.code(), j.err());
        assertEquals(1, j.out().strip().lines().count(), j.out());
        assertTrue(json.readTree(j.out()).get("test_accuracy").asDouble() > 0.1, j.out());
    }

    private static boolean gpuUsable() {
        try {
            return gpumlp.gpu.CudaContext.deviceCount() > 0;
        } catch (gpumlp.gpu.GpuUnavailableException e) {
            return false;
        }
    }

    @Test
    void autoFallsBackToTheCpuAndSaysWhy() {
        Run r = run("train", "--data", SUBSET, "--device", "auto", "--epochs", "1", "--limit", "200", "--hidden", "16",
                "-o", dir.resolve("a.npz").toString());
        assertEquals(0, r.code(), r.err());
        if (!gpuUsable()) {
            assertTrue(r.err().contains("device: cpu (") && r.err().contains("no usable GPU: "), r.err());
        }
    }

    @Test
    void divergedTrainingIsExitCodeOneWithAHint() {
        Run r = run("train", "--data", SUBSET, "--device", "cpu", "--lr", "1e6", "--epochs", "2", "--limit", "500",
                "--hidden", "32", "-o", dir.resolve("d.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("diverged") && r.err().contains("--lr"), r.err());
        assertFalse(Files.exists(dir.resolve("d.npz")), "no model is written for a diverged run");
    }

    @Test
    void helpAndVersionExitZeroAndHelpListsExitCodes() {
        for (String[] args : new String[][] {{"--help"}, {"train", "--help"}, {"eval", "--help"}, {"predict", "--help"}}) {
            Run r = run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().contains("Exit codes:") && r.out().contains("bad usage"), r.out());
        }
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("gpu-mlp "), v.out());
        assertEquals(0, run("train", "--version").code());
    }
}
