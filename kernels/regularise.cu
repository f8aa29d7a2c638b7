// weight_decay and max_norm: the L2 penalty's share of an update and the max-norm constraint after it.
//
// W is (dIn + 1) x dOut row-major with the bias in row 0; neither kernel touches row 0. Products are
// rounded before they are added (__fmul_rn, __fadd_rn: no fused multiply-add), as Java computes
// them, so the CPU twins in CpuOps give the same bits from the same inputs.

// weight_decay: y[i][j] += a * w[i][j] for the non-bias rows i = 1..dIn. y may be w. Without momentum
// y = w and a = -eta lambda (w shrinks before the gradient step); with momentum y is the summed
// gradient [1 X]^T Delta and a = lambda rows (momentum_update then scales it by 1 / rows), so either
// way the step uses the mean gradient plus lambda w. a: one float in device memory.
// Grid: a grid-stride loop over the dIn x dOut non-bias elements.
extern "C" __global__ void weight_decay(float* y, const float* w, int dIn, int dOut, const float* a)
{
    const float f = *a;
    const long long n = (long long)dIn * dOut;
    for (long long k = blockIdx.x * (long long)blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x) {
        const long long e = dOut + k;  // past row 0
        y[e] = __fadd_rn(y[e], __fmul_rn(f, w[e]));
    }
}

// max_norm's block shape, from Kernels.java (-DMAX_NORM_COLS=32 -DMAX_NORM_STRIPES=16, its only statement):
// MAX_NORM_COLS columns per block (threadIdx.x: one warp reads a row segment coalesced), MAX_NORM_STRIPES
// threads per column (threadIdx.y takes rows 1 + y, 1 + y + MAX_NORM_STRIPES, ...).
#if !defined(MAX_NORM_COLS) || !defined(MAX_NORM_STRIPES)
#error "MAX_NORM_COLS and MAX_NORM_STRIPES are passed by Kernels.java, e.g. -DMAX_NORM_COLS=32 -DMAX_NORM_STRIPES=16"
#endif

// max_norm: each column j of w (unit j's incoming weights) without the bias row is rescaled to norm c
// where it is longer: n_j = sqrt(sum_{i=1..dIn} w_ij^2), the squares exact in double and summed there
// (stripe by stripe, then the stripes in order), and w_ij *= (float) (c / n_j) for i >= 1 when n_j > c.
// c: one float in device memory. Launch with ceil(dOut / MAX_NORM_COLS) blocks of
// MAX_NORM_COLS x MAX_NORM_STRIPES threads.
extern "C" __global__ void __launch_bounds__(MAX_NORM_COLS * MAX_NORM_STRIPES) max_norm(float* w, int dIn, int dOut,
                                                                                        const float* c)
{
    __shared__ double part[MAX_NORM_STRIPES][MAX_NORM_COLS];
    __shared__ float factor[MAX_NORM_COLS];
    const int j = blockIdx.x * MAX_NORM_COLS + threadIdx.x;
    double sq = 0.0;
    if (j < dOut) {
        for (int i = 1 + threadIdx.y; i <= dIn; i += MAX_NORM_STRIPES) {
            const double v = (double)w[(long long)i * dOut + j];
            sq += v * v;  // v * v is exact in double, so a fused multiply-add rounds the same
        }
    }
    part[threadIdx.y][threadIdx.x] = sq;
    __syncthreads();
    if (threadIdx.y == 0) {
        double total = 0.0;
        for (int t = 0; t < MAX_NORM_STRIPES; t++) {
            total += part[t][threadIdx.x];
        }
        const double norm = sqrt(total);
        const double limit = (double)*c;
        factor[threadIdx.x] = norm > limit ? (float)(limit / norm) : 1.0f;
    }
    __syncthreads();
    const float f = factor[threadIdx.x];
    if (j < dOut && f != 1.0f) {
        for (int i = 1 + threadIdx.y; i <= dIn; i += MAX_NORM_STRIPES) {
            float* wij = w + (long long)i * dOut + j;
            *wij = __fmul_rn(*wij, f);
        }
    }
}
