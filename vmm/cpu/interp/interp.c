/*
 * The interpreter as a CPU backend (vmm/cpu/cpu.h).
 */
#include <stdlib.h>
#include <string.h>

#include "codecache.h"
#include "fpu.h"
#include "mmu.h"
#include "ppc.h"

/* -M boot-report: every vCPU of the process counts its instructions
 * (exec.c's counting executor; nothing is compiled then). */
static bool count_instructions;

static void interp_enable_counting(void)
{
    count_instructions = true;
}

/* -icount shift=N (cpu.h enable_icount): counting, and the timebase
 * from the count. */
static void interp_enable_icount(unsigned shift)
{
    count_instructions = true;
    tb_icount_shift = (int)shift;
}

static uint64_t interp_insn_count(struct cpu *c)
{
    return ((struct ppc_cpu *)c)->icount;
}

static void interp_reset(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    uint32_t pvr = cpu->pvr;
    unsigned index = cpu->index;
    struct guest_mem *mem = cpu->mem;
    struct code_cache *cc = cpu->cc;
    struct dec_timer *dectimer = cpu->dectimer;
    struct code_page *step_page = cpu->step_page;
    struct jit *jit = cpu->jit;
    uint8_t jit_hot = cpu->jit_hot;
    uint64_t icount = cpu->icount; /* counts run on across resets */
    /* A debugger's breakpoints and stepping outlive a machine reset. */
    uint8_t dbg = cpu->dbg & DBG_STEP;
    unsigned nbp = cpu->nbp, nwp = cpu->nwp;
    uint64_t bp[PPC_MAX_BREAKPOINTS];
    __typeof__(cpu->wp) wp;

    memcpy(bp, cpu->bp, sizeof(bp));
    memcpy(wp, cpu->wp, sizeof(wp));

    /* Everything architected to its power-on value. */
    memset(cpu, 0, sizeof(*cpu));
    cpu->pvr = pvr;
    cpu->pir = index;
    cpu->index = index;
    cpu->mem = mem;
    cpu->cc = cc;
    cpu->dectimer = dectimer;
    cpu->step_page = step_page;
    cpu->jit = jit;
    cpu->jit_hot = jit_hot;
    cpu->icount = icount;
    cpu->dbg = dbg;
    cpu->nbp = nbp;
    memcpy(cpu->bp, bp, sizeof(bp));
    cpu->nwp = nwp;
    memcpy(cpu->wp, wp, sizeof(wp));
    cpu->bp_resume = cpu->wp_resume = ~0ull;
    /* LPCR is the hypervisor's: large decrementer on, external interrupts
     * to the guest (LPES0) (spec/cpu.md §2.4). */
    cpu->lpcr = LPCR_LD;
    cpu->msr = ~0ull; /* force ppc_store_msr to recompute everything */
    ppc_store_msr(cpu, 0);
    /* Atomic: the decrementer's thread may be setting ATT_IRQ (a stray
     * one only makes the executor look for an interrupt). */
    __atomic_store_n(&cpu->attention, 0, __ATOMIC_RELEASE);
    /* DEC starts at its largest positive value: nothing pending. */
    ppc_mtspr(cpu, SPR_DEC, (1ull << 55) - 1);
    ppc_tlb_flush(cpu);
    code_cache_flush(cpu->cc);
    if (cpu->jit)
        jit_reset(cpu->jit);
}

static struct cpu *interp_create(struct guest_mem *mem, unsigned index, uint32_t pvr)
{
    struct ppc_cpu *cpu;

