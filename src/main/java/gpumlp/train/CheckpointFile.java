// One checkpoint on disk: a zip of W{l}.npy, V{l}.npy (momentum), B{l}.npy (best epoch) and checkpoint.json, written atomically.
package gpumlp.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gpumlp.UserError;
import gpumlp.model.ModelMetadata;
import gpumlp.model.Network;
import gpumlp.model.Npy;
import gpumlp.util.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The JSON holds the position (epochs done, samples into the next epoch and their running totals),
 * the layer sizes, the run's settings and data checksums (to refuse resuming another run), and the
 * finished epochs' records, and the early-stopping state: the best validation epoch and, when the run
 * keeps the best epoch's model, its weights (B{l}.npy). Reading checks every entry (zip CRCs, array shapes, finite values); any
 * problem is a {@link UserError} naming the file, so a caller can skip a damaged checkpoint.
 */
public final class CheckpointFile {
    public static final String FORMAT = "gpu-mlp-checkpoint/2";
    static final String JSON_ENTRY = "checkpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A checkpoint read back: the state and what it says about the run that wrote it. */
    public record Loaded(TrainState state, Map<String, Object> settings, Map<String, String> data) {}

    private CheckpointFile() {}

    /** Writes {@code state} atomically. settings: the run's settings map; data: file name to SHA-256. */
    public static void save(Path path, TrainState state, Map<String, Object> settings, Map<String, String> data) {
        Network w = state.weights();
        ObjectNode json = JSON.createObjectNode();
        json.put("format", FORMAT);
        json.put("epochs_done", state.epochsDone());
        json.put("samples_into_epoch", state.samplesIntoEpoch());
        json.put("partial_loss_sum", state.partialLossSum());
        json.put("partial_correct", state.partialCorrect());
        json.put("partial_seconds", state.partialSeconds());
        ArrayNode sizes = json.putArray("layer_sizes");
        for (int s : w.sizes()) {
            sizes.add(s);
        }
        json.put("momentum", state.momentum() != null);
        json.put("best_epoch", state.bestEpoch());
        json.put("best_weights", state.best() != null);
        json.set("settings", JSON.valueToTree(settings));
        json.set("data", JSON.valueToTree(data));
        ArrayNode records = json.putArray("records");
        for (EpochRecord r : state.records()) {
            ObjectNode o = JSON.valueToTree(MetricsWriter.toMap(r)); // the metrics file's fields, plus the sample count
            o.put("samples", r.samples());
            records.add(o);
        }
        json.put("created", Instant.now().toString());
        json.put("software", ModelMetadata.softwareVersion());
        AtomicFiles.write(path, "checkpoint", out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (int l = 1; l <= w.layers(); l++) {
                    put(zip, "W" + l + ".npy", Npy.toBytes(w.size(l - 1) + 1, w.size(l), w.weights(l)));
                    if (state.momentum() != null) {
                        put(zip, "V" + l + ".npy", Npy.toBytes(w.size(l - 1) + 1, w.size(l), state.momentum()[l - 1]));
                    }
                    if (state.best() != null) {
                        put(zip, "B" + l + ".npy", Npy.toBytes(w.size(l - 1) + 1, w.size(l), state.best().weights(l)));
                    }
                }
                put(zip, JSON_ENTRY, JSON.writeValueAsBytes(json));
            }
        });
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name)); // deflated: the zip stream checks each entry's CRC on reading
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Reads and checks a checkpoint; every problem is a UserError naming the file. */
    public static Loaded load(Path path) {
        String file = "checkpoint " + path;
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(path); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName(), zip.readAllBytes()); // throws on a CRC mismatch or truncation
            }
        } catch (IOException e) {
            throw new UserError(file + " is unreadable or corrupt: " + e.getMessage(), e);
        }
        try {
            return parse(entries, file);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError(file + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static Loaded parse(Map<String, byte[]> entries, String file) throws IOException {
        byte[] jsonBytes = entries.get(JSON_ENTRY);
        if (jsonBytes == null) {
            throw new UserError(file + " has no " + JSON_ENTRY + " (truncated, or not a gpu-mlp checkpoint)");
        }
        JsonNode json = JSON.readTree(jsonBytes);
        if (!FORMAT.equals(json.path("format").asText())) {
            throw new UserError(file + " has format '" + json.path("format").asText() + "', expected " + FORMAT);
        }
        JsonNode sizesNode = json.path("layer_sizes");
        int[] sizes = new int[sizesNode.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = sizesNode.get(i).asInt();
        }
        if (sizes.length < 2) {
            throw new UserError(file + ": layer_sizes has fewer than 2 layers");
        }
        int layers = sizes.length - 1;
        boolean momentum = json.path("momentum").asBoolean();
        float[][] w = new float[layers][];
        boolean hasBest = json.path("best_weights").asBoolean();
        float[][] v = momentum ? new float[layers][] : null;
        float[][] b = hasBest ? new float[layers][] : null;
        for (int l = 1; l <= layers; l++) {
            w[l - 1] = array(entries, "W" + l + ".npy", sizes[l - 1] + 1, sizes[l], file);
            if (momentum) {
                v[l - 1] = array(entries, "V" + l + ".npy", sizes[l - 1] + 1, sizes[l], file);
            }
            if (hasBest) {
                b[l - 1] = array(entries, "B" + l + ".npy", sizes[l - 1] + 1, sizes[l], file);
            }
        }
        List<EpochRecord> records = new ArrayList<>();
        for (JsonNode r : json.path("records")) {
            HeldOut held = r.has("validation_loss") ? HeldOut.validation : HeldOut.test;
            records.add(new EpochRecord(r.path("epoch").asInt(), r.path("lr").asDouble(), r.path("train_loss").asDouble(),
                    r.path("train_accuracy").asDouble(), held, r.path(held.key() + "_loss").asDouble(),
                    r.path(held.key() + "_accuracy").asDouble(), r.path("seconds").asDouble(), r.path("samples").asLong()));
        }
        int epochsDone = json.path("epochs_done").asInt(-1);
        int into = json.path("samples_into_epoch").asInt(-1);
        int bestEpoch = json.path("best_epoch").asInt(-1);
        if (epochsDone < 0 || into < 0 || records.size() != epochsDone || bestEpoch < 0 || bestEpoch > epochsDone
                || (hasBest && bestEpoch == 0)) {
            throw new UserError(file + ": inconsistent position (epochs_done " + epochsDone + ", samples_into_epoch "
                    + into + ", " + records.size() + " epoch records, best_epoch " + bestEpoch + ")");
        }
        TrainState state = new TrainState(epochsDone, into, json.path("partial_loss_sum").asDouble(),
                json.path("partial_correct").asLong(), json.path("partial_seconds").asDouble(), new Network(sizes, w), v,
                records, bestEpoch, hasBest ? new Network(sizes, b) : null);
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = JSON.convertValue(json.path("settings"), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, String> data = JSON.convertValue(json.path("data"), Map.class);
        return new Loaded(state, settings, data);
    }

    /** A (rows, cols) float32 array with finite values. */
    private static float[] array(Map<String, byte[]> entries, String name, int rows, int cols, String file) throws IOException {
        byte[] bytes = entries.get(name);
        if (bytes == null) {
            throw new UserError(file + " lacks " + name);
        }
        Npy.Array a = Npy.read(new ByteArrayInputStream(bytes), file + ", " + name);
        if (a.rows() != rows || a.cols() != cols) {
            throw new UserError(file + ", " + name + ": shape (" + a.rows() + ", " + a.cols() + "), expected (" + rows + ", "
                    + cols + ")");
        }
        for (float x : a.data()) {
            if (!Float.isFinite(x)) {
                throw new UserError(file + ", " + name + " holds a non-finite value");
            }
        }
        return a.data();
    }
}
