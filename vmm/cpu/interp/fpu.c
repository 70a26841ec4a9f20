/*
 * The general floating-point path (fpu.h): Power ISA 3.0B Book I 4.3-4.6
 * on the host's SSE unit.  The rounding mode is put into MXCSR for the
 * one operation and restored; each result is computed twice, rounded as
 * asked and truncated (round toward zero): together they give inexact
 * (FI), the direction of rounding (FR) and tininess before rounding
 * (Book I 4.4.4: POWER detects underflow before rounding, x86 after),
 * which the host flags alone do not.
 */
#include <float.h>
#include <math.h>

#include "fpu.h"

/* MXCSR: all exceptions masked, no FTZ/DAZ; RC field values. */
#define MXCSR_BASE 0x1f80u
#define MXCSR_IE   0x01u
#define MXCSR_ZE   0x04u
#define MXCSR_OE   0x08u
#define MXCSR_PE   0x20u
#define RC_NEAREST 0u
#define RC_DOWN    1u
#define RC_UP      2u
#define RC_ZERO    3u

__thread uint64_t fpu_raised;

/* FPSCR[RN] (0 nearest, 1 zero, 2 +inf, 3 -inf) -> MXCSR RC. */
static const unsigned rn_to_rc[4] = {RC_NEAREST, RC_ZERO, RC_UP, RC_DOWN};

static inline void mxcsr_set(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}
static inline uint32_t mxcsr_get(void)
{
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}
/* Keeps the compiler from moving arithmetic across the MXCSR accesses. */
#define PIN(x) __asm__ volatile("" : "+x"(x))

unsigned fpu_class(uint64_t u)
{
    bool neg = u & FP_SIGN;
    unsigned e = FP_EXP(u);

    if (e == 0x7ff) {
        if (u << 12)
            return FPRF_QNAN;
        return neg ? FPRF_NEG_INF : FPRF_POS_INF;
    }
    if (e == 0)
        return (u << 1) == 0 ? (neg ? FPRF_NEG_ZER : FPRF_POS_ZER)
                             : (neg ? FPRF_NEG_DEN : FPRF_POS_DEN);
    return neg ? FPRF_NEG_NOR : FPRF_POS_NOR;
}

unsigned fpu_class_single(uint64_t u)
{
    uint64_t mag = u & ~FP_SIGN;
    bool neg = u & FP_SIGN;

    if (mag != 0 && mag < 0x3810000000000000ull)
        return neg ? FPRF_NEG_DEN : FPRF_POS_DEN;
    return fpu_class(u);
}

/* One host operation under MXCSR `m`; returns the flags it raised. */
static uint32_t host_op(unsigned op, double a, double b, double c, uint32_t m, double *out)
{
    double r;

    mxcsr_set(m);
    PIN(a);
    PIN(b);
    PIN(c);
    switch (op) {
    case FPU_ADD: r = a + b; break;
    case FPU_SUB: r = a - b; break;
    case FPU_MUL: r = a * c; break;
    case FPU_DIV: r = a / b; break;
    case FPU_SQRT: r = sqrt(b); break;
    case FPU_MADD:
    case FPU_NMADD: r = fma(a, c, b); break;
    default: r = fma(a, c, -b); break; /* msub, nmsub */
    }
    PIN(r);
    uint32_t flags = mxcsr_get() & 0x3f;
    mxcsr_set(MXCSR_BASE);
    *out = r;
    return flags;
}

/* Rounds a double to single under MXCSR `m`; returns the flags. */
static uint32_t host_to_single(double t, uint32_t m, double *out)
{
    float f;

    mxcsr_set(m);
    PIN(t);
    f = (float)t;
    __asm__ volatile("" : "+x"(f));
    uint32_t flags = mxcsr_get() & 0x3f;
    mxcsr_set(MXCSR_BASE);
    *out = (double)f;
    return flags;
}

/* A NaN result rounded to single keeps the sign, exponent and the
 * fraction's 23 high bits (Book I 4.6.1 frsp with a NaN operand). */
