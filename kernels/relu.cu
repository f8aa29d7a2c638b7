// relu_forward and relu_backward: the hidden-layer activation g(s) = max(0, s) and its derivative 1[s > 0].

// relu_forward: x[r][0] = 1 (the bias unit of the next layer), x[r][1 + j] = max(0, s[r][j]).
// s: rows x d (leading dimension lds); x: rows x ldx with ldx >= d + 1. A NaN stays NaN, as on the
// CPU, so that a diverged run shows in the loss. Grid: x covers the d + 1 columns, y strides over rows
// (several rows per block, unrolled, to keep several loads in flight).
extern "C" __global__ void relu_forward(const float* __restrict__ s, int lds, int rows, int d, float* __restrict__ x,
                                        int ldx)
{
    const int c = blockIdx.x * blockDim.x + threadIdx.x;  // 0 = bias column
    if (c > d) {
        return;
    }
#pragma unroll 4
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        float v = 1.0f;
        if (c > 0) {
            const float sv = s[(long long)r * lds + (c - 1)];
            v = (sv > 0.0f || sv != sv) ? sv : 0.0f;  // +0 for s <= 0 (also for -0)
        }
        x[(long long)r * ldx + c] = v;
    }
}

// relu_backward: delta[r][i] = g'(s[r][i]) * delta[r][i] with g'(s) = 1 if s > 0 else 0, read from
// the layer's output x = max(0, s), which is > 0 exactly when s > 0 (README, "The model").
// delta: rows x d (leading dimension ldd); x: rows x ldx, unit i in column 1 + i.
// Grid: x covers the d units, y strides over rows.
extern "C" __global__ void relu_backward(float* __restrict__ delta, int ldd, const float* __restrict__ x, int ldx,
                                         int rows, int d)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= d) {
        return;
    }
#pragma unroll 4
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        if (!(x[(long long)r * ldx + 1 + i] > 0.0f)) {
            delta[(long long)r * ldd + i] = 0.0f;
        }
    }
}
