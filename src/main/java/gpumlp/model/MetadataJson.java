// Converts ModelMetadata to and from the metadata.json bytes of a model file, checking every field.
package gpumlp.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gpumlp.UserError;
import gpumlp.util.OneLine;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Field names and order follow the model-file format "gpu-mlp/1". */
final class MetadataJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetadataJson() {
    }

    /** UTF-8 JSON for metadata.json. */
    static byte[] toBytes(ModelMetadata m) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", ModelMetadata.FORMAT);
        ArrayNode sizes = o.putArray("layer_sizes");
        for (int d : m.layerSizes()) {
            sizes.add(d);
        }
        ArrayNode act = o.putArray("activations");
        m.activations().forEach(act::add);
        o.putArray("input_shape").add(m.inputRows()).add(m.inputCols());
        o.put("pixel_scale", ModelMetadata.PIXEL_SCALE);
        o.put("bias", ModelMetadata.BIAS);
        try {
            o.set("training", MAPPER.valueToTree(m.training()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("training settings are not JSON-serialisable: " + e.getMessage(), e);
        }
        ObjectNode data = o.putObject("data");
        m.dataChecksums().forEach(data::put);
        o.put("created", m.created());
        o.put("software", m.software());
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and checks metadata.json; {@code source} names it in errors. */
    static ModelMetadata fromBytes(byte[] json, String source) {
        JsonNode o;
        try {
            requireOneValueWithUniqueKeys(json, source);
            o = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new UserError(source + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UserError(source + " cannot be read: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new UserError(source + " is not a JSON object");
        }
        String format = text(o, "format", source);
        if (!format.equals(ModelMetadata.FORMAT)) {
            throw new UserError(source + " has format '" + format + "', expected '" + ModelMetadata.FORMAT
                    + "' (written by another program or another gpu-mlp version)");
        }
        int[] sizes = ints(o, "layer_sizes", source);
        if (sizes.length < 2) {
            throw new UserError(source + ": layer_sizes needs at least an input and an output size");
        }
        for (int d : sizes) {
            if (d <= 0) {
                throw new UserError(source + ": layer_sizes must be positive, got " + o.get("layer_sizes"));
            }
        }
        if (sizes[sizes.length - 1] != ModelMetadata.CLASSES) {
            throw new UserError(source + ": the output layer has " + sizes[sizes.length - 1] + " units; gpu-mlp models have "
                    + ModelMetadata.CLASSES + " (one per class, labels 0.." + (ModelMetadata.CLASSES - 1) + ")");
        }
        List<String> act = new ArrayList<>();
        for (JsonNode a : array(o, "activations", source)) {
            act.add(a.asText());
        }
        List<String> expected = ModelMetadata.activationsFor(sizes.length - 1);
        if (!act.equals(expected)) {
            throw new UserError(source + ": activations " + act + " do not fit layer_sizes " + o.get("layer_sizes")
                    + "; expected " + expected);
        }
        int[] shape = ints(o, "input_shape", source);
        if (shape.length != 2 || shape[0] < 1 || shape[1] < 1 || (long) shape[0] * shape[1] != sizes[0]) {
            throw new UserError(source + ": input_shape " + o.get("input_shape") + " must be [rows, cols] with rows * cols"
                    + " = layer_sizes[0] = " + sizes[0]);
        }
        requireText(o, "pixel_scale", ModelMetadata.PIXEL_SCALE, source);
        requireText(o, "bias", ModelMetadata.BIAS, source);
        Map<String, Object> training = MAPPER.convertValue(object(o, "training", source),
                new TypeReference<LinkedHashMap<String, Object>>() { });
        Map<String, String> data = new LinkedHashMap<>();
        object(o, "data", source).properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                throw new UserError(source + ": data[\"" + e.getKey() + "\"] must be a sha256 hex string");
            }
            data.put(e.getKey(), e.getValue().asText());
        });
        return new ModelMetadata(sizes, shape[0], shape[1], training, data, text(o, "created", source),
                text(o, "software", source));
    }

    /**
     * Refuses what a tree would hide: a key given twice in one object (the tree keeps the last) and
     * anything after the first JSON value (the tree stops there). Both mean a damaged model file.
     */
    private static void requireOneValueWithUniqueKeys(byte[] json, String source) throws IOException {
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            Deque<Set<String>> objects = new ArrayDeque<>();
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    objects.push(new HashSet<>());
                } else if (t == JsonToken.END_OBJECT) {
                    objects.pop();
                } else if (t == JsonToken.FIELD_NAME && !objects.peek().add(p.currentName())) {
                    throw new UserError(source + " is damaged: the key '" + OneLine.of(p.currentName()) + "' appears twice (line "
                            + p.currentLocation().getLineNr() + ")");
                }
                depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            long line = p.currentLocation().getLineNr();
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JacksonException e) {
                after = JsonToken.NOT_AVAILABLE; // garbage that is not even a JSON token
            }
            if (after != null) {
                throw new UserError(source + " is damaged: there is more after the end of its JSON object (line " + line + ")");
            }
        }
    }

    private static JsonNode field(JsonNode o, String name, String source) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new UserError(source + " lacks the field '" + name + "'");
        }
        return v;
    }

    private static String text(JsonNode o, String name, String source) {
        JsonNode v = field(o, name, source);
        if (!v.isTextual()) {
            throw new UserError(source + ": field '" + name + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private static void requireText(JsonNode o, String name, String expected, String source) {
        String v = text(o, name, source);
        if (!v.equals(expected)) {
            throw new UserError(source + ": unsupported " + name + " '" + v + "', expected '" + expected + "'");
        }
    }

    private static JsonNode array(JsonNode o, String name, String source) {
        JsonNode v = field(o, name, source);
        if (!v.isArray()) {
            throw new UserError(source + ": field '" + name + "' must be an array, got " + v);
        }
        return v;
    }

    private static JsonNode object(JsonNode o, String name, String source) {
        JsonNode v = field(o, name, source);
        if (!v.isObject()) {
            throw new UserError(source + ": field '" + name + "' must be an object, got " + v);
        }
        return v;
    }

    private static int[] ints(JsonNode o, String name, String source) {
        JsonNode a = array(o, name, source);
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            if (!a.get(i).isInt()) {
                throw new UserError(source + ": field '" + name + "' must hold integers, got " + a);
            }
            r[i] = a.get(i).intValue();
        }
        return r;
    }
}
