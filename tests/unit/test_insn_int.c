/*
 * Fixed-point instructions (Power ISA 3.0B Book I ch. 3): arithmetic with
 * XER CA/CA32/OV/OV32/SO, CR0 in 64- and 32-bit mode, multiply/divide
 * corner cases, logical, count, rotate/shift, compare, trap, select.
 * Every expected value is worked out by hand from the ISA definition.
 */
#include "check.h"
#include "interp_harness.h"
#include "vmm/cpu/interp/decode.h"

/* CR field bits and XER bits (Book I 2.3.1, 3.2.2). */
#define LT       8
#define GT       4
#define EQ       2
#define SO       1
#define XER_SO   0x80000000ull
#define XER_OV   0x40000000ull
#define XER_CA   0x20000000ull
#define XER_OV32 0x00080000ull
#define XER_CA32 0x00040000ull

#define M64 MSR_SF
#define M32 0ull

static struct harness hs;
static struct harness *const h = &hs;

#define GPR(n) (h->cpu->gpr[n])
#define CR(n)  (h->cpu->cr[n])
#define XER()  ppc_get_xer(h->cpu)

static void begin(uint64_t msr, uint64_t xer)
{
    h_reset(h);
    h->msr = msr;
    ppc_set_xer(h->cpu, xer);
}

#define RUN() CHECK_EQ(h_run(h), H_END(h))
/* One instruction on r3 = a, r4 = b with XER preset; results in r5. */
#define RUNX(msr, xer, insn, a, b)                                                                 \
    do {                                                                                           \
        begin((msr), (xer));                                                                       \
        GPR(3) = (a);                                                                              \
        GPR(4) = (b);                                                                              \
        h_code(h, (insn));                                                                         \
        RUN();                                                                                     \
    } while (0)
#define RUN2(insn, a, b)    RUNX(M64, 0, insn, a, b)
#define RUN2_32(insn, a, b) RUNX(M32, 0, insn, a, b)

/* Encoders for the tests' fixed register choice. */
/* XO form "op r5,r3,r4" (one-source ops ignore r4 = RB field 4). */
static uint32_t xo3(unsigned xo, unsigned oe, unsigned rc)
{
    return enc_xo(5, 3, 4, oe, xo, rc);
}
static uint32_t xo1(unsigned xo, unsigned oe, unsigned rc)
{
    return enc_xo(5, 3, 0, oe, xo, rc);
}
/* X form with RT: "op r5,r3,r4" (mod*). */
static uint32_t xrt(unsigned xo)
{
    return enc_x(31, 5, 3, 4, xo, 0);
}
/* X form logical/shift: "op r5(RA),r3(RS),r4(RB)". */
static uint32_t xra(unsigned xo, unsigned rc)
{
    return enc_x(31, 3, 5, 4, xo, rc);
}
static uint32_t enc_mds(unsigned rs, unsigned ra, unsigned rb, unsigned mbe, unsigned xo,
                        unsigned rc)
{
    return (30u << 26) | (rs << 21) | (ra << 16) | (rb << 11) | ((mbe & 31) << 6) |
           ((mbe >> 5) << 5) | (xo << 1) | rc;
}
static uint32_t enc_xs(unsigned rs, unsigned ra, unsigned sh, unsigned xo9, unsigned rc)
{
    return (31u << 26) | (rs << 21) | (ra << 16) | ((sh & 31) << 11) | (xo9 << 2) |
           ((sh >> 5) << 1) | rc;
}
static uint32_t enc_va(unsigned rt, unsigned ra, unsigned rb, unsigned rc, unsigned xo)
{
    return (4u << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (rc << 6) | xo;
}
static uint32_t enc_isel(unsigned rt, unsigned ra, unsigned rb, unsigned bc)
{
    return (31u << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (bc << 6) | (15u << 1);
}
static uint32_t enc_addpcis(unsigned rt, int d)
{
    uint32_t u = (uint32_t)d & 0xffff;
    return (19u << 26) | (rt << 21) | (((u >> 1) & 31) << 16) | ((u >> 6) << 6) | (2u << 1) |
           (u & 1);
}
static uint32_t enc_addex(unsigned rt, unsigned ra, unsigned rb, unsigned cy)
{
    return (31u << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (cy << 9) | (170u << 1);
}
/* cmp-family X form: BF, L, RA, RB. */
static uint32_t enc_cmp(unsigned bf, unsigned l, unsigned ra, unsigned rb, unsigned xo)
{
    return enc_x(31, (bf << 2) | l, ra, rb, xo, 0);
}

/* ---- add / subtract ---- */

static void test_add(void)
{
    RUN2(xo3(266, 0, 0), 5, 7); /* add */
    CHECK_EQ(GPR(5), 12);
    CHECK_EQ(XER(), 0);

    RUN2(xo3(266, 0, 1), 1, -2ull); /* add. -> -1 */
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(CR(0), LT);

    /* CR0 in 32-bit mode looks at the low word only. */
    RUN2(xo3(266, 0, 1), 0x100000000ull, 0);
    CHECK_EQ(CR(0), GT);
    RUN2_32(xo3(266, 0, 1), 0x100000000ull, 0);
    CHECK_EQ(GPR(5), 0x100000000ull);
    CHECK_EQ(CR(0), EQ);
    RUN2(xo3(266, 0, 1), 0xffffffffull, 0);
    CHECK_EQ(CR(0), GT);
    RUN2_32(xo3(266, 0, 1), 0xffffffffull, 0);
    CHECK_EQ(CR(0), LT);

    /* addo: 64-bit overflow only. */
    RUN2(xo3(266, 1, 1), 0x7fffffffffffffffull, 1);
    CHECK_EQ(GPR(5), 0x8000000000000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV);
    CHECK_EQ(CR(0), LT | SO);
    /* addo: low-word overflow only sets OV32, and not SO. */
    RUN2(xo3(266, 1, 0), 0x7fffffff, 1);
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(XER(), XER_OV32);
    /* In 32-bit mode OV follows the low word. */
    RUNX(M32, 0, xo3(266, 1, 1), 0x7fffffff, 1);
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    CHECK_EQ(CR(0), LT | SO);
    /* SO is sticky; OV is recomputed. */
    RUNX(M64, XER_SO | XER_OV | XER_OV32, xo3(266, 1, 1), 1, 1);
    CHECK_EQ(GPR(5), 2);
    CHECK_EQ(XER(), XER_SO);
    CHECK_EQ(CR(0), GT | SO);
    /* Non-o forms leave OV alone; record forms still copy SO. */
    RUNX(M64, XER_SO | XER_OV, xo3(266, 0, 1), 0x7fffffffffffffffull, 1);
    CHECK_EQ(XER(), XER_SO | XER_OV);
    CHECK_EQ(CR(0), LT | SO);
}

static void test_subf(void)
{
    RUN2(xo3(40, 0, 0), 3, 10); /* subf r5,r3,r4 = r4 - r3 */
    CHECK_EQ(GPR(5), 7);
    RUN2(xo3(40, 0, 1), 10, 3);
    CHECK_EQ(GPR(5), -7ull);
    CHECK_EQ(CR(0), LT);
    RUN2(xo3(40, 0, 1), 3, 3);
    CHECK_EQ(CR(0), EQ);
    /* 0x8000000000000000 - 1 overflows 64 bits; low words 0 - 1 do not. */
    RUN2(xo3(40, 1, 0), 1, 0x8000000000000000ull);
    CHECK_EQ(GPR(5), 0x7fffffffffffffffull);
    CHECK_EQ(XER(), XER_SO | XER_OV);
    /* 0x80000000 - 1 overflows the low word only. */
    RUN2(xo3(40, 1, 0), 1, 0x80000000ull);
    CHECK_EQ(GPR(5), 0x7fffffffull);
    CHECK_EQ(XER(), XER_OV32);
    RUNX(M32, 0, xo3(40, 1, 1), 1, 0x80000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    CHECK_EQ(CR(0), GT | SO);
}

static void test_carry(void)
{
    /* addc: carry out of bit 0 and out of the low word. */
    RUN2(xo3(10, 0, 0), ~0ull, 1);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(xo3(10, 0, 0), 0xffffffffull, 1);
    CHECK_EQ(GPR(5), 0x100000000ull);
    CHECK_EQ(XER(), XER_CA32);
    RUN2(xo3(10, 1, 1), 0x8000000000000000ull, 0x8000000000000000ull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_CA);
    CHECK_EQ(CR(0), EQ | SO);
    /* CA is cleared when there is no carry. */
    RUNX(M64, XER_CA | XER_CA32, xo3(10, 0, 0), 1, 2);
    CHECK_EQ(GPR(5), 3);
    CHECK_EQ(XER(), 0);
    /* 32-bit mode: CA is the carry out of the low word; the sum is 64-bit. */
    RUN2_32(xo3(10, 0, 0), 0xffffffffull, 1);
    CHECK_EQ(GPR(5), 0x100000000ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2_32(xo3(10, 0, 0), 0x8000000000000000ull, 0x8000000000000000ull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), 0);

    /* subfc: CA = no borrow (RB >= RA unsigned). */
    RUN2(xo3(8, 0, 0), 5, 3);
    CHECK_EQ(GPR(5), -2ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(8, 0, 0), 3, 5);
    CHECK_EQ(GPR(5), 2);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(xo3(8, 0, 0), 5, 5);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(xo3(8, 0, 0), 1, 0x100000000ull); /* low words borrow, doubleword does not */
    CHECK_EQ(GPR(5), 0xffffffffull);
    CHECK_EQ(XER(), XER_CA);
    RUN2_32(xo3(8, 0, 0), 1, 0x100000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(8, 1, 0), 1, 0x8000000000000000ull);
    CHECK_EQ(GPR(5), 0x7fffffffffffffffull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_CA);

    /* adde: carry in from CA. */
    RUNX(M64, XER_CA, xo3(138, 0, 0), 5, 6);
    CHECK_EQ(GPR(5), 12);
    CHECK_EQ(XER(), 0);
    RUNX(M64, XER_CA, xo3(138, 0, 1), ~0ull, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    CHECK_EQ(CR(0), EQ);
    RUNX(M64, XER_CA, xo3(138, 1, 0), 0x7fffffffffffffffull, 0);
    CHECK_EQ(GPR(5), 0x8000000000000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_CA32);
    RUNX(M64, 0, xo3(138, 0, 0), 5, 6);
    CHECK_EQ(GPR(5), 11);

    /* subfe: ~RA + RB + CA. */
    RUNX(M64, 0, xo3(136, 0, 0), 3, 5);
    CHECK_EQ(GPR(5), 1);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, XER_CA, xo3(136, 0, 0), 5, 5);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, 0, xo3(136, 0, 0), 5, 5);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);

    /* addme: RA + CA - 1. */
    RUNX(M64, 0, xo1(234, 0, 0), 0, 0);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);
    RUNX(M64, 0, xo1(234, 0, 0), 5, 0);
    CHECK_EQ(GPR(5), 4);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, XER_CA, xo1(234, 0, 0), 5, 0);
    CHECK_EQ(GPR(5), 5);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, 0, xo1(234, 1, 0), 0x8000000000000000ull, 0);
    CHECK_EQ(GPR(5), 0x7fffffffffffffffull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_CA);

    /* subfme: ~RA + CA - 1. */
    RUNX(M64, XER_CA, xo1(232, 0, 0), 5, 0);
    CHECK_EQ(GPR(5), -6ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, 0, xo1(232, 0, 1), ~0ull, 0);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);
    CHECK_EQ(CR(0), LT);

    /* addze: RA + CA. */
    RUNX(M64, XER_CA, xo1(202, 0, 0), ~0ull, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, 0, xo1(202, 0, 0), 7, 0);
    CHECK_EQ(GPR(5), 7);
    CHECK_EQ(XER(), 0);
    RUNX(M32, XER_CA, xo1(202, 1, 1), 0x7fffffff, 0);
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    CHECK_EQ(CR(0), LT | SO);

    /* subfze: ~RA + CA. */
    RUNX(M64, XER_CA, xo1(200, 0, 0), 0, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, 0, xo1(200, 0, 0), 0, 0);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);
    RUNX(M64, XER_CA, xo1(200, 0, 0), 1, 0);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);
}

