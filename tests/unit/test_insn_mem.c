/*
 * Storage-access instructions on the interpreter: every load and store
 * form in both byte orders, byte-reversed forms, invalid update forms,
 * 32-bit address truncation, unaligned and page-crossing accesses, lq/stq,
 * load/store multiple and string, reservations, dcbz and the cache hints,
 * self-modifying code, MMIO, and the DSI, alignment and machine-check
 * interrupts they raise.  Expected values are worked out by hand from
 * Power ISA 3.0B Book I ch. 3, Book II ch. 4 and spec/cpu.md §2.9, §4.
 */
#include "check.h"
#include "interp_harness.h"

#define R(n)      (h->cpu->gpr[n])
#define LPCR_ILE  (1ull << 25)
#define JUNK      0xdeadbeefdeadbeefull
#define MMIO_BASE 0x1000000ull /* right after the 16 MiB of RAM */
#define NO_MEM    0x2000000ull /* neither RAM nor device */

static uint32_t enc_dq(unsigned op, unsigned rt, unsigned ra, int32_t dq)
{
    return (op << 26) | (rt << 21) | (ra << 16) | ((uint32_t)dq & 0xfff0);
}

static void put(struct harness *h, uint64_t pa, const uint8_t *b, unsigned n)
{
    guest_ram_write(&h->mem, pa, b, n);
}

static void fill(struct harness *h, uint64_t pa, uint8_t v, unsigned n)
{
    memset(h->mem.ram + pa, v, n);
    guest_ram_note_write(&h->mem, pa, n);
}

static int mem_is(struct harness *h, uint64_t pa, const uint8_t *b, unsigned n)
{
    return memcmp(h->mem.ram + pa, b, n) == 0;
}

/* Starts a test in the given byte order; little-endian tests also take
 * their interrupts little-endian (LPCR[ILE]) so the vectors' sc 1 runs. */
static void start(struct harness *h, int le)
{
    h_reset(h);
    if (le) {
        h->msr |= MSR_LE;
        h->cpu->lpcr |= LPCR_ILE;
    }
}

/* The interrupt the run ended in, with SRR0 at the first instruction. */
static void check_intr(struct harness *h, uint64_t got, uint64_t vec, int line)
{
    if (got != vec || h->cpu->srr0 != H_CODE)
        fprintf(stderr, "  (from line %d)\n", line);
    CHECK_EQ(got, vec);
    CHECK_EQ(h->cpu->srr0, H_CODE);
}
#define CHECK_INTR(got, vec) check_intr(h, (got), (vec), __LINE__)

/* ---- loads and stores, every form, both byte orders ---- */

struct ld_case {
    const char *name;
    uint32_t insn; /* RT=3, RA=4, and RB=5 or D=8: EA = H_DATA + 8 */
    int update;
    uint64_t be, le;
};

static const uint8_t pat[8] = {0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7};

