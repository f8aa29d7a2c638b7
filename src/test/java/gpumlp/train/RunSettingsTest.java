// What a run records about itself: its settings map, the metrics file, the epoch choice, positions, and the words of a divergence.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.Deformation;
import gpumlp.backend.Regularisation;
import gpumlp.model.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSettingsTest {
    @TempDir
    Path dir;

    private static EpochRecord scored(double loss, double accuracy) {
        return new EpochRecord(1, 0.1, 1, 0.5, HeldOut.validation, loss, accuracy, 1, 100);
    }

    @Test
    void theSettingsMapNamesEveryChoiceOfTheRun() {
        TrainSettings s = new TrainSettings(new int[] {512, 256}, 20, 128, 0.1, 0.9, new Schedule.Step(0.1, 5, 0.5), 42,
                5000, ValidationSplit.parse("1/6"), new Selection(Selection.Metric.loss, 3, Selection.Save.best),
                new Regularisation(0.3, 0.1, 1e-4, 3.5));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("hidden", List.of(512, 256));
        expected.put("epochs", 20);
        expected.put("batch_size", 128);
        expected.put("learning_rate", 0.1);
        expected.put("momentum", 0.9);
        expected.put("schedule", "step(every 5, x0.5)");
        expected.put("seed", 42L);
        expected.put("limit", 5000);
        expected.put("validation", "1/6");
        expected.put("select", "loss");
        expected.put("patience", 3);
        expected.put("save", "best");
        expected.put("dropout", 0.3);
        expected.put("input_dropout", 0.1);
        expected.put("weight_decay", 1e-4);
        expected.put("max_norm", 3.5);
        assertEquals(expected, s.toMap());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(s.toMap().keySet()), "in this order");

        Map<String, Object> plain = new TrainSettings(new int[] {800}, 1, 1, 0.01, 0, new Schedule.Constant(0.01), 1, 0).toMap();
        assertEquals("constant", plain.get("schedule"));
        assertEquals("0", plain.get("validation"));
        assertEquals("off", plain.get("patience"));
        assertEquals("last", plain.get("save"));
        assertEquals("accuracy", plain.get("select"));
        assertTrue(plain.containsKey("max_norm") && plain.get("max_norm") == null, "max-norm off is null, not 0");
        assertFalse(plain.containsKey("deformation"), "absent when off, so older checkpoints still match");
    }

    @Test
    void withoutAValidationSplitNothingMayChooseAnEpoch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainSettings(new int[] {8}, 2,
                16, 0.1, 0, new Schedule.Constant(0.1), 3, 0, ValidationSplit.NONE,
                new Selection(Selection.Metric.accuracy, 0, Selection.Save.best)));
        assertEquals("choosing an epoch needs a validation split: the test set may not choose", e.getMessage());
        assertEquals(Selection.LAST, new TrainSettings(new int[] {8}, 2, 16, 0.1, 0, new Schedule.Constant(0.1), 3, 0,
                ValidationSplit.NONE, Selection.LAST).selection());
    }

    @Test
    void deformationsAreRecordedWhenOn() {
        Deformation d = new Deformation(0f, 0f, 10f, 0f, 0f, 0f);
        TrainSettings s = new TrainSettings(new int[] {8}, 1, 1, 0.1, 0, new Schedule.Cosine(0.1), 1, 0, d);
        assertEquals(d.toMap(), s.toMap().get("deformation"));
        assertEquals("cosine", s.toMap().get("schedule"));
        assertThrows(NullPointerException.class, () -> new TrainSettings(new int[] {8}, 1, 1, 0.1, 0,
                new Schedule.Constant(0.1), 1, 0, null));
    }

    @Test
    void theHiddenSizesCannotBeChangedFromOutside() {
        int[] hidden = {16, 8};
        TrainSettings s = new TrainSettings(hidden, 1, 1, 0.1, 0, new Schedule.Constant(0.1), 1, 0);
        hidden[0] = 99;
        s.hidden()[1] = 99;
        assertEquals("[784, 16, 8, 10]", Arrays.toString(s.layerSizes(784, 10)));
        assertEquals("[4, 3]", Arrays.toString(new TrainSettings(new int[0], 1, 1, 0.1, 0, new Schedule.Constant(0.1), 1, 0)
                .layerSizes(4, 3)));
    }

    @Test
    void theScheduleKindsMakeTheirSchedules() {
        assertEquals(new Schedule.Constant(0.2), Schedule.Kind.constant.create(0.2, 3, 0.5));
        assertEquals(new Schedule.Step(0.2, 3, 0.5), Schedule.Kind.step.create(0.2, 3, 0.5));
        assertEquals(new Schedule.Cosine(0.2), Schedule.Kind.cosine.create(0.2, 3, 0.5));
        assertEquals("step(every 3, x0.25)", new Schedule.Step(1, 3, 0.25).describe());
        assertEquals(0.2 * (1 + StrictMath.cos(StrictMath.PI * 3 / 10)) / 2, new Schedule.Cosine(0.2).rate(3, 10), 1e-15);
    }

    @Test
    void accuracyChoosesAndTheLossBreaksTies() {
        Selection acc = new Selection(Selection.Metric.accuracy, 0, Selection.Save.best);
        assertTrue(acc.better(scored(0.9, 0.8), scored(0.1, 0.7)), "higher accuracy wins whatever the loss");
        assertFalse(acc.better(scored(0.1, 0.7), scored(0.9, 0.8)));
        assertTrue(acc.better(scored(0.2, 0.8), scored(0.3, 0.8)), "a tie: the lower loss wins");
        assertFalse(acc.better(scored(0.3, 0.8), scored(0.2, 0.8)));
        assertFalse(acc.better(scored(0.3, 0.8), scored(0.3, 0.8)), "an equal epoch is not better: the earlier one stays");
    }

    @Test
    void lossChoosesAndTheAccuracyBreaksTies() {
        Selection loss = new Selection(Selection.Metric.loss, 0, Selection.Save.best);
        assertTrue(loss.better(scored(0.2, 0.5), scored(0.3, 0.9)), "lower loss wins whatever the accuracy");
        assertFalse(loss.better(scored(0.3, 0.9), scored(0.2, 0.5)));
        assertTrue(loss.better(scored(0.2, 0.9), scored(0.2, 0.8)), "a tie: the higher accuracy wins");
        assertFalse(loss.better(scored(0.2, 0.8), scored(0.2, 0.9)));
        assertFalse(loss.better(scored(0.2, 0.8), scored(0.2, 0.8)));
    }

    @Test
    void patienceCountsEpochsSinceTheBest() {
        Selection two = new Selection(Selection.Metric.loss, 2, Selection.Save.last);
        assertFalse(two.exhausted(3, 2));
        assertTrue(two.exhausted(4, 2), "two epochs without a better one");
        assertTrue(two.exhausted(5, 2));
        assertFalse(two.exhausted(4, 0), "no best epoch yet: nothing to be patient about");
        assertFalse(new Selection(Selection.Metric.loss, 0, Selection.Save.last).exhausted(100, 1), "0 is off");
        assertEquals(2, two.patienceSetting());
        assertEquals("off", Selection.LAST.patienceSetting());
        assertFalse(two.keepsBest());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Selection(Selection.Metric.loss, -1, Selection.Save.last));
        assertEquals("patience must be 0 (off) or positive: -1", e.getMessage());
    }

    @Test
    void aPositionIsSaidInWords() {
        Network n = Network.zeros(new int[] {2, 2});
        assertEquals("after epoch 3", new TrainState(3, 0, 0, 0, 0, n, null, List.of(
                scored(1, 0.5), scored(1, 0.5), scored(1, 0.5)), 0, null).position());
        assertEquals("in epoch 4 after 12,800 samples", new TrainState(3, 12_800, 0, 0, 0, n, null, List.of(
                scored(1, 0.5), scored(1, 0.5), scored(1, 0.5)), 0, null).position());
        assertEquals("after epoch 0", TrainState.start(n).position());
    }

    @Test
    void aBestEpochMustBeOneOfTheRecordedOnes() {
        Network n = Network.zeros(new int[] {2, 2});
        List<EpochRecord> two = List.of(scored(1, 0.5), scored(1, 0.5));
        assertEquals(2, new TrainState(2, 0, 0, 0, 0, n, null, two, 2, n).bestEpoch());
        assertEquals("best epoch 3 of 2 records", assertThrows(IllegalArgumentException.class,
                () -> new TrainState(2, 0, 0, 0, 0, n, null, two, 3, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainState(2, 0, 0, 0, 0, n, null, two, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new TrainState(2, 0, 0, 0, 0, n, null, two, 0, n),
                "best weights need a best epoch");
    }

    @Test
    void aDivergenceSaysWhatTheLossBecameAndWhatToChange() {
        assertEquals("training diverged in epoch 3: the mean loss became NaN (guessing at random gives 2.30) at learning "
                + "rate 0.5; lower --lr (or --momentum) and try again",
                new TrainingDivergedException(3, 0.5, Double.NaN, Math.log(10)).getMessage());
        assertTrue(new TrainingDivergedException(1, 2.0, Double.POSITIVE_INFINITY, Math.log(10)).getMessage()
                .contains("the mean loss became infinite (guessing"));
        assertTrue(new TrainingDivergedException(1, 2.0, 1234.5, Math.log(10)).getMessage()
                .contains("the mean loss became 1.23e+03 (guessing"));
    }

    @Test
    void theMetricsFileHoldsOneLinePerEpochSoFar() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsWriter w = new MetricsWriter(file);
        w.write(new EpochRecord(1, 0.1, 0.5, 0.8, HeldOut.validation, 0.4, 0.85, 2.0, 600));
        assertEquals(List.of("{\"epoch\":1,\"lr\":0.1,\"train_loss\":0.5,\"train_accuracy\":0.8,\"validation_loss\":0.4,"
                + "\"validation_accuracy\":0.85,\"seconds\":2.0,\"samples_per_s\":300.0}"), Files.readAllLines(file));
        w.write(new EpochRecord(2, 0.05, 0.3, 0.9, HeldOut.test, 0.35, 0.9, 4.0, 600));
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertEquals("{\"epoch\":2,\"lr\":0.05,\"train_loss\":0.3,\"train_accuracy\":0.9,\"test_loss\":0.35,"
                + "\"test_accuracy\":0.9,\"seconds\":4.0,\"samples_per_s\":150.0}", lines.get(1));
        assertEquals("val", HeldOut.validation.label());
        assertEquals("test", HeldOut.test.label());
    }

    @Test
    void aValidationSplitOfTheFirstUseImages() {
        ValidationSplit tenth = ValidationSplit.parse(" 0.1 ");
        assertEquals("0.1", tenth.toString());
        assertEquals(3, tenth.heldOut(25), "2.5 rounds up");
        assertEquals(2, tenth.heldOut(24), "2.4 rounds down");
        gpumlp.data.Dataset d = new gpumlp.data.Dataset("d", new byte[40], new byte[10], 10, 2, 2);
        ValidationSplit.Parts all = tenth.split(d, 0);
        assertEquals(9, all.train().count());
        assertEquals(1, all.validation().count());
        ValidationSplit.Parts more = tenth.split(d, 50);
        assertEquals(9, more.train().count(), "a limit beyond the data is all of it");
        ValidationSplit.Parts some = ValidationSplit.parse("2").split(d, 6);
        assertEquals(4, some.train().count());
        assertEquals(2, some.validation().count());
        assertEquals(3, ValidationSplit.NONE.split(d, 3).train().count());
        assertEquals(0, ValidationSplit.NONE.heldOut(10), "none holds out nothing");
        assertEquals(0, ValidationSplit.parse("0").heldOut(10));
        assertEquals("3/7", ValidationSplit.parse("3/7").text());
        assertEquals(3, ValidationSplit.parse("1/3").heldOut(10));
    }
}
