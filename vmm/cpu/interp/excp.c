/*
 * Interrupt delivery for a PAPR guest (Power ISA Book III ch. 7;
 * spec/cpu.md §2.2-2.3): SRR0/SRR1, the new MSR, the vector.
 */
#include "exec.h"
#include "ppc.h"

#define LPCR_ILE (1ull << 25)

void ppc_store_msr(struct ppc_cpu *cpu, uint64_t msr)
{
    uint64_t old = cpu->msr;

    msr &= MSR_GUEST_MASK;
    /* Book III-S: entering problem state also turns on EE, IR and DR. */
    if (msr & MSR_PR)
        msr |= MSR_EE | MSR_IR | MSR_DR;
    cpu->msr = msr;
    cpu->le = (uint8_t)(msr & MSR_LE);
    cpu->mode32 = !(msr & MSR_SF);
    cpu->ea_mask = cpu->mode32 ? 0xffffffffull : ~0ull;
    if ((old ^ msr) & (MSR_IR | MSR_DR | MSR_PR))
        ppc_tlb_flush(cpu);
}

void ppc_raise(struct ppc_cpu *cpu, unsigned vector, uint64_t nip, uint64_t srr1_bits)
{
    uint64_t msr = (cpu->msr & MSR_ME) | MSR_SF;

    cpu->srr0 = nip;
    cpu->srr1 = (cpu->msr & ~SRR1_INT_MASK) | srr1_bits;
    if (cpu->lpcr & LPCR_ILE)
        msr |= MSR_LE;
    if (vector == VEC_MACHINE_CHECK)
        msr &= ~MSR_ME;
    /* Any interrupt loses the reservation (Book II 4.4.2). */
    cpu->resv_size = 0;
    ppc_store_msr(cpu, msr);
    cpu->nip = vector;
}

void ppc_raise_program(struct ppc_cpu *cpu, uint64_t nip, uint64_t cause)
{
    ppc_raise(cpu, VEC_PROGRAM, nip, cause);
}

void ppc_deliver_fault(struct ppc_cpu *cpu, uint64_t nip)
{
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
