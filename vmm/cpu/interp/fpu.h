/*
 * Binary floating point with the exact FPSCR behaviour of Power ISA 3.0B
 * Book I ch. 4 (scalar FP) and ch. 7 (VSX scalar double/single forms).
 *
 * Values travel as the bit patterns of IEEE doubles (FPRs hold single
 * results in double format, Book I 4.3.2).  Every operation updates the
 * FPSCR it is given and says whether the target is written: an enabled
 * invalid-operation or zero-divide exception leaves it alone (Book I
 * 4.4).  The executor then raises the FP-enabled program interrupt when
 * FEX is set and MSR[FE0,FE1] ask for it.
 *
 * Two implementations of each arithmetic operation: fpu_arith() is the
 * general one (fpu.c: NaNs, invalid cases, every rounding mode, overflow,
 * underflow with tininess detected before rounding, FR from comparing the
 * result with the truncated one); the fp_*_fast() inlines below handle
 * the common case -- round to nearest, finite results safely away from
 * overflow and underflow -- on the host FPU with error-free
 * transformations giving FI and FR exactly, and return false for
 * anything else.  tests/unit/test_fpu.c checks the fast paths against
 * fpu_arith() on biased random operands.
 */
#ifndef PETREL_INTERP_FPU_H
#define PETREL_INTERP_FPU_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* FPSCR bits (Book I 4.2.2): IBM bit n is 1 << (63 - n). */
#define FPSCR_DRN        (7ull << 32)
#define FPSCR_FX         (1ull << 31)
#define FPSCR_FEX        (1ull << 30)
#define FPSCR_VX         (1ull << 29)
#define FPSCR_OX         (1ull << 28)
#define FPSCR_UX         (1ull << 27)
#define FPSCR_ZX         (1ull << 26)
#define FPSCR_XX         (1ull << 25)
#define FPSCR_VXSNAN     (1ull << 24)
#define FPSCR_VXISI      (1ull << 23)
#define FPSCR_VXIDI      (1ull << 22)
#define FPSCR_VXZDZ      (1ull << 21)
#define FPSCR_VXIMZ      (1ull << 20)
#define FPSCR_VXVC       (1ull << 19)
#define FPSCR_FR         (1ull << 18)
#define FPSCR_FI         (1ull << 17)
#define FPSCR_FPRF       (0x1full << 12)
#define FPSCR_FPCC       (0xfull << 12)
#define FPSCR_VXSOFT     (1ull << 10)
#define FPSCR_VXSQRT     (1ull << 9)
#define FPSCR_VXCVI      (1ull << 8)
#define FPSCR_VE         (1ull << 7)
#define FPSCR_OE         (1ull << 6)
#define FPSCR_UE         (1ull << 5)
#define FPSCR_ZE         (1ull << 4)
#define FPSCR_XE         (1ull << 3)
#define FPSCR_NI         (1ull << 2)
#define FPSCR_RN         3ull
#define FPSCR_FPRF_SHIFT 12

#define FPSCR_VX_ALL                                                                               \
    (FPSCR_VXSNAN | FPSCR_VXISI | FPSCR_VXIDI | FPSCR_VXZDZ | FPSCR_VXIMZ | FPSCR_VXVC |           \
     FPSCR_VXSOFT | FPSCR_VXSQRT | FPSCR_VXCVI)
/* Exception bits whose 0 -> 1 change sets FX (Book I 4.2.2, FX). */
#define FPSCR_EXC_ALL (FPSCR_OX | FPSCR_UX | FPSCR_ZX | FPSCR_XX | FPSCR_VX_ALL)
/* Bits that exist: everything but the reserved ones (IBM 0:28, 52). */
#define FPSCR_DEFINED (FPSCR_DRN | 0xfffff7ffull)

/* FPRF codes (Book I Figure "Floating-Point Result Flags"). */
#define FPRF_QNAN    0x11u
#define FPRF_NEG_INF 0x09u
#define FPRF_NEG_NOR 0x08u
#define FPRF_NEG_DEN 0x18u
#define FPRF_NEG_ZER 0x12u
#define FPRF_POS_ZER 0x02u
#define FPRF_POS_DEN 0x14u
#define FPRF_POS_NOR 0x04u
#define FPRF_POS_INF 0x05u

