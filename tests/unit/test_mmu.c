/*
 * The MMU on hand-built tables (vmm/cpu/interp/mmu*.c; Power ISA Book III
 * ch. 5, spec/cpu.md §3): radix walks of every page size and every fault
 * cause, hash lookups through the SLB and an HPT, reference and change
 * bits, and, through the executor, the interrupt state of storage faults,
 * soft-TLB invalidation (tlbie, PIDR, one vCPU's tlbie seen by another)
 * and code modified through an alias mapping.  Expected values are worked
 * out by hand from the ISA's table formats.
 */
#include "check.h"
#include "interp_harness.h"
#include "vmm/cpu/hpte.h"
#include "vmm/cpu/interp/mmu.h"

#define R(n) (h->cpu->gpr[n])

/* Radix tables (big-endian), all inside the harness's 16 MiB. */
#define PRTB  0x100000ull /* process table, 4K: PIDs 0..255 */
#define ROOT0 0x110000ull /* PID 0's root directory (2^13 entries = 64K) */
#define ROOT1 0x120000ull /* PID 1's */
#define PUD   0x130000ull
#define PMD   0x131000ull
#define PTE4K 0x132000ull
#define PTE64 0x133000ull /* 2^5 entries */
#define PUD1  0x134000ull /* PID 1's upper directory */
#define ROOT3 0x140000ull /* PID 3 (test_invalidation) */
#define PUD3  0x150000ull

#define V      0x8000000000000000ull
#define L      0x4000000000000000ull
#define PTE_R  0x100ull
#define PTE_C  0x080ull
#define PRIV   0x008ull
#define EAA_R  0x004ull
#define EAA_RW 0x002ull
#define EAA_X  0x001ull
#define RWX    (EAA_R | EAA_RW | EAA_X)
#define KERNEL 0xc000000000000000ull

static struct harness *h;

static void put64(uint64_t pa, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (56 - 8 * i));
    guest_ram_write(&h->mem, pa, b, 8);
}

static uint64_t get64(uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | h->mem.ram[pa + i];
    return v;
}

/* Radix tree size 52 (RTS = 21: RTS1 = 2, RTS2 = 5), root 13 bits. */
static uint64_t prte(uint64_t root)
{
    return (2ull << 61) | root | (5ull << 5) | 13;
}

/*
 * PID 0 and PID 1 get the same tree: root[0] -> PUD; PUD[0] = 1G leaf at
 * 0 (RWX, privileged); PUD[1] -> PMD (EA 1G..2G); PMD[0] = 2M leaf at
 * 0x400000 (R only); PMD[1] -> PTE4K (EA 1G+2M.. with 4K pages); PMD[2] ->
 * PTE64 (64K pages); PTE4K[0] = 4K at 0x5000 RW, [1] invalid, [2] user
 * RWX at 0x6000; PTE64[0] = 64K at 0x800000 user R+X.
 */
static void build_radix(void)
{
    h_reset(h);
    put64(PRTB, prte(ROOT0));
    put64(PRTB + 16, prte(ROOT1));
    put64(ROOT0, V | PUD | 9);
    put64(ROOT1, V | PUD1 | 9);
    put64(PUD1, V | L | 0 | RWX);
    put64(PUD1 + 8, V | PMD | 9);
    put64(PUD, V | L | 0 | PRIV | RWX);
    put64(PUD + 8, V | PMD | 9);
    put64(PMD, V | L | 0x400000 | PRIV | EAA_R);
    put64(PMD + 8, V | PTE4K | 9);
    put64(PMD + 16, V | PTE64 | 5);
    put64(PTE4K, V | L | 0x5000 | PRIV | EAA_RW);
    put64(PTE4K + 16, V | L | 0x6000 | RWX);
    put64(PTE64, V | L | 0x800000 | EAA_R | EAA_X);
    h->cpu->lpcr |= LPCR_HR | LPCR_UPRT | LPCR_GTSE;
    h->cpu->proc_tbl = PRTB | 0; /* 4K table */
    h->cpu->pidr = 1;
}

#define G1 (1ull << 30)
#define M2 (1ull << 21)

static bool xlate(uint64_t ea, enum mmu_access acc, uint64_t *pa)
{
    memset(&h->cpu->fault, 0, sizeof(h->cpu->fault));
    return mmu_translate(h->cpu, ea, acc, 0, pa);
}

static void expect_pa(uint64_t ea, enum mmu_access acc, uint64_t want, int line)
{
    uint64_t pa = ~0ull;
    bool ok = xlate(ea, acc, &pa);

    if (!ok || pa != want)
        fprintf(stderr, "  (from line %d)\n", line);
    CHECK(ok);
    CHECK_EQ(pa, want);
}
#define EXPECT_PA(ea, acc, want) expect_pa((ea), (acc), (want), __LINE__)