static uint64_t nan_to_single(uint64_t u)
{
    return u & 0xffffffffe0000000ull;
}

/* Writes an invalid-operation outcome: VX bits `vx`, result `q` unless
 * VE=1.  FR and FI are cleared (Book I 4.4.1). */
static bool invalid(uint64_t *fpscr, uint64_t vx, uint64_t q, bool single, uint64_t *res)
{
    uint64_t old = *fpscr, f = (old | fpu_raise(vx)) & ~(FPSCR_FR | FPSCR_FI);

    if (single)
        q = nan_to_single(q);
    if (!(f & FPSCR_VE)) {
        f = (f & ~FPSCR_FPRF) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
        *res = q;
    }
    *fpscr = fpscr_summarise(old, f);
    return !(f & FPSCR_VE);
}

/*
 * NaN operands (Book I 4.3.3, 4.4.1): the result is the first NaN of
 * FRA, FRB, FRC (in that order, among the operands the operation uses),
 * quieted; an SNaN among them is VXSNAN.  0 x inf in a multiply-add is
 * VXIMZ even when the addend is a NaN.  Returns false when no operand is
 * a NaN.
 */
static bool nan_operands(uint64_t *fpscr, unsigned op, bool single, uint64_t a, uint64_t b,
                         uint64_t c, bool *write, uint64_t *res)
{
    bool ua = op != FPU_SQRT, ub = op != FPU_MUL, uc = op == FPU_MUL || op >= FPU_MADD;
    uint64_t vx = 0, q;

    if (!((ua && FP_ISNAN(a)) || (ub && FP_ISNAN(b)) || (uc && FP_ISNAN(c))))
        return false;
    if ((ua && FP_ISSNAN(a)) || (ub && FP_ISSNAN(b)) || (uc && FP_ISSNAN(c)))
        vx |= FPSCR_VXSNAN;
    if (op >= FPU_MADD && ((FP_ISINF(a) && FP_ISZERO(c)) || (FP_ISZERO(a) && FP_ISINF(c))))
        vx |= FPSCR_VXIMZ;
    if (ua && FP_ISNAN(a))
        q = a;
    else if (ub && FP_ISNAN(b))
        q = b;
    else
        q = c;
    q |= FP_QBIT;
    if (vx) {
        *write = invalid(fpscr, vx, q, single, res);
        return true;
    }
    uint64_t f = *fpscr & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    *fpscr = f | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
    *res = single ? nan_to_single(q) : q;
    *write = true;
    return true;
}

/* The invalid cases without NaNs (Book I 4.4.1); 0 when valid. */
static uint64_t invalid_case(unsigned op, uint64_t a, uint64_t b, uint64_t c)
{
    bool sa = a & FP_SIGN, sb = b & FP_SIGN, sc = c & FP_SIGN;

    switch (op) {
    case FPU_ADD:
    case FPU_SUB:
        if (FP_ISINF(a) && FP_ISINF(b) && ((sa != sb) == (op == FPU_ADD)))
            return FPSCR_VXISI;
        return 0;
    case FPU_MUL:
        return ((FP_ISINF(a) && FP_ISZERO(c)) || (FP_ISZERO(a) && FP_ISINF(c))) ? FPSCR_VXIMZ : 0;
    case FPU_DIV:
        if (FP_ISZERO(a) && FP_ISZERO(b))
            return FPSCR_VXZDZ;
        if (FP_ISINF(a) && FP_ISINF(b))
            return FPSCR_VXIDI;
        return 0;
    case FPU_SQRT: return (sb && !FP_ISZERO(b)) ? FPSCR_VXSQRT : 0;
    default:
        if ((FP_ISINF(a) && FP_ISZERO(c)) || (FP_ISZERO(a) && FP_ISINF(c)))
            return FPSCR_VXIMZ;
        if ((FP_ISINF(a) || FP_ISINF(c)) && FP_ISINF(b)) {
            bool prod_neg = sa != sc, add_neg = sb != (op == FPU_MSUB || op == FPU_NMSUB);
            if (prod_neg != add_neg)
                return FPSCR_VXISI;
        }
        return 0;
    }
}

