/*
 * Branch and CR instructions (Power ISA 3.0B Book I ch. 2, 3.3.17): every
 * BO pattern, LR/CTR/TAR targets, link forms, 32-bit target truncation,
 * bcctr's decrementing invalid form, CR logical ops, CR moves.
 * Expected values are worked out by hand from the ISA definition.
 */
#include "check.h"
#include "interp_harness.h"
#include "vmm/cpu/interp/decode.h"

#define LT 8
#define GT 4
#define EQ 2
#define SO 1

#define M64 MSR_SF
#define M32 0ull

static struct harness hs;
static struct harness *const h = &hs;

#define GPR(n) (h->cpu->gpr[n])
#define CR(n)  (h->cpu->cr[n])
#define RUN()  CHECK_EQ(h_run(h), H_END(h))

static void begin(uint64_t msr)
{
    h_reset(h);
    h->msr = msr;
}

static uint32_t li(unsigned rt, int v)
{
    return enc_d(14, rt, 0, (uint32_t)v);
}
/* XL-form branches to LR/CTR/TAR: bclr 16, bcctr 528, bctar 560. */
static uint32_t enc_bxl(unsigned bo, unsigned bi, unsigned xo, unsigned lk)
{
    return enc_x(19, bo, bi, 0, xo, lk);
}
static uint32_t enc_mfocrf(unsigned rt, unsigned fxm)
{
    return (31u << 26) | (rt << 21) | (1u << 20) | (fxm << 12) | (19u << 1);
}
static uint32_t enc_mtcrf(unsigned rs, unsigned fxm, unsigned one)
{
    return (31u << 26) | (rs << 21) | (one << 20) | (fxm << 12) | (144u << 1);
}

/* ---- I form ---- */

static void test_b(void)
{
    begin(M64);
    h_code(h, enc_b(8, 0, 0)); /* 0: b +8 */
    h_code(h, li(3, 1));       /* 4: skipped */
    h_code(h, li(4, 2));       /* 8 */
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(GPR(4), 2);
    CHECK_EQ(h->cpu->lr, 0);

    /* Backward: count r3 down from 3 (bne -8). */
    begin(M64);
    h_code(h, li(3, 3));                /* 0 */
    h_code(h, enc_d(14, 3, 3, 0xffff)); /* 4: addi r3,r3,-1 */
    h_code(h, enc_d(11, 0, 3, 0));      /* 8: cmpwi r3,0 */
    h_code(h, enc_bc(4, 2, -8, 0, 0));  /* c: bne 4 */
    RUN();
    CHECK_EQ(GPR(3), 0);

    begin(M64);
    h_code(h, enc_b(8, 0, 1)); /* 0: bl +8 */
    h_code(h, li(3, 1));       /* 4 */
    h_code(h, li(4, 2));       /* 8 */
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(GPR(4), 2);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);

    /* ba/bla: absolute targets; 0x700 holds the harness's sc 1. */
    begin(M64);
    h_code(h, enc_b(0x700, 1, 0));
    CHECK_EQ(h_run(h), 0x700);
    CHECK_EQ(h->cpu->srr1, 0); /* a branch, not a program interrupt */
    CHECK_EQ(h->cpu->lr, 0);
    begin(M64);
    h_code(h, li(3, 1));
    h_code(h, enc_b(0x300, 1, 1));
    CHECK_EQ(h_run(h), 0x300);
    CHECK_EQ(h->cpu->srr1, 0);
    CHECK_EQ(h->cpu->lr, H_CODE + 8);
    CHECK_EQ(GPR(3), 1);

    /* 32-bit mode: same relative branches, 32-bit LR. */
    begin(M32);
    h_code(h, enc_b(8, 0, 1));
    h_code(h, li(3, 1));
    h_code(h, li(4, 2));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
}

/* ---- bc: every BO pattern ---- */