#define FP_SIGN      0x8000000000000000ull
#define FP_QBIT      0x0008000000000000ull
#define FP_DEFNAN    0x7ff8000000000000ull
#define FP_EXP(u)    ((unsigned)((u) >> 52) & 0x7ffu)
#define FP_ISNAN(u)  (((u) & ~FP_SIGN) > 0x7ff0000000000000ull)
#define FP_ISSNAN(u) (FP_ISNAN(u) && !((u)&FP_QBIT))
#define FP_ISINF(u)  (((u) & ~FP_SIGN) == 0x7ff0000000000000ull)
#define FP_ISZERO(u) (((u) & ~FP_SIGN) == 0)

/* The operations of fpu_arith: FRT <- FRA + FRB, FRA - FRB, FRA * FRC,
 * FRA / FRB, sqrt(FRB), and the four multiply-adds on FRA * FRC, FRB. */
enum fpu_op {
    FPU_ADD,
    FPU_SUB,
    FPU_MUL,
    FPU_DIV,
    FPU_SQRT,
    FPU_MADD,
    FPU_MSUB,
    FPU_NMADD,
    FPU_NMSUB,
};

static inline uint64_t fp_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}
static inline double fp_dbl(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}
static inline uint32_t fp_bits32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
static inline float fp_flt(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/*
 * The exception bits the current instruction raised, re-raised sticky
 * ones included: an enabled one is a program interrupt with MSR[FE0,FE1]
 * on (exec_fp.inc FP_DONE reads and clears it).  Per host thread, as each
 * vCPU runs on its own.
 */
extern __thread uint64_t fpu_raised;
static inline uint64_t fpu_raise(uint64_t bits)
{
    fpu_raised |= bits;
    return bits;
}
/* Whether raised exception bits meet their enables in FPSCR f. */
static inline bool fpu_enabled_raised(uint64_t raised, uint64_t f)
{
    return ((raised & FPSCR_VX_ALL) && (f & FPSCR_VE)) || ((raised >> 22) & f & 0x78);
}

/* Sets the summary bits after exception bits were ORed into `f` (old is
 * the FPSCR before): FX on any 0 -> 1 exception bit, VX, FEX. */
static inline uint64_t fpscr_summarise(uint64_t old, uint64_t f)
{
    if ((f & ~old) & FPSCR_EXC_ALL)
        f |= FPSCR_FX;
    f &= ~(FPSCR_VX | FPSCR_FEX);
    if (f & FPSCR_VX_ALL)
        f |= FPSCR_VX;
    if ((f >> 22) & (f & 0xf8) & (FPSCR_OE | FPSCR_UE | FPSCR_ZE | FPSCR_XE))
        f |= FPSCR_FEX; /* OX UX ZX XX (bits 28:25) line up with OE UE ZE XE (6:3) */
    if ((f & FPSCR_VX) && (f & FPSCR_VE))
        f |= FPSCR_FEX;
    return f;
}

/* lfs: single to double format, exactly; an SNaN stays signalling. */
static inline uint64_t fp_single_to_double(uint32_t w)
{
    if ((w & 0x7f800000u) == 0x7f800000u && (w & 0x7fffff))
        return ((uint64_t)(w >> 31) << 63) | 0x7ff0000000000000ull |
               ((uint64_t)(w & 0x7fffff) << 29);
    return fp_bits((double)fp_flt(w));
}

/* stfs: double to single format without rounding (Book I 4.6.3: bits
 * 0:1 and 5:34; denormalized below the single normal range). */
static inline uint32_t fp_double_to_single(uint64_t x)
{
    unsigned e = FP_EXP(x);
    if (e > 896 || (x & ~FP_SIGN) == 0)
        return (uint32_t)(((x >> 62) & 3) << 30 | ((x >> 29) & 0x3fffffff));
    uint32_t r = (uint32_t)(x >> 63) << 31;
    if (e >= 874)
        r |= (uint32_t)(((1ull << 52) | (x & 0xfffffffffffffull)) >> (896 + 30 - e));
    return r;
}

/*
 * Stores into the FPSCR: FEX and VX are summaries, never written
 * directly (Book I 4.2.2); FX is written as given.  A store that leaves
 * FEX set with MSR[FE0,FE1] enabled takes the program interrupt (FP_DONE).
 */
static inline uint64_t fpscr_store(uint64_t old, uint64_t mask, uint64_t val)
{
    uint64_t f = ((old & ~mask) | (val & mask)) & FPSCR_DEFINED;
    f &= ~(FPSCR_VX | FPSCR_FEX);
    if (f & FPSCR_VX_ALL)
        f |= FPSCR_VX;
    if (((f >> 22) & f & 0x78) || ((f & FPSCR_VX) && (f & FPSCR_VE)))
        f |= FPSCR_FEX;
    return f;
}

/* xsmaxdp / xsmindp (Book I 7.6.3): an SNaN is VXSNAN and returned
 * quieted; a QNaN yields the other operand; +0 > -0. */
static inline uint64_t vsx_maxmin(uint64_t *fpscr, uint64_t a, uint64_t b, bool max)
{
    if (FP_ISNAN(a) || FP_ISNAN(b)) {
        if (FP_ISSNAN(a) || FP_ISSNAN(b)) {
            uint64_t old = *fpscr;
            *fpscr = fpscr_summarise(old, old | fpu_raise(FPSCR_VXSNAN));
            return (FP_ISSNAN(a) ? a : b) | FP_QBIT;
        }
        return FP_ISNAN(a) ? b : a; /* a QNaN gives the other operand */
    }
    double x = fp_dbl(a), y = fp_dbl(b);
    if (x == y && x == 0)
        return max ? (a & b) : (a | b); /* sign bits: max(+0,-0) = +0 */
    return (max ? x > y : x < y) ? a : b;
}

/* The test-data-class match (ISA 3.0 xststdc*, xvtstdc*): DCMX bits, most
 * significant first, select NaN, +inf, -inf, +0, -0, +denormal,
 * -denormal. */
static inline bool vsx_dc_match(unsigned dcmx, bool neg, bool nan, bool inf, bool zero, bool den)
{
    if (nan)
        return dcmx & 0x40;
    if (inf)
        return dcmx & (neg ? 0x10 : 0x20);
    if (zero)
        return dcmx & (neg ? 0x04 : 0x08);
    if (den)
        return dcmx & (neg ? 0x01 : 0x02);
    return false;
}

/* ---- vector double / single (Book I 7.6.4): per element; FR, FI and
 * FPRF are not changed; an enabled invalid operation leaves XT alone ---- */
static inline uint64_t vsx_keep_status(uint64_t before, uint64_t after)
{
    const uint64_t keep = FPSCR_FR | FPSCR_FI | FPSCR_FPRF;
    return (after & ~keep) | (before & keep);
}

/* FPRF class of a double, and of a single held in double format. */
unsigned fpu_class(uint64_t u);
unsigned fpu_class_single(uint64_t u);

/*
 * The general path: `op` on FRA = a, FRB = b, FRC = c (bit patterns);
 * `single` rounds to single precision (Book I 4.3.5).  Updates *fpscr;
 * returns whether FRT is written, with the value in *res.
 */
bool fpu_arith(uint64_t *fpscr, unsigned op, bool single, uint64_t a, uint64_t b, uint64_t c,
               uint64_t *res);

/* Conversions and rounding (fpu.c; Book I 4.6.6-4.6.7), all returning
 * whether FRT is written (an enabled invalid conversion leaves it). */
bool fpu_frsp(uint64_t *fpscr, uint64_t b, uint64_t *res);
/* fctiw[u][z], fctid[u][z]: to a signed/unsigned word/doubleword with
 * rounding mode `rn` (0-3, or the FPSCR's when rn < 0). */
bool fpu_to_int(uint64_t *fpscr, uint64_t b, bool sixtyfour, bool is_unsigned, int rn, bool fprf,
                uint64_t *res);
/* fcfid[u][s]: a signed/unsigned doubleword to double or single. */
uint64_t fpu_from_int(uint64_t *fpscr, uint64_t b, bool is_unsigned, bool single);
/* frin friz frip frim: rn 0 = nearest away, 1 = zero, 2 = +inf, 3 = -inf. */
bool fpu_round_int(uint64_t *fpscr, uint64_t b, unsigned mode, uint64_t *res);
/* fre[s], frsqrte[s]: estimates (POWER9 returns the correctly rounded
 * value, well within the architected 1/256 and 1/32 bounds). */
bool fpu_estimate(uint64_t *fpscr, uint64_t b, bool rsqrt, bool single, uint64_t *res);
/* fcmpu / fcmpo: returns the 4-bit FPCC result (FL FG FE FU). */
unsigned fpu_compare(uint64_t *fpscr, uint64_t a, uint64_t b, bool ordered);
/* ftdiv / ftsqrt: the CR field (Book I 4.6.8). */
unsigned fpu_test_div(uint64_t a, uint64_t b);
unsigned fpu_test_sqrt(uint64_t b);
unsigned fpu_test_div_sp(uint32_t a, uint32_t b);
unsigned fpu_test_sqrt_sp(uint32_t b);
/* xsrdpic & co.: round to an integer in the FPSCR's mode, XX if inexact. */
bool fpu_round_int_current(uint64_t *fpscr, uint64_t b, uint64_t *res);
/* IEEE half precision (ISA 3.0 xscvdphp/xscvhpdp and vector forms). */
uint16_t fpu_to_half(uint64_t *f, uint64_t d, bool *fi, bool *fr);
uint64_t fpu_from_half(uint64_t f, uint16_t h);
static inline unsigned fpu_class_half(uint16_t h)
{
    bool neg = h >> 15;
    unsigned e = (h >> 10) & 31, m = h & 0x3ff;
    if (e == 31)
        return m ? FPRF_QNAN : neg ? FPRF_NEG_INF : FPRF_POS_INF;
    if (e == 0)
        return m ? (neg ? FPRF_NEG_DEN : FPRF_POS_DEN) : (neg ? FPRF_NEG_ZER : FPRF_POS_ZER);
    return neg ? FPRF_NEG_NOR : FPRF_POS_NOR;
}
static inline bool fpu_half_is_snan(uint16_t h)
{
    return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) && !(h & 0x200);
}

