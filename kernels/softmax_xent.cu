// softmax_xent, xent_argmax and softmax: the output layer's softmax with the cross-entropy loss.
//
// z is rows x classes logits, row-major. Per row: m = max_j z_j (first index on ties is the
// prediction), e_j = exp(z_j - m), sum = sum_j e_j (in order of j, as the CPU reference), and the
// loss ln(sum) - (z_y - m) = -ln x_y(L), finite even where x_y underflows. Exact IEEE division
// (NVRTC's default, no fast math).

// Threads per block of softmax_xent, from Kernels.java (-DSOFTMAX_XENT_THREADS=64, its only statement):
// small blocks, one row per thread, so a batch of 8192 fills 128 SMs. A power of 2 (the halving tree).
#ifndef SOFTMAX_XENT_THREADS
#error "SOFTMAX_XENT_THREADS is passed by Kernels.java, e.g. -DSOFTMAX_XENT_THREADS=64"
#endif
static_assert(SOFTMAX_XENT_THREADS > 0 && (SOFTMAX_XENT_THREADS & (SOFTMAX_XENT_THREADS - 1)) == 0,
              "SOFTMAX_XENT_THREADS must be a power of 2");

// Loss of one row and its argmax; leaves e_j in z and returns the sum through *sumOut.
__device__ static double row_softmax(float* zr, int classes, int y, int* argmaxOut, float* sumOut)
{
    int argmax = 0;
    for (int j = 1; j < classes; j++) {
        if (zr[j] > zr[argmax]) {
            argmax = j;
        }
    }
    const float m = zr[argmax];
    const float zy = zr[y];
    float sum = 0.0f;
    for (int j = 0; j < classes; j++) {
        const float e = (float)exp((double)(zr[j] - m));  // as the CPU: exp in double, rounded once
        zr[j] = e;
        sum += e;
    }
    *argmaxOut = argmax;
    *sumOut = sum;
    return log((double)sum) - (double)(zy - m);
}

// softmax_xent (training): z becomes the output delta x(L) - y, one thread per row; the batch's
// summed loss and number of correct predictions go to lossPerStep[*step] and correctPerStep[*step],
// then *step advances (this is the last kernel of a training step that reads the counter).
// The sums are reproducible: each block reduces its rows in a fixed tree order into
// partialLoss/partialCorrect[block]; the block that finishes last (counted in *blocksDone, which
// it resets to 0) adds the partials in block order.
// batchLabels: rows class indices; partial*: one slot per block. Launch with
// ceil(rows / SOFTMAX_XENT_THREADS) blocks of SOFTMAX_XENT_THREADS threads.
extern "C" __global__ void __launch_bounds__(SOFTMAX_XENT_THREADS) softmax_xent(float* z, int rows, int classes, const int* batchLabels, int* step,
                                                                        double* lossPerStep, int* correctPerStep,
                                                                        double* partialLoss, int* partialCorrect,
                                                                        unsigned int* blocksDone)
{
    __shared__ double lossPart[SOFTMAX_XENT_THREADS];
    __shared__ int correctPart[SOFTMAX_XENT_THREADS];
    __shared__ bool lastBlock;
    double loss = 0.0;
    int correct = 0;
    const int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r < rows) {
        float* zr = z + (long long)r * classes;
        const int y = batchLabels[r];
        int argmax;
        float sum;
        loss = row_softmax(zr, classes, y, &argmax, &sum);
        for (int j = 0; j < classes; j++) {
            zr[j] = zr[j] / sum - (j == y ? 1.0f : 0.0f);
        }
        correct = argmax == y ? 1 : 0;
    }
    lossPart[threadIdx.x] = loss;
    correctPart[threadIdx.x] = correct;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            lossPart[threadIdx.x] += lossPart[threadIdx.x + half];
            correctPart[threadIdx.x] += correctPart[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        partialLoss[blockIdx.x] = lossPart[0];
        partialCorrect[blockIdx.x] = correctPart[0];
        __threadfence();  // the partials are visible before this block counts itself done
        lastBlock = atomicAdd(blocksDone, 1u) == gridDim.x - 1;
    }
    __syncthreads();
    if (lastBlock && threadIdx.x == 0) {
        __threadfence();
        double total = 0.0;
        int totalCorrect = 0;
        for (int b = 0; b < gridDim.x; b++) {
            total += ((volatile double*)partialLoss)[b];
            totalCorrect += ((volatile int*)partialCorrect)[b];
        }
        const int s = *step;
        lossPerStep[s] = total;
        correctPerStep[s] = totalCorrect;
        *step = s + 1;
        *blocksDone = 0u;
    }
}

// xent_argmax (evaluation): per row, its loss and its predicted class; z is left as e_j.
// batchLabels: rows class indices; rowLoss: rows doubles; predicted: rows ints. One thread per row.
extern "C" __global__ void xent_argmax(float* z, int rows, int classes, const int* batchLabels, double* rowLoss,
                                       int* predicted)
{
    const int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) {
        return;
    }
    int argmax;
    float sum;
    rowLoss[r] = row_softmax(z + (long long)r * classes, classes, batchLabels[r], &argmax, &sum);
    predicted[r] = argmax;
}

// softmax (prediction): each row of z becomes the probabilities x(L). One thread per row.
extern "C" __global__ void softmax(float* z, int rows, int classes)
{
    const int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) {
        return;
    }
    float* zr = z + (long long)r * classes;
    int argmax;
    float sum;
    row_softmax(zr, classes, 0, &argmax, &sum);
    for (int j = 0; j < classes; j++) {
        zr[j] = zr[j] / sum;
    }
}