static void test_neg(void)
{
    RUN2(xo1(104, 0, 0), 5, 0);
    CHECK_EQ(GPR(5), -5ull);
    /* neg does not touch CA. */
    RUNX(M64, XER_CA | XER_CA32, xo1(104, 0, 1), 0, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    CHECK_EQ(CR(0), EQ);
    RUN2(xo1(104, 1, 1), 0x8000000000000000ull, 0);
    CHECK_EQ(GPR(5), 0x8000000000000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV);
    CHECK_EQ(CR(0), LT | SO);
    /* -0x80000000 overflows the low word: OV32 only in 64-bit mode. */
    RUN2(xo1(104, 1, 0), 0x80000000ull, 0);
    CHECK_EQ(GPR(5), 0xffffffff80000000ull);
    CHECK_EQ(XER(), XER_OV32);
    RUNX(M32, 0, xo1(104, 1, 1), 0x80000000ull, 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    CHECK_EQ(CR(0), LT | SO);
}

static void test_add_imm(void)
{
    /* addi/addis use (RA|0); li/lis. */
    begin(M64, 0);
    GPR(0) = 100;
    h_code(h, enc_d(14, 5, 0, 0xfffe)); /* li r5,-2 */
    h_code(h, enc_d(15, 6, 0, 0x8000)); /* lis r6,-32768 */
    h_code(h, enc_d(14, 7, 5, 10));     /* addi r7,r5,10 */
    h_code(h, enc_d(15, 8, 5, 1));      /* addis r8,r5,1 */
    RUN();
    CHECK_EQ(GPR(5), -2ull);
    CHECK_EQ(GPR(6), 0xffffffff80000000ull);
    CHECK_EQ(GPR(7), 8);
    CHECK_EQ(GPR(8), 0xfffeull);

    /* addic reads r0 as a register. */
    begin(M64, 0);
    GPR(0) = 10;
    h_code(h, enc_d(12, 5, 0, 5)); /* addic r5,r0,5 */
    RUN();
    CHECK_EQ(GPR(5), 15);
    CHECK_EQ(XER(), 0);
    RUN2(enc_d(12, 5, 3, 1), ~0ull, 0); /* addic r5,r3,1 */
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(enc_d(13, 5, 3, 1), ~0ull, 0); /* addic. */
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    CHECK_EQ(CR(0), EQ);
    RUN2(enc_d(13, 5, 3, 0xffff), 0, 0); /* addic. r5,r3,-1: no carry */
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);
    CHECK_EQ(CR(0), LT);
    RUN2_32(enc_d(12, 5, 3, 1), 0xffffffffull, 0);
    CHECK_EQ(GPR(5), 0x100000000ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);

    /* subfic: SI - RA, CA = no borrow. */
    RUN2(enc_d(8, 5, 3, 10), 3, 0);
    CHECK_EQ(GPR(5), 7);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(enc_d(8, 5, 3, 3), 10, 0);
    CHECK_EQ(GPR(5), -7ull);
    CHECK_EQ(XER(), 0);
    RUN2(enc_d(8, 5, 3, 0), 0, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(enc_d(8, 5, 3, 0xffff), 0, 0); /* -1 - 0 */
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);

    /* mulli */
    RUN2(enc_d(7, 5, 3, 0xfffd), 7, 0);
    CHECK_EQ(GPR(5), -21ull);
}

static void test_addex_addpcis(void)
{
    /* addex CY=0: OV is carry in and carry out, SO untouched. */
    RUNX(M64, XER_OV, enc_addex(5, 3, 4, 0), ~0ull, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_OV | XER_OV32);
    RUNX(M64, 0, enc_addex(5, 3, 4, 0), 1, 2);
    CHECK_EQ(GPR(5), 3);
    CHECK_EQ(XER(), 0);
    RUNX(M64, XER_CA, enc_addex(5, 3, 4, 0), 0xffffffffull, 1);
    CHECK_EQ(GPR(5), 0x100000000ull);
    CHECK_EQ(XER(), XER_CA | XER_OV32); /* CA is not addex's */
    RUNX(M32, 0, enc_addex(5, 3, 4, 0), 0xffffffffull, 1);
    CHECK_EQ(XER(), XER_OV | XER_OV32);
    /* CY != 0 is reserved. */
    begin(M64, 0);
    h_code(h, enc_addex(5, 3, 4, 1));
    CHECK_EQ(h_run(h), 0x700);
    CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);

    /* addpcis: NIA + (D << 16). */
    begin(M64, 0);
    h_code(h, enc_addpcis(5, 1));
    h_code(h, enc_addpcis(6, -1));
    h_code(h, enc_addpcis(7, 0x1235));
    RUN();
    CHECK_EQ(GPR(5), H_CODE + 4 + 0x10000);
    CHECK_EQ(GPR(6), H_CODE + 8 - 0x10000ull);
    CHECK_EQ(GPR(7), H_CODE + 12 + 0x12350000ull);
}

