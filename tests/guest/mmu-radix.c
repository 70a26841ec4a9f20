/*
 * The radix MMU from inside a guest (Power ISA Book III 5.7.10-5.7.12,
 * 5.10.1; spec/cpu.md §3.1), run with -bios on -smp 2: builds a process
 * table and radix trees in guest memory, registers them with
 * H_REGISTER_PROC_TBL, and runs code with translation on in supervisor
 * and problem state (mmu-lib.h run()): 1G, 2M, 64K and 4K leaves,
 * reference and change bits, every storage and segment interrupt with
 * its SRR0/SRR1/DAR/DSISR, AMR/IAMR key 0, PIDR switches, tlbie and
 * tlbiel (their privileged and invalid forms, a stale translation until
 * tlbiel, and a tlbie on vCPU 0 reaching vCPU 1 while it runs), and code
 * changed through an alias mapping.
 * Prints "mmu-radix: all ok" and powers off 0; "mmu-radix FAIL <n>: ..."
 * and status n otherwise.
 */
#include "mmu-lib.h"

const char payload_name[] = "mmu-radix";

/* Physical layout (the payload itself stays below 8 MiB). */
#define PRTB       0x800000ull /* 4K: 256 PIDs */
#define POOL_START 0x810000ull
#define POOL_END   0x1000000ull
#define PAGE(k)    (0x1000000ull + 0x10000ull * (k)) /* 64K-aligned test pages */

/* Radix tree entries (spec/cpu.md §3.1.4-3.1.5). */
#define V        0x8000000000000000ull
#define L        0x4000000000000000ull
#define NLB      0x0fffffffffffff00ull
#define RPN      0x01fffffffffff000ull
#define R_       0x100ull
#define C_       0x080ull
#define PRIV     0x008ull
#define EAA_R    0x004ull
#define EAA_RW   0x002ull
#define EAA_X    0x001ull
#define RTS_52   (0x2ull << 61 | 0x5ull << 5) /* RTS = 21: a 52-bit space */
#define ROOT_NLS 13

/* H_REGISTER_PROC_TBL flags (spec/cpu.md §3.1.1). */
#define PT_GTSE     0x01
#define PT_HASH_PT  0x02
#define PT_RADIX    0x04
#define PT_REGISTER 0x08
#define PT_MODIFY   0x10
#define PT_NEW      (PT_MODIFY | PT_REGISTER)

#define KMSR (MSR_SF | MSR_IR | MSR_DR)
#define UMSR (MSR_SF | MSR_PR | MSR_IR | MSR_DR | MSR_EE)
#define RMSR MSR_SF

/* Virtual addresses. */
#define KVA(pa)  (0xc000000000000000ull | (uint64_t)(pa)) /* 1G leaf over RAM */
#define K2M      0xc000000040000000ull                    /* 2M leaves over PAGE(0).. */
#define K4K      0xc000000080000000ull                    /* 4K pages */
#define K64K     0xc0000000c0000000ull                    /* 64K pages */
#define KBAD     0xc000000100000000ull                    /* a tree of a bad shape */
#define UCODE    0x10000000ull                            /* the snippets, 64K page */
#define UDATA    0x20000000ull                            /* 4K pages */
#define KSNIP(s) KVA(s)
#define USNIP(s) SNIP_VA(UCODE, s)
#define UPID     5
#define UPID2    6

/* What fill_pages() leaves at PAGE(k) + off. */
#define WORD(k, off) (0x7e570000ull << 32 | (uint64_t)(k) << 16 | (off))

static uint64_t pool = POOL_START;
static uint64_t kroot, uroot, uroot2;

static uint64_t alloc_table(unsigned nls)
{
    uint64_t size = 8ull << nls, t;

    pool = (pool + size - 1) & ~(size - 1); /* naturally aligned (Book III 5.7.10.2) */
    t = pool;
    pool += size;
    if (pool > POOL_END)
        fail(249, "page-table pool exhausted", pool, POOL_END);
    zero(t, size);
    return t;
}