    interp_init_handlers(count_instructions);
    cpu = aligned_alloc(64, (sizeof(*cpu) + 63) & ~(size_t)63);
    if (!cpu)
        return NULL;
    memset(cpu, 0, sizeof(*cpu));
    cpu->mem = mem;
    cpu->index = index;
    cpu->pvr = pvr;
    cpu->cc = code_cache_new(mem);
    cpu->step_page = calloc(1, sizeof(*cpu->step_page));
    /* No block compiler is not an error: the interpreter runs everything. */
    cpu->jit = jit_new();
    cpu->jit_hot = count_instructions ? 0 : JIT_HOT_DEFAULT;
    cpu->dectimer = dec_timer_new(cpu);
    if (!cpu->cc || !cpu->step_page || !cpu->dectimer) {
        jit_free(cpu->jit);
        code_cache_free(cpu->cc);
        free(cpu->step_page);
        dec_timer_free(cpu->dectimer);
        free(cpu);
        return NULL;
    }
    if (guest_mem_watch_code(mem, &cpu->attention, ATT_FLUSHW) != 0 ||
        tlbflush_register(cpu) != 0) {
        guest_mem_unwatch_code(mem, &cpu->attention);
        dec_timer_free(cpu->dectimer);
        code_cache_free(cpu->cc);
        jit_free(cpu->jit);
        free(cpu->step_page);
        free(cpu);
        return NULL;
    }
    interp_reset((struct cpu *)cpu);
    return (struct cpu *)cpu;
}

static void interp_destroy(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    if (!cpu)
        return;
    tlbflush_unregister(cpu);
    guest_mem_unwatch_code(cpu->mem, &cpu->attention);
    dec_timer_free(cpu->dectimer);
    code_cache_free(cpu->cc);
    jit_free(cpu->jit);
    free(cpu->step_page);
    free(cpu);
}

static void interp_run(struct cpu *c, struct cpu_exit *exit)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    /* Running on from the breakpoint it stopped at executes that
     * instruction; from anywhere else, every breakpoint counts. */
    if (cpu->bp_resume != cpu->nip)
        cpu->bp_resume = ~0ull;
    if (cpu->wp_resume == cpu->nip)
        cpu->dbg |= DBG_WP_SKIP;
    cpu->wp_resume = ~0ull;
    exit->debug_watch = 0;
    exit->debug_addr = 0;
    /* Broadcast invalidations wait only for vCPUs in the executor
     * (tlbflush.c); one entering serves any request at its first lookup. */
    __atomic_store_n(&cpu->in_exec, 1, __ATOMIC_SEQ_CST);
    interp_exec(cpu, exit);
    __atomic_store_n(&cpu->in_exec, 0, __ATOMIC_SEQ_CST);
}

static void interp_complete_hcall(struct cpu *c, int64_t ret, const uint64_t out[9])
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    cpu->gpr[3] = (uint64_t)ret;
    memcpy(&cpu->gpr[4], out, 9 * sizeof(uint64_t));
}

static void interp_get_regs(struct cpu *c, struct cpu_regs *r)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    memcpy(r->gpr, cpu->gpr, sizeof(r->gpr));
    r->nip = cpu->nip;
    r->msr = cpu->msr;
    r->lr = cpu->lr;
    r->ctr = cpu->ctr;
    r->xer = ppc_get_xer(cpu);
    r->cr = ppc_get_cr(cpu);
    r->srr0 = cpu->srr0;
    r->srr1 = cpu->srr1;
    memcpy(r->sprg, cpu->sprg, sizeof(r->sprg));
    r->dar = cpu->dar;
    r->dsisr = cpu->dsisr;
    r->pvr = cpu->pvr;
    r->pir = cpu->pir;
}

static void interp_set_regs(struct cpu *c, const struct cpu_regs *r)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    memcpy(cpu->gpr, r->gpr, sizeof(r->gpr));
    cpu->nip = r->nip;
    ppc_store_msr(cpu, r->msr);
    cpu->lr = r->lr;
    cpu->ctr = r->ctr;
    ppc_set_xer(cpu, r->xer);
    ppc_set_cr(cpu, r->cr);
    cpu->srr0 = r->srr0;
    cpu->srr1 = r->srr1;
    memcpy(cpu->sprg, r->sprg, sizeof(r->sprg));
    cpu->dar = r->dar;
    cpu->dsisr = r->dsisr;
}

static void interp_get_fp_regs(struct cpu *c, struct cpu_fp_regs *r)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    for (unsigned i = 0; i < 64; i++) {
        r->vsr[i][0] = VSR_D(cpu->vsr[i], 0);
        r->vsr[i][1] = VSR_D(cpu->vsr[i], 1);
    }
    r->fpscr = cpu->fpscr;
    r->vscr = cpu->vscr;
    r->vrsave = (uint32_t)cpu->vrsave;
}