/* ---- multiply ---- */

static void test_mul(void)
{
    /* mullw: full 64-bit product of the low words. */
    RUN2(xo3(235, 0, 0), 0x12345678fffffffeull, 3);
    CHECK_EQ(GPR(5), -6ull);
    RUN2(xo3(235, 1, 0), 0x10000, 0x10000);
    CHECK_EQ(GPR(5), 0x100000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(235, 1, 1), 0x7fff, 0x10000);
    CHECK_EQ(GPR(5), 0x7fff0000ull);
    CHECK_EQ(XER(), 0);
    CHECK_EQ(CR(0), GT);
    RUN2(xo3(235, 1, 0), 0xffffffffull, 0x80000000ull); /* -1 * INT_MIN = 2^31 */
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);

    /* mulld */
    RUN2(xo3(233, 0, 0), -3ull, 5);
    CHECK_EQ(GPR(5), -15ull);
    RUN2(xo3(233, 1, 1), 0x100000000ull, 0x100000000ull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    CHECK_EQ(CR(0), EQ | SO);
    RUN2(xo3(233, 1, 0), 0x4000000000000000ull, -2ull); /* = INT64_MIN, fits */
    CHECK_EQ(GPR(5), 0x8000000000000000ull);
    CHECK_EQ(XER(), 0);

    /* mulhw/mulhwu: high word, repeated in RT[0:31] as on POWER9. */
    RUN2(xo3(75, 0, 1), 0x80000000ull, 2);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(CR(0), LT);
    RUN2(xo3(75, 0, 0), 0xaaaaaaaa40000000ull, 0x10);
    CHECK_EQ(GPR(5), 0x0000000400000004ull);
    RUN2(xo3(11, 0, 1), 0xffffffffull, 0xffffffffull);
    CHECK_EQ(GPR(5), 0xfffffffefffffffeull);
    CHECK_EQ(CR(0), LT);
    RUN2(xo3(11, 0, 1), 0xffffffffull, 1);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(CR(0), EQ);

    /* mulhd/mulhdu */
    RUN2(xo3(73, 0, 0), -1ull, 5);
    CHECK_EQ(GPR(5), ~0ull);
    RUN2(xo3(73, 0, 1), 0x4000000000000000ull, 8);
    CHECK_EQ(GPR(5), 2);
    CHECK_EQ(CR(0), GT);
    RUN2(xo3(9, 0, 0), ~0ull, ~0ull);
    CHECK_EQ(GPR(5), 0xfffffffffffffffeull);
    RUN2(xo3(9, 0, 0), 0x8000000000000000ull, 4);
    CHECK_EQ(GPR(5), 2);

    /* maddhd/maddhdu/maddld RT,RA,RB,RC with r6 = RC. */
    begin(M64, 0);
    GPR(3) = -1ull;
    GPR(4) = 5;
    GPR(6) = 3;
    h_code(h, enc_va(5, 3, 4, 6, 48)); /* -5 + 3 = -2: high = -1 */
    h_code(h, enc_va(7, 3, 4, 6, 51)); /* low = -2 */
    RUN();
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(GPR(7), -2ull);
    begin(M64, 0);
    GPR(3) = 0x4000000000000000ull;
    GPR(4) = 4;
    GPR(6) = -1ull;
    h_code(h, enc_va(5, 3, 4, 6, 48)); /* 2^64 - 1: high = 0 */
    h_code(h, enc_va(7, 3, 4, 6, 49)); /* unsigned: 2^64 + 2^64 - 1: high = 1 */
    RUN();
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(GPR(7), 1);
    begin(M64, 0);
    GPR(3) = ~0ull;
    GPR(4) = ~0ull;
    GPR(6) = ~0ull;
    h_code(h, enc_va(5, 3, 4, 6, 49)); /* (2^64-1)^2 + 2^64-1 = 2^128 - 2^64 */
    h_code(h, enc_va(7, 3, 4, 6, 51)); /* 1 + -1 = 0 */
    h_code(h, enc_va(8, 3, 4, 6, 48)); /* signed: 1 - 1 = 0 */
    RUN();
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(GPR(7), 0);
    CHECK_EQ(GPR(8), 0);
}

/* ---- divide / modulo ---- */