bool fpu_arith(uint64_t *fpscr, unsigned op, bool single, uint64_t a, uint64_t b, uint64_t c,
               uint64_t *res)
{
    uint64_t old = *fpscr, f, vx, r, z;
    unsigned rc = rn_to_rc[old & FPSCR_RN];
    uint32_t m = MXCSR_BASE | (rc << 13), mz = MXCSR_BASE | (RC_ZERO << 13), fl;
    bool write, inexact, tiny, ovf;
    double rd, zd;

    if (nan_operands(fpscr, op, single, a, b, c, &write, res))
        return write;
    vx = invalid_case(op, a, b, c);
    if (vx)
        return invalid(fpscr, vx, FP_DEFNAN, single, res);
    if (op == FPU_DIV && FP_ISZERO(b) && !FP_ISINF(a)) {
        /* Zero divide (Book I 4.4.2): infinity, or nothing when ZE=1. */
        f = (old | fpu_raise(FPSCR_ZX)) & ~(FPSCR_FR | FPSCR_FI);
        r = ((a ^ b) & FP_SIGN) | 0x7ff0000000000000ull;
        if (!(f & FPSCR_ZE)) {
            f = (f & ~FPSCR_FPRF) | ((uint64_t)fpu_class(r) << FPSCR_FPRF_SHIFT);
            *res = r;
        }
        *fpscr = fpscr_summarise(old, f);
        return !(f & FPSCR_ZE);
    }
    /* Truncated and rounded results: the truncated one's inexact flag is
     * the operation's; rounding to single goes through round-to-odd
     * (an exact result is taken as rounded in the mode: the sign of a
     * zero depends on it). */
    fl = host_op(op, fp_dbl(a), fp_dbl(b), fp_dbl(c), mz, &zd);
    inexact = fl & MXCSR_PE;
    if (single) {
        uint64_t t = fp_bits(zd);
        if (inexact)
            t |= 1;
        else
            host_op(op, fp_dbl(a), fp_dbl(b), fp_dbl(c), m, &rd), t = fp_bits(rd);
        fl = host_to_single(fp_dbl(t), m, &rd);
        host_to_single(fp_dbl(t), mz, &zd);
        inexact = fl & MXCSR_PE;
        ovf = fl & MXCSR_OE;
        /* |exact| < 2^-126 exactly when the round-to-odd value is */
        tiny = (t & ~FP_SIGN) != 0 && (t & ~FP_SIGN) < 0x3810000000000000ull;
    } else {
        fl = host_op(op, fp_dbl(a), fp_dbl(b), fp_dbl(c), m, &rd);
        ovf = fl & MXCSR_OE;
        uint64_t zm = fp_bits(zd) & ~FP_SIGN;
        tiny = inexact ? zm < 0x0010000000000000ull : (zm != 0 && zm < 0x0010000000000000ull);
    }
    if ((ovf && (old & FPSCR_OE)) || (!ovf && tiny && (old & FPSCR_UE))) {
        /* Enabled overflow / underflow (Book I 4.4.4-4.4.5): the result
         * with its exponent adjusted into range, XX and FI for it. */
        bool grew;
        int scale = (single ? 192 : 1536) * (ovf ? -1 : 1);
        r = fpu_scaled_result(op, single, a, b, c, scale, (unsigned)(old & FPSCR_RN), &inexact,
                              &grew);
        f = (old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) | fpu_raise(ovf ? FPSCR_OX : FPSCR_UX);
        if (inexact)
            f |= fpu_raise(FPSCR_XX) | FPSCR_FI | (grew ? FPSCR_FR : 0);
        f |= (uint64_t)(single ? fpu_class_single(r) : fpu_class(r)) << FPSCR_FPRF_SHIFT;
        *fpscr = fpscr_summarise(old, f);
        *res = r;
        return true;
    }
    r = fp_bits(rd);
    z = fp_bits(zd);
    if (op == FPU_NMADD || op == FPU_NMSUB) {
        /* negated after rounding (Book I 4.6.5.2); a NaN keeps its sign */
        r ^= FP_SIGN;
        z ^= FP_SIGN;
    }
    f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    if (ovf) {
        f |= fpu_raise(FPSCR_OX | FPSCR_XX | FPSCR_FI);
        inexact = false; /* accounted for */
        if ((r & ~FP_SIGN) != (z & ~FP_SIGN))
            f |= FPSCR_FR;
    } else if (tiny && (inexact || (old & FPSCR_UE))) {
        f |= fpu_raise(FPSCR_UX);
    }
    if (inexact) {
        f |= fpu_raise(FPSCR_XX | FPSCR_FI);
        if ((r & ~FP_SIGN) != (z & ~FP_SIGN))
            f |= FPSCR_FR;
    }
    f |= (uint64_t)(single ? fpu_class_single(r) : fpu_class(r)) << FPSCR_FPRF_SHIFT;
    *fpscr = fpscr_summarise(old, f);
    *res = r;
    return true;
}

