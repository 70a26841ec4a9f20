/*
 * The hash MMU (Power ISA Book III 5.7.7-5.7.9; spec/cpu.md §3.2): the SLB
 * as slbmte/slbie/slbia leave it, and the search of the hashed page table
 * petrel allocates for the partition (cpu.h set_mmu) and the guest edits
 * through the H_ENTER family (hcall/hpt.c).  HPTEs use the pre-ISA-3.0
 * layout PAPR's hcalls speak, big-endian.
 */
#include <stddef.h>

#include "../hpte.h"
#include "mmu.h"

#define SLB_ESID_ESID 0xfffffffff0000000ull
#define SLB_ESID_V    0x0000000008000000ull
#define SLB_VSID_B    0xc000000000000000ull
#define SLB_VSID_B_1T 0x4000000000000000ull
#define SLB_VSID_VSID 0x3ffffffffffff000ull
#define SLB_VSID_KS   0x800ull
#define SLB_VSID_KP   0x400ull
#define SLB_VSID_N    0x200ull
#define SLB_VSID_C    0x80ull
#define SLB_VSID_LLP  0x130ull
#define SEG_MASK_256M 0xfffffffff0000000ull
#define SEG_MASK_1T   0xffffff0000000000ull
#define SLB_ENTRIES   32

/* ---------------------------------------------------------------- SLB -- */

/*
 * slbmte (Book III 5.9.3.2).  Invalid forms: index beyond 31, reserved
 * ESID bits, a segment size other than 256M and 1T, a base page size not
 * in ibm,segment-page-sizes (4K, 64K, 16M, 16G).
 */
bool ppc_slb_store(struct ppc_cpu *cpu, uint64_t rb, uint64_t rs)
{
    unsigned index = rb & 0xfff;
    uint64_t esid = rb & ~0xfffull, llp = rs & SLB_VSID_LLP;

    if (index >= SLB_ENTRIES || (esid & ~(SLB_ESID_ESID | SLB_ESID_V)) ||
        (rs & SLB_VSID_B) > SLB_VSID_B_1T)
        return false;
    if (llp != 0 && llp != 0x110 && llp != 0x100 && llp != 0x120)
        return false;
    /* Replacing a valid entry ends its segment's translations. */
    if (cpu->slb[index].esid & SLB_ESID_V)
        ppc_slb_invalidate(cpu, index);
    cpu->slb[index].esid = esid;
    cpu->slb[index].vsid = rs;
    return true;
}

bool ppc_slb_entry_ok(uint64_t esid, uint64_t vsid)
{
    uint64_t llp = vsid & SLB_VSID_LLP;

    return !(esid & ~(SLB_ESID_ESID | SLB_ESID_V)) && (vsid & SLB_VSID_B) <= SLB_VSID_B_1T &&
           (llp == 0 || llp == 0x110 || llp == 0x100 || llp == 0x120);
}

void ppc_slb_invalidate(struct ppc_cpu *cpu, unsigned index)
{
    bool one_t = (cpu->slb[index].vsid & SLB_VSID_B) == SLB_VSID_B_1T;

    cpu->slb[index].esid &= ~SLB_ESID_V;
    tlbflush_local_page(cpu, cpu->slb[index].esid & SLB_ESID_ESID, one_t ? 40 : 28);
}

/* The valid entry translating ea, or -1 (translation, slbie, slbfee.). */
int ppc_slb_find(const struct ppc_cpu *cpu, uint64_t ea)
{
    for (int i = 0; i < SLB_ENTRIES; i++) {
        uint64_t esid = cpu->slb[i].esid, b = cpu->slb[i].vsid & SLB_VSID_B;
        uint64_t mask = b == SLB_VSID_B_1T ? SEG_MASK_1T : SEG_MASK_256M;
        if ((esid & SLB_ESID_V) && esid == ((ea & mask) | SLB_ESID_V))
            return i;
    }
    return -1;
}

/*
 * slbia IH (Book III 5.9.3.2): IH 0, 1, 2, 6 (and the undefined 5)
 * invalidate every entry but 0; 3 also entry 0 but keeps class-0
 * entries; 4 every entry; 7 no entry, only lookaside information.
 */
void ppc_slb_invalidate_all(struct ppc_cpu *cpu, unsigned ih)
{
    unsigned first = (ih == 3 || ih == 4) ? 0 : 1;

    if (ih == 7)
        return;
    for (unsigned i = first; i < SLB_ENTRIES; i++) {
        if (ih == 3 && !(cpu->slb[i].vsid & SLB_VSID_C))
            continue;
        cpu->slb[i].esid &= ~SLB_ESID_V;
    }
}

/* --------------------------------------------------------------- HPT -- */

static unsigned base_page_shift(uint64_t slb_vsid)
{
    switch (slb_vsid & SLB_VSID_LLP) {
    case 0x110: return 16;
    case 0x100: return 24;
    case 0x120: return 34;
    default: return 12;
    }
}

/*
 * Page protection (Book III 5.7.9.2, 5.7.13): the key (Kp in problem
 * state, else Ks) and PP0||PP give read/write; execute needs read and
 * neither N (HPTE or segment) nor G; the AMR/IAMR class of the HPTE's
 * 5-bit key may remove read, write or execute.  0 = allowed.
 */
