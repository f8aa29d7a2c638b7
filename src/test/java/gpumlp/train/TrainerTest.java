// The training loop on the committed real MNIST subset: accuracy reached, reproducibility, divergence stop.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final Path SUBSET = Path.of("data/mnist-subset");
    static Dataset train;
    static Dataset test;

    @BeforeAll
    static void load() {
        train = DataDirectory.train(SUBSET);
        test = DataDirectory.test(SUBSET);
    }

    private static TrainSettings settings(int epochs, int batch, double lr, double momentum, long seed) {
        return new TrainSettings(new int[] {256}, epochs, batch, lr, momentum, new Schedule.Constant(lr), seed, 0);
    }

    private static Trainer.Result train(TrainSettings s, int threads, Dataset data) {
        int[] sizes = s.layerSizes(data.features(), 10);
        List<EpochRecord> seen = new ArrayList<>();
        try (CpuBackend cpu = new CpuBackend(threads)) {
            Trainer.Result r = new Trainer(cpu).run(HeInit.initialise(sizes, s.seed()), data, test, s, seen::add);
            assertEquals(s.epochs(), seen.size());
            return r;
        }
    }

    /**
     * 3,000 real training digits, 10 epochs of 784-256-10, batch 32, lr 0.1, seed 1: measured 89.5 %
     * on the 1,000 test digits (bit-reproducible on any JVM); 88 % leaves room for harmless changes.
     */
    @Test
    void trainingOnTheRealSubsetReachesEightyEightPercent() {
        Trainer.Result r = train(settings(10, 32, 0.1, 0, 1), 2, train);
        assertTrue(r.test().accuracy() >= 0.88, "test accuracy " + r.test().accuracy());
        List<EpochRecord> e = r.epochs();
        assertTrue(e.get(e.size() - 1).trainLoss() < e.get(0).trainLoss() / 2, "the training loss must fall");
    }

    @Test
    void perSampleSgdAlsoLearns() {
        Trainer.Result r = train(settings(1, 1, 0.01, 0, 1), 1, train);
        assertTrue(r.test().accuracy() >= 0.80, "test accuracy " + r.test().accuracy());
    }

    @Test
    void theSameSeedGivesBitIdenticalWeightsAfterTraining() {
        Dataset small = train.limit(600);
        Network a = train(settings(2, 16, 0.1, 0.9, 7), 2, small).network();
        Network b = train(settings(2, 16, 0.1, 0.9, 7), 1, small).network();
        Network c = train(settings(2, 16, 0.1, 0.9, 8), 2, small).network();
        for (int l = 1; l <= a.layers(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), "same seed, W(" + l + ")");
            assertFalse(Arrays.equals(a.weights(l), c.weights(l)), "different seed, W(" + l + ")");
        }
    }

    @Test
    void aHugeLearningRateStopsWithAClearMessage() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> train(settings(3, 32, 1e6, 0, 1), 2, train.limit(500)));
        assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("--lr"), e.getMessage());
    }

    @Test
    void divergenceMeansNonFiniteOrFarAboveChance() {
        double chance = Math.log(10);
        assertTrue(Trainer.diverged(Double.NaN, chance));
        assertTrue(Trainer.diverged(Double.POSITIVE_INFINITY, chance));
        assertTrue(Trainer.diverged(1e32, chance));
        assertFalse(Trainer.diverged(2.5, chance));
        assertFalse(Trainer.diverged(50, chance));
    }

    @Test
    void epochOrderIsAPermutationThatDependsOnSeedAndEpoch() {
        int[] a = Trainer.epochOrder(1, 1, 100);
        assertArrayEquals(a, Trainer.epochOrder(1, 1, 100));
        assertFalse(Arrays.equals(a, Trainer.epochOrder(1, 2, 100)));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void schedulesGiveTheDocumentedRates() {
        assertEquals(0.1, new Schedule.Constant(0.1).rate(7, 10));
        Schedule step = new Schedule.Step(0.4, 3, 0.5);
        assertEquals(0.4, step.rate(2, 10));
        assertEquals(0.2, step.rate(3, 10));
        assertEquals(0.1, step.rate(6, 10));
        Schedule cos = new Schedule.Cosine(0.2);
        assertEquals(0.2, cos.rate(0, 10), 1e-12);
        assertEquals(0.1, cos.rate(5, 10), 1e-12);
        assertTrue(cos.rate(9, 10) > 0);
    }
}
