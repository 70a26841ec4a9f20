/*
 * Interrupt delivery for a PAPR guest (Power ISA Book III ch. 7;
 * spec/cpu.md §2.2-2.3): SRR0/SRR1, the new MSR, the vector.
 */
#include <inttypes.h>

#include "../../memory.h"
#include "../../trace.h"
#include "decode.h"
#include "exec.h"
#include "fpu.h"
#include "ppc.h"

void ppc_store_msr(struct ppc_cpu *cpu, uint64_t msr)
{
    uint64_t old = cpu->msr;

    msr &= MSR_GUEST_MASK;
    /* Book III-S: entering problem state also turns on EE, IR and DR. */
    if (msr & MSR_PR)
        msr |= MSR_EE | MSR_IR | MSR_DR;
    cpu->msr = msr;
    if ((old ^ msr) & (MSR_FE0 | MSR_FE1))
        fpu_raised = 0; /* what FP instructions raised before counts for nothing */
    cpu->le = (uint8_t)(msr & MSR_LE);
    cpu->mode32 = !(msr & MSR_SF);
    cpu->ea_mask = cpu->mode32 ? 0xffffffffull : ~0ull;
    if ((old ^ msr) & (MSR_IR | MSR_DR | MSR_PR))
        ppc_tlb_flush(cpu);
    /* Enabling EE may make a pending interrupt deliverable now. */
    if (msr & ~old & MSR_EE)
        __atomic_or_fetch(&cpu->attention, ATT_IRQ, __ATOMIC_RELEASE);
}

/*
 * Alternate Interrupt Location (Book III 7.3, spec/cpu.md §2.3): with
 * LPCR[AIL]=3, interrupts taken from a context with IR=DR=1 go to
 * 0xc000000000004000 + vector with translation on; AIL=2 to 0x18000 +
 * vector.  System reset and machine check never move; AIL=1 is reserved
 * and behaves as 0.  Returns the base to OR in, 0 for none.
 */
static uint64_t ail_base(const struct ppc_cpu *cpu, uint64_t old_msr, unsigned vector)
{
    if ((old_msr & (MSR_IR | MSR_DR)) != (MSR_IR | MSR_DR) || vector == VEC_SYSTEM_RESET ||
        vector == VEC_MACHINE_CHECK)
        return 0;
    switch ((cpu->lpcr & LPCR_AIL) >> 23) {
    case 2: return 0x18000;
    case 3: return 0xc000000000004000ull;
    default: return 0;
    }
}

/* An RTAS error log's fixed part (LoPAPR 10.3.2, version 6): an
 * uncorrectable memory error the processor met, not recovered, with no
 * extended log -- what an access to no memory is. */
#define FWNMI_LOG_WORD0               0x06000000u /* version 6 */
#define FWNMI_LOG_SEVERITY_ERROR_SYNC (3u << 21)
#define FWNMI_LOG_NOT_RECOVERED       (2u << 19)
#define FWNMI_LOG_INITIATOR_CPU       (1u << 12)
#define FWNMI_LOG_TARGET_MEMORY       (4u << 8)
#define FWNMI_LOG_TYPE_ECC_UNCORR     0x09u

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/*
 * FWNMI machine-check delivery (spec/rtas.md §4.6): after the OS
 * registered with ibm,nmi-register, a machine check goes to its handler
 * with r3 = the save area in the RTAS region, which holds the interrupted
 * r3 and then an RTAS error log; the word before the area is the
 * interlock RTAS ibm,nmi-interlock releases (non-zero: held, by vCPU
 * index + 1).  While it is held, the next machine check is delivered the
 * architected way (0x200, no log): the handler's buffer is still in use.
 * Returns the vector to go to.
 */
