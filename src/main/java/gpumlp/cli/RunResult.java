// The result file of a finished run (train --result FILE): what `report` collects from a sweep.
package gpumlp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import gpumlp.train.TrainSettings;
import gpumlp.train.Trainer;
import gpumlp.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

final class RunResult {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunResult() {}

    /**
     * The final figures of a run: the model's validation figures (absent with --validation 0) and its
     * one test evaluation, which epoch it is, the best validation epoch, epochs trained, early stop.
     */
    static Map<String, Object> figures(Trainer.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        EpochRecord model = r.modelRecord();
        if (model.heldOut() == HeldOut.validation) {
            m.put("validation_accuracy", model.heldOutAccuracy());
            m.put("validation_loss", model.heldOutLoss());
        }
        m.put("test_accuracy", r.test().accuracy());
        m.put("test_loss", r.test().meanLoss());
        m.put("model_epoch", r.modelEpoch());
        if (r.bestEpoch() > 0) {
            m.put("best_epoch", r.bestEpoch());
        }
        m.put("epochs", r.epochs().size());
        m.put("network", r.network().shape());
        m.put("stopped_early", r.stoppedEarly());
        m.put("train_seconds", r.epochs().stream().mapToDouble(EpochRecord::seconds).sum());
        return m;
    }

    /** Writes the result atomically: the run's {@link #figures}, network, device, settings, files. */
    static void write(Path file, Map<String, Object> figures, TrainSettings s, String device, Path model, Path metrics) {
        ObjectNode j = JSON.createObjectNode();
        j.put("status", "done");
        j.setAll((ObjectNode) JSON.valueToTree(figures));
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
