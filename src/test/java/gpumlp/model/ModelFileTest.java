// Tests the .npz model file: bit-exact round trips, refusal of damaged or inconsistent files, numpy compatibility.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    static Network randomNetwork(int[] sizes, long seed) {
        Random r = new Random(seed);
        Network net = Network.zeros(sizes);
        for (float[] w : net.allWeights()) {
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) r.nextGaussian() * 0.05f;
            }
        }
        net.weights(1)[0] = -0f;
        net.weights(1)[1] = Float.MIN_VALUE;
        return net;
    }

    static ModelMetadata metadata(int[] sizes, int rows, int cols) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("epochs", 10);
        training.put("learning_rate", 0.1);
        training.put("backend", "cpu");
        training.put("augment", false);
        training.put("schedule", List.of(1, 2, 3));
        Map<String, String> data = new LinkedHashMap<>();
        data.put("train-images-idx3-ubyte", "ab".repeat(32));
        data.put("train-labels-idx1-ubyte", "cd".repeat(32));
        return ModelMetadata.create(sizes, rows, cols, training, data, "1.2.3");
    }

    private static void assertSameBits(Network a, Network b) {
        assertArrayEquals(a.sizes(), b.sizes());
        for (int l = 1; l <= a.layers(); l++) {
            float[] x = a.weights(l);
            float[] y = b.weights(l);
            assertEquals(x.length, y.length);
            for (int k = 0; k < x.length; k++) {
                if (Float.floatToRawIntBits(x[k]) != Float.floatToRawIntBits(y[k])) {
                    throw new AssertionError("W" + l + "[" + k + "] differs: " + x[k] + " vs " + y[k]);
                }
            }
        }
    }

    private void roundTrip(int[] sizes, int rows, int cols) {
        Network net = randomNetwork(sizes, sizes.length);
        ModelMetadata meta = metadata(sizes, rows, cols);
        Path p = dir.resolve("m" + sizes.length + ".npz");
        ModelFile.save(p, net, meta);
        LoadedModel back = ModelFile.load(p);
        assertSameBits(net, back.network());
        assertEquals(meta, back.metadata());
        assertEquals("gpu-mlp 1.2.3", back.metadata().software());
    }

    @Test
    void roundTripsTwoLayerNetwork() {
        roundTrip(new int[] {784, 800, 10}, 28, 28);
    }

    @Test
    void roundTripsThreeLayerNetwork() {
        roundTrip(new int[] {12, 7, 5, 10}, 3, 4);
    }

    @Test
    void savingLeavesOnlyTheModelFile() throws IOException {
        Path p = dir.resolve("sub/model.npz");
        ModelFile.save(p, randomNetwork(new int[] {4, 3, 10}, 1), metadata(new int[] {4, 3, 10}, 2, 2));
        ModelFile.save(p, randomNetwork(new int[] {4, 3, 10}, 2), metadata(new int[] {4, 3, 10}, 2, 2));
        try (Stream<Path> s = Files.list(p.getParent())) {
            assertEquals(List.of(p), s.toList());
        }
    }

    private String refusal(Path p) {
        return assertThrows(UserError.class, () -> ModelFile.load(p)).getMessage();
    }

    @Test
    void refusesMissingFile() {
        Path p = dir.resolve("nope.npz");
        assertEquals("model file " + p + " does not exist", refusal(p));
    }

    @Test
    void refusesTruncatedFile() throws IOException {
        Path good = dir.resolve("good.npz");
        ModelFile.save(good, randomNetwork(new int[] {784, 30, 10}, 3), metadata(new int[] {784, 30, 10}, 28, 28));
        byte[] all = Files.readAllBytes(good);
        Path half = dir.resolve("half.npz");
        Files.write(half, Arrays.copyOf(all, all.length / 2));
        String m = refusal(half);
        assertTrue(m.startsWith("model file " + half + " is corrupt or truncated: "), m);
        Path empty = dir.resolve("empty.npz");
        Files.write(empty, new byte[0]);
        assertTrue(refusal(empty).contains("is corrupt or truncated"));
    }

    @Test
    void refusesGarbage() throws IOException {
        byte[] junk = new byte[5000];
        new Random(7).nextBytes(junk);
        Path p = dir.resolve("junk.npz");
        Files.write(p, junk);
        assertTrue(refusal(p).startsWith("model file " + p + " is corrupt or truncated: "));
    }

    /** Writes a zip with the given entries (name -> bytes), DEFLATED as np.savez_compressed does. */
    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    private Map<String, byte[]> entries(int[] sizes, Network net, ModelMetadata meta) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("metadata.json", MetadataJson.toBytes(meta));
        for (int l = 1; l < sizes.length; l++) {
            m.put("W" + l + ".npy", Npy.toBytes(sizes[l - 1] + 1, sizes[l], net.weights(l)));
        }
        return m;
    }

    @Test
    void readsDeflatedArchive() throws IOException {
        int[] sizes = {6, 4, 3, 10};
        Network net = randomNetwork(sizes, 5);
        ModelMetadata meta = metadata(sizes, 2, 3);
        LoadedModel back = ModelFile.load(zip("deflated.npz", entries(sizes, net, meta)));
        assertSameBits(net, back.network());
        assertEquals(meta, back.metadata());
    }

    @Test
    void refusesWeightShapeThatDisagreesWithMetadata() throws IOException {
        int[] sizes = {6, 4, 3, 10};
        Network net = randomNetwork(sizes, 5);
        Map<String, byte[]> e = entries(sizes, net, metadata(sizes, 2, 3));
        e.put("W2.npy", Npy.toBytes(4, 3, new float[12]));
        String m = refusal(zip("shape.npz", e));
        assertTrue(m.contains("entry W2.npy: shape (4, 3) disagrees with metadata"), m);
        assertTrue(m.contains("need (5, 3)"), m);
    }

    @Test
    void refusesMissingExtraOrNonFiniteWeights() throws IOException {
        int[] sizes = {6, 4, 3, 10};
        Network net = randomNetwork(sizes, 5);
        ModelMetadata meta = metadata(sizes, 2, 3);

        Map<String, byte[]> missing = entries(sizes, net, meta);
        missing.remove("W3.npy");
        assertTrue(refusal(zip("missing.npz", missing)).contains("lacks the entry W3.npy"));

        Map<String, byte[]> extra = entries(sizes, net, meta);
        extra.put("W4.npy", Npy.toBytes(3, 2, new float[6]));
        assertTrue(refusal(zip("extra.npz", extra)).contains("extra entry W4.npy"));

        Network bad = net.copy();
        bad.weights(2)[2 * 3 + 1] = Float.NaN;
        String m = refusal(zip("nan.npz", entries(sizes, bad, meta)));
        assertTrue(m.contains("W2 contains NaN at row 2, column 1"), m);

        UserError e = assertThrows(UserError.class, () -> ModelFile.save(dir.resolve("n.npz"), bad, meta));
        assertTrue(e.getMessage().contains("W2 contains NaN"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("n.npz")));
    }

    @Test
    void refusesBadMetadata() throws IOException {
        int[] sizes = {6, 4, 10};
        Map<String, byte[]> e = entries(sizes, randomNetwork(sizes, 1), metadata(sizes, 2, 3));
        String json = new String(e.get("metadata.json"), StandardCharsets.UTF_8);

        e.put("metadata.json", json.replace("gpu-mlp/1", "gpu-mlp/9").getBytes(StandardCharsets.UTF_8));
        assertTrue(refusal(zip("fmt.npz", e)).contains("has format 'gpu-mlp/9'"));

        e.put("metadata.json", json.replace("\"relu\"", "\"tanh\"").getBytes(StandardCharsets.UTF_8));
        assertTrue(refusal(zip("act.npz", e)).contains("activations [tanh, softmax]"));

        e.put("metadata.json", "{not json".getBytes(StandardCharsets.UTF_8));
        assertTrue(refusal(zip("json.npz", e)).contains("metadata.json is not valid JSON"));

        e.remove("metadata.json");
        assertTrue(refusal(zip("nometa.npz", e)).contains("has no metadata.json entry"));
    }

    @Test
    void refusesAnOutputLayerThatIsNotTenClasses() throws IOException {
        int[] sizes = {6, 4, 5};
        String m = refusal(zip("five.npz", entries(sizes, randomNetwork(sizes, 1), metadata(sizes, 2, 3))));
        assertTrue(m.contains("the output layer has 5 units; gpu-mlp models have 10"), m);
    }

    private static boolean hasNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** numpy reads what we write, and we read what numpy writes (np.save v1.0/v2.0, savez_compressed). */
    @Test
    void numpyInterop() throws Exception {
        Assumptions.assumeTrue(hasNumpy(), "python3 with numpy not available");
        int[] sizes = {784, 16, 10};
        Network net = randomNetwork(sizes, 9);
        Path model = dir.resolve("model.npz");
        ModelFile.save(model, net, metadata(sizes, 28, 28));
        String script = String.join("\n",
                "import sys, json, zipfile, numpy as np",
                "from numpy.lib import format as fmt",
                "f = np.load(sys.argv[1])",
                "assert f['W1'].shape == (785, 16) and f['W1'].dtype == np.float32, f['W1'].shape",
                "assert f['W2.npy'].shape == (17, 10)",
                "print(repr(float(f['W2'][3, 4])))",
                "meta = json.loads(f['metadata.json'])",
                "assert meta['layer_sizes'] == [784, 16, 10], meta['layer_sizes']",
                "assert meta['activations'] == ['relu', 'softmax']",
                "a = (np.arange(6, dtype=np.float32).reshape(3, 2) - 2.5) / 3",
                "np.save(sys.argv[2] + '/ref.npy', a)",
                "with open(sys.argv[2] + '/v2.npy', 'wb') as g: fmt.write_array(g, a, version=(2, 0))",
                "with zipfile.ZipFile(sys.argv[2] + '/np.npz', 'w', zipfile.ZIP_DEFLATED) as z:",
                "    z.writestr('metadata.json', f['metadata.json'])",
                "    for k in ('W1', 'W2'):",
                "        with z.open(k + '.npy', 'w') as e: np.save(e, f[k])",
                "print('ok')");
        Process p = new ProcessBuilder("python3", "-c", script, model.toString(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 timed out");
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        assertEquals("ok", lines[lines.length - 1], out);
        assertEquals(net.weights(2)[3 * 10 + 4], Float.parseFloat(lines[0]), out);

        float[] expected = new float[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = ((float) i - 2.5f) / 3f;
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("ref.npy")), Npy.toBytes(3, 2, expected));
        try (var in = Files.newInputStream(dir.resolve("v2.npy"))) {
            assertArrayEquals(expected, Npy.read(in, "v2.npy").data());
        }
        assertSameBits(net, ModelFile.load(dir.resolve("np.npz")).network());
    }
}