static uint64_t fwnmi_machine_check(struct ppc_cpu *cpu)
{
    uint64_t area = cpu->fwnmi_area;
    uint8_t *lock, *save;

    if (!cpu->fwnmi_mce || area < 8 || !guest_ram_contains(cpu->mem, area - 8, 32))
        return VEC_MACHINE_CHECK;
    lock = cpu->mem->ram + area - 8;
    save = cpu->mem->ram + area;
    if (__atomic_load_n((uint64_t *)lock, __ATOMIC_ACQUIRE))
        return VEC_MACHINE_CHECK;
    put_be(lock, cpu->index + 1, 8);
    put_be(save, cpu->gpr[3], 8);
    put_be(save + 8,
           FWNMI_LOG_WORD0 | FWNMI_LOG_SEVERITY_ERROR_SYNC | FWNMI_LOG_NOT_RECOVERED |
               FWNMI_LOG_INITIATOR_CPU | FWNMI_LOG_TARGET_MEMORY | FWNMI_LOG_TYPE_ECC_UNCORR,
           4);
    put_be(save + 12, 0, 4); /* no extended log */
    guest_ram_note_write(cpu->mem, area - 8, 32);
    cpu->gpr[3] = area;
    return cpu->fwnmi_mce;
}

void ppc_raise(struct ppc_cpu *cpu, unsigned vector, uint64_t nip, uint64_t srr1_bits)
{
    uint64_t old = cpu->msr, msr = (old & MSR_ME) | MSR_SF, target = vector;

    cpu->srr0 = nip;
    cpu->srr1 = (cpu->msr & ~SRR1_INT_MASK) | srr1_bits;
    if (cpu->lpcr & LPCR_ILE)
        msr |= MSR_LE;
    if (vector == VEC_MACHINE_CHECK)
        msr &= ~MSR_ME;
    if (vector == VEC_MACHINE_CHECK)
        target = fwnmi_machine_check(cpu);
    uint64_t ail = ail_base(cpu, old, vector);
    if (ail) {
        msr |= MSR_IR | MSR_DR;
        target |= ail;
    }
    /* Any interrupt loses the reservation (Book II 4.4.2). */
    cpu->resv_size = 0;
    cpu->excp_count++;
    ppc_store_msr(cpu, msr);
    cpu->nip = target;
    if (log_on(LOG_INT))
        log_printf(LOG_INT, (int)cpu->index,
                   "0x%x at 0x%" PRIx64 " -> 0x%" PRIx64 ", SRR1 0x%" PRIx64 ", MSR 0x%" PRIx64
                   " -> 0x%" PRIx64 ", DAR 0x%" PRIx64 ", DSISR 0x%x",
                   vector, nip, target, cpu->srr1, old, msr, cpu->dar, cpu->dsisr);
}

/*
 * scv LEV (Book III 7.5.18; spec/cpu.md §2.2): LR = next instruction,
 * CTR = MSR; SRR0/SRR1 untouched; the new MSR keeps EE, RI and ME.
 * Vector 0x17000 + 0x20 * LEV, or 0xc000000000003000 + 0x20 * LEV with
 * translation on when AIL=3 applies.
 */
void ppc_raise_scv(struct ppc_cpu *cpu, unsigned lev, uint64_t nia)
{
    uint64_t old = cpu->msr, msr = (old & (MSR_ME | MSR_EE | MSR_RI)) | MSR_SF;
    uint64_t target = 0x17000 + 0x20ull * lev;

    cpu->lr = nia;
    cpu->ctr = old;
    if (cpu->lpcr & LPCR_ILE)
        msr |= MSR_LE;
    if ((cpu->lpcr & LPCR_AIL) == LPCR_AIL && (old & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR)) {
        msr |= MSR_IR | MSR_DR;
        target = 0xc000000000003000ull + 0x20ull * lev;
    }
    cpu->resv_size = 0;
    cpu->excp_count++;
    ppc_store_msr(cpu, msr);
    cpu->nip = target;
}

/* Facility unavailable (0xf60): the cause goes to FSCR[IC], bits 0:7. */
void ppc_raise_facility(struct ppc_cpu *cpu, uint64_t nip, unsigned cause)
{
    cpu->fscr = (cpu->fscr & ~(0xffull << 56)) | ((uint64_t)cause << 56);
    ppc_raise(cpu, VEC_FAC_UNAVAIL, nip, 0);
}