/*
 * The real address of the entry that maps va with a 2^shift leaf (30:
 * PUD, 21: PMD, 16 or 12: PTE), creating the directories on the way; a
 * PTE table has 5 index bits for 64K pages, 9 for 4K pages.
 */
static uint64_t leaf_entry(uint64_t root, uint64_t va, unsigned shift)
{
    uint64_t table = root;
    unsigned nls = ROOT_NLS, sh = 52 - ROOT_NLS;

    for (;;) {
        uint64_t e = table + 8 * ((va >> sh) & ((1ull << nls) - 1)), d;
        if (sh == shift)
            return e;
        d = ld64(e);
        if (!(d & V)) {
            unsigned next = sh == 21 ? (shift == 16 ? 5 : 9) : 9;
            st64(e, V | alloc_table(next) | next);
            d = ld64(e);
        }
        table = d & NLB;
        nls = (unsigned)(d & 0x1f);
        if (sh - nls < shift)
            fail(248, "leaf size against the tree", va, shift);
        sh -= nls;
    }
}

static uint64_t map(uint64_t root, uint64_t va, uint64_t pa, unsigned shift, uint64_t flags)
{
    uint64_t e = leaf_entry(root, va, shift);

    st64(e, V | L | (pa & RPN) | flags);
    ptesync();
    return e;
}

static void set_prte(unsigned pid, uint64_t root)
{
    st64(PRTB + 16 * pid, root ? RTS_52 | root | ROOT_NLS : 0);
    st64(PRTB + 16 * pid + 8, 0);
    ptesync();
}

static void set_pidr(uint64_t pid)
{
    MTSPR(SPR_PIDR, pid);
    __asm__ volatile("isync");
}

/* ---------------------------------------------------------------------- */

static void build_tables(void)
{
    zero(PRTB, 0x1000);
    kroot = alloc_table(ROOT_NLS);
    uroot = alloc_table(ROOT_NLS);
    uroot2 = alloc_table(ROOT_NLS);
    /* Kernel (process-table entry 0, quadrant 3). */
    map(kroot, KVA(0), 0, 30, PRIV | EAA_RW | EAA_R | EAA_X);
    for (unsigned k = 0; k < 8; k++)
        map(kroot, K2M + (k << 21), PAGE(0) + (k << 21), 21, PRIV | EAA_RW | EAA_R);
    map(kroot, K4K + 0x0000, PAGE(1), 12, PRIV | EAA_RW | EAA_R);
    map(kroot, K4K + 0x1000, PAGE(2), 12, PRIV | EAA_R);            /* read-only */
    map(kroot, K4K + 0x2000, PAGE(3), 12, PRIV | EAA_X);            /* execute-only */
    map(kroot, K4K + 0x3000, PAGE(7), 12, PRIV | EAA_RW | EAA_R);   /* s_stale's X */
    map(kroot, K4K + 0x4000, PAGE(9), 12, PRIV | EAA_RW | EAA_R);   /* the watched X */
    map(kroot, K4K + 0x6000, PAGE(4), 12, PRIV | EAA_RW | EAA_R);   /* no execute */
    map(kroot, K4K + 0x10000, PAGE(11), 12, PRIV | EAA_R | EAA_X);  /* code ... */
    map(kroot, K4K + 0x11000, PAGE(11), 12, PRIV | EAA_R | EAA_RW); /* ... its alias */
    map(kroot, K64K + 0x10000, PAGE(16), 16, PRIV | EAA_RW | EAA_R);
    /* A PMD directory claiming 8 index bits: no POWER9 shape. */
    {
        uint64_t pud_e = leaf_entry(kroot, KBAD, 30);
        st64(pud_e, V | alloc_table(8) | 8);
    }
    /* User, PID 5: the snippets (64K page), data pages of every kind. */
    map(uroot, UCODE, (uint64_t)snip_start, 16, EAA_R | EAA_X);
    map(uroot, UDATA + 0x0000, PAGE(20), 12, EAA_RW | EAA_R);
    map(uroot, UDATA + 0x1000, PAGE(21), 12, EAA_R);
    map(uroot, UDATA + 0x2000, PAGE(22), 12, PRIV | EAA_RW | EAA_R);
    map(uroot, UDATA + 0x3000, PAGE(23), 12, EAA_RW | EAA_R);
    map(uroot, UDATA + 0x4000, PAGE(24), 12, EAA_X);
    map(uroot, UDATA + 0x10000, PAGE(12), 12, EAA_R | EAA_X);
    map(uroot, UDATA + 0x11000, PAGE(12), 12, EAA_RW | EAA_R);
    /* PID 6: the same address, another page. */
    map(uroot2, UCODE, (uint64_t)snip_start, 16, EAA_R | EAA_X);
    map(uroot2, UDATA, PAGE(25), 12, EAA_RW | EAA_R);
    set_prte(0, kroot);
    set_prte(UPID, uroot);
    set_prte(UPID2, uroot2);
}

