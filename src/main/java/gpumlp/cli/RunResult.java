// The result file of a finished run (train --result FILE): what `report` collects from a sweep.
package gpumlp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gpumlp.train.EpochRecord;
import gpumlp.train.TrainSettings;
import gpumlp.train.Trainer;
import gpumlp.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

final class RunResult {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunResult() {}

    /** Writes the result atomically: final test figures, epochs, training seconds, device, settings, files. */
    static void write(Path file, Trainer.Result r, TrainSettings s, String device, Path model, Path metrics) {
        ObjectNode j = JSON.createObjectNode();
        j.put("status", "done");
        j.put("test_accuracy", r.test().accuracy());
        j.put("test_loss", r.test().meanLoss());
        j.put("epochs", r.epochs().size());
        j.put("train_seconds", r.epochs().stream().mapToDouble(EpochRecord::seconds).sum());
        j.put("network", r.network().shape());
        j.put("device", device);
        j.set("settings", JSON.valueToTree(s.toMap()));
        j.put("model", model.toString());
        if (metrics != null) {
            j.put("metrics", metrics.toString());
        }
        j.put("finished", Instant.now().toString());
        write(file, j);
    }

    /** Adds the sweep's index, size, file and this combination's values to an existing result file. */
    static void addSweep(Path file, long index, long size, Path sweepFile, Map<String, String> parameters) {
        ObjectNode j;
        try {
            j = (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            throw new gpumlp.UserError("cannot read back the result file " + file + ": " + e.getMessage(), e);
        }
        ObjectNode sweep = j.putObject("sweep");
        sweep.put("index", index);
        sweep.put("size", size);
        sweep.put("file", sweepFile.toString());
        sweep.set("parameters", JSON.valueToTree(parameters));
        write(file, j);
    }

    private static void write(Path file, ObjectNode j) {
        AtomicFiles.write(file, "result file", out -> out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(j)));
    }
}