static void test_bc_bo(void)
{
    static const struct {
        uint64_t msr;
        unsigned bo;
        uint8_t cr0;
        uint64_t ctr;
        int taken;
        uint64_t ctr_after;
    } t[] = {
        /* 1z1zz: always */
        {M64, 20, 0, 5, 1, 5},
        {M64, 20, EQ, 0, 1, 0},
        /* 011at: branch if CR0[EQ] = 1 */
        {M64, 12, EQ, 5, 1, 5},
        {M64, 12, GT, 5, 0, 5},
        {M64, 13, EQ, 5, 1, 5},
        {M64, 15, 0, 5, 0, 5},
        /* 001at: branch if CR0[EQ] = 0 */
        {M64, 4, EQ, 5, 0, 5},
        {M64, 4, GT | LT | SO, 5, 1, 5},
        {M64, 7, 0, 5, 1, 5},
        /* 1a00t: decrement, branch if CTR != 0 */
        {M64, 16, 0, 2, 1, 1},
        {M64, 16, 0, 1, 0, 0},
        {M64, 16, 0, 0, 1, ~0ull},
        {M64, 25, EQ, 2, 1, 1}, /* BO[1] ignored, BO[4] hint */
        /* 1a01t: decrement, branch if CTR = 0 */
        {M64, 18, 0, 1, 1, 0},
        {M64, 18, 0, 2, 0, 1},
        {M64, 18, 0, 0, 0, ~0ull},
        /* 0100z: decrement, branch if CTR != 0 and CR bit = 1 */
        {M64, 8, EQ, 2, 1, 1},
        {M64, 8, 0, 2, 0, 1},
        {M64, 8, EQ, 1, 0, 0},
        /* 0000z: decrement, branch if CTR != 0 and CR bit = 0 */
        {M64, 0, 0, 2, 1, 1},
        {M64, 0, EQ, 2, 0, 1},
        {M64, 1, 0, 1, 0, 0},
        /* 0101z: decrement, branch if CTR = 0 and CR bit = 1 */
        {M64, 10, EQ, 1, 1, 0},
        {M64, 10, 0, 1, 0, 0},
        {M64, 10, EQ, 2, 0, 1},
        /* 0001z: decrement, branch if CTR = 0 and CR bit = 0 */
        {M64, 2, 0, 1, 1, 0},
        {M64, 2, EQ, 1, 0, 0},
        {M64, 3, 0, 3, 0, 2},
        /* 32-bit mode: the CTR test looks at the low word only. */
        {M32, 18, 0, 0x100000001ull, 1, 0x100000000ull},
        {M64, 18, 0, 0x100000001ull, 0, 0x100000000ull},
        {M32, 16, 0, 0x100000001ull, 0, 0x100000000ull},
        {M64, 16, 0, 0x100000001ull, 1, 0x100000000ull},
        {M32, 16, 0, 0, 1, ~0ull},
    };
    for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        begin(t[i].msr);
        CR(0) = t[i].cr0;
        h->cpu->ctr = t[i].ctr;
        h_code(h, enc_bc(t[i].bo, 2, 8, 0, 0)); /* 0: bc BO,eq,+8 */
        h_code(h, li(3, 1));                    /* 4: not-taken marker */
        RUN();
        if (GPR(3) != (uint64_t)!t[i].taken || h->cpu->ctr != t[i].ctr_after)
            fprintf(stderr, "bc case %u (BO=%u)\n", i, t[i].bo);
        CHECK_EQ(GPR(3), !t[i].taken);
        CHECK_EQ(h->cpu->ctr, t[i].ctr_after);
        CHECK_EQ(h->cpu->lr, 0);
    }

    /* BI selects any CR bit: CR6[SO] = bit 27. */
    begin(M64);
    CR(6) = SO;
    h_code(h, enc_bc(12, 27, 8, 0, 0));
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);

    /* bdnz loop: CTR = 5 iterations. */
    begin(M64);
    h->cpu->ctr = 5;
    h_code(h, enc_d(14, 3, 3, 1));      /* 0: addi r3,r3,1 */
    h_code(h, enc_bc(16, 0, -4, 0, 0)); /* 4: bdnz 0 */
    RUN();
    CHECK_EQ(GPR(3), 5);
    CHECK_EQ(h->cpu->ctr, 0);
}