/* Fills the test pages with values that say where they are. */
static void fill_pages(void)
{
    for (uint64_t k = 0; k < 40; k++)
        for (uint64_t off = 0; off < 0x10000; off += 8)
            st64(PAGE(k) + off, WORD(k, off));
    st64(PAGE(16) + 0x9008, 0x64646464);
}

/* ------------------------------------------------------------ checks --- */

static void test_register(void)
{
    unsigned long out[8];

    puts_("mmu-radix: H_REGISTER_PROC_TBL\n");
    CHECK(1, "undefined flag", HC(H_REGISTER_PROC_TBL, 0x20 | PT_NEW | PT_RADIX, PRTB, 0, 0),
          H_PARAMETER);
    CHECK(2, "hash with a segment table", HC(H_REGISTER_PROC_TBL, PT_NEW | PT_HASH_PT, PRTB, 0, 0),
          H_PARAMETER);
    CHECK(3, "REGISTER without MODIFY", HC(H_REGISTER_PROC_TBL, PT_REGISTER | PT_RADIX, PRTB, 0, 0),
          H_PARAMETER);
    CHECK(4, "unaligned table", HC(H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, PRTB + 0x800, 0, 0),
          H_P2);
    CHECK(4, "table above 2^60",
          HC(H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, 1ull << 60 | PRTB, 0, 0), H_P2);
    CHECK(5, "page size with radix", HC(H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, PRTB, 1, 0), H_P3);
    CHECK(6, "table too large", HC(H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, PRTB, 0, 25), H_P4);
    /* Radix without GTSE: the guest's tlbie is the hypervisor's. */
    CHECK(7, "register radix", HCO(out, H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX, PRTB, 0, 0),
          H_SUCCESS);
    CHECK(8, "keep the registration (radix)", HC(H_REGISTER_PROC_TBL, PT_RADIX, 0, 0, 0),
          H_SUCCESS);
    CHECK(8, "keep the registration, saying hash", HC(H_REGISTER_PROC_TBL, 0, 0, 0, 0),
          H_PARAMETER);
    /* tlbie without GTSE: privileged-instruction program interrupt at
     * the tlbie (the snippet's second word), in real mode here. */
    expect_fault(9, run((uint64_t)s_tlbie, RMSR, 0, 0, 0), 0x700, (uint64_t)s_tlbie + 4,
                 msr_seen(RMSR) | SRR1_PRIV, DAR_SENTINEL, DSISR_SENTINEL);
    CHECK(9, "tlbiel without GTSE", run((uint64_t)s_tlbiel, RMSR, 0, 0, 0), 0);
    CHECK(10, "register radix with GTSE",
          HC(H_REGISTER_PROC_TBL, PT_NEW | PT_RADIX | PT_GTSE, PRTB, 0, 0), H_SUCCESS);
    CHECK(10, "tlbie with GTSE", run((uint64_t)s_tlbie, RMSR, 0, 0, 0), 0);
}

