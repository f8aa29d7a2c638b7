// A run with momentum, stopped and resumed through a checkpoint file, ends with the bits of the run that was never stopped.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.Backend;
import gpumlp.checkpoint.CheckpointFile;
import gpumlp.checkpoint.CheckpointStore;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MomentumResumeTest {
    private static Dataset train;
    private static Dataset test;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        train = DataDirectory.train(Path.of("data/mnist-subset")).limit(300);
        test = DataDirectory.test(Path.of("data/mnist-subset")).limit(200);
    }

    /** Plain SGD with momentum 0.9 and a constant rate: nothing but the momentum state carries over a stop. */
    private static final TrainSettings S = new TrainSettings(new int[] {16}, 3, 25, 0.05, 0.9, new Schedule.Constant(0.05),
            11, 0);

    private static TrainState start() {
        return TrainState.start(HeInit.initialise(S.layerSizes(784, 10), S.seed()));
    }

    private static Trainer.Result run(TrainState from, Trainer.Checkpointing c) {
        try (Backend b = new CpuBackend(1)) {
            return new Trainer(b).run(from, train, test, S, r -> { }, c);
        }
    }

    private static boolean same(Network a, Network b) {
        for (int l = 1; l <= a.layers(); l++) {
            if (!Arrays.equals(a.weights(l), b.weights(l))) {
                return false;
            }
        }
        return true;
    }

    /** Stops when `stop` says so, saving into a fresh store; returns the checkpoint read back from its file. */
    private TrainState stoppedAt(String name, BooleanSupplier stop) {
        CheckpointStore store = new CheckpointStore(dir.resolve(name), 1);
        Trainer.Result first = run(start(), new Trainer.Checkpointing(100, s -> store.save(s, S.toMap(), Map.of()), stop));
        assertTrue(first.wasStopped());
        CheckpointFile.Loaded c = store.newestValid(w -> { throw new AssertionError(w); }).orElseThrow();
        assertNotNull(c.state().momentum(), "the momentum state is in the file");
        return c.state();
    }

    @Test
    void resumingWithMomentumIsBitIdenticalToTheRunThatWasNeverStopped() {
        Trainer.Result straight = run(start(), Trainer.Checkpointing.NONE);
        int[] asks = {0};
        // 12 steps an epoch, the backend asking after each and the trainer once more after the epoch:
        // a stop at the end of epoch 1, and one 6 steps into epoch 2
        TrainState atBoundary = stoppedAt("boundary", () -> ++asks[0] > 12);
        assertEquals(1, atBoundary.epochsDone());
        assertEquals(0, atBoundary.samplesIntoEpoch(), atBoundary.position());
        asks[0] = 0;
        TrainState inside = stoppedAt("inside", () -> ++asks[0] > 18);
        assertEquals(1, inside.epochsDone());
        assertTrue(inside.samplesIntoEpoch() > 0, inside.position());

        for (TrainState from : new TrainState[] {atBoundary, inside}) {
            Trainer.Result resumed = run(from, Trainer.Checkpointing.NONE);
            assertTrue(same(straight.network(), resumed.network()), "resumed " + from.position());
            assertEquals(straight.test().accuracy(), resumed.test().accuracy(), 0.0);
            assertEquals(straight.epochs().get(2).trainLoss(), resumed.epochs().get(2).trainLoss(), 0.0);

            // the same weights without their momentum are another run: the state above is what made it identical
            TrainState forgetful = new TrainState(from.epochsDone(), from.samplesIntoEpoch(), from.partialLossSum(),
                    from.partialCorrect(), from.partialSeconds(), from.weights(), null, from.records(), 0, null);
            assertFalse(same(straight.network(), run(forgetful, Trainer.Checkpointing.NONE).network()), from.position());
        }
    }
}