static void test_bc_link_abs(void)
{
    /* bcl 20,31,+4: the "where am I" idiom. */
    begin(M64);
    h_code(h, enc_bc(20, 31, 4, 0, 1));
    RUN();
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
    /* Not taken: LR is still written. */
    begin(M64);
    CR(0) = EQ;
    h_code(h, li(4, 4));
    h_code(h, enc_bc(4, 2, 8, 0, 1)); /* 4: bnel +8 */
    h_code(h, li(3, 1));              /* 8 */
    RUN();
    CHECK_EQ(GPR(3), 1);
    CHECK_EQ(h->cpu->lr, H_CODE + 8);
    /* bca/bcla: absolute target (0x700 holds sc 1). */
    begin(M64);
    h_code(h, enc_bc(20, 0, 0x700, 1, 0));
    CHECK_EQ(h_run(h), 0x700);
    CHECK_EQ(h->cpu->srr1, 0);
    begin(M64);
    h_code(h, li(3, 1));
    h_code(h, enc_bc(12, 2, 0x500, 1, 1)); /* beqla: not taken */
    h_code(h, enc_bc(4, 2, 0x500, 1, 1));  /* bnela: taken */
    CHECK_EQ(h_run(h), 0x500);
    CHECK_EQ(h->cpu->lr, H_CODE + 12);
    CHECK_EQ(h->cpu->srr1, 0);
}

/* ---- bclr / bcctr / bctar ---- */

static void test_bclr(void)
{
    begin(M64);
    h->cpu->lr = H_CODE + 12 + 3;     /* low two bits ignored */
    h_code(h, enc_bxl(20, 0, 16, 0)); /* 0: blr */
    h_code(h, li(3, 1));              /* 4 */
    h_code(h, li(3, 2));              /* 8 */
    h_code(h, li(4, 4));              /* c */
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(GPR(4), 4);
    CHECK_EQ(h->cpu->lr, H_CODE + 15);

    /* Conditional: beqlr with EQ clear falls through. */
    begin(M64);
    h->cpu->lr = H_CODE + 8;
    CR(0) = GT;
    h_code(h, enc_bxl(12, 2, 16, 0));
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);

    /* bdnzlr decrements CTR. */
    begin(M64);
    h->cpu->lr = H_CODE + 8;
    h->cpu->ctr = 1;
    h_code(h, enc_bxl(16, 0, 16, 0));
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);
    CHECK_EQ(h->cpu->ctr, 0);

    /* bclrl: branches to the old LR, then LR = next instruction. */
    begin(M64);
    h->cpu->lr = H_CODE + 8;
    h_code(h, enc_bxl(20, 0, 16, 1)); /* 0: blrl */
    h_code(h, li(3, 1));              /* 4 */
    h_code(h, li(4, 2));              /* 8 */
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(GPR(4), 2);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
    /* Not taken: LR still updated. */
    begin(M64);
    h->cpu->lr = 0x700;
    CR(0) = EQ;
    h_code(h, enc_bxl(4, 2, 16, 1)); /* bnelrl */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
    /* blrl to itself-relative code: LR = 0x700 target, returns there. */
    begin(M64);
    h->cpu->lr = 0x700;
    h_code(h, enc_bxl(20, 0, 16, 1));
    CHECK_EQ(h_run(h), 0x700);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
}

