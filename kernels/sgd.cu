// outer_product_update and momentum_update: the weight updates that are not a cuBLAS product.
//
// Products here are rounded before the subtraction (__fmul_rn, no fused multiply-add), as Java
// computes them, so these kernels give the CPU reference's bits from the same inputs.

// outer_product_update, per-sample SGD: W -= eta * [1 x] delta^T, bias row included.
// w: (dIn + 1) x dOut row-major; xAug: dIn + 1 values with xAug[0] = 1 (the gathered or ReLU row);
// delta: dOut values; eta: one float on the device (so a captured graph follows the schedule).
// Rows whose input is 0 do not change and are skipped. Grid: x over dOut, y strides over rows.
extern "C" __global__ void outer_product_update(float* w, const float* xAug, const float* delta, int dIn, int dOut,
                                                const float* eta)
{
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= dOut) {
        return;
    }
    const float e = *eta;
    const float dj = delta[j];
    for (int i = blockIdx.y; i <= dIn; i += gridDim.y) {
        const float a = __fmul_rn(e, xAug[i]);
        if (a != 0.0f) {
            float* wij = w + (long long)i * dOut + j;
            *wij = __fsub_rn(*wij, __fmul_rn(a, dj));
        }
    }
}

// momentum_update: v = mu v + gScale g; w -= eta v, elementwise over n values (w, v, g alike;
// g is the summed gradient [1 X]^T Delta from cuBLAS, gScale = 1 / rows). Scalars on the device.
extern "C" __global__ void momentum_update(float* w, float* v, const float* g, long long n, const float* mu,
                                           const float* eta, const float* gScale)
{
    const float m = *mu;
    const float e = *eta;
    const float s = *gScale;
    for (long long k = blockIdx.x * (long long)blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x) {
        const float vk = __fadd_rn(__fmul_rn(m, v[k]), __fmul_rn(s, g[k]));
        v[k] = vk;
        w[k] = __fsub_rn(w[k], __fmul_rn(e, vk));
    }
}
