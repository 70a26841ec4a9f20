/*
 * The CPU backend's debugging hooks (vmm/cpu/cpu.h set_breakpoint,
 * set_single_step, set_watchpoint) on the interpreter: a breakpoint stops
 * before its instruction, running on from it executes it, compiled code
 * is dropped so a breakpoint in a hot loop still hits, single-step runs
 * exactly one instruction per run, and a watchpoint stops before the
 * access it matches -- also in compiled code -- and no other.
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

static int set_wp(struct harness *h, uint64_t ea, uint64_t len, unsigned kind, bool on)
{
    return cpu_interp_backend.set_watchpoint((struct cpu *)h->cpu, ea, len, kind, on);
}

static enum cpu_exit_reason resume_exit(struct harness *h, struct cpu_exit *exit)
{
    cpu_interp_backend.run((struct cpu *)h->cpu, exit);
    return exit->reason;
}

/*
 * A loop of 5 trips: r6 = load H_DATA+8; store r3 to H_DATA+8; r3 += 1,
 * with r7 = H_DATA.  Compiled at once when jit_hot is 1.
 */
static void watch_program(struct harness *h)
{
    h_code(h, enc_d(15, 7, 0, H_DATA >> 16)); /* 0: lis r7,H_DATA>>16 */
    h_code(h, addi(5, 0, 5));                 /* 1: li r5,5 */
    h_code(h, enc_spr(467, 5, 9));            /* 2: mtctr r5 */
    h_code(h, addi(3, 0, 100));               /* 3: li r3,100 */
    h_code(h, enc_ds(58, 6, 7, 8, 0));        /* 4: ld r6,8(r7) (loop) */
    h_code(h, enc_ds(62, 3, 7, 8, 0));        /* 5: std r3,8(r7) */
    h_code(h, addi(3, 3, 1));                 /* 6 */
    h_code(h, enc_bc(16, 0, -12, 0, 0));      /* 7: bdnz 4 */
}

static uint64_t data_word(struct harness *h)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | h->mem.ram[H_DATA + 8 + i];
    return v;
}

static void test_watchpoints(struct harness *h, uint8_t hot)
{
    struct cpu_exit exit;

    h_reset(h);
    h->cpu->jit_hot = hot;
    watch_program(h);
    /* A first run without watchpoints (compiles the loop when hot = 1). */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(data_word(h), 104);
    memset(h->mem.ram + H_DATA, 0, 16);
    h->cpu->nip = H_CODE;
    /* A write watch on the doubleword: stops before each store. */
    CHECK_EQ(set_wp(h, H_DATA + 8, 8, CPU_WATCH_WRITE, true), 0);
    for (unsigned trip = 0; trip < 5; trip++) {
        CHECK_EQ(resume_exit(h, &exit), CPU_EXIT_DEBUG);
        CHECK_EQ(h->cpu->nip, H_CODE + 20);
        CHECK_EQ(exit.debug_watch, CPU_WATCH_WRITE);
        CHECK_EQ(exit.debug_addr, H_DATA + 8);
        /* Not stored yet: the word holds the previous trip's value. */
        CHECK_EQ(data_word(h), trip ? 100 + trip - 1 : 0);
        CHECK_EQ(h->cpu->gpr[6], trip ? 100 + trip - 1 : 0);
    }
    CHECK_EQ(resume_exit(h, &exit), CPU_EXIT_HCALL);
    CHECK_EQ(data_word(h), 104);
    CHECK_EQ(set_wp(h, H_DATA + 8, 8, CPU_WATCH_WRITE, false), 0);

    /* A read watch on one byte of it: stops before the load only. */
    h->cpu->nip = H_CODE;
    CHECK_EQ(set_wp(h, H_DATA + 15, 1, CPU_WATCH_READ, true), 0);
    CHECK_EQ(resume_exit(h, &exit), CPU_EXIT_DEBUG);
    CHECK_EQ(h->cpu->nip, H_CODE + 16);
    CHECK_EQ(exit.debug_watch, CPU_WATCH_READ);
    CHECK_EQ(exit.debug_addr, H_DATA + 8);
    CHECK_EQ(set_wp(h, H_DATA + 15, 1, CPU_WATCH_READ, false), 0);

    /* An access watch next to the word, on the same page: no stop. */
    h->cpu->nip = H_CODE;
    CHECK_EQ(set_wp(h, H_DATA + 16, 8, CPU_WATCH_ACCESS, true), 0);
    CHECK_EQ(resume_exit(h, &exit), CPU_EXIT_HCALL);
    CHECK_EQ(data_word(h), 104);
    CHECK_EQ(set_wp(h, H_DATA + 16, 8, CPU_WATCH_ACCESS, false), 0);

    /* An access watch on it stops at the load, then at the store. */
    h->cpu->nip = H_CODE;
    CHECK_EQ(set_wp(h, H_DATA, 16, CPU_WATCH_ACCESS, true), 0);
    CHECK_EQ(resume_exit(h, &exit), CPU_EXIT_DEBUG);
    CHECK_EQ(h->cpu->nip, H_CODE + 16);
    CHECK_EQ(exit.debug_watch, CPU_WATCH_ACCESS);
    CHECK_EQ(resume_exit(h, &exit), CPU_EXIT_DEBUG);
    CHECK_EQ(h->cpu->nip, H_CODE + 20);
    CHECK_EQ(set_wp(h, H_DATA, 16, CPU_WATCH_ACCESS, false), 0);
    CHECK_EQ(h->cpu->nwp, 0);
    h->cpu->jit_hot = JIT_HOT_DEFAULT;
}

static void test_watch_arguments(struct harness *h)
{
    h_reset(h);
    CHECK_EQ(set_wp(h, H_DATA, 0, CPU_WATCH_WRITE, true), -1);
    CHECK_EQ(set_wp(h, H_DATA, 4097, CPU_WATCH_WRITE, true), -1);
    CHECK_EQ(set_wp(h, H_DATA, 8, 0, true), -1);
    CHECK_EQ(set_wp(h, H_DATA, 8, 4, true), -1);
    CHECK_EQ(set_wp(h, H_DATA, 8, CPU_WATCH_READ, false), -1);
    for (unsigned i = 0; i < PPC_MAX_WATCHPOINTS; i++)
        CHECK_EQ(set_wp(h, H_DATA + 64 * i, 8, CPU_WATCH_READ, true), 0);
    CHECK_EQ(set_wp(h, H_DATA + 4000, 8, CPU_WATCH_READ, true), -1);
    for (unsigned i = 0; i < PPC_MAX_WATCHPOINTS; i++)
        CHECK_EQ(set_wp(h, H_DATA + 64 * i, 8, CPU_WATCH_READ, false), 0);
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
    test_watchpoints(&h, 0);
    test_watchpoints(&h, 1);
    test_watch_arguments(&h);
    h_fini(&h);
    return check_summary("debug");
}
