/*
 * The hashed page table entry as PAPR's hcalls and the hash MMU see it
 * (pre-ISA-3.0 layout, big-endian in the HPT; Power ISA Book III 5.7.7.1,
 * spec/cpu.md §3.2).  Shared by the CPU backends' hash walk and the
 * H_ENTER family (hcall/hpt.c).
 */
#ifndef PETREL_CPU_HPTE_H
#define PETREL_CPU_HPTE_H

#include <stdint.h>

#define HPTE_BYTES      16
#define HPTES_PER_GROUP 8
#define HPTEG_BYTES     (HPTE_BYTES * HPTES_PER_GROUP)

/* Doubleword 0. */
#define HPTE_V_B       0xc000000000000000ull
#define HPTE_V_AVPN    0x3fffffffffffff80ull
#define HPTE_V_COMPARE 0xffffffffffffff83ull /* B, AVPN, H, V */
#define HPTE_V_BOLTED  0x10ull               /* software: Linux's bolted entries */
#define HPTE_V_L       0x4ull
#define HPTE_V_H       0x2ull
#define HPTE_V_V       0x1ull
/* Doubleword 1. */
#define HPTE_R_PP0    0x8000000000000000ull
#define HPTE_R_KEY_HI 0x3000000000000000ull
#define HPTE_R_RPN    0x0ffffffffffff000ull
#define HPTE_R_KEY_LO 0x0000000000000e00ull
#define HPTE_R_R      0x100ull
#define HPTE_R_C      0x080ull
#define HPTE_R_WIMG   0x078ull
#define HPTE_R_W      0x040ull
#define HPTE_R_I      0x020ull
#define HPTE_R_M      0x010ull
#define HPTE_R_G      0x008ull
#define HPTE_R_N      0x004ull
#define HPTE_R_PP     0x003ull

/*
 * The page shift of an HPTE in a segment whose base page shift is `base`
 * (0: in any segment, H_ENTER's check), or 0 when the entry encodes no
 * size that segment may hold.  No L bit: a 4K page.  With L the low RPN
 * bits encode the size, as ibm,segment-page-sizes advertises
 * (firmware/cpufacts.c): 64K and 16M pages in 4K segments, 64K and 16M in
 * 64K segments, 16M in 16M segments, 16G in 16G segments.
 */
static inline unsigned hpte_page_shift(unsigned base, uint64_t v, uint64_t r)
{
    static const struct {
        uint8_t base, shift;
        uint16_t enc;
    } sizes[] = {
        {12, 16, 0x7}, {12, 24, 0x38}, {16, 16, 0x1}, {16, 24, 0x8}, {24, 24, 0x0}, {34, 34, 0x3},
    };

    if (!(v & HPTE_V_L))
        return base == 12 || base == 0 ? 12 : 0;
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t mask = ((1ull << sizes[i].shift) - 1) & HPTE_R_RPN;
        if ((base == 0 || sizes[i].base == base) && (r & mask) == (uint64_t)sizes[i].enc << 12)
            return sizes[i].shift;
    }
    return 0;
}

#endif
