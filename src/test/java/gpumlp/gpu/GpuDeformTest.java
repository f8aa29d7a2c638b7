// GPU training with deformations: close to the CPU over a few steps and epochs, graphs equal eager launches, reruns equal.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.Tolerances;
import gpumlp.backend.Backend;
import gpumlp.backend.Deformation;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.train.EpochRecord;
import gpumlp.train.Schedule;
import gpumlp.train.TrainSettings;
import gpumlp.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class GpuDeformTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable();
    }

    @BeforeAll
    static void data() {
        train = DataDirectory.train(Path.of("data/mnist-subset")).limit(640);
        test = DataDirectory.test(Path.of("data/mnist-subset"));
    }

    private record Run(Network weights, List<EpochRecord> epochs) {}

    /** Three epochs (10 steps of 64 each), so the epoch number the kernels read from device memory changes. */
    private static Run run(Backend b, Deformation d, double momentum) {
        TrainSettings s = new TrainSettings(new int[] {200}, 3, 64, 0.1, momentum, new Schedule.Constant(0.1), 3, 0, d);
        List<EpochRecord> records = new ArrayList<>();
        Trainer.Result r = new Trainer(b).run(HeInit.initialise(s.layerSizes(784, 10), s.seed()), train, test, s, records::add);
        return new Run(r.network(), records);
    }

    private static void assertClose(Run cpu, Run gpu) {
        for (int l = 1; l <= cpu.weights().layers(); l++) {
            double err = Gpu.relativeError(gpu.weights().weights(l), cpu.weights().weights(l));
            assertTrue(err <= Tolerances.GPU_MANY_STEPS_RELATIVE, "W" + l + " relative error " + err);
        }
        for (int e = 0; e < cpu.epochs().size(); e++) {
            assertEquals(cpu.epochs().get(e).trainLoss(), gpu.epochs().get(e).trainLoss(),
                    Tolerances.GPU_MANY_STEPS_RELATIVE * cpu.epochs().get(e).trainLoss(), "train loss of epoch " + (e + 1));
        }
    }

    @Test
    void elasticAndAffineTrainingStaysCloseToTheCpuOverThreeEpochs() {
        for (Deformation d : new Deformation[] {new Deformation(34, 4, 15, 15, 10, 2), new Deformation(0, 0, 10, 0, 0, 1)}) {
            Run cpu;
            Run gpu;
            try (Backend c = new CpuBackend(2)) {
                cpu = run(c, d, 0.9);
            }
            try (Backend g = GpuBackend.open(0, false, true)) {
                gpu = run(g, d, 0.9);
            }
            assertClose(cpu, gpu);
        }
    }

    @Test
    void graphReplayEqualsEagerLaunchesAndRerunsGiveTheSameBits() {
        Deformation d = new Deformation(34, 4, 15, 15, 10, 2);
        Run graphs;
        Run again;
        Run eager;
        try (Backend g = GpuBackend.open(0, false, true)) {
            graphs = run(g, d, 0);
            again = run(g, d, 0); // a second run on the same backend: the same bits
        }
        try (Backend g = GpuBackend.open(0, false, false)) {
            eager = run(g, d, 0);
        }
        for (Run other : new Run[] {again, eager}) {
            for (int l = 1; l <= graphs.weights().layers(); l++) {
                assertArrayEquals(graphs.weights().weights(l), other.weights().weights(l), "W" + l);
            }
        }
    }
}
