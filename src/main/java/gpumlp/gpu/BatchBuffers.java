// GPU memory for one batch of up to `capacity` rows: activations, products and deltas, labels, reduction scratch.
package gpumlp.gpu;

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
        boolean done = false;
        DeviceBuffer lb = null;
        DeviceBuffer pl = null;
        DeviceBuffer pc = null;
        DeviceBuffer rl = null;
        DeviceBuffer pr = null;
        try {
            for (int l = 0; l < L; l++) {
                ld[l] = (sizes[l] + 1 + 3) / 4 * 4; // rows start 16-byte aligned for cuBLAS
                act[l] = DeviceBuffer.floats((long) capacity * ld[l], "layer " + l + " activations");
            }
            for (int l = 1; l <= L; l++) {
                pre[l] = DeviceBuffer.floats((long) capacity * sizes[l], "layer " + l + " products and deltas");
            }
            lb = DeviceBuffer.ints(capacity, "batch labels");
            pl = DeviceBuffer.doubles(Kernels.softmaxXentBlocks(capacity), "softmax_xent partial losses");
            pc = DeviceBuffer.ints(Kernels.softmaxXentBlocks(capacity), "softmax_xent partial counts");
            rl = DeviceBuffer.doubles(capacity, "per-sample losses");
            pr = DeviceBuffer.ints(capacity, "predictions");
            done = true;
        } finally {
            if (!done) {
                GpuBackend.closeAll(act);
                GpuBackend.closeAll(pre);
                GpuBackend.closeAll(lb, pl, pc, rl, pr);
            }
        }
        this.labels = lb;
        this.partialLoss = pl;
        this.partialCorrect = pc;
        this.rowLoss = rl;
        this.predicted = pr;
    }

    @Override
    public void close() {
        GpuBackend.closeAll(act);
        GpuBackend.closeAll(pre);
        GpuBackend.closeAll(labels, partialLoss, partialCorrect, rowLoss, predicted);
    }
}
