// The GPU backend against the float32 CPU backend from identical weights and sample orders, on real MNIST digits.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.Tolerances;
import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Evaluation;
import gpumlp.backend.Regularisation;
import gpumlp.backend.StepSettings;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.train.Schedule;
import gpumlp.train.TrainSettings;
import gpumlp.train.Trainer;
import gpumlp.util.Rng;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class GpuVsCpuTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable(); // each test is reported as skipped, with the reason
    }

    @BeforeAll
    static void data() {
        train = DataDirectory.train(Path.of("data/mnist-subset"));
        test = DataDirectory.test(Path.of("data/mnist-subset"));
    }

    /** Both backends' weights after training `samples` samples of a fixed order from the same start. */
    private record Both(Network start, Network cpu, Network gpu, EpochStats cpuStats, EpochStats gpuStats) {}

    private static Both trainBoth(int[] sizes, int samples, StepSettings s) {
        Network start = HeInit.initialise(sizes, 11);
        int[] order = new int[samples]; // consecutive permutations of the subset, as many as it takes
        for (int done = 0, epoch = 1; done < samples; epoch++) {
            int[] p = Rng.stream(5, epoch).permutation(train.count());
            int take = Math.min(p.length, samples - done);
            System.arraycopy(p, 0, order, done, take);
            done += take;
        }
        try (Backend cpu = new CpuBackend(2); Backend gpu = GpuBackend.open(0, false, true)) {
            EpochStats cs = run(cpu, start, order, s);
            EpochStats gs = run(gpu, start, order, s);
            return new Both(start, cpu.readWeights(), gpu.readWeights(), cs, gs);
        }
    }

    private static EpochStats run(Backend b, Network start, int[] order, StepSettings s) {
        b.uploadTrainingSet(train);
        b.uploadWeights(start);
        return b.trainEpoch(order, s, EpochProgress.NONE);
    }

    private static void assertWeightsClose(Both r, double limit) {
        for (int l = 1; l <= r.cpu().layers(); l++) {
            double err = Gpu.relativeError(r.gpu().weights(l), r.cpu().weights(l));
            assertTrue(err <= limit, "W" + l + " relative error " + err + " > " + limit);
        }
        assertEquals(r.cpuStats().correct(), r.gpuStats().correct(), "correct predictions during training");
    }

    @Test
    void oneMiniBatchStepMatchesTheCpu() {
        Both r = trainBoth(new int[] {784, 800, 10}, 64, new StepSettings(64, 0.1f, 0f));
        assertWeightsClose(r, Tolerances.GPU_ONE_STEP_RELATIVE);
        for (int l = 1; l <= 2; l++) {
            float[] before = r.start().weights(l);
            float[] dCpu = new float[before.length];
            float[] dGpu = new float[before.length];
            for (int i = 0; i < before.length; i++) {
                dCpu[i] = r.cpu().weights(l)[i] - before[i];
                dGpu[i] = r.gpu().weights(l)[i] - before[i];
            }
            double err = Gpu.relativeError(dGpu, dCpu);
            assertTrue(err <= Tolerances.GPU_ONE_STEP_UPDATE_RELATIVE, "update of W" + l + ": relative error " + err);
        }
        assertEquals(r.cpuStats().lossSum(), r.gpuStats().lossSum(), Tolerances.GPU_KERNEL_RELATIVE * r.cpuStats().lossSum());
    }

    @Test
    void deadFeaturesKeepTheirWeightsAndStillCountInEvaluation() {
        // the subset's border pixels are 0 in every training image: the GPU leaves them out of the
        // training products; their weights must stay as they were, and a test image that has them
        // must still see them
        FeatureOrder fo = FeatureOrder.liveFirst(train);
        assertTrue(fo.live() < 784 && fo.live() > 500, "live features: " + fo.live());
        Both r = trainBoth(new int[] {784, 50, 10}, 640, new StepSettings(32, 0.1f, 0.5f));
        assertWeightsClose(r, Tolerances.GPU_MANY_STEPS_RELATIVE);
        float[] start = r.start().weights(1);
        for (int c = fo.live(); c < 784; c++) {
            int row = 1 + fo.order()[c];
            for (int j = 0; j < 50; j++) {
                assertEquals(start[row * 50 + j], r.gpu().weights(1)[row * 50 + j], "W1 row of dead feature " + (row - 1));
            }
        }
        byte[] bright = new byte[784];
        Arrays.fill(bright, (byte) 200); // every feature on, the dead ones included
        try (Backend cpu = new CpuBackend(1); GpuBackend gpu = GpuBackend.open(0, false, true)) {
            cpu.uploadWeights(r.gpu());
            gpu.uploadTrainingSet(train); // the GPU's device order of W1's rows
            gpu.uploadWeights(r.gpu());
            float[] cp = cpu.probabilities(bright, 1);
            float[] gp = gpu.probabilities(bright, 1);
            for (int j = 0; j < 10; j++) {
                assertEquals(cp[j], gp[j], Tolerances.GPU_EVAL_LOSS_RELATIVE, "probability " + j);
            }
        }
    }

    @Test
    void oneStepAtBatchOneMatchesTheCpu() {
        Both r = trainBoth(new int[] {784, 800, 10}, 1, new StepSettings(1, 0.05f, 0f));
        assertWeightsClose(r, Tolerances.GPU_ONE_STEP_RELATIVE);
    }

    @Test
    void hundredStepsAtBatchOneStayClose() {
        Both r = trainBoth(new int[] {784, 800, 10}, 100, new StepSettings(1, 0.05f, 0f));
        assertWeightsClose(r, Tolerances.GPU_MANY_STEPS_RELATIVE);
    }

    @Test
    void hundredStepsAtBatch64StayClose() {
        Both r = trainBoth(new int[] {784, 800, 10}, 6400, new StepSettings(64, 0.1f, 0f));
        assertWeightsClose(r, Tolerances.GPU_MANY_STEPS_RELATIVE);
    }

    @Test
    void momentumTwoHiddenLayersAndASmallLastBatchStayClose() {
        Both r = trainBoth(new int[] {784, 64, 32, 10}, 20 * 32 + 5, new StepSettings(32, 0.05f, 0.9f));
        assertWeightsClose(r, Tolerances.GPU_MANY_STEPS_RELATIVE);
    }

    @Test
    void aNetworkWithoutHiddenLayersTrainsAsOnTheCpu() {
        // [784, 10]: W1 is the output layer, updated on the main stream (no backward loop to overlap)
        for (StepSettings s : new StepSettings[] {new StepSettings(1, 0.05f, 0f), new StepSettings(32, 0.1f, 0f),
                new StepSettings(32, 0.1f, 0.9f)}) {
            Both r = trainBoth(new int[] {784, 10}, 10 * s.batchSize() + 3, s);
            assertTrue(Gpu.relativeError(r.gpu().weights(1), r.start().weights(1)) > 1e-3, "W1 was trained: " + s);
            assertWeightsClose(r, Tolerances.GPU_MANY_STEPS_RELATIVE);
        }
    }

    @Test
    void oneStepWithDropoutDrawsTheCpusMasks() {
        // half the hidden units and a fifth of the pixels dropped: a mask that differed in one unit of
        // one sample would move W1's update far beyond the one-step tolerance
        StepSettings s = new StepSettings(64, 0.1f, 0f, new Regularisation(0.5, 0.2, 0, 0), 7, 2);
        Both r = trainBoth(new int[] {784, 800, 10}, 64, s);
        assertWeightsClose(r, Tolerances.GPU_ONE_STEP_RELATIVE);
        assertEquals(r.cpuStats().lossSum(), r.gpuStats().lossSum(), Tolerances.GPU_KERNEL_RELATIVE * r.cpuStats().lossSum());
    }

    @Test
    void dropoutWeightDecayAndMaxNormStayCloseWithMomentumAndTwoHiddenLayers() {
        StepSettings s = new StepSettings(32, 0.05f, 0.9f, new Regularisation(0.5, 0.2, 1e-3, 1.5), 7, 3);
        Both r = trainBoth(new int[] {784, 64, 32, 10}, 20 * 32 + 5, s);
        assertWeightsClose(r, Tolerances.GPU_MANY_STEPS_RELATIVE);
    }

    @Test
    void weightDecayWithoutMomentumAtBatchOneAndSixtyFourStaysClose() {
        for (int batch : new int[] {1, 64}) {
            StepSettings s = new StepSettings(batch, 0.05f, 0f, new Regularisation(0.3, 0, 1e-2, 0), 7, 1);
            Both r = trainBoth(new int[] {784, 100, 10}, 100 * batch, s);
            assertWeightsClose(r, Tolerances.GPU_MANY_STEPS_RELATIVE);
        }
    }

    @Test
    void evaluationAndProbabilitiesMatchTheCpu() {
        Network net = HeInit.initialise(new int[] {784, 300, 10}, 3);
        byte[] images = Arrays.copyOf(test.images(), 50 * 784);
        try (Backend cpu = new CpuBackend(2); Backend gpu = GpuBackend.open(0, false, true)) {
            cpu.uploadWeights(net);
            gpu.uploadWeights(net);
            Evaluation ce = cpu.evaluate(test);
            Evaluation ge = gpu.evaluate(test);
            assertEquals(ce.lossSum(), ge.lossSum(), Tolerances.GPU_EVAL_LOSS_RELATIVE * ce.lossSum());
            int differ = 0;
            for (int i = 0; i < ce.samples(); i++) {
                differ += ce.predicted()[i] == ge.predicted()[i] ? 0 : 1;
            }
            assertTrue(differ <= 1, differ + " predictions differ (a near-tie may flip one)");
            float[] cp = cpu.probabilities(images, 50);
            float[] gp = gpu.probabilities(images, 50);
            for (int i = 0; i < cp.length; i++) {
                assertEquals(cp[i], gp[i], Tolerances.GPU_EVAL_LOSS_RELATIVE, "probability " + i);
            }
        }
    }

    @Test
    void trainingReachesTheCpusTestAccuracy() {
        TrainSettings s = new TrainSettings(new int[] {100}, 3, 32, 0.1, 0, new Schedule.Constant(0.1), 1, 0);
        int[] sizes = s.layerSizes(train.features(), Dataset.MAX_CLASSES);
        Network start = HeInit.initialise(sizes, 1);
        double cpuAcc;
        double gpuAcc;
        try (Backend cpu = new CpuBackend(2)) {
            cpuAcc = new Trainer(cpu).run(start, train, test, s, rec -> { }).test().accuracy();
        }
        try (Backend gpu = GpuBackend.open(0, false, true)) {
            gpuAcc = new Trainer(gpu).run(start, train, test, s, rec -> { }).test().accuracy();
        }
        assertTrue(cpuAcc > 0.85, "the CPU run learns: " + cpuAcc);
        assertEquals(cpuAcc, gpuAcc, 0.003, "test accuracy, GPU vs CPU (3 of 1,000 test digits)");
    }
}