bool fpu_frsp(uint64_t *fpscr, uint64_t b, uint64_t *res)
{
    uint64_t old = *fpscr, f;

    if (FP_ISNAN(b)) {
        if (FP_ISSNAN(b))
            return invalid(fpscr, FPSCR_VXSNAN, b | FP_QBIT, true, res);
        *fpscr =
            (old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
        *res = nan_to_single(b);
        return true;
    }
    if (FP_ISINF(b) || FP_ISZERO(b)) {
        *fpscr = (old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) |
                 ((uint64_t)fpu_class(b) << FPSCR_FPRF_SHIFT);
        *res = b;
        return true;
    }
    /* b + 0 is b exactly: fpu_arith's single rounding does the rest */
    (void)f;
    return fpu_arith(fpscr, FPU_ADD, true, b, b & FP_SIGN, 0, res);
}

/*
 * fctiw[u][z] / fctid[u][z] (Book I 4.6.7.2): NaN or out of range is
 * VXCVI (plus VXSNAN for an SNaN), result the saturated value (NaN: the
 * most negative, or 0 for unsigned); FPRF undefined (left unchanged, as
 * POWER9 does; FR/FI from the rounding).
 */
bool fpu_to_int(uint64_t *fpscr, uint64_t b, bool sixtyfour, bool is_unsigned, int rn, bool fprf,
                uint64_t *res)
{
    uint64_t old = *fpscr, f = old & ~(FPSCR_FR | FPSCR_FI), r;
    double x = fp_dbl(b), t, rz;
    unsigned mode = rn < 0 ? (unsigned)(old & FPSCR_RN) : (unsigned)rn;
    double lo, hi; /* valid range after rounding */

    if (sixtyfour) {
        lo = is_unsigned ? 0.0 : -9223372036854775808.0;
        hi = is_unsigned ? 18446744073709551616.0 : 9223372036854775808.0; /* exclusive */
    } else {
        lo = is_unsigned ? 0.0 : -2147483648.0;
        hi = is_unsigned ? 4294967296.0 : 2147483648.0;
    }
    if (FP_ISNAN(b)) {
        f |= fpu_raise(FPSCR_VXCVI | (FP_ISSNAN(b) ? FPSCR_VXSNAN : 0));
        r = is_unsigned ? 0 : (sixtyfour ? 0x8000000000000000ull : 0x80000000ull);
        goto out_invalid;
    }
    switch (mode) {
    case 0: t = nearbyint(x); break; /* host default: ties to even */
    case 1: t = trunc(x); break;
    case 2: t = ceil(x); break;
    default: t = floor(x); break;
    }
    rz = trunc(x);
    if (!(t >= lo && t < hi)) {
        f |= fpu_raise(FPSCR_VXCVI);
        /* saturated signed words are sign-extended, the NaN result
         * zero-extended (as QEMU does) */
        if (x < 0 || (t < lo))
            r = is_unsigned ? 0 : (sixtyfour ? 0x8000000000000000ull : 0xffffffff80000000ull);
        else
            r = is_unsigned ? (sixtyfour ? ~0ull : 0xffffffffull)
                            : (sixtyfour ? 0x7fffffffffffffffull : 0x7fffffffull);
        goto out_invalid;
    }
    if (t != x) {
        f |= fpu_raise(FPSCR_XX | FPSCR_FI);
        if (fabs(t) != fabs(rz))
            f |= FPSCR_FR;
    }
    /* A word result's high half is undefined: signed ones are sign-
     * extended, unsigned ones zero-extended (as QEMU does). */
    if (is_unsigned)
        r = sixtyfour ? (uint64_t)t : (uint64_t)(uint32_t)t;
    else
        r = sixtyfour ? (uint64_t)(int64_t)t : (uint64_t)(int64_t)(int32_t)t;
    *fpscr = fpscr_summarise(old, f);
    *res = r;
    return true;
out_invalid:
    /* FPRF is undefined; with VE=0 the FP forms get the QNaN class, the
     * VSX forms keep it (as QEMU does) */
    if (fprf && !(f & FPSCR_VE))
        f = (f & ~FPSCR_FPRF) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
    *fpscr = fpscr_summarise(old, f);
    if (f & FPSCR_VE)
        return false;
    *res = r;
    return true;
}

uint64_t fpu_from_int(uint64_t *fpscr, uint64_t b, bool is_unsigned, bool single)
{
    uint64_t old = *fpscr, f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    uint32_t m = MXCSR_BASE | (rn_to_rc[old & FPSCR_RN] << 13), mz = MXCSR_BASE | (RC_ZERO << 13);
    double r, z;
    uint32_t fl;

    /* The host converts int64 exactly rounded; unsigned values above
     * 2^63 go through halving with the lost bit kept as sticky. */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t mm = pass ? mz : m;
        mxcsr_set(mm);
        if (single) {
            float x;
            if (is_unsigned) {
                uint64_t v = b;
                __asm__ volatile("" : "+r"(v));
                x = (float)v;
            } else {
                int64_t v = (int64_t)b;
                __asm__ volatile("" : "+r"(v));
                x = (float)v;
            }
            __asm__ volatile("" : "+x"(x));
            fl = mxcsr_get() & 0x3f;
            *(pass ? &z : &r) = x;
        } else {
            double x;
            if (is_unsigned) {
                uint64_t v = b;
                __asm__ volatile("" : "+r"(v));
                x = (double)v;
            } else {
                int64_t v = (int64_t)b;
                __asm__ volatile("" : "+r"(v));
                x = (double)v;
            }
            PIN(x);
            fl = mxcsr_get() & 0x3f;
            *(pass ? &z : &r) = x;
        }
        mxcsr_set(MXCSR_BASE);
        if (!pass && (fl & MXCSR_PE)) {
            f |= fpu_raise(FPSCR_XX | FPSCR_FI);
        }
    }
    if ((f & FPSCR_FI) && fabs(r) != fabs(z))
        f |= FPSCR_FR;
    f |= (uint64_t)fpu_class(fp_bits(r)) << FPSCR_FPRF_SHIFT;
    *fpscr = fpscr_summarise(old, f);
    return fp_bits(r);
}

