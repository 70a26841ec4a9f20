/*
 * Floating point against the architecture (Power ISA 3.0B Book I ch. 4):
 * the fast paths of fpu.h against the general path fpu_arith() on biased
 * random operands (they compute FI and FR by different methods), directed
 * values for FR, tininess before rounding, single rounding without
 * double rounding, the FX rule, and the FP-enabled program interrupt and
 * the FPSCR moves through the executor.  The differential ISA tests mask
 * FR (QEMU never sets it), so these are its checks.
 */
#include <float.h>
#include <math.h>

#include "check.h"
#include "interp_harness.h"
#include "vmm/cpu/interp/fpu.h"

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t rand_operand(void)
{
    static const double edge[] = {1.0,    1.5,       0.1,      3.0,      1e300,
                                  1e-300, 0x1p-1000, 0x1p1000, 0x1p-126, 0x1.fffffep127,
                                  1e-40,  2.5};
    switch (rnd() % 4) {
    case 0: return fp_bits(edge[rnd() % (sizeof(edge) / sizeof(edge[0]))]) + (rnd() % 5) - 2;
    case 1: { /* any exponent, random fraction */
        uint64_t e = (rnd() % 2046) + 1;
        return (rnd() & FP_SIGN) | e << 52 | (rnd() & 0xfffffffffffffull);
    }
    case 2: { /* near 1 */
        uint64_t e = 1023 + (rnd() % 60) - 30;
        return (rnd() & FP_SIGN) | e << 52 | (rnd() & 0xfffffffffffffull);
    }
    default: return fp_bits((double)(int64_t)(rnd() % 2001 - 1000) / 8);
    }
}

