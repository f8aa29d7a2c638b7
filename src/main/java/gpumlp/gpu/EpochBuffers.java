// GPU memory for one epoch: its permutation and per-step loss and correct-count slots, staged through pinned memory.
package gpumlp.gpu;

import gpumlp.backend.EpochStats;
import gpumlp.util.Closer;

/**
 * The inputs (the permutation, the step counter's 0, the step scalars) and the outputs (every step's
 * summed loss and correct count) cross in asynchronous copies on the stream through one pinned
 * buffer, so an epoch has no host wait between its launches.
 */
final class EpochBuffers implements AutoCloseable {
    final DeviceBuffer order;          // n sample indices
    final DeviceBuffer lossPerStep;    // steps doubles
    final DeviceBuffer correctPerStep; // steps ints
    final DeviceBuffer key;            // 3 ints: the seed's low and high words and the epoch (the Philox key of dropout and deformations)
    private final PinnedBuffer staging;

    EpochBuffers(int n, int steps) {
        DeviceBuffer o;
        DeviceBuffer l;
        DeviceBuffer c;
        DeviceBuffer k;
        try (Closer undo = new Closer()) { // a failed allocation frees the earlier ones
            o = undo.register(DeviceBuffer.ints(n, "the epoch permutation"));
            l = undo.register(DeviceBuffer.doubles(steps, "per-step losses"));
            c = undo.register(DeviceBuffer.ints(steps, "per-step correct counts"));
            k = undo.register(DeviceBuffer.ints(KEY_WORDS, "the dropout key"));
            // inputs: n ints, the step, the scalars, the key; outputs: steps doubles and steps ints
            this.staging = new PinnedBuffer(Math.max(4L * n + 4 + 4L * StepScalars.SLOTS + 4L * KEY_WORDS, 12L * steps));
            undo.handOver();
        }
        this.order = o;
        this.lossPerStep = l;
        this.correctPerStep = c;
        this.key = k;
    }

    private static final int KEY_WORDS = 3;

    /** True when these buffers hold an epoch of n samples in `steps` steps. */
    boolean fits(int n, int steps) {
        return order.length() == n && lossPerStep.length() >= steps;
    }

    /**
     * Enqueues the copies of the permutation into {@link #order}, 0 into {@code step}, the scalar
     * values into {@code scalars} and the seed and epoch into {@link #key}. The stream must be idle
     * (the staging bytes are overwritten).
     */
    void stage(CudaContext ctx, int[] permutation, DeviceBuffer step, float[] scalarValues, DeviceBuffer scalars,
               long seed, int epochNumber) {
        long orderBytes = 4L * permutation.length;
        long keyBytes = orderBytes + 4 + 4L * scalarValues.length;
        staging.putInts(0, permutation);
        staging.putInts(orderBytes, new int[] {0});
        staging.putFloats(orderBytes + 4, scalarValues);
        staging.putInts(keyBytes, new int[] {(int) seed, (int) (seed >>> 32), epochNumber});
        order.uploadAsync(staging, 0, permutation.length, ctx.stream());
        step.uploadAsync(staging, orderBytes, 1, ctx.stream());
        scalars.uploadAsync(staging, orderBytes + 4, scalarValues.length, ctx.stream());
        key.uploadAsync(staging, keyBytes, KEY_WORDS, ctx.stream());
    }

    /** Waits for the epoch and sums its first `steps` slots, in order. */
    EpochStats finish(CudaContext ctx, int samples, int steps) {
        lossPerStep.downloadAsync(staging, 0, steps, ctx.stream());
        correctPerStep.downloadAsync(staging, 8L * steps, steps, ctx.stream());
        ctx.synchronize();
        double[] losses = new double[steps];
        int[] correct = new int[steps];
        staging.getDoubles(0, losses);
        staging.getInts(8L * steps, correct);
        return new EpochStats(samples, sum(losses), sum(correct));
    }

    /** Waits for the GPU and sums the first `steps` slots (for the progress display; synchronous copies). */
    EpochStats sofar(CudaContext ctx, long samples, int steps) {
        ctx.synchronize();
        double[] losses = new double[steps];
        int[] correct = new int[steps];
        lossPerStep.download(losses);
        correctPerStep.download(correct);
        return new EpochStats(samples, sum(losses), sum(correct));
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double x : values) {
            s += x;
        }
        return s;
    }

    private static long sum(int[] values) {
        long s = 0;
        for (int x : values) {
            s += x;
        }
        return s;
    }

    @Override
    public void close() {
        Closer.closeAll(order, lossPerStep, correctPerStep, key, staging);
    }
}
