// GPU memory for one batch of up to `capacity` rows: activations, products and deltas, labels, reduction scratch.
package gpumlp.gpu;

import gpumlp.util.Closer;

/**
 * Row-major, sizes in elements, L = layers, cap = capacity:
 * act[l] cap x ld[l] for l = 0..L-1, column 0 the bias unit 1 (the input, then the ReLU outputs);
 * pre[l] cap x d(l) for l = 1..L: the product S(l), later delta(l) (pre[L] holds the logits);
 * labels cap ints; partialLoss, partialCorrect: softmax_xent's per-block sums; rowLoss and
 * predicted: evaluation's per-row results.
 */
final class BatchBuffers implements AutoCloseable {
    final int capacity;
    final int[] ld;
    final DeviceBuffer[] act;
    final DeviceBuffer[] pre;
    final DeviceBuffer labels;
    final DeviceBuffer partialLoss;
    final DeviceBuffer partialCorrect;
    final DeviceBuffer rowLoss;
    final DeviceBuffer predicted;

    BatchBuffers(int[] sizes, int capacity) {
        int L = sizes.length - 1;
        this.capacity = capacity;
        this.ld = new int[L];
        this.act = new DeviceBuffer[L];
        this.pre = new DeviceBuffer[L + 1];
        DeviceBuffer lb;
        DeviceBuffer pl;
        DeviceBuffer pc;
        DeviceBuffer rl;
        DeviceBuffer pr;
        try (Closer undo = new Closer()) { // a failed allocation frees the earlier ones
            for (int l = 0; l < L; l++) {
                ld[l] = (sizes[l] + 1 + 3) / 4 * 4; // rows start 16-byte aligned for cuBLAS
                act[l] = undo.register(DeviceBuffer.floats((long) capacity * ld[l], "layer " + l + " activations"));
            }
            for (int l = 1; l <= L; l++) {
                pre[l] = undo.register(DeviceBuffer.floats((long) capacity * sizes[l], "layer " + l + " products and deltas"));
            }
            lb = undo.register(DeviceBuffer.ints(capacity, "batch labels"));
            pl = undo.register(DeviceBuffer.doubles(Kernels.softmaxXentBlocks(capacity), "softmax_xent partial losses"));
            pc = undo.register(DeviceBuffer.ints(Kernels.softmaxXentBlocks(capacity), "softmax_xent partial counts"));
            rl = undo.register(DeviceBuffer.doubles(capacity, "per-sample losses"));
            pr = undo.register(DeviceBuffer.ints(capacity, "predictions"));
            undo.handOver();
        }
        this.labels = lb;
        this.partialLoss = pl;
        this.partialCorrect = pc;
        this.rowLoss = rl;
        this.predicted = pr;
    }

    @Override
    public void close() {
        closeAll(act, pre, labels, partialLoss, partialCorrect, rowLoss, predicted);
    }

    /** Closes the activations, the products and the rest in order, trying every one. */
    private static void closeAll(DeviceBuffer[] act, DeviceBuffer[] pre, DeviceBuffer... rest) {
        try (Closer c = new Closer()) { // registered in reverse: closed in the order of the arguments
            c.register(() -> Closer.closeAll(rest));
            c.register(() -> Closer.closeAll(pre));
            c.register(() -> Closer.closeAll(act));
        }
    }
}