bool ppc_async_pending(struct ppc_cpu *cpu)
{
    return cpu->ext_level || ppc_dec_value(cpu) < 0;
}

/*
 * External (0x500) before decrementer (0x900), both gated by MSR[EE] and
 * taken with SRR0 = the next instruction (Book III 7.4, 7.5.5, 7.5.11).
 * The decrementer is level-triggered: pending while DEC is negative.
 */
bool ppc_check_async(struct ppc_cpu *cpu)
{
    if (!(cpu->msr & MSR_EE))
        return false;
    if (cpu->ext_level) {
        ppc_raise(cpu, VEC_EXTERNAL, cpu->nip, 0);
        return true;
    }
    if (ppc_dec_value(cpu) < 0) {
        ppc_raise(cpu, VEC_DECREMENTER, cpu->nip, 0);
        return true;
    }
    return false;
}

void ppc_raise_program(struct ppc_cpu *cpu, uint64_t nip, uint64_t cause)
{
    ppc_raise(cpu, VEC_PROGRAM, nip, cause);
}

static const char *fault_name(unsigned vector)
{
    switch (vector) {
    case VEC_DSI: return "DSI";
    case VEC_DSEG: return "data segment";
    case VEC_ISI: return "ISI";
    case VEC_ISEG: return "instruction segment";
    case VEC_MACHINE_CHECK: return "machine check";
    default: return "fault";
    }
}

void ppc_deliver_fault(struct ppc_cpu *cpu, uint64_t nip)
{
    /* Storage faults and accesses to no memory, before they are raised. */
    if (trace_on(PETREL_TRACE_MMU_FAULT) && cpu->fault.vector != VEC_ALIGNMENT)
        trace_printf(PETREL_TRACE_MMU_FAULT, (int)cpu->index,
                     "%s at 0x%" PRIx64 ": address 0x%" PRIx64 ", DSISR 0x%x, MSR 0x%" PRIx64,
                     fault_name(cpu->fault.vector), nip, cpu->fault.dar, cpu->fault.dsisr,
                     cpu->msr);
    switch (cpu->fault.vector) {
    case VEC_DSI:
        cpu->dar = cpu->fault.dar;
        cpu->dsisr = cpu->fault.dsisr;
        break;
    case VEC_DSEG:
    case VEC_ALIGNMENT:
    case VEC_MACHINE_CHECK: cpu->dar = cpu->fault.dar; break;
    default: break;
    }
    ppc_raise(cpu, cpu->fault.vector, nip, cpu->fault.srr1_bits);
}

/*
 * rfid and rfscv (Book III "System Linkage Instructions"): the new MSR comes from `msr`
 * (SRR1, or CTR for rfscv) except that with MSR[HV]=0 the guest cannot
 * change HV, S or ME; PR=1 still forces EE, IR and DR (ppc_store_msr).
 * The return address has its low two bits cleared and is truncated to 32
 * bits when the new MSR[SF] is 0.  LE may change: instruction fetch
 * follows at once (the decoded-page lookup is keyed by byte order).
 */
void ppc_return_from_interrupt(struct ppc_cpu *cpu, uint64_t nip, uint64_t msr)
{
    const uint64_t fixed = MSR_HV | MSR_S | MSR_ME;

    ppc_store_msr(cpu, (msr & ~fixed) | (cpu->msr & fixed));
    cpu->nip = nip & ~3ull & cpu->ea_mask;
}

/* -d in_asm: an instruction the first time it is decoded at ea. */
void ppc_log_insn(const struct ppc_cpu *cpu, uint64_t ea, uint32_t word)
{
    char text[64];

    log_printf(LOG_IN_ASM, (int)cpu->index, "0x%016" PRIx64 ": %08x  %s", ea, word,
               ppc_disasm(word, text, sizeof(text)));
}
