/*
 * Decoder unit tests (vmm/cpu/interp/decode.c and the ops_*.def tables).
 *
 *  - table integrity: every row's mask/match/primary is well formed, its
 *    mnemonic unique, and the row reachable (its own match word decodes to
 *    it, not to an earlier overlapping row);
 *  - operand fields of every form in forms.def, on known encodings.  The
 *    words were assembled with `powerpc64-linux-gnu-as -mpower9 -a64 -mbig`
 *    (binutils 2.40); the assembly source is next to each word.  A case
 *    whose mnemonic is not in the tables at all is skipped and listed at
 *    the end (the binutils differential test, decode-binutils, reports
 *    missing instructions);
 *  - illegal words: primary opcodes 0, 1, 5, 9, 22 and unassigned extended
 *    opcodes of 31 and 19; reserved bits that must not make a word illegal
 *    (eieio with bit 6, spec/cpu.md 1.4);
 *  - robustness: every primary x 1024 extended opcodes x Rc x several
 *    operand fillings, and a few million random words, decoded without
 *    crashing and compared with a brute-force scan of the table (first
 *    matching row, or illegal when none matches); ppc_disasm on all of them.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "check.h"
#include "vmm/cpu/interp/decode.h"

struct row {
    const char *name, *mn;
    unsigned op, form, primary;
    uint32_t mask, match;
};

static const struct row rows[] = {
#define INSN(nm, mn, f, p, m, x) {#nm, mn, OP_##nm, F_##f, p, m, x},
#include "vmm/cpu/interp/ops_all.def"
#undef INSN
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* rows_by_primary[p] lists indexes into rows[], in table order. */
static unsigned rows_by_primary[64][NROWS + 1];
static unsigned nrows_by_primary[64];

static const struct row *row_of_op(unsigned op)
{
    for (size_t i = 0; i < NROWS; i++)
        if (rows[i].op == op)
            return &rows[i];
    return NULL;
}

static int row_matches(const struct row *r, uint32_t w)
{
    return (w >> 26) == r->primary && (w & r->mask) == r->match;
}

/* The reference decoder: the first row, in table order, that matches. */
static unsigned ref_decode(uint32_t w)
{
    unsigned p = w >> 26;
    for (unsigned i = 0; i < nrows_by_primary[p]; i++) {
        const struct row *r = &rows[rows_by_primary[p][i]];
        if ((w & r->mask) == r->match)
            return r->op;
    }
    return OP_illegal;
}

