// metadata.json fields a model must have: sizes with no hidden layer or a one-row input, and the fixed pixel and bias conventions.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gpumlp.UserError;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataJsonTest {
    private static String json(int[] sizes, int rows, int cols) {
        return new String(MetadataJson.toBytes(new ModelMetadata(sizes, rows, cols, Map.of(), Map.of(),
                "2025-01-31T12:00:00Z", "gpu-mlp test")), StandardCharsets.UTF_8);
    }

    private static ModelMetadata read(String json) {
        return MetadataJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), "m.npz, metadata.json");
    }

    private static String refusal(String json) {
        return assertThrows(UserError.class, () -> read(json)).getMessage();
    }

    @Test
    void aModelWithoutHiddenLayersAndOneRowInputsIsRead() {
        ModelMetadata m = read(json(new int[] {784, 10}, 1, 784));
        assertArrayEquals(new int[] {784, 10}, m.layerSizes());
        assertEquals(1, m.inputRows());
        assertEquals(784, m.inputCols());
        assertEquals(1, read(json(new int[] {784, 10}, 784, 1)).inputCols(), "a one-column image");
    }

    @Test
    void sizesAndShapesThatCannotBeAreRefused() {
        String ok = json(new int[] {784, 16, 10}, 28, 28);
        assertEquals("m.npz, metadata.json: layer_sizes must be positive, got [784,0,10]",
                refusal(ok.replaceAll("\\[\\s*784,\\s*16,\\s*10\\s*]", "[784,0,10]")));
        assertEquals("m.npz, metadata.json: layer_sizes needs at least an input and an output size",
                refusal(ok.replaceAll("\\[\\s*784,\\s*16,\\s*10\\s*]", "[10]")));
        assertEquals("m.npz, metadata.json: input_shape [-28,-28] must be [rows, cols] with rows * cols = layer_sizes[0] = 784",
                refusal(ok.replaceAll("\\[\\s*28,\\s*28\\s*]", "[-28,-28]")));
        assertEquals("m.npz, metadata.json: input_shape [0,784] must be [rows, cols] with rows * cols = layer_sizes[0] = 784",
                refusal(ok.replaceAll("\\[\\s*28,\\s*28\\s*]", "[0,784]")));
    }

    /** A model trained on differently scaled pixels or another bias layout would predict garbage here. */
    @Test
    void otherPixelScalesAndBiasLayoutsAreRefused() {
        String ok = json(new int[] {784, 16, 10}, 28, 28);
        assertEquals("m.npz, metadata.json: unsupported pixel_scale 'x = pixel / 127.5 - 1', expected '"
                + ModelMetadata.PIXEL_SCALE + "'", refusal(ok.replace(ModelMetadata.PIXEL_SCALE, "x = pixel / 127.5 - 1")));
        assertEquals("m.npz, metadata.json: unsupported bias 'a separate vector b', expected '" + ModelMetadata.BIAS + "'",
                refusal(ok.replace(ModelMetadata.BIAS, "a separate vector b")));
    }
}
