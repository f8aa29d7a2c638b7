// Choosing without the test set: validation scores every epoch, the test set is scored once at the end, early stopping keeps the best.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Evaluation;
import gpumlp.backend.StepSettings;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ValidationTrainingTest {
    static Dataset train;
    static Dataset validation;
    static Dataset test;

    @BeforeAll
    static void data() {
        ValidationSplit.Parts parts = ValidationSplit.parse("1/6").split(DataDirectory.train(Path.of("data/mnist-subset")), 600);
        train = parts.train();
        validation = parts.validation();
        test = DataDirectory.test(Path.of("data/mnist-subset"));
    }

    /**
     * 500 training and 100 validation images, 784-32-10, lr 0.05, momentum 0.9: the validation loss is
     * lowest after epoch 4 and higher after 5 and 6 (measured), so patience 2 stops after epoch 6.
     */
    static TrainSettings settings(int epochs, Selection sel) {
        return new TrainSettings(new int[] {32}, epochs, 16, 0.05, 0.9, new Schedule.Constant(0.05), 3, 600,
                ValidationSplit.parse("1/6"), sel);
    }

    /** Every call the trainer makes that touches a data set, in order, with the epochs as they finish. */
    static final class Spy implements Backend {
        final CpuBackend cpu = new CpuBackend(2);
        final List<String> events = new ArrayList<>();

        private String which(Dataset d) {
            return d == test ? "test" : d == validation ? "validation" : d == train ? "train" : d.name();
        }

        @Override public String description() { return "spy"; }
        @Override public void uploadTrainingSet(Dataset d) { events.add("upload " + which(d)); cpu.uploadTrainingSet(d); }
        @Override public void uploadWeights(Network n) { cpu.uploadWeights(n); }
        @Override public Network readWeights() { return cpu.readWeights(); }
        @Override public float[][] readMomentum() { return cpu.readMomentum(); }
        @Override public void uploadMomentum(float[][] v) { cpu.uploadMomentum(v); }
        @Override public EpochStats trainEpoch(int[] order, StepSettings s, EpochProgress p) { return cpu.trainEpoch(order, s, p); }
        @Override public Evaluation evaluate(Dataset d) { events.add("evaluate " + which(d)); return cpu.evaluate(d); }
        @Override public float[] probabilities(byte[] images, int count) { events.add("probabilities"); return cpu.probabilities(images, count); }
        @Override public void close() { cpu.close(); }
    }

    private static Trainer.Result run(TrainSettings s, Backend b, Trainer.Listener l) {
        return new Trainer(b).run(TrainState.start(HeInit.initialise(s.layerSizes(784, 10), s.seed())), train, validation,
                test, s, l, Trainer.Checkpointing.NONE);
    }

    private static void assertSameWeights(Network a, Network b) {
        for (int l = 1; l <= a.layers(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), "W" + l);
        }
    }

    @Test
    void theTestSetIsUntouchedUntilTheEndAndScoredOnce() {
        Trainer.Result r;
        List<String> events;
        try (Spy spy = new Spy()) {
            r = run(settings(4, new Selection(Selection.Metric.accuracy, 0, Selection.Save.best)), spy,
                    rec -> spy.events.add("epoch " + rec.epoch()));
            events = spy.events;
        }
        assertEquals(List.of("upload train", "evaluate validation", "epoch 1", "evaluate validation", "epoch 2",
                "evaluate validation", "epoch 3", "evaluate validation", "epoch 4", "evaluate test"), events);
        assertTrue(r.epochs().stream().allMatch(e -> e.heldOut() == HeldOut.validation), r.epochs().toString());
        assertEquals(test.count(), r.test().samples());
    }

    @Test
    void withoutAValidationSetTheEpochsAreScoredOnTheTestSetAndSaySo() {
        TrainSettings s = new TrainSettings(new int[] {32}, 2, 16, 0.1, 0, new Schedule.Constant(0.1), 3, 0);
        List<String> events;
        Trainer.Result r;
        try (Spy spy = new Spy()) {
            r = new Trainer(spy).run(HeInit.initialise(s.layerSizes(784, 10), 3), train, test, s,
                    rec -> spy.events.add("epoch " + rec.epoch()));
            events = spy.events;
        }
        assertEquals(List.of("upload train", "evaluate test", "epoch 1", "evaluate test", "epoch 2"), events);
        assertEquals(HeldOut.test, r.epochs().get(1).heldOut());
        assertEquals(r.epochs().get(1).heldOutAccuracy(), r.test().accuracy(), 0.0);
        assertEquals(2, r.modelEpoch());
        assertEquals(0, r.bestEpoch());
        assertThrows(IllegalArgumentException.class, () -> new TrainSettings(new int[] {8}, 2, 16, 0.1, 0,
                new Schedule.Constant(0.1), 3, 0, ValidationSplit.NONE, new Selection(Selection.Metric.loss, 2, Selection.Save.last)));
    }

    @Test
    void earlyStoppingEndsWithTheBestEpochsWeights() {
        Selection sel = new Selection(Selection.Metric.loss, 2, Selection.Save.best);
        List<Integer> stoppedAt = new ArrayList<>();
        Trainer.Result r;
        try (Backend b = new CpuBackend(2)) {
            r = run(settings(20, sel), b, new Trainer.Listener() {
                @Override public void epochFinished(EpochRecord record) { }
                @Override public void stoppedEarly(int epoch, int best) { stoppedAt.add(epoch); }
            });
        }
        assertTrue(r.stoppedEarly(), "the validation loss rises again on 500 training images");
        int best = r.bestEpoch();
        assertEquals(best + 2, r.epochs().size(), "stopped 2 epochs after the best");
        assertEquals(List.of(best + 2), stoppedAt);
        assertEquals(best, r.modelEpoch());
        for (EpochRecord e : r.epochs()) {
            assertTrue(e.heldOutLoss() >= r.modelRecord().heldOutLoss(), "epoch " + best + " has the lowest validation loss");
        }
        // the same run stopped at the best epoch, keeping its last weights, ends with the same bits
        Trainer.Result upToBest;
        try (Backend b = new CpuBackend(2)) {
            upToBest = run(settings(best, new Selection(Selection.Metric.loss, 0, Selection.Save.last)), b, rec -> { });
        }
        assertSameWeights(upToBest.network(), r.network());
        assertEquals(upToBest.test().accuracy(), r.test().accuracy(), 0.0, "the test set scores the best epoch's weights");
    }
}
