// Writes one JSON object per epoch to the metrics file (JSON Lines), flushed after each line.
package gpumlp.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.UserError;
import gpumlp.util.IoErrors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fields: epoch, lr, train_loss, train_accuracy, test_loss, test_accuracy, seconds, samples_per_s. */
public final class MetricsWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final BufferedWriter out;

    /** Creates (or truncates) the file. */
    public MetricsWriter(Path path) {
        this.path = path;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot write metrics file " + path + ": " + IoErrors.describe(e), e);
        }
    }

    public static Map<String, Object> toMap(EpochRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", r.epoch());
        m.put("lr", r.learningRate());
        m.put("train_loss", r.trainLoss());
        m.put("train_accuracy", r.trainAccuracy());
        m.put("test_loss", r.testLoss());
        m.put("test_accuracy", r.testAccuracy());
        m.put("seconds", r.seconds());
        m.put("samples_per_s", r.samplesPerSecond());
        return m;
    }

    public void write(EpochRecord r) {
        try {
            out.write(JSON.writeValueAsString(toMap(r)));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UserError("cannot write metrics file " + path + ": " + IoErrors.describe(e), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UserError("cannot write metrics file " + path + ": " + IoErrors.describe(e), e);
        }
    }
}