static void test_bcctr(void)
{
    begin(M64);
    h->cpu->ctr = H_CODE + 12 + 2;
    h_code(h, enc_bxl(20, 0, 528, 0)); /* 0: bctr */
    h_code(h, li(3, 1));
    h_code(h, li(3, 2));
    h_code(h, li(4, 4)); /* c */
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(GPR(4), 4);
    CHECK_EQ(h->cpu->ctr, H_CODE + 14);
    CHECK_EQ(h->cpu->lr, 0);

    begin(M64);
    h->cpu->ctr = H_CODE + 8;
    h_code(h, enc_bxl(20, 0, 528, 1)); /* 0: bctrl */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);

    /* Conditional bcctr: beqctr. */
    begin(M64);
    h->cpu->ctr = H_CODE + 8;
    CR(0) = EQ;
    h_code(h, enc_bxl(12, 2, 528, 0));
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    begin(M64);
    h->cpu->ctr = H_CODE + 8;
    CR(0) = LT;
    h_code(h, enc_bxl(12, 2, 528, 1)); /* beqctrl: not taken, LR set */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
    CHECK_EQ(h->cpu->ctr, H_CODE + 8);

    /* BO[2] = 0 (invalid form): test the old CTR, branch to the old CTR,
     * decrement CTR in any case. */
    begin(M64);
    h->cpu->ctr = H_CODE + 8;
    h_code(h, enc_bxl(16, 0, 528, 0)); /* "bdnzctr" */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->ctr, H_CODE + 7);
    begin(M64);
    h->cpu->ctr = H_CODE + 8;
    h_code(h, enc_bxl(18, 0, 528, 0)); /* "bdzctr": old CTR != 0 */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);
    CHECK_EQ(h->cpu->ctr, H_CODE + 7);
    /* CTR = 1: the old value (1) passes "CTR != 0" where the decremented
     * one would not; the branch goes to 1 & ~3 = 0, an illegal word. */
    begin(M64);
    h->cpu->ctr = 1;
    h_code(h, enc_bxl(16, 0, 528, 0));
    CHECK_EQ(h_run(h), 0x700);
    CHECK_EQ(h->cpu->srr0, 0);
    CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
    CHECK_EQ(h->cpu->ctr, 0);
    begin(M64);
    h->cpu->ctr = H_CODE + 8;
    CR(0) = EQ;
    h_code(h, enc_bxl(0, 2, 528, 1)); /* "bdnzfctrl": CR bit set -> not taken */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);
    CHECK_EQ(h->cpu->ctr, H_CODE + 7);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
}

static void test_bctar(void)
{
    begin(M64);
    h->cpu->tar = H_CODE + 8 + 1;
    h_code(h, enc_bxl(20, 0, 560, 0)); /* bctar */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->lr, 0);

    begin(M64);
    h->cpu->tar = H_CODE + 8;
    h_code(h, enc_bxl(20, 0, 560, 1)); /* bctarl */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);

    /* bctar may decrement CTR (a valid form, unlike bcctr). */
    begin(M64);
    h->cpu->tar = H_CODE + 8;
    h->cpu->ctr = 2;
    h_code(h, enc_bxl(16, 0, 560, 0));
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->ctr, 1);
    begin(M64);
    h->cpu->tar = H_CODE + 8;
    h->cpu->ctr = 1;
    h_code(h, enc_bxl(16, 0, 560, 0));
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);
    CHECK_EQ(h->cpu->ctr, 0);
    begin(M64);
    h->cpu->tar = H_CODE + 8;
    CR(1) = GT;
    h_code(h, enc_bxl(4, 5, 560, 0)); /* branch if CR1[GT] = 0: not taken */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 1);
}

/* In 32-bit mode LR/CTR/TAR targets are truncated to 32 bits. */
static void test_truncation(void)
{
    begin(M32);
    h->cpu->ctr = 0xffffffff00000000ull + H_CODE + 8;
    h_code(h, enc_bxl(20, 0, 528, 1)); /* bctrl */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);

    begin(M32);
    h->cpu->lr = 0xabcdef0000000000ull + H_CODE + 8;
    h_code(h, enc_bxl(20, 0, 16, 0)); /* blr */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);

    begin(M32);
    h->cpu->tar = 0x8000000000000000ull + H_CODE + 8;
    h_code(h, enc_bxl(20, 0, 560, 0)); /* bctar */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);

    /* Untruncated, 0x100000700 would be outside RAM even in real mode
     * (which ignores only EA bits 0:3); truncated it is the sc 1 at 0x700. */
    static const unsigned xo[] = {16, 528, 560};
    for (unsigned i = 0; i < 6; i++) {
        begin(M32);
        h->cpu->lr = h->cpu->ctr = h->cpu->tar = 0x100000700ull;
        h_code(h, enc_bxl(20, 0, xo[i / 2], i & 1)); /* blr[l] / bctr[l] / bctar[l] */
        CHECK_EQ(h_run(h), 0x700);
        CHECK_EQ(h->cpu->srr1, 0);
        CHECK_EQ(h->cpu->lr, (i & 1) ? H_CODE + 4 : 0x100000700ull);
    }
    begin(M32);
    h->cpu->ctr = 0x100000000ull + H_CODE + 8;
    h_code(h, enc_bc(16, 0, 8, 0, 0)); /* bdnz: low word of CTR - 1 != 0 */
    h_code(h, li(3, 1));
    RUN();
    CHECK_EQ(GPR(3), 0);
    CHECK_EQ(h->cpu->ctr, 0x100000000ull + H_CODE + 7);
}