static void test_div(void)
{
    /* divw: quotient zero-extended (POWER9). */
    RUN2(xo3(491, 0, 0), 0x1234567800000064ull, 0xffffffff00000007ull);
    CHECK_EQ(GPR(5), 14);
    RUN2(xo3(491, 0, 1), -100ull, 7);
    CHECK_EQ(GPR(5), 0xfffffff2ull);
    CHECK_EQ(CR(0), GT);
    RUN2_32(xo3(491, 0, 1), -100ull, 7);
    CHECK_EQ(GPR(5), 0xfffffff2ull);
    CHECK_EQ(CR(0), LT);
    RUN2(xo3(491, 1, 1), 5, 0); /* by zero */
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    CHECK_EQ(CR(0), EQ | SO);
    RUN2(xo3(491, 1, 0), 0x80000000ull, 0xffffffffull); /* INT_MIN / -1 */
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUNX(M64, XER_OV | XER_OV32, xo3(491, 1, 0), 0x80000000ull, 2); /* valid: clears OV */
    CHECK_EQ(GPR(5), 0xc0000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(491, 0, 0), 0x80000000ull, 0xffffffffull); /* non-o form: no XER change */
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), 0);

    /* divwu */
    RUN2(xo3(459, 0, 0), 0xffffffffull, 2);
    CHECK_EQ(GPR(5), 0x7fffffffull);
    RUN2(xo3(459, 1, 0), 0xffffffffull, 0x100000000ull); /* low word of RB is 0 */
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);

    /* divd / divdu */
    RUN2(xo3(489, 0, 1), -100ull, 7);
    CHECK_EQ(GPR(5), -14ull);
    CHECK_EQ(CR(0), LT);
    RUN2(xo3(489, 1, 0), 0x8000000000000000ull, -1ull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(489, 1, 0), 1, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(489, 1, 0), 0x8000000000000000ull, 1);
    CHECK_EQ(GPR(5), 0x8000000000000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(457, 0, 0), ~0ull, 0x10);
    CHECK_EQ(GPR(5), 0x0fffffffffffffffull);
    RUN2(xo3(457, 1, 1), ~0ull, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    CHECK_EQ(CR(0), EQ | SO);

    /* divwe: (RA[32:63] || 0^32) / RB[32:63], quotient must fit a word. */
    RUN2(xo3(427, 0, 0), 1, 4);
    CHECK_EQ(GPR(5), 0x40000000ull);
    RUN2(xo3(427, 1, 0), 1, 1);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(427, 1, 0), 0xffffffffull, 8); /* -2^32 / 8 = -2^29, zero-extended */
    CHECK_EQ(GPR(5), 0xe0000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(427, 1, 0), 0x80000000ull, 0xffffffffull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(427, 1, 0), 1, 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);

    /* divweu */
    RUN2(xo3(395, 1, 0), 1, 2);
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(395, 1, 0), 2, 2);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(395, 1, 0), 1, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);

    /* divde: (RA || 0^64) / RB */
    RUN2(xo3(425, 1, 0), 1, 4);
    CHECK_EQ(GPR(5), 0x4000000000000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(425, 1, 0), 1, 2); /* 2^63 does not fit */
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(425, 1, 0), -1ull, 4); /* -2^64 / 4 */
    CHECK_EQ(GPR(5), 0xc000000000000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(425, 1, 0), 0, -1ull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(425, 1, 0), 1, -1ull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(425, 1, 0), 0x8000000000000000ull, -1ull);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(425, 1, 0), 5, 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);

    /* divdeu */
    RUN2(xo3(393, 1, 0), 1, 2);
    CHECK_EQ(GPR(5), 0x8000000000000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xo3(393, 1, 0), 3, 4);
    CHECK_EQ(GPR(5), 0xc000000000000000ull);
    RUN2(xo3(393, 1, 0), 2, 2);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);
    RUN2(xo3(393, 1, 0), 0, 0);
    CHECK_EQ(XER(), XER_SO | XER_OV | XER_OV32);

    /* mod: modsw sign-extends, invalid cases give 0, XER untouched. */
    RUN2(xrt(779), 0xfffffff9ull, 3); /* -7 % 3 = -1 */
    CHECK_EQ(GPR(5), ~0ull);
    RUN2(xrt(779), 7, 0xfffffffdull); /* 7 % -3 = 1 */
    CHECK_EQ(GPR(5), 1);
    RUN2(xrt(779), 7, 0);
    CHECK_EQ(GPR(5), 0);
    RUN2(xrt(779), 0x80000000ull, 0xffffffffull);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), 0);
    RUN2(xrt(267), 0xabcdef00ffffffffull, 10); /* moduw */
    CHECK_EQ(GPR(5), 5);
    RUN2(xrt(267), 5, 0);
    CHECK_EQ(GPR(5), 0);
    RUN2(xrt(777), -7ull, 3); /* modsd */
    CHECK_EQ(GPR(5), ~0ull);
    RUN2(xrt(777), 0x8000000000000000ull, -1ull);
    CHECK_EQ(GPR(5), 0);
    RUN2(xrt(777), 5, 0);
    CHECK_EQ(GPR(5), 0);
    RUN2(xrt(265), ~0ull, 10); /* modud */
    CHECK_EQ(GPR(5), 5);
    RUN2(xrt(265), 5, 0);
    CHECK_EQ(GPR(5), 0);
}

/* ---- darn / setb / isel ---- */

static void test_darn(void)
{
    begin(M64, 0);
    GPR(5) = GPR(6) = GPR(7) = GPR(8) = ~0ull;
    h_code(h, enc_x(31, 5, 0, 0, 755, 0)); /* darn r5,0 */
    h_code(h, enc_x(31, 6, 1, 0, 755, 0)); /* darn r6,1 */
    h_code(h, enc_x(31, 7, 1, 0, 755, 0)); /* darn r7,1 */
    h_code(h, enc_x(31, 8, 2, 0, 755, 0)); /* darn r8,2 */
    RUN();
    CHECK_EQ(GPR(5) >> 32, 0);
    CHECK(GPR(6) != ~0ull);
    CHECK(GPR(7) != ~0ull);
    CHECK(GPR(6) != GPR(7));
    CHECK(GPR(8) != ~0ull);
    begin(M64, 0);
    h_code(h, enc_x(31, 5, 3, 0, 755, 0)); /* L=3: reserved */
    CHECK_EQ(h_run(h), 0x700);
    CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
}

static void test_setb_isel(void)
{
    static const struct {
        uint8_t field;
        uint64_t want;
    } setb[] = {{LT, ~0ull}, {GT, 1}, {EQ, 0}, {SO, 0}, {LT | GT, ~0ull}, {GT | SO, 1}};
    for (unsigned i = 0; i < sizeof(setb) / sizeof(setb[0]); i++) {
        begin(M64, 0);
        CR(2) = setb[i].field;
        GPR(5) = 12345;
        h_code(h, enc_x(31, 5, 2 << 2, 0, 128, 0)); /* setb r5,cr2 */
        RUN();
        CHECK_EQ(GPR(5), setb[i].want);
    }

    begin(M64, 0);
    CR(1) = GT; /* CR bit 5 set, bit 6 clear */
    GPR(3) = 33;
    GPR(4) = 44;
    GPR(0) = 99;
    h_code(h, enc_isel(5, 3, 4, 5)); /* bit set: RA */
    h_code(h, enc_isel(6, 3, 4, 6)); /* bit clear: RB */
    h_code(h, enc_isel(7, 0, 4, 5)); /* RA = 0 reads as 0 */
    RUN();
    CHECK_EQ(GPR(5), 33);
    CHECK_EQ(GPR(6), 44);
    CHECK_EQ(GPR(7), 0);
}

/* ---- logical ---- */