static void expect_fault(uint64_t ea, enum mmu_access acc, unsigned vector, uint64_t cause,
                         int line)
{
    uint64_t pa;
    bool ok = xlate(ea, acc, &pa);
    const typeof(h->cpu->fault) *f = &h->cpu->fault;

    if (ok || f->vector != vector)
        fprintf(stderr, "  (from line %d)\n", line);
    CHECK(!ok);
    CHECK_EQ(f->vector, vector);
    if (vector == VEC_DSI) {
        CHECK_EQ(f->dsisr, cause | (acc == MMU_STORE ? DSISR_STORE : 0));
        CHECK_EQ(f->dar, ea);
    } else if (vector == VEC_ISI) {
        CHECK_EQ(f->srr1_bits, cause);
    } else if (vector == VEC_DSEG || vector == VEC_MACHINE_CHECK) {
        CHECK_EQ(f->dar, ea);
    }
}
#define EXPECT_FAULT(ea, acc, vec, cause) expect_fault((ea), (acc), (vec), (cause), __LINE__)

static void test_radix_sizes(void)
{
    build_radix();
    /* 1G leaf in the kernel quadrant (PID 0) and in quadrant 0 (PID 1). */
    EXPECT_PA(KERNEL | 0x12345678, MMU_LOAD, 0x12345678);
    EXPECT_PA(0x3ffffff8, MMU_STORE, 0x3ffffff8);
    EXPECT_PA(KERNEL | 0x1000, MMU_EXEC, 0x1000);
    /* 2M leaf: the offset within 2M is kept. */
    EXPECT_PA(KERNEL | G1 | 0x1abcde, MMU_LOAD, 0x400000 | 0x1abcde);
    /* 4K and 64K leaves. */
    EXPECT_PA(KERNEL | G1 | M2 | 0x123, MMU_LOAD, 0x5123);
    EXPECT_PA(KERNEL | G1 | M2 | 0x2ffc, MMU_STORE, 0x6ffc);
    EXPECT_PA(KERNEL | G1 | 2 * M2 | 0xfedc, MMU_EXEC, 0x80fedc);
    /* PIDR selects quadrant 0's tree: PID 1's root has the same shape;
     * empty PID 2 has no valid root. */
    EXPECT_PA(G1 | 0x10, MMU_LOAD, 0x400010);
    h->cpu->pidr = 2;
    EXPECT_FAULT(G1 | 0x10, MMU_LOAD, VEC_DSI, DSISR_BADCONFIG);
    /* ... while the kernel's still translates. */
    EXPECT_PA(KERNEL | 0x10, MMU_LOAD, 0x10);
    /* A PID past the 4K table (256 entries): no translation. */
    h->cpu->pidr = 256;
    EXPECT_FAULT(0x10, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    EXPECT_FAULT(0x10, MMU_EXEC, VEC_ISI, SRR1_ISI_NOPTE);
    /* A bigger table (size field 1: 8K) reaches PID 256. */
    h->cpu->proc_tbl = PRTB | 1;
    put64(PRTB + 256 * 16, prte(ROOT1));
    EXPECT_PA(0x10, MMU_LOAD, 0x10);
}

/* R on any access, C on a store, in the PTE in guest memory. */
static void test_radix_rc(void)
{
    uint64_t pa;

    build_radix();
    CHECK_EQ(get64(PTE4K) & (PTE_R | PTE_C), 0);
    /* The debugger's probe sets nothing. */
    CHECK(mmu_translate(h->cpu, KERNEL | G1 | M2, MMU_LOAD, MMU_PROBE, &pa));
    CHECK_EQ(get64(PTE4K) & (PTE_R | PTE_C), 0);
    EXPECT_PA(KERNEL | G1 | M2, MMU_LOAD, 0x5000);
    CHECK_EQ(get64(PTE4K) & (PTE_R | PTE_C), PTE_R);
    EXPECT_PA(KERNEL | G1 | M2 | 8, MMU_STORE, 0x5008);
    CHECK_EQ(get64(PTE4K) & (PTE_R | PTE_C), PTE_R | PTE_C);
    /* A denied access sets neither. */
    EXPECT_FAULT(KERNEL | G1 | 4, MMU_STORE, VEC_DSI, DSISR_PROT);
    CHECK_EQ(get64(PMD) & (PTE_R | PTE_C), 0);
    /* Only the bits: the rest of the PTE is unchanged. */
    CHECK_EQ(get64(PTE4K), V | L | 0x5000 | PRIV | EAA_RW | PTE_R | PTE_C);
}

static void test_radix_faults(void)
{
    build_radix();
    /* Quadrants 1 and 2, EA bits 2:11: segment interrupts. */
    EXPECT_FAULT(0x4000000000000000ull, MMU_LOAD, VEC_DSEG, 0);
    EXPECT_FAULT(0x8000000000001000ull, MMU_STORE, VEC_DSEG, 0);
    EXPECT_FAULT(KERNEL | (1ull << 52), MMU_LOAD, VEC_DSEG, 0);
    EXPECT_FAULT(0x0010000000000000ull, MMU_EXEC, VEC_ISEG, 0);
    /* Invalid PTE, invalid directory entry. */
    EXPECT_FAULT(KERNEL | G1 | M2 | 0x1000, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    EXPECT_FAULT(KERNEL | G1 | M2 | 0x1000, MMU_STORE, VEC_DSI, DSISR_NOPTE);
    EXPECT_FAULT(KERNEL | 5 * G1, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    EXPECT_FAULT(KERNEL | 5 * G1, MMU_EXEC, VEC_ISI, SRR1_ISI_NOPTE);
    /* Permission: R-only 2M page stored to, RW page executed. */
    EXPECT_FAULT(KERNEL | G1, MMU_STORE, VEC_DSI, DSISR_PROT);
    EXPECT_FAULT(KERNEL | G1, MMU_EXEC, VEC_ISI, SRR1_ISI_NOEXEC);
    EXPECT_FAULT(KERNEL | G1 | M2, MMU_EXEC, VEC_ISI, SRR1_ISI_NOEXEC);
    EXPECT_FAULT(KERNEL | G1 | 2 * M2, MMU_STORE, VEC_DSI, DSISR_PROT);
    /* Privilege: problem state cannot touch PRIV pages, at all. */
    h->cpu->msr |= MSR_PR;
    EXPECT_FAULT(KERNEL | 0x1000, MMU_LOAD, VEC_DSI, DSISR_PROT);
    EXPECT_FAULT(KERNEL | 0x1000, MMU_EXEC, VEC_ISI, SRR1_ISI_NOEXEC);
    EXPECT_PA(KERNEL | G1 | M2 | 0x2000, MMU_STORE, 0x6000); /* a user page */
    h->cpu->msr &= ~MSR_PR;
    /* AMR/IAMR key 0 on supervisor access to user pages (KUAP/KUEP). */
    h->cpu->amr = 1ull << 63; /* no store */
    EXPECT_FAULT(KERNEL | G1 | M2 | 0x2000, MMU_STORE, VEC_DSI, DSISR_KEY);
    EXPECT_PA(KERNEL | G1 | M2 | 0x2000, MMU_LOAD, 0x6000);
    EXPECT_PA(KERNEL | G1 | M2, MMU_STORE, 0x5000); /* PRIV page: no key */
    h->cpu->amr = 1ull << 62;                       /* no load */
    EXPECT_FAULT(KERNEL | G1 | M2 | 0x2000, MMU_LOAD, VEC_DSI, DSISR_KEY);
    h->cpu->amr = 0;
    h->cpu->iamr = 1ull << 62;
    EXPECT_FAULT(KERNEL | G1 | M2 | 0x2000, MMU_EXEC, VEC_ISI, DSISR_KEY);
    h->cpu->msr |= MSR_PR; /* user state is not subject to it */
    EXPECT_PA(KERNEL | G1 | M2 | 0x2000, MMU_EXEC, 0x6000);
    h->cpu->msr &= ~MSR_PR;
    h->cpu->iamr = 0;
    /* Non-idempotent I/O is never executable. */
    put64(PTE4K + 16, V | L | 0x6000 | RWX | 0x20);
    EXPECT_FAULT(KERNEL | G1 | M2 | 0x2000, MMU_EXEC, VEC_ISI, SRR1_ISI_NOEXEC);
    EXPECT_PA(KERNEL | G1 | M2 | 0x2000, MMU_LOAD, 0x6000);

    /* Unsupported shapes: a root of 12 bits, a tree size other than 52, a
     * leaf in the root, a misaligned directory, a PTE level of 7 bits. */
    build_radix();
    put64(PRTB, prte(ROOT0) - 1);
    EXPECT_FAULT(KERNEL, MMU_LOAD, VEC_DSI, DSISR_BADCONFIG);
    put64(PRTB, prte(ROOT0) & ~(1ull << 5));
    EXPECT_FAULT(KERNEL, MMU_EXEC, VEC_ISI, DSISR_BADCONFIG);
    build_radix();
    put64(ROOT0, V | L | RWX);
    EXPECT_FAULT(KERNEL, MMU_LOAD, VEC_DSI, DSISR_BADCONFIG);
    build_radix();
    put64(ROOT0, V | (PUD + 0x800) | 9);
    EXPECT_FAULT(KERNEL, MMU_STORE, VEC_DSI, DSISR_BADCONFIG);
    build_radix();
    put64(PMD + 8, V | PTE4K | 7);
    EXPECT_FAULT(KERNEL | G1 | M2, MMU_LOAD, VEC_DSI, DSISR_BADCONFIG);
    /* No process table registered: nothing translates. */
    build_radix();
    h->cpu->proc_tbl = 0;
    EXPECT_FAULT(KERNEL, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    /* Tables outside RAM: machine check, never an access out of bounds. */
    build_radix();
    h->cpu->proc_tbl = (H_RAM_SIZE + 0x10000) | 0;
    EXPECT_FAULT(KERNEL, MMU_LOAD, VEC_MACHINE_CHECK, 0);
    build_radix();
    put64(PUD + 8, V | 0x0fffffffffff0000ull | 9);
    EXPECT_FAULT(KERNEL | G1, MMU_LOAD, VEC_MACHINE_CHECK, 0);
}

/* ------------------------------------------------------------- hash -- */

#define HPT_SHIFT   18
#define HPT_MASK    ((1ull << (HPT_SHIFT - 7)) - 1)
#define SLB_V       0x08000000ull
#define SLB_KS      0x800ull
#define SLB_KP      0x400ull
#define SLB_N       0x200ull
#define SLB_LLP_64K 0x110ull
#define SLB_LLP_16M 0x100ull
#define SLB_1T      (1ull << 62)

static uint8_t hpt[1u << HPT_SHIFT] __attribute__((aligned(16)));

static void hpte_put(uint64_t ptex, uint64_t v, uint64_t r)
{
    uint64_t bv = __builtin_bswap64(v), br = __builtin_bswap64(r);
    memcpy(hpt + 16 * ptex, &bv, 8);
    memcpy(hpt + 16 * ptex + 8, &br, 8);
}

static uint64_t hpte_r(uint64_t ptex)
{
    uint64_t br;
    memcpy(&br, hpt + 16 * ptex + 8, 8);
    return __builtin_bswap64(br);
}

static void build_hash(void)
{
    h_reset(h);
    memset(hpt, 0, sizeof(hpt));
    h->cpu->hpt = hpt;
    h->cpu->hpt_mask = HPT_MASK;
}

/*
 * 256M segment ESID 0xc00000000 (EA 0xc000000000000000), VSID 0x123456,
 * 4K base pages.  EA offset 0x5000: hash = 0x123456 ^ 5 = 0x123453, PTEG
 * 0x123453 & 0x7ff = 0x453; AVPN = VSID << 5 (EA offset bits 0:15 are 0).
 */
#define VSID     0x123456ull
#define SEG_EA   0xc000000000000000ull
#define PTEG_4K  0x453ull
#define AVPN_4K  (VSID << 12)
#define PTEG_SEC ((~0x123453ull) & HPT_MASK)

static void test_hash(void)
{
    uint64_t pa;

    build_hash();
    /* No SLB entry: segment interrupts. */
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_LOAD, VEC_DSEG, 0);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_EXEC, VEC_ISEG, 0);
    CHECK(ppc_slb_store(h->cpu, SEG_EA | SLB_V | 3, VSID << 12 | SLB_KP));
    /* No HPTE: no translation. */
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_STORE, VEC_DSI, DSISR_NOPTE);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_EXEC, VEC_ISI, SRR1_ISI_NOPTE);
    /* A 4K page in the primary group, slot 3, PP 2 (all access). */
    hpte_put(PTEG_4K * 8 + 3, AVPN_4K | HPTE_V_V, 0x7000 | HPTE_R_M | 2);
    EXPECT_PA(SEG_EA | 0x5abc, MMU_LOAD, 0x7abc);
    CHECK_EQ(hpte_r(PTEG_4K * 8 + 3) & (HPTE_R_R | HPTE_R_C), HPTE_R_R);
    EXPECT_PA(SEG_EA | 0x5ab8, MMU_STORE, 0x7ab8);
    CHECK_EQ(hpte_r(PTEG_4K * 8 + 3) & (HPTE_R_R | HPTE_R_C), HPTE_R_R | HPTE_R_C);
    /* The next page is not mapped; the same AVPN in the secondary group
     * without H does not count, with H it does. */
    EXPECT_FAULT(SEG_EA | 0x6000, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    hpte_put(((~(VSID ^ 6)) & HPT_MASK) * 8, AVPN_4K | HPTE_V_V, 0x9000 | HPTE_R_M | 2);
    EXPECT_FAULT(SEG_EA | 0x6000, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    hpte_put(((~(VSID ^ 6)) & HPT_MASK) * 8, AVPN_4K | HPTE_V_H | HPTE_V_V, 0x9000 | HPTE_R_M | 2);
    EXPECT_PA(SEG_EA | 0x6010, MMU_LOAD, 0x9010);
    /* Another VSID's entry does not match. */
    hpte_put(PTEG_4K * 8 + 3, (AVPN_4K ^ (1ull << 12)) | HPTE_V_V, 0x7000 | HPTE_R_M | 2);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_LOAD, VEC_DSI, DSISR_NOPTE);

    /* Protection: key Kp in problem state, Ks (0 here) in privileged. */
    build_hash();
    CHECK(ppc_slb_store(h->cpu, SEG_EA | SLB_V | 3, VSID << 12 | SLB_KP));
    hpte_put(PTEG_4K * 8, AVPN_4K | HPTE_V_V, 0x7000 | HPTE_R_M | 3); /* PP 3: read */
    EXPECT_PA(SEG_EA | 0x5000, MMU_LOAD, 0x7000);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_STORE, VEC_DSI, DSISR_PROT);
    EXPECT_PA(SEG_EA | 0x5000, MMU_EXEC, 0x7000);
    hpte_put(PTEG_4K * 8, AVPN_4K | HPTE_V_V, 0x7000 | HPTE_R_M | 0); /* PP 0 */
    EXPECT_PA(SEG_EA | 0x5000, MMU_STORE, 0x7000);                    /* key 0: RW */
    h->cpu->msr |= MSR_PR;                                            /* key 1: none */
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_LOAD, VEC_DSI, DSISR_PROT);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_EXEC, VEC_ISI, SRR1_ISI_PROT);
    hpte_put(PTEG_4K * 8, AVPN_4K | HPTE_V_V, 0x7000 | HPTE_R_M | 1); /* PP 1: key 1 R */
    EXPECT_PA(SEG_EA | 0x5000, MMU_LOAD, 0x7000);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_STORE, VEC_DSI, DSISR_PROT);
    h->cpu->msr &= ~MSR_PR;
    /* No-execute: HPTE N, guarded, segment N. */
    hpte_put(PTEG_4K * 8, AVPN_4K | HPTE_V_V, 0x7000 | HPTE_R_M | HPTE_R_N | 2);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_EXEC, VEC_ISI, SRR1_ISI_NOEXEC);
    hpte_put(PTEG_4K * 8, AVPN_4K | HPTE_V_V, 0x7000 | HPTE_R_M | HPTE_R_G | 2);
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_EXEC, VEC_ISI, SRR1_ISI_NOEXEC);
    hpte_put(PTEG_4K * 8, AVPN_4K | HPTE_V_V, 0x7000 | HPTE_R_M | 2);
    CHECK(ppc_slb_store(h->cpu, SEG_EA | SLB_V | 3, VSID << 12 | SLB_KP | SLB_N));
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_EXEC, VEC_ISI, SRR1_ISI_NOEXEC);
    EXPECT_PA(SEG_EA | 0x5000, MMU_LOAD, 0x7000);
    /* Storage keys: key 5 (KEY_LO bits 0x0a00 = 0b101 << 9) and AMR. */
    hpte_put(PTEG_4K * 8, AVPN_4K | HPTE_V_V, 0x7000 | 0xa00 | HPTE_R_M | 2);
    h->cpu->amr = 2ull << (2 * (31 - 5)); /* key 5: no store */
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_STORE, VEC_DSI, DSISR_KEY);
    EXPECT_PA(SEG_EA | 0x5000, MMU_LOAD, 0x7000);
    h->cpu->amr = 1ull << (2 * (31 - 5)); /* no load */
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_LOAD, VEC_DSI, DSISR_KEY);
    h->cpu->amr = 0;
    CHECK(ppc_slb_store(h->cpu, SEG_EA | SLB_V | 3, VSID << 12 | SLB_KP));
    h->cpu->iamr = 1ull << (2 * (31 - 5));
    EXPECT_FAULT(SEG_EA | 0x5000, MMU_EXEC, VEC_ISI, DSISR_KEY);
    h->cpu->iamr = 0;

    /* 64K pages in a 64K segment: hash on the 64K page number, LP 1. */
    build_hash();
    CHECK(ppc_slb_store(h->cpu, SEG_EA | SLB_V | 0, VSID << 12 | SLB_LLP_64K));
    hpte_put(((VSID ^ 3) & HPT_MASK) * 8, AVPN_4K | HPTE_V_L | HPTE_V_V,
             0x810000 | 0x1000 | HPTE_R_M | 2);
    EXPECT_PA(SEG_EA | 0x3fffc, MMU_LOAD, 0x81fffc);
    /* A 4K encoding (no L) in a 64K segment is not a match. */
    hpte_put(((VSID ^ 3) & HPT_MASK) * 8, AVPN_4K | HPTE_V_V, 0x810000 | HPTE_R_M | 2);
    EXPECT_FAULT(SEG_EA | 0x30000, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    /* 16M pages in a 16M segment: AVPN bit 23 (0x80) is inside the page. */
    build_hash();
    CHECK(ppc_slb_store(h->cpu, SEG_EA | SLB_V | 1, VSID << 12 | SLB_LLP_16M));
    hpte_put(((VSID ^ 5) & HPT_MASK) * 8, (VSID << 12) | (5ull << 8) | HPTE_V_L | HPTE_V_V,
             0x1000000 | HPTE_R_M | 2);
    EXPECT_PA(SEG_EA | 0x5abcdef, MMU_LOAD, 0x1abcdef);
    /* ... so an entry with it set still matches (the ISA ignores AVPN bits
     * inside the page); bit 22 (0x100) is outside and must match. */
    hpte_put(((VSID ^ 5) & HPT_MASK) * 8, (VSID << 12) | (5ull << 8) | 0x80 | HPTE_V_L | HPTE_V_V,
             0x1000000 | HPTE_R_M | 2);
    EXPECT_PA(SEG_EA | 0x5000010, MMU_LOAD, 0x1000010);
    hpte_put(((VSID ^ 5) & HPT_MASK) * 8, (VSID << 12) | (4ull << 8) | HPTE_V_L | HPTE_V_V,
             0x1000000 | HPTE_R_M | 2);
    EXPECT_FAULT(SEG_EA | 0x5000010, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
    /* 1T segment, 4K pages: hash = VSID ^ (VSID << 25) ^ page. */
    build_hash();
    CHECK(ppc_slb_store(h->cpu, 0x0000010000000000ull | SLB_V | 2, SLB_1T | (0x4321ull << 24)));
    {
        uint64_t vsid = 0x4321, hash = vsid ^ (vsid << 25) ^ 0x12345;
        hpte_put((hash & HPT_MASK) * 8 + 7,
                 SLB_1T | (vsid << 24) | ((0x12345000ull >> 16) & HPTE_V_AVPN) | HPTE_V_V,
                 0x3000 | HPTE_R_M | 2);
        EXPECT_PA(0x0000010012345678ull, MMU_LOAD, 0x3678);
    }
    /* The debugger's probe with no HPT sets nothing and records nothing. */
    build_hash();
    h->cpu->hpt = NULL;
    CHECK(ppc_slb_store(h->cpu, SEG_EA | SLB_V, VSID << 12));
    h->cpu->fault.vector = 0;
    CHECK(!mmu_translate(h->cpu, SEG_EA, MMU_LOAD, MMU_PROBE, &pa));
    CHECK_EQ(h->cpu->fault.vector, 0);
    EXPECT_FAULT(SEG_EA, MMU_LOAD, VEC_DSI, DSISR_NOPTE);
}

/* ------------------------------------------- through the executor -- */

#define LBZ(rt, ra, d) enc_d(34, rt, ra, d)
#define STB(rs, ra, d) enc_d(38, rs, ra, d)
#define LD(rt, ra, d)  enc_ds(58, rt, ra, d, 0)
#define STW(rs, ra, d) enc_d(36, rs, ra, d)
#define TLBIE(rs, rb, ric, prs, r)                                                                 \
    ((31u << 26) | ((rs) << 21) | ((ric) << 18) | ((prs) << 17) | ((r) << 16) | ((rb) << 11) |     \
     (306u << 1))
#define MTSPR(spr, rs) enc_spr(467, rs, spr)
#define ISYNC          0x4c00012cu

/* Kernel context with IR and DR on: code at H_CODE runs through PID 1's
 * 1G leaf (quadrant 0, identity), data through the trees above. */
static void start_translated(void)
{
    build_radix();
    h->msr = MSR_SF | MSR_IR | MSR_DR;
}

static void test_executed(void)
{
    /* A load from an unmapped page: DSI with DAR, DSISR, SRR1[DR]. */
    start_translated();
    R(4) = KERNEL | G1 | M2 | 0x1008;
    h_code(h, LBZ(3, 4, 0));
    CHECK_EQ(h_run(h), 0x300);
    CHECK_EQ(h->cpu->srr0, H_CODE);
    CHECK_EQ(h->cpu->dar, KERNEL | G1 | M2 | 0x1008);
    CHECK_EQ(h->cpu->dsisr, DSISR_NOPTE);
    CHECK_EQ(h->cpu->srr1 & (MSR_IR | MSR_DR), MSR_IR | MSR_DR);
    CHECK_EQ(h->cpu->msr & (MSR_IR | MSR_DR), 0); /* taken in real mode (AIL 0) */
    /* A store to a read-only page: DSISR PROT | STORE. */
    start_translated();
    R(4) = KERNEL | G1 | 0x10;
    h_code(h, STB(3, 4, 0));
    CHECK_EQ(h_run(h), 0x300);
    CHECK_EQ(h->cpu->dsisr, DSISR_PROT | DSISR_STORE);
    CHECK_EQ(h->cpu->dar, KERNEL | G1 | 0x10);
    /* Quadrant 1: data segment interrupt, DAR = EA. */
    start_translated();
    R(4) = 0x4000000000000100ull;
    h_code(h, LD(3, 4, 0));
    CHECK_EQ(h_run(h), 0x380);
    CHECK_EQ(h->cpu->dar, 0x4000000000000100ull);
    /* Problem state, privileged page: DSI PROT (the user identity map
     * runs the code). */
    start_translated();
    h->msr |= MSR_PR;
    R(4) = KERNEL | 0x2000;
    h_code(h, LBZ(3, 4, 0));
    CHECK_EQ(h_run(h), 0x300);
    CHECK_EQ(h->cpu->dsisr, DSISR_PROT);
    CHECK(h->cpu->srr1 & MSR_PR);
    /* Instruction fetch from a non-executable page: ISI, SRR0 = the
     * target, SRR1 bit 35. */
    start_translated();
    h->cpu->ctr = KERNEL | G1 | M2; /* the RW 4K page */
    h_code(h, 0x4e800420);          /* bctr */
    CHECK_EQ(h_run(h), 0x400);
    CHECK_EQ(h->cpu->srr0, KERNEL | G1 | M2);
    CHECK_EQ(h->cpu->srr1 & 0x58000000ull, SRR1_ISI_NOEXEC);
    /* Fetch from an unmapped page: ISI "no translation"; from quadrant
     * 2: instruction segment. */
    start_translated();
    h->cpu->ctr = KERNEL | 7 * G1;
    h_code(h, 0x4e800420);
    CHECK_EQ(h_run(h), 0x400);
    CHECK_EQ(h->cpu->srr1 & 0x58000000ull, SRR1_ISI_NOPTE);
    start_translated();
    h->cpu->ctr = 0x8000000000000000ull;
    h_code(h, 0x4e800420);
    CHECK_EQ(h_run(h), 0x480);
    CHECK_EQ(h->cpu->srr0, 0x8000000000000000ull);
    /* A real-mode load beyond RAM: machine check. */
    h_reset(h);
    R(4) = H_RAM_SIZE + 0x100;
    h_code(h, LBZ(3, 4, 0));
    CHECK_EQ(h_run(h), 0x200);
    CHECK_EQ(h->cpu->dar, H_RAM_SIZE + 0x100);
}

/*
 * The soft TLB keeps a translation until the architecture says it goes:
 * a PTE rewritten without tlbie still reads the old page (as hardware
 * may), tlbie of that page -- or a PIDR change for quadrant 0 -- drops it.
 */
static void test_invalidation(void)
{
    uint64_t ea = KERNEL | G1 | M2; /* PTE4K[0] */

    start_translated();
    h->mem.ram[0x5000] = 0x11;
    h->mem.ram[0x9000] = 0x22;
    R(4) = ea;
    R(6) = KERNEL | PTE4K; /* the PTE, through the kernel's identity map */
    R(7) = V | L | 0x9000 | PRIV | EAA_RW;
    R(8) = 1ull << 32;
    h_code(h, LBZ(3, 4, 0));           /* fills the soft TLB: 0x11 */
    h_code(h, 0x7ce0312a);             /* stdx r7,0,r6: PTE4K[0] -> 0x9000 */
    h_code(h, LBZ(5, 4, 0));           /* still 0x11 */
    h_code(h, TLBIE(8, 4, 0, 1, 1));   /* that page */
    h_code(h, 0x7c0004ac | (2 << 21)); /* ptesync */
    h_code(h, LBZ(9, 4, 0));           /* 0x22 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(3), 0x11);
    CHECK_EQ(R(5), 0x11);
    CHECK_EQ(R(9), 0x22);

    /* PIDR: quadrant 0 changes tree.  PID 1 and PID 3 map G1 differently. */
    start_translated();
    put64(PRTB + 3 * 16, prte(ROOT3));
    put64(ROOT3, V | PUD3 | 9);
    put64(PUD3, V | L | 0 | RWX);     /* first G: identity for the code */
    put64(PUD3 + 8, V | L | 0 | RWX); /* second G -> 0 too */
    h->mem.ram[0x400000] = 0x33;
    h->mem.ram[0x0] = 0x44;
    R(4) = G1;
    R(6) = 3;
    h_code(h, LBZ(3, 4, 0)); /* PID 1: 2M leaf at 0x400000: 0x33 */
    h_code(h, MTSPR(SPR_PIDR, 6));
    h_code(h, ISYNC);
    h_code(h, LBZ(5, 4, 0)); /* PID 3: 1G leaf at 0: 0x44 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(3), 0x33);
    CHECK_EQ(R(5), 0x44);
}

/*
 * Two vCPUs on one memory: vCPU 1 caches a translation, vCPU 0 changes the
 * PTE and issues tlbie; vCPU 1 (not executing meanwhile) must see the new
 * page at once when it runs again.  tlbiel does not reach it.
 */
static void test_two_vcpus(void)
{
    struct ppc_cpu *other = (struct ppc_cpu *)cpu_interp_backend.create(&h->mem, 1, 0x004e1202);
    uint64_t ea = KERNEL | G1 | M2;
    struct cpu_exit exit;

    for (int global = 1; global >= 0; global--) {
        start_translated();
        cpu_interp_backend.reset((struct cpu *)other);
        other->lpcr = h->cpu->lpcr;
        other->proc_tbl = h->cpu->proc_tbl;
        other->pidr = 1;
        h->mem.ram[0x5000] = 0x11;
        h->mem.ram[0x9000] = 0x22;
        /* vCPU 1: lbz r3,0(r4) at 0x20000, then sc 1. */
        h_put32(h, 0x20000, LBZ(3, 4, 0), 0);
        h_put32(h, 0x20004, SC1, 0);
        other->gpr[4] = ea;
        ppc_store_msr(other, MSR_SF | MSR_IR | MSR_DR);
        other->nip = 0x20000;
        cpu_interp_backend.run((struct cpu *)other, &exit);
        CHECK_EQ(exit.reason, CPU_EXIT_HCALL);
        CHECK_EQ(other->gpr[3], 0x11);
        /* vCPU 0: rewrite the PTE (as the kernel would), invalidate. */
        put64(PTE4K, V | L | 0x9000 | PRIV | EAA_RW);
        R(4) = ea;
        R(8) = 1ull << 32;
        h_code(h, global ? TLBIE(8, 4, 0, 1, 1) : TLBIE(8, 4, 0, 1, 1) ^ (306u << 1) ^ (274u << 1));
        h_code(h, 0x7c00046c); /* tlbsync */
        h_code(h, 0x7c0004ac | (2 << 21));
        CHECK_EQ(h_run(h), H_END(h));
        other->nip = 0x20000;
        cpu_interp_backend.run((struct cpu *)other, &exit);
        CHECK_EQ(exit.reason, CPU_EXIT_HCALL);
        CHECK_EQ(other->gpr[3], global ? 0x22 : 0x11);
    }
    cpu_interp_backend.destroy((struct cpu *)other);
}

/*
 * Code modified through an alias: the page at 0x6000 is both executable
 * at EA A and writable at EA B.  After running the code at A, a store
 * through B changes it; the next execution at A (after isync) runs the new
 * instruction.
 */
static void test_alias_smc(void)
{
    uint64_t a = KERNEL | G1 | M2 | 0x2000; /* PTE4K[2]: 0x6000, user RWX */
    uint64_t b = KERNEL | 0x6000;           /* the kernel's identity map */

    start_translated();
    h_put32(h, 0x6000, enc_d(14, 3, 0, 1), 0); /* li r3,1 */
    h_put32(h, 0x6004, 0x4e800020, 0);         /* blr */
    h->cpu->ctr = a;
    R(4) = b;
    R(5) = enc_d(14, 3, 0, 2);              /* li r3,2 */
    h_code(h, 0x4e800421);                  /* bctrl: r3 = 1 */
    h_code(h, enc_x(31, 3, 10, 3, 444, 0)); /* mr r10,r3 */
    h_code(h, STW(5, 4, 0));                /* through the alias */
    h_code(h, ISYNC);
    h_code(h, 0x4e800421); /* bctrl: r3 = 2 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(10), 1);
    CHECK_EQ(R(3), 2);
}

int main(void)
{
    struct harness hh;

    h = &hh;
    h_init(h);
    test_radix_sizes();
    test_radix_rc();
    test_radix_faults();
    test_hash();
    test_executed();
    test_invalidation();
    test_two_vcpus();
    test_alias_smc();
    h_fini(h);
    return check_summary("mmu");
}
