// A checkpoint reads back as it was written, for the smallest runs too; a checkpoint whose position or layout cannot be right is refused by name.
package gpumlp.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gpumlp.UserError;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import gpumlp.train.TrainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckpointFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] SIZES = {6, 3, 10};
    private static final Map<String, Object> SETTINGS = Map.of("lr", 0.1, "hidden", List.of(3), "schedule", "cosine");
    private static final Map<String, String> DATA = Map.of("train-images-idx3-ubyte", "ab12", "t10k-labels-idx1-ubyte", "cd34");

    @TempDir
    Path dir;

    private static float[][] filled(int[] sizes, float base) {
        Network n = HeInit.initialise(sizes, 3);
        float[][] w = new float[sizes.length - 1][];
        for (int l = 1; l < sizes.length; l++) {
            w[l - 1] = n.weights(l).clone();
            for (int i = 0; i < w[l - 1].length; i++) {
                w[l - 1][i] += base + i * 1e-3f;
            }
        }
        return w;
    }

    /** Two epochs done (the first scored on validation, the second on test), 40 samples into the third, momentum and best weights. */
    private static TrainState rich() {
        List<EpochRecord> records = List.of(
                new EpochRecord(1, 0.1, 0.9, 0.7, HeldOut.validation, 0.8, 0.75, 1.25, 600),
                new EpochRecord(2, 0.05, 0.6, 0.8, HeldOut.test, 0.5, 0.85, 1.5, 600));
        return new TrainState(2, 40, 12.5, 31, 0.75, new Network(SIZES, filled(SIZES, 0)), filled(SIZES, 1), records, 1,
                new Network(SIZES, filled(SIZES, 2)));
    }

    private Path save(TrainState s) {
        Path p = dir.resolve("c" + System.nanoTime() + ".npz");
        CheckpointFile.save(p, s, SETTINGS, DATA);
        return p;
    }

    private static void assertSameNetwork(Network a, Network b) {
        assertArrayEquals(a.sizes(), b.sizes());
        for (int l = 1; l <= a.layers(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), "W" + l);
        }
    }

    @Test
    void aCheckpointReadsBackAsItWasWritten() {
        TrainState s = rich();
        CheckpointFile.Loaded back = CheckpointFile.load(save(s));
        TrainState t = back.state();
        assertEquals(2, t.epochsDone());
        assertEquals(40, t.samplesIntoEpoch());
        assertEquals(12.5, t.partialLossSum(), 0.0);
        assertEquals(31, t.partialCorrect());
        assertEquals(0.75, t.partialSeconds(), 0.0);
        assertSameNetwork(s.weights(), t.weights());
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(s.momentum()[l], t.momentum()[l], "V" + (l + 1));
        }
        assertEquals(1, t.bestEpoch());
        assertSameNetwork(s.best(), t.best());
        assertEquals(s.records(), t.records());
        assertEquals(SETTINGS, back.settings());
        assertEquals(DATA, back.data());
    }

    @Test
    void theSmallestRunReadsBackToo() {
        int[] sizes = {4, 10}; // no hidden layer
        TrainState start = TrainState.start(new Network(sizes, filled(sizes, 0)));
        TrainState t = CheckpointFile.load(save(start)).state();
        assertEquals(0, t.epochsDone());
        assertEquals(0, t.samplesIntoEpoch());
        assertSameNetwork(start.weights(), t.weights());
        assertNull(t.momentum(), "none was used: none comes back");
        assertNull(t.best());
        assertEquals(0, t.bestEpoch());
        assertEquals(List.of(), t.records());
    }

    @Test
    void theBestEpochMayBeTheLastOneFinished() {
        TrainState s = rich();
        List<EpochRecord> validated = List.of(s.records().get(0),
                new EpochRecord(2, 0.05, 0.6, 0.8, HeldOut.validation, 0.5, 0.85, 1.5, 600));
        TrainState atBest = new TrainState(2, 0, 0, 0, 0, s.weights(), null, validated, 2, s.best());
        TrainState t = CheckpointFile.load(save(atBest)).state();
        assertEquals(2, t.bestEpoch());
        assertSameNetwork(s.best(), t.best());
        assertNull(t.momentum());
    }

    /** A copy of {@code valid} with its checkpoint.json edited, or (edit null) without it. */
    private Path edited(Path valid, Consumer<ObjectNode> edit) throws IOException {
        return rewritten(valid, name -> true, edit == null ? null : text -> {
            ObjectNode json = (ObjectNode) JSON.readTree(text);
            edit.accept(json);
            return JSON.writeValueAsString(json);
        });
    }

    /** The JSON text as a function of the text: a test can write what Jackson would not (a bare NaN). */
    private interface TextEdit {
        String apply(String text) throws IOException;
    }

    /** A copy of {@code valid} with the entries {@code keep} accepts and its checkpoint.json's text edited (null: dropped). */
    private Path rewritten(Path valid, java.util.function.Predicate<String> keep, TextEdit edit) throws IOException {
        Path out = dir.resolve("edited-" + System.nanoTime() + ".npz");
        try (ZipFile in = new ZipFile(valid.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("checkpoint.json")) {
                    if (edit == null) {
                        continue;
                    }
                    bytes = edit.apply(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                } else if (!keep.test(e.getName())) {
                    continue;
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        return out;
    }

    private static String refusal(Path file) {
        return assertThrows(UserError.class, () -> CheckpointFile.load(file)).getMessage();
    }

    @ParameterizedTest
    @CsvSource({
        "epochs_done, -1, 'epochs_done -1, samples_into_epoch 40, 2 epoch records, best_epoch 1'",
        "epochs_done, 3, 'epochs_done 3, samples_into_epoch 40, 2 epoch records, best_epoch 1'",
        "samples_into_epoch, -1, 'epochs_done 2, samples_into_epoch -1, 2 epoch records, best_epoch 1'",
        "best_epoch, -1, 'epochs_done 2, samples_into_epoch 40, 2 epoch records, best_epoch -1'",
        "best_epoch, 3, 'epochs_done 2, samples_into_epoch 40, 2 epoch records, best_epoch 3'",
        "best_epoch, 0, 'epochs_done 2, samples_into_epoch 40, 2 epoch records, best_epoch 0'",
    })
    void aPositionThatCannotBeRightIsRefused(String field, int value, String position) throws IOException {
        Path bad = edited(save(rich()), j -> j.put(field, value));
        assertEquals("checkpoint " + bad + ": inconsistent position (" + position + ")", refusal(bad));
    }

    @Test
    void aMissingPositionIsRefused() throws IOException {
        Path bad = edited(save(rich()), j -> j.remove("epochs_done"));
        assertTrue(refusal(bad).contains(": inconsistent position (epochs_done -1,"), refusal(bad));
    }

    @Test
    void layerSizesMustBeTwoOrMoreIntegers() throws IOException {
        Path valid = save(rich());
        Path one = edited(valid, j -> j.putArray("layer_sizes").add(6));
        assertEquals("checkpoint " + one + ": layer_sizes has fewer than 2 layers", refusal(one));
        Path none = edited(valid, j -> j.remove("layer_sizes"));
        assertEquals("checkpoint " + none + ": layer_sizes has fewer than 2 layers", refusal(none));
        Path text = edited(valid, j -> j.putArray("layer_sizes").add(6).add("3").add(10));
        assertEquals("checkpoint " + text + ": layer_sizes must hold integers, got [6,\"3\",10]", refusal(text));
        Path fraction = edited(valid, j -> j.putArray("layer_sizes").add(6).add(3.5).add(10));
        assertTrue(refusal(fraction).contains("layer_sizes must hold integers"), refusal(fraction));
    }

    @Test
    void anotherFormatOrNoDescriptionIsRefused() throws IOException {
        Path valid = save(rich());
        Path old = edited(valid, j -> j.put("format", "gpu-mlp-checkpoint/1"));
        assertEquals("checkpoint " + old + " has format 'gpu-mlp-checkpoint/1', expected gpu-mlp-checkpoint/2", refusal(old));
        Path without = edited(valid, null);
        assertEquals("checkpoint " + without + " has no checkpoint.json (truncated, or not a gpu-mlp checkpoint)",
                refusal(without));
    }

    @Test
    void settingsAndDataMustBeMapsOfTheRightKind() throws IOException {
        Path valid = save(rich());
        Path missing = edited(valid, j -> j.remove("settings"));
        assertEquals("checkpoint " + missing + ": 'settings' is missing", refusal(missing));
        Path nul = edited(valid, j -> j.putNull("settings"));
        assertEquals("checkpoint " + nul + ": 'settings' is null", refusal(nul));
        Path list = edited(valid, j -> j.putArray("data"));
        assertEquals("checkpoint " + list + ": 'data' is not an object", refusal(list));
        Path number = edited(valid, j -> j.putObject("data").put("train-images-idx3-ubyte", 5));
        assertEquals("checkpoint " + number + ": data[\"train-images-idx3-ubyte\"] must be a checksum string", refusal(number));
    }

    @Test
    void aCheckpointSayingItHoldsMomentumOrBestWeightsMustHoldThem() throws IOException {
        TrainState s = rich();
        Path plain = save(new TrainState(2, 0, 0, 0, 0, s.weights(), null, s.records(), 1, null));
        Path momentum = edited(plain, j -> j.put("momentum", true));
        assertEquals("checkpoint " + momentum + " lacks the entry V1.npy", refusal(momentum));
        Path best = edited(plain, j -> j.put("best_weights", true));
        assertEquals("checkpoint " + best + " lacks the entry B1.npy", refusal(best));
    }

    @Test
    void everyCopyOfTheWeightsCountsAgainstTheMemoryBound() throws IOException {
        // layer sizes whose one copy of weights is about 30 % of the heap: loadable once, not three times
        long values = Runtime.getRuntime().maxMemory() * 3 / 10 / Float.BYTES;
        int width = 1 << 12;
        int layers = (int) Math.max(1, values / ((long) width * width));
        com.fasterxml.jackson.databind.node.ArrayNode sizes = JSON.createArrayNode();
        for (int l = 0; l <= layers; l++) {
            sizes.add(width);
        }
        TrainState s = rich();
        Path valid = save(new TrainState(2, 0, 0, 0, 0, s.weights(), s.momentum(), s.records(), 1, s.best()));
        Path huge = edited(valid, j -> j.set("layer_sizes", sizes));
        assertTrue(refusal(huge).contains("more than half of this JVM's"), refusal(huge));
        Path once = edited(huge, j -> {
            j.put("momentum", false);
            j.put("best_weights", false);
            j.put("best_epoch", 0);
        });
        assertTrue(refusal(once).contains("lacks the entry W1.npy") || refusal(once).contains("W1.npy"), refusal(once));
    }
    /** A field edited in checkpoint.json: the JSON value the test writes, by a path into the tree. */
    private static void set(ObjectNode j, String path, String jsonValue) {
        String[] parts = path.split("\\.");
        com.fasterxml.jackson.databind.JsonNode node = j;
        for (int i = 0; i < parts.length - 1; i++) {
            node = parts[i].matches("\\d+") ? node.get(Integer.parseInt(parts[i])) : node.get(parts[i]);
        }
        try {
            ((ObjectNode) node).set(parts[parts.length - 1], JSON.readTree(jsonValue));
        } catch (IOException e) {
            throw new IllegalArgumentException(jsonValue, e);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "records.0.validation_accuracy | '\"NaN\"'  | records[0].validation_accuracy is \"NaN\", not a finite number",
        "records.0.validation_accuracy | 1.5          | records[0].validation_accuracy is 1.5, outside the range 0 to 1",
        "records.1.test_loss           | -0.5         | records[1].test_loss is -0.5, outside the range from 0 up",
        "records.0.train_accuracy      | null         | records[0].train_accuracy is null, not a finite number",
        "records.1.epoch               | 1            | records[1].epoch is 1, not 2",
        "records.1.samples             | 0            | records[1].samples is 0, outside the range 1 to 2147483647",
        "records.0.lr                  | '\"0.1\"'  | records[0].lr is \"0.1\", not a finite number",
        "partial_correct               | 1000000000000 | partial_correct is 1000000000000, outside the range 0 to 40",
        "partial_correct               | -1           | partial_correct is -1, outside the range 0 to 40",
        "partial_correct               | 1e30         | partial_correct is 1.0E30, not a whole number",
        "partial_loss_sum              | -3           | partial_loss_sum is -3, outside the range from 0 up",
        "partial_seconds               | '\"x\"'    | partial_seconds is \"x\", not a finite number",
        "momentum                      | '\"yes\"'  | momentum is \"yes\", not true or false",
        "best_weights                  | 1            | best_weights is 1, not true or false",
        "epochs_done                   | '\"2\"'    | epochs_done is \"2\", not a whole number",
        "samples_into_epoch            | 99999999999  | samples_into_epoch is 99999999999, outside the range -2147483648 to 2147483647",
        "samples_into_epoch            | 600          | inconsistent sample counts (samples_into_epoch 600, epoch 1 trained 600, epoch 1 600)",
        "records.1.samples             | 700          | inconsistent sample counts (samples_into_epoch 40, epoch 2 trained 700, epoch 1 600)",
        "records                       | '{}'         | records is {}, not a list of epoch records",
    })
    void aFieldOfTheWrongTypeOrOutOfRangeIsRefusedByName(String field, String value, String why) throws IOException {
        Path bad = edited(save(rich()), j -> set(j, field, value));
        assertEquals("checkpoint " + bad + ": " + why, refusal(bad));
    }

    @Test
    void runningTotalsAtAnEpochBoundaryMustBeZero() throws IOException {
        TrainState s = rich();
        Path boundary = save(new TrainState(2, 0, 0, 0, 0, s.weights(), s.momentum(), s.records(), 1, s.best()));
        Path bad = edited(boundary, j -> j.put("partial_correct", 3));
        assertEquals("checkpoint " + bad + ": partial_correct is 3, not 0", refusal(bad));
        Path loss = edited(boundary, j -> j.put("partial_loss_sum", 2.5));
        assertEquals("checkpoint " + loss + ": partial_loss_sum is 2.5, not 0", refusal(loss));
    }

    @Test
    void theBestEpochMustHaveValidationFigures() throws IOException {
        Path bad = edited(save(rich()), j -> j.put("best_epoch", 2)); // epoch 2 was scored on the test set
        assertEquals("checkpoint " + bad + ": best_epoch 2 has no validation figures to be the best by", refusal(bad));
    }

    @Test
    void momentumOrBestEntriesTheJsonDisownsAreRefused() throws IOException {
        Path valid = save(rich());
        Path noMomentum = edited(valid, j -> j.put("momentum", false));
        assertEquals("checkpoint " + noMomentum + " holds the entry V1.npy but its checkpoint.json says momentum false",
                refusal(noMomentum));
        Path noBest = edited(valid, j -> j.put("best_weights", false));
        assertEquals("checkpoint " + noBest + " holds the entry B1.npy but its checkpoint.json says best_weights false",
                refusal(noBest));
    }

    @Test
    void aRunWithMomentumMustHaveSavedItsState() throws IOException {
        Path valid = save(rich());
        Path dropped = rewritten(valid, name -> !name.startsWith("V"), text -> {
            ObjectNode j = (ObjectNode) JSON.readTree(text);
            j.put("momentum", false);
            ((ObjectNode) j.get("settings")).put("momentum", 0.9);
            return JSON.writeValueAsString(j);
        });
        assertEquals("checkpoint " + dropped + " has no momentum state (V1.npy) though it trained with momentum 0.9",
                refusal(dropped));
        Path none = rewritten(valid, name -> !name.startsWith("V"), text -> {
            ObjectNode j = (ObjectNode) JSON.readTree(text);
            j.put("momentum", false);
            ((ObjectNode) j.get("settings")).put("momentum", 0.0);
            return JSON.writeValueAsString(j);
        });
        assertNull(CheckpointFile.load(none).state().momentum(), "momentum 0: no state to save");
    }

    /** Without momentum state a resumed run would restart momentum from zero: refused once any step was taken, at an epoch's end or inside the first. */
    @Test
    void momentumStateIsNeededOnceAStepWasTaken() {
        Map<String, Object> withMomentum = Map.of("lr", 0.1, "hidden", List.of(3), "momentum", 0.9);
        Network net = new Network(SIZES, filled(SIZES, 0));
        EpochRecord one = new EpochRecord(1, 0.1, 0.9, 0.7, HeldOut.test, 0.8, 0.75, 1.25, 600);
        for (TrainState s : List.of(new TrainState(1, 0, 0, 0, 0, net, null, List.of(one), 0, null),
                new TrainState(0, 40, 12.5, 31, 0.75, net, null, List.of(), 0, null))) {
            Path p = dir.resolve("m" + s.epochsDone() + ".npz");
            CheckpointFile.save(p, s, withMomentum, DATA);
            assertEquals("checkpoint " + p + " has no momentum state (V1.npy) though it trained with momentum 0.9",
                    refusal(p));
        }
        Path start = dir.resolve("start.npz"); // stopped before the first step: there is no state yet
        CheckpointFile.save(start, new TrainState(0, 0, 0, 0, 0, net, null, List.of(), 0, null), withMomentum, DATA);
        assertNull(CheckpointFile.load(start).state().momentum());
    }

    /** A missing flag is false, so the entries it would announce are strays, never silently used. */
    @Test
    void aMissingMomentumFlagDisownsTheMomentumEntries() throws IOException {
        Path missing = edited(save(rich()), j -> j.remove("momentum"));
        assertEquals("checkpoint " + missing + " holds the entry V1.npy but its checkpoint.json says momentum false",
                refusal(missing));
    }

    /** A bad value is quoted whole up to 40 characters, shortened beyond, and a missing one is named so. */
    @Test
    void badValuesAreQuotedWholeUpTo40Characters() throws IOException {
        Path valid = save(rich());
        String forty = "\"" + "x".repeat(38) + "\"";
        Path exact = edited(valid, j -> j.put("momentum", "x".repeat(38)));
        assertEquals("checkpoint " + exact + ": momentum is " + forty + ", not true or false", refusal(exact));
        Path longer = edited(valid, j -> j.put("momentum", "x".repeat(39)));
        assertEquals("checkpoint " + longer + ": momentum is \"" + "x".repeat(36) + "..., not true or false",
                refusal(longer));
        Path noRecords = edited(valid, j -> j.remove("records"));
        assertEquals("checkpoint " + noRecords + ": records is missing, not a list of epoch records", refusal(noRecords));
    }

    /** Jackson would keep a repeated key's last value and ignore what follows the object: neither is a checkpoint it wrote. */
    @Test
    void aKeyGivenTwiceOrDataAfterTheObjectIsDamage() throws IOException {
        Path valid = save(rich());
        Path twice = rewritten(valid, name -> true, text -> text.replaceFirst("\\{", "{\"epochs_done\":1,"));
        String m = refusal(twice);
        assertTrue(m.startsWith("checkpoint " + twice + ": checkpoint.json gives the key 'epochs_done' twice (line 1, "
                + "column "), m);
        Path nested = rewritten(valid, name -> true, text -> text.replaceFirst("\"settings\":\\{", "\"settings\":{\"lr\":9,"));
        assertTrue(refusal(nested).contains("gives the key 'lr' twice"), refusal(nested));
        for (String after : List.of(" {}", "xyz", "\0", "\n\"more\"", "}")) {
            Path trailing = rewritten(valid, name -> true, text -> text + after);
            String why = refusal(trailing);
            assertTrue(why.startsWith("checkpoint " + trailing + ": checkpoint.json has data after its JSON object (line 1, "
                    + "column "), why);
            assertTrue(!why.contains("\n") && !why.contains("Feature"), why);
        }
        Path spaced = rewritten(valid, name -> true, text -> text + "\n \t\r\n");
        assertEquals(2, CheckpointFile.load(spaced).state().epochsDone(), "white space after the object is no damage");
    }

    /** Epoch 1 has the better validation accuracy, epoch 2 the lower validation loss. */
    private Path bestBy(String select, int bestEpoch) {
        TrainState s = rich();
        List<EpochRecord> records = List.of(new EpochRecord(1, 0.1, 0.9, 0.7, HeldOut.validation, 0.8, 0.9, 1.25, 600),
                new EpochRecord(2, 0.05, 0.6, 0.8, HeldOut.validation, 0.5, 0.85, 1.5, 600));
        Map<String, Object> settings = new java.util.HashMap<>(SETTINGS);
        if (select != null) {
            settings.put("select", select);
        }
        Path p = dir.resolve("best-" + System.nanoTime() + ".npz");
        CheckpointFile.save(p, new TrainState(2, 0, 0, 0, 0, s.weights(), null, records, bestEpoch, s.best()), settings, DATA);
        return p;
    }

    /** A best_epoch the records contradict would have the run report, and keep, another epoch's model than the best. */
    @Test
    void theBestEpochMustBeTheBestOfTheRecordsByTheSelectedMetric() {
        assertEquals(1, CheckpointFile.load(bestBy("accuracy", 1)).state().bestEpoch());
        assertEquals(1, CheckpointFile.load(bestBy(null, 1)).state().bestEpoch(), "no select: by accuracy, the default");
        assertEquals(2, CheckpointFile.load(bestBy("loss", 2)).state().bestEpoch());
        Path byLoss = bestBy("accuracy", 2);
        assertEquals("checkpoint " + byLoss + ": best_epoch 2 is not the best of its records by validation accuracy "
                + "(epoch 1 is)", refusal(byLoss));
        Path byAccuracy = bestBy("loss", 1);
        assertEquals("checkpoint " + byAccuracy + ": best_epoch 1 is not the best of its records by validation loss "
                + "(epoch 2 is)", refusal(byAccuracy));
        Path unknown = bestBy("f1", 1);
        assertEquals("checkpoint " + unknown + ": settings.select is 'f1', not accuracy or loss", refusal(unknown));
    }

    @Test
    void jsonThatIsNotJsonIsOneLineInWords() throws IOException {
        Path valid = save(rich());
        Path nan = rewritten(valid, name -> true, text -> text.replaceFirst("\"partial_loss_sum\":[^,]+", "\"partial_loss_sum\":NaN"));
        String m = refusal(nan);
        assertTrue(m.startsWith("checkpoint " + nan + ": checkpoint.json is not valid JSON (line 1, column "), m);
        assertTrue(m.endsWith("): NaN is not a JSON number"), m);
        Path cut = rewritten(valid, name -> true, text -> text.substring(0, text.length() / 2));
        String c = refusal(cut);
        assertTrue(c.startsWith("checkpoint " + cut + ": checkpoint.json is not valid JSON (line 1, column "), c);
        for (String message : List.of(m, c)) {
            assertTrue(!message.contains("\n") && !message.contains("Feature") && !message.contains("Source"), message);
        }
    }
}
