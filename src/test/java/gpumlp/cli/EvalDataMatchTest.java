// eval says, in one note line, when the data's files differ from those the model was trained and tested with.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalDataMatchTest {
    @TempDir
    Path dir;

    @Test
    void otherTestImagesGetANoteAndTheSameOnesDoNot() throws IOException {
        Path model = dir.resolve("model.npz");
        assertEquals(0, CliTest.run("train", "--data", CliTest.SUBSET, "--hidden", "8", "--epochs", "1", "--device", "cpu",
                "-o", model.toString()).code());
        CliTest.Run same = CliTest.run("eval", "--model", model.toString(), "--data", CliTest.SUBSET, "--device", "cpu");
        assertEquals(0, same.code(), same.err());
        assertFalse(same.err().contains("note"), same.err());

        Path other = Files.createDirectories(dir.resolve("other"));
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.write(other.resolve(f), gunzip(f));
        }
        byte[] images = gunzip("t10k-images-idx3-ubyte");
        images[16 + 400] ^= 1; // one pixel of one test image
        Files.write(other.resolve("t10k-images-idx3-ubyte"), images);
        CliTest.Run differs = CliTest.run("eval", "--model", model.toString(), "--data", other.toString(), "--device", "cpu");
        assertEquals(0, differs.code(), differs.err());
        assertEquals(1, differs.err().lines().filter(l -> l.contains("note")).count(), differs.err());
        assertTrue(differs.err().contains("gpu-mlp: note: t10k-images-idx3-ubyte in " + other + " differ from the files model "
                + model + " was trained and tested with"), differs.err());
        assertTrue(differs.out().contains("accuracy"), differs.out());
    }

    private static byte[] gunzip(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(CliTest.SUBSET, name + ".gz")))) {
            return in.readAllBytes();
        }
    }
}
