// What a saved model records besides its weights: layer sizes, input shape, training settings, provenance.
package gpumlp.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code metadata.json} entry of a model file, minus the fixed descriptive fields
 * (format, activations, pixel_scale, bias) that {@link MetadataJson} writes and checks.
 *
 * @param layerSizes    d(0)..d(L), e.g. [784, 800, 10]
 * @param inputRows     image height; inputRows * inputCols == d(0)
 * @param inputCols     image width
 * @param training      free-form training settings (JSON-serialisable values); insertion order kept
 * @param dataChecksums data file name -> sha256 hex
 * @param created       ISO-8601 UTC timestamp, e.g. 2025-01-31T12:00:00Z
 * @param software      "gpu-mlp &lt;version&gt;"
 */
public record ModelMetadata(int[] layerSizes, int inputRows, int inputCols, Map<String, Object> training,
                            Map<String, String> dataChecksums, String created, String software) {
    /** Output units of every gpu-mlp model: one per class, labels 0..9, y one-hot in R^10. */
    public static final int CLASSES = 10;
    public static final String FORMAT = "gpu-mlp/1";
    public static final String PIXEL_SCALE = "x = pixel / 255";
    public static final String BIAS = "row 0 of each W multiplies the constant input x0 = 1";

    public ModelMetadata {
        layerSizes = layerSizes.clone();
        training = Collections.unmodifiableMap(new LinkedHashMap<>(training == null ? Map.of() : training));
        dataChecksums = Collections.unmodifiableMap(
                new LinkedHashMap<>(dataChecksums == null ? Map.of() : dataChecksums));
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(software, "software");
    }

    /** Metadata stamped now, with software "gpu-mlp &lt;version&gt;" (version null: the jar's own version). */
    public static ModelMetadata create(int[] layerSizes, int inputRows, int inputCols, Map<String, Object> training,
                                       Map<String, String> dataChecksums, String version) {
        return new ModelMetadata(layerSizes, inputRows, inputCols, training, dataChecksums,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                "gpu-mlp " + (version != null ? version : softwareVersion()));
    }

    /** The Implementation-Version of the running jar, or "dev" when run from classes. */
    public static String softwareVersion() {
        String v = ModelMetadata.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    /** One per weight layer: "relu" for hidden layers, "softmax" for the output layer. */
    public List<String> activations() {
        return activationsFor(layerSizes.length - 1);
    }

    static List<String> activationsFor(int weightLayers) {
        List<String> a = new ArrayList<>(Collections.nCopies(Math.max(0, weightLayers - 1), "relu"));
        a.add("softmax");
        return a;
    }

    @Override
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelMetadata m && Arrays.equals(layerSizes, m.layerSizes) && inputRows == m.inputRows
                && inputCols == m.inputCols && training.equals(m.training) && dataChecksums.equals(m.dataChecksums)
                && created.equals(m.created) && software.equals(m.software);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(layerSizes), inputRows, inputCols, training, dataChecksums, created,
                software);
    }

    @Override
    public String toString() {
        return "ModelMetadata[layerSizes=" + Arrays.toString(layerSizes) + ", input=" + inputRows + "x" + inputCols
                + ", training=" + training + ", data=" + dataChecksums + ", created=" + created
                + ", software=" + software + "]";
    }
}