static void test_kernel_leaves(void)
{
    uint64_t e1g = leaf_entry(kroot, KVA(0), 30), e2m = leaf_entry(kroot, K2M, 21);
    uint64_t e4k = leaf_entry(kroot, K4K, 12), e64k = leaf_entry(kroot, K64K + 0x10000, 16);

    puts_("mmu-radix: 1G, 2M, 64K and 4K leaves, R and C\n");
    /* Running from the 1G leaf sets its R; no store went through it yet. */
    CHECK(11, "1G leaf: load", run(KSNIP(s_load), KMSR, KVA(PAGE(5) + 0x3000), 0, 0),
          WORD(5, 0x3000));
    CHECK(11, "1G leaf: R set, C clear", ld64(e1g) & (R_ | C_), R_);
    CHECK(12, "1G leaf: store", run(KSNIP(s_store), KMSR, KVA(PAGE(5) + 0x3008), 0x1234, 0), 0);
    CHECK(12, "1G leaf: stored", ld64(PAGE(5) + 0x3008), 0x1234);
    CHECK(12, "1G leaf: C set", ld64(e1g) & (R_ | C_), R_ | C_);
    CHECK(13, "2M leaf: load", run(KSNIP(s_load), KMSR, K2M + 0x210000 + 0x2000, 0, 0),
          WORD(0x21, 0x2000));
    CHECK(13, "2M leaf 0 untouched", ld64(e2m) & (R_ | C_), 0);
    CHECK(13, "2M leaf 1: R set", ld64(leaf_entry(kroot, K2M + 0x200000, 21)) & (R_ | C_), R_);
    CHECK(14, "4K page: load", run(KSNIP(s_load), KMSR, K4K + 0x10, 0, 0), ld64(PAGE(1) + 0x10));
    CHECK(14, "4K page: R set, C clear", ld64(e4k) & (R_ | C_), R_);
    CHECK(14, "4K page: store", run(KSNIP(s_store), KMSR, K4K + 0x18, 0xabcd, 0), 0);
    CHECK(14, "4K page: C set", ld64(e4k) & (R_ | C_), R_ | C_);
    CHECK(14, "4K page: stored", ld64(PAGE(1) + 0x18), 0xabcd);
    CHECK(15, "64K page: load", run(KSNIP(s_load), KMSR, K64K + 0x19008, 0, 0), 0x64646464);
    CHECK(15, "64K page: R set", ld64(e64k) & (R_ | C_), R_);
    CHECK(15, "64K page: dcbz",
          run(KSNIP(s_dcbz), KMSR, K64K + 0x19000, 0, 0) | ld64(PAGE(16) + 0x9008), 0);
    CHECK(15, "64K page: C set by dcbz", ld64(e64k) & (R_ | C_), R_ | C_);
}

