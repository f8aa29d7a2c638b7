// Loss and predictions of a model on a labelled data set, with accuracy, per-class accuracy and confusion matrix.
package gpumlp.backend;

/**
 * @param lossSum summed cross-entropy over the samples
 * @param predicted predicted class per sample (argmax of the output)
 * @param labels true class per sample
 * @param classes number of output classes
 */
public record Evaluation(double lossSum, int[] predicted, byte[] labels, int classes) {
    public int samples() {
        return predicted.length;
    }

    public double meanLoss() {
        return lossSum / samples();
    }

    public long correct() {
        long c = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == labels[i]) {
                c++;
            }
        }
        return c;
    }

    public double accuracy() {
        return (double) correct() / samples();
    }

    /** confusion[t][p]: samples of true class t predicted as p; classes x classes. */
    public long[][] confusion() {
        long[][] m = new long[classes][classes];
        for (int i = 0; i < predicted.length; i++) {
            m[labels[i]][predicted[i]]++;
        }
        return m;
    }

    /** Accuracy within each true class (NaN for a class with no samples). */
    public double[] perClassAccuracy() {
        long[][] m = confusion();
        double[] acc = new double[classes];
        for (int t = 0; t < classes; t++) {
            long total = 0;
            for (long v : m[t]) {
                total += v;
            }
            acc[t] = total == 0 ? Double.NaN : (double) m[t][t] / total;
        }
        return acc;
    }
}
