/*
 * Element helpers for the VMX and VSX handlers (exec_vmx.inc,
 * exec_vsx.inc): saturation, carry-less multiply, VMX single-precision
 * arithmetic under VSCR[NJ] (Book I 6.3.1, 6.10).
 */
#ifndef PETREL_INTERP_VECOPS_H
#define PETREL_INTERP_VECOPS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "fpu.h"

static inline int64_t v_clamp(int64_t v, int64_t lo, int64_t hi, unsigned *sat)
{
    if (v < lo) {
        *sat = 1;
        return lo;
    }
    if (v > hi) {
        *sat = 1;
        return hi;
    }
    return v;
}
static inline uint64_t v_clamp_u(uint64_t v, uint64_t hi, unsigned *sat)
{
    if (v > hi) {
        *sat = 1;
        return hi;
    }
    return v;
}
/* Signed 64-bit saturation of a 128-bit intermediate. */
static inline int64_t v_clamp_s64(__int128 v, unsigned *sat)
{
    if (v > INT64_MAX) {
        *sat = 1;
        return INT64_MAX;
    }
    if (v < INT64_MIN) {
        *sat = 1;
        return INT64_MIN;
    }
    return (int64_t)v;
}

/* Carry-less product of two n-bit values (vpmsum*, Book I 6.9.1). */
static inline unsigned __int128 v_clmul(uint64_t a, uint64_t b)
{
    unsigned __int128 r = 0;
    for (unsigned i = 0; i < 64; i++)
        if ((b >> i) & 1)
            r ^= (unsigned __int128)a << i;
    return r;
}

static inline uint64_t v_mask(unsigned mb, unsigned me, unsigned bits)
{
    uint64_t all = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t from = all >> mb, to = (all << (bits - 1 - me)) & all;
    return mb <= me ? (from & to) : (from | to);
}
static inline uint32_t v_unpack_pixel(uint16_t p)
{
    return ((p & 0x8000) ? 0xff000000u : 0) | ((uint32_t)(p >> 10) & 31) << 16 |
           ((uint32_t)(p >> 5) & 31) << 8 | (p & 31);
}

/* ---- VMX floating point: single precision, round to nearest ---- */

#define F32_SIGN   0x80000000u
#define F32_QBIT   0x00400000u
#define F32_DEFNAN 0x7fc00000u
static inline bool f32_isnan(uint32_t x)
{
    return (x & 0x7fffffffu) > 0x7f800000u;
}
/* VSCR[NJ]=1: denormal operands and results are zero of the same sign. */
static inline uint32_t vfp_flush(uint32_t x, bool nj)
{
    if (nj && (x & 0x7f800000u) == 0 && (x & 0x7fffffu))
        return x & F32_SIGN;
    return x;
}
/* A NaN result: the first NaN operand quieted, else the default NaN
 * (Book I 6.10.2: VMX follows the FP NaN rules without exceptions). */
static inline uint32_t vfp_nan(uint32_t a, uint32_t b, uint32_t c, unsigned n)
{
    if (f32_isnan(a))
        return a | F32_QBIT;
    if (n > 1 && f32_isnan(b))
        return b | F32_QBIT;
    if (n > 2 && f32_isnan(c))
        return c | F32_QBIT;
    return F32_DEFNAN;
}
static inline uint32_t vfp_result(float r, bool nj)
{
    uint32_t u = fp_bits32(r);
    if (f32_isnan(u))
        return F32_DEFNAN;
    return vfp_flush(u, nj);
}

/* With NJ, a result tiny before rounding is flushed even when it
 * rounds up to the smallest normal (only a product can do that). */
static inline float vfp_fma_nj(float a, float c, float b, bool nj)
{
    float r = fmaf(a, c, b);
    if (nj && (fp_bits32(r) & 0x7fffffffu) == 0x00800000u) {
        /* a*c is exact in double; TwoSum gives the exact a*c + b as s + e */
        double p = (double)a * c, s = p + b, bb = s - p, e = (p - (s - bb)) + (b - bb);
        if (fabs(s) < 0x1p-126 || (fabs(s) == 0x1p-126 && e != 0 && ((e < 0) != (s < 0))))
            r = copysignf(0.0f, r);
    }
    return r;
}
#endif
