// deform_*: elastic and affine deformations of training images, drawn per sample and epoch from Philox (twins: cpu/DeformOps).
//
// Storage (row-major, as on the host): images is n x features bytes, features = h * w, pixel p = y * w + x.
// A field is rows x 2hw floats: plane 0 the x displacements, plane 1 the y displacements (index a * hw + p).
// An affine row is 6 floats {m00, m01, m10, m11, ox, oy}: output pixel (x, y) samples the source image at
// (m00 x + m01 y + ox + dx, m10 x + m11 y + oy + dy). x is the batch's input rows (rows x ldx, column 0 the
// bias unit, column 1 + c pixel featureOf[c], as gather_batch writes them).
//
// Row r is sample order[base + r] (base + r when order is null), base = start + (*step) * batchSize when step
// is not null: as in gather_batch, a captured CUDA graph finds its batch through the step counter on the
// device. key holds 3 ints in device memory, the seed's low and high words and the epoch number (the
// same key as dropout's, EpochBuffers.key), so replays follow the epochs.
// Random numbers: Philox4x32-10, key = the seed, counter (block, sample, epoch, stream): a sample's
// deformation in an epoch is the same whatever its batch, on the CPU twin too.
// Every float product and sum is rounded in the twin's order (__fmul_rn / __fadd_rn, no fused multiply-add),
// so fields, smoothing and resampling give the CPU's bits; the affine map's sin, cos and tan (double) may
// differ in the last bit of a double.
#include "philox.cuh"

#define DEFORM_FIELD_STREAM 0x0E000000u   // Philox.STREAM_DEFORM
#define DEFORM_AFFINE_STREAM 0x0E000001u  // Philox.STREAM_DEFORM + 1

// The training-set index of batch row r.
__device__ inline unsigned int deform_sample(const int* order, const int* step, int batchSize, int start, int r)
{
    const long long base = (long long)start + (step != nullptr ? (long long)(*step) * batchSize : 0);
    return (unsigned int)(order != nullptr ? (long long)order[base + r] : base + r);
}

// field[r][i] = 2u - 1 for the Philox uniform u of word i (block i / 4, word i % 4), i < 2hw.
// Grid: x over the blocks of four words, y strides over the rows.
extern "C" __global__ void deform_field(const int* __restrict__ key, const int* __restrict__ order, const int* __restrict__ step, int batchSize,
                                        int start, int rows, int hw, float* __restrict__ field)
{
    const int q = blockIdx.x * blockDim.x + threadIdx.x;
    const int n = 2 * hw;
    if (q >= (n + 3) / 4) {
        return;
    }
    const unsigned int key0 = (unsigned int)key[0];
    const unsigned int key1 = (unsigned int)key[1];
    const unsigned int e = (unsigned int)key[2];
    const int m = min(4, n - 4 * q);
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        unsigned int c[4] = {(unsigned int)q, deform_sample(order, step, batchSize, start, r), e, DEFORM_FIELD_STREAM};
        philox4x32_10(c, key0, key1);
        float* f = field + (long long)r * n + 4 * q;
        for (int j = 0; j < m; j++) {
            f[j] = 2.0f * philox_uniform(c[j]) - 1.0f;  // exact in float32
        }
    }
}

// The smoothing of both kernels: value i of each row's 2 planes becomes
// scale * (g[radius] in[i] + sum_{k = 1..} g[radius + k] (in[i - k step] + in[i + k step])), the pairs added in
// increasing k while a side lies inside the image (pos +- k in [0, len), pos the pixel's coordinate along the
// axis of length len); a side outside counts as 0. g is symmetric.
__device__ inline void deform_smooth(const float* __restrict__ in, float* __restrict__ out, int rows, int n, int i,
                                     int pos, int len, int step, const float* __restrict__ g, int radius, float scale)
{
    const int last = min(radius, max(pos, len - 1 - pos));
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        const float* src = in + (long long)r * n + i;
        float acc = __fmul_rn(g[radius], src[0]);
        for (int k = 1; k <= last; k++) {
            const float lo = pos - k >= 0 ? src[-(long long)k * step] : 0.0f;
            const float hi = pos + k < len ? src[(long long)k * step] : 0.0f;
            acc = __fadd_rn(acc, __fmul_rn(g[radius + k], __fadd_rn(lo, hi)));
        }
        if (scale != 1.0f) {
            acc = __fmul_rn(scale, acc);
        }
        out[(long long)r * n + i] = acc;
    }
}

