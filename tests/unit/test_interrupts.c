/*
 * Asynchronous and system-level interrupts of the interpreter: the
 * decrementer (level, EE-gated, woken by its host timer), the external
 * line, AIL relocation, interrupt endianness (LPCR[ILE]), scv and FSCR,
 * single-step and branch trace, and the FP/VMX/VSX unavailable
 * interrupts of instructions petrel does not execute yet.
 */
#include "check.h"
#include "interp_harness.h"

#define R(n)               (h->cpu->gpr[n])
#define XF(rt, ra, rb, xo) ((31u << 26) | ((rt) << 21) | ((ra) << 16) | ((rb) << 11) | ((xo) << 1))
#define MTSPR(spr, rs)     XF(rs, (spr)&31u, (spr) >> 5, 467u)
#define MFSPR(rt, spr)     XF(rt, (spr)&31u, (spr) >> 5, 339u)
#define MTMSRD(rs, l)      XF(rs, l, 0u, 178u)
#define LI(rt, v)          enc_d(14, rt, 0, (v))
#define SCV(lev)           (0x44000001u | ((lev) << 5))
#define B_SELF             enc_b(0, 0, 0)

static void start(struct harness *h, uint64_t msr)
{
    h_reset(h);
    h->msr = msr;
}

/* DEC set small, EE on, then spin: the timer thread must interrupt the
 * loop, SRR0 = the loop, SRR1 = the MSR with EE. */
static void test_decrementer(struct harness *h)
{
    start(h, MSR_SF);
    R(3) = 5120; /* 10 us */
    R(4) = MSR_SF | MSR_EE;
    h_code(h, MTSPR(22, 3));
    h_code(h, MTMSRD(4, 1));
    h_code(h, B_SELF);
    CHECK_EQ(h_run(h), VEC_DECREMENTER);
    CHECK_EQ(h->cpu->srr0, H_CODE + 8);
    CHECK(h->cpu->srr1 & MSR_EE);
    CHECK(!(h->cpu->msr & MSR_EE));

    /* With EE off a negative DEC stays pending; mtmsrd EE=1 takes it at
     * once, SRR0 = the instruction after the mtmsrd. */
    start(h, MSR_SF);
    R(3) = ~0ull; /* -1: pending now */
    R(4) = MSR_SF | MSR_EE;
    h_code(h, MTSPR(22, 3));
    h_code(h, LI(5, 1));
    h_code(h, MTMSRD(4, 1));
    h_code(h, LI(6, 1));
    CHECK_EQ(h_run(h), VEC_DECREMENTER);
    CHECK_EQ(h->cpu->srr0, H_CODE + 12);
    CHECK_EQ(R(5), 1);
    CHECK_EQ(R(6), 0);

    /* Writing a positive value clears the condition (level-triggered). */
    start(h, MSR_SF);
    R(3) = ~0ull;
    R(7) = 512000000; /* 1 s */
    R(4) = MSR_SF | MSR_EE;
    h_code(h, MTSPR(22, 3));
    h_code(h, MTSPR(22, 7));
    h_code(h, MTMSRD(4, 1));
    h_code(h, LI(6, 1));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(6), 1);
}

static void test_external(struct harness *h)
{
    /* Raised while EE is off: nothing until EE comes on. */
    start(h, MSR_SF);
    cpu_interp_backend.set_irq((struct cpu *)h->cpu, true);
    CHECK(cpu_interp_backend.irq_pending((struct cpu *)h->cpu));
    R(4) = MSR_SF | MSR_EE;
    h_code(h, LI(5, 1));
    h_code(h, MTMSRD(4, 1));
    h_code(h, LI(6, 1));
    CHECK_EQ(h_run(h), VEC_EXTERNAL);
    CHECK_EQ(h->cpu->srr0, H_CODE + 8);
    CHECK_EQ(R(5), 1);
    CHECK_EQ(R(6), 0);
    cpu_interp_backend.set_irq((struct cpu *)h->cpu, false);
    CHECK(!cpu_interp_backend.irq_pending((struct cpu *)h->cpu));
}

/* AIL=3 relocates interrupts from translated contexts only, never system
 * reset or machine check (Book III 7.3). */
