// Any IDX image/label pair with up to 10 classes trains: non-square 12x10 images, 3 classes, raw and .gz files.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.data.IdxBytes;
import gpumlp.model.ModelFile;
import gpumlp.util.Rng;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtherIdxDataSetTest {
    private static final int ROWS = 12;
    private static final int COLS = 10;
    private static final int CLASSES = 3;

    /** Class c is a noisy bright 4x4 block at a class-specific place on a dark, noisy background. */
    private static void write(Path dir, String prefix, int n, long seed, boolean gz) {
        Rng rng = new Rng(seed);
        byte[] images = new byte[n * ROWS * COLS];
        byte[] labels = new byte[n];
        for (int k = 0; k < n; k++) {
            int c = rng.nextInt(CLASSES);
            labels[k] = (byte) c;
            for (int p = 0; p < ROWS * COLS; p++) {
                int r = p / COLS;
                int col = p % COLS;
                boolean block = r >= 1 + 3 * c && r < 5 + 3 * c && col >= 2 * c && col < 4 + 2 * c;
                images[k * ROWS * COLS + p] = (byte) (block ? 150 + rng.nextInt(100) : rng.nextInt(60));
            }
        }
        byte[] img = IdxBytes.ubyte(images, n, ROWS, COLS);
        byte[] lab = IdxBytes.ubyte(labels, n);
        IdxBytes.write(dir.resolve(prefix + "-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? IdxBytes.gzip(img) : img);
        IdxBytes.write(dir.resolve(prefix + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? IdxBytes.gzip(lab) : lab);
    }

    @Test
    void aThreeClassDataSetOfTwelveByTenImagesTrainsEvaluatesAndPredicts(@TempDir Path dir) throws Exception {
        write(dir, "train", 600, 1, true);
        write(dir, "t10k", 90, 2, false);
        Path model = dir.resolve("m.npz");
        CliTest.Run train = CliTest.run("train", "--data", dir.toString(), "--hidden", "16", "--epochs", "3",
                "--batch-size", "8", "--lr", "0.1", "--device", "cpu", "-o", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("training 120-16-10"), train.out());

        var loaded = ModelFile.load(model);
        assertEquals(ROWS, loaded.metadata().inputRows());
        assertEquals(COLS, loaded.metadata().inputCols());

        CliTest.Run eval = CliTest.run("eval", "--data", dir.toString(), "--model", model.toString(), "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode j = new ObjectMapper().readTree(eval.out());
        assertTrue(j.get("accuracy").asDouble() >= 0.95, "an easy 3-class task: " + eval.out());
        assertTrue(j.get("per_class_accuracy").get(5).isNull(), "classes without samples have no accuracy");

        CliTest.Run predict = CliTest.run("predict", "--data", dir.toString(), "--model", model.toString(), "--index", "0");
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("correct"), predict.out());
    }

    @Test
    void flatTwoDimensionalSamplesTrainButRefusePictures(@TempDir Path dir) throws Exception {
        Rng rng = new Rng(3);
        for (String prefix : new String[] {"train", "t10k"}) {
            int n = 50;
            byte[] x = new byte[n * 7];
            byte[] y = new byte[n];
            for (int k = 0; k < n; k++) {
                y[k] = (byte) rng.nextInt(2);
                x[k * 7 + y[k]] = (byte) 200;
            }
            IdxBytes.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxBytes.ubyte(x, n, 7));
            IdxBytes.write(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxBytes.ubyte(y, n));
        }
        Path model = dir.resolve("flat.npz");
        assertEquals(0, CliTest.run("train", "--data", dir.toString(), "--hidden", "4", "--epochs", "1",
                "--device", "cpu", "-o", model.toString()).code());
        Path png = CliTest.sevenPng(dir);
        CliTest.Run r = CliTest.run("predict", "--data", dir.toString(), "--model", model.toString(), png.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("trained on flat 7-value samples"), r.err());
        assertEquals(0, CliTest.run("predict", "--data", dir.toString(), "--model", model.toString(), "--index", "3").code());
    }

    @Test
    void aModelForOtherImageSizesIsRefusedOnMnist(@TempDir Path dir) {
        write(dir, "train", 100, 1, false);
        write(dir, "t10k", 30, 2, false);
        Path model = dir.resolve("m.npz");
        assertEquals(0, CliTest.run("train", "--data", dir.toString(), "--hidden", "8", "--epochs", "1",
                "--device", "cpu", "-o", model.toString()).code());
        CliTest.Run eval = CliTest.run("eval", "--data", CliTest.SUBSET, "--model", model.toString());
        assertEquals(1, eval.code());
        assertTrue(eval.err().contains("takes 120 inputs (12x10)"), eval.err());
    }
}
