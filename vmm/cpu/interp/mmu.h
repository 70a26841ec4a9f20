/*
 * Address translation with relocation on (Power ISA Book III ch. 5;
 * spec/cpu.md §3): the radix walk (mmu_radix.c), the SLB and hashed page
 * table (mmu_hash.c), and soft-TLB invalidation across vCPUs
 * (tlbflush.c).  mem.c calls mmu_translate on a soft-TLB miss; real-mode
 * accesses never come here.
 */
#ifndef PETREL_INTERP_MMU_H
#define PETREL_INTERP_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "ppc.h"

enum mmu_access { MMU_LOAD, MMU_STORE, MMU_EXEC };

/* The debugger's look (cpu.h debug_translate): no reference or change
 * bit is set and no fault is recorded. */
#define MMU_PROBE 1u

/*
 * Translates ea for an access of kind acc under the partition's MMU mode
 * (LPCR[HR]: radix, else hash): true with the guest real address in *pa,
 * having set the reference bit (and the change bit for a store) as the
 * architecture requires; false with cpu->fault filled (DSI/ISI, data or
 * instruction segment, machine check for a table outside RAM).
 */
bool mmu_translate(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
                   uint64_t *pa);
bool mmu_radix_translate(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
                         uint64_t *pa);
bool mmu_hash_translate(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
                        uint64_t *pa);

/* Shared by both walks: the fault of a denied access (vector by access
 * kind; DSISR gets the store bit).  Returns false. */
bool mmu_fault(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
               uint32_t cause);
bool mmu_segment_fault(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags);

/* SLB instructions (mmu_hash.c): false = invalid form. */
bool ppc_slb_store(struct ppc_cpu *cpu, uint64_t rb, uint64_t rs);
/* Whether an SLB entry (ESID word with V, VSID word) has a form slbmte
 * can leave: no reserved ESID bits, 256M or 1T, a page size offered (a
 * snapshot's SLB is checked with it). */
bool ppc_slb_entry_ok(uint64_t esid, uint64_t vsid);
int ppc_slb_find(const struct ppc_cpu *cpu, uint64_t ea);
void ppc_slb_invalidate_all(struct ppc_cpu *cpu, unsigned ih);
/* slbie of entry `index`: invalid, and its segment's soft-TLB entries gone. */
void ppc_slb_invalidate(struct ppc_cpu *cpu, unsigned index);

/*
 * tlbflush.c.  Every interpreter vCPU is registered with its guest
 * memory; a broadcast asks all the others sharing it to drop their soft
 * TLBs and waits until each has done so or is not executing (it then
 * flushes before its next instruction).  tlbflush_serve runs on the
 * vCPU itself when it sees ATT_FLUSH.
 */
int tlbflush_register(struct ppc_cpu *cpu);
void tlbflush_unregister(struct ppc_cpu *cpu);
void tlbflush_serve(struct ppc_cpu *cpu);
void tlbflush_broadcast(struct ppc_cpu *cpu);
/* Drops this vCPU's soft-TLB entries for the 2^shift-byte page at ea
 * (quadrant bits ignored). */
void tlbflush_local_page(struct ppc_cpu *cpu, uint64_t ea, unsigned shift);
/* tlbie/tlbiel (Book III 5.10.1; spec/cpu.md §3.1.6): 0 done, else the
 * program-interrupt cause for SRR1. */
uint64_t ppc_tlbie(struct ppc_cpu *cpu, bool global, uint64_t rb, uint64_t rs, unsigned ric,
                   unsigned prs_r);

#endif