/* Binary128 (fpu_qp.c): the same rules on IEEE quad precision values. */
typedef unsigned __int128 u128;
unsigned fpu_class_qp(u128 x);
bool fpu_qp_arith(uint64_t *fpscr, unsigned op, u128 a, u128 b, u128 c, u128 *res);
unsigned fpu_qp_compare(uint64_t *fpscr, u128 a, u128 b, bool ordered);
bool fpu_qp_to_double(uint64_t *fpscr, u128 b, bool odd, uint64_t *res);
/* The "o" forms: round to odd (Book I 7.3.2.6, ISA 3.0). */
bool fpu_qp_arith_odd(uint64_t *fpscr, unsigned op, u128 a, u128 b, u128 c, u128 *res);
/* The exponent-adjusted result of an enabled overflow or underflow (fpu_arith). */
uint64_t fpu_scaled_result(unsigned op, bool single, uint64_t a, uint64_t b, uint64_t c, int scale,
                           unsigned rn, bool *inexact, bool *grew);
/* xsrqpi[x] (R, RMC, EX) and xsrqpxp (R, RMC), Book I 7.6.3. */
bool fpu_qp_round_int(uint64_t *fpscr, u128 b, unsigned r, unsigned rmc, bool ex, u128 *res);
bool fpu_qp_round_x80(uint64_t *fpscr, u128 b, unsigned r, unsigned rmc, u128 *res);
bool fpu_double_to_qp(uint64_t *fpscr, uint64_t b, u128 *res);
bool fpu_qp_to_int(uint64_t *fpscr, u128 b, bool sixtyfour, bool is_unsigned, uint64_t *res);
u128 fpu_int_to_qp(uint64_t *fpscr, uint64_t b, bool is_unsigned);

