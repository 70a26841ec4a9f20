/*
 * The hash MMU from inside a guest (Power ISA Book III 5.7.7-5.7.9,
 * 5.9.3; LoPAPR 14.5.4.1; spec/cpu.md §3.2), run with -bios on -smp 2,
 * on a POWER9 that never registered radix and on a POWER8: allocates the
 * HPT with PETREL_H_ALLOC_HPT as the firmware's CAS would, fills it with
 * H_ENTER, loads the SLB, and runs code with translation on in
 * supervisor and problem state (mmu-lib.h run()): 4K, 64K and 16M pages,
 * 256M and 1T segments, R and C in the HPTE, the H_ENTER family with its
 * flags and errors, every storage and segment interrupt with its
 * SRR0/SRR1/DAR/DSISR (PP and key protection, N, storage keys), removal
 * on vCPU 0 seen by vCPU 1 while it runs, and code changed through an
 * alias mapping.
 * Prints "mmu-hash: all ok" and powers off 0; "mmu-hash FAIL <n>: ..."
 * and status n otherwise.
 */
#include "mmu-lib.h"

const char payload_name[] = "mmu-hash";

#define PAGE(k)    (0x1000000ull + 0x10000ull * (k)) /* 64K-aligned test pages */
#define WORD(k, o) (0x7e570000ull << 32 | (uint64_t)(k) << 16 | (o))

/* HPTE (pre-ISA-3.0 layout, spec/cpu.md §3.2). */
#define V_1T    0x4000000000000000ull
#define V_L     0x4ull
#define V_V     0x1ull
#define R_PP0   0x8000000000000000ull
#define R_R     0x100ull
#define R_C     0x080ull
#define R_I     0x020ull
#define R_M     0x010ull
#define R_N     0x004ull
#define KEY(k)  ((uint64_t)((k) >> 3) << 60 | (uint64_t)((k)&7) << 9)
#define H_EXACT (1ull << 39)
#define H_AVPN  (1ull << 31)
#define H_AND   (1ull << 30)
#define H_READ4 (1ull << 37)

/* SLB (spec/cpu.md §3.2). */
#define SLB_V    0x08000000ull
#define SLB_B_1T 0x4000000000000000ull
#define SLB_KS   0x800ull
#define SLB_KP   0x400ull
#define SLB_N    0x200ull
#define SLB_16M  0x100ull
#define SLB_64K  0x110ull
#define SEG_256M 0xfffffffff0000000ull
#define SEG_1T   0xffffff0000000000ull

#define KMSR (MSR_SF | MSR_IR | MSR_DR)
#define UMSR (MSR_SF | MSR_PR | MSR_IR | MSR_DR | MSR_EE)
#define RMSR MSR_SF

/* The segments: effective address, VSID, SLB flags and index. */
struct seg {
    uint64_t ea, vsid, flags;
};
static const struct seg KSEG = {0xc000000000000000ull, 0x1c0, SLB_KP | SLB_16M};
static const struct seg USEG = {0x10000000ull, 0x2a5, SLB_KP};
static const struct seg SEG64K = {0x20000000ull, 0x3b7, SLB_KP | SLB_64K};
static const struct seg SEG16M = {0x30000000ull, 0x4c9, SLB_KP | SLB_16M};
static const struct seg SEGNX = {0x40000000ull, 0x6e3, SLB_KP | SLB_N};
static const struct seg SEG1T = {0x10000000000ull, 0x5d1, SLB_B_1T | SLB_KP};
static const struct seg *const segs[] = {&KSEG, &USEG, &SEG64K, &SEG16M, &SEGNX, &SEG1T};
#define NSEGS (sizeof(segs) / sizeof(segs[0]))

/* Addresses. */
#define KVA(pa)   (KSEG.ea | (uint64_t)(pa)) /* one 16M page over the payload */
#define KSNIP(s)  KVA(s)
#define UCODE     0x10000000ull /* the snippets, 16 4K pages */
#define USNIP(s)  SNIP_VA(UCODE, s)
#define U(off)    (USEG.ea + 0x100000 + (off)) /* the user segment's data pages */
#define X_VA      (USEG.ea + 0x200000)         /* the two-vCPU page */
#define SMC_EXEC  (USEG.ea + 0x300000)
#define SMC_ALIAS (USEG.ea + 0x301000)
#define VA64K     (SEG64K.ea + 0x10000)
#define VA16M     (SEG16M.ea + 0x1000000)
#define VA1T      (SEG1T.ea + 0x123456000ull)
#define VANX      SEGNX.ea

