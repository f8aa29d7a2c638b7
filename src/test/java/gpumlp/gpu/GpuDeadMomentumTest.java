// Momentum left on features that are 0 in every training image keeps moving their weights, on the GPU as on the CPU.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.Tolerances;
import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.StepSettings;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.util.Rng;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class GpuDeadMomentumTest {
    private static final int[] SIZES = {784, 40, 10};

    /** Weights and momentum after one epoch from the same weights and a momentum that is non-zero everywhere. */
    private record After(Network weights, float[][] momentum) {}

    private static After train(Backend b, Dataset data, Network start, float[][] velocity, int[] order, StepSettings s) {
        b.uploadTrainingSet(data);
        b.uploadWeights(start);
        b.uploadMomentum(velocity);
        b.trainEpoch(order, s, EpochProgress.NONE);
        return new After(b.readWeights(), b.readMomentum());
    }

    @Test
    void deadFeaturesFollowTheirMomentumAsOnTheCpu() {
        Gpu.assumeUsable();
        Dataset data = DataDirectory.train(Path.of("data/mnist-subset"));
        FeatureOrder fo = FeatureOrder.liveFirst(data);
        assertTrue(fo.live() < SIZES[0], "the subset has dead features");
        Network start = HeInit.initialise(SIZES, 4);
        float[][] velocity = new float[2][];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int l = 1; l <= 2; l++) { // as a checkpoint of a run with weight decay might hold
            velocity[l - 1] = new float[start.weights(l).length];
            for (int i = 0; i < velocity[l - 1].length; i++) {
                velocity[l - 1][i] = (float) (rnd.nextDouble() - 0.5) * 0.01f;
            }
        }
        int[] order = java.util.Arrays.copyOf(Rng.stream(4, 1).permutation(data.count()), 20 * 32 + 7);
        StepSettings s = new StepSettings(32, 0.05f, 0.9f);
        After cpu;
        After gpu;
        try (Backend c = new CpuBackend(2)) {
            cpu = train(c, data, start, velocity, order, s);
        }
        for (boolean graphs : new boolean[] {true, false}) {
            try (Backend g = GpuBackend.open(0, false, graphs)) {
                gpu = train(g, data, start, velocity, order, s);
            }
            for (int l = 1; l <= 2; l++) {
                double err = Gpu.relativeError(gpu.weights().weights(l), cpu.weights().weights(l));
                assertTrue(err <= Tolerances.GPU_MANY_STEPS_RELATIVE, "W" + l + " relative error " + err);
            }
            // a dead feature's rows: v = mu v (its gradient is 0), w -= eta v, elementwise as on the CPU: the same bits
            for (int c = fo.live(); c < SIZES[0]; c++) {
                int row = 1 + fo.order()[c];
                for (int j = 0; j < SIZES[1]; j++) {
                    int e = row * SIZES[1] + j;
                    assertNotEquals(start.weights(1)[e], gpu.weights().weights(1)[e], "dead feature " + (row - 1) + " moved");
                    assertEquals(cpu.weights().weights(1)[e], gpu.weights().weights(1)[e], "W1 of dead feature " + (row - 1));
                    assertEquals(cpu.momentum()[0][e], gpu.momentum()[0][e], "momentum of dead feature " + (row - 1));
                }
            }
        }
    }
}
