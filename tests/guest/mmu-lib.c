/*
 * The C side of the MMU payloads' scaffolding (mmu-lib.h): per-vCPU
 * blocks, the interrupt handler every vector calls, console output and
 * failure, hcalls, and the second vCPU's loop.
 */
#include "mmu-lib.h"

#define CPUS       2
#define STACK_SLOT 0x10000 /* per vCPU below __stack_top: stack, then exception stack */

struct percpu cpus[CPUS];
struct mailbox mbox;
volatile uint64_t cpu1_run_va, cpu1_msr, cpu1_args[3], cpu1_done, cpu1_ret;
void (*volatile cpu1_setup)(void);
extern char __stack_top[];

uint64_t call_mode(uint64_t ea, uint64_t msr, uint64_t a, uint64_t b, uint64_t c, uint64_t d);
int on_interrupt(unsigned long vec, struct frame *f);
void percpu_setup(unsigned long index);
void payload_main(unsigned long cpu);
void mmu_main(void);

struct percpu *this_cpu(void)
{
    return (struct percpu *)MFSPR(272);
}

/* r3 = vCPU index (mmu-start.S): the vectors find the block in SPRG0. */
void percpu_setup(unsigned long index)
{
    struct percpu *pc = &cpus[index];
    uint64_t toc;

    __asm__ volatile("mr %0, 2" : "=r"(toc));
    pc->estack = (uint64_t)__stack_top - index * STACK_SLOT - STACK_SLOT / 2;
    pc->toc = toc;
    pc->index = (unsigned)index;
    MTSPR(272, pc);
}

long hcall_n(unsigned long op, const unsigned long in[8], unsigned long out[8])
{
    register unsigned long r3 __asm__("r3") = op;
    register unsigned long r4 __asm__("r4") = in[0];
    register unsigned long r5 __asm__("r5") = in[1];
    register unsigned long r6 __asm__("r6") = in[2];
    register unsigned long r7 __asm__("r7") = in[3];
    register unsigned long r8 __asm__("r8") = in[4];
    register unsigned long r9 __asm__("r9") = in[5];
    register unsigned long r10 __asm__("r10") = in[6];
    register unsigned long r11 __asm__("r11") = in[7];

    __asm__ volatile("sc 1"
                     : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8), "+r"(r9),
                       "+r"(r10), "+r"(r11)
                     :
                     : "r0", "r12", "ctr", "xer", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
    if (out) {
        out[0] = r4;
        out[1] = r5;
        out[2] = r6;
        out[3] = r7;
        out[4] = r8;
        out[5] = r9;
        out[6] = r10;
        out[7] = r11;
    }
    return (long)r3;
}

void puts_(const char *s)
{
    while (*s) {
        unsigned long w[2] = {0, 0};
        unsigned k = 0;
        while (k < 16 && s[k]) {
            w[k / 8] |= (unsigned long)(uint8_t)s[k] << (56 - 8 * (k % 8));
            k++;
        }
        HC(H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, k, w[0], w[1]);
        s += k;
    }
}

void put_hex(uint64_t v)
{
    char b[19] = "0x";
    int n = 2;

    for (int sh = 60; sh >= 0; sh -= 4)
        if ((v >> sh) || sh == 0 || n > 2)
            b[n++] = "0123456789abcdef"[(v >> sh) & 15];
    b[n] = 0;
    puts_(b);
}

static void __attribute__((noreturn)) power_off(unsigned status)
{
    HC(PETREL_H_POWER_OFF, status);
    for (;;)
        ;
}

void fail(unsigned n, const char *what, uint64_t got, uint64_t want)
{
    puts_(payload_name);
    puts_(" FAIL ");
    put_hex(n);
    puts_(": ");
    puts_(what);
    puts_(", got ");
    put_hex(got);
    puts_(" want ");
    put_hex(want);
    puts_("\n");
    power_off(n);
}

void pass(void)
{
    puts_(payload_name);
    puts_(": all ok\n");
    power_off(0);
}

void zero(uint64_t pa, uint64_t len)
{
    for (uint64_t i = 0; i < len; i += 8)
        st64(pa + i, 0);
}

/*
 * Every interrupt comes here (mmu-start.S), in real mode on the vCPU's
 * exception stack.  The decrementer (problem state runs with EE on) is
 * pushed back and resumed; sc 0 ends the run in progress with its r3;
 * any other interrupt is recorded and ends the run with FAULTED unless
 * the test's fixup handles it.  An interrupt outside a run, or inside
 * this handler, is a failure.
 */
