// gather_batch: picks a batch of uint8 images through the epoch's permutation into float rows [1, x/255].
//
// Storage (all row-major, as on the host): images is n x features bytes; x is rows x ldx floats
// whose column 0 is the bias unit x0 = 1 and column 1 + c holds pixel featureOf[c] divided by 255
// (pixel c when featureOf is null; ldx >= features + 1; the padding columns are never read).
// The trainer orders the features so that those that are 0 in every training image come last: the
// products of training then leave them out (they add nothing and their weights never change).
//
// Row r comes from sample order[base + r] (sample base + r when order is null), where
// base = start + (*step) * batchSize when step is not null: inside a captured CUDA graph the
// step counter on the device says which batch of the epoch this replay trains.
// batchLabels[r] receives that sample's label when both label pointers are given.
// Grid: x covers the features + 1 columns, y strides over the rows (several rows per block, unrolled,
// so that each thread has several loads in flight: the kernel is bound by memory latency).
extern "C" __global__ void gather_batch(const unsigned char* __restrict__ images, int features,
                                        const int* __restrict__ order, const int* __restrict__ step, int batchSize,
                                        int start, int rows, const unsigned char* __restrict__ labels,
                                        const int* __restrict__ featureOf, float* __restrict__ x, int ldx,
                                        int* __restrict__ batchLabels)
{
    const int col = blockIdx.x * blockDim.x + threadIdx.x;  // 0 = bias column, 1.. = pixels
    if (col > features) {
        return;
    }
    const long long base = (long long)start + (step != nullptr ? (long long)(*step) * batchSize : 0);
    const int feature = col == 0 ? 0 : (featureOf != nullptr ? featureOf[col - 1] : col - 1);
#pragma unroll 4
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        const long long sample = order != nullptr ? (long long)order[base + r] : base + r;
        float* xr = x + (long long)r * ldx;
        if (col == 0) {
            xr[0] = 1.0f;
            if (labels != nullptr && batchLabels != nullptr) {
                batchLabels[r] = labels[sample];
            }
        } else {
            xr[col] = (float)images[sample * features + feature] / 255.0f;
        }
    }
}