// Along x, each of the 2 planes: out[y][x] = scale * (g[radius] in[y][x] + sum_k g[radius + k] (in[y][x - k] + in[y][x + k])).
// in, out: rows x 2hw; g: 2 radius + 1 floats. Grid: x over the 2hw values of a row, y strides over the rows.
extern "C" __global__ void deform_smooth_rows(const float* __restrict__ in, float* __restrict__ out, int rows, int h,
                                              int w, const float* __restrict__ g, int radius, float scale)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < 2 * h * w) {
        deform_smooth(in, out, rows, 2 * h * w, i, i % w, w, 1, g, radius, scale);
    }
}

// Along y, each of the 2 planes: out[y][x] = scale * (g[radius] in[y][x] + sum_k g[radius + k] (in[y - k][x] + in[y + k][x])).
extern "C" __global__ void deform_smooth_cols(const float* __restrict__ in, float* __restrict__ out, int rows, int h,
                                              int w, const float* __restrict__ g, int radius, float scale)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < 2 * h * w) {
        deform_smooth(in, out, rows, 2 * h * w, i, (i % (h * w)) / w, h, w, g, radius, scale);
    }
}

// affine[r] = the sampling map of the forward transform "scale (sx, sy), shear x by tan(phi) y, rotate by theta
// about the centre, translate (tx, ty)", with theta = rotate u0 degrees, sx = 1 + scale u1 %, sy = 1 + scale u2 %,
// phi = shear u3 degrees, (tx, ty) = translate (u4, u5) pixels, u the Philox uniforms in [-1, 1) of words 0..5.
// M = S^-1 Sh^-1 R^-1, o = c - M (c + t), c the image centre; in double, rounded to float once (as the twin).
// Grid: x over the rows, one thread each.
extern "C" __global__ void deform_affine(const int* __restrict__ key, const int* __restrict__ order, const int* __restrict__ step, int batchSize,
                                         int start, int rows, int h, int w, float rotate, float scale, float shear,
                                         float translate, float* __restrict__ affine)
{
    const int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) {
        return;
    }
    const unsigned int sample = deform_sample(order, step, batchSize, start, r);
    const unsigned int key0 = (unsigned int)key[0];
    const unsigned int key1 = (unsigned int)key[1];
    const unsigned int e = (unsigned int)key[2];
    float u[8];
    for (unsigned int q = 0; q < 2; q++) {
        unsigned int c[4] = {q, sample, e, DEFORM_AFFINE_STREAM};
        philox4x32_10(c, key0, key1);
        for (int j = 0; j < 4; j++) {
            u[4 * q + j] = 2.0f * philox_uniform(c[j]) - 1.0f;
        }
    }
    const double deg = 3.14159265358979323846 / 180.0;  // Math.PI / 180.0
    const double theta = __dmul_rn(__dmul_rn((double)rotate, (double)u[0]), deg);
    const double sx = __dadd_rn(1.0, __dmul_rn((double)scale, (double)u[1]) / 100.0);
    const double sy = __dadd_rn(1.0, __dmul_rn((double)scale, (double)u[2]) / 100.0);
    const double phi = __dmul_rn(__dmul_rn((double)shear, (double)u[3]), deg);
    const double tx = __dmul_rn((double)translate, (double)u[4]);
    const double ty = __dmul_rn((double)translate, (double)u[5]);
    const double cs = cos(theta);
    const double sn = sin(theta);
    const double t = tan(phi);
    const double m00 = __dadd_rn(cs, __dmul_rn(t, sn)) / sx;
    const double m01 = __dadd_rn(sn, -__dmul_rn(t, cs)) / sx;
    const double m10 = -sn / sy;
    const double m11 = cs / sy;
    const double cx = (w - 1) / 2.0;
    const double cy = (h - 1) / 2.0;
    const double px = __dadd_rn(cx, tx);
    const double py = __dadd_rn(cy, ty);
    float* a = affine + (long long)r * 6;
    a[0] = (float)m00;
    a[1] = (float)m01;
    a[2] = (float)m10;
    a[3] = (float)m11;
    a[4] = (float)__dadd_rn(cx, -__dadd_rn(__dmul_rn(m00, px), __dmul_rn(m01, py)));
    a[5] = (float)__dadd_rn(cy, -__dadd_rn(__dmul_rn(m10, px), __dmul_rn(m11, py)));
}

