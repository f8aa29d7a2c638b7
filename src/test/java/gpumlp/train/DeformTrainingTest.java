// Training with deformations on the CPU: reruns and resumes (between and within epochs) give the same bits, whatever the threads.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.Backend;
import gpumlp.backend.Deformation;
import gpumlp.checkpoint.CheckpointStore;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeformTrainingTest {
    private static final Deformation ELASTIC_AND_AFFINE = new Deformation(34, 4, 15, 15, 10, 2);
    private static Dataset train;
    private static Dataset test;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        train = DataDirectory.train(Path.of("data/mnist-subset")).limit(300);
        test = DataDirectory.test(Path.of("data/mnist-subset"));
    }

    private static TrainSettings settings(Deformation d) {
        return new TrainSettings(new int[] {24}, 3, 32, 0.1, 0.9, new Schedule.Cosine(0.1), 5, 0, d);
    }

    private static Network start(TrainSettings s) {
        return HeInit.initialise(s.layerSizes(784, 10), s.seed());
    }

    private static Trainer.Result straight(TrainSettings s, int threads) {
        try (Backend b = new CpuBackend(threads)) {
            return new Trainer(b).run(start(s), train, test, s, r -> { });
        }
    }

    private static void assertSameWeights(Network a, Network b) {
        for (int l = 1; l <= a.layers(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), "W" + l);
        }
    }

    @Test
    void theSameSeedGivesTheSameWeightsWithAnyThreadCountAndDeformationsChangeThem() {
        TrainSettings s = settings(ELASTIC_AND_AFFINE);
        Network one = straight(s, 1).network();
        assertSameWeights(one, straight(s, 2).network());
        assertSameWeights(one, straight(s, 3).network());
        Network plain = straight(settings(Deformation.NONE), 2).network();
        assertFalse(java.util.Arrays.equals(one.weights(1), plain.weights(1)), "the deformed run trained on other inputs");
    }

    @Test
    void aRunStoppedBetweenOrWithinEpochsResumesToTheSameBits() {
        TrainSettings s = settings(ELASTIC_AND_AFFINE);
        Network all = straight(s, 2).network();
        // 10 steps per epoch, the stop asked after each and after the epoch: the 11th answer stops at the end of
        // epoch 1, the 16th after step 5 of epoch 2
        for (int stopAfter : new int[] {10, 15}) {
            CheckpointStore store = new CheckpointStore(dir.resolve("ck" + stopAfter), 3);
            AtomicInteger asked = new AtomicInteger();
            Trainer.Result first = run(s, TrainState.start(start(s)), store, () -> asked.incrementAndGet() > stopAfter);
            assertTrue(first.wasStopped(), "stopped after " + stopAfter);
            TrainState at = store.newestValid(w -> { throw new AssertionError(w); }).orElseThrow().state();
            Trainer.Result rest = run(s, at, store, () -> false);
            assertSameWeights(all, rest.network());
        }
    }

    private static Trainer.Result run(TrainSettings s, TrainState from, CheckpointStore store, BooleanSupplier stop) {
        try (Backend b = new CpuBackend(2)) {
            return new Trainer(b).run(from, train, test, s, r -> { },
                    new Trainer.Checkpointing(1, st -> store.save(st, s.toMap(), Map.of()), stop));
        }
    }
}