static void test_logical(void)
{
    const uint64_t a = 0xf0f0f0f00000ffffull, b = 0xff00ff00ff00ff00ull;

    RUN2(xra(28, 0), a, b);
    CHECK_EQ(GPR(5), 0xf000f0000000ff00ull); /* and */
    RUN2(xra(60, 0), a, b);
    CHECK_EQ(GPR(5), 0x00f000f0000000ffull); /* andc */
    RUN2(xra(444, 0), a, b);
    CHECK_EQ(GPR(5), 0xfff0fff0ff00ffffull); /* or */
    RUN2(xra(412, 0), a, b);
    CHECK_EQ(GPR(5), 0xf0fff0ff00ffffffull); /* orc */
    RUN2(xra(316, 0), a, b);
    CHECK_EQ(GPR(5), 0x0ff00ff0ff0000ffull); /* xor */
    RUN2(xra(476, 0), a, b);
    CHECK_EQ(GPR(5), 0x0fff0fffffff00ffull); /* nand */
    RUN2(xra(124, 0), a, b);
    CHECK_EQ(GPR(5), 0x000f000f00ff0000ull); /* nor */
    RUN2(xra(284, 0), a, b);
    CHECK_EQ(GPR(5), 0xf00ff00f00ffff00ull); /* eqv */

    /* Record forms. */
    RUN2(xra(28, 1), 0xf0, 0x0f);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(CR(0), EQ);
    RUN2(xra(444, 1), 0x100000000ull, 0);
    CHECK_EQ(CR(0), GT);
    RUN2_32(xra(444, 1), 0x100000000ull, 0);
    CHECK_EQ(CR(0), EQ);
    RUN2(xra(316, 1), 0x8000000000000000ull, 0);
    CHECK_EQ(CR(0), LT);
    RUN2_32(xra(316, 1), 0x8000000000000000ull, 0x7fffffffull);
    CHECK_EQ(CR(0), GT);
    RUN2(xra(60, 1), a, b);
    CHECK_EQ(CR(0), GT);
    RUN2(xra(412, 1), a, b);
    CHECK_EQ(CR(0), LT);
    RUN2(xra(476, 1), ~0ull, ~0ull);
    CHECK_EQ(CR(0), EQ);
    RUN2(xra(124, 1), 0, 0);
    CHECK_EQ(CR(0), LT);
    RUN2(xra(284, 1), 5, 5);
    CHECK_EQ(CR(0), LT);
    RUNX(M64, XER_SO, xra(28, 1), 1, 1);
    CHECK_EQ(CR(0), GT | SO);

    /* andi. andis. ori oris xori xoris: "op r5,r3,UI" (RS = r3, RA = r5). */
    RUN2(enc_d(28, 3, 5, 0xff00), 0x12345678, 0);
    CHECK_EQ(GPR(5), 0x5600);
    CHECK_EQ(CR(0), GT);
    RUN2(enc_d(28, 3, 5, 0xff00), 0x123400ff, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(CR(0), EQ);
    RUN2(enc_d(29, 3, 5, 0x8000), 0xffffffff80000000ull, 0);
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(CR(0), GT);
    RUN2_32(enc_d(29, 3, 5, 0x8000), 0xffffffff80000000ull, 0);
    CHECK_EQ(CR(0), LT);
    RUN2(enc_d(24, 3, 5, 0x1234), 0x100000000ull, 0);
    CHECK_EQ(GPR(5), 0x100001234ull);
    RUN2(enc_d(25, 3, 5, 0xffff), 0x100000001ull, 0);
    CHECK_EQ(GPR(5), 0x1ffff0001ull);
    RUN2(enc_d(26, 3, 5, 0x0f), 0xff, 0);
    CHECK_EQ(GPR(5), 0xf0);
    RUN2(enc_d(27, 3, 5, 0x8000), ~0ull, 0);
    CHECK_EQ(GPR(5), 0xffffffff7fffffffull);
}

static void test_exts_count(void)
{
    RUN2(xra(954, 1), 0x12345680, 0); /* extsb. */
    CHECK_EQ(GPR(5), 0xffffffffffffff80ull);
    CHECK_EQ(CR(0), LT);
    RUN2(xra(954, 0), 0xff7f, 0);
    CHECK_EQ(GPR(5), 0x7f);
    RUN2(xra(922, 0), 0x8001, 0); /* extsh */
    CHECK_EQ(GPR(5), 0xffffffffffff8001ull);
    RUN2(xra(922, 1), 0xffff7fff, 0);
    CHECK_EQ(GPR(5), 0x7fff);
    CHECK_EQ(CR(0), GT);
    RUN2(xra(986, 1), 0x80000000ull, 0); /* extsw. */
    CHECK_EQ(GPR(5), 0xffffffff80000000ull);
    CHECK_EQ(CR(0), LT);
    RUN2(xra(986, 0), 0xffffffff7fffffffull, 0);
    CHECK_EQ(GPR(5), 0x7fffffff);

    RUN2(xra(26, 0), 0xffffffff00010000ull, 0); /* cntlzw */
    CHECK_EQ(GPR(5), 15);
    RUN2(xra(26, 1), 0xffffffff00000000ull, 0);
    CHECK_EQ(GPR(5), 32);
    CHECK_EQ(CR(0), GT);
    RUN2(xra(26, 1), 0x80000000ull, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(CR(0), EQ);
    RUN2(xra(58, 0), 0x100000000ull, 0); /* cntlzd */
    CHECK_EQ(GPR(5), 31);
    RUN2(xra(58, 0), 0, 0);
    CHECK_EQ(GPR(5), 64);
    RUN2(xra(58, 1), 0x8000000000000000ull, 0);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(CR(0), EQ);
    RUN2(xra(538, 0), 0x80000000ull, 0); /* cnttzw */
    CHECK_EQ(GPR(5), 31);
    RUN2(xra(538, 1), 0x100000000ull, 0);
    CHECK_EQ(GPR(5), 32);
    CHECK_EQ(CR(0), GT);
    RUN2(xra(570, 0), 0x100000000ull, 0); /* cnttzd */
    CHECK_EQ(GPR(5), 32);
    RUN2(xra(570, 1), 0, 0);
    CHECK_EQ(GPR(5), 64);
    CHECK_EQ(CR(0), GT);
    RUN2(xra(570, 0), 1, 0);
    CHECK_EQ(GPR(5), 0);

    RUN2(xra(122, 0), 0xff000f0180037f10ull, 0); /* popcntb */
    CHECK_EQ(GPR(5), 0x0800040101020701ull);
    RUN2(xra(378, 0), 0xffffffff00000003ull, 0); /* popcntw */
    CHECK_EQ(GPR(5), 0x0000002000000002ull);
    RUN2(xra(378, 0), 0x8000000180000001ull, 0);
    CHECK_EQ(GPR(5), 0x0000000200000002ull);
    RUN2(xra(506, 0), 0xffffffff00000003ull, 0); /* popcntd */
    CHECK_EQ(GPR(5), 34);
    RUN2(xra(506, 0), ~0ull, 0);
    CHECK_EQ(GPR(5), 64);
    RUN2(xra(506, 0), 0, 0);
    CHECK_EQ(GPR(5), 0);

    RUN2(xra(154, 0), 0x0100010101010101ull, 0); /* prtyw */
    CHECK_EQ(GPR(5), 0x0000000100000000ull);
    RUN2(xra(154, 0), 0xfefefefefffffffeull, 0);
    CHECK_EQ(GPR(5), 1);
    RUN2(xra(186, 0), 0x0100010101010101ull, 0); /* prtyd */
    CHECK_EQ(GPR(5), 1);
    RUN2(xra(186, 0), 0x0101010101010101ull, 0);
    CHECK_EQ(GPR(5), 0);
    RUN2(xra(186, 0), 0xfefefefefefefeffull, 0);
    CHECK_EQ(GPR(5), 1);

    RUN2(xra(508, 0), 0x1122334455667788ull, 0x1100334400667700ull); /* cmpb */
    CHECK_EQ(GPR(5), 0xff00ffff00ffff00ull);
    RUN2(xra(508, 0), 0x8000800000000080ull, 0x0000800000000000ull);
    CHECK_EQ(GPR(5), 0x00ffffffffffff00ull);

    /* bpermd: index bytes 0,63,1,64,255,63,0,62 of RB = bits 0 and 63 set. */
    RUN2(xra(252, 0), 0x003f0140ff3f003eull, 0x8000000000000001ull);
    CHECK_EQ(GPR(5), 0xc6);
}

/* ---- rotate ---- */

static void test_rotate(void)
{
    RUN2(enc_m(21, 3, 5, 8, 0, 31, 0), 0xffffffff12345678ull, 0); /* rlwinm r5,r3,8,0,31 */
    CHECK_EQ(GPR(5), 0x34567812ull);
    /* Wrapping masks keep the replicated word in the high half. */
    RUN2(enc_m(21, 3, 5, 0, 16, 15, 0), 0x12345678ull, 0);
    CHECK_EQ(GPR(5), 0x1234567812345678ull);
    RUN2(enc_m(21, 3, 5, 4, 28, 3, 0), 0x12345678ull, 0);
    CHECK_EQ(GPR(5), 0x2345678120000001ull);
    RUN2(enc_m(21, 3, 5, 31, 0, 0, 1), 1, 0); /* rlwinm. -> 0x80000000 */
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(CR(0), GT);
    RUN2_32(enc_m(21, 3, 5, 31, 0, 0, 1), 1, 0);
    CHECK_EQ(CR(0), LT);
    RUN2(enc_m(21, 3, 5, 27, 5, 31, 0), 0x1234, 0); /* srwi 5 */
    CHECK_EQ(GPR(5), 0x91);

    /* rlwimi r5,r3,16,8,15 with r5 preset. */
    begin(M64, 0);
    GPR(3) = 0x12345678;
    GPR(5) = 0xaaaaaaaaaaaaaaaaull;
    h_code(h, enc_m(20, 3, 5, 16, 8, 15, 0));
    RUN();
    CHECK_EQ(GPR(5), 0xaaaaaaaaaa78aaaaull);
    begin(M64, 0);
    GPR(3) = 0x80000000ull;
    GPR(5) = 0x5555555500000001ull;
    h_code(h, enc_m(20, 3, 5, 0, 0, 0, 1)); /* rlwimi. insert bit 32 */
    RUN();
    CHECK_EQ(GPR(5), 0x5555555580000001ull);
    CHECK_EQ(CR(0), GT);

    /* rlwnm: shift amount from RB[59:63]. */
    RUN2(enc_m(23, 3, 5, 4, 0, 31, 0), 0x12345678, 0xffffffe4ull);
    CHECK_EQ(GPR(5), 0x23456781ull);
    RUN2(enc_m(23, 3, 5, 4, 24, 31, 1), 0x12345678, 36);
    CHECK_EQ(GPR(5), 0x81);
    CHECK_EQ(CR(0), GT);

    const uint64_t v = 0x123456789abcdef0ull;
    RUN2(enc_md(3, 5, 8, 0, 0, 0), v, 0); /* rldicl r5,r3,8,0 */
    CHECK_EQ(GPR(5), 0x3456789abcdef012ull);
    RUN2(enc_md(3, 5, 8, 32, 0, 0), v, 0); /* rldicl r5,r3,8,32 */
    CHECK_EQ(GPR(5), 0xbcdef012ull);
    RUN2(enc_md(3, 5, 60, 4, 0, 0), v, 0); /* srdi r5,r3,4 */
    CHECK_EQ(GPR(5), 0x0123456789abcdefull);
    RUN2(enc_md(3, 5, 0, 0, 0, 1), 0xffffffff00000000ull, 0); /* rldicl. */
    CHECK_EQ(CR(0), LT);
    RUN2_32(enc_md(3, 5, 0, 0, 0, 1), 0xffffffff00000000ull, 0);
    CHECK_EQ(GPR(5), 0xffffffff00000000ull);
    CHECK_EQ(CR(0), EQ);

    RUN2(enc_md(3, 5, 4, 7, 1, 0), v, 0); /* rldicr r5,r3,4,7 */
    CHECK_EQ(GPR(5), 0x2300000000000000ull);
    RUN2(enc_md(3, 5, 8, 16, 2, 0), v, 0); /* rldic r5,r3,8,16 */
    CHECK_EQ(GPR(5), 0x0000789abcdef000ull);
    RUN2(enc_md(3, 5, 60, 8, 2, 1), v, 0); /* rldic. wrapping mask MASK(8,3) */
    CHECK_EQ(GPR(5), 0x0023456789abcdefull);
    CHECK_EQ(CR(0), GT);

    begin(M64, 0); /* rldimi r5,r3,8,48 */
    GPR(3) = 0x12;
    GPR(5) = ~0ull;
    h_code(h, enc_md(3, 5, 8, 48, 3, 0));
    RUN();
    CHECK_EQ(GPR(5), 0xffffffffffff12ffull);
    begin(M64, 0); /* rldimi r5,r3,32,0 = insert the low word into the high */
    GPR(3) = 0x89abcdefull;
    GPR(5) = 0x0123456700000000ull;
    h_code(h, enc_md(3, 5, 32, 0, 3, 1));
    RUN();
    CHECK_EQ(GPR(5), 0x89abcdef00000000ull);
    CHECK_EQ(CR(0), LT);

    RUN2(enc_mds(3, 5, 4, 0, 8, 0), v, 0x44); /* rldcl r5,r3,r4,0: RB[58:63] = 4 */
    CHECK_EQ(GPR(5), 0x23456789abcdef01ull);
    RUN2(enc_mds(3, 5, 4, 56, 8, 1), v, 64); /* rotate by 0, keep the low byte */
    CHECK_EQ(GPR(5), 0xf0);
    CHECK_EQ(CR(0), GT);
    RUN2(enc_mds(3, 5, 4, 15, 9, 0), v, 4); /* rldcr r5,r3,r4,15 */
    CHECK_EQ(GPR(5), 0x2345000000000000ull);
}

/* ---- shift ---- */

static void test_shift(void)
{
    /* slw / srw: RB[58:63]; 32..63 give 0; upper half of RS ignored. */
    RUN2(xra(24, 0), 0x80000001ull, 1);
    CHECK_EQ(GPR(5), 2);
    RUN2(xra(24, 1), 0x80000001ull, 31);
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(CR(0), GT);
    RUN2(xra(24, 1), 0x80000001ull, 32);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(CR(0), EQ);
    RUN2(xra(24, 0), 0x80000001ull, 63);
    CHECK_EQ(GPR(5), 0);
    RUN2(xra(24, 0), 0x80000001ull, 64); /* RB[58:63] = 0 */
    CHECK_EQ(GPR(5), 0x80000001ull);
    RUN2(xra(24, 0), 0xffffffff00000001ull, 4);
    CHECK_EQ(GPR(5), 0x10);
    RUN2(xra(536, 0), 0xffffffff80000000ull, 4);
    CHECK_EQ(GPR(5), 0x08000000ull);
    RUN2(xra(536, 0), 0xffffffff80000000ull, 32);
    CHECK_EQ(GPR(5), 0);
    RUN2(xra(536, 1), 0xffffffff80000000ull, 0x40);
    CHECK_EQ(GPR(5), 0x80000000ull);
    CHECK_EQ(CR(0), GT);

    /* sld / srd: RB[57:63]; 64..127 give 0. */
    RUN2(xra(27, 0), 0x8000000000000001ull, 1);
    CHECK_EQ(GPR(5), 2);
    RUN2(xra(27, 1), 0x8000000000000001ull, 63);
    CHECK_EQ(GPR(5), 0x8000000000000000ull);
    CHECK_EQ(CR(0), LT);
    RUN2(xra(27, 0), 0x8000000000000001ull, 64);
    CHECK_EQ(GPR(5), 0);
    RUN2(xra(27, 0), 0x8000000000000001ull, 127);
    CHECK_EQ(GPR(5), 0);
    RUN2(xra(27, 0), 0x8000000000000001ull, 128);
    CHECK_EQ(GPR(5), 0x8000000000000001ull);
    RUN2(xra(539, 0), 0x8000000000000000ull, 63);
    CHECK_EQ(GPR(5), 1);
    RUN2(xra(539, 1), 0x8000000000000000ull, 64);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(CR(0), EQ);

    /* sraw: CA = negative and 1-bits shifted out; CA32 = CA. */
    RUN2(xra(792, 0), 0x80000000ull, 4);
    CHECK_EQ(GPR(5), 0xfffffffff8000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xra(792, 1), 0x80000001ull, 4);
    CHECK_EQ(GPR(5), 0xfffffffff8000000ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    CHECK_EQ(CR(0), LT);
    RUNX(M64, XER_CA | XER_CA32, xra(792, 0), 0x7fffffffull, 4);
    CHECK_EQ(GPR(5), 0x07ffffffull);
    CHECK_EQ(XER(), 0);
    RUN2(xra(792, 0), 0x80000000ull, 32);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(xra(792, 0), 0x7fffffffull, 63);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), 0);
    RUN2(xra(792, 0), 0x180000000ull, 0);
    CHECK_EQ(GPR(5), 0xffffffff80000000ull);
    CHECK_EQ(XER(), 0);
    RUN2(xra(792, 0), 0x80000000ull, 64); /* RB[58:63] = 0 */
    CHECK_EQ(GPR(5), 0xffffffff80000000ull);
    CHECK_EQ(XER(), 0);

    /* srawi */
    RUN2(enc_x(31, 3, 5, 1, 824, 0), 0xfffffffbull, 0); /* -5 >> 1 = -3 */
    CHECK_EQ(GPR(5), -3ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUNX(M64, XER_CA, enc_x(31, 3, 5, 0, 824, 1), 0xfffffffbull, 0);
    CHECK_EQ(GPR(5), -5ull);
    CHECK_EQ(XER(), 0);
    CHECK_EQ(CR(0), LT);
    RUN2(enc_x(31, 3, 5, 31, 824, 0), 0x80000000ull, 0);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);

    /* srad: shifts of 64..127 fill with the sign; CA for any negative. */
    RUN2(xra(794, 0), 0x8000000000000001ull, 1);
    CHECK_EQ(GPR(5), 0xc000000000000000ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(xra(794, 0), 0x8000000000000000ull, 64);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(xra(794, 0), 0x8000000000000000ull, 127);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(xra(794, 0), 0x8000000000000000ull, 63);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);
    RUN2(xra(794, 1), 0x4000000000000000ull, 64);
    CHECK_EQ(GPR(5), 0);
    CHECK_EQ(XER(), 0);
    CHECK_EQ(CR(0), EQ);
    RUN2(xra(794, 0), 0x8000000000000001ull, 128);
    CHECK_EQ(GPR(5), 0x8000000000000001ull);
    CHECK_EQ(XER(), 0);

    /* sradi (6-bit SH, bit 5 in instruction bit 30) */
    RUN2(enc_xs(3, 5, 1, 413, 0), -5ull, 0);
    CHECK_EQ(GPR(5), -3ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(enc_xs(3, 5, 63, 413, 0), 0x8000000000000000ull, 0);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), 0);
    RUN2(enc_xs(3, 5, 63, 413, 0), ~0ull, 0);
    CHECK_EQ(GPR(5), ~0ull);
    CHECK_EQ(XER(), XER_CA | XER_CA32);
    RUN2(enc_xs(3, 5, 32, 413, 1), 0x123456789abcdef0ull, 0);
    CHECK_EQ(GPR(5), 0x12345678ull);
    CHECK_EQ(XER(), 0);
    CHECK_EQ(CR(0), GT);
    RUN2_32(enc_xs(3, 5, 4, 413, 1), 0x00000000f0000000ull, 0);
    CHECK_EQ(GPR(5), 0x0f000000ull);
    CHECK_EQ(CR(0), GT);

    /* extswsli */
    RUN2(enc_xs(3, 5, 4, 445, 1), 0x80000001ull, 0);
    CHECK_EQ(GPR(5), 0xfffffff800000010ull);
    CHECK_EQ(CR(0), LT);
    RUN2(enc_xs(3, 5, 32, 445, 0), 0xffffffff00000001ull, 0);
    CHECK_EQ(GPR(5), 0x100000000ull);
    RUN2_32(enc_xs(3, 5, 32, 445, 1), 1, 0);
    CHECK_EQ(CR(0), EQ);
}