/* frin friz frip frim (Book I 4.6.7.3): FPSCR is not changed except by
 * an SNaN (VXSNAN); FR and FI are not altered... but FPRF is set. */
bool fpu_round_int(uint64_t *fpscr, uint64_t b, unsigned mode, uint64_t *res)
{
    uint64_t old = *fpscr, r;
    double x = fp_dbl(b);

    if (FP_ISNAN(b)) {
        if (FP_ISSNAN(b)) {
            uint64_t f = old | fpu_raise(FPSCR_VXSNAN);
            if (!(f & FPSCR_VE))
                f = (f & ~FPSCR_FPRF) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
            f &= ~(FPSCR_FR | FPSCR_FI);
            *fpscr = fpscr_summarise(old, f);
            if (f & FPSCR_VE)
                return false;
            *res = b | FP_QBIT;
            return true;
        }
        r = b;
    } else {
        switch (mode) {
        case 0: r = fp_bits(round(x)); break;
        case 1: r = fp_bits(trunc(x)); break;
        case 2: r = fp_bits(ceil(x)); break;
        default: r = fp_bits(floor(x)); break;
        }
    }
    *fpscr =
        (old & ~(FPSCR_FPRF | FPSCR_FR | FPSCR_FI)) | ((uint64_t)fpu_class(r) << FPSCR_FPRF_SHIFT);
    *res = r;
    return true;
}

