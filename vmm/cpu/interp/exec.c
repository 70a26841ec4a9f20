/*
 * The interpreter's executor: threaded dispatch over pre-decoded pages
 * (spec/cpu.md §5.4).
 *
 * Each code page holds one struct insn per instruction slot plus a
 * sentinel; a handler does its work and jumps straight to the next
 * record's handler (GCC labels as values), so there is no central loop
 * and no re-decoding.  The current instruction address is never stored
 * per instruction: it is derived from the record's position when needed
 * (CIA()).  Branches inside the page jump to the target record directly;
 * anything else goes through `lookup`, which translates the address,
 * finds (or creates) the decoded page and re-validates it against the
 * page's write generation.
 *
 * The handlers live in exec_*.inc, one file per instruction group, all
 * included into interp_exec's body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/papr.h>

#include "../../trace.h"
#include "codecache.h"
#include "decode.h"
#include "exec.h"
#include "jit.h"
#include "ppc.h"

const void *const *interp_op_handlers;

void interp_init_handlers(void)
{
    if (!interp_op_handlers)
        interp_exec(NULL, NULL);
}

void interp_exec(struct ppc_cpu *cpu, struct cpu_exit *exit)
{
    static const void *const labels[OP_COUNT] = {
        [OP_illegal] = &&L_illegal,
        [OP_decode] = &&L_decode,
        [OP_page_end] = &&L_page_end,
#define INSN(name, mn, f, p, m, x) [OP_##name] = &&L_##name,
#include "ops_all.def"
#undef INSN
        [OP_bc_always] = &&L_bc_always,
        [OP_bdnz] = &&L_bdnz,
        [OP_bdz] = &&L_bdz,
        [OP_bt] = &&L_bt,
        [OP_bf] = &&L_bf,
    };
    uint64_t *gpr;
    struct code_page *page;
    struct insn *rec;
    uint64_t page_ea;

    if (!cpu) {
        interp_op_handlers = labels;
        return;
    }
    gpr = cpu->gpr;

/* ---- dispatch vocabulary used by every exec_*.inc ---- */
#define OP(name)   L_##name:
#define DISPATCH() goto * rec->handler
/* Enter rec from a branch or lookup: such slots are where blocks start,
 * and one entered jit_hot times is compiled (jit.h). */
#define ENTER()                                                                                    \
    do {                                                                                           \
        if (unlikely(++rec->heat == cpu->jit_hot))                                                 \
            goto jit_try;                                                                          \
        DISPATCH();                                                                                \
    } while (0)
#define NEXT()                                                                                     \
    do {                                                                                           \
        rec++;                                                                                     \
        DISPATCH();                                                                                \
    } while (0)
/* Address of the executing instruction, and of the next one. */
#define CIA() (page_ea + ((uint64_t)(rec - page->rec) << 2))
#define NIA() ((CIA() + 4) & cpu->ea_mask)
/* Continue at `target` (already masked to the mode's address width). */
#define GO(target)                                                                                 \
    do {                                                                                           \
        uint64_t t_ = (target);                                                                    \
        if ((((t_ ^ page_ea) & ~0xfffull) == 0) && likely(!cpu->attention)) {                      \
            rec = &page->rec[(t_ & 0xfff) >> 2];                                                   \
            ENTER();                                                                               \
        }                                                                                          \
        cpu->nip = t_;                                                                             \
        goto lookup;                                                                               \
    } while (0)
/* Leave the page and re-enter through lookup (after MSR changes, isync). */
#define RESYNC(target)                                                                             \
    do {                                                                                           \
        cpu->nip = (target);                                                                       \
        goto lookup;                                                                               \
    } while (0)
#define PROGRAM(cause)                                                                             \
    do {                                                                                           \
        ppc_raise_program(cpu, CIA(), (cause));                                                    \
        goto lookup;                                                                               \
    } while (0)
#define PRIVILEGED()                                                                               \
    do {                                                                                           \
        if (unlikely(cpu->msr & MSR_PR))                                                           \
            PROGRAM(SRR1_PROG_PRIV);                                                               \
    } while (0)
/* Operands. */
#define RT         gpr[rec->rt]
#define RS         gpr[rec->rt]
#define RA         gpr[rec->ra]
#define RB         gpr[rec->rb]
#define RA0        (rec->ra ? gpr[rec->ra] : 0)
#define SET_CR0(v) (cpu->cr[0] = cr0_of(cpu, (v)))
/* Effective addresses, truncated to 32 bits in 32-bit mode (spec/cpu.md §4.2). */
#define EA_D() ((RA0 + (uint64_t)rec->simm) & cpu->ea_mask)
#define EA_X() ((RA0 + RB) & cpu->ea_mask)
/* Memory access through the soft TLB; faults go to `fault`. */
#define LOAD(size, ea, dst)                                                                        \
    do {                                                                                           \
        uint64_t ea_ = (ea), s_;                                                                   \
        void *h_ = tlb_probe(cpu->tlb_read, ea_, size);                                            \
        if (likely(h_)) {                                                                          \
            (dst) = host_load##size(h_, cpu->le);                                                  \
        } else {                                                                                   \
            /* The slow path fills a temporary: taking dst's address would                         \
             * keep it out of a register on the fast path too. */                                  \
            if (!ppc_load_slow(cpu, ea_, size, &s_))                                               \
                goto fault;                                                                        \
            (dst) = s_;                                                                            \
        }                                                                                          \
    } while (0)
