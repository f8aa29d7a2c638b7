// The exported ONNX model, run in ONNX Runtime, gives predict's probabilities on the committed subset (one and two hidden layers).
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.backend.Backend;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.LoadedModel;
import gpumlp.model.ModelFile;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxExportTest {
    /** Float32 products summed in another order by ONNX Runtime's Gemm than by ours: a few ulps on each probability. */
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"32", "24,16"})
    void onnxRuntimeGivesPredictsProbabilities(String hidden) throws Exception {
        Path model = dir.resolve("model.npz");
        CliTest.Run trained = CliTest.run("train", "--data", CliTest.SUBSET, "--hidden", hidden, "--epochs", "2",
                "--batch-size", "16", "--device", "cpu", "-o", model.toString());
        assertEquals(0, trained.code(), trained.err());
        CliTest.Run exported = CliTest.run("export", "--model", model.toString(), "--format", "onnx");
        assertEquals(0, exported.code(), exported.err());
        Path onnx = dir.resolve("model.onnx");
        assertTrue(exported.out().contains(onnx.toString()), exported.out());

        LoadedModel loaded = ModelFile.load(model);
        Dataset test = DataDirectory.test(Path.of(CliTest.SUBSET));
        int n = test.count();
        int d = test.features();
        float[] expected;
        try (Backend cpu = new CpuBackend(1)) { // what predict computes
            cpu.uploadWeights(loaded.network());
            expected = cpu.probabilities(test.images(), n);
        }
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (test.images()[i] & 0xFF) / 255f; // the input as the README tells users to prepare it
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, d});
             OrtSession.Result result = session.run(Map.of("pixels", input))) {
            float[][] p = (float[][]) result.get("probabilities").orElseThrow().getValue();
            assertEquals(n, p.length);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(10, p[i].length);
                for (int c = 0; c < 10; c++) {
                    worst = Math.max(worst, Math.abs(p[i][c] - expected[i * 10 + c]));
                }
            }
            assertTrue(worst <= TOLERANCE, "largest difference from predict's probabilities: " + worst);
        }
    }

    @Test
    void theModelDescribesItsInputOutputAndProvenance() throws Exception {
        Path model = dir.resolve("m.npz");
        assertEquals(0, CliTest.run("train", "--data", CliTest.SUBSET, "--hidden", "8", "--epochs", "1", "--device", "cpu",
                "--lr", "0.05", "-o", model.toString(), "--onnx", dir.resolve("at-end.onnx").toString()).code());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(dir.resolve("at-end.onnx").toString(), new OrtSession.SessionOptions())) {
            NodeInfo in = session.getInputInfo().get("pixels");
            assertEquals(-1, ((TensorInfo) in.getInfo()).getShape()[0], "batch dimension is free");
            assertEquals(784, ((TensorInfo) in.getInfo()).getShape()[1]);
            assertEquals(10, ((TensorInfo) session.getOutputInfo().get("probabilities").getInfo()).getShape()[1]);
            assertEquals("gpu-mlp", session.getMetadata().getProducerName());
            Map<String, String> props = session.getMetadata().getCustomMetadata();
            assertEquals(0.05, new ObjectMapper().readTree(props.get("training")).get("learning_rate").asDouble());
            assertTrue(props.get("software").startsWith("gpu-mlp "), props.toString());
            assertTrue(props.get("data").contains("t10k-images-idx3-ubyte"), props.get("data"));
        }
    }

    @Test
    void aSweepLeavesTheExportToTheCombinationChosen() throws Exception {
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"), "parameters:\n  lr: [0.05, 0.1]\n");
        CliTest.Run r = CliTest.run("train", "--sweep", sweep.toString(), "--sweep-index", "0", "--sweep-dir",
                dir.resolve("runs").toString(), "--onnx", dir.resolve("m.onnx").toString(), "--data", CliTest.SUBSET);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("gpu-mlp: --onnx cannot be combined with --sweep: export the combination you choose "
                + "with gpu-mlp export --model"), r.err());
    }

    @Test
    void trainRefusesAnOnnxFileThatWouldReplaceItsModel() {
        Path model = dir.resolve("same.npz");
        CliTest.Run r = CliTest.run("train", "--data", CliTest.SUBSET, "-o", model.toString(), "--onnx", model.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("gpu-mlp: --onnx " + model + " and --output " + model + " are the same file"), r.err());
    }

    @Test
    void exportRefusesToReplaceTheModelAndReportsAMissingOne() throws Exception {
        Path model = dir.resolve("model.npz");
        CliTest.Run self = CliTest.run("export", "--model", model.toString(), "-o", model.toString());
        assertEquals(2, self.code(), self.err());
        assertTrue(self.err().contains("is the model file itself"), self.err());
        CliTest.Run missing = CliTest.run("export", "--model", model.toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertTrue(Files.notExists(dir.resolve("model.onnx")));
    }
}
