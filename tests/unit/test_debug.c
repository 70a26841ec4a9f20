/*
 * The CPU backend's debugging hooks (vmm/cpu/cpu.h set_breakpoint,
 * set_single_step) on the interpreter: a breakpoint stops before its
 * instruction, running on from it executes it, compiled code is dropped
 * so a breakpoint in a hot loop still hits, and single-step runs exactly
 * one instruction per run.
 */
#include "check.h"
#include "interp_harness.h"
#include "vmm/cpu/interp/jit.h"

static uint32_t addi(unsigned rt, unsigned ra, int16_t v)
{
    return enc_d(14, rt, ra, (uint16_t)v);
}

/* Runs from wherever nip is (h_run starts at H_CODE). */
static enum cpu_exit_reason resume(struct harness *h)
{
    struct cpu_exit exit;
    cpu_interp_backend.run((struct cpu *)h->cpu, &exit);
    return exit.reason;
}

static int set_bp(struct harness *h, uint64_t ea, bool on)
{
    return cpu_interp_backend.set_breakpoint((struct cpu *)h->cpu, ea, on);
}

/* r3 += 1 three times, then a loop that adds 1 to r4 ten times. */
static void program(struct harness *h)
{
    h_code(h, addi(3, 3, 1));           /* 0 */
    h_code(h, addi(3, 3, 1));           /* 1 */
    h_code(h, addi(3, 3, 1));           /* 2 */
    h_code(h, addi(5, 0, 10));          /* 3: li r5,10 */
    h_code(h, enc_spr(467, 5, 9));      /* 4: mtctr r5 */
    h_code(h, addi(4, 4, 1));           /* 5: loop */
    h_code(h, enc_bc(16, 0, -4, 0, 0)); /* 6: bdnz 5 */
}

static void test_breakpoint(struct harness *h)
{
    h_reset(h);
    program(h);
    CHECK_EQ(set_bp(h, H_CODE + 8, true), 0);
    /* Stops before instruction 2: two addis done. */
    CHECK_EQ(h_run(h), ~0ull); /* not an hcall exit */
    CHECK_EQ(h->cpu->nip, H_CODE + 8);
    CHECK_EQ(h->cpu->gpr[3], 2);
    /* Running on executes it and the rest. */
    CHECK_EQ(resume(h), CPU_EXIT_HCALL);
    CHECK_EQ(h->cpu->gpr[3], 3);
    CHECK_EQ(h->cpu->gpr[4], 10);
    CHECK_EQ(set_bp(h, H_CODE + 8, false), 0);
    CHECK_EQ(set_bp(h, H_CODE + 8, false), -1); /* no longer there */
}

static void test_breakpoint_in_hot_loop(struct harness *h)
{
    /* The loop runs compiled first (jit_hot = 1); a breakpoint set
     * afterwards must still stop every trip round it. */
    h_reset(h);
    h->cpu->jit_hot = 1;
    program(h);
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[4], 10);
    CHECK_EQ(set_bp(h, H_CODE + 20, true), 0);
    h->cpu->gpr[4] = 0;
    h->cpu->gpr[3] = 0;
    h->cpu->nip = H_CODE;
    for (unsigned trip = 0; trip < 10; trip++) {
        CHECK_EQ(resume(h), CPU_EXIT_DEBUG);
        CHECK_EQ(h->cpu->nip, H_CODE + 20);
        CHECK_EQ(h->cpu->gpr[4], trip);
    }
    CHECK_EQ(resume(h), CPU_EXIT_HCALL);
    CHECK_EQ(h->cpu->gpr[4], 10);
    CHECK_EQ(set_bp(h, H_CODE + 20, false), 0);
    h->cpu->jit_hot = JIT_HOT_DEFAULT;
}

static void test_breakpoint_after_moving(struct harness *h)
{
    /* Stopped at a breakpoint, the debugger moves nip elsewhere: the
     * next time the breakpoint is reached it stops again. */
    h_reset(h);
    program(h);
    CHECK_EQ(set_bp(h, H_CODE + 4, true), 0);
    CHECK_EQ(h_run(h), ~0ull);
    CHECK_EQ(h->cpu->nip, H_CODE + 4);
    h->cpu->nip = H_CODE; /* back to the start */
    CHECK_EQ(resume(h), CPU_EXIT_DEBUG);
    CHECK_EQ(h->cpu->nip, H_CODE + 4);
    CHECK_EQ(h->cpu->gpr[3], 2);
    CHECK_EQ(set_bp(h, H_CODE + 4, false), 0);
}

static void test_table_full(struct harness *h)
{
    h_reset(h);
    for (unsigned i = 0; i < PPC_MAX_BREAKPOINTS; i++)
        CHECK_EQ(set_bp(h, 0x100000 + 4 * i, true), 0);
    CHECK_EQ(set_bp(h, 0x100000, true), 0); /* already there */
    CHECK_EQ(set_bp(h, 0x200000, true), -1);
    for (unsigned i = 0; i < PPC_MAX_BREAKPOINTS; i++)
        CHECK_EQ(set_bp(h, 0x100000 + 4 * i, false), 0);
    CHECK_EQ(h->cpu->nbp, 0);
}

static void test_single_step(struct harness *h)
{
    static const uint64_t expect_nip[] = {4, 8, 12, 16, 20, 24, 20, 24};

    h_reset(h);
    program(h);
    cpu_interp_backend.set_single_step((struct cpu *)h->cpu, true);
    CHECK_EQ(h_run(h), ~0ull);
    CHECK_EQ(h->cpu->nip, H_CODE + 4);
    CHECK_EQ(h->cpu->gpr[3], 1);
    for (unsigned i = 1; i < sizeof(expect_nip) / sizeof(expect_nip[0]); i++) {
        CHECK_EQ(resume(h), CPU_EXIT_DEBUG);
        CHECK_EQ(h->cpu->nip, H_CODE + expect_nip[i]);
    }
    CHECK_EQ(h->cpu->gpr[3], 3);
    CHECK_EQ(h->cpu->gpr[4], 2); /* the loop body twice */
    CHECK_EQ(h->cpu->ctr, 9);
    cpu_interp_backend.set_single_step((struct cpu *)h->cpu, false);
    CHECK_EQ(resume(h), CPU_EXIT_HCALL);
    CHECK_EQ(h->cpu->gpr[4], 10);
}

int main(void)
{
    struct harness h;

    h_init(&h);
    test_breakpoint(&h);
    test_breakpoint_in_hot_loop(&h);
    test_breakpoint_after_moving(&h);
    test_table_full(&h);
    test_single_step(&h);
    h_fini(&h);
    return check_summary("debug");
}
