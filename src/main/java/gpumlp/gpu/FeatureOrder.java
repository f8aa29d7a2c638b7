// The GPU's order of input features: those non-zero in some training image first, the dead ones last.
package gpumlp.gpu;

import gpumlp.data.Dataset;

/**
 * Device column c of the input (and row 1 + c of W1 on the device) holds feature order[c]; the first
 * {@code live} are non-zero in some training image. A dead feature adds 0 to every training sum and
 * its gradient row is 0, so the training products leave it out exactly (unless its weights still
 * move: weight decay, or momentum left from before, see GpuBackend); evaluation keeps all.
 */
record FeatureOrder(int[] order, int live) {
    /** The features that are non-zero in some image of {@code data}, in order, then the others. */
    static FeatureOrder liveFirst(Dataset data) {
        int f = data.features();
        boolean[] live = new boolean[f];
        byte[] images = data.images();
        for (int i = 0; i < images.length; i++) {
            if (images[i] != 0) {
                live[i % f] = true;
            }
        }
        int[] order = new int[f];
        int k = 0;
        for (int c = 0; c < f; c++) {
            if (live[c]) {
                order[k++] = c;
            }
        }
        int liveCount = k;
        for (int c = 0; c < f; c++) {
            if (!live[c]) {
                order[k++] = c;
            }
        }
        return new FeatureOrder(order, liveCount);
    }

    int features() {
        return order.length;
    }

    /** A (features + 1) x cols matrix (bias row 0) from device row order to the model's. */
    float[] toModel(float[] deviceRows, int cols) {
        float[] out = deviceRows.clone();
        for (int c = 0; c < order.length; c++) {
            System.arraycopy(deviceRows, (1 + c) * cols, out, (1 + order[c]) * cols, cols);
        }
        return out;
    }

    /** True when a dead feature's row (1 + feature) of a (features + 1) x cols matrix in model order is not all 0. */
    boolean deadRowsNonZero(float[] modelRows, int cols) {
        for (int c = live; c < order.length; c++) {
            int from = (1 + order[c]) * cols;
            for (int j = from; j < from + cols; j++) {
                if (modelRows[j] != 0f) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The inverse of {@link #toModel}. */
    float[] toDevice(float[] modelRows, int cols) {
        float[] out = modelRows.clone();
        for (int c = 0; c < order.length; c++) {
            System.arraycopy(modelRows, (1 + order[c]) * cols, out, (1 + c) * cols, cols);
        }
        return out;
    }
}
