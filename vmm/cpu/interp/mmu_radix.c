/*
 * The radix tree walk of a PAPR guest (Power ISA Book III 5.7.10-5.7.12;
 * spec/cpu.md §3.1).  There is no partition-scoped tree: the guest real
 * address the process-scoped walk produces is the guest physical address
 * (petrel owns the partition table and keeps only its process-table
 * half).  Tables are big-endian in guest memory whatever MSR[LE].
 *
 * POWER9's tree shapes only: a 52-bit space, root 13 index bits, then 9,
 * 9 and 9 or 5, so leaves are 1G, 2M, 4K or 64K pages; anything else is
 * an "unsupported MMU configuration" fault.  No page-walk cache: every
 * soft-TLB miss walks from the process table.
 */
#include "../../memory.h"
#include "mmu.h"

#define EA_RESERVED 0x3ff0000000000000ull /* EA bits 2:11 must be 0 */

#define PRTB_BASE 0x0ffffffffffff000ull /* H_REGISTER_PROC_TBL's table */
#define PRTB_SIZE 0x1full
#define PRTE_RTS1 0x6000000000000000ull
#define PRTE_RPDB 0x0fffffffffffff00ull
#define PRTE_RTS2 0x00000000000000e0ull
#define PRTE_RPDS 0x000000000000001full

#define PTE_V      0x8000000000000000ull
#define PTE_L      0x4000000000000000ull
#define PDE_NLB    0x0fffffffffffff00ull
#define PDE_NLS    0x000000000000001full
#define PTE_RPN    0x01fffffffffff000ull
#define PTE_R      0x100ull
#define PTE_C      0x080ull
#define PTE_ATT    0x030ull
#define PTE_ATT_NI 0x020ull /* non-idempotent I/O: never executable */
#define PTE_PRIV   0x008ull
#define PTE_EAA_R  0x004ull
#define PTE_EAA_RW 0x002ull
#define PTE_EAA_X  0x001ull

bool mmu_fault(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
               uint32_t cause)
{
    if (flags & MMU_PROBE)
        return false;
    if (acc == MMU_EXEC)
        ppc_set_fault(cpu, VEC_ISI, 0, 0, cause);
    else
        ppc_set_fault(cpu, VEC_DSI, ea, cause | (acc == MMU_STORE ? DSISR_STORE : 0), 0);
    return false;
}

bool mmu_segment_fault(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags)
{
    if (!(flags & MMU_PROBE))
        ppc_set_fault(cpu, acc == MMU_EXEC ? VEC_ISEG : VEC_DSEG, acc == MMU_EXEC ? 0 : ea, 0, 0);
    return false;
}

/* A table entry outside RAM: the walk's access to no memory is a machine
 * check, as a real-mode one (Book III 7.5.2). */
static bool table_missing(struct ppc_cpu *cpu, uint64_t ea, unsigned flags)
{
    if (!(flags & MMU_PROBE))
        ppc_set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
    return false;
}

static uint64_t *table_entry(struct guest_mem *mem, uint64_t pa)
{
    if (!guest_ram_contains(mem, pa, 8))
        return NULL;
    return (uint64_t *)(mem->ram + pa); /* pa is 8-aligned: callers mask it */
}

/* POWER9's tree shapes (spec/cpu.md §3.1.4). */
static bool level_ok(unsigned level, unsigned size, unsigned nls)
{
    switch (level) {
    case 0: return size == 52 && nls == 13;
    case 1: return size == 39 && nls == 9;
    case 2: return size == 30 && nls == 9;
    case 3: return size == 21 && (nls == 9 || nls == 5);
    default: return false;
    }
}

/*
 * Encoded access authority (Book III 5.7.13; spec/cpu.md §3.1.5): 0 when
 * allowed, else the fault cause.  A supervisor access to a user page
 * (PRIV = 0) is also subject to key 0 of AMR (stores: bit 0, loads: bit
 * 1) and IAMR (fetches: bit 1), which Linux uses as KUAP/KUEP.  The result
 * is cached in the soft TLB until the next flush, so an AMR write that
 * opens access takes effect at once while one that closes it may not --
 * a protection the kernel uses to catch its own bugs, never to function.
 */
