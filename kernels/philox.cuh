// Philox4x32-10 (Salmon et al., SC 2011): counter-based random numbers, the twin of util/Philox.java.
// Included by kernels that draw random numbers (dropout masks, deformation fields); the same counter
// and key give the same four words here and on the CPU, so both backends draw identical numbers.
#pragma once

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// Ten rounds over the counter c with the key (k0, k1); the result replaces c.
__host__ __device__ inline void philox4x32_10(unsigned int c[4], unsigned int k0, unsigned int k1) {
    for (int round = 0; round < 10; round++) {
        unsigned long long p0 = (unsigned long long) PHILOX_M0 * c[0];
        unsigned long long p1 = (unsigned long long) PHILOX_M1 * c[2];
        unsigned int hi0 = (unsigned int) (p0 >> 32), lo0 = (unsigned int) p0;
        unsigned int hi1 = (unsigned int) (p1 >> 32), lo1 = (unsigned int) p1;
        unsigned int n0 = hi1 ^ c[1] ^ k0;
        unsigned int n2 = hi0 ^ c[3] ^ k1;
        c[0] = n0;
        c[1] = lo1;
        c[2] = n2;
        c[3] = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
}

// A 32-bit word to a float uniform in [0, 1): its top 24 bits times 2^-24 (exact in float32).
__host__ __device__ inline float philox_uniform(unsigned int word) {
    return (float) (word >> 8) * (1.0f / 16777216.0f);
}