#define STORE(size, ea, val)                                                                       \
    do {                                                                                           \
        uint64_t ea_ = (ea);                                                                       \
        void *h_ = tlb_probe(cpu->tlb_write, ea_, size);                                           \
        if (likely(h_))                                                                            \
            host_store##size(h_, (val), cpu->le);                                                  \
        else if (!ppc_store_slow(cpu, ea_, size, (val)))                                           \
            goto fault;                                                                            \
    } while (0)

lookup:
    if (unlikely(cpu->jit_flush)) {
        /* The block compiler's code area is full: start again from an
         * empty code cache (every block and every decoded page goes). */
        cpu->jit_flush = 0;
        code_cache_flush(cpu->cc);
        ppc_tlb_flush(cpu);
        jit_reset(cpu->jit);
    }
    if (unlikely(cpu->attention)) {
        uint32_t att = __atomic_load_n(&cpu->attention, __ATOMIC_ACQUIRE);

        if (att & ATT_STEP) {
            /* One stepped instruction has completed; trace it unless it
             * took an interrupt itself (Book III 7.5.14: MSR[SE] traces
             * every instruction, MSR[BE] only branches).  A debugger's
             * step stops here instead. */
            __atomic_and_fetch(&cpu->attention, ~ATT_STEP, __ATOMIC_ACQ_REL);
            cpu->dbg &= (uint8_t)~DBG_WP_SKIP; /* the stopped access has run */
            if (cpu->dbg & DBG_STEP) {
                exit->reason = CPU_EXIT_DEBUG;
                return;
            }
            if (cpu->step_excp_count == cpu->excp_count && cpu->step_op != OP_rfid &&
                cpu->step_op != OP_rfscv &&
                ((cpu->msr & MSR_SE) || (cpu->step_op >= OP_b && cpu->step_op <= OP_bctarl) ||
                 (cpu->step_op >= OP_bc_always && cpu->step_op <= OP_bf)))
                ppc_raise(cpu, VEC_TRACE, cpu->nip, 0);
        }
        if (att & ATT_FLUSHW) {
            __atomic_and_fetch(&cpu->attention, ~ATT_FLUSHW, __ATOMIC_ACQ_REL);
            ppc_tlb_flush_write(cpu);
        }
        if (att & ATT_EXIT) {
            __atomic_and_fetch(&cpu->attention, ~ATT_EXIT, __ATOMIC_ACQ_REL);
            exit->reason = CPU_EXIT_STOPPED;
            return;
        }
        if (att & ATT_IRQ) {
            __atomic_and_fetch(&cpu->attention, ~ATT_IRQ, __ATOMIC_ACQ_REL);
            ppc_check_async(cpu);
        }
    }
    {
        uint64_t nip = cpu->nip;
        struct itlb_entry *it = &cpu->tlb_exec[(nip >> 12) & (TLB_SIZE - 1)];

        if (unlikely(it->tag != (nip & ~0xfffull) || it->page->le != cpu->le)) {
            it = ppc_itlb_fill(cpu, nip);
            if (!it) {
                ppc_deliver_fault(cpu, nip);
                goto lookup;
            }
        }
        page = it->page;
        if (unlikely(code_page_validate(page, cpu->mem)))
            ppc_tlb_flush_write(cpu); /* stores to the page must count again */
        page_ea = nip & ~0xfffull;
        rec = &page->rec[(nip & 0xfff) >> 2];
        if (unlikely((cpu->msr & (MSR_SE | MSR_BE)) || cpu->dbg))
            goto step;
        ENTER();
    }

step:
    /*
     * Trace (MSR[SE]/[BE]): run exactly one instruction from a scratch
     * copy of the page that holds it followed by a stop sentinel.  ATT_STEP
     * makes in-page branches leave through lookup, which then raises the
     * trace interrupt.  The normal path never pays for this.
     */
    {
        struct code_page *sp = cpu->step_page;
        unsigned slot = (unsigned)(rec - page->rec);

        if (rec->op == OP_decode) {
            ppc_decode((uint32_t)host_load4(page->host + slot * 4, page->le), rec);
            ppc_specialize(rec, slot);
            rec->handler = labels[rec->op];
        }
        sp->pa = page->pa;
        sp->gen = page->gen;
        sp->le = page->le;
        sp->host = page->host;
        sp->rec[slot] = *rec;
        sp->rec[slot].handler = labels[rec->op]; /* never a compiled block */
        sp->rec[slot + 1].handler = &&L_step_end;
        sp->rec[slot + 1].op = OP_page_end;
        cpu->step_op = rec->op;
        cpu->step_excp_count = cpu->excp_count;
        __atomic_or_fetch(&cpu->attention, ATT_STEP, __ATOMIC_ACQ_REL);
        page = sp;
        rec = &sp->rec[slot];
        DISPATCH();
    }
