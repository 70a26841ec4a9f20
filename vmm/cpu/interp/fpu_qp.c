/*
 * IEEE binary128 (the xs*qp group, Power ISA 3.0B Book I 7.6.3) on the
 * host compiler's __float128 (libgcc's soft-float, which honours the SSE
 * rounding mode and raises host exceptions).  FPSCR rules as fpu.c:
 * NaN propagation A, B, C; results computed rounded and truncated to get
 * FI, FR and tininess before rounding.
 */
#include <fenv.h>

#include "fpu.h"

#define Q_SIGN   ((u128)1 << 127)
#define Q_QBIT   ((u128)1 << 111)
#define Q_EXPM   ((u128)0x7fff << 112)
#define Q_FRAC   (Q_QBIT * 2 - 1)
#define Q_DEFNAN (((u128)0x7fff8000ull) << 96)

static int q_isnan(u128 x)
{
    return (x & Q_EXPM) == Q_EXPM && (x & Q_FRAC);
}
static int q_issnan(u128 x)
{
    return q_isnan(x) && !(x & Q_QBIT);
}
static int q_isinf(u128 x)
{
    return (x & ~Q_SIGN) == Q_EXPM;
}
static int q_iszero(u128 x)
{
    return (x & ~Q_SIGN) == 0;
}
static __float128 q_f(u128 x)
{
    __float128 f;
    memcpy(&f, &x, 16);
    return f;
}
static u128 q_u(__float128 f)
{
    u128 x;
    memcpy(&x, &f, 16);
    return x;
}

unsigned fpu_class_qp(u128 x)
{
    int neg = (x & Q_SIGN) != 0;
    u128 e = x & Q_EXPM;

    if (e == Q_EXPM) {
        if (x & Q_FRAC)
            return FPRF_QNAN;
        return neg ? FPRF_NEG_INF : FPRF_POS_INF;
    }
    if (e == 0)
        return (x & ~Q_SIGN) == 0 ? (neg ? FPRF_NEG_ZER : FPRF_POS_ZER)
                                  : (neg ? FPRF_NEG_DEN : FPRF_POS_DEN);
    return neg ? FPRF_NEG_NOR : FPRF_POS_NOR;
}

static const int rn_to_fe[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD};

/* One host operation in rounding mode fe; returns the fenv flags. */
static int q_host(unsigned op, u128 a, u128 b, u128 c, int fe, u128 *out)
{
    volatile __float128 x = q_f(a), y = q_f(b), z = q_f(c), r;

    fesetround(fe);
    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case FPU_ADD: r = x + y; break;
    case FPU_SUB: r = x - y; break;
    case FPU_MUL: r = x * z; break;
    case FPU_DIV: r = x / y; break;
    case FPU_SQRT: r = __builtin_sqrtf128(y); break;
    case FPU_MADD:
    case FPU_NMADD: r = __builtin_fmaf128(x, z, y); break;
    default: r = __builtin_fmaf128(x, z, -y); break;
    }
    int fl = fetestexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    *out = q_u(r);
    return fl;
}

static bool q_invalid(uint64_t *fpscr, uint64_t vx, u128 q, u128 *res)
{
    uint64_t old = *fpscr, f = (old | fpu_raise(vx)) & ~(FPSCR_FR | FPSCR_FI);

    if (!(f & FPSCR_VE)) {
        f = (f & ~FPSCR_FPRF) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
        *res = q;
    }
    *fpscr = fpscr_summarise(old, f);
    return !(f & FPSCR_VE);
}

