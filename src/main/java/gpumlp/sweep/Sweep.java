// A hyperparameter sweep file (YAML or JSON): the values of each train option, and their combinations by index.
package gpumlp.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import gpumlp.UserError;
import gpumlp.util.InputFiles;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The file lists, under {@code parameters}, train options by their long name and the values to try:
 * <pre>
 * parameters:
 *   lr: [0.05, 0.1, 0.2]
 *   batch-size: [64, 128]
 *   hidden: ["800", "512,256"]
 * </pre>
 * Combination N (0-based) of the Cartesian product takes the values like nested loops in file order:
 * the last parameter changes fastest. With the file above, N = 0 is lr 0.05, batch 64, hidden 800 and
 * N = 1 is lr 0.05, batch 64, hidden 512,256; there are 12 combinations. JSON is YAML too.
 */
public final class Sweep {
    /** More combinations than a cluster would run; the bound also keeps the count far from overflowing. */
    public static final long MAX_COMBINATIONS = 1_000_000;
    /** A sweep file is a few lines; a larger one is a mistake. */
    static final long MAX_BYTES = 1 << 20;

    private final Path file;
    private final Map<String, List<String>> parameters;

    private Sweep(Path file, Map<String, List<String>> parameters) {
        this.file = file;
        this.parameters = parameters;
    }

    public Path file() {
        return file;
    }

    /** Reads a sweep file; any problem is a UserError naming the file and what to fix. */
    public static Sweep read(Path file) {
        String what = "sweep file " + file;
        InputFiles.regularFile(file, "sweep file", MAX_BYTES);
        JsonNode root;
        try {
            root = SweepYaml.parse(Files.readAllBytes(file), what);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String problem = YamlErrors.describe(e);
            throw new UserError(what + " is not valid YAML or JSON" + (problem.startsWith("(") ? " " : ": ") + problem, e);
        } catch (IOException e) {
            throw new UserError("cannot read " + what + ": " + IoErrors.describe(e), e);
        }
        JsonNode params = root == null ? null : root.get("parameters");
        if (params == null || !params.isObject() || params.isEmpty()) {
            throw new UserError(what + " needs a 'parameters' map of option names to lists of values, e.g. "
                    + "parameters: {lr: [0.1, 0.2], batch-size: [64, 128]}");
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().replaceFirst("^--", "");
            if (map.containsKey(name)) {
                throw new UserError(what + ": parameter '" + name + "' is listed twice");
            }
            JsonNode values = e.getValue();
            List<String> list = new ArrayList<>();
            if (values.isArray()) {
                for (JsonNode v : values) {
                    list.add(text(v, what, name));
                }
            } else {
                list.add(text(values, what, name));
            }
            if (list.isEmpty()) {
                throw new UserError(what + ": parameter '" + name + "' has no values");
            }
            map.put(name, List.copyOf(list));
        }
        BigInteger combinations = BigInteger.ONE;
        for (List<String> values : map.values()) {
            combinations = combinations.multiply(BigInteger.valueOf(values.size()));
        }
        if (combinations.compareTo(BigInteger.valueOf(MAX_COMBINATIONS)) > 0) {
            throw new UserError(String.format(Locale.ROOT, "%s has %s combinations, more than the %,d a sweep may have: "
                    + "split it into several files", what, combinations, MAX_COMBINATIONS));
        }
        return new Sweep(file, map);
    }

    /** A value as the command line would take it: 0.1, 128, "512,256", or a list [512, 256] as 512,256. */
    private static String text(JsonNode v, String what, String name) {
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode x : v) {
                parts.add(text(x, what, name));
            }
            return String.join(",", parts);
        }
        if (v.isValueNode() && !v.isNull()) {
            return v.asText();
        }
        throw new UserError(what + ": parameter '" + name + "' has a value that is not a number, a string or a list: " + v);
    }

    /** Parameter names in file order, as long option names without the dashes. */
    public List<String> names() {
        return List.copyOf(parameters.keySet());
    }

    /** The number of combinations. */
    public long size() {
        long n = 1;
        for (List<String> values : parameters.values()) {
            n *= values.size(); // at most MAX_COMBINATIONS, checked on reading
        }
        return n;
    }

    /** Combination {@code index} (0 to size - 1): option name to value, in file order. */
    public Map<String, String> combination(long index) {
        if (index < 0 || index >= size()) {
            throw new IllegalArgumentException("combination " + index + " of " + size());
        }
        List<String> names = names();
        String[] chosen = new String[names.size()];
        long rest = index;
        for (int i = names.size() - 1; i >= 0; i--) {
            List<String> values = parameters.get(names.get(i));
            chosen[i] = values.get((int) (rest % values.size()));
            rest /= values.size();
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), chosen[i]);
        }
        return m;
    }
}