static uint64_t hpt_mask; /* PTEGs - 1 */

static int one_t(const struct seg *s)
{
    return (s->flags & SLB_B_1T) != 0;
}

static uint64_t slb_vsid(const struct seg *s)
{
    return (s->flags & ~0xfffull) | s->vsid << (one_t(s) ? 24 : 12) | (s->flags & 0xfffull);
}

static void load_slb(void)
{
    for (unsigned i = 0; i < NSEGS; i++) {
        uint64_t rb = (segs[i]->ea & (one_t(segs[i]) ? SEG_1T : SEG_256M)) | SLB_V | i;
        __asm__ volatile("slbmte %0, %1" ::"r"(slb_vsid(segs[i])), "r"(rb) : "memory");
    }
    __asm__ volatile("isync" ::: "memory");
}

/* The primary (or secondary) PTEG of the page at ea, of 2^shift bytes,
 * in a segment of base page size 2^base (Book III 5.7.7.3). */
static uint64_t pteg(const struct seg *s, uint64_t ea, unsigned base, int secondary)
{
    uint64_t off = ea & (one_t(s) ? ~SEG_1T : ~SEG_256M);
    uint64_t h = (one_t(s) ? s->vsid ^ (s->vsid << 25) : s->vsid) ^ (off >> base);

    return (secondary ? ~h : h) & hpt_mask;
}

/* Dword 0 of the HPTE for ea's page in segment s. */
static uint64_t hpte_v(const struct seg *s, uint64_t ea, unsigned shift)
{
    uint64_t off = ea & (one_t(s) ? ~SEG_1T : ~SEG_256M);
    uint64_t v = one_t(s) ? V_1T | s->vsid << 24 : s->vsid << 12;

    return v | (off >> 23) << 7 | (shift > 12 ? V_L : 0) | V_V;
}

/* H_ENTER for ea -> pa; returns the ptex. */
static uint64_t enter(unsigned n, const struct seg *s, uint64_t ea, uint64_t pa, unsigned shift,
                      unsigned base, uint64_t rflags)
{
    unsigned long out[8];
    uint64_t r = pa | R_M | rflags;
    long rc;

    if (shift == 16)
        r |= base == 16 ? 0x1000 : 0x7000; /* the large-page size in the low RPN bits */
    rc = HCO(out, H_ENTER, 0, pteg(s, ea, base, 0) * 8, hpte_v(s, ea, shift), r);
    CHECK(n, "H_ENTER", rc, H_SUCCESS);
    return out[0];
}

static void hread(uint64_t ptex, uint64_t *v, uint64_t *r)
{
    unsigned long out[8];

    if (HCO(out, H_READ, 0, ptex) != H_SUCCESS)
        fail(247, "H_READ", ptex, 0);
    *v = out[0];
    *r = out[1];
}

static uint64_t rc_bits(uint64_t ptex)
{
    uint64_t v, r;

    hread(ptex, &v, &r);
    return r & (R_R | R_C);
}

static void fill_pages(void)
{
    for (uint64_t k = 0; k < 40; k++)
        for (uint64_t off = 0; off < 0x10000; off += 8)
            st64(PAGE(k) + off, WORD(k, off));
}

/* ---------------------------------------------------------------------- */

static uint64_t ptex_u20, ptex_u29, ptex_x, ptex_kseg;

static void test_hpt_alloc(void)
{
    unsigned shift = petrel_hpt_shift_for_ram(512ull << 20);

    puts_("mmu-hash: PETREL_H_ALLOC_HPT\n");
    CHECK(1, "H_ENTER without an HPT", HC(H_ENTER, 0, 0, V_V, R_M), H_PARAMETER);
    CHECK(2, "too small", HC(PETREL_H_ALLOC_HPT, PETREL_HPT_SHIFT_MIN - 1), H_PARAMETER);
    CHECK(2, "too large", HC(PETREL_H_ALLOC_HPT, shift + 2), H_PARAMETER);
    CHECK(3, "the firmware's size", HC(PETREL_H_ALLOC_HPT, shift), H_SUCCESS);
    CHECK(3, "another size afterwards", HC(PETREL_H_ALLOC_HPT, shift + 1), H_PARAMETER);
    CHECK(3, "the same size again", HC(PETREL_H_ALLOC_HPT, shift), H_SUCCESS);
    hpt_mask = (1ull << (shift - 7)) - 1;
}