static void test_ail(struct harness *h)
{
    struct ppc_cpu *c = h->cpu;

    start(h, MSR_SF);
    cpu_interp_backend.set_lpcr((struct cpu *)c, CPU_LPCR_AIL, CPU_LPCR_AIL);
    ppc_store_msr(c, MSR_SF | MSR_IR | MSR_DR | MSR_EE);
    ppc_raise(c, VEC_DECREMENTER, 0x1234, 0);
    CHECK_EQ(c->nip, 0xc000000000004900ull);
    CHECK_EQ(c->msr & (MSR_IR | MSR_DR), MSR_IR | MSR_DR);
    CHECK_EQ(c->srr0, 0x1234);

    ppc_store_msr(c, MSR_SF | MSR_IR | MSR_DR | MSR_ME);
    ppc_raise(c, VEC_MACHINE_CHECK, 0x1234, 0);
    CHECK_EQ(c->nip, VEC_MACHINE_CHECK);
    CHECK_EQ(c->msr & (MSR_IR | MSR_DR | MSR_ME), 0);

    ppc_store_msr(c, MSR_SF | MSR_IR); /* DR off: real-mode vector */
    ppc_raise(c, VEC_PROGRAM, 0x1234, SRR1_PROG_TRAP);
    CHECK_EQ(c->nip, VEC_PROGRAM);
    CHECK_EQ(c->msr & (MSR_IR | MSR_DR), 0);

    cpu_interp_backend.set_lpcr((struct cpu *)c, CPU_LPCR_AIL, 2ull << 23); /* AIL=2 */
    ppc_store_msr(c, MSR_SF | MSR_IR | MSR_DR);
    ppc_raise(c, VEC_DECREMENTER, 0x1234, 0);
    CHECK_EQ(c->nip, 0x18900);
    CHECK_EQ(c->msr & (MSR_IR | MSR_DR), MSR_IR | MSR_DR);

    cpu_interp_backend.set_lpcr((struct cpu *)c, CPU_LPCR_AIL, 1ull << 23); /* AIL=1: reserved */
    ppc_store_msr(c, MSR_SF | MSR_IR | MSR_DR);
    ppc_raise(c, VEC_PROGRAM, 0x1234, 0);
    CHECK_EQ(c->nip, VEC_PROGRAM);
}

/* LPCR[ILE]: interrupts are taken little-endian (set by H_SET_MODE). */
static void test_ile(struct harness *h)
{
    start(h, MSR_SF | MSR_LE);
    cpu_interp_backend.set_lpcr((struct cpu *)h->cpu, CPU_LPCR_ILE, CPU_LPCR_ILE);
    h_code(h, 0x7fe00008); /* trap */
    CHECK_EQ(h_run(h), VEC_PROGRAM);
    CHECK(h->cpu->msr & MSR_LE);
    CHECK(h->cpu->srr1 & SRR1_PROG_TRAP);

    /* Without ILE a little-endian context takes interrupts big-endian. */
    start(h, MSR_SF | MSR_LE);
    h_code(h, 0x7fe00008);
    h_put32(h, VEC_PROGRAM, SC1, 0);
    ppc_store_msr(h->cpu, h->msr);
    h->cpu->nip = H_CODE;
    {
        struct cpu_exit exit;
        cpu_interp_backend.run((struct cpu *)h->cpu, &exit);
        CHECK_EQ(exit.reason, CPU_EXIT_HCALL);
    }
    CHECK_EQ(h->cpu->nip, VEC_PROGRAM + 4);
    CHECK(!(h->cpu->msr & MSR_LE));
}

/* scv: FSCR[SCV] gates it (facility unavailable, cause 12); when allowed
 * LR = next, CTR = MSR, vector 0x17000 + 0x20 * LEV, EE kept. */
static void test_scv(struct harness *h)
{
    start(h, MSR_SF | MSR_EE);
    h->cpu->fscr = 0;
    h_code(h, SCV(0));
    CHECK_EQ(h_run(h), VEC_FAC_UNAVAIL);
    CHECK_EQ(h->cpu->srr0, H_CODE);
    CHECK_EQ(h->cpu->fscr >> 56, 12);

    start(h, MSR_SF | MSR_EE | MSR_RI);
    h->cpu->fscr = 1ull << 12;
    h->cpu->srr0 = 0x5555;
    h_put32(h, 0x17000 + 0x20 * 3, SC1, 0);
    h_code(h, SCV(3));
    CHECK_EQ(h_run(h), 0x17000 + 0x20 * 3);
    CHECK_EQ(h->cpu->lr, H_CODE + 4);
    CHECK_EQ(h->cpu->ctr, MSR_SF | MSR_EE | MSR_RI);
    CHECK_EQ(h->cpu->srr0, 0x5555);
    CHECK_EQ(h->cpu->msr & (MSR_EE | MSR_RI), MSR_EE | MSR_RI);
}

/* MSR[SE]: a trace interrupt after each instruction, SRR0 = the next;
 * MSR[BE]: only after branches.  An instruction that interrupts by itself
 * is not traced. */