static uint32_t hash_check(const struct ppc_cpu *cpu, uint64_t slb_vsid, uint64_t r,
                           enum mmu_access acc)
{
    bool key = (cpu->msr & MSR_PR) ? slb_vsid & SLB_VSID_KP : slb_vsid & SLB_VSID_KS;
    unsigned pp = (unsigned)((r & HPTE_R_PP0) >> 61 | (r & HPTE_R_PP));
    unsigned skey = (unsigned)((r & HPTE_R_KEY_HI) >> 57 | (r & HPTE_R_KEY_LO) >> 9);
    bool rd, wr;

    if (!key) {
        rd = pp <= 3 || pp == 6;
        wr = pp <= 2;
    } else {
        rd = pp == 1 || pp == 2 || pp == 3;
        wr = pp == 2;
    }
    switch (acc) {
    case MMU_EXEC:
        if ((r & (HPTE_R_N | HPTE_R_G)) || (slb_vsid & SLB_VSID_N))
            return (uint32_t)SRR1_ISI_NOEXEC;
        if (!rd)
            return (uint32_t)SRR1_ISI_PROT;
        if ((cpu->iamr >> (2 * (31 - skey))) & 1)
            return DSISR_KEY;
        return 0;
    case MMU_STORE:
        if (!wr)
            return DSISR_PROT;
        return (cpu->amr >> (2 * (31 - skey))) & 2 ? DSISR_KEY : 0;
    default:
        if (!rd)
            return DSISR_PROT;
        return (cpu->amr >> (2 * (31 - skey))) & 1 ? DSISR_KEY : 0;
    }
}

static uint64_t hpte_load(const uint8_t *p)
{
    return __builtin_bswap64(__atomic_load_n((const uint64_t *)p, __ATOMIC_ACQUIRE));
}

/*
 * Searches the primary then the secondary PTEG (Book III 5.7.7.3-5.7.7.4)
 * for a valid HPTE whose B, AVPN and H match; the AVPN's bits inside a
 * large page are not compared.  Returns the HPTE's address or NULL.
 */
static uint8_t *hpt_search(const struct ppc_cpu *cpu, uint8_t *hpt, uint64_t mask,
                           uint64_t slb_vsid, uint64_t ea, unsigned *pshift)
{
    bool one_t = (slb_vsid & SLB_VSID_B) == SLB_VSID_B_1T;
    unsigned base = base_page_shift(slb_vsid);
    uint64_t vsid = (slb_vsid & SLB_VSID_VSID) >> (one_t ? 24 : 12);
    uint64_t off = ea & (one_t ? ~SEG_MASK_1T : ~SEG_MASK_256M);
    uint64_t epn = off & ~((1ull << base) - 1);
    uint64_t hash = (one_t ? vsid ^ (vsid << 25) : vsid) ^ (epn >> base);
    uint64_t ptem = (slb_vsid & (SLB_VSID_B | SLB_VSID_VSID)) | ((epn >> 16) & HPTE_V_AVPN) | 1;

    (void)cpu;
    for (unsigned sec = 0; sec < 2; sec++) {
        uint8_t *group = hpt + ((sec ? ~hash : hash) & mask) * 128;
        for (unsigned slot = 0; slot < 8; slot++) {
            uint8_t *p = group + 16 * slot;
            uint64_t v = hpte_load(p), r, cmp = HPTE_V_COMPARE;
            unsigned shift;
            if (!(v & HPTE_V_V) || !!(v & HPTE_V_H) != sec)
                continue;
            r = hpte_load(p + 8);
            shift = hpte_page_shift(base, v, r);
            if (!shift)
                continue;
            if (shift > 23)
                cmp &= ~(((1ull << (shift - 23)) - 1) << 7);
            if ((v ^ (ptem | (sec ? HPTE_V_H : 0))) & cmp)
                continue;
            *pshift = shift;
            return p;
        }
    }
    return NULL;
}

bool mmu_hash_translate(struct ppc_cpu *cpu, uint64_t ea, enum mmu_access acc, unsigned flags,
                        uint64_t *pa)
{
    uint8_t *hpt = __atomic_load_n(&cpu->hpt, __ATOMIC_ACQUIRE), *p;
    uint64_t slb_vsid, r, need;
    unsigned shift = 0, tries = 0;
    uint32_t cause;
    int i = ppc_slb_find(cpu, ea);

    if (i < 0)
        return mmu_segment_fault(cpu, ea, acc, flags);
    slb_vsid = cpu->slb[i].vsid;
    if (!hpt)
        return mmu_fault(cpu, ea, acc, flags, DSISR_NOPTE);
again:
    p = hpt_search(cpu, hpt, __atomic_load_n(&cpu->hpt_mask, __ATOMIC_ACQUIRE), slb_vsid, ea,
                   &shift);
    if (!p)
        return mmu_fault(cpu, ea, acc, flags, DSISR_NOPTE);
    r = hpte_load(p + 8);
    cause = hash_check(cpu, slb_vsid, r, acc);
    if (cause)
        return mmu_fault(cpu, ea, acc, flags, cause);
    /* R on any access, C on a store (Book III 5.7.8), atomically. */
    need = HPTE_R_R | (acc == MMU_STORE ? HPTE_R_C : 0);
    if ((r & need) != need && !(flags & MMU_PROBE)) {
        uint64_t old = __builtin_bswap64(r);
        if (!__atomic_compare_exchange_n((uint64_t *)(p + 8), &old, __builtin_bswap64(r | need),
                                         false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
            ++tries < 64)
            goto again;
    }
    *pa = (r & HPTE_R_RPN & ~((1ull << shift) - 1)) | (ea & ((1ull << shift) - 1));
    return true;
}