static void test_kernel_faults(void)
{
    uint64_t m = msr_seen(KMSR);

    puts_("mmu-radix: supervisor storage and segment interrupts\n");
    expect_fault(16, run(KSNIP(s_load), KMSR, K4K + 0x5008, 0, 0), 0x300, KSNIP(s_load), m,
                 K4K + 0x5008, DSISR_NOPTE);
    expect_fault(17, run(KSNIP(s_store), KMSR, K4K + 0x5010, 1, 0), 0x300, KSNIP(s_store), m,
                 K4K + 0x5010, DSISR_NOPTE | DSISR_STORE);
    expect_fault(18, run(KSNIP(s_store), KMSR, K4K + 0x1020, 1, 0), 0x300, KSNIP(s_store), m,
                 K4K + 0x1020, DSISR_PROT | DSISR_STORE);
    CHECK(18, "read-only page unchanged", ld64(PAGE(2) + 0x20), WORD(2, 0x20));
    expect_fault(19, run(KSNIP(s_dcbz), KMSR, K4K + 0x1080, 0, 0), 0x300, KSNIP(s_dcbz), m,
                 K4K + 0x1080, DSISR_PROT | DSISR_STORE);
    expect_fault(20, run(KSNIP(s_load), KMSR, K4K + 0x2000, 0, 0), 0x300, KSNIP(s_load), m,
                 K4K + 0x2000, DSISR_PROT);
    /* EA bits 2:11 and quadrants 1 and 2: segment interrupts, DAR = EA. */
    expect_fault(21, run(KSNIP(s_load), KMSR, 0xc010000000000000ull, 0, 0), 0x380, KSNIP(s_load), m,
                 0xc010000000000000ull, NO_CHECK);
    expect_fault(22, run(KSNIP(s_store), KMSR, 0x4000000000001000ull, 0, 0), 0x380, KSNIP(s_store),
                 m, 0x4000000000001000ull, NO_CHECK);
    expect_fault(22, run(KSNIP(s_load), KMSR, 0x8000000000001000ull, 0, 0), 0x380, KSNIP(s_load), m,
                 0x8000000000001000ull, NO_CHECK);
    /* Fetches: SRR0 = the target, DAR and DSISR untouched. */
    expect_fault(23, run(KSNIP(s_jump), KMSR, K4K + 0x5000, 0, 0), 0x400, K4K + 0x5000,
                 m | SRR1_ISI_NOPTE, DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(24, run(KSNIP(s_jump), KMSR, K4K + 0x6000, 0, 0), 0x400, K4K + 0x6000,
                 m | SRR1_ISI_NOEXEC, DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(25, run(KSNIP(s_jump), KMSR, 0x8000000000002000ull, 0, 0), 0x480,
                 0x8000000000002000ull, m, DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(25, run(KSNIP(s_jump), KMSR, 0xc020000000002000ull, 0, 0), 0x480,
                 0xc020000000002000ull, m, DAR_SENTINEL, DSISR_SENTINEL);
    /* An execute-only page runs. */
    st64(PAGE(3), 0x38600077ull << 32 | 0x44000002); /* li r3, 0x77; sc 0 */
    CHECK(26, "execute-only page runs", run(KSNIP(s_jump), KMSR, K4K + 0x2000, 0, 0), 0x77);
    /* A directory of no POWER9 shape. */
    expect_fault(27, run(KSNIP(s_load), KMSR, KBAD + 0x1000, 0, 0), 0x300, KSNIP(s_load), m,
                 KBAD + 0x1000, DSISR_BADCONFIG);
    /* A page, or a directory, outside RAM: the access, or the walk, is a
     * machine check (Book III 7.5.2), SRR0 at the load. */
    map(kroot, K4K + 0x7000, 0x100000000000ull, 12, PRIV | EAA_RW | EAA_R);
    expect_fault(52, run(KSNIP(s_load), KMSR, K4K + 0x7000, 0, 0), 0x200, KSNIP(s_load), m,
                 NO_CHECK, NO_CHECK);
    st64(leaf_entry(kroot, K4K + 0x200000, 21), V | 0x100000000000ull | 9);
    ptesync();
    expect_fault(52, run(KSNIP(s_load), KMSR, K4K + 0x200000, 0, 0), 0x200, KSNIP(s_load), m,
                 NO_CHECK, NO_CHECK);
    /* A PID beyond the 256-entry table: no translation. */
    set_pidr(300);
    expect_fault(28, run(KSNIP(s_load), KMSR, UDATA, 0, 0), 0x300, KSNIP(s_load), m, UDATA,
                 DSISR_NOPTE);
    /* AMR/IAMR key 0 (KUAP/KUEP): supervisor accesses to user pages. */
    set_pidr(UPID);
    CHECK(29, "supervisor load from a user page", run(KSNIP(s_load), KMSR, UDATA + 8, 0, 0),
          WORD(20, 8));
    MTSPR(SPR_AMR, 1ull << 63);
    expect_fault(29, run(KSNIP(s_store), KMSR, UDATA + 8, 5, 0), 0x300, KSNIP(s_store), m,
                 UDATA + 8, DSISR_KEY | DSISR_STORE);
    CHECK(29, "AMR bit 0 leaves loads", run(KSNIP(s_load), KMSR, UDATA + 8, 0, 0), WORD(20, 8));
    MTSPR(SPR_AMR, 1ull << 62);
    expect_fault(30, run(KSNIP(s_load), KMSR, UDATA + 8, 0, 0), 0x300, KSNIP(s_load), m, UDATA + 8,
                 DSISR_KEY);
    CHECK(30, "AMR applies to user pages only", run(KSNIP(s_load), KMSR, K4K + 0x10, 0, 0),
          ld64(PAGE(1) + 0x10));
    MTSPR(SPR_AMR, 0);
    MTSPR(SPR_IAMR, 1ull << 62);
    expect_fault(31, run(KSNIP(s_jump), KMSR, USNIP(s_mfmsr), 0, 0), 0x400, USNIP(s_mfmsr),
                 m | SRR1_ISI_KEY, DAR_SENTINEL, DSISR_SENTINEL);
    MTSPR(SPR_IAMR, 0);
    CHECK(31, "IAMR cleared: the user page runs", run(KSNIP(s_jump), KMSR, USNIP(s_mfmsr), 0, 0),
          msr_seen(KMSR));
}

static int demand_map(struct percpu *pc, unsigned vec, struct frame *f)
{
    (void)pc;
    if (vec != 0x300 || f->dar != UDATA + 0x8010 || f->dsisr != DSISR_NOPTE)
        return 0;
    map(uroot, UDATA + 0x8000, PAGE(13), 12, EAA_RW | EAA_R);
    return 1;
}

static void test_user(void)
{
    uint64_t m = msr_seen(UMSR), e = leaf_entry(uroot, UDATA, 12);

    puts_("mmu-radix: problem state\n");
    set_pidr(UPID);
    CHECK(32, "user load", run(USNIP(s_load), UMSR, UDATA + 0x40, 0, 0), WORD(20, 0x40));
    CHECK(32, "user load: R set, C clear", ld64(e) & (R_ | C_), R_);
    CHECK(33, "user store", run(USNIP(s_store), UMSR, UDATA + 0x40, 0x4321, 0), 0);
    CHECK(33, "user store: C set", ld64(e) & (R_ | C_), R_ | C_);
    CHECK(33, "user store: stored", ld64(PAGE(20) + 0x40), 0x4321);
    expect_fault(34, run(USNIP(s_store), UMSR, UDATA + 0x1000, 1, 0), 0x300, USNIP(s_store), m,
                 UDATA + 0x1000, DSISR_PROT | DSISR_STORE);
    expect_fault(35, run(USNIP(s_load), UMSR, UDATA + 0x2008, 0, 0), 0x300, USNIP(s_load), m,
                 UDATA + 0x2008, DSISR_PROT);
    CHECK(35, "the privileged page serves the supervisor",
          run(KSNIP(s_load), KMSR, UDATA + 0x2008, 0, 0), WORD(22, 8));
    st64(PAGE(23), 0x38600066ull << 32 | 0x44000002); /* li r3, 0x66; sc 0 */
    expect_fault(36, run(USNIP(s_jump), UMSR, UDATA + 0x3000, 0, 0), 0x400, UDATA + 0x3000,
                 m | SRR1_ISI_NOEXEC, DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(37, run(USNIP(s_load), UMSR, KVA(PAGE(5)), 0, 0), 0x300, USNIP(s_load), m,
                 KVA(PAGE(5)), DSISR_PROT);
    expect_fault(37, run(USNIP(s_jump), UMSR, KSNIP(s_load), 0, 0), 0x400, KSNIP(s_load),
                 m | SRR1_ISI_NOEXEC, DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(38, run(USNIP(s_load), UMSR, UDATA + 0x5000, 0, 0), 0x300, USNIP(s_load), m,
                 UDATA + 0x5000, DSISR_NOPTE);
    expect_fault(38, run(USNIP(s_load), UMSR, 0x4000000000000000ull, 0, 0), 0x380, USNIP(s_load), m,
                 0x4000000000000000ull, NO_CHECK);
    /* Privileged instructions in problem state: program interrupt, SRR1
     * bit 45 (Book III 7.5.9). */
    expect_fault(39, run(USNIP(s_mfmsr), UMSR, 0, 0, 0), 0x700, USNIP(s_mfmsr), m | SRR1_PRIV,
                 DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(39, run(USNIP(s_mfsprg0), UMSR, 0, 0, 0), 0x700, USNIP(s_mfsprg0), m | SRR1_PRIV,
                 DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(39, run(USNIP(s_tlbiel), UMSR, 0, 0, 0), 0x700, USNIP(s_tlbiel) + 4, m | SRR1_PRIV,
                 DAR_SENTINEL, DSISR_SENTINEL);
    /* An execute-only user page runs in problem state, and is no data. */
    st64(PAGE(24), 0x38600055ull << 32 | 0x44000002); /* li r3, 0x55; sc 0 */
    CHECK(40, "user execute-only page", run(USNIP(s_jump), UMSR, UDATA + 0x4000, 0, 0), 0x55);
    expect_fault(40, run(USNIP(s_load), UMSR, UDATA + 0x4000, 0, 0), 0x300, USNIP(s_load), m,
                 UDATA + 0x4000, DSISR_PROT);
    /* PIDR selects the tree of quadrant 0. */
    set_pidr(UPID2);
    CHECK(41, "PID 6's page", run(USNIP(s_load), UMSR, UDATA, 0, 0), WORD(25, 0));
    set_pidr(UPID);
    CHECK(41, "PID 5's page again", run(USNIP(s_load), UMSR, UDATA, 0, 0), WORD(20, 0));
    /* mtspr PIDR with translation on: the next access uses the new tree. */
    CHECK(41, "PID 5's page, then", run(KSNIP(s_pidr), KMSR, UDATA, UPID2, 0), WORD(20, 0));
    CHECK(41, "PID 6's page after mtspr PIDR", this_cpu()->ret[1], WORD(25, 0));
    set_pidr(UPID);
    /* A fault the handler resolves: the load runs again and succeeds. */
    this_cpu()->fixup = demand_map;
    this_cpu()->fixups = 0;
    CHECK(42, "demand-mapped load", run(USNIP(s_load), UMSR, UDATA + 0x8010, 0, 0), WORD(13, 0x10));
    CHECK(42, "one fault resolved", this_cpu()->fixups, 1);
    this_cpu()->fixup = 0;
}

static void test_invalidate_local(void)
{
    uint64_t e = leaf_entry(kroot, K4K + 0x3000, 12), old = ld64(e), m = msr_seen(KMSR);

    puts_("mmu-radix: tlbiel, tlbie forms\n");
    /* tlbiel by address (IS 0, AP 4K), by PID (IS 1), everything (IS 3);
     * before it, petrel's soft TLB still holds the old translation (as
     * the architecture allows). */
    static const uint64_t rb[] = {K4K + 0x3000, 1 << 10, 3 << 10};
    for (unsigned i = 0; i < 3; i++) {
        uint64_t from = i & 1 ? 8 : 7, to = i & 1 ? 7 : 8;
        run4(KSNIP(s_stale), KMSR, K4K + 0x3008, KVA(e), (old & ~RPN) | PAGE(to), rb[i]);
        CHECK(43, "first load", this_cpu()->ret[0], WORD(from, 8));
        CHECK(43, "load before tlbiel: the cached translation", this_cpu()->ret[1], WORD(from, 8));
        CHECK(i ? 53 + i : 43, "load after tlbiel: the new translation", this_cpu()->ret[2],
              WORD(to, 8));
    }
    /* Partition-scoped tlbiel under radix, and RIC 3. */
    expect_fault(53, run(KSNIP(s_tlbiel_prs0), KMSR, 0, 0, 0), 0x700, KSNIP(s_tlbiel_prs0),
                 m | SRR1_PRIV, DAR_SENTINEL, DSISR_SENTINEL);
    expect_fault(53, run(KSNIP(s_tlbie_ric3), KMSR, 0, 0, 0), 0x700, KSNIP(s_tlbie_ric3),
                 m | SRR1_ILLEGAL, DAR_SENTINEL, DSISR_SENTINEL);
}

/* vCPU 1 watches X while vCPU 0 changes X's PTE. */
static void test_two_cpus(void)
{
    uint64_t x = K4K + 0x4000, e = leaf_entry(kroot, x, 12);

    puts_("mmu-radix: tlbie reaches the other vCPU\n");
    cpu1_setup = 0;
    cpu1_run_va = KSNIP(s_watch);
    cpu1_msr = KMSR;
    cpu1_args[0] = x;
    cpu1_args[1] = KVA(&mbox);
    start_cpu1(45);
    wait_seq(2);
    CHECK(45, "vCPU 1 sees X", mbox.seen, WORD(9, 0));
    /* A new PTE without invalidation: vCPU 1 keeps its translation.  The
     * architecture allows either; petrel's soft TLB keeps it until an
     * invalidation, which is what makes the invalidations below
     * observable. */
    st64(e, (ld64(e) & ~RPN) | PAGE(10));
    ptesync();
    wait_seq(3);
    CHECK(46, "vCPU 1 before any tlbie: the cached translation", mbox.seen, WORD(9, 0));
    /* tlbiel on vCPU 0 is local. */
    CHECK(47, "tlbiel", run((uint64_t)s_tlbiel, RMSR, x, 0, 0), 0);
    wait_seq(3);
    CHECK(47, "vCPU 1 after vCPU 0's tlbiel: the cached translation", mbox.seen, WORD(9, 0));
    /* tlbie; eieio; tlbsync; ptesync: done on vCPU 1 too. */
    CHECK(48, "tlbie", run((uint64_t)s_tlbie, RMSR, x, 0, 0), 0);
    wait_seq(2);
    CHECK(48, "vCPU 1 after tlbie: the new translation", mbox.seen, WORD(10, 0));
    /* Invalid now: vCPU 1's next load faults there. */
    st64(e, 0);
    ptesync();
    CHECK(49, "tlbie", run((uint64_t)s_tlbie, RMSR, x, 0, 0), 0);
    {
        uint64_t t0 = MFSPR(268);
        while (!__atomic_load_n(&cpu1_done, __ATOMIC_ACQUIRE))
            if (MFSPR(268) - t0 > 10 * PETREL_TB_FREQ)
                fail(49, "vCPU 1 did not fault", mbox.seq, 0);
    }
    CHECK(49, "vCPU 1's run ended by a fault", cpu1_ret, FAULTED);
    CHECK(49, "vCPU 1: DSI", cpus[1].vec, 0x300);
    CHECK(49, "vCPU 1: SRR0", cpus[1].srr0, KSNIP(s_watch));
    CHECK(49, "vCPU 1: SRR1", cpus[1].srr1, (KMSR | MSR_ME));
    CHECK(49, "vCPU 1: DAR", cpus[1].dar, x);
    CHECK(49, "vCPU 1: DSISR", cpus[1].dsisr, DSISR_NOPTE);
}

/* The code page at PAGE(k) (li r3, 1; blr), executed through `exec` and
 * rewritten through `alias`. */
static void smc(unsigned n, unsigned k, uint64_t snip, uint64_t msr, uint64_t exec, uint64_t alias)
{
    st64(PAGE(k), 0x38600001ull << 32 | 0x4e800020); /* li r3, 1; blr */
    CHECK(n, "new result", run4(snip, msr, exec, alias, 0x38600002 /* li r3, 2 */, 20), 2);
    CHECK(n, "results before", this_cpu()->ret[1], 20);
    CHECK(n, "memory", ld64(PAGE(k)) >> 32, 0x38600002);
}

void mmu_main(void)
{
    puts_("mmu-radix: building tables\n");
    fill_pages();
    build_tables();
    test_register();
    test_kernel_leaves();
    test_kernel_faults();
    test_user();
    test_invalidate_local();
    puts_("mmu-radix: code changed through an alias\n");
    smc(50, 11, KSNIP(s_smc), KMSR, K4K + 0x10000, K4K + 0x11000);
    smc(51, 12, USNIP(s_smc), UMSR, UDATA + 0x10000, UDATA + 0x11000);
    test_two_cpus();
}