static const struct ld_case ld_cases[] = {
    {"lbz", 34u << 26 | 3 << 21 | 4 << 16 | 8, 0, 0x80, 0x80},
    {"lbzu", 35u << 26 | 3 << 21 | 4 << 16 | 8, 1, 0x80, 0x80},
    {"lbzx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 87 << 1, 0, 0x80, 0x80},
    {"lbzux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 119 << 1, 1, 0x80, 0x80},
    {"lhz", 40u << 26 | 3 << 21 | 4 << 16 | 8, 0, 0x8091, 0x9180},
    {"lhzu", 41u << 26 | 3 << 21 | 4 << 16 | 8, 1, 0x8091, 0x9180},
    {"lhzx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 279 << 1, 0, 0x8091, 0x9180},
    {"lhzux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 311 << 1, 1, 0x8091, 0x9180},
    {"lha", 42u << 26 | 3 << 21 | 4 << 16 | 8, 0, 0xffffffffffff8091, 0xffffffffffff9180},
    {"lhau", 43u << 26 | 3 << 21 | 4 << 16 | 8, 1, 0xffffffffffff8091, 0xffffffffffff9180},
    {"lhax", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 343 << 1, 0, 0xffffffffffff8091,
     0xffffffffffff9180},
    {"lhaux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 375 << 1, 1, 0xffffffffffff8091,
     0xffffffffffff9180},
    {"lwz", 32u << 26 | 3 << 21 | 4 << 16 | 8, 0, 0x8091a2b3, 0xb3a29180},
    {"lwzu", 33u << 26 | 3 << 21 | 4 << 16 | 8, 1, 0x8091a2b3, 0xb3a29180},
    {"lwzx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 23 << 1, 0, 0x8091a2b3, 0xb3a29180},
    {"lwzux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 55 << 1, 1, 0x8091a2b3, 0xb3a29180},
    {"lwa", 58u << 26 | 3 << 21 | 4 << 16 | 8 | 2, 0, 0xffffffff8091a2b3, 0xffffffffb3a29180},
    {"lwax", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 341 << 1, 0, 0xffffffff8091a2b3,
     0xffffffffb3a29180},
    {"lwaux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 373 << 1, 1, 0xffffffff8091a2b3,
     0xffffffffb3a29180},
    {"ld", 58u << 26 | 3 << 21 | 4 << 16 | 8 | 0, 0, 0x8091a2b3c4d5e6f7, 0xf7e6d5c4b3a29180},
    {"ldu", 58u << 26 | 3 << 21 | 4 << 16 | 8 | 1, 1, 0x8091a2b3c4d5e6f7, 0xf7e6d5c4b3a29180},
    {"ldx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 21 << 1, 0, 0x8091a2b3c4d5e6f7,
     0xf7e6d5c4b3a29180},
    {"ldux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 53 << 1, 1, 0x8091a2b3c4d5e6f7,
     0xf7e6d5c4b3a29180},
    /* Byte-reversed: the other byte order from the current one. */
    {"lhbrx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 790 << 1, 0, 0x9180, 0x8091},
    {"lwbrx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 534 << 1, 0, 0xb3a29180, 0x8091a2b3},
    {"ldbrx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 532 << 1, 0, 0xf7e6d5c4b3a29180,
     0x8091a2b3c4d5e6f7},
};

static void test_loads(struct harness *h)
{
    for (unsigned le = 0; le < 2; le++)
        for (size_t i = 0; i < sizeof(ld_cases) / sizeof(ld_cases[0]); i++) {
            const struct ld_case *c = &ld_cases[i];
            uint64_t got;
            start(h, (int)le);
            put(h, H_DATA + 8, pat, 8);
            R(3) = JUNK;
            R(4) = H_DATA;
            R(5) = 8;
            h_code(h, c->insn);
            got = h_run(h);
            if (got != H_END(h) || R(3) != (le ? c->le : c->be))
                fprintf(stderr, "  %s %s\n", c->name, le ? "LE" : "BE");
            CHECK_EQ(got, H_END(h));
            CHECK_EQ(R(3), le ? c->le : c->be);
            CHECK_EQ(R(4), c->update ? H_DATA + 8 : H_DATA);
        }
}

/* Sign extension of non-negative halfwords and words. */
static void test_load_algebraic_positive(struct harness *h)
{
    static const uint8_t b[4] = {0x7f, 0x12, 0x34, 0x56};

    for (int le = 0; le < 2; le++) {
        start(h, le);
        put(h, H_DATA, b, 4);
        R(4) = H_DATA;
        h_code(h, enc_d(42, 3, 4, 0));     /* lha r3,0(r4) */
        h_code(h, enc_ds(58, 6, 4, 0, 2)); /* lwa r6,0(r4) */
        CHECK_EQ(h_run(h), H_END(h));
        CHECK_EQ(R(3), le ? 0x127f : 0x7f12);
        CHECK_EQ(R(6), le ? 0x5634127f : 0x7f123456);
    }
}

struct st_case {
    const char *name;
    uint32_t insn; /* RS=3, RA=4, RB=5 or D=8: EA = H_DATA + 8 */
    int update;
    unsigned size;
    uint8_t be[8], le[8];
};

static const struct st_case st_cases[] = {
    {"stb", 38u << 26 | 3 << 21 | 4 << 16 | 8, 0, 1, {8}, {8}},
    {"stbu", 39u << 26 | 3 << 21 | 4 << 16 | 8, 1, 1, {8}, {8}},
    {"stbx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 215 << 1, 0, 1, {8}, {8}},
    {"stbux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 247 << 1, 1, 1, {8}, {8}},
    {"sth", 44u << 26 | 3 << 21 | 4 << 16 | 8, 0, 2, {7, 8}, {8, 7}},
    {"sthu", 45u << 26 | 3 << 21 | 4 << 16 | 8, 1, 2, {7, 8}, {8, 7}},
    {"sthx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 407 << 1, 0, 2, {7, 8}, {8, 7}},
    {"sthux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 439 << 1, 1, 2, {7, 8}, {8, 7}},
    {"stw", 36u << 26 | 3 << 21 | 4 << 16 | 8, 0, 4, {5, 6, 7, 8}, {8, 7, 6, 5}},
    {"stwu", 37u << 26 | 3 << 21 | 4 << 16 | 8, 1, 4, {5, 6, 7, 8}, {8, 7, 6, 5}},
    {"stwx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 151 << 1, 0, 4, {5, 6, 7, 8}, {8, 7, 6, 5}},
    {"stwux", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 183 << 1, 1, 4, {5, 6, 7, 8}, {8, 7, 6, 5}},
    {"std",
     62u << 26 | 3 << 21 | 4 << 16 | 8 | 0,
     0,
     8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {8, 7, 6, 5, 4, 3, 2, 1}},
    {"stdu",
     62u << 26 | 3 << 21 | 4 << 16 | 8 | 1,
     1,
     8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {8, 7, 6, 5, 4, 3, 2, 1}},
    {"stdx",
     31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 149 << 1,
     0,
     8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {8, 7, 6, 5, 4, 3, 2, 1}},
    {"stdux",
     31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 181 << 1,
     1,
     8,
     {1, 2, 3, 4, 5, 6, 7, 8},
     {8, 7, 6, 5, 4, 3, 2, 1}},
    {"sthbrx", 31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 918 << 1, 0, 2, {8, 7}, {7, 8}},
    {"stwbrx",
     31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 662 << 1,
     0,
     4,
     {8, 7, 6, 5},
     {5, 6, 7, 8}},
    {"stdbrx",
     31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 660 << 1,
     0,
     8,
     {8, 7, 6, 5, 4, 3, 2, 1},
     {1, 2, 3, 4, 5, 6, 7, 8}},
};

static void test_stores(struct harness *h)
{
    for (unsigned le = 0; le < 2; le++)
        for (size_t i = 0; i < sizeof(st_cases) / sizeof(st_cases[0]); i++) {
            const struct st_case *c = &st_cases[i];
            uint64_t got;
            int ok;
            start(h, (int)le);
            fill(h, H_DATA, 0xee, 32);
            R(3) = 0x0102030405060708;
            R(4) = H_DATA;
            R(5) = 8;
            h_code(h, c->insn);
            got = h_run(h);
            ok = mem_is(h, H_DATA + 8, le ? c->le : c->be, c->size);
            if (got != H_END(h) || !ok)
                fprintf(stderr, "  %s %s\n", c->name, le ? "LE" : "BE");
            CHECK_EQ(got, H_END(h));
            CHECK(ok);
            CHECK_EQ(h->mem.ram[H_DATA + 7], 0xee);
            CHECK_EQ(h->mem.ram[H_DATA + 8 + c->size], 0xee);
            CHECK_EQ(R(4), c->update ? H_DATA + 8 : H_DATA);
        }
}

/* Update forms with RA=0, and loads with RA=RT: invalid forms (Book I
 * 3.3.2) -> illegal-instruction program interrupt, nothing changed. */
static void test_invalid_update_forms(struct harness *h)
{
    static const uint32_t bad[] = {
        35u << 26 | 3 << 21 | 0 << 16 | 8,                  /* lbzu r3,8(0) */
        35u << 26 | 3 << 21 | 3 << 16 | 8,                  /* lbzu r3,8(r3) */
        41u << 26 | 4 << 21 | 4 << 16 | 8,                  /* lhzu r4,8(r4) */
        43u << 26 | 3 << 21 | 0 << 16 | 8,                  /* lhau r3,8(0) */
        33u << 26 | 4 << 21 | 4 << 16 | 8,                  /* lwzu r4,8(r4) */
        58u << 26 | 4 << 21 | 4 << 16 | 8 | 1,              /* ldu r4,8(r4) */
        31u << 26 | 3 << 21 | 0 << 16 | 5 << 11 | 119 << 1, /* lbzux r3,0,r5 */
        31u << 26 | 4 << 21 | 4 << 16 | 5 << 11 | 311 << 1, /* lhzux r4,r4,r5 */
        31u << 26 | 4 << 21 | 4 << 16 | 5 << 11 | 375 << 1, /* lhaux r4,r4,r5 */
        31u << 26 | 4 << 21 | 4 << 16 | 5 << 11 | 55 << 1,  /* lwzux r4,r4,r5 */
        31u << 26 | 4 << 21 | 4 << 16 | 5 << 11 | 373 << 1, /* lwaux r4,r4,r5 */
        31u << 26 | 3 << 21 | 0 << 16 | 5 << 11 | 53 << 1,  /* ldux r3,0,r5 */
        39u << 26 | 3 << 21 | 0 << 16 | 8,                  /* stbu r3,8(0) */
        45u << 26 | 3 << 21 | 0 << 16 | 8,                  /* sthu r3,8(0) */
        37u << 26 | 3 << 21 | 0 << 16 | 8,                  /* stwu r3,8(0) */
        62u << 26 | 3 << 21 | 0 << 16 | 8 | 1,              /* stdu r3,8(0) */
        31u << 26 | 3 << 21 | 0 << 16 | 5 << 11 | 247 << 1, /* stbux r3,0,r5 */
        31u << 26 | 3 << 21 | 0 << 16 | 5 << 11 | 439 << 1, /* sthux r3,0,r5 */
        31u << 26 | 3 << 21 | 0 << 16 | 5 << 11 | 183 << 1, /* stwux r3,0,r5 */
        31u << 26 | 3 << 21 | 0 << 16 | 5 << 11 | 181 << 1, /* stdux r3,0,r5 */
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        start(h, 0);
        fill(h, 0, 0x5a, 16); /* what RA=0 forms would address */
        fill(h, H_DATA, 0x5a, 16);
        R(3) = 0x0102030405060708;
        R(4) = H_DATA;
        R(5) = 8;
        h_code(h, bad[i]);
        CHECK_INTR(h_run(h), 0x700);
        CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
        CHECK_EQ(R(3), 0x0102030405060708);
        CHECK_EQ(R(4), H_DATA);
        CHECK_EQ(h->mem.ram[8], 0x5a);
        CHECK_EQ(h->mem.ram[H_DATA + 8], 0x5a);
    }

    /* Stores with update may name RA = RS: the old RS is stored. */
    start(h, 0);
    R(3) = H_DATA;
    h_code(h, enc_d(37, 3, 3, 8)); /* stwu r3,8(r3) */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(3), H_DATA + 8);
    CHECK_EQ(h->mem.ram[H_DATA + 11], H_DATA & 0xff);
    CHECK_EQ(h->mem.ram[H_DATA + 9], (H_DATA >> 16) & 0xff);
}

/* ---- 32-bit mode: every EA is truncated to 32 bits (spec/cpu.md §4.2) ---- */
static void test_mode32(struct harness *h)
{
    static const uint8_t b[4] = {0x11, 0x22, 0x33, 0x44};

    start(h, 0);
    h->msr = 0; /* SF=0, big-endian */
    put(h, H_DATA + 8, b, 4);
    h->mem.ram[0x10] = 0x5a;
    R(4) = 0xdead000000000000ull | H_DATA;
    R(6) = 0xdead000000000000ull | H_DATA;
    R(7) = 0xfffffff0;
    R(8) = 0xffffffff;
    R(9) = H_DATA + 0x21;
    R(10) = 0x100000000ull | H_DATA;
    R(11) = 0x10;
    R(12) = 0xaabbccdd;
    R(13) = 0x1122334455667788;
    h_code(h, enc_d(32, 3, 4, 8));            /* lwz r3,8(r4)   */
    h_code(h, enc_d(33, 5, 6, 8));            /* lwzu r5,8(r6)  */
    h_code(h, enc_d(35, 14, 7, 0x20));        /* lbzu r14,0x20(r7): wraps to 0x10 */
    h_code(h, enc_x(31, 12, 8, 9, 151, 0));   /* stwx r12,r8,r9: -> H_DATA+0x20 */
    h_code(h, enc_x(31, 13, 10, 11, 181, 0)); /* stdux r13,r10,r11 -> H_DATA+0x10 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(3), 0x11223344);
    CHECK_EQ(R(5), 0x11223344);
    CHECK_EQ(R(6), H_DATA + 8); /* the truncated EA */
    CHECK_EQ(R(14), 0x5a);
    CHECK_EQ(R(7), 0x10);
    CHECK_EQ(h->mem.ram[H_DATA + 0x20], 0xaa);
    CHECK_EQ(h->mem.ram[H_DATA + 0x23], 0xdd);
    CHECK_EQ(R(10), H_DATA + 0x10);
    CHECK_EQ(h->mem.ram[H_DATA + 0x10], 0x11);
    CHECK_EQ(h->mem.ram[H_DATA + 0x17], 0x88);

    /* In 64-bit mode the same RA addresses far away; real mode ignores
     * only EA bits 0:3 (spec/cpu.md §3.1.2). */
    start(h, 0);
    put(h, H_DATA + 8, b, 4);
    R(4) = 0xf000000000000000ull | H_DATA;
    h_code(h, enc_d(32, 3, 4, 8)); /* lwz r3,8(r4) */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(3), 0x11223344);
}

/* ---- unaligned and page-crossing accesses work (spec/cpu.md §2.9) ---- */
static void test_unaligned(struct harness *h)
{
    uint8_t b[16];
    static const uint8_t be8[8] = {1, 2, 3, 4, 5, 6, 7, 8}, le8[8] = {8, 7, 6, 5, 4, 3, 2, 1};

    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)(0x10 + i);
    for (int le = 0; le < 2; le++) {
        start(h, le);
        put(h, 0x80ff8, b, 16); /* 0x10 at 0x80ff8 ... 0x1f at 0x81007 */
        R(4) = 0x80ffd;
        R(5) = 0x80ffe;
        R(6) = 0x80fff;
        R(7) = 0x80ff9;
        R(8) = 0x80ffb;
        h_code(h, enc_ds(58, 3, 4, 0, 0));      /* ld r3,0(r4): crosses */
        h_code(h, enc_d(32, 9, 5, 0));          /* lwz r9,0(r5): crosses */
        h_code(h, enc_d(40, 10, 6, 0));         /* lhz r10,0(r6): crosses */
        h_code(h, enc_d(32, 11, 7, 0));         /* lwz r11,0(r7): in page */
        h_code(h, enc_x(31, 12, 0, 8, 532, 0)); /* ldbrx r12,0,r8: crosses */
        h_code(h, enc_d(42, 13, 6, 0));         /* lha r13,0(r6): crosses */
        CHECK_EQ(h_run(h), H_END(h));
        CHECK_EQ(R(3), le ? 0x1c1b1a1918171615 : 0x15161718191a1b1c);
        CHECK_EQ(R(9), le ? 0x19181716 : 0x16171819);
        CHECK_EQ(R(10), le ? 0x1817 : 0x1718);
        CHECK_EQ(R(11), le ? 0x14131211 : 0x11121314);
        CHECK_EQ(R(12), le ? 0x131415161718191a : 0x1a19181716151413);
        CHECK_EQ(R(13), le ? 0x1817 : 0x1718);

        /* Stores crossing the page, and an unaligned one inside it. */
        start(h, le);
        fill(h, 0x80ff0, 0xee, 32);
        R(3) = 0x0102030405060708;
        R(4) = 0x80ffc;
        R(5) = 0x80ff1;
        h_code(h, enc_ds(62, 3, 4, 0, 0)); /* std r3,0(r4) */
        h_code(h, enc_d(44, 3, 4, 3));     /* sth r3,3(r4): 0x80fff */
        h_code(h, enc_d(36, 3, 5, 0));     /* stw r3,0(r5) */
        CHECK_EQ(h_run(h), H_END(h));
        /* std then sth over bytes 3,4 of it. */
        CHECK_EQ(h->mem.ram[0x80ffc], le ? 8 : 1);
        CHECK_EQ(h->mem.ram[0x80ffd], le ? 7 : 2);
        CHECK_EQ(h->mem.ram[0x80ffe], le ? 6 : 3);
        CHECK_EQ(h->mem.ram[0x80fff], le ? 8 : 7);
        CHECK_EQ(h->mem.ram[0x81000], le ? 7 : 8);
        CHECK(mem_is(h, 0x81001, (le ? le8 : be8) + 5, 3));
        CHECK_EQ(h->mem.ram[0x81004], 0xee);
        CHECK(mem_is(h, 0x80ff1, (le ? le8 : be8) + (le ? 0 : 4), 4));
        CHECK_EQ(h->mem.ram[0x80ff0], 0xee);
        CHECK_EQ(h->mem.ram[0x80ff5], 0xee);
    }
}

/* ---- interrupts from storage accesses ---- */

/* Real-mode access to no memory: machine check (Book III 7.5.2), SRR0 =
 * the access, new MSR has ME=0, nothing loaded or stored. */
static void test_machine_check(struct harness *h)
{
    static const uint32_t insns[] = {
        32u << 26 | 3 << 21 | 4 << 16,                       /* lwz r3,0(r4) */
        36u << 26 | 3 << 21 | 4 << 16,                       /* stw r3,0(r4) */
        31u << 26 | 3 << 21 | 0 << 16 | 4 << 11 | 1014 << 1, /* dcbz 0,r4 */
        31u << 26 | 3 << 21 | 0 << 16 | 4 << 11 | 20 << 1,   /* lwarx r3,0,r4 */
    };

    for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
        start(h, 0);
        h->msr |= MSR_ME;
        R(3) = JUNK;
        R(4) = NO_MEM;
        h_code(h, insns[i]);
        CHECK_INTR(h_run(h), 0x200);
        CHECK_EQ(h->cpu->dar, NO_MEM);
        CHECK(h->cpu->srr1 & MSR_ME);
        CHECK(h->cpu->srr1 & MSR_SF);
        CHECK(!(h->cpu->msr & MSR_ME));
        CHECK_EQ(R(3), JUNK);
    }

    /* Crossing from the last RAM page into nothing: no byte is stored. */
    start(h, 0);
    fill(h, H_RAM_SIZE - 8, 0xee, 8);
    R(3) = 0x0102030405060708;
    R(4) = H_RAM_SIZE - 4;
    h_code(h, enc_ds(62, 3, 4, 0, 0)); /* std r3,0(r4) */
    CHECK_INTR(h_run(h), 0x200);
    CHECK_EQ(h->mem.ram[H_RAM_SIZE - 4], 0xee);
    CHECK_EQ(h->mem.ram[H_RAM_SIZE - 1], 0xee);
    start(h, 0);
    R(3) = JUNK;
    R(4) = H_RAM_SIZE - 4;
    h_code(h, enc_ds(58, 3, 4, 0, 0)); /* ld r3,0(r4) */
    CHECK_INTR(h_run(h), 0x200);
    CHECK_EQ(R(3), JUNK);
}

/* MSR[DR]=1 in a radix partition with no process table: every data
 * access is a DSI with DAR = EA, DSISR "no translation" (+ store) (Book
 * III 7.5.3).  tests/unit/test_mmu.c has the translations themselves. */
static void test_dsi(struct harness *h)
{
    static const struct {
        uint32_t insn;
        uint32_t dsisr;
    } cases[] = {
        {32u << 26 | 3 << 21 | 4 << 16 | 0x10, DSISR_NOPTE},               /* lwz */
        {36u << 26 | 3 << 21 | 4 << 16 | 0x10, DSISR_NOPTE | DSISR_STORE}, /* stw */
        {31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 20 << 1, DSISR_NOPTE},  /* lwarx */
        {31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 150 << 1 | 1,           /* stwcx. */
         DSISR_NOPTE | DSISR_STORE},
        {31u << 26 | 0 << 21 | 4 << 16 | 5 << 11 | 1014 << 1, DSISR_NOPTE | DSISR_STORE}, /* dcbz */
        {31u << 26 | 0 << 21 | 4 << 16 | 5 << 11 | 54 << 1, DSISR_NOPTE},  /* dcbst */
        {31u << 26 | 0 << 21 | 4 << 16 | 5 << 11 | 86 << 1, DSISR_NOPTE},  /* dcbf */
        {31u << 26 | 0 << 21 | 4 << 16 | 5 << 11 | 982 << 1, DSISR_NOPTE}, /* icbi */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        start(h, 0);
        h->msr |= MSR_DR;
        h->cpu->lpcr |= LPCR_HR;
        R(3) = JUNK;
        R(4) = H_DATA;
        R(5) = 0x10;
        h_code(h, cases[i].insn);
        CHECK_INTR(h_run(h), 0x300);
        CHECK_EQ(h->cpu->dar, H_DATA + 0x10);
        CHECK_EQ(h->cpu->dsisr, cases[i].dsisr);
        CHECK(h->cpu->srr1 & MSR_DR);
        CHECK(!(h->cpu->msr & MSR_DR));
        CHECK_EQ(R(3), JUNK);
    }

    /* The touch hints never fault. */
    start(h, 0);
    h->msr |= MSR_DR;
    R(4) = H_DATA;
    h_code(h, enc_x(31, 0, 0, 4, 278, 0));  /* dcbt 0,r4 */
    h_code(h, enc_x(31, 16, 0, 4, 246, 0)); /* dcbtst 0,r4,16 */
    h_code(h, enc_x(31, 0, 0, 4, 22, 0));   /* icbt 0,0,r4 */
    CHECK_EQ(h_run(h), H_END(h));
}

/* ---- lq / stq (user instructions, both orders, since ISA 2.07) ---- */
static void test_lq_stq(struct harness *h)
{
    uint8_t b[16];

    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)i;
    for (int le = 0; le < 2; le++) {
        start(h, le);
        put(h, H_DATA + 0x20, b, 16);
        R(4) = H_DATA;
        R(8) = 0x1112131415161718;
        R(9) = 0x2122232425262728;
        h_code(h, enc_dq(56, 6, 4, 0x20));    /* lq r6,0x20(r4) */
        h_code(h, enc_ds(62, 8, 4, 0x40, 2)); /* stq r8,0x40(r4) */
        CHECK_EQ(h_run(h), H_END(h));
        /* RTp is the doubleword at EA in BE, at EA+8 in LE. */
        CHECK_EQ(R(6), le ? 0x0f0e0d0c0b0a0908 : 0x0001020304050607);
        CHECK_EQ(R(7), le ? 0x0706050403020100 : 0x08090a0b0c0d0e0f);
        if (le) {
            static const uint8_t e[16] = {0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21,
                                          0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11};
            CHECK(mem_is(h, H_DATA + 0x40, e, 16));
        } else {
            static const uint8_t e[16] = {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
                                          0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28};
            CHECK(mem_is(h, H_DATA + 0x40, e, 16));
        }
    }

    /* Not quadword aligned: alignment interrupt, DAR = EA. */
    start(h, 0);
    R(4) = H_DATA + 8;
    R(6) = JUNK;
    h_code(h, enc_dq(56, 6, 4, 0x20)); /* lq r6,0x20(r4) */
    CHECK_INTR(h_run(h), 0x600);
    CHECK_EQ(h->cpu->dar, H_DATA + 0x28);
    CHECK_EQ(R(6), JUNK);
    start(h, 0);
    fill(h, H_DATA, 0xee, 0x80);
    R(4) = H_DATA + 4;
    h_code(h, enc_ds(62, 8, 4, 0x40, 2)); /* stq r8,0x40(r4) */
    CHECK_INTR(h_run(h), 0x600);
    CHECK_EQ(h->cpu->dar, H_DATA + 0x44);
    CHECK_EQ(h->mem.ram[H_DATA + 0x44], 0xee);

    /* Invalid forms: odd RTp/RSp, lq with RA = RTp. */
    {
        static const uint32_t bad[] = {
            56u << 26 | 5 << 21 | 4 << 16 | 0x20,     /* lq r5,0x20(r4) */
            56u << 26 | 6 << 21 | 6 << 16 | 0x20,     /* lq r6,0x20(r6) */
            62u << 26 | 9 << 21 | 4 << 16 | 0x40 | 2, /* stq r9,0x40(r4) */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            start(h, 0);
            R(4) = H_DATA;
            R(6) = H_DATA;
            h_code(h, bad[i]);
            CHECK_INTR(h_run(h), 0x700);
            CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
        }
    }
}

/* ---- lmw / stmw: big-endian only ---- */
static void test_multiple(struct harness *h)
{
    static const uint8_t w[12] = {0x80, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe};
    static const uint8_t st[8] = {0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67};

    start(h, 0);
    put(h, H_DATA, w, 12);
    fill(h, H_DATA + 0x40, 0xee, 16);
    R(4) = H_DATA;
    R(28) = JUNK;
    R(29) = JUNK;
    R(30) = 0xffffffff89abcdef;
    R(31) = 0x0123456701234567;
    h_code(h, enc_d(47, 30, 4, 0x40)); /* stmw r30,0x40(r4) */
    h_code(h, enc_d(46, 29, 4, 0));    /* lmw r29,0(r4) */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK(mem_is(h, H_DATA + 0x40, st, 8));
    CHECK_EQ(h->mem.ram[H_DATA + 0x48], 0xee);
    CHECK_EQ(R(28), JUNK);
    CHECK_EQ(R(29), 0x80000001); /* words are zero-extended */
    CHECK_EQ(R(30), 2);
    CHECK_EQ(R(31), 0xfffffffe);

    /* Little-endian: alignment interrupt, DAR = EA, nothing changed. */
    for (int i = 0; i < 2; i++) {
        start(h, 1);
        fill(h, H_DATA, 0xee, 16);
        R(4) = H_DATA;
        R(31) = 7;
        h_code(h, enc_d(i ? 47 : 46, 31, 4, 4)); /* stmw / lmw r31,4(r4) */
        CHECK_INTR(h_run(h), 0x600);
        CHECK_EQ(h->cpu->dar, H_DATA + 4);
        CHECK_EQ(R(31), 7);
        CHECK_EQ(h->mem.ram[H_DATA + 4], 0xee);
    }

    /* lmw with RA among the registers loaded (incl. RA = RT = 0). */
    {
        static const uint32_t bad[] = {
            46u << 26 | 4 << 21 | 4 << 16,  /* lmw r4,0(r4) */
            46u << 26 | 3 << 21 | 31 << 16, /* lmw r3,0(r31) */
            46u << 26 | 0 << 21 | 0 << 16,  /* lmw r0,0(0) */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            start(h, 0);
            h_code(h, bad[i]);
            CHECK_INTR(h_run(h), 0x700);
            CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
        }
    }
    /* RA = 0 below RT is fine: EA = D. */
    start(h, 0);
    put(h, 0x40, w, 12);
    h_code(h, enc_d(46, 31, 0, 0x48)); /* lmw r31,0x48(0) */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(31), 0xfffffffe);
}

/* ---- lswi / lswx / stswi / stswx: big-endian only ---- */
static void test_string(struct harness *h)
{
    uint8_t seq[40];

    for (int i = 0; i < 40; i++)
        seq[i] = (uint8_t)(i + 1);

    /* Partly filled last register: the rest of its low word is 0. */
    start(h, 0);
    put(h, H_DATA, seq, 40);
    R(4) = H_DATA;
    R(11) = JUNK;
    R(12) = JUNK;
    h_code(h, enc_x(31, 11, 4, 3, 597, 0)); /* lswi r11,r4,3 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(11), 0x01020300);
    CHECK_EQ(R(12), JUNK);

    /* NB = 0 means 32 bytes: r11..r18. */
    start(h, 0);
    put(h, H_DATA, seq, 40);
    R(4) = H_DATA;
    R(19) = JUNK;
    h_code(h, enc_x(31, 11, 4, 0, 597, 0)); /* lswi r11,r4,32 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(11), 0x01020304);
    CHECK_EQ(R(14), 0x0d0e0f10);
    CHECK_EQ(R(18), 0x1d1e1f20);
    CHECK_EQ(R(19), JUNK);

    /* The registers wrap from r31 to r0. */
    start(h, 0);
    put(h, H_DATA, seq, 40);
    R(4) = H_DATA;
    h_code(h, enc_x(31, 31, 4, 8, 597, 0)); /* lswi r31,r4,8 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(31), 0x01020304);
    CHECK_EQ(R(0), 0x05060708);

    /* lswx: count from XER; RA = 0 is not "in range" even when r0 is. */
    start(h, 0);
    put(h, H_DATA, seq, 40);
    R(5) = H_DATA + 1;
    h->cpu->xer_bc = 6;
    h_code(h, enc_x(31, 31, 0, 5, 533, 0)); /* lswx r31,0,r5 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(31), 0x02030405);
    CHECK_EQ(R(0), 0x06070000);
    /* XER count 0: nothing loaded. */
    start(h, 0);
    R(11) = JUNK;
    R(5) = H_DATA;
    h->cpu->xer_bc = 0;
    h_code(h, enc_x(31, 11, 0, 5, 533, 0)); /* lswx r11,0,r5 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(11), JUNK);

    /* stswi / stswx: bytes from the low words, left to right. */
    start(h, 0);
    fill(h, H_DATA, 0xee, 32);
    R(4) = H_DATA;
    R(5) = 0xffffffff11223344;
    R(6) = 0x5566778899aabbcc;
    R(7) = 0x10;
    h->cpu->xer_bc = 5;
    h_code(h, enc_x(31, 5, 4, 6, 725, 0)); /* stswi r5,r4,6 */
    h_code(h, enc_x(31, 5, 4, 7, 661, 0)); /* stswx r5,r4,r7 */
    CHECK_EQ(h_run(h), H_END(h));
    {
        static const uint8_t e[7] = {0x11, 0x22, 0x33, 0x44, 0x99, 0xaa, 0xee};
        static const uint8_t f[6] = {0x11, 0x22, 0x33, 0x44, 0x99, 0xee};
        CHECK(mem_is(h, H_DATA, e, 7));
        CHECK(mem_is(h, H_DATA + 0x10, f, 6));
    }

    /* Invalid forms: RA (lswi: RA=0 too) or RB among the registers loaded. */
    {
        static const struct {
            uint32_t insn;
            unsigned bc;
        } bad[] = {
            {31u << 26 | 31 << 21 | 1 << 16 | 10 << 11 | 597 << 1, 0}, /* lswi r31,r1,10 */
            {31u << 26 | 0 << 21 | 0 << 16 | 4 << 11 | 597 << 1, 0},   /* lswi r0,0,4 */
            {31u << 26 | 31 << 21 | 0 << 16 | 0 << 11 | 533 << 1, 12}, /* lswx r31,0,r0 */
            {31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 533 << 1, 8},   /* lswx r3,r4,r5 */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            start(h, 0);
            R(0) = R(1) = H_DATA;
            R(4) = H_DATA;
            R(5) = 0;
            h->cpu->xer_bc = (uint8_t)bad[i].bc;
            h_code(h, bad[i].insn);
            CHECK_INTR(h_run(h), 0x700);
            CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
            CHECK_EQ(R(0), H_DATA);
            CHECK_EQ(R(1), H_DATA);
        }
    }

    /* Little-endian: all four take an alignment interrupt, DAR = EA. */
    {
        static const uint32_t le_insns[] = {
            31u << 26 | 11 << 21 | 4 << 16 | 4 << 11 | 597 << 1, /* lswi r11,r4,4 */
            31u << 26 | 11 << 21 | 4 << 16 | 5 << 11 | 533 << 1, /* lswx r11,r4,r5 */
            31u << 26 | 11 << 21 | 4 << 16 | 4 << 11 | 725 << 1, /* stswi r11,r4,4 */
            31u << 26 | 11 << 21 | 4 << 16 | 5 << 11 | 661 << 1, /* stswx r11,r4,r5 */
        };
        for (size_t i = 0; i < sizeof(le_insns) / sizeof(le_insns[0]); i++) {
            start(h, 1);
            fill(h, H_DATA, 0xee, 16);
            R(4) = H_DATA;
            R(5) = (le_insns[i] >> 11 & 31) == 5 ? 4 : 0;
            R(11) = JUNK;
            h->cpu->xer_bc = 4;
            h_code(h, le_insns[i]);
            CHECK_INTR(h_run(h), 0x600);
            CHECK_EQ(h->cpu->dar, H_DATA + R(5));
            CHECK_EQ(R(11), JUNK);
            CHECK_EQ(h->mem.ram[H_DATA], 0xee);
        }
    }
}

/* ---- reservations (Book II 4.4.2) ---- */

#define LWARX(rt, ra, rb) enc_x(31, rt, ra, rb, 20, 0)
#define STWCX(rs, ra, rb) enc_x(31, rs, ra, rb, 150, 1)

static void test_reservation_basic(struct harness *h)
{
    static const uint8_t v[4] = {0x12, 0x34, 0x56, 0x78};

    /* larx then stcx. to the same address: stored, CR0 = 0b0010 || SO. */
    start(h, 0);
    put(h, H_DATA, v, 4);
    R(4) = H_DATA;
    R(5) = 0xcafef00d;
    h_code(h, LWARX(3, 0, 4));
    h_code(h, STWCX(5, 0, 4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(3), 0x12345678);
    CHECK_EQ(h->cpu->cr[0], 0x2);
    CHECK_EQ(h->mem.ram[H_DATA], 0xca);
    CHECK_EQ(h->mem.ram[H_DATA + 3], 0x0d);

    /* No reservation: not stored, CR0 = 0b0000 || SO; SO is copied. */
    start(h, 0);
    put(h, H_DATA, v, 4);
    R(4) = H_DATA;
    R(5) = 0xcafef00d;
    h->cpu->so = 1;
    h->cpu->cr[0] = 0xf;
    h_code(h, STWCX(5, 0, 4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->cr[0], 0x1);
    CHECK(mem_is(h, H_DATA, v, 4));

    /* The stcx. ends the reservation: a second one fails. */
    start(h, 0);
    R(4) = H_DATA;
    R(5) = 1;
    R(6) = 2;
    h->cpu->so = 1;
    h_code(h, LWARX(3, 0, 4));
    h_code(h, STWCX(5, 0, 4));
    h_code(h, enc_x(31, 0, 0, 0, 19, 0)); /* mfcr r0 */
    h_code(h, STWCX(6, 0, 4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(0), 0x30000000); /* first: EQ | SO */
    CHECK_EQ(h->cpu->cr[0], 0x1);
    CHECK_EQ(h->mem.ram[H_DATA + 3], 1);

    /* A plain store of another value in between: the stcx. fails and the
     * plain store's value stays. */
    start(h, 0);
    put(h, H_DATA, v, 4);
    R(4) = H_DATA;
    R(5) = 0xcafef00d;
    R(6) = 0x11111111;
    h_code(h, LWARX(3, 0, 4));
    h_code(h, enc_d(36, 6, 4, 0)); /* stw r6,0(r4) */
    h_code(h, STWCX(5, 0, 4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->cr[0], 0x0);
    CHECK_EQ(h->mem.ram[H_DATA], 0x11);
    CHECK_EQ(h->mem.ram[H_DATA + 3], 0x11);

    /* stcx. to another address than the larx's: fails. */
    start(h, 0);
    fill(h, H_DATA, 0, 8);
    R(4) = H_DATA;
    R(7) = H_DATA + 4;
    R(5) = 0xcafef00d;
    h_code(h, LWARX(3, 0, 4));
    h_code(h, STWCX(5, 0, 7));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->cr[0], 0x0);
    CHECK_EQ(h->mem.ram[H_DATA + 4], 0);

    /* Another size than the larx's: fails. */
    start(h, 0);
    fill(h, H_DATA, 0, 8);
    R(4) = H_DATA;
    R(5) = 0xcafef00d;
    h_code(h, enc_x(31, 3, 0, 4, 84, 0)); /* ldarx r3,0,r4 */
    h_code(h, STWCX(5, 0, 4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->cr[0], 0x0);
    CHECK_EQ(h->mem.ram[H_DATA], 0);
}

/* An interrupt between larx and stcx. loses the reservation; an hcall
 * exit (not an interrupt) does not. */
static void test_reservation_interrupt(struct harness *h)
{
    for (int intr = 0; intr < 2; intr++) {
        start(h, 0);
        fill(h, H_DATA, 0, 4);
        R(4) = H_DATA;
        R(5) = 0xcafef00d;
        h_code(h, LWARX(3, 0, 4));
        if (intr) {
            h_code(h, 0); /* illegal: program interrupt */
            CHECK_EQ(h_run(h), 0x700);
        } else {
            CHECK_EQ(h_run(h), H_END(h));
        }
        h->n = 0;
        h_code(h, STWCX(5, 0, 4));
        CHECK_EQ(h_run(h), H_END(h));
        CHECK_EQ(h->cpu->cr[0], intr ? 0x0 : 0x2);
        CHECK_EQ(h->mem.ram[H_DATA], intr ? 0 : 0xca);
    }
}

/* Every size, both byte orders. */
static void test_reservation_sizes(struct harness *h)
{
    static const struct {
        unsigned larx, stcx, size;
        uint64_t be, le;
    } s[] = {
        {52, 694, 1, 0x80, 0x80},
        {116, 726, 2, 0x8091, 0x9180},
        {20, 150, 4, 0x8091a2b3, 0xb3a29180},
        {84, 214, 8, 0x8091a2b3c4d5e6f7, 0xf7e6d5c4b3a29180},
    };
    static const uint8_t new_be[8] = {1, 2, 3, 4, 5, 6, 7, 8}, new_le[8] = {8, 7, 6, 5, 4, 3, 2, 1};

    for (int le = 0; le < 2; le++)
        for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
            unsigned n = s[i].size;
            start(h, le);
            put(h, H_DATA + 8, pat, 8);
            R(3) = JUNK;
            R(4) = H_DATA;
            R(5) = 8;
            R(6) = 0x0102030405060708;
            h_code(h, enc_x(31, 3, 4, 5, s[i].larx, 1)); /* EH hint set: ignored */
            h_code(h, enc_x(31, 6, 4, 5, s[i].stcx, 1));
            CHECK_EQ(h_run(h), H_END(h));
            CHECK_EQ(R(3), le ? s[i].le : s[i].be);
            CHECK_EQ(h->cpu->cr[0], 0x2);
            CHECK(mem_is(h, H_DATA + 8, (le ? new_le : new_be + 8 - n), n));
            if (n < 8)
                CHECK_EQ(h->mem.ram[H_DATA + 8 + n], pat[n]);
        }

    /* Unaligned: alignment interrupt, DAR = EA. */
    {
        static const struct {
            unsigned xo, rc, off;
        } u[] = {{116, 0, 1}, {20, 0, 2},  {84, 0, 4},  {726, 1, 3},
                 {150, 1, 2}, {214, 1, 4}, {276, 0, 8}, {182, 1, 8}};
        for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
            start(h, 0);
            R(4) = H_DATA;
            R(5) = u[i].off;
            R(6) = JUNK;
            h_code(h, enc_x(31, 6, 4, 5, u[i].xo, u[i].rc));
            CHECK_INTR(h_run(h), 0x600);
            CHECK_EQ(h->cpu->dar, H_DATA + u[i].off);
            CHECK_EQ(R(6), JUNK);
        }
    }
}

static void test_reservation_quad(struct harness *h)
{
    uint8_t b[16];

    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)i;
    for (int le = 0; le < 2; le++) {
        start(h, le);
        put(h, H_DATA + 0x10, b, 16);
        R(4) = H_DATA;
        R(5) = 0x10;
        R(8) = 0x1112131415161718;
        R(9) = 0x2122232425262728;
        h_code(h, enc_x(31, 6, 4, 5, 276, 0)); /* lqarx r6,r4,r5 */
        h_code(h, enc_x(31, 8, 4, 5, 182, 1)); /* stqcx. r8,r4,r5 */
        CHECK_EQ(h_run(h), H_END(h));
        CHECK_EQ(R(6), le ? 0x0f0e0d0c0b0a0908 : 0x0001020304050607);
        CHECK_EQ(R(7), le ? 0x0706050403020100 : 0x08090a0b0c0d0e0f);
        CHECK_EQ(h->cpu->cr[0], 0x2);
        if (le) {
            static const uint8_t e[16] = {0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21,
                                          0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11};
            CHECK(mem_is(h, H_DATA + 0x10, e, 16));
        } else {
            static const uint8_t e[16] = {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
                                          0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28};
            CHECK(mem_is(h, H_DATA + 0x10, e, 16));
        }
    }

    /* A store to the second doubleword in between: stqcx. fails. */
    start(h, 0);
    put(h, H_DATA + 0x10, b, 16);
    R(4) = H_DATA;
    R(5) = 0x10;
    R(8) = 1;
    R(9) = 2;
    h_code(h, enc_x(31, 6, 4, 5, 276, 0)); /* lqarx r6,r4,r5 */
    h_code(h, enc_d(38, 8, 4, 0x1f));      /* stb r8,0x1f(r4) */
    h_code(h, enc_x(31, 8, 4, 5, 182, 1)); /* stqcx. r8,r4,r5 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->cr[0], 0x0);
    CHECK_EQ(h->mem.ram[H_DATA + 0x10], 0);
    CHECK_EQ(h->mem.ram[H_DATA + 0x1f], 1);

    /* Invalid forms: odd RTp/RSp, lqarx with RTp = RA or RB. */
    {
        static const uint32_t bad[] = {
            31u << 26 | 7 << 21 | 4 << 16 | 5 << 11 | 276 << 1,     /* lqarx r7,r4,r5 */
            31u << 26 | 4 << 21 | 4 << 16 | 5 << 11 | 276 << 1,     /* lqarx r4,r4,r5 */
            31u << 26 | 6 << 21 | 0 << 16 | 6 << 11 | 276 << 1,     /* lqarx r6,0,r6 */
            31u << 26 | 9 << 21 | 4 << 16 | 5 << 11 | 182 << 1 | 1, /* stqcx. r9,r4,r5 */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            start(h, 0);
            R(4) = H_DATA;
            R(5) = 0x10;
            R(6) = H_DATA;
            h_code(h, bad[i]);
            CHECK_INTR(h_run(h), 0x700);
            CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
        }
    }
}

/* ---- dcbz and the cache hints (Book II 4.3) ---- */
static void test_dcbz(struct harness *h)
{
    for (int le = 0; le < 2; le++) {
        start(h, le);
        fill(h, H_DATA, 0xff, 0x200);
        R(4) = H_DATA;
        R(5) = 0x93;
        R(6) = H_DATA + 0x105;
        h_code(h, enc_x(31, 0, 4, 5, 1014, 0)); /* dcbz r4,r5: first, slow path */
        h_code(h, enc_x(31, 0, 0, 6, 1014, 0)); /* dcbz 0,r6: soft-TLB path */
        CHECK_EQ(h_run(h), H_END(h));
        CHECK_EQ(h->mem.ram[H_DATA + 0x7f], 0xff);
        for (unsigned i = 0x80; i < 0x180; i++)
            if (h->mem.ram[H_DATA + i] != 0) {
                CHECK_EQ(h->mem.ram[H_DATA + i], 0);
                break;
            }
        CHECK_EQ(h->mem.ram[H_DATA + 0x180], 0xff);
    }

    /* 32-bit mode: the EA is truncated first. */
    start(h, 0);
    h->msr = 0;
    fill(h, H_DATA, 0xff, 0x100);
    R(4) = 0xffffffff00000000ull | H_DATA;
    R(5) = 0x80;
    h_code(h, enc_x(31, 0, 4, 5, 1014, 0)); /* dcbz r4,r5 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->mem.ram[H_DATA + 0x7f], 0xff);
    CHECK_EQ(h->mem.ram[H_DATA + 0x80], 0);
    CHECK_EQ(h->mem.ram[H_DATA + 0xff], 0);
}

/* dcbst dcbf icbi dcbt dcbtst icbt: no effect, and in real mode no fault
 * even where there is no memory. */
static void test_cache_hints(struct harness *h)
{
    start(h, 0);
    fill(h, H_DATA, 0x77, 0x80);
    R(4) = NO_MEM;
    R(5) = H_DATA;
    h_code(h, enc_x(31, 0, 0, 4, 54, 0));   /* dcbst 0,r4 */
    h_code(h, enc_x(31, 1, 0, 4, 86, 0));   /* dcbf 0,r4,1 */
    h_code(h, enc_x(31, 0, 0, 4, 982, 0));  /* icbi 0,r4 */
    h_code(h, enc_x(31, 16, 0, 4, 278, 0)); /* dcbt 0,r4,16 */
    h_code(h, enc_x(31, 0, 0, 4, 246, 0));  /* dcbtst 0,r4 */
    h_code(h, enc_x(31, 2, 0, 4, 22, 0));   /* icbt 2,0,r4 */
    h_code(h, enc_x(31, 0, 0, 5, 86, 0));   /* dcbf 0,r5 */
    h_code(h, enc_x(31, 0, 0, 5, 54, 0));   /* dcbst 0,r5 */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->mem.ram[H_DATA], 0x77);
    CHECK_EQ(h->mem.ram[H_DATA + 0x7f], 0x77);

    /* dcbi is the hypervisor's (and gone from ISA 3.0): not decoded. */
    start(h, 0);
    fill(h, H_DATA, 0x77, 0x80);
    R(4) = H_DATA;
    h_code(h, enc_x(31, 0, 0, 4, 470, 0)); /* dcbi 0,r4 */
    CHECK_INTR(h_run(h), 0x700);
    CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
    CHECK_EQ(h->mem.ram[H_DATA], 0x77);
}

/* ---- self-modifying code (Book II 1.8; spec/cpu.md §5.4) ---- */

#define SUB    (H_CODE + 0x1000) /* li r3,1; blr: the page after the code */
#define LI3(v) enc_d(14, 3, 0, (v))
#define BLR    0x4e800020u

/* Runs: bl SUB; mr r10,r3; <store>; isync; bl SUB.  The store patches
 * SUB's "li r3,1" into "li r3,7" (registers prepared by the caller). */
static void smc_run(struct harness *h, uint32_t store, int le, const char *name)
{
    uint64_t got;

    h_put32(h, SUB, LI3(1), le);
    h_put32(h, SUB + 4, BLR, le);
    h_code(h, enc_b((int32_t)(SUB - H_CODE), 0, 1)); /* bl SUB */
    h_code(h, enc_x(31, 3, 10, 3, 444, 0));          /* mr r10,r3 */
    h_code(h, store);
    h_code(h, 0x4c00012c);                                  /* isync */
    h_code(h, enc_b((int32_t)(SUB - (H_CODE + 16)), 0, 1)); /* bl SUB */
    got = h_run(h);
    if (got != H_END(h) || R(3) != 7)
        fprintf(stderr, "  SMC with %s\n", name);
    CHECK_EQ(got, H_END(h));
    CHECK_EQ(R(10), 1);
    CHECK_EQ(R(3), 7);
}

static void test_smc(struct harness *h)
{
    /* li r3,7 = 0x38600007: only the last byte differs from li r3,1. */
    start(h, 0);
    R(4) = SUB;
    R(5) = 7;
    smc_run(h, enc_d(38, 5, 4, 3), 0, "stb");
    start(h, 0);
    R(4) = SUB;
    R(5) = 7;
    smc_run(h, enc_d(44, 5, 4, 2), 0, "sth");
    start(h, 0);
    R(4) = SUB;
    R(5) = 0x38600007;
    smc_run(h, enc_d(36, 5, 4, 0), 0, "stw");
    start(h, 1);
    R(4) = SUB;
    R(5) = 0x38600007;
    smc_run(h, enc_d(36, 5, 4, 0), 1, "stw (LE)");
    start(h, 0);
    R(4) = SUB;
    R(5) = 0x386000074e800020ull;
    smc_run(h, enc_ds(62, 5, 4, 0, 0), 0, "std");
    start(h, 0);
    R(4) = SUB;
    R(5) = 0x07006038;
    smc_run(h, enc_x(31, 5, 0, 4, 662, 0), 0, "stwbrx");
    start(h, 0);
    R(4) = SUB - 4; /* crossing a decoded page and the one before */
    R(5) = 0x0000000038600007ull;
    h_put32(h, SUB - 4, 0, 0);
    smc_run(h, enc_ds(62, 5, 4, 0, 0), 0, "std crossing");
    start(h, 0);
    R(4) = SUB;
    R(30) = 0x38600007;
    R(31) = BLR;
    smc_run(h, enc_d(47, 30, 4, 0), 0, "stmw");
    start(h, 0);
    R(4) = SUB;
    R(5) = 0x38600007;
    smc_run(h, enc_x(31, 5, 4, 4, 725, 0), 0, "stswi");
    start(h, 0);
    R(4) = SUB;
    R(6) = 0x386000074e800020ull;
    R(7) = 0;
    smc_run(h, enc_ds(62, 6, 4, 0, 2), 0, "stq");

    /* stwcx.: larx first (it may not be between the two calls). */
    start(h, 0);
    h_put32(h, SUB, LI3(1), 0);
    h_put32(h, SUB + 4, BLR, 0);
    R(4) = SUB;
    R(5) = 0x38600007;
    h_code(h, enc_b((int32_t)(SUB - H_CODE), 0, 1)); /* bl SUB */
    h_code(h, enc_x(31, 3, 10, 3, 444, 0));          /* mr r10,r3 */
    h_code(h, LWARX(6, 0, 4));
    h_code(h, STWCX(5, 0, 4));
    h_code(h, 0x4c00012c);                                  /* isync */
    h_code(h, enc_b((int32_t)(SUB - (H_CODE + 20)), 0, 1)); /* bl SUB */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->cr[0], 0x2);
    CHECK_EQ(R(10), 1);
    CHECK_EQ(R(3), 7);

    /* dcbz over decoded code: the zero word is then illegal. */
    start(h, 0);
    h_put32(h, SUB, LI3(1), 0);
    h_put32(h, SUB + 4, BLR, 0);
    R(4) = SUB;
    h_code(h, enc_b((int32_t)(SUB - H_CODE), 0, 1));        /* bl SUB */
    h_code(h, enc_x(31, 0, 0, 4, 1014, 0));                 /* dcbz 0,r4 */
    h_code(h, 0x4c00012c);                                  /* isync */
    h_code(h, enc_b((int32_t)(SUB - (H_CODE + 12)), 0, 1)); /* bl SUB */
    CHECK_EQ(h_run(h), 0x700);
    CHECK_EQ(h->cpu->srr0, SUB);
    CHECK(h->cpu->srr1 & SRR1_PROG_ILLEGAL);
}

/* ---- MMIO (vmm/memory.h: values are the big-endian reading of the bytes) ---- */

struct dev {
    unsigned reads, writes, vcpu;
    uint64_t offset, value;
    unsigned size;
};

/* Reads as the bytes a1 b2 c3 d4 e5 f6 07 18 at any offset. */
static uint64_t dev_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    struct dev *d = opaque;
    d->reads++;
    d->vcpu = vcpu;
    d->offset = offset;
    d->size = size;
    return 0xa1b2c3d4e5f60718ull >> (64 - 8 * size);
}

static void dev_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    struct dev *d = opaque;
    d->writes++;
    d->vcpu = vcpu;
    d->offset = offset;
    d->size = size;
    d->value = value;
}

static const struct mmio_ops dev_ops = {dev_read, dev_write};

static void test_mmio(struct harness *h, struct dev *d)
{
    static const struct {
        uint32_t insn;
        unsigned size;
        uint64_t be, le;
    } loads[] = {
        {34u << 26 | 3 << 21 | 4 << 16 | 0x10, 1, 0xa1, 0xa1},        /* lbz */
        {40u << 26 | 3 << 21 | 4 << 16 | 0x10, 2, 0xa1b2, 0xb2a1},    /* lhz */
        {42u << 26 | 3 << 21 | 4 << 16 | 0x10, 2, 0xffffffffffffa1b2, /* lha */
         0xffffffffffffb2a1},
        {32u << 26 | 3 << 21 | 4 << 16 | 0x10, 4, 0xa1b2c3d4, 0xd4c3b2a1}, /* lwz */
        {58u << 26 | 3 << 21 | 4 << 16 | 0x10, 8, 0xa1b2c3d4e5f60718,      /* ld */
         0x1807f6e5d4c3b2a1},
        {31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 534 << 1, 4, 0xd4c3b2a1, 0xa1b2c3d4}, /* lwbrx */
    };
    static const struct {
        uint32_t insn;
        unsigned size;
        uint64_t be, le;
    } stores[] = {
        {38u << 26 | 3 << 21 | 4 << 16 | 0x10, 1, 0x08, 0x08},             /* stb */
        {44u << 26 | 3 << 21 | 4 << 16 | 0x10, 2, 0x0708, 0x0807},         /* sth */
        {36u << 26 | 3 << 21 | 4 << 16 | 0x10, 4, 0x05060708, 0x08070605}, /* stw */
        {62u << 26 | 3 << 21 | 4 << 16 | 0x10, 8, 0x0102030405060708,      /* std */
         0x0807060504030201},
        {31u << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 662 << 1, 4, 0x08070605,
         0x05060708}, /* stwbrx */
    };

    for (int le = 0; le < 2; le++) {
        for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
            start(h, le);
            memset(d, 0, sizeof(*d));
            d->vcpu = ~0u;
            R(4) = MMIO_BASE;
            R(5) = 0x10;
            h_code(h, loads[i].insn);
            CHECK_EQ(h_run(h), H_END(h));
            CHECK_EQ(R(3), le ? loads[i].le : loads[i].be);
            CHECK_EQ(d->reads, 1);
            CHECK_EQ(d->vcpu, h->cpu->index); /* the accessing vCPU */
            CHECK_EQ(d->offset, 0x10);
            CHECK_EQ(d->size, loads[i].size);
        }
        for (size_t i = 0; i < sizeof(stores) / sizeof(stores[0]); i++) {
            start(h, le);
            memset(d, 0, sizeof(*d));
            R(3) = 0x0102030405060708;
            R(4) = MMIO_BASE;
            R(5) = 0x10;
            h_code(h, stores[i].insn);
            CHECK_EQ(h_run(h), H_END(h));
            CHECK_EQ(d->writes, 1);
            CHECK_EQ(d->offset, 0x10);
            CHECK_EQ(d->size, stores[i].size);
            CHECK_EQ(d->value, le ? stores[i].le : stores[i].be);
        }
    }

    /* Unaligned device accesses, an access crossing from RAM into the
     * device, and dcbz there: alignment interrupt, DAR = EA, no access. */
    {
        static const struct {
            uint32_t insn;
            uint64_t ra, ea;
        } a[] = {
            {32u << 26 | 3 << 21 | 4 << 16 | 2, MMIO_BASE, MMIO_BASE + 2},     /* lwz r3,2(r4) */
            {44u << 26 | 3 << 21 | 4 << 16 | 2, MMIO_BASE - 1, MMIO_BASE + 1}, /* sth r3,2(r4) */
            {58u << 26 | 3 << 21 | 4 << 16 | 0, MMIO_BASE - 4, MMIO_BASE - 4}, /* ld r3,0(r4) */
            {62u << 26 | 3 << 21 | 4 << 16 | 0, MMIO_BASE - 2, MMIO_BASE - 2}, /* std r3,0(r4) */
            {31u << 26 | 0 << 21 | 0 << 16 | 4 << 11 | 1014 << 1, MMIO_BASE + 0x45, /* dcbz 0,r4 */
             MMIO_BASE + 0x45},
        };
        for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
            start(h, 0);
            memset(d, 0, sizeof(*d));
            fill(h, MMIO_BASE - 8, 0xee, 8);
            R(3) = JUNK;
            R(4) = a[i].ra;
            h_code(h, a[i].insn);
            CHECK_INTR(h_run(h), 0x600);
            CHECK_EQ(h->cpu->dar, a[i].ea);
            CHECK_EQ(d->reads + d->writes, 0);
            CHECK_EQ(R(3), JUNK);
            CHECK_EQ(h->mem.ram[MMIO_BASE - 1], 0xee);
        }
    }

    /* larx/stcx. to device memory: DSI, DSISR bit 37 (+ store). */
    for (int st = 0; st < 2; st++) {
        start(h, 0);
        memset(d, 0, sizeof(*d));
        R(4) = MMIO_BASE;
        h_code(h, st ? STWCX(3, 0, 4) : LWARX(3, 0, 4));
        CHECK_INTR(h_run(h), 0x300);
        CHECK_EQ(h->cpu->dar, MMIO_BASE);
        CHECK_EQ(h->cpu->dsisr, DSISR_ATOMIC_CI | (st ? DSISR_STORE : 0));
        CHECK_EQ(d->reads + d->writes, 0);
    }
}

int main(void)
{
    struct harness h, hm;
    struct dev d;
    struct mmio_region r = {MMIO_BASE, 0x10000, &dev_ops, &d, "test"};

    h_init(&h);
    test_loads(&h);
    test_load_algebraic_positive(&h);
    test_stores(&h);
    test_invalid_update_forms(&h);
    test_mode32(&h);
    test_unaligned(&h);
    test_machine_check(&h);
    test_dsi(&h);
    test_lq_stq(&h);
    test_multiple(&h);
    test_string(&h);
    test_reservation_basic(&h);
    test_reservation_interrupt(&h);
    test_reservation_sizes(&h);
    test_reservation_quad(&h);
    test_dcbz(&h);
    test_cache_hints(&h);
    test_smc(&h);
    h_fini(&h);

    /* A second machine with a device right after RAM. */
    h_init(&hm);
    if (guest_mem_add_mmio(&hm.mem, &r))
        abort();
    test_mmio(&hm, &d);
    h_fini(&hm);
    return check_summary("insn_mem");
}
