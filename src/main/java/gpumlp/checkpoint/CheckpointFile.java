// One checkpoint on disk: a zip of W{l}.npy, V{l}.npy (momentum), B{l}.npy (best epoch) and checkpoint.json, written atomically.
package gpumlp.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gpumlp.UserError;
import gpumlp.model.ModelMetadata;
import gpumlp.model.NetworkBounds;
import gpumlp.model.NpzArchive;
import gpumlp.model.Network;
import gpumlp.model.Npy;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import gpumlp.train.MetricsWriter;
import gpumlp.train.Selection;
import gpumlp.train.TrainState;
import gpumlp.util.AtomicFiles;
import gpumlp.util.OneLine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The JSON holds the position (epochs done, samples into the next epoch and their running totals),
 * the layer sizes, the run's settings and data checksums (to refuse resuming another run), and the
 * finished epochs' records, and the early-stopping state: the best validation epoch and, when the run
 * keeps the best epoch's model, its weights (B{l}.npy). Reading checks every entry (zip CRCs, array shapes, finite values)
 * and every field's type, range and agreement with the others ({@link CheckpointFields}); any problem is a
 * {@link UserError} naming the file, so a caller can skip a damaged checkpoint.
 */
public final class CheckpointFile {
    public static final String FORMAT = "gpu-mlp-checkpoint/2";
    static final String JSON_ENTRY = "checkpoint.json";
    /** checkpoint.json grows by about 250 bytes an epoch; this bound allows some 250,000 epochs. */
    static final int MAX_JSON_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reading: a key given twice is damage (Jackson would keep the last value). */
    private static final ObjectMapper STRICT = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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
        zip.write(bytes); // the next entry, or closing the stream, ends this one
    }

    /** Reads and checks a checkpoint; every problem is a UserError naming the file. */
    public static Loaded load(Path path) {
        try (NpzArchive npz = NpzArchive.open(path, "checkpoint")) {
            return parse(npz, npz.source());
        } catch (UserError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(""); // one line, whatever the library says
            throw new UserError("checkpoint " + path + " is corrupt: " + why, e);
        }
    }

    private static Loaded parse(NpzArchive npz, String file) throws IOException {
        byte[] jsonBytes = npz.bytes(JSON_ENTRY, MAX_JSON_BYTES);
        if (jsonBytes == null) {
            throw new UserError(file + " has no " + JSON_ENTRY + " (truncated, or not a gpu-mlp checkpoint)");
        }
        JsonNode json = readJson(jsonBytes, file);
        if (json == null || !FORMAT.equals(json.path("format").asText())) {
            throw new UserError(file + " has format '" + (json == null ? "" : json.path("format").asText()) + "', expected "
                    + FORMAT);
        }
        CheckpointFields fields = new CheckpointFields(json, file);
        JsonNode sizesNode = json.path("layer_sizes");
        int[] sizes = new int[sizesNode.size()];
        for (int i = 0; i < sizes.length; i++) {
            if (!sizesNode.get(i).isInt()) {
                throw new UserError(file + ": layer_sizes must hold integers, got " + sizesNode);
            }
            sizes[i] = sizesNode.get(i).asInt();
        }
        if (sizes.length < 2) {
            throw new UserError(file + ": layer_sizes has fewer than 2 layers");
        }
        int layers = sizes.length - 1;
        boolean momentum = fields.flag("momentum");
        boolean hasBest = fields.flag("best_weights");
        NetworkBounds.check(sizes, 1 + (momentum ? 1 : 0) + (hasBest ? 1 : 0), file);
        Map<String, Object> settings = object(json, "settings", file);
        Map<String, String> data = new LinkedHashMap<>();
        object(json, "data", file).forEach((k, v) -> {
            if (!(v instanceof String text)) {
                throw new UserError(file + ": data[\"" + k + "\"] must be a checksum string");
            }
            data.put(k, text);
        });
        float[][] w = new float[layers][];
        float[][] v = momentum ? new float[layers][] : null;
        float[][] b = hasBest ? new float[layers][] : null;
        for (int l = 1; l <= layers; l++) {
            w[l - 1] = npz.matrix("W" + l + ".npy", sizes[l - 1] + 1, sizes[l], "layer_sizes");
            if (momentum) {
                v[l - 1] = npz.matrix("V" + l + ".npy", sizes[l - 1] + 1, sizes[l], "layer_sizes");
            }
            if (hasBest) {
                b[l - 1] = npz.matrix("B" + l + ".npy", sizes[l - 1] + 1, sizes[l], "layer_sizes");
            }
        }
        for (String stray : npz.names()) { // a flag saying "none" while the entries are there: which one lies?
            if ((!momentum && stray.matches("V\\d+\\.npy")) || (!hasBest && stray.matches("B\\d+\\.npy"))) {
                throw new UserError(file + " holds the entry " + stray + " but its checkpoint.json says "
                        + (stray.startsWith("V") ? "momentum" : "best_weights") + " false");
            }
        }
        List<EpochRecord> records = fields.records();
        int epochsDone = fields.position("epochs_done");
        int into = fields.position("samples_into_epoch");
        int bestEpoch = fields.position("best_epoch");
        if (epochsDone < 0 || into < 0 || records.size() != epochsDone || bestEpoch < 0 || bestEpoch > epochsDone
                || (hasBest && bestEpoch == 0)) {
            throw new UserError(file + ": inconsistent position (epochs_done " + epochsDone + ", samples_into_epoch "
                    + into + ", " + records.size() + " epoch records, best_epoch " + bestEpoch + ")");
        }
        if (bestEpoch > 0 && records.get(bestEpoch - 1).heldOut() != HeldOut.validation) {
            throw new UserError(file + ": best_epoch " + bestEpoch + " has no validation figures to be the best by");
        }
        Selection.Metric metric = selectMetric(settings, file);
        int bestByRecords = bestEpoch(records, metric);
        if (bestEpoch != bestByRecords) { // the run would report, and keep, another epoch's model than the best
            throw new UserError(file + ": best_epoch " + bestEpoch + " is not the best of its records by validation "
                    + metric + " (epoch " + bestByRecords + " is)");
        }
        for (EpochRecord r : records) { // every epoch trains the same samples, and a stop comes before the last
            if (r.samples() != records.get(0).samples() || into >= r.samples()) {
                throw new UserError(file + ": inconsistent sample counts (samples_into_epoch " + into + ", epoch "
                        + r.epoch() + " trained " + r.samples() + ", epoch 1 " + records.get(0).samples() + ")");
            }
        }
        double lossSum = fields.number("partial_loss_sum", 0, into == 0 ? 0 : Double.MAX_VALUE);
        long correct = fields.whole("partial_correct", 0, into);
        double seconds = fields.number("partial_seconds", 0, into == 0 ? 0 : Double.MAX_VALUE);
        if (!momentum && (epochsDone > 0 || into > 0) && settings.get("momentum") instanceof Number mu
                && mu.doubleValue() > 0) {
            throw new UserError(file + " has no momentum state (V1.npy) though it trained with momentum " + mu);
        }
        TrainState state = new TrainState(epochsDone, into, lossSum, correct, seconds, new Network(sizes, w), v,
                records, bestEpoch, hasBest ? new Network(sizes, b) : null);
        return new Loaded(state, settings, data);
    }

    /**
     * The JSON tree; a syntax error is one line with its place ("line 1, column 80"), and a NaN or
     * Infinity (which JSON has no numbers for) is named.
     */
    private static JsonNode readJson(byte[] bytes, String file) throws IOException {
        try (com.fasterxml.jackson.core.JsonParser parser = STRICT.createParser(bytes)) {
            JsonNode tree = STRICT.readTree(parser);
            requireNothingAfter(parser, file);
            return tree;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            java.util.regex.Matcher twice = java.util.regex.Pattern.compile("^Duplicate field '([^']{0,40})'")
                    .matcher(String.valueOf(e.getOriginalMessage()));
            if (twice.find()) {
                throw new UserError(file + ": " + JSON_ENTRY + " gives the key '" + OneLine.of(twice.group(1)) + "' twice"
                        + place(e), e);
            }
            java.util.regex.Matcher token = java.util.regex.Pattern.compile("^Non-standard token '([^']{1,20})'")
                    .matcher(String.valueOf(e.getOriginalMessage()));
            throw new UserError(file + ": " + JSON_ENTRY + " is not valid JSON" + place(e)
                    + (token.find() ? ": " + token.group(1) + " is not a JSON number" : ""), e);
        }
    }

    /** The settings' "select" (accuracy where a checkpoint has none). */
    private static Selection.Metric selectMetric(Map<String, Object> settings, String file) {
        Object select = settings.getOrDefault("select", Selection.Metric.accuracy.name());
        for (Selection.Metric m : Selection.Metric.values()) {
            if (m.name().equals(select)) {
                return m;
            }
        }
        throw new UserError(file + ": settings.select is '" + OneLine.of(String.valueOf(select)) + "', not accuracy or loss");
    }

    /** The epoch the trainer would have chosen from these records: the first best by validation; 0 without validation. */
    private static int bestEpoch(List<EpochRecord> records, Selection.Metric metric) {
        Selection by = new Selection(metric, 0, Selection.Save.last);
        int best = 0;
        for (EpochRecord r : records) {
            if (r.heldOut() == HeldOut.validation && (best == 0 || by.better(r, records.get(best - 1)))) {
                best = r.epoch();
            }
        }
        return best;
    }

    /** Only white space may follow the object: another value, text or a NUL byte there is damage. */
    private static void requireNothingAfter(com.fasterxml.jackson.core.JsonParser parser, String file) throws IOException {
        com.fasterxml.jackson.core.JsonLocation end = parser.currentLocation();
        boolean more;
        try {
            more = parser.nextToken() != null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) { // not even a token: xyz, a NUL byte
            more = true;
        }
        if (more) {
            throw new UserError(file + ": " + JSON_ENTRY + " has data after its JSON object (line " + end.getLineNr()
                    + ", column " + end.getColumnNr() + ")");
        }
    }

    /** " (line 1, column 80)", or nothing where the parser does not know. */
    private static String place(com.fasterxml.jackson.core.JsonProcessingException e) {
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** A field that must be a JSON object, as a map; a checkpoint without it is damaged. */
    private static Map<String, Object> object(JsonNode json, String field, String file) {
        JsonNode node = json.get(field);
        if (node == null || !node.isObject()) {
            throw new UserError(file + ": '" + field + "' is " + (node == null ? "missing" : node.isNull() ? "null"
                    : "not an object"));
        }
        return JSON.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
