// Collects the result.json of every run under a directory into one table, ranked by validation accuracy (test shown, never ranked by).
package gpumlp.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.UserError;
import gpumlp.util.InputFiles;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A result file is what {@code train --result FILE} writes (a sweep run writes RUN_DIR/result.json):
 * the model's validation accuracy and loss, its one test evaluation, its epoch, epochs, training
 * seconds, device, settings and, for a sweep run, the sweep's index, size and parameter values. Runs
 * are ranked by validation accuracy, then validation loss; the test figures are shown but never
 * choose. A run without validation figures (trained with --validation 0) is listed after the
 * ranked ones, without a rank.
 */
public final class SweepReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sweeps larger than this are not checked for missing combinations (the list would be useless). */
    private static final long MAX_LISTED_SWEEP = 100_000;
    /** A result file is about a kilobyte. */
    private static final long MAX_RESULT_BYTES = 1 << 20;

    /** One run: where its result is, its parameter values (swept ones) and its figures. */
    public record Row(String run, Map<String, String> parameters, double validationAccuracy, double validationLoss,
                      double testAccuracy, double testLoss, int modelEpoch, int epochs, double seconds, String device,
                      Long index) {
        /** Whether the run has validation figures to rank it by. */
        public boolean ranked() {
            return !Double.isNaN(validationAccuracy);
        }
    }

    private final List<Row> rows;
    private final List<String> parameterNames;
    private final List<String> unreadable;
    private final Set<Long> missing;

    private SweepReport(List<Row> rows, List<String> parameterNames, List<String> unreadable, Set<Long> missing) {
        this.rows = rows;
        this.parameterNames = parameterNames;
        this.unreadable = unreadable;
        this.missing = missing;
    }

    /**
     * Reads every result.json below {@code dir}, at any depth, following links (a link back up, a loop, is listed as
     * unreadable); a result reached through a link as well as directly is one run, named by its path without links.
     */
    public static SweepReport collect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError("report: " + dir + " is not a directory");
        }
        List<Path> files = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try {
            // links are followed (a cluster's result directories often are links); a loop is listed, not walked
            Files.walkFileTree(dir, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new java.nio.file.SimpleFileVisitor<>() {
                        @Override
                        public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                            if (file.getFileName().toString().equals("result.json")) {
                                files.add(file);
                            }
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                            unreadable.add(file + ": " + (e instanceof java.nio.file.FileSystemLoopException
                                    ? "a link to a directory above it (a loop), not followed"
                                    : IoErrors.describe(e))); // e.g. lost+found on a volume
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UserError("cannot read " + dir + ": " + IoErrors.describe(e), e);
        }
        java.util.Collections.sort(files);
        List<Row> rows = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        long sweepSize = -1;
        Set<Long> seen = new TreeSet<>();
        for (Path f : ResultFiles.distinct(dir, files)) {
            JsonNode j;
            try {
                InputFiles.regularFile(f, "result file", MAX_RESULT_BYTES); // a FIFO would block the report forever
                j = JSON.readTree(f.toFile());
            } catch (UserError e) {
                unreadable.add(e.getMessage().replaceFirst("^result file ", ""));
                continue;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                unreadable.add(f + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
                continue;
            } catch (IOException e) {
                unreadable.add(f + ": " + IoErrors.describe(e));
                continue;
            }
            if (j == null || !j.isObject() || !j.path("test_accuracy").isNumber()) {
                unreadable.add(f + ": not a gpu-mlp result (no test_accuracy)");
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode sweep = j.path("sweep");
            Long index = null;
            if (sweep.isObject()) {
                sweep.path("parameters").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
                if (sweep.path("index").canConvertToLong() && sweep.path("index").isIntegralNumber()) {
                    index = sweep.path("index").asLong();
                    seen.add(index);
                }
                if (sweep.path("size").isIntegralNumber()) {
                    sweepSize = Math.max(sweepSize, sweep.path("size").asLong());
                }
            }
            names.addAll(params.keySet());
            Path parent = f.getParent();
            String run = dir.relativize(parent == null ? dir : parent).toString();
            rows.add(new Row(run.isEmpty() ? ownName(dir) : run, params, number(j, "validation_accuracy"),
                    number(j, "validation_loss"), number(j, "test_accuracy"), number(j, "test_loss"),
                    j.path("model_epoch").asInt(j.path("epochs").asInt()), j.path("epochs").asInt(),
                    j.path("train_seconds").asDouble(), j.path("device").asText(""), index));
        }
        rows.sort(Comparator.comparingDouble((Row r) -> r.ranked() ? -r.validationAccuracy() : 1)
                .thenComparingDouble(r -> r.ranked() ? r.validationLoss() : 0).thenComparing(Row::run));
        Set<Long> missing = new TreeSet<>();
        for (long i = 0; i < Math.min(sweepSize, MAX_LISTED_SWEEP); i++) {
            if (!seen.contains(i)) {
                missing.add(i);
            }
        }
        return new SweepReport(rows, List.copyOf(names), unreadable, missing);
    }

    /** A field's number, NaN when it is absent or not a number. */
    private static double number(JsonNode j, String field) {
        return j.path(field).isNumber() ? j.path(field).asDouble() : Double.NaN;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Sweep indices without a result yet (still running, failed, or never started). */
    public Set<Long> missing() {
        return missing;
    }

    public List<String> unreadable() {
        return unreadable;
    }

    /** The best run by validation accuracy: the first row, when it has validation figures. */
    public java.util.Optional<Row> best() {
        return rows.isEmpty() || !rows.get(0).ranked() ? java.util.Optional.empty() : java.util.Optional.of(rows.get(0));
    }

    /** The table, best first, with one column per swept parameter. */
    public String table() {
        List<List<String>> cells = grid(false);
        int[] width = new int[cells.get(0).size()];
        for (List<String> c : cells) {
            for (int i = 0; i < c.size(); i++) {
                width[i] = Math.max(width[i], c.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> c : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < c.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%-" + width[i] + "s", c.get(i)));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * CSV with a header line: rank, run, the parameters, validation_accuracy, validation_loss, test_accuracy,
     * test_loss, model_epoch, epochs, train_seconds, device.
     */
    public String csv() {
        StringBuilder sb = new StringBuilder();
        for (List<String> c : grid(true)) {
            sb.append(csvLine(c));
        }
        return sb.toString();
    }

    /**
     * The header, then one line per run, best first: rank, run, the swept parameters, then the figures,
     * rounded for reading ({@code machine} false) or in full with snake_case names (true).
     */
    private List<List<String>> grid(boolean machine) {
        List<List<String>> cells = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("rank", "run"));
        header.addAll(parameterNames);
        header.addAll(machine ? List.of("validation_accuracy", "validation_loss", "test_accuracy", "test_loss",
                "model_epoch", "epochs", "train_seconds", "device")
                : List.of("val acc", "val loss", "test acc", "test loss", "epoch", "epochs", "train s", "device"));
        cells.add(header);
        int rank = 1;
        for (Row r : rows) {
            List<String> c = new ArrayList<>(List.of(r.ranked() ? Integer.toString(rank++) : "-", r.run()));
            for (String p : parameterNames) {
                c.add(r.parameters().getOrDefault(p, ""));
            }
            if (machine) {
                c.addAll(List.of(r.ranked() ? Double.toString(r.validationAccuracy()) : "",
                        r.ranked() ? Double.toString(r.validationLoss()) : "", Double.toString(r.testAccuracy()),
                        Double.toString(r.testLoss()), Integer.toString(r.modelEpoch()), Integer.toString(r.epochs()),
                        Double.toString(r.seconds()), r.device()));
            } else {
                c.addAll(List.of(r.ranked() ? percent(r.validationAccuracy()) : "-",
                        r.ranked() ? String.format(Locale.ROOT, "%.4f", r.validationLoss()) : "-", percent(r.testAccuracy()),
                        String.format(Locale.ROOT, "%.4f", r.testLoss()), Integer.toString(r.modelEpoch()),
                        Integer.toString(r.epochs()), String.format(Locale.ROOT, "%.1f", r.seconds()), r.device()));
            }
            cells.add(c);
        }
        return cells;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        for (String c : cells) {
            quoted.add(c.contains(",") || c.contains("\"") || c.contains("\n") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
        }
        return String.join(",", quoted) + "\n";
    }

    /** A JSON array of the rows, best first. */
    public String json() {
        List<Map<String, Object>> list = new ArrayList<>();
        int rank = 1;
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", r.ranked() ? rank++ : null);
            m.put("run", r.run());
            if (r.index() != null) {
                m.put("index", r.index());
            }
            m.put("parameters", r.parameters());
            m.put("validation_accuracy", r.ranked() ? r.validationAccuracy() : null);
            m.put("validation_loss", r.ranked() ? r.validationLoss() : null);
            m.put("test_accuracy", r.testAccuracy());
            m.put("test_loss", r.testLoss());
            m.put("model_epoch", r.modelEpoch());
            m.put("epochs", r.epochs());
            m.put("train_seconds", r.seconds());
            m.put("device", r.device());
            list.add(m);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A run directory given itself (report runs/sweep/run-0003) is listed by its name, not as ".". */
    private static String ownName(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? dir.toString() : name.toString();
    }
}
