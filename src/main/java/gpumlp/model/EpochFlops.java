// The floating-point operations of one training epoch's matrix products, counted from the layer sizes, samples and batch.
package gpumlp.model;

/**
 * A training step on r rows makes three products per layer l (sizes d(l-1) -> d(l), bias row
 * included as in the seed's notation): the forward pass [1 X] W, an r x (d(l-1) + 1) by
 * (d(l-1) + 1) x d(l) product; the backward pass Delta W[1:]^T, r x d(l) by d(l) x d(l-1), for every
 * layer but the first (no delta of the input is needed); the update [1 X]^T Delta, (d(l-1) + 1) x r
 * by r x d(l). A product of an m x k and a k x n matrix counts 2 m n k operations. Each count is
 * linear in the rows, so an epoch's total depends on the samples and not on how the batches split
 * them (the batch size only decides how many steps there are). Elementwise work (ReLU, softmax,
 * momentum) is left out: it is memory traffic, not products. All input features are counted, as the
 * products cover them (the GPU may skip inputs that are 0 in every training image: then less).
 *
 * @param forward the forward products' operations
 * @param backward the backward products' operations
 * @param update the weight-update products' operations
 * @param steps the optimiser steps of the epoch (ceil(samples / batch))
 */
public record EpochFlops(double forward, double backward, double update, long steps) {
    /** The counts for {@code samples} training samples in batches of {@code batchSize} (the last one may be smaller). */
    public static EpochFlops of(int[] sizes, long samples, int batchSize) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network has at least an input and an output layer: " + sizes.length + " sizes");
        }
        if (samples < 0 || batchSize < 1) {
            throw new IllegalArgumentException("samples must be >= 0 and the batch size >= 1: " + samples + ", " + batchSize);
        }
        double forward = 0;
        double backward = 0;
        for (int l = 1; l < sizes.length; l++) {
            if (sizes[l - 1] < 1 || sizes[l] < 1) {
                throw new IllegalArgumentException("layer sizes must be positive: " + java.util.Arrays.toString(sizes));
            }
            forward += 2.0 * samples * (sizes[l - 1] + 1.0) * sizes[l];
            if (l > 1) {
                backward += 2.0 * samples * sizes[l] * sizes[l - 1];
            }
        }
        long steps = (samples + batchSize - 1) / batchSize;
        return new EpochFlops(forward, backward, forward, steps);
    }

    /** Forward, backward and update together. */
    public double total() {
        return forward + backward + update;
    }

    /** The least time the products can take at {@code flopsPerSecond} (e.g. a measured SGEMM rate). */
    public double floorSeconds(double flopsPerSecond) {
        if (!(flopsPerSecond > 0)) {
            throw new IllegalArgumentException("the throughput must be positive: " + flopsPerSecond);
        }
        return total() / flopsPerSecond;
    }
}