static void test_trace(struct harness *h)
{
    start(h, MSR_SF | MSR_SE);
    h_code(h, LI(3, 7));
    h_code(h, LI(4, 8));
    CHECK_EQ(h_run(h), VEC_TRACE);
    CHECK_EQ(h->cpu->srr0, H_CODE + 4);
    CHECK_EQ(R(3), 7);
    CHECK_EQ(R(4), 0);
    CHECK(h->cpu->srr1 & MSR_SE);
    CHECK(!(h->cpu->msr & MSR_SE));

    start(h, MSR_SF | MSR_BE);
    h_code(h, LI(3, 7));
    h_code(h, enc_b(8, 0, 0)); /* b +8 */
    h_code(h, LI(4, 8));
    h_code(h, LI(5, 9));
    CHECK_EQ(h_run(h), VEC_TRACE);
    CHECK_EQ(h->cpu->srr0, H_CODE + 12);
    CHECK_EQ(R(3), 7);
    CHECK_EQ(R(4), 0);
    CHECK_EQ(R(5), 0);

    start(h, MSR_SF | MSR_SE);
    h_code(h, 0x7fe00008); /* trap: program interrupt, no trace */
    CHECK_EQ(h_run(h), VEC_PROGRAM);
    CHECK_EQ(h->cpu->srr0, H_CODE);
}

/* FP, VMX and VSX instructions: the facility's unavailable interrupt
 * while its MSR bit is off (Book III 7.5.10, 7.5.16, 7.5.17), executed
 * while it is on. */
static void test_facilities(struct harness *h)
{
    static const struct {
        uint32_t word;
        uint64_t enable;
        unsigned vector;
    } cases[] = {
        {0xc8640010, MSR_FP, VEC_FP_UNAVAIL},   /* lfd f3,16(r4) */
        {0xfc64317a, MSR_FP, VEC_FP_UNAVAIL},   /* fmadd f3,f4,f5,f6 */
        {0x7c642cae, MSR_FP, VEC_FP_UNAVAIL},   /* lfdx f3,r4,r5 */
        {0x106429ab, MSR_VEC, VEC_VMX_UNAVAIL}, /* vperm v3,v4,v5,v6 */
        {0x7c6428ce, MSR_VEC, VEC_VMX_UNAVAIL}, /* lvx v3,r4,r5 */
        {0xf0642c90, MSR_VSX, VEC_VSX_UNAVAIL}, /* xxlor vs3,vs4,vs5 */
        {0x7c642e98, MSR_VSX, VEC_VSX_UNAVAIL}, /* lxvd2x vs3,r4,r5 */
        {0xf4640011, MSR_VSX, VEC_VSX_UNAVAIL}, /* lxv vs3,16(r4) */
        {0x7c080166, MSR_FP, VEC_FP_UNAVAIL},   /* mtvsrd f0,r8 (VSR 0-31: FP) */
        {0x7c080167, MSR_VEC, VEC_VMX_UNAVAIL}, /* mtvsrd vs32,r8 (VSR 32-63: VEC) */
        {0xfc642808, MSR_VSX, VEC_VSX_UNAVAIL}, /* xsaddqp v3,v4,v5 */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        start(h, MSR_SF);
        h_code(h, cases[i].word);
        CHECK_EQ(h_run(h), cases[i].vector);
        CHECK_EQ(h->cpu->srr0, H_CODE);

        start(h, MSR_SF | cases[i].enable);
        h_code(h, cases[i].word);
        CHECK_EQ(h_run(h), H_END(h));
    }
}

/*
 * A reservation and another vCPU's store (Book II 1.7.3): vCPU 0 takes a
 * reservation with lwarx and stops; vCPU 1 stores a different value to the
 * granule; vCPU 0's stwcx. must fail and store nothing.  Without the other
 * store it succeeds.  (A store of the *same* value is where petrel's
 * compare-and-swap reservation differs from the architecture, as QEMU's
 * does: the stwcx. then succeeds.  Linux's atomics do not depend on it.)
 */
static void run_until_sc(struct ppc_cpu *c, uint64_t nip)
{
    struct cpu_exit exit;
    c->nip = nip;
    cpu_interp_backend.run((struct cpu *)c, &exit);
}