static void interp_set_fp_regs(struct cpu *c, const struct cpu_fp_regs *r)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    for (unsigned i = 0; i < 64; i++) {
        VSR_D(cpu->vsr[i], 0) = r->vsr[i][0];
        VSR_D(cpu->vsr[i], 1) = r->vsr[i][1];
    }
    cpu->fpscr = fpscr_store(cpu->fpscr, ~0ull, r->fpscr);
    cpu->vscr = r->vscr & (VSCR_NJ | VSCR_SAT); /* the defined bits (Book I 6.3.1) */
    cpu->vrsave = r->vrsave;
}

static void interp_set_fwnmi(struct cpu *c, uint64_t sreset, uint64_t mce, uint64_t area)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    cpu->fwnmi_sreset = sreset;
    cpu->fwnmi_mce = mce;
    cpu->fwnmi_area = area;
}

static void interp_kick(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    __atomic_or_fetch(&cpu->attention, ATT_EXIT, __ATOMIC_RELEASE);
}

static void interp_set_lpcr(struct cpu *c, uint64_t mask, uint64_t value)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    uint64_t old = __atomic_load_n(&cpu->lpcr, __ATOMIC_ACQUIRE);

    /* Two vCPUs may change different fields at once (H_SET_MODE LE, AIL). */
    while (!__atomic_compare_exchange_n(&cpu->lpcr, &old, (old & ~mask) | (value & mask), false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    }
    /* Radix on or off is another translation regime. */
    if ((old ^ value) & mask & (LPCR_HR | LPCR_UPRT))
        __atomic_or_fetch(&cpu->attention, ATT_FLUSH, __ATOMIC_SEQ_CST);
}

static void interp_set_mmu(struct cpu *c, const struct cpu_mmu *mmu)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    __atomic_store_n(&cpu->proc_tbl, mmu->proc_tbl, __ATOMIC_RELEASE);
    __atomic_store_n(&cpu->hpt_mask, mmu->hpt ? (1ull << (mmu->hpt_shift - 7)) - 1 : 0,
                     __ATOMIC_RELEASE);
    __atomic_store_n(&cpu->hpt, mmu->hpt, __ATOMIC_RELEASE);
    __atomic_or_fetch(&cpu->attention, ATT_FLUSH, __ATOMIC_SEQ_CST);
}

static void interp_flush_translations(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    ppc_tlb_flush(cpu);
    tlbflush_broadcast(cpu);
}

static void interp_set_irq(struct cpu *c, bool level)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    __atomic_store_n(&cpu->ext_level, level, __ATOMIC_RELEASE);
    if (level)
        __atomic_or_fetch(&cpu->attention, ATT_IRQ, __ATOMIC_RELEASE);
}

static bool interp_irq_pending(struct cpu *c)
{
    return ppc_async_pending((struct ppc_cpu *)c);
}

static uint64_t interp_read_tb(struct cpu *c)
{
    return ppc_read_tb((struct ppc_cpu *)c);
}

static uint64_t interp_timer_deadline(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    /* -icount: an idle vCPU (H_CEDE, its own thread) skips ahead to the
     * decrementer's expiry at once -- no instruction would run until
     * then -- and the wait ends now (a deadline in the past). */
    if (tb_icount_shift >= 0) {
        if (cpu->dec_icount_at == ~0ull)
            return 0;
        if (cpu->icount < cpu->dec_icount_at)
            cpu->icount = cpu->dec_icount_at;
        ppc_icount_dec_due(cpu);
        return 1;
    }
    return dec_timer_deadline(cpu->dectimer);
}

/* Breakpoints are found when a slot is decoded (exec.c), so a change
 * drops every decoded page and compiled block. */