L_step_end:
    RESYNC(CIA() & cpu->ea_mask);

jit_try:
    /* rec was entered jit_hot times: compile the block that starts there. */
    if (cpu->jit && !cpu->mode32 && !cpu->nbp && rec->handler != &&L_jit_enter) {
        unsigned slot = (unsigned)(rec - page->rec);
        jit_block_fn fn = NULL;

        if (!page->jit)
            page->jit = calloc(1, sizeof(*page->jit));
        if (page->jit)
            fn = jit_compile(cpu->jit, page, slot);
        if (fn) {
            page->jit->entry[slot] = fn;
            rec->handler = &&L_jit_enter;
        } else if (jit_full(cpu->jit)) {
            cpu->jit_flush = 1; /* emptied at the next lookup */
        }
    }
    DISPATCH();

L_jit_enter:
    /*
     * A compiled block starts here.  Blocks are 64-bit mode code; in 32-bit
     * mode the record's own handler runs.  A block that leaves asking for
     * the interpreter stopped at an instruction of this page that it
     * could not complete (a soft-TLB miss): that one runs interpreted,
     * never through a block, so there is no ping-pong.
     */
    {
        jit_block_fn fn;

        if (unlikely(cpu->mode32))
            goto *labels[rec->op];
        fn = page->jit->entry[rec - page->rec];
        cpu->nip = CIA();
        if (fn(cpu) == JIT_INTERPRET) {
            rec = &page->rec[(cpu->nip & 0xfff) >> 2];
            goto *labels[rec->op];
        }
        GO(cpu->nip);
    }

fault:
    /* A memory access recorded cpu->fault; the instruction has no effect. */
    if (unlikely(cpu->fault.vector == VEC_DEBUG_STOP)) {
        /* A debugger's watchpoint (cpu.h): stop before the access. */
        cpu->nip = CIA();
        cpu->wp_resume = cpu->nip;
        exit->reason = CPU_EXIT_DEBUG;
        exit->debug_watch = cpu->fault.watch;
        exit->debug_addr = cpu->fault.dar;
        return;
    }
    ppc_deliver_fault(cpu, CIA());
    goto lookup;

    OP(decode)
    {
        unsigned slot = (unsigned)(rec - page->rec);
        uint32_t word = (uint32_t)host_load4(page->host + slot * 4, page->le);

        ppc_decode(word, rec);
        ppc_specialize(rec, slot);
        rec->handler = labels[rec->op];
        if (log_on(LOG_IN_ASM))
            ppc_log_insn(cpu, CIA(), word);
        if (unlikely(cpu->nbp) && ppc_is_breakpoint(cpu, CIA()))
            rec->handler = &&L_breakpoint;
        DISPATCH();
    }

L_breakpoint:
    /* A debugger's breakpoint (cpu.h): stop before the instruction, unless
     * the vCPU is running on from this very stop. */
    if (cpu->bp_resume == CIA()) {
        cpu->bp_resume = ~0ull;
        goto *labels[rec->op];
    }
    cpu->nip = CIA();
    cpu->bp_resume = cpu->nip;
    exit->reason = CPU_EXIT_DEBUG;
    return;

    OP(page_end)
    RESYNC((page_ea + 0x1000) & cpu->ea_mask);

    /*
     * A word no row matched.  FP, VMX and VSX instructions petrel does not
     * execute yet still raise their facility-unavailable interrupt while the
     * facility is off (Book III 7.5.10, 7.5.16, 7.5.17) -- Linux enables the
     * facilities lazily and relies on it; decode.c recorded the class in f1.
     */
    OP(illegal)
    switch (rec->f1) {
    case FAC_FP:
        if (!(cpu->msr & MSR_FP)) {
            ppc_raise(cpu, VEC_FP_UNAVAIL, CIA(), 0);
            goto lookup;
        }
        break;
    case FAC_VEC:
        if (!(cpu->msr & MSR_VEC)) {
            ppc_raise(cpu, VEC_VMX_UNAVAIL, CIA(), 0);
            goto lookup;
        }
        break;
    case FAC_VSX:
        if (!(cpu->msr & MSR_VSX)) {
            ppc_raise(cpu, VEC_VSX_UNAVAIL, CIA(), 0);
            goto lookup;
        }
        break;
    default: break;
    }
    PROGRAM(SRR1_PROG_ILLEGAL);

#include "exec_int.inc"
#include "exec_branch.inc"
#include "exec_mem.inc"
#include "exec_sys.inc"
}
