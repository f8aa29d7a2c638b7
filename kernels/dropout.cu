// dropout: inverted dropout of one layer's units for a batch of training samples, masks drawn with Philox4x32-10.
#include "philox.cuh"

// In place: x[r][j] = x[r][j] * scale where the unit is kept, else 0, for rows r < rows and units j < d.
// x: rows x ldx; pass a pointer to the first unit (column 1 of an activation row, whose column 0 is
// the bias unit; column 0 of a delta row). The forward pass applies it to the activations, the
// backward pass to the deltas after relu_backward: both draw the same mask, so the backward pass
// scales exactly the units the forward pass kept.
//
// Row r is sample order[base + r] of the training set (sample base + r when order is null), with
// base = start + (*step) * batchSize (start alone when step is null). In the backward pass
// softmax_xent has already advanced the step counter, so start = -batchSize names the same batch.
// Column j is unit unitOf[j] (j when unitOf is null; the GPU keeps the input features in its own order).
// key: 3 words in device memory, the seed's low and high words and the epoch (from 1), so a captured
// CUDA graph follows the epoch; pScale: p and 1 / (1 - p) in device memory.
// The rule, as CpuOps.dropout (its CPU twin) states it: unit u of a sample is kept when
// philox_uniform(word u % 4 of Philox4x32-10 with counter (u / 4, sample, epoch, stream) and key
// (seed low, seed high)) >= p. stream is Philox.STREAM_DROPOUT + the layer (0 = the input).
// Grid: x covers the d units, y strides over rows. Each thread draws the four words of its unit's block
// and uses one: Philox is cheap next to the memory traffic, and neighbouring threads stay coalesced.
extern "C" __global__ void dropout(float* __restrict__ x, int ldx, int rows, int d, const int* __restrict__ unitOf,
                                   const int* __restrict__ order, const int* __restrict__ step, int batchSize, int start,
                                   const unsigned int* __restrict__ key, unsigned int stream,
                                   const float* __restrict__ pScale)
{
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= d) {
        return;
    }
    const long long base = (long long)start + (step != nullptr ? (long long)(*step) * batchSize : 0);
    const unsigned int u = unitOf != nullptr ? (unsigned int)unitOf[j] : (unsigned int)j;
    const unsigned int k0 = key[0];
    const unsigned int k1 = key[1];
    const unsigned int epoch = key[2];
    const float p = pScale[0];
    const float scale = pScale[1];
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        const unsigned int sample = order != nullptr ? (unsigned int)order[base + r] : (unsigned int)(base + r);
        unsigned int c[4] = {u >> 2, sample, epoch, stream};
        philox4x32_10(c, k0, k1);
        const unsigned int lane = u & 3u;
        const unsigned int word = lane == 0u ? c[0] : lane == 1u ? c[1] : lane == 2u ? c[2] : c[3];
        float* xr = x + (long long)r * ldx + j;
        *xr = philox_uniform(word) >= p ? __fmul_rn(*xr, scale) : 0.0f;
    }
}