/* ---- compare ---- */

static void test_compare(void)
{
    RUN2(enc_cmp(0, 1, 3, 4, 0), -1ull, 1); /* cmpd */
    CHECK_EQ(CR(0), LT);
    RUN2(enc_cmp(3, 0, 3, 4, 0), 0x1ffffffffull, 1); /* cmpw: low words -1 < 1 */
    CHECK_EQ(CR(3), LT);
    CHECK_EQ(CR(0), 0);
    RUN2(enc_cmp(3, 1, 3, 4, 0), 0x1ffffffffull, 1); /* cmpd: GT */
    CHECK_EQ(CR(3), GT);
    RUN2(enc_cmp(7, 1, 3, 4, 0), 5, 5);
    CHECK_EQ(CR(7), EQ);
    RUN2(enc_cmp(0, 0, 3, 4, 32), 0xffffffffull, 1); /* cmplw */
    CHECK_EQ(CR(0), GT);
    RUN2(enc_cmp(0, 1, 3, 4, 32), 0x100000000ull, 0xffffffffull); /* cmpld */
    CHECK_EQ(CR(0), GT);
    RUN2(enc_cmp(0, 0, 3, 4, 32), 0x100000000ull, 0xffffffffull); /* cmplw */
    CHECK_EQ(CR(0), LT);
    RUNX(M64, XER_SO, enc_cmp(1, 1, 3, 4, 32), 2, 2);
    CHECK_EQ(CR(1), EQ | SO);
    /* The L bit, not the mode, picks the width. */
    RUN2_32(enc_cmp(0, 1, 3, 4, 0), 0x100000000ull, 0);
    CHECK_EQ(CR(0), GT);
    RUN2_32(enc_cmp(0, 0, 3, 4, 0), 0x100000000ull, 0);
    CHECK_EQ(CR(0), EQ);

    RUN2(enc_d(11, (7 << 2) | 1, 3, 0xfffb), -5ull, 0); /* cmpdi cr7,r3,-5 */
    CHECK_EQ(CR(7), EQ);
    RUN2(enc_d(11, (2 << 2) | 0, 3, 0xfffb), 0xfffffffbull, 0); /* cmpwi */
    CHECK_EQ(CR(2), EQ);
    RUN2(enc_d(11, (2 << 2) | 1, 3, 0xfffb), 0xfffffffbull, 0); /* cmpdi */
    CHECK_EQ(CR(2), GT);
    RUN2(enc_d(10, 0, 3, 0x10), 0xffffffff00000010ull, 0); /* cmplwi */
    CHECK_EQ(CR(0), EQ);
    RUN2(enc_d(10, 1, 3, 0x10), 0xffffffff00000010ull, 0); /* cmpldi */
    CHECK_EQ(CR(0), GT);
    RUN2(enc_d(10, 1, 3, 0xffff), 0x10, 0); /* UI is zero-extended */
    CHECK_EQ(CR(0), LT);
    RUNX(M64, XER_SO, enc_d(11, 4 << 2, 3, 1), 0, 0);
    CHECK_EQ(CR(4), LT | SO);

    /* cmprb: range RB[48:55]..RB[56:63] (and RB[32:39]..RB[40:47] if L=1). */
    RUN2(enc_cmp(1, 0, 3, 4, 192), 0x35, 0x3930);
    CHECK_EQ(CR(1), GT);
    RUN2(enc_cmp(1, 0, 3, 4, 192), 0xffffff30ull, 0x3930);
    CHECK_EQ(CR(1), GT);
    RUN2(enc_cmp(1, 0, 3, 4, 192), 0x39, 0x3930);
    CHECK_EQ(CR(1), GT);
    RUNX(M64, XER_SO, enc_cmp(1, 0, 3, 4, 192), 0x3a, 0x3930);
    CHECK_EQ(CR(1), 0);
    RUN2(enc_cmp(1, 0, 3, 4, 192), 0x62, 0x7a613930);
    CHECK_EQ(CR(1), 0);
    RUN2(enc_cmp(1, 1, 3, 4, 192), 0x62, 0x7a613930);
    CHECK_EQ(CR(1), GT);
    RUN2(enc_cmp(1, 1, 3, 4, 192), 0x7b, 0x7a613930);
    CHECK_EQ(CR(1), 0);

    /* cmpeqb */
    RUN2(enc_cmp(3, 0, 3, 4, 224), 0x41, 0x0000410000000000ull);
    CHECK_EQ(CR(3), GT);
    RUN2(enc_cmp(3, 0, 3, 4, 224), 0x41, 0x4040404040404040ull);
    CHECK_EQ(CR(3), 0);
    RUN2(enc_cmp(3, 0, 3, 4, 224), 0xff00, 0x0101010101010100ull);
    CHECK_EQ(CR(3), GT);
    RUN2(enc_cmp(3, 0, 3, 4, 224), 0, 0x0101010101010101ull);
    CHECK_EQ(CR(3), 0);
    RUN2(enc_cmp(3, 0, 3, 4, 224), 0x80, 0x0180018001000100ull);
    CHECK_EQ(CR(3), GT);
}