/* ---- fast paths: round to nearest, results well inside the normal range ---- */

/* Records an exactly computed fast-path outcome: FPRF, FI, FR, XX. */
static inline void fp_commit(uint64_t *fpscr, unsigned fprf, bool fi, bool fr)
{
    uint64_t old = *fpscr, f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    f |= (uint64_t)fprf << FPSCR_FPRF_SHIFT;
    if (fi) {
        fpu_raised |= FPSCR_XX;
        f |= FPSCR_FI | FPSCR_XX;
        if (!(old & FPSCR_XX))
            f |= FPSCR_FX;
        if (old & FPSCR_XE)
            f |= FPSCR_FEX;
    }
    if (fr)
        f |= FPSCR_FR;
    *fpscr = f;
}

static inline unsigned fp_fprf_normal(uint64_t r)
{
    return (r & FP_SIGN) ? FPRF_NEG_NOR : FPRF_POS_NOR;
}

/*
 * Finishes a result r = RN(exact) whose rounding error has sign `es`
 * (-1: exact < r, 0: exact, 1: exact > r), in double or rounded to
 * single.  Single rounding goes through round-to-odd (the truncated
 * value with its last bit set when inexact), which then rounds to single
 * exactly as the exact value would (53 >= 24 + 2 bits).
 */
