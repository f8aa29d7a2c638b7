// Finite-difference check of every weight's gradient in double precision, with pre-activations on both sides of zero.
package gpumlp.cpu;

import static gpumlp.Tolerances.FD_STEP;
import static gpumlp.Tolerances.GRADIENT_CHECK_ABSOLUTE;
import static gpumlp.Tolerances.GRADIENT_CHECK_RELATIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.model.HeInit;
import gpumlp.util.Rng;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
    /** Two hidden layers so that back-propagation through a hidden W (bias row excluded) is covered too. */
    private static final int[] SIZES = {6, 5, 4, 10};

    @Test
    void everyWeightOfOneSampleMatchesCentralDifferences() {
        ReferenceMlp mlp = new ReferenceMlp(SIZES);
        double[][] w = ReferenceMlp.toDouble(HeInit.initialise(SIZES, 7).allWeights());
        randomiseBiases(w, 11);
        double[] x = input(3);
        int label = 4;
        assertPreActivationsStraddleZero(mlp, w, x);
        double[][] analytic = mlp.gradient(w, x, label);
        checkAll(w, analytic, () -> mlp.loss(w, x, label));
    }

    @Test
    void meanGradientOfAMiniBatchMatchesCentralDifferencesOfTheMeanLoss() {
        ReferenceMlp mlp = new ReferenceMlp(SIZES);
        double[][] w = ReferenceMlp.toDouble(HeInit.initialise(SIZES, 8).allWeights());
        randomiseBiases(w, 12);
        double[][] xs = {input(21), input(22), input(23)};
        int[] labels = {0, 9, 3};
        for (double[] x : xs) {
            assertPreActivationsStraddleZero(mlp, w, x);
        }
        double[][] analytic = mlp.meanGradient(w, xs, labels);
        checkAll(w, analytic, () -> {
            double sum = 0;
            for (int n = 0; n < xs.length; n++) {
                sum += mlp.loss(w, xs[n], labels[n]);
            }
            return sum / xs.length;
        });
    }

    @Test
    void weightDecayAddsLambdaWToEveryWeightButTheBiasRow() {
        ReferenceMlp mlp = new ReferenceMlp(SIZES);
        double[][] w = ReferenceMlp.toDouble(HeInit.initialise(SIZES, 9).allWeights());
        randomiseBiases(w, 13);
        double[][] xs = {input(31), input(32)};
        int[] labels = {2, 7};
        double lambda = 0.3; // large, so that a decayed bias row or a missing 1/2 shows far above the tolerance
        double[][] analytic = mlp.meanGradient(w, xs, labels, null, lambda);
        checkAll(w, analytic, () -> (mlp.loss(w, xs[0], labels[0]) + mlp.loss(w, xs[1], labels[1])) / 2
                + mlp.decayPenalty(w, lambda));
        double[][] plain = mlp.meanGradient(w, xs, labels);
        assertEquals(plain[0][2], analytic[0][2], 0.0, "the bias row (row 0) is not decayed");
        assertEquals(plain[0][SIZES[1] + 2] + lambda * w[0][SIZES[1] + 2], analytic[0][SIZES[1] + 2], 1e-15);
    }

    @Test
    void dropoutFactorsScaleTheForwardAndTheBackwardPassAlike() {
        ReferenceMlp mlp = new ReferenceMlp(SIZES);
        double[][] w = ReferenceMlp.toDouble(HeInit.initialise(SIZES, 10).allWeights());
        randomiseBiases(w, 14);
        double[] x = input(41);
        int label = 9;
        // unit 1 of the input and unit 0 of each hidden layer dropped, the rest kept with P = 0.25
        double k = 1 / 0.75;
        double[][] keep = {{k, 0, k, k, k, k}, {0, k, k, k, k}, {0, k, k, k}};
        assertPreActivationsStraddleZero(mlp, w, x, keep);
        double[][] analytic = mlp.gradient(w, x, label, keep);
        checkAll(w, analytic, () -> mlp.loss(w, x, label, keep));
        for (int j = 0; j < SIZES[1]; j++) {
            assertEquals(0.0, analytic[0][2 * SIZES[1] + j], 0.0, "a dropped input's weights get no gradient");
        }
    }

    @Test
    void theReluDerivativeIsAStepNotReluItself() {
        assertEquals(1.0, ReferenceMlp.reluDerivative(0.3));
        assertEquals(1.0, ReferenceMlp.reluDerivative(5.0));
        assertEquals(0.0, ReferenceMlp.reluDerivative(-2.0));
        assertEquals(0.0, ReferenceMlp.reluDerivative(0.0));
    }

    private static void checkAll(double[][] w, double[][] analytic, java.util.function.DoubleSupplier loss) {
        int checked = 0;
        double worst = 0;
        for (int l = 0; l < w.length; l++) {
            for (int k = 0; k < w[l].length; k++) {
                double saved = w[l][k];
                w[l][k] = saved + FD_STEP;
                double plus = loss.getAsDouble();
                w[l][k] = saved - FD_STEP;
                double minus = loss.getAsDouble();
                w[l][k] = saved;
                double numeric = (plus - minus) / (2 * FD_STEP);
                double a = analytic[l][k];
                double scale = Math.max(Math.abs(a), Math.abs(numeric));
                if (scale < GRADIENT_CHECK_ABSOLUTE) {
                    continue; // both zero: a dead unit; exact zero analytically
                }
                double rel = Math.abs(a - numeric) / scale;
                worst = Math.max(worst, rel);
                assertTrue(rel <= GRADIENT_CHECK_RELATIVE, "W(" + (l + 1) + ")[" + k + "]: analytic " + a
                        + " vs numeric " + numeric + ", relative error " + rel);
                checked++;
            }
        }
        int total = 0;
        for (double[] m : w) {
            total += m.length;
        }
        assertTrue(checked > total / 4, "too few non-zero gradients checked: " + checked + " of " + total);
        assertTrue(worst <= GRADIENT_CHECK_RELATIVE, "worst relative error " + worst);
    }

    /** Some hidden pre-activations must be positive and some negative, none so close to 0 that a step crosses it. */
    private static void assertPreActivationsStraddleZero(ReferenceMlp mlp, double[][] w, double[] x) {
        assertPreActivationsStraddleZero(mlp, w, x, null);
    }

    private static void assertPreActivationsStraddleZero(ReferenceMlp mlp, double[][] w, double[] x, double[][] keep) {
        ReferenceMlp.Forward f = mlp.forward(w, x, keep);
        int pos = 0;
        int neg = 0;
        for (int l = 1; l < SIZES.length - 1; l++) {
            for (double s : f.s()[l]) {
                assertTrue(Math.abs(s) > 1e-4, "pre-activation too close to the kink: " + s);
                if (s > 0) {
                    pos++;
                } else {
                    neg++;
                }
            }
        }
        assertTrue(pos > 0 && neg > 0, "need pre-activations on both sides of zero: " + pos + " positive, " + neg + " negative");
    }

    private static double[] input(long seed) {
        Rng rng = new Rng(seed);
        double[] x = new double[SIZES[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        return x;
    }

    /** He initialisation leaves biases at zero; give them values so their gradients are exercised. */
    private static void randomiseBiases(double[][] w, long seed) {
        Rng rng = new Rng(seed);
        for (int l = 0; l < w.length; l++) {
            int dOut = SIZES[l + 1];
            for (int j = 0; j < dOut; j++) {
                w[l][j] = 0.2 * rng.nextGaussian();
            }
        }
    }
}