/* ---- trap ---- */

/* Runs "li ..; <trap>" and returns the stop address. */
static uint64_t run_trap(uint32_t insn, uint64_t a, uint64_t b)
{
    begin(M64, 0);
    GPR(3) = a;
    GPR(4) = b;
    h_code(h, 0x60000000); /* nop */
    h_code(h, insn);
    return h_run(h);
}

static void test_trap(void)
{
    /* Taken: program interrupt, SRR0 = the trap, SRR1 trap bit. */
    CHECK_EQ(run_trap(enc_x(31, 4, 3, 4, 4, 0), 7, 7), 0x700); /* tweq */
    CHECK_EQ(h->cpu->srr0, H_CODE + 4);
    CHECK(h->cpu->srr1 & SRR1_PROG_TRAP);
    CHECK(!(h->cpu->srr1 & SRR1_PROG_ILLEGAL));
    CHECK_EQ(run_trap(0x7fe00008, 0, 0), 0x700); /* trap = tw 31,0,0 */
    CHECK_EQ(h->cpu->srr0, H_CODE + 4);
    /* TO = 0 never traps. */
    CHECK_EQ(run_trap(enc_x(31, 0, 3, 3, 4, 0), 0, 0), H_CODE + 8);
    CHECK_EQ(run_trap(enc_x(31, 0, 3, 3, 68, 0), 0, 0), H_CODE + 8);
    CHECK_EQ(run_trap(enc_d(2, 0, 0, 0x48), 0, 0), H_CODE + 8); /* tdi 0,r0,0x48 */
    /* Conditions not met. */
    CHECK_EQ(run_trap(enc_x(31, 4, 3, 4, 4, 0), 7, 8), H_CODE + 8);
    CHECK_EQ(run_trap(enc_x(31, 16 | 8, 3, 4, 4, 0), 7, 7), H_CODE + 8); /* twlt|gt */
    /* Signed vs unsigned, word vs doubleword. */
    CHECK_EQ(run_trap(enc_x(31, 16, 3, 4, 4, 0), 0xffffffffull, 0), 0x700);     /* twlt -1,0 */
    CHECK_EQ(run_trap(enc_x(31, 2, 3, 4, 4, 0), 0xffffffffull, 0), H_CODE + 8); /* twllt */
    CHECK_EQ(run_trap(enc_x(31, 1, 3, 4, 4, 0), 0xffffffffull, 0), 0x700);      /* twlgt */
    CHECK_EQ(run_trap(enc_x(31, 1, 3, 4, 4, 0), 0x100000000ull, 0), H_CODE + 8);
    CHECK_EQ(run_trap(enc_x(31, 1, 3, 4, 68, 0), 0x100000000ull, 0), 0x700); /* tdlgt */
    CHECK_EQ(run_trap(enc_x(31, 8, 3, 4, 68, 0), 0xffffffffull, 0), 0x700);  /* tdgt */
    CHECK_EQ(run_trap(enc_x(31, 8, 3, 4, 4, 0), 0xffffffffull, 0), H_CODE + 8);
    /* twi / tdi: SI sign-extended. */
    CHECK_EQ(run_trap(enc_d(3, 16, 3, 0), -1ull, 0), 0x700);                  /* twlti r3,0 */
    CHECK_EQ(run_trap(enc_d(3, 2, 3, 0), -1ull, 0), H_CODE + 8);              /* twllti r3,0 */
    CHECK_EQ(run_trap(enc_d(3, 4, 3, 0xffff), 0xffffffffull, 0), 0x700);      /* tweqi -1 */
    CHECK_EQ(run_trap(enc_d(2, 4, 3, 0xffff), 0xffffffffull, 0), H_CODE + 8); /* tdeqi */
    CHECK_EQ(run_trap(enc_d(2, 8, 3, 3), 5, 0), 0x700);                       /* tdgti */
    CHECK_EQ(h->cpu->srr0, H_CODE + 4);
    CHECK(h->cpu->srr1 & SRR1_PROG_TRAP);
    CHECK_EQ(run_trap(enc_d(2, 1, 3, 0xffff), 5, 0), H_CODE + 8); /* tdlgti 5 > ~0? no */
    /* 32-bit mode: same conditions. */
    begin(M32, 0);
    GPR(3) = 3;
    h_code(h, enc_d(3, 4, 3, 3)); /* tweqi r3,3 */
    CHECK_EQ(h_run(h), 0x700);
    CHECK_EQ(h->cpu->srr0, H_CODE);
}

int main(void)
{
    h_init(h);
    test_add();
    test_subf();
    test_carry();
    test_neg();
    test_add_imm();
    test_addex_addpcis();
    test_mul();
    test_div();
    test_darn();
    test_setb_isel();
    test_logical();
    test_exts_count();
    test_rotate();
    test_shift();
    test_compare();
    test_trap();
    h_fini(h);
    return check_summary("insn_int");
}