static void test_hcalls(void)
{
    const struct seg *s = &USEG;
    uint64_t ea = U(0x7000), g = pteg(s, ea, 12, 0), v = hpte_v(s, ea, 12), r = PAGE(5) | R_M | 2;
    uint64_t entries = (hpt_mask + 1) * 8;
    unsigned long out[8];

    puts_("mmu-hash: H_ENTER, H_READ, H_REMOVE, H_BULK_REMOVE\n");
    CHECK(4, "RAM mapped caching-inhibited", HC(H_ENTER, 0, g * 8, v, PAGE(5) | R_I | R_M | 2),
          H_PARAMETER);
    CHECK(4, "RAM mapped without M", HC(H_ENTER, 0, g * 8, v, PAGE(5) | 2), H_PARAMETER);
    CHECK(4, "ptex beyond the HPT", HC(H_ENTER, 0, entries, v, r), H_PARAMETER);
    CHECK(4, "a large page of no offered size",
          HC(H_ENTER, 0, g * 8, v | V_L, PAGE(5) | 0x2000 | R_M), H_PARAMETER);
    /* A whole group, then no room. */
    for (unsigned i = 0; i < 8; i++) {
        CHECK(5, "H_ENTER into the group", HCO(out, H_ENTER, 0, g * 8 + 3, v, r + i * 0x1000),
              H_SUCCESS);
        CHECK(5, "first free slot", out[0], g * 8 + i);
    }
    CHECK(5, "full group", HC(H_ENTER, 0, g * 8, v, r), H_PTEG_FULL);
    CHECK(5, "H_EXACT on a used slot", HC(H_ENTER, H_EXACT, g * 8 + 2, v, r), H_PTEG_FULL);
    /* H_READ: one entry, four from the aligned group of four. */
    CHECK(6, "H_READ", HCO(out, H_READ, 0, g * 8 + 6), H_SUCCESS);
    CHECK(6, "H_READ dword 0", out[0], v);
    CHECK(6, "H_READ dword 1", out[1], r + 6 * 0x1000);
    CHECK(6, "H_READ 4", HCO(out, H_READ, H_READ4, g * 8 + 6), H_SUCCESS);
    for (unsigned i = 0; i < 4; i++)
        CHECK(6, "H_READ 4 dword 1", out[2 * i + 1], r + (4 + i) * 0x1000);
    CHECK(6, "H_READ beyond the HPT", HC(H_READ, 0, entries), H_PARAMETER);
    /* H_REMOVE: AVPN and ANDCOND conditions. */
    CHECK(7, "H_REMOVE, AVPN differs", HC(H_REMOVE, H_AVPN, g * 8 + 1, (v & ~0x7full) ^ 0x80),
          H_NOT_FOUND);
    CHECK(7, "H_REMOVE, ANDCOND", HC(H_REMOVE, H_AND, g * 8 + 1, V_V), H_NOT_FOUND);
    CHECK(7, "H_REMOVE, AVPN matches", HCO(out, H_REMOVE, H_AVPN, g * 8 + 1, v & ~0x7full),
          H_SUCCESS);
    CHECK(7, "H_REMOVE old dword 0", out[0], v);
    CHECK(7, "H_REMOVE old dword 1", out[1], r + 0x1000);
    CHECK(7, "H_REMOVE again", HC(H_REMOVE, 0, g * 8 + 1, 0), H_NOT_FOUND);
    CHECK(7, "H_REMOVE beyond the HPT", HC(H_REMOVE, 0, entries, 0), H_PARAMETER);
    CHECK(8, "H_EXACT on the freed slot", HCO(out, H_ENTER, H_EXACT, g * 8 + 1, v, r), H_SUCCESS);
    CHECK(8, "H_EXACT slot", out[0], g * 8 + 1);
    /* H_BULK_REMOVE: two removals, one miss, then the end marker. */
    CHECK(9, "H_BULK_REMOVE",
          HCO(out, H_BULK_REMOVE, 1ull << 62 | (g * 8 + 2), 0, 1ull << 62 | (g * 8 + 3), 0,
              1ull << 62 | (g * 8 + 1) | 1ull << 57, (v & ~0x7full) ^ 0x80, 3ull << 62, 0),
          H_SUCCESS);
    CHECK(9, "response 1", out[0], 2ull << 62 | (g * 8 + 2));
    CHECK(9, "response 2", out[2], 2ull << 62 | (g * 8 + 3));
    CHECK(9, "response 3: not found", out[4], 2ull << 62 | 1ull << 60 | 1ull << 57 | (g * 8 + 1));
    CHECK(9, "removed", HC(H_REMOVE, 0, g * 8 + 2, 0), H_NOT_FOUND);
    CHECK(9, "bad request type", HC(H_BULK_REMOVE, 2ull << 62 | g * 8, 0, 3ull << 62), H_PARAMETER);
    for (unsigned i = 0; i < 8; i++)
        HC(H_REMOVE, 0, g * 8 + i, 0);
    CHECK(9, "group empty again", HCO(out, H_ENTER, 0, g * 8 + 5, v, r), H_SUCCESS);
    CHECK(9, "slot 0", out[0], g * 8);
    HC(H_REMOVE, 0, g * 8, 0);
}

