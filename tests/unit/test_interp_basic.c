/*
 * Interpreter framework: dispatch, in-page and cross-page branches, the
 * hcall exit, illegal instructions, self-modifying code, byte order of
 * instruction fetch.
 */
#include "check.h"
#include "interp_harness.h"

static void test_addi_and_exit(struct harness *h)
{
    h_reset(h);
    h_code(h, enc_d(14, 3, 0, 5));      /* li r3,5 */
    h_code(h, enc_d(14, 4, 3, 0xfffe)); /* addi r4,r3,-2 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], 5);
    CHECK_EQ(h->cpu->gpr[4], 3);
}

static void test_illegal(struct harness *h)
{
    h_reset(h);
    h_code(h, 0x00000000); /* primary 0: illegal */
    CHECK_EQ(h_run(h), 0x700);
    CHECK_EQ(h->cpu->srr0, H_CODE);
    CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
    CHECK(h->cpu->msr & MSR_SF);
}

static void test_cross_page(struct harness *h)
{
    /* Code running off the end of a page continues on the next one. */
    h_reset(h);
    for (unsigned i = 0; i < 1030; i++)
        h_code(h, enc_d(14, 5, 5, 1)); /* addi r5,r5,1 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[5], 1030);
}

static void test_branch_across_pages(struct harness *h)
{
    /* Slot 1023: b +8 lands on the second slot of the next page, which
     * branches back to slot 1022 (-12) of the first; in-page targets are
     * a record step, others go through lookup -- both must land right. */
    h_reset(h);
    for (unsigned i = 0; i < 1022; i++)
        h_code(h, 0x60000000);           /* nop */
    h_code(h, enc_b(12, 0, 0));          /* 1022: b +12 -> 1025 */
    h_code(h, enc_b(8, 0, 0));           /* 1023: b +8 -> 1025 (not reached) */
    h_code(h, enc_d(14, 3, 0, 1));       /* 1024: li r3,1 (skipped) */
    h_code(h, enc_d(14, 4, 4, 1));       /* 1025: addi r4,r4,1 */
    h_code(h, enc_d(11, 0, 4, 2));       /* 1026: cmpwi r4,2 */
    h_code(h, enc_bc(12, 2, 12, 0, 0));  /* 1027: beq +12 -> 1030 */
    h_code(h, enc_bc(20, 0, -20, 0, 0)); /* 1028: b(c) always -> 1023 */
    h_code(h, enc_d(14, 3, 0, 2));       /* 1029: li r3,2 (skipped) */
    h_code(h, enc_d(14, 5, 0, 5));       /* 1030: li r5,5 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], 0);
    CHECK_EQ(h->cpu->gpr[4], 2);
    CHECK_EQ(h->cpu->gpr[5], 5);
}

static void test_smc(struct harness *h)
{
    /* A store over a decoded instruction followed by isync runs the new one. */
    h_reset(h);
    h_code(h, enc_d(14, 3, 0, 1)); /* 0: li r3,1 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], 1);
    h->n = 0;
    h_code(h, enc_d(14, 3, 0, 1));            /* 0: li r3,1 (patched below) */
    h_code(h, enc_d(15, 4, 0, 0x3860));       /* 4: lis r4,0x3860 */
    h_code(h, enc_d(24, 4, 4, 7));            /* 8: ori r4,r4,7  -> "li r3,7" */
    h_code(h, enc_d(15, 6, 0, H_CODE >> 16)); /* c: lis r6,H_CODE@h */
    h_code(h, enc_d(36, 4, 6, 0));            /* 10: stw r4,0(r6) */
    h_code(h, 0x4c00012c);                    /* 14: isync */
    h_code(h, enc_d(11, 0, 3, 7));            /* 18: cmpwi r3,7 */
    h_code(h, enc_bc(12, 2, 12, 0, 0));       /* 1c: beq +12 -> sc at end */
    h_code(h, enc_d(14, 3, 0, 0));            /* 20: li r3,0 */
    h_code(h, enc_b(-0x24, 0, 0));            /* 24: b 0 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], 7);
}

/*
 * A page that held code is written as data (unprotected: later stores are
 * fast), executed again (marked as code again), then patched and isync'd:
 * the patch must be seen.  Code runs from H_CODE; the page is H_CODE+0x1000.
 */
static void test_smc_after_data_use(struct harness *h)
{
    const uint32_t P = H_CODE + 0x1000;

    h_reset(h);
    h_put32(h, P, 0x4e800020, 0);                   /* P:    blr */
    h_put32(h, P + 4, enc_d(14, 10, 10, 1), 0);     /* P+4:  addi r10,r10,1 */
    h_put32(h, P + 8, enc_d(14, 3, 0, 1), 0);       /* P+8:  li r3,1 (patched to li r3,2) */
    h_put32(h, P + 12, enc_d(36, 7, 4, 0), 0);      /* P+c:  stw r7,0(r4) */
    h_put32(h, P + 16, 0x4c00012c, 0);              /* P+10: isync */
    h_put32(h, P + 20, enc_d(11, 0, 3, 2), 0);      /* P+14: cmpwi r3,2 */
    h_put32(h, P + 24, enc_bc(4, 2, -20, 0, 0), 0); /* P+18: bne P+4 */
    h_put32(h, P + 28, 0x4e800020, 0);              /* P+1c: blr */
    h->cpu->gpr[4] = P + 8;
    h->cpu->gpr[5] = P + 0x800;
    h->cpu->gpr[7] = enc_d(14, 3, 0, 2);     /* li r3,2 */
    h_code(h, enc_b(0x1000, 0, 1));          /* 0: bl P: decode P */
    h_code(h, enc_d(36, 6, 5, 0));           /* 4: stw r6,0(r5): data into P */
    h_code(h, enc_d(36, 6, 5, 4));           /* 8: stw r6,4(r5): fast now */
    h_code(h, enc_b(0x1000 - 12 + 4, 0, 1)); /* c: bl P+4: P is code again */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], 2);
    /* The patch is seen after the first isync: one extra pass, not two. */
    CHECK_EQ(h->cpu->gpr[10], 2);
}

static void test_le_fetch(struct harness *h)
{
    h_reset(h);
    h->msr = MSR_SF | MSR_LE;
    h_code(h, enc_d(14, 3, 0, 42));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], 42);
}

int main(void)
{
    struct harness h;

    h_init(&h);
    test_addi_and_exit(&h);
    test_illegal(&h);
    test_cross_page(&h);
    test_branch_across_pages(&h);
    test_smc(&h);
    test_smc_after_data_use(&h);
    test_le_fetch(&h);
    h_fini(&h);
    return check_summary("interp-basic");
}