/* ---- CR logical ---- */

static void test_cr_logical(void)
{
    /* CR0 = 0101 and CR1 = 0011 give the input pairs (a, b) = (0,0),
     * (1,0), (0,1), (1,1) in bits 0/4, 1/5, 2/6, 3/7; each op writes its
     * truth table into CR2 (bit 8 + i = op(bit i, bit 4 + i)). */
    static const struct {
        unsigned xo;
        uint8_t table;
    } ops[] = {
        {257, 0x1}, /* crand:  0 0 0 1 */
        {129, 0x4}, /* crandc: 0 1 0 0 */
        {289, 0x9}, /* creqv:  1 0 0 1 */
        {225, 0xe}, /* crnand: 1 1 1 0 */
        {33, 0x8},  /* crnor:  1 0 0 0 */
        {449, 0x7}, /* cror:   0 1 1 1 */
        {417, 0xd}, /* crorc:  1 1 0 1 */
        {193, 0x6}, /* crxor:  0 1 1 0 */
    };
    for (unsigned k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        begin(M64);
        CR(0) = 0x5;
        CR(1) = 0x3;
        CR(2) = 0xa; /* overwritten bit by bit */
        CR(3) = 0xf;
        for (unsigned i = 0; i < 4; i++)
            h_code(h, enc_x(19, 8 + i, i, 4 + i, ops[k].xo, 0));
        RUN();
        CHECK_EQ(CR(2), ops[k].table);
        CHECK_EQ(CR(0), 0x5);
        CHECK_EQ(CR(1), 0x3);
        CHECK_EQ(CR(3), 0xf);
    }

    /* crxor 6,6,6 (clear CR1[EQ]) and creqv 31,31,31 (set CR7[SO]). */
    begin(M64);
    CR(1) = 0xf;
    h_code(h, enc_x(19, 6, 6, 6, 193, 0));
    h_code(h, enc_x(19, 31, 31, 31, 289, 0));
    RUN();
    CHECK_EQ(CR(1), 0xd);
    CHECK_EQ(CR(7), SO);

    /* mcrf */
    begin(M64);
    CR(5) = 0xa;
    CR(2) = 0x5;
    h_code(h, enc_x(19, 2 << 2, 5 << 2, 0, 0, 0)); /* mcrf cr2,cr5 */
    h_code(h, enc_x(19, 0 << 2, 2 << 2, 0, 0, 0)); /* mcrf cr0,cr2 */
    RUN();
    CHECK_EQ(CR(2), 0xa);
    CHECK_EQ(CR(0), 0xa);
    CHECK_EQ(CR(5), 0xa);
}

/* ---- CR <-> GPR, XER -> CR ---- */