bool fpu_estimate(uint64_t *fpscr, uint64_t b, bool rsqrt, bool single, uint64_t *res)
{
    uint64_t one = fp_bits(1.0);

    if (rsqrt) {
        /* 1/sqrt(b): sqrt then divide is two roundings; the estimate's
         * architected precision (1/32) is far coarser.  Exceptions: as
         * fsqrt for negative and NaN operands, ZX for +-0. */
        if (FP_ISNAN(b) || ((b & FP_SIGN) && !FP_ISZERO(b)))
            return fpu_arith(fpscr, FPU_SQRT, single, 0, b, 0, res);
        if (FP_ISZERO(b))
            return fpu_arith(fpscr, FPU_DIV, single, one, b, 0, res);
        uint64_t s, f0 = *fpscr;
        fpu_arith(&f0, FPU_SQRT, false, 0, b, 0, &s);
        return fpu_arith(fpscr, FPU_DIV, single, one, s, 0, res);
    }
    return fpu_arith(fpscr, FPU_DIV, single, one, b, 0, res);
}

unsigned fpu_compare(uint64_t *fpscr, uint64_t a, uint64_t b, bool ordered)
{
    uint64_t old = *fpscr, f = old;
    unsigned cc;

    if (FP_ISNAN(a) || FP_ISNAN(b)) {
        cc = 1;
        if (FP_ISSNAN(a) || FP_ISSNAN(b)) {
            f |= fpu_raise(FPSCR_VXSNAN);
            /* fcmpo: VXVC too, unless VE=1 stops it at the SNaN */
            if (ordered && !(old & FPSCR_VE))
                f |= fpu_raise(FPSCR_VXVC);
        } else if (ordered) {
            f |= fpu_raise(FPSCR_VXVC);
        }
    } else {
        double x = fp_dbl(a), y = fp_dbl(b);
        cc = x < y ? 8 : x > y ? 4 : 2;
    }
    f = (f & ~FPSCR_FPCC) | ((uint64_t)cc << FPSCR_FPRF_SHIFT);
    *fpscr = fpscr_summarise(old, f);
    return cc;
}

/* The unbiased exponent as ftdiv/ftsqrt define it: the exponent field
 * minus the bias (a denormal counts as -1023). */
static int exp_of(uint64_t u)
{
    return (int)FP_EXP(u) - 1023;
}

/* ftdiv (Book I 4.6.8): fe_flag, fg_flag into CR field 0b1 fg fe 0. */
unsigned fpu_test_div(uint64_t a, uint64_t b)
{
    bool fe = false, fg = false;
    int ea = exp_of(a), eb = exp_of(b);

    if (FP_ISINF(a) || FP_ISINF(b) || FP_ISZERO(b)) {
        fe = fg = true;
    } else {
        if (FP_ISNAN(a) || FP_ISNAN(b))
            fe = true;
        else if (eb <= -1022 || eb >= 1021)
            fe = true;
        else if (!FP_ISZERO(a) && (ea - eb >= 1023 || ea - eb <= -1021 || ea <= -970))
            fe = true;
        if (FP_EXP(b) == 0) /* a denormal (zero was above) */
            fg = true;
    }
    return 8u | (fg ? 4u : 0) | (fe ? 2u : 0);
}

