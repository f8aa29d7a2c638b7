// GPU training is reproducible: two runs with one seed give the same bits, and graph replay equals eager launches.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Regularisation;
import gpumlp.backend.StepSettings;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.util.Rng;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class GpuDeterminismTest {
    private static Dataset train;

    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable(); // each test is reported as skipped, with the reason
    }

    @BeforeAll
    static void data() {
        train = DataDirectory.train(Path.of("data/mnist-subset"));
    }

    private record Run(Network weights, List<EpochStats> stats) {}

    /** Two epochs over `samples` samples of the subset from seed 9's weights and orders. */
    private static Run train(boolean graphs, int samples, StepSettings s) {
        return train(graphs, samples, epoch -> s);
    }

    /** As above, with epoch e's settings from {@code settings}. */
    private static Run train(boolean graphs, int samples, java.util.function.IntFunction<StepSettings> settings) {
        return train(graphs, false, samples, settings);
    }

    /** As above; syncChecks as GPU_MLP_CUDA_SYNC=1 sets them. */
    private static Run train(boolean graphs, boolean syncChecks, int samples,
                             java.util.function.IntFunction<StepSettings> settings) {
        try (GpuBackend gpu = GpuBackend.open(0, false, graphs, false, syncChecks)) {
            assertEquals(syncChecks, gpu.description().contains(SyncChecks.VARIABLE), gpu.description());
            gpu.uploadTrainingSet(train);
            gpu.uploadWeights(HeInit.initialise(new int[] {784, 200, 10}, 9));
            List<EpochStats> stats = new ArrayList<>();
            for (int epoch = 1; epoch <= 2; epoch++) {
                int[] order = java.util.Arrays.copyOf(Rng.stream(9, epoch).permutation(train.count()), samples);
                stats.add(gpu.trainEpoch(order, settings.apply(epoch), EpochProgress.NONE));
            }
            return new Run(gpu.readWeights(), stats);
        }
    }

    private static void assertSameBits(Run a, Run b) {
        for (int l = 1; l <= a.weights().layers(); l++) {
            assertArrayEquals(a.weights().weights(l), b.weights().weights(l), "W" + l);
        }
        assertEquals(a.stats(), b.stats(), "epoch loss sums and correct counts");
    }

    @Test
    void twoRunsWithOneSeedGiveIdenticalWeights() {
        StepSettings s = new StepSettings(64, 0.1f, 0f);
        assertSameBits(train(true, 3000, s), train(true, 3000, s));
    }

    @Test
    void graphReplayEqualsEagerLaunchesForMiniBatches() {
        // 3,000 / 64: one 32-step graph, 14 one-step replays and a last batch of 56 rows
        StepSettings s = new StepSettings(64, 0.1f, 0f);
        assertSameBits(train(true, 3000, s), train(false, 3000, s));
    }

    @Test
    void graphReplayEqualsEagerLaunchesWithMomentum() {
        StepSettings s = new StepSettings(100, 0.05f, 0.9f);
        assertSameBits(train(true, 2950, s), train(false, 2950, s));
    }

    @Test
    void graphReplayEqualsEagerLaunchesAtBatchOne() {
        StepSettings s = new StepSettings(1, 0.01f, 0f);
        assertSameBits(train(true, 300, s), train(false, 300, s));
    }

    @Test
    void graphReplayEqualsEagerLaunchesWithDropoutDecayAndMaxNorm() {
        // the graphs are captured in epoch 1 and replayed in epoch 2: the masks must follow the epoch
        // number in device memory, not the one at capture
        Regularisation reg = new Regularisation(0.5, 0.2, 1e-3, 2.0);
        java.util.function.IntFunction<StepSettings> s = e -> new StepSettings(100, 0.05f, 0.9f, reg, 11, e);
        Run graphs = train(true, 2950, s);
        assertSameBits(graphs, train(false, 2950, s));
        Run sameEpochTwice = train(true, 2950, e -> new StepSettings(100, 0.05f, 0.9f, reg, 11, 1));
        assertFalse(java.util.Arrays.equals(graphs.weights().weights(1), sameEpochTwice.weights().weights(1)),
                "epoch 2 draws other masks than epoch 1");
    }

    @Test
    void syncChecksRunEagerlyAndChangeNoBit() {
        // GPU_MLP_CUDA_SYNC=1 waits after every launch and product, which a graph capture forbids: the
        // steps then run eagerly, and the result is the graphs' to the bit
        Regularisation reg = new Regularisation(0.5, 0.2, 1e-3, 2.0);
        java.util.function.IntFunction<StepSettings> s = e -> new StepSettings(100, 0.05f, 0.9f, reg, 11, e);
        assertSameBits(train(true, 2950, s), train(true, true, 2950, s));
    }
}