static void build_hpt(void)
{
    /* Supervisor RWX (key 0, PP 0), nothing for problem state (Kp = 1). */
    ptex_kseg = enter(10, &KSEG, KSEG.ea, 0, 24, 24, 0);
    for (uint64_t off = 0; off < 0x10000; off += 0x1000)
        enter(10, &USEG, UCODE + off, (uint64_t)snip_start + off, 12, 12, 3);
    ptex_u20 = enter(10, &USEG, U(0x0000), PAGE(20), 12, 12, 2); /* RW for both */
    enter(10, &USEG, U(0x1000), PAGE(21), 12, 12, 3);            /* read-only for both */
    enter(10, &USEG, U(0x2000), PAGE(22), 12, 12, 0);            /* supervisor only */
    enter(10, &USEG, U(0x3000), PAGE(23), 12, 12, 1);            /* user read-only */
    enter(10, &USEG, U(0x4000), PAGE(24), 12, 12, 2 | R_N);      /* no execute */
    enter(10, &USEG, U(0x5000), PAGE(26), 12, 12, 2 | KEY(3));
    enter(10, &USEG, U(0x6000), PAGE(27), 12, 12, 2 | KEY(27));
    enter(10, &USEG, U(0x9000), PAGE(28), 12, 12, 2);
    ptex_u29 = enter(10, &USEG, U(0xa000), PAGE(29), 12, 12, 2);
    ptex_x = enter(10, &USEG, X_VA, PAGE(9), 12, 12, 2);
    enter(10, &USEG, SMC_EXEC, PAGE(11), 12, 12, 3);
    enter(10, &USEG, SMC_ALIAS, PAGE(11), 12, 12, 2 | R_N);
    enter(10, &SEG64K, VA64K, PAGE(16), 16, 16, 2);
    enter(10, &SEG16M, VA16M, PAGE(0), 24, 24, 2);
    enter(10, &SEG1T, VA1T, PAGE(30), 12, 12, 2);
    enter(10, &SEGNX, VANX, PAGE(31), 12, 12, 2);
}

static void test_slb(void)
{
    uint64_t rt, cr;

    puts_("mmu-hash: SLB\n");
    load_slb();
    __asm__ volatile("slbmfee %0, %1" : "=r"(rt) : "r"(5ull));
    CHECK(11, "slbmfee", rt, SEG1T.ea | SLB_V);
    __asm__ volatile("slbmfev %0, %1" : "=r"(rt) : "r"(3ull));
    CHECK(11, "slbmfev", rt, slb_vsid(&SEG16M));
    __asm__ volatile("slbfee. %0, %2; mfcr %1" : "=r"(rt), "=r"(cr) : "r"(VA64K + 0x123) : "cr0");
    CHECK(11, "slbfee. found", rt, slb_vsid(&SEG64K));
    CHECK(11, "slbfee. CR0", cr >> 28 & 2, 2);
    __asm__ volatile("slbfee. %0, %2; mfcr %1" : "=r"(rt), "=r"(cr) : "r"(0x50000000ull) : "cr0");
    CHECK(11, "slbfee. not found", rt | (cr >> 28 & 2), 0);
    /* slbie removes a segment; slbia (IH 0) all but entry 0. */
    __asm__ volatile("slbie %0; isync" ::"r"(VA64K) : "memory");
    expect_fault(12, run(KSNIP(s_load), KMSR, VA64K, 0, 0), 0x380, KSNIP(s_load), msr_seen(KMSR),
                 VA64K, NO_CHECK);
    __asm__ volatile("slbia 0; isync" ::: "memory");
    __asm__ volatile("slbmfee %0, %1" : "=r"(rt) : "r"(0ull));
    CHECK(12, "slbia keeps entry 0", rt, KSEG.ea | SLB_V);
    expect_fault(12, run(KSNIP(s_load), KMSR, U(0), 0, 0), 0x380, KSNIP(s_load), msr_seen(KMSR),
                 U(0), NO_CHECK);
    load_slb();
}