unsigned fpu_test_sqrt(uint64_t b)
{
    bool fe = false, fg = false;

    if (FP_ISNAN(b) || FP_ISINF(b) || FP_ISZERO(b) || (b & FP_SIGN))
        fe = true;
    else if (exp_of(b) <= -970)
        fe = true;
    if (FP_ISINF(b) || FP_ISZERO(b) || FP_EXP(b) == 0)
        fg = true;
    return 8u | (fg ? 4u : 0) | (fe ? 2u : 0);
}

/* xsrdpic, xvrdpic, xvrspic (Book I 7.6.3-4): round to an integer in the
 * FPSCR's mode; unlike frin & co. an inexact result is XX (and FI), FR
 * when the magnitude grew. */
bool fpu_round_int_current(uint64_t *fpscr, uint64_t b, uint64_t *res)
{
    uint64_t old = *fpscr, f;
    double x = fp_dbl(b), t;

    if (FP_ISNAN(b) || FP_ISINF(b) || fabs(x) >= 0x1p52)
        return fpu_round_int(fpscr, b, 1, res); /* already integral, or a NaN */
    switch (old & FPSCR_RN) {
    case 0: {
        t = trunc(x);
        double d = fabs(x - t);
        if (d > 0.5 || (d == 0.5 && fmod(t, 2.0) != 0))
            t += copysign(1.0, x);
        t = copysign(t, x); /* -0.3 gives -0 */
        break;
    }
    case 1: t = trunc(x); break;
    case 2: t = ceil(x); break;
    default: t = floor(x); break;
    }
    f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    if (t != x) {
        f |= fpu_raise(FPSCR_XX) | FPSCR_FI;
        if (fabs(t) > fabs(x))
            f |= FPSCR_FR;
    }
    *res = fp_bits(t);
    f |= (uint64_t)fpu_class(*res) << FPSCR_FPRF_SHIFT;
    *fpscr = fpscr_summarise(old, f);
    return true;
}

/* xvtdivsp / xvtsqrtsp (Book I 7.6.4): ftdiv's tests with single
 * precision's exponent range (a denormal counts as -127). */
static int exp_sp(uint32_t u)
{
    return (int)((u >> 23) & 0xff) - 127;
}
#define SP_ISNAN(u)  (((u)&0x7fffffffu) > 0x7f800000u)
#define SP_ISINF(u)  (((u)&0x7fffffffu) == 0x7f800000u)
#define SP_ISZERO(u) (((u)&0x7fffffffu) == 0)

unsigned fpu_test_div_sp(uint32_t a, uint32_t b)
{
    bool fe = false, fg = false;
    int ea = exp_sp(a), eb = exp_sp(b);

    if (SP_ISINF(a) || SP_ISINF(b) || SP_ISZERO(b)) {
        fe = fg = true;
    } else {
        if (SP_ISNAN(a) || SP_ISNAN(b))
            fe = true;
        else if (eb <= -126 || eb >= 125)
            fe = true;
        else if (!SP_ISZERO(a) && (ea - eb >= 127 || ea - eb <= -125 || ea <= -103))
            fe = true;
        if (((b >> 23) & 0xff) == 0)
            fg = true;
    }
    return 8u | (fg ? 4u : 0) | (fe ? 2u : 0);
}

unsigned fpu_test_sqrt_sp(uint32_t b)
{
    bool fe = false, fg = false;

    if (SP_ISNAN(b) || SP_ISINF(b) || SP_ISZERO(b) || (b >> 31))
        fe = true;
    else if (exp_sp(b) <= -103)
        fe = true;
    if (SP_ISINF(b) || SP_ISZERO(b) || ((b >> 23) & 0xff) == 0)
        fg = true;
    return 8u | (fg ? 4u : 0) | (fe ? 2u : 0);
}

/*
 * Rounds a finite, non-zero double to the binary format with `fb`
 * fraction bits and `eb` exponent bits (IEEE 754 encoding) in FPSCR
 * rounding mode rn; reports inexact, tiny (before rounding) and overflow.
 */
