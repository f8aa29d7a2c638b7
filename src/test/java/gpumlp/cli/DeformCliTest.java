// Deformation options end to end: command line, environment and sweep files; bad values are usage errors; preview and bench.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.model.ModelFile;
import gpumlp.model.Network;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeformCliTest {
    private static final String SUBSET = CliTest.SUBSET;

    @TempDir
    Path dir;

    private String[] train(String out, String... more) {
        return train(out, 1, more);
    }

    private String[] train(String out, int epochs, String... more) {
        String[] base = {"train", "--data", SUBSET, "--device", "cpu", "--hidden", "16", "--limit", "200", "--epochs", "" + epochs,
                "--batch-size", "32", "--progress", "never", "-o", dir.resolve(out).toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private Network weights(String file) {
        return ModelFile.load(dir.resolve(file)).network();
    }

    /** The model file's record of the deformations (null when there were none). */
    private static Map<?, ?> deformation(Path model) {
        return (Map<?, ?>) ModelFile.load(model).metadata().training().get("deformation");
    }

    @Test
    void theCommandLineTheEnvironmentAndASweepFileGiveTheSameRun() throws IOException {
        CliTest.Run cli = CliTest.run(train("cli.npz", "--elastic", "34,4", "--rotate", "10", "--scale", "10", "--shear", "5",
                "--translate", "1.5"));
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains(", deformations elastic 34,4, rotate 10, scale 10, shear 5, translate 1.5,"), cli.out());
        Map<?, ?> d = deformation(dir.resolve("cli.npz"));
        assertEquals(34.0, ((Number) d.get("elastic_alpha")).doubleValue());
        assertEquals(1.5, ((Number) d.get("translate_pixels")).doubleValue());

        Map<String, String> env = Map.of("GPU_MLP_ELASTIC", "34,4", "GPU_MLP_ROTATE", "10", "GPU_MLP_SCALE", "10",
                "GPU_MLP_SHEAR", "5", "GPU_MLP_TRANSLATE", "1.5");
        CliTest.Run fromEnv = CliTest.run(env, train("env.npz"));
        assertEquals(0, fromEnv.code(), fromEnv.err());

        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, "parameters:\n  elastic: [\"34,4\"]\n  rotate: [10]\n  scale: [10]\n  shear: [5]\n"
                + "  translate: [1.5]\n");
        String[] base = train("unused.npz");
        String[] swept = java.util.Arrays.copyOf(base, base.length - 2); // the sweep writes its own model
        CliTest.Run fromSweep = CliTest.run(Map.of(), concat(swept, "--sweep", sweep.toString(), "--sweep-index", "0",
                "--sweep-dir", dir.resolve("s").toString()));
        assertEquals(0, fromSweep.code(), fromSweep.err());

        CliTest.Run plain = CliTest.run(train("plain.npz"));
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.out().contains("deformations"), plain.out());
        assertEquals(null, deformation(dir.resolve("plain.npz")), "no deformation entry when off");

        Network a = weights("cli.npz");
        for (Network other : new Network[] {weights("env.npz"), ModelFile.load(dir.resolve("s/run-0000/model.npz")).network()}) {
            for (int l = 1; l <= a.layers(); l++) {
                assertArrayEquals(a.weights(l), other.weights(l), "W" + l);
            }
        }
        assertFalse(java.util.Arrays.equals(a.weights(1), weights("plain.npz").weights(1)), "deformations change training");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "train --elastic 34 --data " + SUBSET + "| --elastic must be ALPHA,SIGMA",
        "train --elastic 34,0 --data " + SUBSET + "| --elastic must be ALPHA,SIGMA",
        "train --elastic x,4 --data " + SUBSET + "| got 'x,4'",
        "train --elastic 34,4,1 --data " + SUBSET + "| --elastic must be ALPHA,SIGMA",
        "train --elastic -1,4 --data " + SUBSET + "| --elastic must be ALPHA,SIGMA",
        "train --rotate -5 --data " + SUBSET + "| --rotate must be in [0, 180] degrees, got -5.0",
        "train --rotate NaN --data " + SUBSET + "| --rotate must be in [0, 180] degrees",
        "train --scale 100 --data " + SUBSET + "| --scale must be in [0, 100) percent",
        "train --shear 90 --data " + SUBSET + "| --shear must be in [0, 90) degrees",
        "train --translate -1 --data " + SUBSET + "| --translate must be in [0, 1000] pixels",
        "bench --rotate 200 --data " + SUBSET + "| --rotate must be in [0, 180] degrees",
        "deform-preview --data " + SUBSET + "| give at least one deformation",
        "deform-preview --elastic 34,4 --count 0 --data " + SUBSET + "| --count must be in [1, 1000]",
        "deform-preview --elastic 34,4 --first 999999 --data " + SUBSET + "| go past the",
    })
    void badValuesAreUsageErrorsWithOneLine(String args, String message) {
        CliTest.Run r = CliTest.run(args.trim().split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void badValuesFromTheEnvironmentAreUsageErrorsToo() {
        CliTest.Run r = CliTest.run(Map.of("GPU_MLP_ELASTIC", "34;4"), train("e.npz"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--elastic must be ALPHA,SIGMA"), r.err());
    }

    @Test
    void aCheckpointWithDeformationsOnlyResumesWithTheSameOnes() {
        Path ck = dir.resolve("ck");
        CliTest.Run first = CliTest.run(train("a.npz", "--elastic", "34,4", "--checkpoint-dir", ck.toString()));
        assertEquals(0, first.code(), first.err());
        for (String[] other : new String[][] {{}, {"--elastic", "30,4"}, {"--elastic", "34,4", "--rotate", "5"}}) {
            String[] args = concat(train("b.npz", 2, "--checkpoint-dir", ck.toString(), "--resume"), other);
            CliTest.Run r = CliTest.run(args);
            assertEquals(1, r.code(), String.join(" ", other) + ": " + r.err());
            assertTrue(r.err().contains("deformation") && r.err().contains("another --checkpoint-dir"), r.err());
        }
        CliTest.Run same = CliTest.run(train("b.npz", 2, "--checkpoint-dir", ck.toString(), "--resume", "--elastic", "34,4"));
        assertEquals(0, same.code(), same.err());
    }

    @Test
    void thePreviewShowsEachDigitBesideItsDeformations() throws IOException {
        Path png = dir.resolve("grid.png");
        CliTest.Run r = CliTest.run("deform-preview", "--data", SUBSET, "--elastic", "34,4", "--count", "3", "--versions", "4",
                "--zoom", "2", "-o", png.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        // 3 rows of 56-pixel cells one pixel apart; 5 columns, the first set off by a 3-pixel line
        assertEquals(3 * 56 + 2, img.getHeight());
        assertEquals(5 * 56 + 4 + 2, img.getWidth());
        int[] firstRowOriginal = gray(img, 0, 0, 56);
        int[] firstRowDeformed = gray(img, 56 + 3, 0, 56);
        assertFalse(java.util.Arrays.equals(firstRowOriginal, firstRowDeformed), "the deformed digit differs from the original");
        assertTrue(java.util.Arrays.stream(firstRowDeformed).sum() > 0, "the deformed digit is not blank");
    }

    /** Gray levels of the size x size square at (x0, y0). */
    private static int[] gray(BufferedImage img, int x0, int y0, int size) {
        int[] g = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                g[y * size + x] = img.getRaster().getSample(x0 + x, y0 + y, 0);
            }
        }
        return g;
    }

    @Test
    void benchMeasuresEachBatchSizeWithoutAndWithDeformations() throws IOException {
        CliTest.Run r = CliTest.run("bench", "--data", SUBSET, "--device", "cpu", "--batch-sizes", "64", "--epochs", "1",
                "--hidden", "8", "--elastic", "34,4", "--json");
        assertEquals(0, r.code(), r.err());
        java.util.List<String> lines = r.out().strip().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertEquals("none", new ObjectMapper().readTree(lines.get(0)).path("deformations").asText());
        assertEquals("elastic 34,4", new ObjectMapper().readTree(lines.get(1)).path("deformations").asText());
    }
}