static void test_cr_moves(void)
{
    begin(M64);
    for (unsigned i = 0; i < 8; i++)
        CR(i) = (uint8_t)(i + 1);
    GPR(5) = GPR(6) = GPR(7) = GPR(8) = ~0ull;
    h_code(h, enc_x(31, 5, 0, 0, 19, 0)); /* mfcr r5 */
    h_code(h, enc_mfocrf(6, 0x20));       /* mfocrf r6,cr2 */
    h_code(h, enc_mfocrf(7, 0x01));       /* mfocrf r7,cr7 */
    h_code(h, enc_mfocrf(8, 0x80));       /* mfocrf r8,cr0 */
    RUN();
    CHECK_EQ(GPR(5), 0x12345678);
    CHECK_EQ(GPR(6), 0x00300000);
    CHECK_EQ(GPR(7), 0x00000008);
    CHECK_EQ(GPR(8), 0x10000000);

    begin(M64);
    CR(0) = 0xf;
    CR(7) = 0xa;
    h_code(h, enc_x(31, 5, 0, 0, 19, 0));
    RUN();
    CHECK_EQ(GPR(5), 0xf000000a);

    /* mtcrf 0xff: all fields from RS[32:63]; RS[0:31] ignored. */
    begin(M64);
    GPR(3) = 0xffffffff89abcdefull;
    h_code(h, enc_mtcrf(3, 0xff, 0));
    RUN();
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(CR(i), 8 + i);

    /* mtcrf with some fields: only those change. */
    begin(M64);
    for (unsigned i = 0; i < 8; i++)
        CR(i) = 0x5;
    GPR(3) = 0x89abcdef;
    h_code(h, enc_mtcrf(3, 0x81, 0)); /* cr0 and cr7 */
    RUN();
    CHECK_EQ(CR(0), 0x8);
    CHECK_EQ(CR(7), 0xf);
    for (unsigned i = 1; i < 7; i++)
        CHECK_EQ(CR(i), 0x5);

    begin(M64);
    for (unsigned i = 0; i < 8; i++)
        CR(i) = 0x5;
    GPR(3) = 0x89abcdef;
    h_code(h, enc_mtcrf(3, 0x3c, 0)); /* cr2..cr5 */
    RUN();
    CHECK_EQ(CR(0), 0x5);
    CHECK_EQ(CR(1), 0x5);
    CHECK_EQ(CR(2), 0xa);
    CHECK_EQ(CR(3), 0xb);
    CHECK_EQ(CR(4), 0xc);
    CHECK_EQ(CR(5), 0xd);
    CHECK_EQ(CR(6), 0x5);
    CHECK_EQ(CR(7), 0x5);

    /* mtocrf: the one selected field. */
    begin(M64);
    GPR(3) = 0x89abcdef;
    h_code(h, enc_mtcrf(3, 0x08, 1)); /* mtocrf cr4 */
    RUN();
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(CR(i), i == 4 ? 0xc : 0);

    /* Round trip mtcrf 0xff / mfcr, and mtcrf 0 changes nothing. */
    begin(M64);
    GPR(3) = 0x0123fedcull;
    h_code(h, enc_mtcrf(3, 0xff, 0));
    h_code(h, enc_x(31, 5, 0, 0, 19, 0));
    h_code(h, enc_mtcrf(4, 0x00, 0)); /* r4 = 0, no field selected */
    h_code(h, enc_x(31, 6, 0, 0, 19, 0));
    RUN();
    CHECK_EQ(GPR(5), 0x0123fedcull);
    CHECK_EQ(GPR(6), 0x0123fedcull);

    /* Record forms then mfcr see the same CR0 (cmp writes cr0 = GT). */
    begin(M64);
    GPR(3) = 5;
    h_code(h, enc_d(11, (6 << 2) | 1, 3, 1)); /* cmpdi cr6,r3,1 */
    h_code(h, enc_x(31, 5, 0, 0, 19, 0));
    RUN();
    CHECK_EQ(GPR(5), GT << 4);

    /* mcrxrx: CR[BF] = OV OV32 CA CA32. */
    begin(M64);
    h->cpu->ov = 1;
    h->cpu->ca = 1;
    h->cpu->ca32 = 1;
    h->cpu->so = 1;
    h_code(h, enc_x(31, 3 << 2, 0, 0, 576, 0));
    RUN();
    CHECK_EQ(CR(3), 0xb);
    begin(M64);
    h->cpu->ov32 = 1;
    CR(5) = 0xf;
    h_code(h, enc_x(31, 5 << 2, 0, 0, 576, 0));
    RUN();
    CHECK_EQ(CR(5), 0x4);
}

int main(void)
{
    h_init(h);
    test_b();
    test_bc_bo();
    test_bc_link_abs();
    test_bclr();
    test_bcctr();
    test_bctar();
    test_truncation();
    test_cr_logical();
    test_cr_moves();
    h_fini(h);
    return check_summary("insn_branch");
}
