// train --tensorboard: event files whose records pass their CRCs and hold the epoch figures, running loss and settings.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.proto.tensorboard.TensorBoardProtos.Event;
import gpumlp.proto.tensorboard.TensorBoardProtos.Summary;
import gpumlp.tensorboard.TfRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardLogTest {
    @TempDir
    Path dir;

    /** The events of the one event file in {@code runDir}, each record's two CRCs checked. */
    static List<Event> events(Path runDir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(runDir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
        }
        assertEquals(1, files.size(), "one event file in " + runDir);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(files.get(0))).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] header = new byte[8];
            b.get(header);
            assertEquals(TfRecord.maskedCrc32c(header, 0, 8), b.getInt(), "length CRC of record " + events.size());
            byte[] data = new byte[(int) ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong()];
            b.get(data);
            assertEquals(TfRecord.maskedCrc32c(data, 0, data.length), b.getInt(), "data CRC of record " + events.size());
            events.add(Event.parseFrom(data));
        }
        return events;
    }

    /** tag -> (step -> value) of the scalar events. */
    static Map<String, Map<Long, Float>> scalars(List<Event> events) {
        Map<String, Map<Long, Float>> m = new LinkedHashMap<>();
        for (Event e : events) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                if (v.hasSimpleValue()) {
                    m.computeIfAbsent(v.getTag(), t -> new LinkedHashMap<>()).put(e.getStep(), v.getSimpleValue());
                }
            }
        }
        return m;
    }

    @Test
    void aRunLogsEpochFiguresRunningLossAndSettings() throws IOException {
        Path tb = dir.resolve("tb");
        CliTest.Run run = CliTest.run("train", "--data", CliTest.SUBSET, "--hidden", "16", "--epochs", "2", "--batch-size", "5",
                "--validation", "1000", "--lr", "0.05", "--schedule", "constant", "--device", "cpu", "-o", dir.resolve("m.npz").toString(), "--metrics",
                dir.resolve("m.jsonl").toString(), "--tensorboard", tb.toString());
        assertEquals(0, run.code(), run.err());
        List<Event> events = events(tb);
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        Map<String, Map<Long, Float>> s = scalars(events);
        List<String> lines = Files.readAllLines(dir.resolve("m.jsonl"));
        ObjectMapper json = new ObjectMapper();
        for (int e = 1; e <= 2; e++) {
            JsonNode m = json.readTree(lines.get(e - 1));
            assertEquals((float) m.get("train_loss").asDouble(), s.get("train/loss").get((long) e));
            assertEquals((float) m.get("train_accuracy").asDouble(), s.get("train/accuracy").get((long) e));
            assertEquals((float) m.get("validation_loss").asDouble(), s.get("val/loss").get((long) e));
            assertEquals((float) m.get("validation_accuracy").asDouble(), s.get("val/accuracy").get((long) e));
            assertEquals(0.05f, s.get("train/learning_rate").get((long) e));
        }
        assertTrue(!s.containsKey("test/loss"), "the test set is not scored per epoch when a validation split is: " + s.keySet());
        // 2000 training samples in batches of 5: 400 steps an epoch, a running-loss point every 200
        assertEquals(List.of(200L, 400L, 600L, 800L), new ArrayList<>(s.get("steps/train_loss").keySet()));
        double epochOne = (s.get("steps/train_loss").get(200L) + s.get("steps/train_loss").get(400L)) / 2;
        assertEquals(s.get("train/loss").get(1L), epochOne, 1e-5, "two equal windows average to the epoch's loss");
        String settings = events.stream().flatMap(e -> e.getSummary().getValueList().stream())
                .filter(v -> v.getTag().equals("settings")).findFirst().orElseThrow()
                .getTensor().getStringVal(0).toStringUtf8();
        assertTrue(settings.contains("| batch_size | 5 |") && settings.contains("| device | cpu"), settings);
    }

    @Test
    void aSweepLogsEachCombinationInItsOwnSubdirectory() throws IOException {
        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, "parameters:\n  lr: [0.05, 0.1]\n");
        for (int i = 0; i < 2; i++) {
            CliTest.Run run = CliTest.run("train", "--sweep", sweep.toString(), "--sweep-index", Integer.toString(i),
                    "--sweep-dir", dir.resolve("runs").toString(), "--tensorboard", dir.resolve("runs").toString(),
                    "--data", CliTest.SUBSET, "--hidden", "8", "--epochs", "1", "--device", "cpu", "--validation", "0");
            assertEquals(0, run.code(), run.err());
        }
        assertEquals(0.05f, scalars(events(dir.resolve("runs/run-0000"))).get("train/learning_rate").get(1L));
        Map<String, Map<Long, Float>> second = scalars(events(dir.resolve("runs/run-0001")));
        assertEquals(0.1f, second.get("train/learning_rate").get(1L));
        assertTrue(second.containsKey("test/accuracy"), "--validation 0: the test set scores the epochs: " + second.keySet());
    }

    @Test
    void aSweepTakesTheDirectoryFromTheEnvironmentAndStillGivesEachRunItsOwn() throws IOException {
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"), "parameters:\n  lr: [0.05]\n");
        Path tb = dir.resolve("tb");
        CliTest.Run run = CliTest.run(Map.of("GPU_MLP_TENSORBOARD", tb.toString()), "train", "--sweep", sweep.toString(),
                "--sweep-index", "0", "--sweep-dir", dir.resolve("runs").toString(), "--data", CliTest.SUBSET, "--hidden", "8",
                "--epochs", "1", "--device", "cpu");
        assertEquals(0, run.code(), run.err());
        assertEquals(0.05f, scalars(events(tb.resolve("run-0000"))).get("train/learning_rate").get(1L));
        try (Stream<Path> top = Files.list(tb)) {
            assertEquals(List.of(tb.resolve("run-0000")), top.toList(), "nothing but the run's directory in " + tb);
        }
    }

    @Test
    void aFileInsteadOfADirectoryIsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        CliTest.Run run = CliTest.run("train", "--data", CliTest.SUBSET, "--tensorboard", file.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("gpu-mlp: --tensorboard " + file + " is a file, not a directory"), run.err());
    }
}