static void test_translate(void)
{
    puts_("mmu-hash: 4K, 64K and 16M pages, 256M and 1T segments, R and C\n");
    CHECK(13, "16M page (kernel): load", run(KSNIP(s_load), KMSR, KVA(snip_start), 0, 0),
          ld64((uint64_t)snip_start));
    CHECK(13, "16M page (kernel): R set, C clear", rc_bits(ptex_kseg), R_R);
    CHECK(14, "4K page: R and C clear", rc_bits(ptex_u20), 0);
    CHECK(14, "4K page: load", run(KSNIP(s_load), KMSR, U(0x18), 0, 0), WORD(20, 0x18));
    CHECK(14, "4K page: R set", rc_bits(ptex_u20), R_R);
    CHECK(14, "4K page: store", run(KSNIP(s_store), KMSR, U(0x18), 0x55aa, 0), 0);
    CHECK(14, "4K page: C set", rc_bits(ptex_u20), R_R | R_C);
    CHECK(14, "4K page: stored", ld64(PAGE(20) + 0x18), 0x55aa);
    CHECK(15, "64K page", run(KSNIP(s_load), KMSR, VA64K + 0xa008, 0, 0), WORD(16, 0xa008));
    CHECK(15, "16M page", run(KSNIP(s_load), KMSR, VA16M + 0x230008, 0, 0), WORD(0x23, 8));
    CHECK(15, "1T segment", run(KSNIP(s_load), KMSR, VA1T + 0x238, 0, 0), WORD(30, 0x238));
    CHECK(15, "user load, 4K page", run(USNIP(s_load), UMSR, U(0x20), 0, 0), WORD(20, 0x20));
    /* A full primary group: the entry lives in the secondary one, H set. */
    {
        uint64_t g = pteg(&USEG, U(0xb000), 12, 0), g2 = pteg(&USEG, U(0xb000), 12, 1);
        unsigned long out[8];
        for (unsigned i = 0; i < 8; i++)
            CHECK(15, "filling the primary group",
                  HC(H_ENTER, 0, g * 8, hpte_v(&USEG, U(0xb000), 12) ^ 0x1000, PAGE(1) | R_M | 2),
                  H_SUCCESS);
        CHECK(15, "H_ENTER in the secondary group",
              HCO(out, H_ENTER, 0, g2 * 8, hpte_v(&USEG, U(0xb000), 12) | 0x2, PAGE(32) | R_M | 2),
              H_SUCCESS);
        CHECK(15, "secondary group", run(KSNIP(s_load), KMSR, U(0xb128), 0, 0), WORD(32, 0x128));
        for (unsigned i = 0; i < 8; i++)
            CHECK(15, "emptying the primary group", HC(H_REMOVE, 0, g * 8 + i, 0), H_SUCCESS);
        CHECK(15, "secondary group alone", run(KSNIP(s_load), KMSR, U(0xb130), 0, 0),
              WORD(32, 0x130));
        CHECK(15, "removed", HC(H_REMOVE, 0, out[0], 0), H_SUCCESS);
        expect_fault(15, run(KSNIP(s_load), KMSR, U(0xb130), 0, 0), 0x300, KSNIP(s_load),
                     msr_seen(KMSR), U(0xb130), DSISR_NOPTE);
    }
    /* H_CLEAR_REF / H_CLEAR_MOD: the old dword 1, and the bit comes back. */
    {
        uint64_t p = ptex_u20;
        unsigned long out[8];
        CHECK(16, "H_CLEAR_MOD", HCO(out, H_CLEAR_MOD, 0, p), H_SUCCESS);
        CHECK(16, "H_CLEAR_MOD old R, C", out[0] & (R_R | R_C), R_R | R_C);
        CHECK(16, "H_CLEAR_MOD: C clear", rc_bits(p), R_R);
        CHECK(16, "H_CLEAR_REF", HCO(out, H_CLEAR_REF, 0, p), H_SUCCESS);
        CHECK(16, "H_CLEAR_REF old R, C", out[0] & (R_R | R_C), R_R);
        CHECK(16, "H_CLEAR_REF: R clear", rc_bits(p), 0);
        CHECK(16, "load again", run(KSNIP(s_load), KMSR, U(0x18), 0, 0), 0x55aa);
        CHECK(16, "R set again", rc_bits(p), R_R);
        CHECK(16, "store again", run(KSNIP(s_store), KMSR, U(0x18), 0x66, 0), 0);
        CHECK(16, "C set again", rc_bits(p), R_R | R_C);
        CHECK(17, "H_CLEAR_REF with flags", HC(H_CLEAR_REF, 1, p), H_PARAMETER);
        CHECK(17, "H_CLEAR_MOD on an empty slot",
              HC(H_CLEAR_MOD, 0, pteg(&USEG, U(0x7000), 12, 0) * 8), H_NOT_FOUND);
        CHECK(17, "H_CLEAR_REF beyond the HPT", HC(H_CLEAR_REF, 0, (hpt_mask + 1) * 8),
              H_PARAMETER);
    }
}