// Pixel (x, y) of one image as 0..255, 0 outside.
__device__ inline float deform_pixel(const unsigned char* img, int h, int w, int x, int y)
{
    return (x >= 0 && x < w && y >= 0 && y < h) ? (float)img[y * w + x] : 0.0f;
}

// The image at (sx, sy), bilinear between the four pixels around it (0 outside), as 0..255.
__device__ inline float deform_bilinear(const unsigned char* img, int h, int w, float sx, float sy)
{
    if (!(sx > -1.0f && sx < (float)w && sy > -1.0f && sy < (float)h)) {  // also NaN
        return 0.0f;
    }
    const int x0 = (int)floorf(sx);
    const int y0 = (int)floorf(sy);
    const float fx = __fsub_rn(sx, (float)x0);
    const float fy = __fsub_rn(sy, (float)y0);
    const float gx = __fsub_rn(1.0f, fx);
    const float gy = __fsub_rn(1.0f, fy);
    const float top = __fadd_rn(__fmul_rn(gx, deform_pixel(img, h, w, x0, y0)), __fmul_rn(fx, deform_pixel(img, h, w, x0 + 1, y0)));
    const float bottom = __fadd_rn(__fmul_rn(gx, deform_pixel(img, h, w, x0, y0 + 1)),
                                   __fmul_rn(fx, deform_pixel(img, h, w, x0 + 1, y0 + 1)));
    return __fadd_rn(__fmul_rn(gy, top), __fmul_rn(fy, bottom));
}

// x[r][1 + c] = the source image of row r's sample at the displaced point of pixel p = featureOf[c] (c when
// featureOf is null), divided by 255; field null means no elastic displacement. Columns 0 and beyond
// features are not written. Grid: x over the features columns, y strides over the rows.
extern "C" __global__ void deform_resample(const unsigned char* __restrict__ images, int features,
                                           const int* __restrict__ order, const int* __restrict__ step, int batchSize,
                                           int start, int rows, int h, int w, const float* __restrict__ field,
                                           const float* __restrict__ affine, const int* __restrict__ featureOf,
                                           float* __restrict__ x, int ldx)
{
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= features) {
        return;
    }
    const int hw = h * w;
    const int p = featureOf != nullptr ? featureOf[c] : c;
    const float px = (float)(p % w);
    const float py = (float)(p / w);
    for (int r = blockIdx.y; r < rows; r += gridDim.y) {
        const unsigned int sample = deform_sample(order, step, batchSize, start, r);
        const float* a = affine + (long long)r * 6;
        float sx = __fadd_rn(__fadd_rn(__fmul_rn(a[0], px), __fmul_rn(a[1], py)), a[4]);
        float sy = __fadd_rn(__fadd_rn(__fmul_rn(a[2], px), __fmul_rn(a[3], py)), a[5]);
        if (field != nullptr) {
            const float* f = field + (long long)r * 2 * hw;
            sx = __fadd_rn(sx, f[p]);
            sy = __fadd_rn(sy, f[hw + p]);
        }
        const float v = deform_bilinear(images + (long long)sample * features, h, w, sx, sy);
        x[(long long)r * ldx + 1 + c] = v / 255.0f;
    }
}
