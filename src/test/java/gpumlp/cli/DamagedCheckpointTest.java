// Hand-damaged newest checkpoints end to end: each is skipped with one warning line and kept aside, and the run resumes from the one before to the uninterrupted run's result.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DamagedCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Momentum, so a lost momentum state changes the result; a constant rate, so 3 epochs then 1 more equal 4. */
    private static final String[] RECIPE = {"--momentum", "0.9", "--schedule", "constant", "--keep-checkpoints", "5"};
    @TempDir
    static Path dir;
    static Path checkpoints;
    static String uninterrupted;

    @BeforeAll
    static void trainThreeEpochsWithCheckpointsAndFourWithout() {
        checkpoints = dir.resolve("ck");
        assertEquals(0, CliTest.run(train("--epochs", "3", "--checkpoint-dir", checkpoints.toString(), "-o",
                dir.resolve("three.npz").toString())).code());
        CliTest.Run four = CliTest.run(train("--epochs", "4", "-o", dir.resolve("four.npz").toString()));
        assertEquals(0, four.code(), four.err());
        uninterrupted = doneLine(four);
    }

    private static String[] train(String... more) {
        List<String> args = new ArrayList<>(List.of(RECIPE));
        args.addAll(List.of(more));
        return HostileCorpusTest.tinyTrain(CliTest.SUBSET, args.toArray(String[]::new));
    }

    /** The figures of the final line, without the model's path. */
    private static String doneLine(CliTest.Run r) {
        String line = r.out().lines().filter(l -> l.startsWith("model from epoch")).findFirst()
                .orElseThrow(() -> new AssertionError("no final line: " + r.err()));
        return line.substring(0, line.indexOf("; model saved to"));
    }

    /** A copy of the checkpoint directory whose newest checkpoint has checkpoint.json's text replaced. */
    private static Path withNewestDamaged(String name, Map<String, String> jsonEdits) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("ck-" + name));
        try (var files = Files.list(checkpoints)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".npz")).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path newest = copy.resolve("checkpoint-e0003-s00000000.npz");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(newest.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        ObjectNode json = (ObjectNode) JSON.readTree(entries.get("checkpoint.json"));
        String text = JSON.writeValueAsString(json);
        for (Map.Entry<String, String> edit : jsonEdits.entrySet()) {
            String before = text;
            text = text.replaceFirst(edit.getKey(), edit.getValue());
            assertTrue(!text.equals(before), "no " + edit.getKey() + " in " + before);
        }
        entries.put("checkpoint.json", text.getBytes(StandardCharsets.UTF_8));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(newest))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
            }
        }
        return copy;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nan-accuracy | \"validation_accuracy\":[^,]+       | \"validation_accuracy\":\"NaN\" "
                + "| records[0].validation_accuracy is \"NaN\", not a finite number",
        "huge-correct | \"partial_correct\":0               | \"partial_correct\":1000000000000 "
                + "| partial_correct is 1000000000000, not 0",
        "no-momentum  | \"momentum\":true                   | \"momentum\":false "
                + "| it holds the entry V1.npy but its checkpoint.json says momentum false",
        "off-batch    | \"samples_into_epoch\":0            | \"samples_into_epoch\":37 "
                + "| it stands in epoch 4 after 37 samples, which does not fit 42 samples in batches of 128",
        "nan-literal  | \"partial_loss_sum\":0.0            | \"partial_loss_sum\":NaN "
                + "| checkpoint.json is not valid JSON (line 1, column ",
        "key-twice    | \"epochs_done\":3                 | \"epochs_done\":2,\"epochs_done\":3 "
                + "| checkpoint.json gives the key 'epochs_done' twice (line 1, column ",
        "data-after   | '\\}$'                              | '} xyz' "
                + "| checkpoint.json has data after its JSON object (line 1, column ",
        "json-after   | '\\}$'                              | '} {}' "
                + "| checkpoint.json has data after its JSON object (line 1, column ",
        "best-epoch   | \"best_epoch\":3                  | \"best_epoch\":1 "
                + "| best_epoch 1 is not the best of its records by validation accuracy (epoch 3 is)",
    })
    void aDamagedNewestCheckpointIsSkippedWithOneLineAndThePreviousOneResumed(String name, String field, String damage,
                                                                               String why) throws IOException {
        Path ck = withNewestDamaged(name, Map.of(field, damage));
        byte[] damaged = Files.readAllBytes(ck.resolve("checkpoint-e0003-s00000000.npz"));
        CliTest.Run r = CliTest.run(train("--epochs", "4", "--checkpoint-dir", ck.toString(), "--resume", "-o",
                dir.resolve(name + ".npz").toString()));
        assertEquals(0, r.code(), r.err());
        List<String> warnings = r.err().lines().filter(l -> l.contains("warning")).toList();
        assertEquals(1, warnings.size(), r.err());
        assertTrue(warnings.get(0).startsWith("gpu-mlp: warning: skipping checkpoint " + ck.resolve(
                "checkpoint-e0003-s00000000.npz") + ": " + why), warnings.get(0));
        assertTrue(!warnings.get(0).contains("Feature") && !warnings.get(0).contains("Source"), warnings.get(0));
        assertTrue(r.err().contains("resuming after epoch 2 from " + ck), r.err());
        assertEquals(uninterrupted, doneLine(r), "the previous checkpoint's run ends as the uninterrupted one");
        assertTrue(r.err().contains("kept the unusable checkpoint checkpoint-e0003-s00000000.npz as "
                + "checkpoint-e0003-s00000000.npz.skipped: a run never replaces one"), r.err());
        assertArrayEquals(damaged, Files.readAllBytes(ck.resolve("checkpoint-e0003-s00000000.npz.skipped")),
                "the run wrote its own epoch 3 checkpoint, never over the skipped one");
    }
}