static uint32_t round_to_small(uint64_t d, unsigned fb, unsigned eb, unsigned rn, bool *inexact,
                               bool *tiny, bool *ovf)
{
    bool neg = d >> 63;
    unsigned ef = FP_EXP(d);
    uint64_t m = d & 0x000fffffffffffffull;
    int e, bias = (1 << (eb - 1)) - 1, emin = 1 - bias;

    if (ef) {
        m |= 1ull << 52;
        e = (int)ef - 1075;
    } else {
        e = -1074;
    }
    int x = 63 - __builtin_clzll(m) + e; /* the value's exponent */
    int q = (x > emin ? x : emin) - (int)fb, shift = q - e;
    uint64_t mm, rem = 0, half = 0;
    *tiny = x < emin;
    if (shift <= 0) {
        mm = m << -shift;
    } else if (shift < 64) {
        mm = m >> shift;
        rem = m & ((1ull << shift) - 1);
        half = 1ull << (shift - 1);
    } else {
        mm = 0;
        rem = m;
        half = ~0ull; /* the value is far below half a quantum */
    }
    *inexact = rem != 0;
    bool up = false;
    switch (rn) {
    case 0: up = rem > half || (rem == half && rem && (mm & 1)); break;
    case 2: up = *inexact && !neg; break;
    case 3: up = *inexact && neg; break;
    default: break;
    }
    mm += up;
    uint64_t enc = ((uint64_t)(q + (int)fb + bias - 1) << fb) + mm;
    uint64_t inf = ((1ull << eb) - 1) << fb;
    *ovf = enc >= inf;
    if (*ovf) {
        *inexact = true;
        bool to_inf = rn == 0 || (rn == 2 && !neg) || (rn == 3 && neg);
        enc = to_inf ? inf : inf - 1;
    }
    return (uint32_t)(enc | (uint64_t)neg << (fb + eb));
}

/*
 * xscvdphp, xvcvsphp (ISA 3.0): to IEEE half precision in the FPSCR's
 * mode.  NaNs keep their top fraction bits and are quieted (an SNaN is
 * VXSNAN).  Updates *f (exception bits raised, FI/FR for the scalar
 * form); returns the half.
 */
uint16_t fpu_to_half(uint64_t *f, uint64_t d, bool *fi, bool *fr)
{
    uint16_t s = (uint16_t)((d >> 48) & 0x8000);
    *fi = *fr = false;
    if (FP_ISNAN(d)) {
        if (FP_ISSNAN(d))
            *f |= fpu_raise(FPSCR_VXSNAN);
        return s | 0x7e00 | (uint16_t)((d >> 42) & 0x1ff);
    }
    if (FP_ISINF(d))
        return s | 0x7c00;
    if (FP_ISZERO(d))
        return s;
    bool inexact, tiny, ovf;
    uint32_t h = round_to_small(d, 10, 5, (unsigned)(*f & FPSCR_RN), &inexact, &tiny, &ovf);
    if (ovf)
        *f |= fpu_raise(FPSCR_OX);
    else if (tiny && (inexact || (*f & FPSCR_UE)))
        *f |= fpu_raise(FPSCR_UX);
    if (inexact) {
        *f |= fpu_raise(FPSCR_XX);
        *fi = true;
        /* the magnitude grew: compare the half, widened, with the input */
        uint64_t w = fpu_from_half(*f, (uint16_t)h);
        *fr = fabs(fp_dbl(w)) > fabs(fp_dbl(d));
    }
    return (uint16_t)h;
}

/* xscvhpdp, xvcvhpsp: exact widening; an SNaN is quieted (the caller
 * raises VXSNAN: fpu_half_is_snan). */
uint64_t fpu_from_half(uint64_t f, uint16_t h)
{
    (void)f;
    uint64_t s = (uint64_t)(h & 0x8000) << 48;
    unsigned e = (h >> 10) & 31, m = h & 0x3ff;
    if (e == 31)
        return s | 0x7ff0000000000000ull | (uint64_t)m << 42 | (m ? FP_QBIT : 0);
    if (e == 0)
        return s | fp_bits(ldexp((double)m, -24));
    return s | fp_bits(ldexp((double)(m | 0x400), (int)e - 25));
}
