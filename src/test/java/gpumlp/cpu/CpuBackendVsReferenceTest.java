// Holds the float32 CPU backend to the double-precision reference: one step, many steps, momentum, evaluation.
package gpumlp.cpu;

import static gpumlp.Tolerances.FEW_STEPS_RELATIVE;
import static gpumlp.Tolerances.MANY_STEPS_RELATIVE;
import static gpumlp.Tolerances.ONE_STEP_RELATIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Evaluation;
import gpumlp.backend.StepSettings;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.util.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CpuBackendVsReferenceTest {

    @ParameterizedTest(name = "sizes {0}, batch {1}, threads {2}")
    @CsvSource({"40-24-10, 8, 1", "40-24-10, 37, 3", "60-16-12-10, 5, 2", "60-16-12-10, 1, 1"})
    void oneStepEqualsTheMeanOfTheReferencePerSampleGradients(String shape, int batch, int threads) {
        int[] sizes = parse(shape);
        Dataset data = TestData.random(batch, sizes[0], 10, 0.3, 5);
        Network net = HeInit.initialise(sizes, 3);
        int[] order = new Rng(9).permutation(batch);
        float eta = 0.05f;

        double[][] expected = ReferenceMlp.toDouble(net.allWeights());
        ReferenceMlp ref = new ReferenceMlp(sizes);
        double[][] mean = ref.meanGradient(expected, TestData.inputs(data, order, 0, batch), TestData.labels(data, order, 0, batch));
        for (int l = 0; l < expected.length; l++) {
            for (int k = 0; k < expected[l].length; k++) {
                expected[l][k] -= eta * mean[l][k];
            }
        }
        try (CpuBackend cpu = new CpuBackend(threads)) {
            cpu.uploadTrainingSet(data);
            cpu.uploadWeights(net);
            cpu.trainEpoch(order, new StepSettings(batch, eta, 0f), EpochProgress.NONE);
            assertClose(cpu.readWeights(), expected, ONE_STEP_RELATIVE);
        }
    }

    @ParameterizedTest(name = "batch {0}, momentum {1}")
    @CsvSource({"1, 0", "16, 0", "7, 0.9", "1, 0.5"})
    void hundredStepsStayWithTheReference(int batch, float momentum) {
        int[] sizes = {50, 32, 10};
        int steps = 100;
        int n = batch * steps;
        Dataset data = TestData.random(n, sizes[0], 10, 0.25, 17);
        Network net = HeInit.initialise(sizes, 4);
        int[] order = new Rng(2).permutation(n);
        float eta = 0.05f;

        ReferenceMlp ref = new ReferenceMlp(sizes);
        double[][] w = ReferenceMlp.toDouble(net.allWeights());
        double[][] v = zerosLike(w);
        for (int start = 0; start < n; start += batch) {
            ref.momentumStep(w, v, TestData.inputs(data, order, start, batch), TestData.labels(data, order, start, batch),
                    eta, momentum);
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.uploadTrainingSet(data);
            cpu.uploadWeights(net);
            cpu.trainEpoch(order, new StepSettings(batch, eta, momentum), EpochProgress.NONE);
            assertClose(cpu.readWeights(), w, MANY_STEPS_RELATIVE);
        }
    }

    @ParameterizedTest(name = "batch {0}, momentum {1}, input dropout {2}, dropout {3}, decay {4}, max-norm {5}")
    @CsvSource({"8, 0, 0.2, 0.5, 0.001, 0", "8, 0.9, 0, 0.3, 0.01, 1.2", "1, 0, 0.1, 0.4, 0.01, 1.2",
            "5, 0.5, 0.2, 0.5, 0, 1.1", "7, 0, 0, 0, 0.05, 0"})
    void dropoutWeightDecayAndMaxNormFollowTheReference(int batch, float mu, float pIn, float p, float lambda, float c) {
        int[] sizes = {40, 24, 16, 10};
        int steps = 10;
        int n = batch * steps - (batch > 1 ? 2 : 0); // a short last batch when batches have more than one sample
        Dataset data = TestData.random(n, sizes[0], 10, 0.3, 15);
        Network net = HeInit.initialise(sizes, 5);
        int[] order = new Rng(3).permutation(n);
        float eta = 0.05f;
        long seed = 77;
        int epoch = 3;
        ReferenceMlp ref = new ReferenceMlp(sizes);
        double[][] w = ReferenceMlp.toDouble(net.allWeights());
        double[][] v = zerosLike(w);
        for (int start = 0; start < n; start += batch) {
            int rows = Math.min(batch, n - start);
            double[][][] keeps = new double[rows][][];
            for (int r = 0; r < rows; r++) {
                keeps[r] = ref.dropoutFactors(seed, epoch, order[start + r], pIn, p);
            }
            ref.regularisedStep(w, v, TestData.inputs(data, order, start, rows), TestData.labels(data, order, start, rows),
                    keeps, eta, mu, lambda, c);
        }
        if (c > 0) {
            assertTrue(clippedColumns(net, sizes, c) > 0, "max-norm " + c + " must bind on the start weights");
        }
        StepSettings s = new StepSettings(batch, eta, mu, new gpumlp.backend.Regularisation(p, pIn, lambda, c), seed, epoch);
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.uploadTrainingSet(data);
            cpu.uploadWeights(net);
            cpu.trainEpoch(order, s, EpochProgress.NONE);
            assertClose(cpu.readWeights(), w, FEW_STEPS_RELATIVE);
        }
    }

    /** Zeros shaped like w (a momentum state at the start). */
    private static double[][] zerosLike(double[][] w) {
        double[][] z = new double[w.length][];
        for (int l = 0; l < w.length; l++) {
            z[l] = new double[w[l].length];
        }
        return z;
    }

    /** Columns of the hidden layers' W whose norm (bias row excluded) is above c. */
    private static int clippedColumns(Network net, int[] sizes, float c) {
        int count = 0;
        for (int l = 1; l < sizes.length - 1; l++) {
            float[] wl = net.weights(l);
            for (int j = 0; j < sizes[l]; j++) {
                double sq = 0;
                for (int i = 1; i <= sizes[l - 1]; i++) {
                    sq += (double) wl[i * sizes[l] + j] * wl[i * sizes[l] + j];
                }
                count += Math.sqrt(sq) > c ? 1 : 0;
            }
        }
        return count;
    }

    @Test
    void momentumCarriesOverFromOneEpochToTheNext() {
        int[] sizes = {30, 20, 10};
        int n = 48;
        Dataset data = TestData.random(n, sizes[0], 10, 0.3, 44);
        Network net = HeInit.initialise(sizes, 2);
        int[][] orders = {new Rng(1).permutation(n), new Rng(2).permutation(n)};
        ReferenceMlp ref = new ReferenceMlp(sizes);
        double[][] w = ReferenceMlp.toDouble(net.allWeights());
        double[][] v = {new double[w[0].length], new double[w[1].length]};
        for (int[] order : orders) {
            for (int start = 0; start < n; start += 8) {
                ref.momentumStep(w, v, TestData.inputs(data, order, start, 8), TestData.labels(data, order, start, 8), 0.05, 0.9);
            }
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.uploadTrainingSet(data);
            cpu.uploadWeights(net);
            for (int[] order : orders) {
                cpu.trainEpoch(order, new StepSettings(8, 0.05f, 0.9f), EpochProgress.NONE);
            }
            assertClose(cpu.readWeights(), w, FEW_STEPS_RELATIVE);
        }
    }

    @Test
    void aShortLastBatchIsTrainedAsItsOwnStep() {
        int[] sizes = {30, 20, 10};
        Dataset data = TestData.random(10, sizes[0], 10, 0.3, 8);
        Network net = HeInit.initialise(sizes, 6);
        int[] order = new Rng(1).permutation(10);
        ReferenceMlp ref = new ReferenceMlp(sizes);
        double[][] w = ReferenceMlp.toDouble(net.allWeights());
        for (int start = 0; start < 10; start += 4) {
            int rows = Math.min(4, 10 - start);
            ref.sgdStep(w, TestData.inputs(data, order, start, rows), TestData.labels(data, order, start, rows), 0.1);
        }
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.uploadTrainingSet(data);
            cpu.uploadWeights(net);
            EpochStats stats = cpu.trainEpoch(order, new StepSettings(4, 0.1f, 0f), EpochProgress.NONE);
            assertEquals(10, stats.samples());
            assertClose(cpu.readWeights(), w, ONE_STEP_RELATIVE);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int[] sizes = {784, 64, 10};
        Dataset data = TestData.random(300, sizes[0], 10, 0.2, 21);
        int[] order = new Rng(5).permutation(300);
        float[][] one = trainOneEpoch(1, sizes, data, order);
        float[][] three = trainOneEpoch(3, sizes, data, order);
        for (int l = 0; l < one.length; l++) {
            assertArrayEquals(one[l], three[l], "W(" + (l + 1) + ") must be bit-identical for 1 and 3 threads");
        }
    }

    @Test
    void evaluationMatchesTheReferenceLossAndPredictions() {
        int[] sizes = {40, 30, 10};
        Dataset data = TestData.random(300, sizes[0], 10, 0.4, 33);
        Network net = HeInit.initialise(sizes, 12);
        ReferenceMlp ref = new ReferenceMlp(sizes);
        double[][] w = ReferenceMlp.toDouble(net.allWeights());
        double loss = 0;
        int[] predicted = new int[data.count()];
        for (int i = 0; i < data.count(); i++) {
            double[] x = TestData.input(data, i);
            loss += ref.loss(w, x, data.label(i));
            double[] p = ref.forward(w, x).output();
            for (int j = 1; j < p.length; j++) {
                if (p[j] > p[predicted[i]]) {
                    predicted[i] = j;
                }
            }
        }
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.uploadWeights(net);
            Evaluation ev = cpu.evaluate(data);
            assertEquals(loss, ev.lossSum(), 1e-5 * loss);
            assertArrayEquals(predicted, ev.predicted());
            float[] probs = cpu.probabilities(data.images(), 3);
            for (int i = 0; i < 3; i++) {
                double[] p = ref.forward(w, TestData.input(data, i)).output();
                for (int j = 0; j < 10; j++) {
                    assertEquals(p[j], probs[i * 10 + j], 1e-6);
                }
            }
        }
    }

    private static float[][] trainOneEpoch(int threads, int[] sizes, Dataset data, int[] order) {
        try (CpuBackend cpu = new CpuBackend(threads)) {
            cpu.uploadTrainingSet(data);
            cpu.uploadWeights(HeInit.initialise(sizes, 1));
            cpu.trainEpoch(order, new StepSettings(32, 0.1f, 0.9f), EpochProgress.NONE);
            return cpu.readWeights().allWeights();
        }
    }

    private static void assertClose(Network actual, double[][] expected, double tolerance) {
        for (int l = 1; l <= actual.layers(); l++) {
            double rel = TestData.relativeError(actual.weights(l), expected[l - 1]);
            assertTrue(rel <= tolerance, "W(" + l + "): relative error " + rel + " > " + tolerance);
        }
    }

    private static int[] parse(String shape) {
        return java.util.Arrays.stream(shape.split("-")).mapToInt(Integer::parseInt).toArray();
    }
}