static bool q_arith(uint64_t *fpscr, unsigned op, u128 a, u128 b, u128 c, bool odd, u128 *res)
{
    bool ua = op != FPU_SQRT, ub = op != FPU_MUL, uc = op == FPU_MUL || op >= FPU_MADD;
    uint64_t old = *fpscr, f, vx = 0;
    u128 r, z;
    int fl, flz;

    if ((ua && q_isnan(a)) || (ub && q_isnan(b)) || (uc && q_isnan(c))) {
        u128 q = (ua && q_isnan(a)) ? a : (ub && q_isnan(b)) ? b : c;
        if ((ua && q_issnan(a)) || (ub && q_issnan(b)) || (uc && q_issnan(c)))
            vx |= FPSCR_VXSNAN;
        if (op >= FPU_MADD && ((q_isinf(a) && q_iszero(c)) || (q_iszero(a) && q_isinf(c))))
            vx |= FPSCR_VXIMZ;
        if (vx)
            return q_invalid(fpscr, vx, q | Q_QBIT, res);
        *fpscr =
            (old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
        *res = q | Q_QBIT;
        return true;
    }
    switch (op) {
    case FPU_ADD:
    case FPU_SUB:
        if (q_isinf(a) && q_isinf(b) && (((a ^ b) & Q_SIGN) != 0) == (op == FPU_ADD))
            vx = FPSCR_VXISI;
        break;
    case FPU_MUL:
        if ((q_isinf(a) && q_iszero(c)) || (q_iszero(a) && q_isinf(c)))
            vx = FPSCR_VXIMZ;
        break;
    case FPU_DIV:
        if (q_iszero(a) && q_iszero(b))
            vx = FPSCR_VXZDZ;
        else if (q_isinf(a) && q_isinf(b))
            vx = FPSCR_VXIDI;
        break;
    case FPU_SQRT:
        if ((b & Q_SIGN) && !q_iszero(b))
            vx = FPSCR_VXSQRT;
        break;
    default:
        if ((q_isinf(a) && q_iszero(c)) || (q_iszero(a) && q_isinf(c)))
            vx = FPSCR_VXIMZ;
        else if ((q_isinf(a) || q_isinf(c)) && q_isinf(b)) {
            bool pn = ((a ^ c) & Q_SIGN) != 0;
            bool bn = ((b & Q_SIGN) != 0) != (op == FPU_MSUB || op == FPU_NMSUB);
            if (pn != bn)
                vx = FPSCR_VXISI;
        }
        break;
    }
    if (vx)
        return q_invalid(fpscr, vx, Q_DEFNAN, res);
    if (op == FPU_DIV && q_iszero(b) && !q_isinf(a)) {
        f = (old | fpu_raise(FPSCR_ZX)) & ~(FPSCR_FR | FPSCR_FI);
        r = ((a ^ b) & Q_SIGN) | Q_EXPM;
        if (!(f & FPSCR_ZE)) {
            f = (f & ~FPSCR_FPRF) | ((uint64_t)fpu_class_qp(r) << FPSCR_FPRF_SHIFT);
            *res = r;
        }
        *fpscr = fpscr_summarise(old, f);
        return !(f & FPSCR_ZE);
    }
    flz = q_host(op, a, b, c, FE_TOWARDZERO, &z);
    if (odd) {
        /* round to odd: truncate, and an inexact result gets its
         * least significant bit set */
        fl = flz;
        r = z | ((flz & FE_INEXACT) ? 1 : 0);
    } else {
        fl = q_host(op, a, b, c, rn_to_fe[old & FPSCR_RN], &r);
    }
    if (op == FPU_NMADD || op == FPU_NMSUB) {
        r ^= Q_SIGN;
        z ^= Q_SIGN;
    }
    bool inexact = flz & FE_INEXACT, ovf = fl & FE_OVERFLOW;
    u128 zm = z & ~Q_SIGN, minnorm = (u128)1 << 112;
    bool tiny = inexact ? zm < minnorm : (zm != 0 && zm < minnorm);
    f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    if (ovf)
        f |= fpu_raise(FPSCR_OX);
    else if (tiny && (inexact || (old & FPSCR_UE)))
        f |= fpu_raise(FPSCR_UX);
    if (inexact || ovf) {
        f |= fpu_raise(FPSCR_XX | FPSCR_FI);
        if ((r & ~Q_SIGN) != zm)
            f |= FPSCR_FR;
    }
    f |= (uint64_t)fpu_class_qp(r) << FPSCR_FPRF_SHIFT;
    *fpscr = fpscr_summarise(old, f);
    *res = r;
    return true;
}

bool fpu_qp_arith(uint64_t *fpscr, unsigned op, u128 a, u128 b, u128 c, u128 *res)
{
    return q_arith(fpscr, op, a, b, c, false, res);
}

bool fpu_qp_arith_odd(uint64_t *fpscr, unsigned op, u128 a, u128 b, u128 c, u128 *res)
{
    return q_arith(fpscr, op, a, b, c, true, res);
}

unsigned fpu_qp_compare(uint64_t *fpscr, u128 a, u128 b, bool ordered)
{
    uint64_t old = *fpscr, f = old;
    unsigned cc;

    if (q_isnan(a) || q_isnan(b)) {
        cc = 1;
        if (q_issnan(a) || q_issnan(b)) {
            f |= fpu_raise(FPSCR_VXSNAN);
            if (ordered && !(old & FPSCR_VE))
                f |= fpu_raise(FPSCR_VXVC);
        } else if (ordered) {
            f |= fpu_raise(FPSCR_VXVC);
        }
    } else {
        __float128 x = q_f(a), y = q_f(b);
        cc = x < y ? 8 : x > y ? 4 : 2;
    }
    f = (f & ~FPSCR_FPCC) | ((uint64_t)cc << FPSCR_FPRF_SHIFT);
    *fpscr = fpscr_summarise(old, f);
    return cc;
}

/* xscvqpdp[o]: round to double in the FPSCR's mode, or to odd (Book I
 * 7.6.3). */
bool fpu_qp_to_double(uint64_t *fpscr, u128 b, bool odd, uint64_t *res)
{
    uint64_t old = *fpscr, f;
    volatile __float128 x = q_f(b);
    volatile double r, z;
    int fl;

    if (q_isnan(b)) {
        uint64_t n = (uint64_t)((b & Q_SIGN) >> 64) | 0x7ff8000000000000ull |
                     ((uint64_t)(b >> 60) & 0x000fffffffffffffull);
        if (q_issnan(b)) {
            f = (old | fpu_raise(FPSCR_VXSNAN)) & ~(FPSCR_FR | FPSCR_FI);
            if (!(f & FPSCR_VE)) {
                f = (f & ~FPSCR_FPRF) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
                *res = n;
            }
            *fpscr = fpscr_summarise(old, f);
            return !(f & FPSCR_VE);
        }
        *fpscr =
            (old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
        *res = n;
        return true;
    }
    fesetround(FE_TOWARDZERO);
    feclearexcept(FE_ALL_EXCEPT);
    z = (double)x;
    bool inexact = fetestexcept(FE_INEXACT);
    fesetround(odd ? FE_TOWARDZERO : rn_to_fe[old & FPSCR_RN]);
    feclearexcept(FE_ALL_EXCEPT);
    r = (double)x;
    fl = fetestexcept(FE_ALL_EXCEPT);
    if (odd && inexact)
        r = fp_dbl(fp_bits(r) | 1);
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    uint64_t rb = fp_bits(r), zb = fp_bits(z), zm = zb & ~FP_SIGN;
    bool tiny = inexact ? zm < 0x0010000000000000ull : false;
    f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    if (fl & FE_OVERFLOW)
        f |= fpu_raise(FPSCR_OX);
    else if (tiny)
        f |= fpu_raise(FPSCR_UX);
    if (inexact || (fl & FE_OVERFLOW)) {
        f |= fpu_raise(FPSCR_XX | FPSCR_FI);
        if ((rb & ~FP_SIGN) != zm)
            f |= FPSCR_FR;
    }
    f |= (uint64_t)fpu_class(rb) << FPSCR_FPRF_SHIFT;
    *fpscr = fpscr_summarise(old, f);
    *res = rb;
    return true;
}

/* xscvdpqp: exact; an SNaN is VXSNAN and quieted. */
bool fpu_double_to_qp(uint64_t *fpscr, uint64_t b, u128 *res)
{
    uint64_t old = *fpscr;
    u128 r;

    if (FP_ISNAN(b)) {
        r = ((u128)(b & FP_SIGN) << 64) | Q_EXPM | ((u128)(b & 0x000fffffffffffffull) << 60) |
            Q_QBIT;
        if (FP_ISSNAN(b))
            return q_invalid(fpscr, FPSCR_VXSNAN, r, res);
    } else {
        r = q_u((__float128)fp_dbl(b));
    }
    *fpscr = (old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) |
             ((uint64_t)fpu_class_qp(r) << FPSCR_FPRF_SHIFT);
    *res = r;
    return true;
}

/* xscvqp[su][dw]z: truncate to an integer, VXCVI and saturation out of
 * range; NaN gives the most negative (signed) or 0 (unsigned). */
bool fpu_qp_to_int(uint64_t *fpscr, u128 b, bool sixtyfour, bool is_unsigned, uint64_t *res)
{
    uint64_t old = *fpscr, f = old & ~(FPSCR_FR | FPSCR_FI), r;
    __float128 x = q_f(b), t;
    __float128 lo, hi;

    if (sixtyfour) {
        lo = is_unsigned ? 0 : -(__float128)9223372036854775808.0;
        hi = is_unsigned ? (__float128)18446744073709551616.0 : (__float128)9223372036854775808.0;
    } else {
        lo = is_unsigned ? 0 : -(__float128)2147483648.0;
        hi = is_unsigned ? (__float128)4294967296.0 : (__float128)2147483648.0;
    }
    uint64_t minv = is_unsigned ? 0 : (sixtyfour ? 0x8000000000000000ull : 0xffffffff80000000ull);
    uint64_t maxv = is_unsigned ? (sixtyfour ? ~0ull : 0xffffffffull)
                                : (sixtyfour ? 0x7fffffffffffffffull : 0x7fffffffull);
    if (q_isnan(b)) {
        f |= fpu_raise(FPSCR_VXCVI | (q_issnan(b) ? FPSCR_VXSNAN : 0));
        r = minv;
        goto invalid;
    }
    t = __builtin_truncf128(x);
    if (!(t >= lo && t < hi)) {
        f |= fpu_raise(FPSCR_VXCVI);
        r = (x < 0) ? minv : maxv;
        goto invalid;
    }
    if (t != x)
        f |= fpu_raise(FPSCR_XX | FPSCR_FI);
    if (is_unsigned)
        r = (uint64_t)t;
    else
        r = (uint64_t)(int64_t)t;
    *fpscr = fpscr_summarise(old, f);
    *res = r;
    return true;
invalid:
    *fpscr = fpscr_summarise(old, f);
    if (f & FPSCR_VE)
        return false;
    *res = r;
    return true;
}

u128 fpu_int_to_qp(uint64_t *fpscr, uint64_t b, bool is_unsigned)
{
    u128 r = is_unsigned ? q_u((__float128)b) : q_u((__float128)(int64_t)b);
    *fpscr = (*fpscr & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) |
             ((uint64_t)fpu_class_qp(r) << FPSCR_FPRF_SHIFT);
    return r;
}

/* The rounding of xsrqpi / xsrqpxp: R=1 picks RMC's mode (nearest even,
 * zero, +inf, -inf); R=0 RMC=0 is nearest with ties away from zero, any
 * other R=0 the FPSCR's mode.  Returns 0 ties away, 1 zero, 2 +inf,
 * 3 -inf, 4 nearest even. */
static unsigned q_round_mode(uint64_t fpscr, unsigned r, unsigned rmc)
{
    static const unsigned from_rn[4] = {4, 1, 2, 3};
    if (r)
        return from_rn[rmc & 3];
    return rmc == 0 ? 0 : from_rn[fpscr & FPSCR_RN];
}

/* Clears the low `bits` fraction bits of a finite x, rounding in mode
 * (q_round_mode's numbering); sets *inexact. */
static u128 q_round_bits(u128 x, unsigned bits, unsigned mode, bool *inexact)
{
    bool neg = (x & Q_SIGN) != 0;
    u128 mask = ((u128)1 << bits) - 1, rem = x & mask, t = x & ~mask, half = (u128)1 << (bits - 1);
    bool up = false;

    *inexact = rem != 0;
    switch (mode) {
    case 0: up = rem >= half; break;
    case 4: up = rem > half || (rem == half && ((t >> bits) & 1)); break;
    case 2: up = *inexact && !neg; break;
    case 3: up = *inexact && neg; break;
    default: break;
    }
    return up ? t + ((u128)1 << bits) : t; /* a carry moves into the exponent */
}

static bool q_snan_result(uint64_t *fpscr, u128 b, u128 *res)
{
    if (q_issnan(b))
        return q_invalid(fpscr, FPSCR_VXSNAN, b | Q_QBIT, res);
    *fpscr =
        (*fpscr & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF)) | ((uint64_t)FPRF_QNAN << FPSCR_FPRF_SHIFT);
    *res = b;
    return true;
}

bool fpu_qp_round_int(uint64_t *fpscr, u128 b, unsigned r, unsigned rmc, bool ex, u128 *res)
{
    uint64_t old = *fpscr, f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    unsigned e = (unsigned)(b >> 112) & 0x7fff, mode = q_round_mode(old, r, rmc);
    bool inexact = false;
    u128 t = b;

    if (q_isnan(b))
        return q_snan_result(fpscr, b, res);
    if (e < 0x3fff && !q_iszero(b)) {
        /* |b| < 1: a zero or one of the same sign */
        bool neg = (b & Q_SIGN) != 0, one;
        inexact = true;
        switch (mode) {
        case 0: one = e == 0x3ffe; break;
        case 4: one = e == 0x3ffe && (b & ((((u128)1) << 112) - 1)) != 0; break;
        case 2: one = !neg; break;
        case 3: one = neg; break;
        default: one = false; break;
        }
        t = (b & Q_SIGN) | (one ? (u128)0x3fff << 112 : 0);
    } else if (e >= 0x3fff && e < 0x3fff + 112) {
        t = q_round_bits(b, 112 - (e - 0x3fff), mode, &inexact);
    }
    if (inexact && ex)
        f |= fpu_raise(FPSCR_XX) | FPSCR_FI;
    f |= (uint64_t)fpu_class_qp(t) << FPSCR_FPRF_SHIFT;
    *fpscr = fpscr_summarise(old, f);
    *res = t;
    return true;
}

/* xsrqpxp: round to the 64-bit significand of double-extended precision.
 * Its minimum exponent is binary128's, so exactly 49 fraction bits go,
 * normal or denormal alike. */
bool fpu_qp_round_x80(uint64_t *fpscr, u128 b, unsigned r, unsigned rmc, u128 *res)
{
    uint64_t old = *fpscr, f = old & ~(FPSCR_FR | FPSCR_FI | FPSCR_FPRF);
    bool inexact = false;
    u128 t = b;

    if (q_isnan(b)) { /* the payload, too, keeps 63 fraction bits */
        u128 n = b & ~(((u128)1 << 49) - 1);
        if (q_issnan(b))
            return q_invalid(fpscr, FPSCR_VXSNAN, n | Q_QBIT, res);
        return q_snan_result(fpscr, n, res);
    }
    if (!q_isinf(b) && !q_iszero(b)) {
        unsigned mode = q_round_mode(old, r, rmc);
        t = q_round_bits(b, 49, mode, &inexact);
        if ((t & Q_EXPM) == Q_EXPM) {
            f |= fpu_raise(FPSCR_OX);
            inexact = true;
        } else if (inexact && (b & Q_EXPM) == 0) {
            f |= fpu_raise(FPSCR_UX); /* tiny before rounding */
        }
    }
    if (inexact) {
        f |= fpu_raise(FPSCR_XX) | FPSCR_FI;
        if ((t & ~Q_SIGN) > (b & ~Q_SIGN))
            f |= FPSCR_FR;
    }
    f |= (uint64_t)fpu_class_qp(t) << FPSCR_FPRF_SHIFT;
    *fpscr = fpscr_summarise(old, f);
    *res = t;
    return true;
}

/*
 * The result an enabled overflow or underflow delivers (Book I 4.4.4,
 * 4.4.5): the exact result times 2^scale (scale -1536/+1536 for double,
 * -192/+192 for single), rounded in mode rn to double or single.  The
 * operation runs in binary128 rounded to odd, which then rounds to the
 * narrower format as the exact value would (113 >= 53 + 2 bits); scaling
 * a binary128 is exact.  op and operands as fpu_arith (the negated forms
 * negate after rounding).  Reports inexact and FR's "magnitude grew".
 */
uint64_t fpu_scaled_result(unsigned op, bool single, uint64_t a, uint64_t b, uint64_t c, int scale,
                           unsigned rn, bool *inexact, bool *grew)
{
    uint64_t qf = 0, r, z;
    u128 qa, qb, qc, q;
    bool neg = op == FPU_NMADD || op == FPU_NMSUB;

    fpu_double_to_qp(&qf, a, &qa);
    fpu_double_to_qp(&qf, b, &qb);
    fpu_double_to_qp(&qf, c, &qc);
    qf = 0;
    fpu_qp_arith_odd(&qf, neg ? op - 2 : op, qa, qb, qc, &q);
    bool inx = (qf & FPSCR_XX) != 0;
    /* times 2^scale: add to the exponent field (the value stays normal in
     * binary128's range) */
    unsigned e = (unsigned)(q >> 112) & 0x7fff;
    q = (q & ~Q_EXPM) | ((u128)(e + scale) << 112);
    volatile __float128 x = q_f(q);
    volatile double rd, zd;
    fesetround(FE_TOWARDZERO);
    feclearexcept(FE_ALL_EXCEPT);
    zd = (double)x;
    bool inx_z = fetestexcept(FE_INEXACT);
    if (single) {
        /* to double by round to odd, then to single in the mode */
        uint64_t t = fp_bits(zd) | (inx_z ? 1 : 0);
        volatile double td = fp_dbl(t);
        volatile float rf, zf;
        zf = (float)td;
        fesetround(rn_to_fe[rn & 3]);
        feclearexcept(FE_ALL_EXCEPT);
        rf = (float)td;
        inx_z = fetestexcept(FE_INEXACT) || inx_z;
        rd = (double)rf;
        zd = (double)zf;
    } else {
        fesetround(rn_to_fe[rn & 3]);
        rd = (double)x;
    }
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    r = fp_bits(rd);
    z = fp_bits(zd);
    *inexact = inx || inx_z;
    *grew = (r & ~FP_SIGN) != (z & ~FP_SIGN);
    if (neg)
        r ^= FP_SIGN;
    return r;
}