static void test_faults(void)
{
    uint64_t k = msr_seen(KMSR), u = msr_seen(UMSR);

    puts_("mmu-hash: storage and segment interrupts\n");
    expect_fault(18, run(KSNIP(s_load), KMSR, 0x50000008ull, 0, 0), 0x380, KSNIP(s_load), k,
                 0x50000008ull, NO_CHECK);
    expect_fault(18, run(KSNIP(s_jump), KMSR, 0x50000000ull, 0, 0), 0x480, 0x50000000ull, k,
                 DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(19, run(KSNIP(s_load), KMSR, U(0x8000), 0, 0), 0x300, KSNIP(s_load), k, U(0x8000),
                 DSISR_NOPTE);
    expect_fault(19, run(KSNIP(s_store), KMSR, U(0x8008), 0, 0), 0x300, KSNIP(s_store), k,
                 U(0x8008), DSISR_NOPTE | DSISR_STORE);
    expect_fault(19, run(KSNIP(s_jump), KMSR, U(0x8000), 0, 0), 0x400, U(0x8000),
                 k | SRR1_ISI_NOPTE, DAR_SENTINEL, DSISR_SENTINEL);
    /* PP and the key: Ks = 0 for the supervisor, Kp = 1 for problem state. */
    expect_fault(20, run(KSNIP(s_store), KMSR, U(0x1010), 1, 0), 0x300, KSNIP(s_store), k,
                 U(0x1010), DSISR_PROT | DSISR_STORE);
    CHECK(20, "PP 3: loads", run(KSNIP(s_load), KMSR, U(0x1010), 0, 0), WORD(21, 0x10));
    CHECK(21, "PP 0: the supervisor stores", run(KSNIP(s_store), KMSR, U(0x2010), 7, 0), 0);
    expect_fault(21, run(USNIP(s_load), UMSR, U(0x2010), 0, 0), 0x300, USNIP(s_load), u, U(0x2010),
                 DSISR_PROT);
    CHECK(22, "PP 1: the user loads", run(USNIP(s_load), UMSR, U(0x3010), 0, 0), WORD(23, 0x10));
    expect_fault(22, run(USNIP(s_store), UMSR, U(0x3010), 1, 0), 0x300, USNIP(s_store), u,
                 U(0x3010), DSISR_PROT | DSISR_STORE);
    CHECK(22, "PP 2: the user stores", run(USNIP(s_store), UMSR, U(0x40), 9, 0), 0);
    expect_fault(23, run(USNIP(s_load), UMSR, KVA(0x10), 0, 0), 0x300, USNIP(s_load), u, KVA(0x10),
                 DSISR_PROT);
    /* Execute: N in the HPTE or the segment; no read access. */
    st64(PAGE(24), 0x38600024ull << 32 | 0x44000002); /* li r3, 0x24; sc 0 */
    expect_fault(24, run(KSNIP(s_jump), KMSR, U(0x4000), 0, 0), 0x400, U(0x4000),
                 k | SRR1_ISI_NOEXEC, DAR_SENTINEL, DSISR_SENTINEL);
    st64(PAGE(31), 0x38600031ull << 32 | 0x44000002);
    expect_fault(24, run(KSNIP(s_jump), KMSR, VANX, 0, 0), 0x400, VANX, k | SRR1_ISI_NOEXEC,
                 DAR_SENTINEL, DSISR_SENTINEL);
    st64(PAGE(22), 0x38600022ull << 32 | 0x44000002);
    CHECK(25, "PP 0: the supervisor executes", run(KSNIP(s_jump), KMSR, U(0x2000), 0, 0), 0x22);
    expect_fault(25, run(USNIP(s_jump), UMSR, U(0x2000), 0, 0), 0x400, U(0x2000), u | SRR1_ISI_PROT,
                 DAR_SENTINEL, DSISR_SENTINEL);
    /* Storage keys through AMR and IAMR (Book III 5.7.13). */
    MTSPR(SPR_AMR, 2ull << (2 * (31 - 3)));
    expect_fault(26, run(KSNIP(s_store), KMSR, U(0x5008), 1, 0), 0x300, KSNIP(s_store), k,
                 U(0x5008), DSISR_KEY | DSISR_STORE);
    CHECK(26, "key 3 write-protected, loads", run(KSNIP(s_load), KMSR, U(0x5008), 0, 0),
          WORD(26, 8));
    CHECK(26, "other keys unaffected", run(KSNIP(s_store), KMSR, U(0x6008), 1, 0), 0);
    MTSPR(SPR_AMR, 1ull << (2 * (31 - 27)));
    expect_fault(27, run(USNIP(s_load), UMSR, U(0x6010), 0, 0), 0x300, USNIP(s_load), u, U(0x6010),
                 DSISR_KEY);
    MTSPR(SPR_AMR, 0);
    st64(PAGE(26), 0x38600026ull << 32 | 0x44000002);
    MTSPR(SPR_IAMR, 1ull << (2 * (31 - 3)));
    expect_fault(28, run(KSNIP(s_jump), KMSR, U(0x5000), 0, 0), 0x400, U(0x5000), k | SRR1_ISI_KEY,
                 DAR_SENTINEL, DSISR_SENTINEL);
    MTSPR(SPR_IAMR, 0);
    CHECK(28, "key 3 executes again", run(KSNIP(s_jump), KMSR, U(0x5000), 0, 0), 0x26);
    /* H_PROTECT: read-only, then no-execute; a wrong AVPN changes nothing. */
    {
        uint64_t v, r;
        hread(ptex_u29, &v, &r);
        CHECK(29, "H_PROTECT, AVPN differs",
              HC(H_PROTECT, H_AVPN | 3, ptex_u29, (v & ~0x7full) ^ 0x80), H_NOT_FOUND);
        CHECK(29, "store before H_PROTECT", run(KSNIP(s_store), KMSR, U(0xa008), 3, 0), 0);
        CHECK(29, "H_PROTECT to PP 3", HC(H_PROTECT, H_AVPN | 3, ptex_u29, v & ~0x7full),
              H_SUCCESS);
        expect_fault(29, run(KSNIP(s_store), KMSR, U(0xa008), 4, 0), 0x300, KSNIP(s_store), k,
                     U(0xa008), DSISR_PROT | DSISR_STORE);
        st64(PAGE(29), 0x38600029ull << 32 | 0x44000002);
        CHECK(30, "PP 3 executes", run(KSNIP(s_jump), KMSR, U(0xa000), 0, 0), 0x29);
        CHECK(30, "H_PROTECT to PP 2, N", HC(H_PROTECT, 2 | R_N, ptex_u29, 0), H_SUCCESS);
        expect_fault(30, run(KSNIP(s_jump), KMSR, U(0xa000), 0, 0), 0x400, U(0xa000),
                     k | SRR1_ISI_NOEXEC, DAR_SENTINEL, DSISR_SENTINEL);
        CHECK(30, "PP 2 stores", run(KSNIP(s_store), KMSR, U(0xa010), 4, 0), 0);
        hread(ptex_u29, &v, &r);
        CHECK(30, "H_PROTECT keeps R, C and the page", r & ~0x7full, PAGE(29) | R_R | R_C);
    }
    /* Privileged instructions in problem state. */
    expect_fault(31, run(USNIP(s_mfmsr), UMSR, 0, 0, 0), 0x700, USNIP(s_mfmsr), u | SRR1_PRIV,
                 DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(31, run(USNIP(s_mfsprg0), UMSR, 0, 0, 0), 0x700, USNIP(s_mfsprg0), u | SRR1_PRIV,
                 DAR_SENTINEL, DSISR_SENTINEL);
}

/* vCPU 1 meanwhile does what an OS's hash fault handler would: waits
 * until the HPTE is back and retries, while vCPU 0 says so. */
static volatile int cpu1_retry;

static int retry_x(struct percpu *pc, unsigned vec, struct frame *f)
{
    (void)pc;
    return cpu1_retry && vec == 0x300 && f->dar == X_VA && f->dsisr == DSISR_NOPTE;
}

static void cpu1_start(void)
{
    load_slb();
    this_cpu()->fixup = retry_x;
}

/* vCPU 1 watches X while vCPU 0 replaces and removes X's HPTE. */
static void test_two_cpus(void)
{
    uint64_t v, r;

    puts_("mmu-hash: H_REMOVE and H_ENTER seen by the other vCPU\n");
    cpu1_setup = cpu1_start;
    cpu1_retry = 1;
    cpu1_run_va = KSNIP(s_watch);
    cpu1_msr = KMSR;
    cpu1_args[0] = X_VA;
    cpu1_args[1] = KVA(&mbox);
    start_cpu1(32);
    wait_seq(2);
    CHECK(32, "vCPU 1 sees X", mbox.seen, WORD(9, 0));
    /* vCPU 0's SLB is its own: slbie here leaves vCPU 1's. */
    __asm__ volatile("slbie %0; isync" ::"r"(X_VA) : "memory");
    wait_seq(3);
    CHECK(33, "vCPU 1 after vCPU 0's slbie", mbox.seen, WORD(9, 0));
    load_slb();
    hread(ptex_x, &v, &r);
    CHECK(34, "H_REMOVE X", HC(H_REMOVE, H_AVPN, ptex_x, v & ~0x7full), H_SUCCESS);
    ptex_x = enter(34, &USEG, X_VA, PAGE(10), 12, 12, 2);
    wait_seq(2);
    CHECK(34, "vCPU 1 after H_REMOVE and H_ENTER: the new page", mbox.seen, WORD(10, 0));
    cpu1_retry = 0;
    CHECK(35, "H_REMOVE X", HC(H_REMOVE, 0, ptex_x, 0), H_SUCCESS);
    {
        uint64_t t0 = MFSPR(268);
        while (!__atomic_load_n(&cpu1_done, __ATOMIC_ACQUIRE))
            if (MFSPR(268) - t0 > 10 * PETREL_TB_FREQ)
                fail(35, "vCPU 1 did not fault", mbox.seq, 0);
    }
    CHECK(35, "vCPU 1's run ended by a fault", cpu1_ret, FAULTED);
    CHECK(35, "vCPU 1: DSI", cpus[1].vec, 0x300);
    CHECK(35, "vCPU 1: SRR0", cpus[1].srr0, KSNIP(s_watch));
    CHECK(35, "vCPU 1: SRR1", cpus[1].srr1, KMSR | MSR_ME);
    CHECK(35, "vCPU 1: DAR", cpus[1].dar, X_VA);
    CHECK(35, "vCPU 1: DSISR", cpus[1].dsisr, DSISR_NOPTE);
}

static void smc(unsigned n, uint64_t snip, uint64_t msr)
{
    st64(PAGE(11), 0x38600001ull << 32 | 0x4e800020); /* li r3, 1; blr */
    CHECK(n, "new result", run4(snip, msr, SMC_EXEC, SMC_ALIAS, 0x38600002 /* li r3, 2 */, 20), 2);
    CHECK(n, "results before", this_cpu()->ret[1], 20);
    CHECK(n, "memory", ld64(PAGE(11)) >> 32, 0x38600002);
}

void mmu_main(void)
{
    fill_pages();
    test_hpt_alloc();
    test_hcalls();
    puts_("mmu-hash: building the HPT\n");
    build_hpt();
    test_slb();
    test_translate();
    test_faults();
    puts_("mmu-hash: code changed through an alias\n");
    smc(36, KSNIP(s_smc), KMSR);
    smc(37, USNIP(s_smc), UMSR);
    test_two_cpus();
}