int on_interrupt(unsigned long vec, struct frame *f)
{
    struct percpu *pc = this_cpu();
    int resume = 1;

    if (pc->depth++) {
        puts_("interrupt inside the handler\n");
        power_off(250);
    }
    if (vec == 0x900) {
        MTSPR(SPR_DEC, 0x7fffffff);
        resume = 0;
    } else if (!pc->in_call) {
        puts_(payload_name);
        puts_(": unexpected interrupt ");
        put_hex(vec);
        puts_(" at ");
        put_hex(f->srr0);
        puts_(" SRR1 ");
        put_hex(f->srr1);
        puts_(" DAR ");
        put_hex(f->dar);
        puts_("\n");
        power_off(251);
    } else if (vec == 0xc00) {
        for (unsigned i = 0; i < 4; i++)
            pc->ret[i] = f->gpr[3 + i];
        pc->in_call = 0;
    } else if (pc->fixup && pc->fixup(pc, (unsigned)vec, f)) {
        pc->fixups++;
        resume = 0;
    } else {
        pc->vec = (unsigned)vec;
        pc->srr0 = f->srr0;
        pc->srr1 = f->srr1;
        pc->dar = f->dar;
        pc->dsisr = f->dsisr;
        f->gpr[3] = FAULTED;
        pc->in_call = 0;
    }
    pc->depth--;
    return resume;
}

uint64_t run4(uint64_t ea, uint64_t msr, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    struct percpu *pc = this_cpu();

    MTSPR(SPR_DEC, 0x7fffffff);
    MTSPR(SPR_DAR, DAR_SENTINEL);
    MTSPR(SPR_DSISR, DSISR_SENTINEL);
    pc->vec = 0;
    return call_mode(ea, msr, a, b, c, d);
}

uint64_t msr_seen(uint64_t msr)
{
    msr = (msr & ~MSR_ME) | (mfmsr() & MSR_ME);
    if (msr & MSR_PR)
        msr |= MSR_EE | MSR_IR | MSR_DR;
    return msr;
}

void expect_fault(unsigned n, uint64_t ret, unsigned vec, uint64_t srr0, uint64_t srr1,
                  uint64_t dar, uint64_t dsisr)
{
    struct percpu *pc = this_cpu();

    CHECK(n, "run ended by an interrupt", ret, FAULTED);
    CHECK(n, "vector", pc->vec, vec);
    CHECK(n, "SRR0", pc->srr0, srr0);
    CHECK(n, "SRR1", pc->srr1, srr1);
    if (dar != NO_CHECK)
        CHECK(n, "DAR", pc->dar, dar);
    if (dsisr != NO_CHECK)
        CHECK(n, "DSISR", pc->dsisr, dsisr);
}

void wait_seq(uint64_t n)
{
    uint64_t t0 = MFSPR(268), past = __atomic_load_n(&mbox.seq, __ATOMIC_ACQUIRE), seq;

    while ((seq = __atomic_load_n(&mbox.seq, __ATOMIC_ACQUIRE)) < past + n) {
        if (cpu1_done || MFSPR(268) - t0 > 10ull * PETREL_TB_FREQ)
            fail(240, "vCPU 1 stopped watching", cpu1_done, seq);
    }
}

/* Starts vCPU 1 on its next run (cpu1_* set by the caller). */
void start_cpu1(unsigned n)
{
    unsigned long out[8];
    uint64_t t0 = MFSPR(268);
    long rc;

    do
        HCO(out, PETREL_H_QUERY_CPU, 1);
    while (out[0] != PETREL_CPU_STOPPED && MFSPR(268) - t0 < 10ull * PETREL_TB_FREQ);
    CHECK(n, "vCPU 1 stopped before its start", out[0], PETREL_CPU_STOPPED);
    cpu1_done = 0;
    mbox.seq = 0;
    mbox.seen = 0;
    mbox.stop = 0;
    rc = HC(PETREL_H_START_CPU, 1, (unsigned long)secondary_start, 1);
    CHECK(n, "start-cpu", rc, H_SUCCESS);
}

static void __attribute__((noreturn)) secondary_main(void)
{
    if (cpu1_setup)
        cpu1_setup();
    cpu1_ret = run(cpu1_run_va, cpu1_msr, cpu1_args[0], cpu1_args[1], cpu1_args[2]);
    __atomic_store_n(&cpu1_done, 1, __ATOMIC_RELEASE);
    HC(PETREL_H_STOP_SELF);
    for (;;)
        ;
}

void payload_main(unsigned long cpu)
{
    if (cpu != 0)
        secondary_main();
    mmu_main();
    pass();
}