static int have_mnemonic(const char *mn)
{
    for (unsigned op = 0; op < OP_COUNT; op++)
        if (strcmp(ppc_op_name(op), mn) == 0)
            return 1;
    return 0;
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    check_failures++;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

/* Decodes twice, into differently pre-filled structs: results must agree. */
static void decode(uint32_t w, struct insn *d)
{
    struct insn e;
    memset(d, 0x5a, sizeof(*d));
    memset(&e, 0xa5, sizeof(e));
    ppc_decode(w, d);
    ppc_decode(w, &e);
    check_count++;
    if (d->op != e.op || d->simm != e.simm || d->rt != e.rt || d->ra != e.ra || d->rb != e.rb ||
        d->rc != e.rc || d->f1 != e.f1 || d->f2 != e.f2 || d->handler || e.handler)
        fail("decode of %08x depends on the previous contents of *out\n", w);
}

/* ---------------------------------------------------------------- tables */

static void test_tables(void)
{
    for (size_t i = 0; i < NROWS; i++) {
        const struct row *r = &rows[i];
        check_count++;
        if (r->primary > 63 || r->form >= F_COUNT || !r->mn[0] || (r->mask & 0xfc000000u) ||
            (r->match & ~r->mask))
            fail("row %s: malformed (primary %u, form %u, mask %08x, match %08x): it can never "
                 "match\n",
                 r->name, r->primary, r->form, r->mask, r->match);
        for (size_t j = 0; j < i; j++) {
            check_count++;
            if (strcmp(rows[j].mn, r->mn) == 0)
                fail("rows %s and %s share the mnemonic \"%s\"\n", rows[j].name, r->name, r->mn);
        }
        check_count++;
        if (r->primary == 0 || r->primary == 1 || r->primary == 5 || r->primary == 9 ||
            r->primary == 22)
            fail("row %s: primary opcode %u is not assigned on POWER9\n", r->name, r->primary);
    }
    /* Reachability: a row's own match word must decode to it. */
    for (size_t i = 0; i < NROWS; i++) {
        const struct row *r = &rows[i];
        struct insn d;
        uint32_t w = ((uint32_t)r->primary << 26) | r->match;
        if (r->primary > 63)
            continue;
        decode(w, &d);
        check_count++;
        if (d.op != r->op) {
            const struct row *o = row_of_op(d.op);
            fail("row %s: its match word %08x decodes as %s%s\n", r->name, w, ppc_op_name(d.op),
                 o ? " (an earlier row overlaps it)" : " (the slot table lost it)");
        }
    }
    /* Slot/table consistency on each row's words with all free bits set,
     * and pairwise overlaps that are not "specific row first". */
    for (size_t i = 0; i < NROWS; i++) {
        const struct row *r = &rows[i];
        for (size_t j = i + 1; j < NROWS; j++) {
            const struct row *s = &rows[j];
            if (s->primary != r->primary || ((r->match ^ s->match) & r->mask & s->mask))
                continue;
            /* Both match some word.  Fine only if r (first) is strictly
             * more specific: then s still owns the rest of its words. */
            check_count++;
            if ((r->mask & s->mask) != s->mask || r->mask == s->mask)
                fail("rows %s and %s overlap (mask %08x/%08x match %08x/%08x): %s can never "
                     "decode some of its words\n",
                     r->name, s->name, r->mask, s->mask, r->match, s->match, s->name);
        }
    }
}

/* ---------------------------------------------------------------- fields */

enum fld { K_END, K_RT, K_RA, K_RB, K_RC, K_F1, K_F2, K_IMM };
#define RT(x)   K_RT, (long long)(x)
#define RA(x)   K_RA, (long long)(x)
#define RB(x)   K_RB, (long long)(x)
#define RC(x)   K_RC, (long long)(x)
#define F1(x)   K_F1, (long long)(x)
#define F2(x)   K_F2, (long long)(x)
#define SIMM(x) K_IMM, (long long)(x)
#define UIMM(x) K_IMM, (long long)(uint64_t)(x)

static const char *skipped[512];
static unsigned nskipped, nskipped_cases;

static void skip(const char *mn)
{
    nskipped_cases++;
    for (unsigned i = 0; i < nskipped; i++)
        if (strcmp(skipped[i], mn) == 0)
            return;
    if (nskipped < sizeof(skipped) / sizeof(skipped[0]))
        skipped[nskipped++] = mn;
}

/* EXPECT(word, "assembly source", "mnemonic", fields...): `word` decodes to
 * `mnemonic` with the listed fields; unlisted fields are not checked. */
#define EXPECT(w, src, mn, ...) expect(__LINE__, w, src, mn, ##__VA_ARGS__, K_END)

static void expect(int line, uint32_t w, const char *src, const char *mn, ...)
{
    static const char *const names[] = {"", "rt", "ra", "rb", "rc", "f1", "f2", "imm"};
    struct insn d;
    va_list ap;
    enum fld k;

    if (!have_mnemonic(mn)) {
        skip(mn);
        return;
    }
    decode(w, &d);
    check_count++;
    if (strcmp(ppc_op_name(d.op), mn) != 0) {
        fail("%s:%d: %08x (%s) decodes as %s, expected %s\n", __FILE__, line, w, src,
             ppc_op_name(d.op), mn);
        return;
    }
    va_start(ap, mn);
    while ((k = (enum fld)va_arg(ap, int)) != K_END) {
        long long want = va_arg(ap, long long);
        uint64_t got = 0;
        switch (k) {
        case K_RT: got = d.rt; break;
        case K_RA: got = d.ra; break;
        case K_RB: got = d.rb; break;
        case K_RC: got = d.rc; break;
        case K_F1: got = d.f1; break;
        case K_F2: got = d.f2; break;
        case K_IMM: got = d.uimm; break;
        case K_END: break;
        }
        check_count++;
        if (got != (uint64_t)want)
            fail("%s:%d: %08x (%s): %s = 0x%" PRIx64 " (%" PRId64 "), expected 0x%" PRIx64
                 " (%lld)\n",
                 __FILE__, line, w, src, names[k], got, (int64_t)got, (uint64_t)want, want);
    }
    va_end(ap);
}

static void test_fields(void)
{
    /* D: rt ra simm (sign-extended) */
    EXPECT(0x8064FFF8, "lwz 3,-8(4)", "lwz", RT(3), RA(4), SIMM(-8));
    EXPECT(0x3BE18000, "addi 31,1,-32768", "addi", RT(31), RA(1), SIMM(-32768));
    EXPECT(0x38600005, "addi 3,0,5 (li 3,5)", "addi", RT(3), RA(0), SIMM(5));
    EXPECT(0x93FF8000, "stw 31,-32768(31)", "stw", RT(31), RA(31), SIMM(-32768));
    EXPECT(0x8860FFFF, "lbz 3,-1(0)", "lbz", RT(3), RA(0), SIMM(-1));
    EXPECT(0x341F0001, "addic. 0,31,1", "addic.", RT(0), RA(31), SIMM(1));
    EXPECT(0x1C228000, "mulli 1,2,-32768", "mulli", RT(1), RA(2), SIMM(-32768));
    /* DU: rt=RS ra=RA uimm (zero-extended) */
    EXPECT(0x6083FFFF, "ori 3,4,0xffff", "ori", RT(4), RA(3), UIMM(0xffff));
    EXPECT(0x60000000, "ori 0,0,0 (nop)", "ori", RT(0), RA(0), UIMM(0));
    EXPECT(0x73E08000, "andi. 0,31,0x8000", "andi.", RT(31), RA(0), UIMM(0x8000));
    EXPECT(0x6BE01234, "xori 0,31,0x1234", "xori", RT(31), RA(0), UIMM(0x1234));
    /* DSH: simm = SI << 16, sign-extended */
    EXPECT(0x3C60FFFF, "addis 3,0,-1 (lis 3,-1)", "addis", RT(3), RA(0), SIMM(-65536));
    EXPECT(0x3C857FFF, "addis 4,5,0x7fff", "addis", RT(4), RA(5), SIMM(0x7fff0000));
    EXPECT(0x3FE28000, "addis 31,2,-32768", "addis", RT(31), RA(2), SIMM(-0x80000000LL));
    /* DUSH: uimm = UI << 16, not sign-extended */
    EXPECT(0x6483FFFF, "oris 3,4,0xffff", "oris", RT(4), RA(3), UIMM(0xffff0000u));
    EXPECT(0x6C1F8000, "xoris 31,0,0x8000", "xoris", RT(0), RA(31), UIMM(0x80000000u));
    EXPECT(0x7483FFFF, "andis. 3,4,0xffff", "andis.", RT(4), RA(3), UIMM(0xffff0000u));
    /* DS: simm = DS << 2, sign-extended; XO in bits 30:31 */
    EXPECT(0xE864FFF8, "ld 3,-8(4)", "ld", RT(3), RA(4), SIMM(-8));
    EXPECT(0xE861FFF9, "ldu 3,-8(1)", "ldu", RT(3), RA(1), SIMM(-8));
    EXPECT(0xEBFF8002, "lwa 31,-32768(31)", "lwa", RT(31), RA(31), SIMM(-32768));
    EXPECT(0xFBE07FFC, "std 31,32764(0)", "std", RT(31), RA(0), SIMM(32764));
    EXPECT(0xF821FF81, "stdu 1,-128(1)", "stdu", RT(1), RA(1), SIMM(-128));
    EXPECT(0xF8858002, "stq 4,-32768(5)", "stq", RT(4), RA(5), SIMM(-32768));
    /* DQ: simm = DQ << 4 */
    EXPECT(0xE0C3FFF0, "lq 6,-16(3)", "lq", RT(6), RA(3), SIMM(-16));
    EXPECT(0xE3DF7FF0, "lq 30,32752(31)", "lq", RT(30), RA(31), SIMM(32752));
    /* X: raw rt ra rb */
    EXPECT(0x7FE0F82E, "lwzx 31,0,31", "lwzx", RT(31), RA(0), RB(31));
    EXPECT(0x7C832838, "and 3,4,5", "and", RT(4), RA(3), RB(5));
    EXPECT(0x7C832378, "or 3,4,4 (mr 3,4)", "or", RT(4), RA(3), RB(4));
    EXPECT(0x7C6428A8, "ldarx 3,4,5", "ldarx", RT(3), RA(4), RB(5));
    EXPECT(0x7FE000A6, "mfmsr 31", "mfmsr", RT(31));
    /* XO: rt ra rb; OE and Rc select the op */
    EXPECT(0x7C642A14, "add 3,4,5", "add", RT(3), RA(4), RB(5));
    EXPECT(0x7C1F0C51, "subfo. 0,31,1", "subfo.", RT(0), RA(31), RB(1));
    /* CMP: rt=BF f1=L */
    EXPECT(0x7FBF0000, "cmp 7,1,31,0", "cmp", RT(7), F1(1), RA(31), RB(0));
    EXPECT(0x7E053040, "cmpl 4,0,5,6", "cmpl", RT(4), F1(0), RA(5), RB(6));
    /* CMPI: simm sign-extended */
    EXPECT(0x2D248000, "cmpi 2,1,4,-32768", "cmpi", RT(2), F1(1), RA(4), SIMM(-32768));
    EXPECT(0x2FBFFFFF, "cmpi 7,1,31,-1", "cmpi", RT(7), F1(1), RA(31), SIMM(-1));
    /* CMPLI: uimm zero-extended */
    EXPECT(0x2BBFFFFF, "cmpli 7,1,31,65535", "cmpli", RT(7), F1(1), RA(31), UIMM(65535));
    EXPECT(0x29848000, "cmpli 3,0,4,32768", "cmpli", RT(3), F1(0), RA(4), UIMM(32768));
    /* TW / TWI: rt=TO */
    EXPECT(0x7C832008, "tw 4,3,4", "tw", RT(4), RA(3), RB(4));
    EXPECT(0x7D853088, "td 12,5,6", "td", RT(12), RA(5), RB(6));
    EXPECT(0x0F038000, "twi 24,3,-32768", "twi", RT(24), RA(3), SIMM(-32768));
    EXPECT(0x0BFF7FFF, "tdi 31,31,32767", "tdi", RT(31), RA(31), SIMM(32767));
    /* I: simm = LI (26-bit, sign-extended), f1 = AA */
    EXPECT(0x48000008, "b .+8", "b", SIMM(8), F1(0));
    EXPECT(0x4BFFFFFC, "b .-4", "b", SIMM(-4), F1(0));
    EXPECT(0x4A000000, "b .-0x2000000", "b", SIMM(-0x2000000), F1(0));
    EXPECT(0x48000102, "ba 0x100", "ba", SIMM(0x100), F1(1));
    EXPECT(0x49FFFFFD, "bl .+0x1fffffc", "bl", SIMM(0x1fffffc), F1(0));
    EXPECT(0x4BFFFFFF, "bla -4", "bla", SIMM(-4), F1(1));
    /* B: f1=BO f2=BI simm=BD rb=AA */
    EXPECT(0x4200FFE4, "bc 16,0,.-28 (bdnz .-28)", "bc", F1(16), F2(0), SIMM(-28), RB(0));
    EXPECT(0x41820008, "bc 12,2,.+8 (beq .+8)", "bc", F1(12), F2(2), SIMM(8), RB(0));
    EXPECT(0x408A8000, "bc 4,10,.-32768", "bc", F1(4), F2(10), SIMM(-32768), RB(0));
    EXPECT(0x429F0005, "bcl 20,31,.+4", "bcl", F1(20), F2(31), SIMM(4), RB(0));
    if (have_mnemonic("bca"))
        EXPECT(0x41827FFE, "bca 12,2,0x7ffc", "bca", F1(12), F2(2), SIMM(0x7ffc));
    else
        EXPECT(0x41827FFE, "bca 12,2,0x7ffc", "bc", F1(12), F2(2), SIMM(0x7ffc), RB(1));
    /* XLBR: f1=BO f2=BI rb=BH */
    EXPECT(0x4E800020, "bclr 20,0,0 (blr)", "bclr", F1(20), F2(0), RB(0));
    EXPECT(0x4C9E0820, "bclr 4,30,1", "bclr", F1(4), F2(30), RB(1));
    EXPECT(0x4C851C20, "bcctr 4,5,3", "bcctr", F1(4), F2(5), RB(3));
    EXPECT(0x4D870021, "bclrl 12,7", "bclrl", F1(12), F2(7), RB(0));
    EXPECT(0x4E000420, "bcctr 16,0 (CTR-decrementing form, spec/cpu.md 1.4)", "bcctr", F1(16),
           F2(0));
    /* XLCR: rt=BT ra=BA rb=BB */
    EXPECT(0x4FE07982, "crxor 31,0,15", "crxor", RT(31), RA(0), RB(15));
    /* MCRF: rt=BF ra=BFA */
    EXPECT(0x4F800000, "mcrf 7,0", "mcrf", RT(7), RA(0));
    EXPECT(0x4D940000, "mcrf 3,5", "mcrf", RT(3), RA(5));
    /* SC: f1=LEV */
    EXPECT(0x44000002, "sc", "sc", F1(0));
    EXPECT(0x44000022, "sc 1", "sc", F1(1));
    EXPECT(0x44000FE1, "scv 127", "scv", F1(127));
    /* MI: rt=RS ra=RA f1=SH uimm=MASK(MB+32, ME+32), wrapping */
    EXPECT(0x54C71838, "rlwinm 7,6,3,0,28 (slwi 7,6,3)", "rlwinm", RT(6), RA(7), F1(3),
           UIMM(0xfffffff8u));
    EXPECT(0x54832F84, "rlwinm 3,4,5,30,2", "rlwinm", RT(4), RA(3), F1(5),
           UIMM(0xffffffffe0000003ull));
    EXPECT(0x57FF841E, "rlwinm 31,31,16,16,15", "rlwinm", RT(31), RA(31), F1(16),
           UIMM(0xffffffffffffffffull));
    EXPECT(0x540007FF, "rlwinm. 0,0,0,31,31", "rlwinm.", F1(0), UIMM(1));
    EXPECT(0x501FFFC1, "rlwimi. 31,0,31,31,0", "rlwimi.", RT(0), RA(31), F1(31),
           UIMM(0xffffffff80000001ull));
    /* MR: rb=RB uimm=32-bit rotate mask */
    EXPECT(0x5C83283E, "rlwnm 3,4,5,0,31", "rlwnm", RT(4), RA(3), RB(5), UIMM(0xffffffffu));
    EXPECT(0x5C832A0F, "rlwnm. 3,4,5,8,7", "rlwnm.", RT(4), RA(3), RB(5),
           UIMM(0xffffffffffffffffull));
    /* MDL: f1=SH (sh5 in bit 30) uimm=MASK(MB,63) (mb5 in bit 26) */
    EXPECT(0x792AF082, "rldicl 10,9,62,2 (srdi 10,9,2)", "rldicl", RT(9), RA(10), F1(62),
           UIMM(0x3fffffffffffffffull));
    EXPECT(0x781F0860, "rldicl 31,0,1,33", "rldicl", RT(0), RA(31), F1(1), UIMM(0x7fffffffu));
    EXPECT(0x78C50842, "rldicl 5,6,33,1", "rldicl", RT(6), RA(5), F1(33),
           UIMM(0x7fffffffffffffffull));
    /* MDR: uimm=MASK(0,ME) */
    EXPECT(0x7883F806, "rldicr 3,4,63,0", "rldicr", RT(4), RA(3), F1(63),
           UIMM(0x8000000000000000ull));
    EXPECT(0x79072A24, "rldicr 7,8,5,40", "rldicr", RT(8), RA(7), F1(5),
           UIMM(0xffffffffff800000ull));
    /* MDC: uimm=MASK(MB,63-SH), wrapping */
    EXPECT(0x7883450A, "rldic 3,4,40,20", "rldic", RT(4), RA(3), F1(40),
           UIMM(0x00000f0000000000ull));
    EXPECT(0x7949086A, "rldic 9,10,33,33", "rldic", RT(10), RA(9), F1(33),
           UIMM(0xfffffffe7fffffffull));
    EXPECT(0x7883000E, "rldimi 3,4,32,0", "rldimi", RT(4), RA(3), F1(32),
           UIMM(0xffffffff00000000ull));
    EXPECT(0x781FF86F, "rldimi. 31,0,63,33", "rldimi.", RT(0), RA(31), F1(63),
           UIMM(0x800000007fffffffull));
    /* MDSL / MDSR: rb=RB */
    EXPECT(0x78832FF0, "rldcl 3,4,5,63", "rldcl", RT(4), RA(3), RB(5), UIMM(1));
    EXPECT(0x781FF871, "rldcl. 31,0,31,33", "rldcl.", RT(0), RA(31), RB(31), UIMM(0x7fffffffu));
    EXPECT(0x78832812, "rldcr 3,4,5,0", "rldcr", RT(4), RA(3), RB(5), UIMM(0x8000000000000000ull));
    EXPECT(0x781FF833, "rldcr. 31,0,31,32", "rldcr.", RT(0), RA(31), RB(31),
           UIMM(0xffffffff80000000ull));
    /* XS: f1 = 6-bit SH (sh5 in bit 30) */
    EXPECT(0x7C830676, "sradi 3,4,32", "sradi", RT(4), RA(3), F1(32));
    EXPECT(0x7C83FE77, "sradi. 3,4,63", "sradi.", RT(4), RA(3), F1(63));
    EXPECT(0x7C1F0E76, "sradi 31,0,33", "sradi", RT(0), RA(31), F1(33));
    EXPECT(0x7C8306F6, "extswsli 3,4,32", "extswsli", RT(4), RA(3), F1(32));
    /* XSH: f1 = 5-bit SH */
    EXPECT(0x7C83FE70, "srawi 3,4,31", "srawi", RT(4), RA(3), F1(31));
    EXPECT(0x7C1F8671, "srawi. 31,0,16", "srawi.", RT(0), RA(31), F1(16));
    /* SPR: halves of the spr field swapped back */
    EXPECT(0x7C7F42A6, "mfspr 3,287 (mfpvr 3)", "mfspr", RT(3), UIMM(287));
    EXPECT(0x7FFFFAA6, "mfspr 31,1023", "mfspr", RT(31), UIMM(1023));
    EXPECT(0x7C12DBA6, "mtspr 882,0", "mtspr", RT(0), UIMM(882));
    EXPECT(0x7C6803A6, "mtspr 8,3 (mtlr 3)", "mtspr", RT(3), UIMM(8));
    EXPECT(0x7C6102A6, "mfspr 3,1 (mfxer 3)", "mfspr", RT(3), UIMM(1));
    EXPECT(0x7C6C42A6, "mfspr 3,268 (mftb 3)", "mfspr", RT(3), UIMM(268));
    /* legacy mftb 31/371: objdump -M power9 rejects it, checked if present */
    EXPECT(0x7C6C42E6, "mftb 3,268 (XO 371)", "mftb", RT(3), UIMM(268));
    /* CRM: f1=FXM f2=bit 11 */
    EXPECT(0x7C600026, "mfcr 3", "mfcr", RT(3), F2(0));
    EXPECT(0x7CA81120, "mtcrf 0x81,5", "mtcrf", RT(5), F1(0x81), F2(0));
    EXPECT(0x7C6FF120, "mtcrf 0xff,3 (mtcr 3)", "mtcrf", RT(3), F1(0xff), F2(0));
    if (have_mnemonic("mfocrf")) {
        EXPECT(0x7C780026, "mfocrf 3,0x80", "mfocrf", RT(3), F1(0x80), F2(1));
        EXPECT(0x7C701120, "mtocrf 0x01,3", "mtocrf", RT(3), F1(0x01), F2(1));
    } else {
        EXPECT(0x7C780026, "mfocrf 3,0x80", "mfcr", RT(3), F1(0x80), F2(1));
        EXPECT(0x7C701120, "mtocrf 0x01,3", "mtcrf", RT(3), F1(0x01), F2(1));
    }
    /* ISEL: rc=BC */
    EXPECT(0x7C64289E, "isel 3,4,5,2", "isel", RT(3), RA(4), RB(5), RC(2));
    EXPECT(0x7C602FDE, "isel 3,0,5,31", "isel", RT(3), RA(0), RB(5), RC(31));
    EXPECT(0x7FFEE81E, "isel 31,30,29,0", "isel", RT(31), RA(30), RB(29), RC(0));
    /* MTMSR: f1=L (bit 15) */
    EXPECT(0x7C610164, "mtmsrd 3,1", "mtmsrd", RT(3), F1(1));
    EXPECT(0x7FE00164, "mtmsrd 31,0", "mtmsrd", RT(31), F1(0));
    EXPECT(0x7C610124, "mtmsr 3,1", "mtmsr", RT(3), F1(1));
    /* SYNC: f1=L (bits 9:10) */
    if (have_mnemonic("sync")) {
        EXPECT(0x7C0004AC, "sync 0 (hwsync)", "sync", F1(0));
        EXPECT(0x7C2004AC, "sync 1 (lwsync)", "sync", F1(1));
        EXPECT(0x7C4004AC, "sync 2 (ptesync)", "sync", F1(2));
    } else {
        EXPECT(0x7C0004AC, "sync 0", "hwsync");
        EXPECT(0x7C2004AC, "sync 1", "lwsync");
        EXPECT(0x7C4004AC, "sync 2", "ptesync");
    }
    /* TLBIE: rt=RS rb=RB f1=RIC f2=PRS<<1|R */
    EXPECT(0x7C8B1A64, "tlbie 3,4,2,1,1", "tlbie", RB(3), RT(4), F1(2), F2(3));
    EXPECT(0x7C801A64, "tlbie 3,4", "tlbie", RB(3), RT(4), F1(0), F2(0));
    EXPECT(0x7C0EFA24, "tlbiel 31,0,3,1,0", "tlbiel", RB(31), RT(0), F1(3), F2(2));
    /* DX: simm = D << 16 (D = d0 || d1 || d2) */
    EXPECT(0x4C620005, "addpcis 3,5", "addpcis", RT(3), SIMM(5 << 16));
    EXPECT(0x4FFFFFC5, "addpcis 31,-1", "addpcis", RT(31), SIMM(-65536));
    EXPECT(0x4C1F7FC5, "addpcis 0,32767", "addpcis", RT(0), SIMM(32767LL << 16));
    EXPECT(0x4CE08004, "addpcis 7,-32768", "addpcis", RT(7), SIMM(-0x80000000LL));
    EXPECT(0x4D1A1204, "addpcis 8,0x1234", "addpcis", RT(8), SIMM(0x12340000));
    /* Z23: f1=CY */
    EXPECT(0x7C642954, "addex 3,4,5,0", "addex", RT(3), RA(4), RB(5), F1(0));
    /* (CY=1..3 are reserved in ISA 3.0B: not checked either way.) */
    EXPECT(0x7FE0F954, "addex 31,0,31,0", "addex", RT(31), RA(0), RB(31), F1(0));
    /* VA: rc=RC */
    EXPECT(0x13DDE6F3, "maddld 30,29,28,27", "maddld", RT(30), RA(29), RB(28), RC(27));
    EXPECT(0x106429B0, "maddhd 3,4,5,6", "maddhd", RT(3), RA(4), RB(5), RC(6));
    EXPECT(0x101F0FF1, "maddhdu 0,31,1,31", "maddhdu", RT(0), RA(31), RB(1), RC(31));
    /* DARN: f1=L */
    EXPECT(0x7FE205E6, "darn 31,2", "darn", RT(31), F1(2));
    EXPECT(0x7C6005E6, "darn 3,0", "darn", RT(3), F1(0));
    /* SETB: ra=BFA */
    EXPECT(0x7FFC0100, "setb 31,7", "setb", RT(31), RA(7));
    EXPECT(0x7C600100, "setb 3,0", "setb", RT(3), RA(0));
    /* MCRXRX: rt=BF */
    EXPECT(0x7F800480, "mcrxrx 7", "mcrxrx", RT(7));
    /* XNB: rb=NB (0 means 32) */
    EXPECT(0x7D4504AA, "lswi 10,5,0 (NB=32)", "lswi", RT(10), RA(5), RB(0));
    EXPECT(0x7C6445AA, "stswi 3,4,8", "stswi", RT(3), RA(4), RB(8));
    /* operand-less */
    EXPECT(0x4C000024, "rfid", "rfid");
    EXPECT(0x4C00012C, "isync", "isync");
    EXPECT(0x7C0006AC, "eieio", "eieio");
}

/* --------------------------------------------------------------- illegal */

static void expect_illegal(uint32_t w, const char *why)
{
    struct insn d;
    decode(w, &d);
    check_count++;
    if (d.op != OP_illegal)
        fail("%08x (%s) decodes as %s, expected illegal\n", w, why, ppc_op_name(d.op));
}

static void test_illegal(void)
{
    static const unsigned bad_primary[] = {0, 1, 5, 9, 22};
    /* Extended opcodes no instruction of any ISA level uses (objdump -M any
     * and -M power10 both refuse them with every operand filling). */
    static const unsigned bad_xo31[] = {1, 2, 3, 5, 33, 65, 129, 161, 257, 513, 1021};
    static const unsigned bad_xo19[] = {1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100, 1023};
    static const uint32_t fills[] = {0, 0x03fff800, 0x00a62000, 0x03ffffff & ~0x7ffu};
    char why[64];

    expect_illegal(0x00000000, "all zeros");
    expect_illegal(0x00000200, "attn (opcode 0)");
    expect_illegal(0xfc000002, "opcode 63 XO 1");
    for (unsigned i = 0; i < sizeof(bad_primary) / sizeof(bad_primary[0]); i++)
        for (uint32_t low = 0; low < (1u << 26); low += 0x12345)
            expect_illegal((bad_primary[i] << 26) | low, "unassigned primary opcode");
    for (unsigned f = 0; f < sizeof(fills) / sizeof(fills[0]); f++)
        for (unsigned rc = 0; rc < 2; rc++) {
            for (unsigned i = 0; i < sizeof(bad_xo31) / sizeof(bad_xo31[0]); i++) {
                snprintf(why, sizeof(why), "opcode 31 XO %u", bad_xo31[i]);
                expect_illegal((31u << 26) | fills[f] | (bad_xo31[i] << 1) | rc, why);
            }
            for (unsigned i = 0; i < sizeof(bad_xo19) / sizeof(bad_xo19[0]); i++) {
                snprintf(why, sizeof(why), "opcode 19 XO %u", bad_xo19[i]);
                expect_illegal((19u << 26) | fills[f] | (bad_xo19[i] << 1) | rc, why);
            }
        }

    /* Reserved bits set must not make a word illegal (spec/cpu.md 1.4). */
    EXPECT(0x7E0006AC, "eieio with IBM bit 6 set (Linux STF_BARRIER_EIEIO)", "eieio");
    EXPECT(0x63FF0000, "ori 31,31,0 (speculation barrier)", "ori", RT(31), RA(31), UIMM(0));
    EXPECT(0x7FFFFB78, "or 31,31,31 (priority hint)", "or", RT(31), RA(31), RB(31));
}

/* ------------------------------------------------------------ robustness */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rand32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static unsigned nbad_words;

static void robust_one(uint32_t w)
{
    struct insn d;
    unsigned want;
    char buf[96], tiny[6];

    ppc_decode(w, &d);
    want = ref_decode(w);
    check_count++;
    if (d.op >= OP_COUNT || d.op == OP_decode || d.op == OP_page_end || d.op != want || d.handler ||
        (d.op != OP_illegal && !row_matches(row_of_op(d.op), w)) || d.rt > 63 || d.ra > 63 ||
        d.rb > 63 || d.rc > 63) { /* VSR numbers reach 63 (forms.def) */
        check_failures++;
        if (nbad_words++ < 20)
            fprintf(stderr, "%08x decodes as op %u (%s), the table says %s\n", w, d.op,
                    ppc_op_name(d.op), ppc_op_name(want));
    }
    ppc_disasm(w, buf, sizeof(buf));
    ppc_disasm(w, tiny, sizeof(tiny));
    check_count++;
    if (d.op == OP_illegal ? strncmp(buf, ".long", 5) != 0
                           : strncmp(buf, ppc_op_name(d.op), strlen(ppc_op_name(d.op))) != 0 ||
                                 strlen(tiny) >= sizeof(tiny)) {
        check_failures++;
        if (nbad_words++ < 20)
            fprintf(stderr, "%08x: ppc_disasm says \"%s\" / \"%s\" for %s\n", w, buf, tiny,
                    ppc_op_name(d.op));
    }
}

static void test_robust(void)
{
    static const uint32_t fills[] = {0, 0x03fff800, 0x03e00000, 0x001f0000, 0x0000f800, 0x00a62000};
    unsigned n = 0;

    for (uint32_t p = 0; p < 64; p++)
        for (uint32_t xo = 0; xo < 1024; xo++)
            for (uint32_t rc = 0; rc < 2; rc++)
                for (unsigned f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
                    robust_one((p << 26) | fills[f] | (xo << 1) | rc);
                    robust_one((p << 26) | (rand32() & 0x03fff800) | (xo << 1) | rc);
                    n += 2;
                }
    for (unsigned i = 0; i < 4000000; i++, n++)
        robust_one(rand32());
    /* every row with random free bits: the robustness checks above, on
     * words that actually hit the table */
    for (size_t i = 0; i < NROWS; i++)
        for (unsigned k = 0; k < 256; k++, n++)
            robust_one((rows[i].primary << 26) | rows[i].match |
                       (rand32() & ~rows[i].mask & 0x03ffffffu));
    if (nbad_words > 20)
        fprintf(stderr, "... %u bad words in all\n", nbad_words);
    printf("decode: %u words decoded and compared with a scan of the %zu table rows\n", n,
           (size_t)NROWS);
}

int main(void)
{
    for (size_t i = 0; i < NROWS; i++)
        if (rows[i].primary < 64)
            rows_by_primary[rows[i].primary][nrows_by_primary[rows[i].primary]++] = (unsigned)i;

    test_tables();
    test_fields();
    test_illegal();
    test_robust();
    if (nskipped) {
        printf("decode: %u field case(s) skipped, mnemonics not in the tables yet:",
               nskipped_cases);
        for (unsigned i = 0; i < nskipped; i++)
            printf(" %s", skipped[i]);
        printf("\n");
    }
    return check_summary("decode");
}