static void test_reservation_other_vcpu(struct harness *h)
{
    struct ppc_cpu *c1 = (struct ppc_cpu *)cpu_interp_backend.create(&h->mem, 1, 0x004e1202);
    const uint64_t addr = H_DATA;

    for (int other_store = 0; other_store < 2; other_store++) {
        start(h, MSR_SF);
        h->mem.ram[addr + 3] = 1;                /* word at H_DATA = 1 (big-endian) */
        h_put32(h, H_CODE, XF(3, 0, 4, 20u), 0); /* lwarx r3,0,r4 */
        h_put32(h, H_CODE + 4, SC1, 0);
        h_put32(h, H_CODE + 8, XF(5, 0, 4, 150u) | 1, 0); /* stwcx. r5,0,r4 */
        h_put32(h, H_CODE + 12, SC1, 0);
        h_put32(h, H_CODE + 0x100, XF(6, 0, 4, 151u), 0); /* stw r6,0,r4 */
        h_put32(h, H_CODE + 0x104, SC1, 0);
        ppc_store_msr(h->cpu, MSR_SF);
        ppc_store_msr(c1, MSR_SF);
        h->cpu->gpr[4] = c1->gpr[4] = addr;
        h->cpu->gpr[5] = 0x55;
        c1->gpr[6] = 2;
        run_until_sc(h->cpu, H_CODE);
        CHECK_EQ(h->cpu->gpr[3], 1);
        if (other_store)
            run_until_sc(c1, H_CODE + 0x100);
        run_until_sc(h->cpu, H_CODE + 8);
        CHECK_EQ(h->cpu->cr[0] & 2, other_store ? 0 : 2);
        CHECK_EQ(h->mem.ram[addr + 3], other_store ? 2 : 0x55);
    }
    cpu_interp_backend.destroy((struct cpu *)c1);
}

/*
 * Self-modifying code across vCPUs: vCPU 1 first stores data into a page
 * (so it holds a fast write-TLB entry for it), vCPU 0 then executes the
 * page, and vCPU 1 rewrites an instruction there.  vCPU 0's next entry
 * into the page must run the new instruction (spec/cpu.md §5.4 item 4:
 * writes are tracked by physical page, Linux issues no per-line icbi).
 */
static void test_smc_other_vcpu(struct harness *h)
{
    struct ppc_cpu *c1 = (struct ppc_cpu *)cpu_interp_backend.create(&h->mem, 1, 0x004e1202);
    const uint64_t code = H_CODE + 0x2000, data = code + 0x800; /* one page */

    start(h, MSR_SF);
    ppc_store_msr(c1, MSR_SF);
    h_put32(h, H_CODE, XF(6, 0, 4, 151u), 0); /* vCPU 1: stw r6,0,r4 */
    h_put32(h, H_CODE + 4, SC1, 0);
    h_put32(h, code, LI(3, 1), 0); /* the code vCPU 0 runs */
    h_put32(h, code + 4, SC1, 0);

    c1->gpr[4] = data;
    c1->gpr[6] = 7;
    run_until_sc(c1, H_CODE); /* data store: vCPU 1 caches the page */
    run_until_sc(h->cpu, code);
    CHECK_EQ(h->cpu->gpr[3], 1);

    c1->gpr[4] = code;
    c1->gpr[6] = LI(3, 2); /* li r3,2 over li r3,1 */
    run_until_sc(c1, H_CODE);
    run_until_sc(h->cpu, code);
    CHECK_EQ(h->cpu->gpr[3], 2);
    cpu_interp_backend.destroy((struct cpu *)c1);
}

/* A device access wider than the device's region is a machine check, not
 * a read past the region (guest-controlled size against device size). */
static uint64_t small_dev_read(void *o, unsigned vcpu, uint64_t off, unsigned size)
{
    (void)o;
    (void)vcpu;
    (void)off;
    return size == 4 ? 0x11223344 : 0xbad;
}

static const struct mmio_ops small_dev_ops = {.read = small_dev_read};

static void test_small_device(struct harness *h)
{
    static int added;
    struct mmio_region r = {.base = 0x4000000, .size = 4, .ops = &small_dev_ops, .name = "dev"};

    if (!added++)
        CHECK_EQ(guest_mem_add_mmio(&h->mem, &r), 0);
    start(h, MSR_SF);
    h->cpu->gpr[4] = 0x4000000;
    h_code(h, enc_d(32, 3, 4, 0)); /* lwz r3,0(r4): fits */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], 0x11223344);

    start(h, MSR_SF);
    h->cpu->gpr[4] = 0x4000000;
    h_code(h, enc_ds(58, 3, 4, 0, 0)); /* ld r3,0(r4): 8 bytes from a 4-byte device */
    CHECK_EQ(h_run(h), VEC_MACHINE_CHECK);
    CHECK_EQ(h->cpu->srr0, H_CODE);
}

int main(void)
{
    struct harness h;

    h_init(&h);
    test_decrementer(&h);
    test_external(&h);
    test_ail(&h);
    test_ile(&h);
    test_scv(&h);
    test_trace(&h);
    test_facilities(&h);
    test_reservation_other_vcpu(&h);
    test_smc_other_vcpu(&h);
    test_small_device(&h);
    h_fini(&h);
    return check_summary("interrupts");
}