static uint32_t radix_check(const struct ppc_cpu *cpu, uint64_t pte, enum mmu_access acc)
{
    bool pr = cpu->msr & MSR_PR, ok;

    if (acc == MMU_EXEC && (pte & PTE_ATT) == PTE_ATT_NI)
        return (uint32_t)SRR1_ISI_NOEXEC;
    switch (acc) {
    case MMU_LOAD: ok = pte & (PTE_EAA_R | PTE_EAA_RW); break;
    case MMU_STORE: ok = pte & PTE_EAA_RW; break;
    default: ok = pte & PTE_EAA_X; break;
    }
    if ((pte & PTE_PRIV) && pr)
        ok = false;
    if (!ok)
        return acc == MMU_EXEC ? (uint32_t)SRR1_ISI_NOEXEC : DSISR_PROT;
    if (!pr && !(pte & PTE_PRIV)) {
        if ((acc == MMU_STORE && (cpu->amr >> 63)) || (acc == MMU_LOAD && ((cpu->amr >> 62) & 1)) ||
            (acc == MMU_EXEC && ((cpu->iamr >> 62) & 1)))
            return DSISR_KEY;
    }
    return 0;
}

bool mmu_radix_translate(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
                         uint64_t *pa)
{
    struct guest_mem *mem = cpu->mem;
    uint64_t prtb = __atomic_load_n(&cpu->proc_tbl, __ATOMIC_ACQUIRE);
    unsigned quadrant = (unsigned)(ea >> 62);
    uint64_t pid, prte, base, pte, need, *entry = NULL;
    unsigned size, nls, level, tries = 0;
    uint32_t cause;

    /* Quadrants 1 and 2 are the hypervisor's; EA bits 2:11 must be 0. */
    if (quadrant == 1 || quadrant == 2 || (ea & EA_RESERVED))
        return mmu_segment_fault(cpu, ea, acc, flags);
    pid = quadrant == 3 ? 0 : cpu->pidr;
    if (!prtb || pid * 16 >= 1ull << ((prtb & PRTB_SIZE) + 12))
        return mmu_fault(cpu, ea, acc, flags, DSISR_NOPTE);
again:
    entry = table_entry(mem, (prtb & PRTB_BASE) + pid * 16);
    if (!entry)
        return table_missing(cpu, ea, flags);
    prte = __builtin_bswap64(__atomic_load_n(entry, __ATOMIC_ACQUIRE));
    size = (unsigned)(((prte & PRTE_RTS1) >> 58) | ((prte & PRTE_RTS2) >> 5)) + 31;
    base = prte & PRTE_RPDB;
    nls = (unsigned)(prte & PRTE_RPDS);
    for (level = 0;; level++) {
        /* A directory is naturally aligned (Book III 5.7.10.2). */
        if (!level_ok(level, size, nls) || (base & ((8ull << nls) - 1)))
            return mmu_fault(cpu, ea, acc, flags, DSISR_BADCONFIG);
        entry = table_entry(mem, base + 8 * ((ea >> (size - nls)) & ((1ull << nls) - 1)));
        if (!entry)
            return table_missing(cpu, ea, flags);
        pte = __builtin_bswap64(__atomic_load_n(entry, __ATOMIC_ACQUIRE));
        if (!(pte & PTE_V))
            return mmu_fault(cpu, ea, acc, flags, DSISR_NOPTE);
        size -= nls;
        if (pte & PTE_L)
            break;
        nls = (unsigned)(pte & PDE_NLS);
        base = pte & PDE_NLB;
    }
    /* A leaf in the root would be a 512G page, which POWER9 lacks. */
    if (level == 0)
        return mmu_fault(cpu, ea, acc, flags, DSISR_BADCONFIG);
    cause = radix_check(cpu, pte, acc);
    if (cause)
        return mmu_fault(cpu, ea, acc, flags, cause);
    /*
     * Reference and change (Book III 5.7.12): R on any access, C on a
     * store, written back atomically so that another vCPU's update or the
     * guest's own clearing is never lost; if the entry changed meanwhile,
     * walk again.  The write TLB is filled only by stores, so the first
     * store to a page always comes here and sets C.
     */
    need = PTE_R | (acc == MMU_STORE ? PTE_C : 0);
    if ((pte & need) != need && !(flags & MMU_PROBE)) {
        uint64_t old = __builtin_bswap64(pte);
        if (!__atomic_compare_exchange_n(entry, &old, __builtin_bswap64(pte | need), false,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
            ++tries < 64)
            goto again;
    }
    *pa = (pte & PTE_RPN & ~((1ull << size) - 1)) | (ea & ((1ull << size) - 1));
    return true;
}

bool mmu_translate(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
                   uint64_t *pa)
{
    if (__atomic_load_n(&cpu->lpcr, __ATOMIC_ACQUIRE) & LPCR_HR)
        return mmu_radix_translate(cpu, ea, acc, flags, pa);
    return mmu_hash_translate(cpu, ea, acc, flags, pa);
}
