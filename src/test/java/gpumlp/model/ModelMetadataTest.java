// Model metadata as a value: stamped with the time and version, compared field by field, shown readably, never aliased.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {
    private static final Map<String, Object> TRAINING = Map.of("epochs", 3);
    private static final Map<String, String> DATA = Map.of("train-images-idx3-ubyte", "ab12");

    private static ModelMetadata meta(int[] sizes, int rows, int cols, Map<String, Object> training,
                                      Map<String, String> data, String created, String software) {
        return new ModelMetadata(sizes, rows, cols, training, data, created, software);
    }

    private static ModelMetadata base() {
        return meta(new int[] {784, 800, 10}, 28, 28, TRAINING, DATA, "2025-01-31T12:00:00Z", "gpu-mlp 1.0");
    }

    @Test
    void createStampsTheTimeToTheSecondAndTheSoftwareVersion() {
        Instant before = Instant.now().minusSeconds(1);
        ModelMetadata m = ModelMetadata.create(new int[] {4, 10}, 2, 2, null, null, "1.2.3");
        assertEquals("gpu-mlp 1.2.3", m.software());
        assertTrue(m.created().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), m.created());
        Instant created = Instant.parse(m.created());
        assertTrue(!created.isBefore(before) && created.isBefore(Instant.now().plus(Duration.ofSeconds(1))), m.created());
        assertEquals(Map.of(), m.training(), "no settings: an empty map, not null");
        assertEquals(Map.of(), m.dataChecksums());
        // run from classes, not a jar: no Implementation-Version
        assertEquals("dev", ModelMetadata.softwareVersion());
        assertEquals("gpu-mlp dev", ModelMetadata.create(new int[] {4, 10}, 2, 2, null, null, null).software());
    }

    @Test
    void equalWhenEveryFieldIsEqual() {
        ModelMetadata a = base();
        ModelMetadata b = meta(new int[] {784, 800, 10}, 28, 28, new LinkedHashMap<>(TRAINING), new LinkedHashMap<>(DATA),
                "2025-01-31T12:00:00Z", "gpu-mlp 1.0");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        List<ModelMetadata> others = List.of(
                meta(new int[] {784, 801, 10}, 28, 28, TRAINING, DATA, "2025-01-31T12:00:00Z", "gpu-mlp 1.0"),
                meta(new int[] {784, 800, 10}, 14, 56, TRAINING, DATA, "2025-01-31T12:00:00Z", "gpu-mlp 1.0"),
                meta(new int[] {784, 800, 10}, 28, 29, TRAINING, DATA, "2025-01-31T12:00:00Z", "gpu-mlp 1.0"),
                meta(new int[] {784, 800, 10}, 28, 28, Map.of("epochs", 4), DATA, "2025-01-31T12:00:00Z", "gpu-mlp 1.0"),
                meta(new int[] {784, 800, 10}, 28, 28, TRAINING, Map.of(), "2025-01-31T12:00:00Z", "gpu-mlp 1.0"),
                meta(new int[] {784, 800, 10}, 28, 28, TRAINING, DATA, "2025-01-31T12:00:01Z", "gpu-mlp 1.0"),
                meta(new int[] {784, 800, 10}, 28, 28, TRAINING, DATA, "2025-01-31T12:00:00Z", "gpu-mlp 1.1"));
        for (ModelMetadata o : others) {
            assertNotEquals(a, o, o.toString());
            assertNotEquals(a.hashCode(), o.hashCode(), o.toString());
        }
        assertNotEquals(a, "not metadata");
    }

    @Test
    void theArraysAndMapsAreItsOwn() {
        int[] sizes = {784, 800, 10};
        Map<String, Object> training = new LinkedHashMap<>(TRAINING);
        ModelMetadata m = meta(sizes, 28, 28, training, DATA, "2025-01-31T12:00:00Z", "gpu-mlp 1.0");
        sizes[1] = 5;
        training.put("epochs", 99);
        m.layerSizes()[1] = 7;
        assertArrayEquals(new int[] {784, 800, 10}, m.layerSizes());
        assertEquals(3, m.training().get("epochs"));
    }

    @Test
    void activationsAreReluThenSoftmax() {
        assertEquals(List.of("relu", "softmax"), base().activations());
        assertEquals(List.of("softmax"), meta(new int[] {784, 10}, 28, 28, null, null, "t", "s").activations());
        assertEquals(List.of("relu", "relu", "softmax"),
                meta(new int[] {784, 512, 256, 10}, 28, 28, null, null, "t", "s").activations());
    }

    @Test
    void toStringShowsTheShapeAndProvenance() {
        assertEquals("ModelMetadata[layerSizes=[784, 800, 10], input=28x28, training={epochs=3}, "
                + "data={train-images-idx3-ubyte=ab12}, created=2025-01-31T12:00:00Z, software=gpu-mlp 1.0]", base().toString());
    }
}
