// What a user is told about a model file that cannot be saved or loaded: where the bad weight is, a checkpoint passed as a model, impossible sizes.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gpumlp.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileMessagesTest {
    @TempDir
    Path dir;

    private static ModelMetadata meta(int[] sizes) {
        return new ModelMetadata(sizes, 1, sizes[0], Map.of(), Map.of(), "2025-01-31T12:00:00Z", "gpu-mlp test");
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
            }
        }
        return p;
    }

    /** The first bad value by row and column of W(l) as the model file stores it, and whether it is a bias. */
    @Test
    void aDivergedWeightIsLocatedWhenSaving() {
        int[] sizes = {4, 3, 10};
        Network net = Network.zeros(sizes);
        net.weights(2)[3 * 10 + 7] = Float.NaN; // row 3, column 7 of the 4 x 10 W2
        net.weights(2)[3 * 10 + 8] = Float.POSITIVE_INFINITY;
        Path p = dir.resolve("m.npz");
        UserError e = assertThrows(UserError.class, () -> ModelFile.save(p, net, meta(sizes)));
        assertEquals("cannot save model file " + p + ": W2 contains NaN at row 3, column 7 (training diverged; try a"
                + " smaller learning rate)", e.getMessage());
        Network bias = Network.zeros(sizes);
        bias.weights(1)[2] = Float.NEGATIVE_INFINITY;
        assertEquals("cannot save model file " + p + ": W1 contains -Infinity at row 0, column 2 (bias row) (training"
                + " diverged; try a smaller learning rate)",
                assertThrows(UserError.class, () -> ModelFile.save(p, bias, meta(sizes))).getMessage());
    }

    @Test
    void aCheckpointGivenAsAModelSaysHowToFinishTheRun() throws IOException {
        Path ck = zip("ckpt-0003.npz", Map.of("checkpoint.json", "{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("model file " + ck + " is a training checkpoint, not a model: train --resume with its"
                + " --checkpoint-dir finishes the run and writes the model",
                assertThrows(UserError.class, () -> ModelFile.load(ck)).getMessage());
    }

    /** Sizes no matrix can hold are refused from the metadata, before any weight entry is read. */
    @Test
    void impossibleSizesAreRefusedBeforeReadingWeights() throws IOException {
        int wide = 100_000_000;
        Path p = zip("huge.npz", Map.of("metadata.json", MetadataJson.toBytes(new ModelMetadata(new int[] {784, wide, 10},
                28, 28, Map.of(), Map.of(), "2025-01-31T12:00:00Z", "gpu-mlp test")),
                "W1.npy", Npy.toBytes(2, 2, new float[4])));
        assertEquals("model file " + p + ": layer_sizes [784, " + wide + ", 10] describe a weight matrix of "
                + 785L * wide + " values, more than the " + Npy.MAX_VALUES + " one matrix may hold",
                assertThrows(UserError.class, () -> ModelFile.load(p)).getMessage());
    }

    /** As np.savez writes them: every entry STORED, uncompressed, so a reader can seek straight to a matrix. */
    @Test
    void entriesAreStoredUncompressedAsNpSavezWritesThem() throws IOException {
        int[] sizes = {4, 3, 10};
        Path p = dir.resolve("m.npz");
        ModelFile.save(p, Network.zeros(sizes), meta(sizes));
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(p.toFile())) {
            assertEquals(java.util.List.of("W1.npy", "W2.npy", "metadata.json"),
                    z.stream().map(ZipEntry::getName).toList());
            z.stream().forEach(e -> assertEquals(ZipEntry.STORED, e.getMethod(), e.getName()));
        }
    }
}