static inline bool fp_finish_fast(uint64_t *fpscr, double r, int es, bool single, uint64_t *res)
{
    uint64_t rb = fp_bits(r);

    if (!single) {
        if (rb << 1 == 0) {
            fp_commit(fpscr, (rb & FP_SIGN) ? FPRF_NEG_ZER : FPRF_POS_ZER, false, false);
        } else if (FP_EXP(rb) == 0) {
            if (es) /* an inexact denormal: underflow */
                return false;
            fp_commit(fpscr, (rb & FP_SIGN) ? FPRF_NEG_DEN : FPRF_POS_DEN, false, false);
        } else {
            bool up = es != 0 && ((es < 0) != !!(rb & FP_SIGN));
            fp_commit(fpscr, fp_fprf_normal(rb), es != 0, up);
        }
        *res = rb;
        return true;
    }
    if (rb << 1 == 0) {
        if (es)
            return false;
        fp_commit(fpscr, (rb & FP_SIGN) ? FPRF_NEG_ZER : FPRF_POS_ZER, false, false);
        *res = rb;
        return true;
    }
    uint64_t tb = rb;
    if (es) {
        /* truncate: step one ulp toward zero when RN went away from it */
        if ((es < 0) != !!(rb & FP_SIGN))
            tb--;
        tb |= 1;
    }
    /* the single normal range [2^-126, FLT_MAX] */
    uint64_t mag = tb & ~FP_SIGN;
    if (mag < 0x3810000000000000ull || mag > 0x47efffffe0000000ull)
        return false;
    double t = fp_dbl(tb);
    float f = (float)t;
    double fd = (double)f;
    bool fi = fd != t;
    fp_commit(fpscr, fp_fprf_normal(tb), fi, fi && fabs(fd) > fabs(t));
    *res = fp_bits(fd);
    return true;
}

static inline int fp_err_sign(double err)
{
    return err == 0 ? 0 : (err > 0 ? 1 : -1);
}

/* a + b (sub: b negated by the caller). */
static inline bool fp_add_fast(uint64_t *fpscr, double a, double b, bool single, uint64_t *res)
{
    if (*fpscr & FPSCR_RN)
        return false;
    double r = a + b;
    uint64_t rb = fp_bits(r);
    if (FP_EXP(rb) >= 0x7fe)
        return false;
    /* TwoSum (Knuth): the exact error of the rounded sum */
    double bb = r - a;
    double err = (a - (r - bb)) + (b - bb);
    return fp_finish_fast(fpscr, r, fp_err_sign(err), single, res);
}

