// Writes the metrics file: one JSON object per epoch (JSON Lines), the whole file replaced atomically after each epoch.
package gpumlp.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.util.AtomicFiles;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fields: epoch, lr, train_loss, train_accuracy, validation_loss, validation_accuracy, seconds, samples_per_s;
 * with --validation 0 the epochs are scored on the test set and the fields say so: test_loss, test_accuracy.
 * The file is rewritten whole (it is small) so a reader never sees a half-written line.
 */
public final class MetricsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final StringBuilder lines = new StringBuilder();

    public MetricsWriter(Path path) {
        this.path = path;
    }

    public static Map<String, Object> toMap(EpochRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", r.epoch());
        m.put("lr", r.learningRate());
        m.put("train_loss", r.trainLoss());
        m.put("train_accuracy", r.trainAccuracy());
        m.put(r.heldOut().key() + "_loss", r.heldOutLoss());
        m.put(r.heldOut().key() + "_accuracy", r.heldOutAccuracy());
        m.put("seconds", r.seconds());
        m.put("samples_per_s", r.samplesPerSecond());
        return m;
    }

    /** Appends the epoch's line and replaces the file with all lines so far. */
    public void write(EpochRecord r) {
        try {
            lines.append(JSON.writeValueAsString(toMap(r))).append('\n');
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a map of numbers always serialises
        }
        AtomicFiles.write(path, "metrics file", out -> out.write(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
