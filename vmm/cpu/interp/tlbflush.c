/*
 * Soft-TLB invalidation: tlbie/tlbiel (Power ISA Book III 5.10.1;
 * spec/cpu.md §3.1.6) and the cross-vCPU shootdown that tlbie and the
 * hash hcalls need.
 *
 * Every interpreter vCPU is registered here with its guest memory.  A
 * broadcast counts a request on every other vCPU of the same memory,
 * raises ATT_FLUSH on it and waits until each has acknowledged the
 * request -- it drops its soft TLBs at its next lookup, which a running
 * vCPU reaches within a page of straight-line code or at its next taken
 * branch -- or is outside the executor (it then flushes before running
 * an instruction).  A vCPU waiting for others serves its own requests
 * meanwhile, so two broadcasting vCPUs cannot wait for each other.  So
 * when tlbie completes, no vCPU can use the translations it removed,
 * which is what tlbsync/ptesync then promise the guest.
 */
#include <sched.h>

#include "mmu.h"

#define MAX_VCPUS 1024

static struct ppc_cpu *registry[MAX_VCPUS];
static unsigned registry_top; /* slots ever used: the scans stop there */

int tlbflush_register(struct ppc_cpu *cpu)
{
    for (unsigned i = 0; i < MAX_VCPUS; i++) {
        struct ppc_cpu *none = NULL;
        if (__atomic_compare_exchange_n(&registry[i], &none, cpu, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            unsigned top = __atomic_load_n(&registry_top, __ATOMIC_ACQUIRE);
            while (top < i + 1 &&
                   !__atomic_compare_exchange_n(&registry_top, &top, i + 1, false, __ATOMIC_ACQ_REL,
                                                __ATOMIC_ACQUIRE)) {
            }
            return 0;
        }
    }
    return -1;
}

void tlbflush_unregister(struct ppc_cpu *cpu)
{
    for (unsigned i = 0; i < MAX_VCPUS; i++)
        if (__atomic_load_n(&registry[i], __ATOMIC_ACQUIRE) == cpu)
            __atomic_store_n(&registry[i], NULL, __ATOMIC_RELEASE);
}

/* Clear the request bit first: a request counted after the count is read
 * below raises the bit again, so it is never lost. */
void tlbflush_serve(struct ppc_cpu *cpu)
{
    uint64_t req;

    __atomic_and_fetch(&cpu->attention, ~ATT_FLUSH, __ATOMIC_SEQ_CST);
    req = __atomic_load_n(&cpu->flush_req, __ATOMIC_SEQ_CST);
    ppc_tlb_flush(cpu);
    __atomic_store_n(&cpu->flush_ack, req, __ATOMIC_SEQ_CST);
}

void tlbflush_broadcast(struct ppc_cpu *cpu)
{
    struct {
        struct ppc_cpu *cpu;
        uint64_t req;
    } wait[MAX_VCPUS];
    unsigned n = 0, top = __atomic_load_n(&registry_top, __ATOMIC_ACQUIRE);

    for (unsigned i = 0; i < top; i++) {
        struct ppc_cpu *o = __atomic_load_n(&registry[i], __ATOMIC_ACQUIRE);
        if (!o || o == cpu || o->mem != cpu->mem)
            continue;
        wait[n].cpu = o;
        wait[n].req = __atomic_add_fetch(&o->flush_req, 1, __ATOMIC_SEQ_CST);
        __atomic_or_fetch(&o->attention, ATT_FLUSH, __ATOMIC_SEQ_CST);
        n++;
    }
    for (unsigned i = 0; i < n; i++) {
        struct ppc_cpu *o = wait[i].cpu;
        while (__atomic_load_n(&o->flush_ack, __ATOMIC_SEQ_CST) < wait[i].req &&
               __atomic_load_n(&o->in_exec, __ATOMIC_SEQ_CST)) {
            if (__atomic_load_n(&cpu->attention, __ATOMIC_ACQUIRE) & ATT_FLUSH)
                tlbflush_serve(cpu);
            sched_yield();
        }
    }
}

/* The page [ea, ea + 2^shift) of any quadrant. */
static bool in_page(uint64_t tag, uint64_t ea, unsigned shift)
{
    return tag != TLB_INVALID && !(((tag ^ ea) << 2) >> (shift + 2));
}

void tlbflush_local_page(struct ppc_cpu *cpu, uint64_t ea, unsigned shift)
{
    unsigned first = 0, count = TLB_SIZE;

    /* A page of at most TLB_SIZE 4K pages lives in that many slots. */
    if (shift - 12 < TLB_BITS) {
        first = (unsigned)(ea >> 12) & (TLB_SIZE - 1) & ~((1u << (shift - 12)) - 1);
        count = 1u << (shift - 12);
    }
    for (unsigned i = first; i < first + count; i++) {
        if (in_page(cpu->tlb_read[i].tag, ea, shift))
            cpu->tlb_read[i].tag = TLB_INVALID;
        if (in_page(cpu->tlb_write[i].tag, ea, shift))
            cpu->tlb_write[i].tag = TLB_INVALID;
        if (in_page(cpu->tlb_exec[i].tag, ea, shift)) {
            cpu->tlb_exec[i].tag = TLB_INVALID;
            cpu->tlb_exec[i].page = NULL;
        }
    }
}

/* RB's AP field -> page shift (ibm,processor-radix-AP-encodings); 0 = none. */
static unsigned ap_shift(unsigned ap)
{
    switch (ap) {
    case 0: return 12;
    case 5: return 16;
    case 1: return 21;
    case 2: return 30;
    default: return 0;
    }
}

/*
 * tlbie/tlbiel RB,RS,RIC,PRS,R.  RB: EPN (bits 0:51), IS (52:53), AP
 * (56:58); RS: PID (0:31).  The guest is never the hypervisor, so a
 * partition-scoped invalidation (PRS=0) with radix on, and tlbie without
 * LPCR[GTSE], are hypervisor-privileged: the privileged-instruction
 * program interrupt.  Invalid forms (illegal instruction): RIC=3, RIC=1
 * or 2 by address (IS=0), IS=1 (by PID) partition-scoped, an AP that is
 * no radix page size.  The soft TLBs hold only the current PID's and the
 * kernel's translations, so an invalidation by address drops that page
 * whatever PID it names, and anything wider drops everything; there is
 * no page-walk cache to flush.  tlbie also reaches every other vCPU.
 */
uint64_t ppc_tlbie(struct ppc_cpu *cpu, bool global, uint64_t rb, uint64_t rs, unsigned ric,
                   unsigned prs_r)
{
    unsigned is = (unsigned)(rb >> 10) & 3, ap = (unsigned)(rb >> 5) & 7, shift = 12;
    bool prs = prs_r & 2, radix = prs_r & 1;
    uint64_t lpcr = __atomic_load_n(&cpu->lpcr, __ATOMIC_ACQUIRE);

    (void)rs;
    if (ric == 3 || (is == 0 && ric != 0) || (is == 1 && !prs))
        return SRR1_PROG_ILLEGAL;
    if ((global && !(lpcr & LPCR_GTSE)) || ((lpcr & LPCR_HR) && !prs))
        return SRR1_PROG_PRIV;
    if (radix && is == 0) {
        shift = ap_shift(ap);
        if (!shift)
            return SRR1_PROG_ILLEGAL;
    }
    if (is == 0 && radix && (lpcr & LPCR_HR))
        tlbflush_local_page(cpu, rb & ~0xfffull & ~((1ull << shift) - 1), shift);
    else
        ppc_tlb_flush(cpu); /* by PID, LPID, all; or a hash-form VA */
    if (global)
        tlbflush_broadcast(cpu);
    return 0;
}