static inline bool fp_mul_fast(uint64_t *fpscr, double a, double c, bool single, uint64_t *res)
{
    if (*fpscr & FPSCR_RN)
        return false;
    double r = a * c;
    unsigned e = FP_EXP(fp_bits(r));
    if (e < 0x40 || e >= 0x7fe)
        return false;
    return fp_finish_fast(fpscr, r, fp_err_sign(fma(a, c, -r)), single, res);
}

static inline bool fp_div_fast(uint64_t *fpscr, double a, double b, bool single, uint64_t *res)
{
    if (*fpscr & FPSCR_RN)
        return false;
    double q = a / b;
    unsigned e = FP_EXP(fp_bits(q)), ea = FP_EXP(fp_bits(a));
    if (e < 0x40 || e >= 0x7fe || ea < 0x6c || ea >= 0x7fe)
        return false;
    /* the remainder a - q*b is exact; exact - q has the sign of rem / b */
    double rem = fma(-q, b, a);
    int es = fp_err_sign(rem);
    if (b < 0)
        es = -es;
    return fp_finish_fast(fpscr, q, es, single, res);
}

static inline bool fp_sqrt_fast(uint64_t *fpscr, double b, bool single, uint64_t *res)
{
    uint64_t bb = fp_bits(b);
    if ((*fpscr & FPSCR_RN) || FP_EXP(bb) < 0x6c || FP_EXP(bb) >= 0x7ff || (bb & FP_SIGN))
        return false;
    double s = sqrt(b);
    return fp_finish_fast(fpscr, s, fp_err_sign(fma(-s, s, b)), single, res);
}

/*
 * a * c + b: the exact error of the FMA from ErrFma (Boldo & Muller,
 * "Exact and approximated error of the FMA", IEEE TC 2011): ac + b =
 * r1 + r2 + r3 exactly, |r3| <= ulp(r2)/2, so r2 gives the error's sign.
 * Valid without underflow or overflow anywhere: checked by range.
 */
static inline bool fp_madd_fast(uint64_t *fpscr, double a, double c, double b, bool single,
                                uint64_t *res)
{
    if (*fpscr & FPSCR_RN)
        return false;
    double r1 = fma(a, c, b);
    double u1 = a * c;
    unsigned er = FP_EXP(fp_bits(r1)), eu = FP_EXP(fp_bits(u1)), eb = FP_EXP(fp_bits(b));
    if (er < 0x80 || er > 0x7c0 || eu < 0x80 || eu > 0x7c0 || eb > 0x7c0)
        return false;
    double u2 = fma(a, c, -u1);
    double a1 = b + u2, t = a1 - b, a2 = (b - (a1 - t)) + (u2 - t);
    double b1 = u1 + a1, t2 = b1 - u1, b2 = (u1 - (b1 - t2)) + (a1 - t2);
    double g = (b1 - r1) + b2;
    double r2 = g + a2;
    double r3 = a2 - (r2 - g);
    return fp_finish_fast(fpscr, r1, r2 != 0 ? fp_err_sign(r2) : fp_err_sign(r3), single, res);
}

/* The fast paths by fpu_arith's operation (the vector VSX forms). */
static inline bool vsx_fast(uint64_t *fpscr, unsigned op, uint64_t a, uint64_t b, uint64_t c,
                            uint64_t *res)
{
    switch (op) {
    case FPU_ADD: return fp_add_fast(fpscr, fp_dbl(a), fp_dbl(b), false, res);
    case FPU_SUB: return fp_add_fast(fpscr, fp_dbl(a), -fp_dbl(b), false, res);
    case FPU_MUL: return fp_mul_fast(fpscr, fp_dbl(a), fp_dbl(c), false, res);
    case FPU_DIV: return fp_div_fast(fpscr, fp_dbl(a), fp_dbl(b), false, res);
    case FPU_MADD: return fp_madd_fast(fpscr, fp_dbl(a), fp_dbl(c), fp_dbl(b), false, res);
    case FPU_MSUB: return fp_madd_fast(fpscr, fp_dbl(a), fp_dbl(c), -fp_dbl(b), false, res);
    default: return false; /* sqrt, negated forms: the general path */
    }
}

#endif