/* Every fast-path answer must be the general path's, FPSCR included. */
static void test_fast_vs_general(void)
{
    unsigned hits = 0;
    for (unsigned i = 0; i < 400000; i++) {
        uint64_t a = rand_operand(), b = rand_operand(), c = rand_operand();
        uint64_t f0 = (rnd() & (FPSCR_XX | FPSCR_FX | FPSCR_XE | FPSCR_FR | FPSCR_FI)) &
                      ~FPSCR_RN; /* round to nearest */
        if ((f0 & FPSCR_XE) && (f0 & FPSCR_XX))
            f0 |= FPSCR_FEX;
        bool single = rnd() & 1;
        unsigned op = (unsigned)(rnd() % 5);
        uint64_t ff = f0, fg = f0, rf = 0, rg = 0;
        bool fast;
        switch (op) {
        case 0: fast = fp_add_fast(&ff, fp_dbl(a), fp_dbl(b), single, &rf); break;
        case 1: fast = fp_mul_fast(&ff, fp_dbl(a), fp_dbl(c), single, &rf); break;
        case 2: fast = fp_div_fast(&ff, fp_dbl(a), fp_dbl(b), single, &rf); break;
        case 3: fast = fp_sqrt_fast(&ff, fp_dbl(b & ~FP_SIGN), single, &rf); break;
        default: fast = fp_madd_fast(&ff, fp_dbl(a), fp_dbl(c), fp_dbl(b), single, &rf); break;
        }
        if (!fast)
            continue;
        hits++;
        static const unsigned ops[] = {FPU_ADD, FPU_MUL, FPU_DIV, FPU_SQRT, FPU_MADD};
        CHECK(fpu_arith(&fg, ops[op], single, a, op == 3 ? (b & ~FP_SIGN) : b, c, &rg));
        if (rf != rg || ff != fg) {
            CHECK_EQ(rf, rg);
            CHECK_EQ(ff, fg);
            fprintf(stderr, "  op %u single %d a %016llx b %016llx c %016llx fpscr %llx\n", op,
                    single, (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
                    (unsigned long long)f0);
            return;
        }
    }
    CHECK(hits > 100000); /* the fast paths are exercised */
}

static uint64_t arith(unsigned op, bool single, double a, double b, double c, uint64_t *fpscr)
{
    uint64_t r = 0;
    fpu_arith(fpscr, op, single, fp_bits(a), fp_bits(b), fp_bits(c), &r);
    return r;
}

static void test_directed(void)
{
    uint64_t f, r;

    /* FR: 1 + 3*2^-54 rounds up (FR=1); 1 + 2^-54 rounds down (FR=0). */
    f = 0;
    r = arith(FPU_ADD, false, 1.0, 3 * 0x1p-54, 0, &f);
    CHECK_EQ(r, fp_bits(1.0 + 0x1p-52));
    CHECK((f & FPSCR_FI) && (f & FPSCR_FR) && (f & FPSCR_XX) && (f & FPSCR_FX));
    f = 0;
    arith(FPU_ADD, false, 1.0, 0x1p-54, 0, &f);
    CHECK((f & FPSCR_FI) && !(f & FPSCR_FR));
    /* ... and the fast path agrees. */
    f = 0;
    CHECK(fp_add_fast(&f, 1.0, 3 * 0x1p-54, false, &r));
    CHECK((f & FPSCR_FI) && (f & FPSCR_FR));

    /* FX is set only when an exception bit goes from 0 to 1. */
    f = FPSCR_XX;
    arith(FPU_ADD, false, 1.0, 0x1p-54, 0, &f);
    CHECK(!(f & FPSCR_FX));

    /* Tininess before rounding (Book I 4.4.4): DBL_MIN * (1 - 2^-53)
     * rounds to DBL_MIN but was tiny: UX (x86 alone would not say so). */
    f = 0;
    r = arith(FPU_MUL, false, DBL_MIN, 0, 1.0 - 0x1p-53, &f);
    CHECK_EQ(r, fp_bits(DBL_MIN));
    CHECK(f & FPSCR_UX);
    CHECK_EQ((f >> FPSCR_FPRF_SHIFT) & 0x1f, FPRF_POS_NOR);

    /* Single rounding once: 1 + 2^-24 + 2^-53 rounds to 1 + 2^-23 in single
     * (rounding to double first would give the tie 1 + 2^-24, then 1.0). */
    f = 0;
    r = arith(FPU_ADD, true, 1.0 + 0x1p-24, 0x1p-53, 0, &f);
    CHECK_EQ(r, fp_bits(1.0 + 0x1p-23));
    f = 0;
    CHECK(fp_add_fast(&f, 1.0 + 0x1p-24, 0x1p-53, true, &r));
    CHECK_EQ(r, fp_bits(1.0 + 0x1p-23));

    /* A single denormal result has the denormal class. */
    f = 0;
    r = arith(FPU_MUL, true, 0x1p-140, 0, 1.0, &f);
    CHECK_EQ((f >> FPSCR_FPRF_SHIFT) & 0x1f, FPRF_POS_DEN);

    /* Overflow with OE=0: infinity, OX XX FI. */
    f = 0;
    r = arith(FPU_MUL, false, DBL_MAX, 0, 2.0, &f);
    CHECK_EQ(r, 0x7ff0000000000000ull);
    CHECK((f & FPSCR_OX) && (f & FPSCR_XX) && (f & FPSCR_FI));
    /* Round toward zero instead: DBL_MAX. */
    f = 1;
    r = arith(FPU_MUL, false, DBL_MAX, 0, 2.0, &f);
    CHECK_EQ(r, fp_bits(DBL_MAX));

    /* Invalid: inf - inf gives the default QNaN, VXISI, VX, FX; with VE=1
     * the target is not written and FEX is set. */
    f = 0;
    r = arith(FPU_SUB, false, INFINITY, INFINITY, 0, &f);
    CHECK_EQ(r, FP_DEFNAN);
    CHECK((f & FPSCR_VXISI) && (f & FPSCR_VX) && (f & FPSCR_FX));
    f = FPSCR_VE;
    CHECK(!fpu_arith(&f, FPU_SUB, false, fp_bits(INFINITY), fp_bits(INFINITY), 0, &r));
    CHECK(f & FPSCR_FEX);
    /* An SNaN operand is quieted and propagated, A first. */
    f = 0;
    CHECK(fpu_arith(&f, FPU_ADD, false, 0x7ff0000000000001ull, 0x7ff8000000000002ull, 0, &r));
    CHECK_EQ(r, 0x7ff8000000000001ull);
    CHECK(f & FPSCR_VXSNAN);
    /* inf x 0 plus an SNaN: both causes (Book I 4.4.1; the difference
     * madd-imz-snan masks in the ISA vectors), the addend quieted. */
    f = 0;
    CHECK(fpu_arith(&f, FPU_MADD, false, fp_bits(INFINITY), 0x7ff3fffffffffffeull, 0, &r));
    CHECK_EQ(r, 0x7ffbfffffffffffeull);
    CHECK((f & FPSCR_VXSNAN) && (f & FPSCR_VXIMZ) && (f & FPSCR_VX) && (f & FPSCR_FX));
    /* Zero divide. */
    f = 0;
    r = arith(FPU_DIV, false, -1.0, 0.0, 0, &f);
    CHECK_EQ(r, 0xfff0000000000000ull);
    CHECK(f & FPSCR_ZX);
    /* fnmadd is negated after rounding: in round toward +inf,
     * -(1 + 2^-60) rounds to -(1) after rounding 1 + 2^-60 up to 1 + 2^-52. */
    f = 2;
    r = arith(FPU_NMADD, false, 1.0, 0x1p-60, 1.0, &f);
    CHECK_EQ(r, fp_bits(-(1.0 + 0x1p-52)));
    /* Conversions: fctiw of 2.5 rounds to even, sets XX FI; fctiwz of NaN
     * is VXCVI with 0x80000000. */
    f = 0;
    CHECK(fpu_to_int(&f, fp_bits(2.5), false, false, -1, true, &r));
    CHECK_EQ(r, 2);
    CHECK((f & FPSCR_XX) && (f & FPSCR_FI));
    f = 0;
    CHECK(fpu_to_int(&f, FP_DEFNAN, false, false, 1, true, &r));
    CHECK_EQ(r, 0x80000000u);
    CHECK(f & FPSCR_VXCVI);
}

/* Through the executor: an enabled zero divide is a program interrupt
 * with the FP cause after FPSCR was updated, and FRT is unchanged. */
static void test_enabled_interrupt(struct harness *h)
{
    h_reset(h);
    h->msr = MSR_SF | MSR_FP | MSR_FE0 | MSR_FE1;
    VSR_D(h->cpu->vsr[1], 0) = fp_bits(1.0);
    VSR_D(h->cpu->vsr[2], 0) = 0;
    VSR_D(h->cpu->vsr[3], 0) = 0x1234;
    h->cpu->fpscr = FPSCR_ZE;
    h_code(h, 0xfc611024); /* fdiv f3,f1,f2 */
    CHECK_EQ(h_run(h), VEC_PROGRAM);
    CHECK(h->cpu->srr1 & SRR1_PROG_FP);
    CHECK_EQ(h->cpu->srr0, H_CODE);
    CHECK_EQ(VSR_D(h->cpu->vsr[3], 0), 0x1234);
    CHECK(h->cpu->fpscr & FPSCR_ZX);
    CHECK(h->cpu->fpscr & FPSCR_FEX);

    /* With MSR[FE0,FE1] = 0 the same runs through and writes nothing. */
    h_reset(h);
    h->msr = MSR_SF | MSR_FP;
    VSR_D(h->cpu->vsr[1], 0) = fp_bits(1.0);
    VSR_D(h->cpu->vsr[3], 0) = 0x1234;
    h->cpu->fpscr = FPSCR_ZE;
    h_code(h, 0xfc611024);
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(VSR_D(h->cpu->vsr[3], 0), 0x1234);

    /* mtfsf 0xff,f1 then mffs f2: FEX and VX are computed, FX is stored. */
    h_reset(h);
    h->msr = MSR_SF | MSR_FP;
    VSR_D(h->cpu->vsr[1], 0) = FPSCR_VXSNAN | FPSCR_VE | FPSCR_FEX | 3;
    h_code(h, 0xfdfe0d8e); /* mtfsf 0xff,f1 */
    h_code(h, 0xfc40048e); /* mffs f2 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(VSR_D(h->cpu->vsr[2], 0), FPSCR_VXSNAN | FPSCR_VE | FPSCR_FEX | FPSCR_VX | 3);
    CHECK_EQ(VSR_D(h->cpu->vsr[2], 1), 0); /* an FPR write clears doubleword 1 */
}

/* fp-enabled-result (known-differences.txt): with OE=1 / UE=1 the result
 * is delivered with its exponent adjusted by 1536 (double) or 192
 * (single), XX/FI/FR describing the adjusted rounding (Book I 4.4.4-5). */
static void test_enabled_result(struct harness *h)
{
    uint64_t f, r;
    f = FPSCR_OE;
    CHECK(fpu_arith(&f, FPU_MUL, false, fp_bits(DBL_MAX), 0, fp_bits(2.0), &r));
    CHECK_EQ(r, fp_bits(ldexp(DBL_MAX, -1535)));
    CHECK((f & FPSCR_OX) && (f & FPSCR_FEX) && !(f & FPSCR_XX) && !(f & FPSCR_FI));
    CHECK_EQ((f >> FPSCR_FPRF_SHIFT) & 0x1f, FPRF_POS_NOR);
    /* inexact after adjusting: (1 + 2^-52) * DBL_MAX = (1 + 2^-53 - 2^-105) *
     * 2^1024, just under a tie: to nearest it is 2^-512 */
    f = FPSCR_OE;
    CHECK(fpu_arith(&f, FPU_MUL, false, fp_bits(1.0 + 0x1p-52), 0, fp_bits(-DBL_MAX), &r));
    CHECK_EQ(r, fp_bits(-0x1p-512));
    CHECK((f & FPSCR_OX) && (f & FPSCR_XX) && (f & FPSCR_FI) && !(f & FPSCR_FR));
    /* ...and toward +inf the next one up: FR */
    f = FPSCR_OE | 2;
    CHECK(fpu_arith(&f, FPU_MUL, false, fp_bits(1.0 + 0x1p-52), 0, fp_bits(DBL_MAX), &r));
    CHECK_EQ(r, fp_bits(ldexp(1.0 + 0x1p-52, -512)));
    CHECK((f & FPSCR_FR) && (f & FPSCR_FI));
    /* underflow: 2^-1075 exactly, delivered as 2^461 */
    f = FPSCR_UE;
    CHECK(fpu_arith(&f, FPU_MUL, false, fp_bits(0x1p-1074), 0, fp_bits(0.5), &r));
    CHECK_EQ(r, fp_bits(0x1p461));
    CHECK((f & FPSCR_UX) && !(f & FPSCR_XX));
    /* fnmadd: negated after the adjusted rounding */
    f = FPSCR_OE;
    CHECK(fpu_arith(&f, FPU_NMADD, false, fp_bits(DBL_MAX), fp_bits(0.0), fp_bits(4.0), &r));
    CHECK_EQ(r, fp_bits(-ldexp(DBL_MAX, -1534)));
    /* single: 2^127 * 4 overflows, 2^129 * 2^-192 = 2^-63 */
    f = FPSCR_OE;
    CHECK(fpu_arith(&f, FPU_MUL, true, fp_bits(0x1p127), 0, fp_bits(4.0), &r));
    CHECK_EQ(r, fp_bits(0x1p-63));
    CHECK(f & FPSCR_OX);
    /* through the executor, FE0=FE1=0: fmul f3,f1,f2 writes the adjusted value */
    h_reset(h);
    h->msr = MSR_SF | MSR_FP;
    VSR_D(h->cpu->vsr[1], 0) = fp_bits(DBL_MAX);
    VSR_D(h->cpu->vsr[2], 0) = fp_bits(2.0);
    h->cpu->fpscr = FPSCR_OE;
    h_code(h, 0xfc6100b2); /* fmul f3,f1,f2 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(VSR_D(h->cpu->vsr[3], 0), fp_bits(ldexp(DBL_MAX, -1535)));
}

/* The ISA 3.0 additions where QEMU differs (tests/isa/known-differences.txt),
 * against the architecture. */
static void test_isa30_directed(struct harness *h)
{
    uint64_t f;
    u128 r, one = (u128)0x3fff << 112, b;
    /* xsrqp-current-mode: R=0 RMC=3 rounds in FPSCR[RN]; -2.5 (quad). */
    b = ((u128)0xc000400000000000ull << 64);
    f = 1; /* toward zero */
    CHECK(fpu_qp_round_int(&f, b, 0, 3, true, &r));
    CHECK_EQ((uint64_t)(r >> 64), 0xc000000000000000ull); /* -2 */
    CHECK(f & FPSCR_XX);
    f = 3; /* toward -inf */
    CHECK(fpu_qp_round_int(&f, b, 0, 3, false, &r));
    CHECK_EQ((uint64_t)(r >> 64), 0xc000800000000000ull); /* -3 */
    CHECK(!(f & FPSCR_XX));                               /* EX=0: inexact not reported */
    f = 0;
    CHECK(fpu_qp_round_int(&f, b, 0, 0, false, &r)); /* ties away */
    CHECK_EQ((uint64_t)(r >> 64), 0xc000800000000000ull);
    CHECK(fpu_qp_round_int(&f, b, 1, 0, false, &r)); /* ties to even */
    CHECK_EQ((uint64_t)(r >> 64), 0xc000000000000000ull);
    /* xsrqpxp toward -inf of a negative value with 49 low bits set grows. */
    b = ((u128)0x96d0e57b0aac28d2ull << 64) | 0xa33979fe66ba3f01ull;
    f = 3;
    CHECK(fpu_qp_round_x80(&f, b, 0, 3, &r));
    CHECK_EQ((uint64_t)r, 0xa33a000000000000ull);
    /* xsnmsubqpo-rounding: round to odd, negated after: 1/3's pattern. */
    f = 0;
    CHECK(fpu_qp_arith_odd(&f, FPU_DIV, one, (u128)0x4000800000000000ull << 64, 0, &r));
    CHECK_EQ((uint64_t)r & 1, 1);                              /* inexact: odd */
    CHECK(fpu_qp_arith_odd(&f, FPU_NMSUB, one, one, one, &r)); /* -(1*1-1) = -0 */
    CHECK_EQ((uint64_t)(r >> 64), 0x8000000000000000ull);
    /* xststdcsp-tiny: 2^-127 is a single denormal: only DCMX's +denormal
     * bit (0x02) matches; 0x40 (NaN) does not.  xststdcsp 0,1,DCMX. */
    for (unsigned k = 0; k < 2; k++) {
        unsigned dcmx = k ? 0x40 : 0x02;
        h_reset(h);
        h->msr = MSR_SF | MSR_FP | MSR_VSX;
        VSR_D(h->cpu->vsr[1], 0) = 0x3800000000000000ull;
        h_code(h, 0xf0000ca8u | dcmx << 16 | 1u << 11);
        CHECK_EQ(h_run(h), H_END(h));
        CHECK_EQ(h->cpu->cr[0], k ? 0u : 2u);
    }
    /* madd-imz-snan through xvmaddadp: inf x 0 + SNaN in lane 0 raises both. */
    h_reset(h);
    h->msr = MSR_SF | MSR_FP | MSR_VSX;
    VSR_D(h->cpu->vsr[1], 0) = 0x7ff0000000000000ull; /* XA: inf */
    VSR_D(h->cpu->vsr[2], 0) = 0;                     /* XB: 0 */
    VSR_D(h->cpu->vsr[3], 0) = 0x7ff4000000000000ull; /* XT: SNaN addend */
    h_code(h, 0xf0611308);                            /* xvmaddadp 3,1,2 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK((h->cpu->fpscr & FPSCR_VXSNAN) && (h->cpu->fpscr & FPSCR_VXIMZ));
    CHECK_EQ(VSR_D(h->cpu->vsr[3], 0), 0x7ffc000000000000ull);
    /* half precision: 65520 overflows to inf in RN, to 65504 toward zero;
     * 2^-25 is a tie between 0 and the smallest denormal: even, so 0. */
    bool fi, fr;
    f = 0;
    CHECK_EQ(fpu_to_half(&f, fp_bits(65520.0), &fi, &fr), 0x7c00);
    CHECK(f & FPSCR_OX);
    f = 1;
    CHECK_EQ(fpu_to_half(&f, fp_bits(65520.0), &fi, &fr), 0x7bff);
    f = 0;
    CHECK_EQ(fpu_to_half(&f, fp_bits(0x1p-25), &fi, &fr), 0);
    CHECK((f & FPSCR_UX) && (f & FPSCR_XX) && fi);
    CHECK_EQ(fpu_from_half(0, 0x0001), fp_bits(0x1p-24));
}

int main(void)
{
    struct harness h;
    test_fast_vs_general();
    test_directed();
    h_init(&h);
    test_enabled_interrupt(&h);
    test_isa30_directed(&h);
    test_enabled_result(&h);
    h_fini(&h);
    return check_summary("fpu");
}