static int interp_set_breakpoint(struct cpu *c, uint64_t ea, bool insert)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    unsigned i;

    ea &= ~3ull;
    for (i = 0; i < cpu->nbp && cpu->bp[i] != ea; i++) {
    }
    if (insert) {
        if (i < cpu->nbp)
            return 0;
        if (cpu->nbp == PPC_MAX_BREAKPOINTS)
            return -1;
        cpu->bp[cpu->nbp++] = ea;
    } else {
        if (i == cpu->nbp)
            return -1;
        cpu->bp[i] = cpu->bp[--cpu->nbp];
    }
    code_cache_flush(cpu->cc);
    ppc_tlb_flush(cpu);
    if (cpu->jit)
        jit_reset(cpu->jit);
    return 0;
}

static void interp_set_single_step(struct cpu *c, bool on)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    cpu->dbg = (uint8_t)((cpu->dbg & ~DBG_STEP) | (on ? DBG_STEP : 0));
}

/* Watched pages leave the soft TLBs at once (mem.c keeps them out). */
static int interp_set_watchpoint(struct cpu *c, uint64_t ea, uint64_t len, unsigned kind,
                                 bool insert)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    unsigned i;

    if (len == 0 || len > 4096 || kind < CPU_WATCH_WRITE || kind > CPU_WATCH_ACCESS)
        return -1;
    for (i = 0; i < cpu->nwp; i++)
        if (cpu->wp[i].ea == ea && cpu->wp[i].len == len && cpu->wp[i].kind == kind)
            break;
    if (insert) {
        if (i < cpu->nwp)
            return 0;
        if (cpu->nwp == PPC_MAX_WATCHPOINTS)
            return -1;
        cpu->wp[cpu->nwp].ea = ea;
        cpu->wp[cpu->nwp].len = len;
        cpu->wp[cpu->nwp].kind = kind;
        cpu->nwp++;
    } else {
        if (i == cpu->nwp)
            return -1;
        cpu->wp[i] = cpu->wp[--cpu->nwp];
    }
    ppc_tlb_flush(cpu);
    return 0;
}

/* mem.c, next to the translation every access takes. */
int ppc_debug_translate(struct ppc_cpu *cpu, uint64_t ea, uint64_t *pa);

static int interp_debug_translate(struct cpu *c, uint64_t ea, uint64_t *pa)
{
    return ppc_debug_translate((struct ppc_cpu *)c, ea, pa);
}

/* jit_hot 0: no slot is ever hot enough (exec.c). */
/* state.c */
void interp_save_state(struct cpu *c, struct snap_writer *w);
int interp_load_state(struct cpu *c, struct snap_reader *r, unsigned version, bool apply, char *err,
                      size_t errlen);

static void interp_set_block_compiler(struct cpu *c, bool on)
{
    ((struct ppc_cpu *)c)->jit_hot = on && !count_instructions ? JIT_HOT_DEFAULT : 0;
}

const struct cpu_backend cpu_interp_backend = {
    .name = "interp",
    .create = interp_create,
    .destroy = interp_destroy,
    .run = interp_run,
    .complete_hcall = interp_complete_hcall,
    .get_regs = interp_get_regs,
    .set_regs = interp_set_regs,
    .get_fp_regs = interp_get_fp_regs,
    .set_fp_regs = interp_set_fp_regs,
    .reset = interp_reset,
    .kick = interp_kick,
    .set_lpcr = interp_set_lpcr,
    .set_fwnmi = interp_set_fwnmi,
    .set_mmu = interp_set_mmu,
    .flush_translations = interp_flush_translations,
    .set_irq = interp_set_irq,
    .irq_pending = interp_irq_pending,
    .read_tb = interp_read_tb,
    .timer_deadline_ns = interp_timer_deadline,
    .set_block_compiler = interp_set_block_compiler,
    .enable_counting = interp_enable_counting,
    .enable_icount = interp_enable_icount,
    .insn_count = interp_insn_count,
    .set_breakpoint = interp_set_breakpoint,
    .set_single_step = interp_set_single_step,
    .debug_translate = interp_debug_translate,
    .set_watchpoint = interp_set_watchpoint,
    .state_version = 1,
    .save_state = interp_save_state,
    .load_state = interp_load_state,
};
