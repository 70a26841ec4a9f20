/*
 * Vector generator for the differential ISA tests (README.md).
 *
 * Every vector is a pure function of (seed, index, byte order): the
 * writer that feeds qemu-user and the checker that replays in petrel
 * generate the same vectors independently.  Vectors [0, n_directed) are
 * directed: one instruction from the decode tables on every pair of
 * corner operand values.  The rest are random sequences of up to
 * ISA_MAX_INSN instructions drawn uniformly from the enabled rows, with
 * operands filled per row so that:
 *   - r1 is never an operand (it holds the harness context pointer);
 *   - loads and stores only touch the memory block: a base register is
 *     one whose value is still known (never written, or written by an
 *     update form), or a register not used yet whose initial value is
 *     then chosen to make the effective address land in the block;
 *   - branches only go forward, to a later instruction or to the end
 *     (so every sequence terminates); bclr/bcctr/bctar targets are
 *     planted in LR/CTR/TAR while nothing else has used them;
 *   - invalid instruction forms and undefined cases the architecture
 *     leaves open are not generated, except the known differences of
 *     known-differences.txt, which are masked (and end the sequence);
 *   - larx/stcx. pairs are exact (same address and size, nothing stored
 *     in between), or stcx. runs with no reservation at all.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "vmm/cpu/interp/fpu.h"
#include "vmm/cpu/interp/ppc.h"

const struct isa_row isa_rows[] = {
#define INSN(name, mn, f, p, m, x) {OP_##name, #name, mn, F_##f, p, m, x},
#include "vmm/cpu/interp/ops_all.def"
#undef INSN
};
const unsigned isa_nrows = sizeof(isa_rows) / sizeof(isa_rows[0]);

const char *const isa_kd_names[KD_COUNT] = {
    [KD_MULHW_HIGH] = "mulhw-high",
    [KD_DIV_INVALID] = "div-invalid",
    [KD_DIVWE_HIGH] = "divwe-high",
    [KD_DIVDE_OVF] = "divde-overflow",
    [KD_DCBF_L3] = "dcbflp",
    [KD_STQCX] = "stqcx-fails",
    [KD_XER_RES] = "xer-reserved",
    [KD_TAR_LOW] = "tar-low-bits",
    [KD_VRSAVE_HIGH] = "vrsave-high",
    [KD_BCCTR_DEC] = "bcctr-decrement",
    [KD_FPSCR_FR] = "fpscr-fr",
    [KD_FP_ENABLED_RESULT] = "fp-enabled-result",
    [KD_FPSCR_FX] = "fpscr-fx",
    [KD_FNM_ROUND] = "fnm-directed-rounding",
    [KD_FCFID_FPRF] = "fcfid-inexact-fprf",
    [KD_XSSP_ROUND] = "xssp-double-rounding",
    [KD_XVCV_STICKY] = "xvcv-invalid-sticky",
    [KD_VRLMI] = "vrlmi-insert",
    [KD_FCMP_FI] = "fcmp-clears-fi",
    [KD_VMX_ESTIMATE] = "vmx-estimates",
    [KD_VSCR_RESERVED] = "vscr-reserved",
    [KD_SINGLE_FPRF] = "single-fprf-denormal",
    [KD_FP_TRAP_CR1] = "fp-trap-cr1",
    [KD_XV_FRFI] = "xv-clears-fr-fi",
    [KD_FP_ESTIMATE] = "fp-estimates",
    [KD_FPSCR_NI] = "fpscr-ni",
    [KD_XVCMP_VE] = "xvcmp-enabled-invalid",
    [KD_VSX_MAXMIN] = "vsx-maxmin",
    [KD_MADD_IMZ_SNAN] = "madd-imz-snan",
    [KD_REF_CONTEXT] = "reference-context",
    [KD_XSRQP_RN] = "xsrqp-current-mode",
    [KD_XSTSTDCSP_TINY] = "xststdcsp-tiny",
    [KD_NMSUBQPO] = "xsnmsubqpo-rounding",
};

int isa_row_find(const char *name)
{
    for (unsigned i = 0; i < isa_nrows; i++)
        if (!strcmp(isa_rows[i].name, name))
            return (int)i;
    return -1;
}

/* ---- random numbers: splitmix64 ---- */

struct rng {
    uint64_t s;
};

static uint64_t rnext(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned rbelow(struct rng *r, unsigned n)
{
    return (unsigned)(rnext(r) % n);
}

static int rchance(struct rng *r, unsigned pct)
{
    return rbelow(r, 100) < pct;
}

/* Signed value in [lo, hi]. */
static int64_t rrange(struct rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rnext(r) % (uint64_t)(hi - lo + 1));
}

/* ---- operand values ---- */

static const uint64_t corners[] = {
    0,
    1,
    2,
    3,
    ~0ull,
    ~1ull,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffff,
    0x80000000,
    0x80000001,
    0xfffffffe,
    0xffffffff,
    0x100000000,
    0x1ffffffff,
    0xffffffff80000000,
    0xffffffff7fffffff,
    0xffffffff00000000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0x8000000000000001,
    0x80000000ffffffff,
    0x7fffffff80000000,
    0x00000000ffff0000,
    31,
    32,
    33,
    63,
    64,
    65,
    127,
    128,
    0x5555555555555555,
    0xaaaaaaaaaaaaaaaa,
    0x0123456789abcdef,
    0xfedcba9876543210,
};
#define NCORNERS (sizeof(corners) / sizeof(corners[0]))

/* The directed vectors' operand values: every pair of these. */
static const uint64_t dcorners[] = {
    0,
    1,
    ~0ull,
    2,
    32,
    63,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000,
    0xffffffff80000000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0x8000000000000001,
    0x0123456789abcdef,
    0xfedcba9876543210,
};
#define NDCORNERS (sizeof(dcorners) / sizeof(dcorners[0]))

static uint64_t rand_value(struct rng *r)
{
    switch (rbelow(r, 10)) {
    case 0:
    case 1:
    case 2: return corners[rbelow(r, NCORNERS)];
    case 3: return (uint64_t)rrange(r, -16, 16);
    case 4: return (uint64_t)(int64_t)(int32_t)rnext(r);
    case 5: return (uint32_t)rnext(r);
    case 6: return corners[rbelow(r, NCORNERS)] + (uint64_t)rrange(r, -2, 2);
    case 7: {
        uint64_t b = 1ull << rbelow(r, 64);
        return rchance(r, 50) ? b : ~b;
    }
    default: return rnext(r);
    }
}

/* A 16-bit immediate, corner values often. */
static uint32_t rand_imm16(struct rng *r)
{
    static const uint16_t c[] = {0, 1, 2, 0x7fff, 0x8000, 0x8001, 0xffff, 0xfffe, 0x00ff, 0xff00};
    if (rchance(r, 35))
        return c[rbelow(r, sizeof(c) / sizeof(c[0]))];
    if (rchance(r, 30))
        return (uint32_t)rrange(r, -16, 16) & 0xffff;
    return (uint32_t)rnext(r) & 0xffff;
}

/* Shift/rotate amounts: the edges often. */
static unsigned rand_sh(struct rng *r, unsigned bits)
{
    unsigned n = 1u << bits;
    if (rchance(r, 30)) {
        static const unsigned c[] = {0, 1, 31, 32, 33, 63};
        unsigned v = c[rbelow(r, 6)];
        if (v < n)
            return v;
    }
    return rbelow(r, n);
}

/* ---- row classification ---- */

enum group {
    G_NONE,
    G_ALU3,  /* RT <- f(RA, RB) */
    G_ALU2,  /* RT <- f(RA) */
    G_ALUI,  /* RT <- f(RA, SI) */
    G_ADDI,  /* RT <- (RA|0) + SI */
    G_LOGI,  /* RA <- f(RS, UI) */
    G_LOG3,  /* RA <- f(RS, RB) */
    G_LOG2,  /* RA <- f(RS) */
    G_MADD,  /* RT <- f(RA, RB, RC) */
    G_RLWI,  /* rlwinm rlwimi */
    G_RLWNM, /* rlwnm */
    G_RLDI,  /* rldicl rldicr rldic rldimi */
    G_RLDC,  /* rldcl rldcr */
    G_SRAWI,
    G_XS, /* sradi extswsli */
    G_CMPI,
    G_CMP,
    G_TW,
    G_TWI,
    G_ISEL,
    G_SETB,
    G_ADDPCIS,
    G_ADDEX,
    G_B,
    G_BC,
    G_BCLR,
    G_BCCTR,
    G_BCTAR,
    G_CRLOG,
    G_MCRF,
    G_MFCR,
    G_MTCRF,
    G_MCRXRX,
    G_LOAD,
    G_STORE,
    G_LQ,
    G_STQ,
    G_LMW,
    G_STMW,
    G_LSWI,
    G_LSWX,
    G_STSWI,
    G_STSWX,
    G_LARX,
    G_STCX,
    G_LQARX,
    G_STQCX,
    G_CACHE,
    G_DCBZ,
    G_MFSPR,
    G_MTSPR,
    G_SYNC,
    G_NOOPS, /* isync eieio */
    G_VREG,  /* FP / VMX / VSX on registers only */
    G_VGPR,  /* GPR <-> vector moves, vector ops with GPR operands */
    G_VMEM,  /* FP / VMX / VSX loads and stores */
    G_VLEN,  /* lxvl stxvl lxvll stxvll */
};

struct opinfo {
    uint8_t group;
    uint8_t size;   /* memory access size */
    uint8_t update; /* update form */
    uint8_t rc;     /* Rc = 1 */
    uint8_t div;    /* a divide or modulo: 1 word signed ... (see div_invalid) */
    uint8_t store;  /* G_VMEM: a store */
    uint8_t align;  /* G_VMEM: EA alignment to generate */
};
static struct opinfo opinfo[OP_COUNT];

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static int name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list))
            return 1;
    return 0;
}

/* The base name of a row: without _rc and, for XO forms, the OE "o". */
static void base_name(const struct isa_row *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s", r->name);
    if (ends_with(buf, "_rc"))
        buf[strlen(buf) - 3] = 0;
    if (r->form == F_XO && (r->match & XO_OE) && ends_with(buf, "o"))
        buf[strlen(buf) - 1] = 0;
}

static unsigned mem_size(const char *n)
{
    char c = n[0] == 's' ? n[2] : n[1];
    switch (c) {
    case 'b': return 1;
    case 'h': return 2;
    case 'w': return 4;
    case 'd': return 8;
    default: return 0;
    }
}

static void classify_fpvec(const struct isa_row *r, struct opinfo *o, const char *b);

static void classify(void)
{
    static const char *const alu3[] = {
        "add",    "subf",   "addc",   "subfc", "adde",  "subfe", "mullw", "mulld", "mulhw",
        "mulhwu", "mulhd",  "mulhdu", "divw",  "divwu", "divd",  "divdu", "divwe", "divweu",
        "divde",  "divdeu", "modsw",  "moduw", "modsd", "modud", NULL};
    static const char *const alu2[] = {"addme", "subfme", "addze", "subfze", "neg", NULL};
    static const char *const alui[] = {"addic", "subfic", "mulli", NULL};
    static const char *const logi[] = {"andi", "ori", "xori", "andis", "oris", "xoris", NULL};
    static const char *const log3[] = {"and", "andc", "or",   "orc",    "xor",  "nand",
                                       "nor", "eqv",  "slw",  "srw",    "sraw", "sld",
                                       "srd", "srad", "cmpb", "bpermd", NULL};
    static const char *const log2[] = {"extsb",  "extsh",  "extsw",   "cntlzw",  "cntlzd",
                                       "cnttzw", "cnttzd", "popcntb", "popcntw", "popcntd",
                                       "prtyw",  "prtyd",  NULL};
    static const char *const madd[] = {"maddhd", "maddhdu", "maddld", NULL};
    static const char *const cache[] = {"dcbst", "dcbf", "dcbt", "dcbtst", "icbi", "icbt", NULL};
    static const char *const larx[] = {"lbarx", "lharx", "lwarx", "ldarx", NULL};
    static const char *const stcx[] = {"stbcx", "sthcx", "stwcx", "stdcx", NULL};
    static const struct {
        const char *name;
        enum group g;
    } single[] = {
        {"addi", G_ADDI},    {"addis", G_ADDI},   {"rlwinm", G_RLWI},
        {"rlwimi", G_RLWI},  {"rlwnm", G_RLWNM},  {"rldicl", G_RLDI},
        {"rldicr", G_RLDI},  {"rldic", G_RLDI},   {"rldimi", G_RLDI},
        {"rldcl", G_RLDC},   {"rldcr", G_RLDC},   {"srawi", G_SRAWI},
        {"sradi", G_XS},     {"extswsli", G_XS},  {"cmpi", G_CMPI},
        {"cmpli", G_CMPI},   {"cmp", G_CMP},      {"cmpl", G_CMP},
        {"cmprb", G_CMP},    {"cmpeqb", G_CMP},   {"tw", G_TW},
        {"td", G_TW},        {"twi", G_TWI},      {"tdi", G_TWI},
        {"isel", G_ISEL},    {"setb", G_SETB},    {"addpcis", G_ADDPCIS},
        {"addex", G_ADDEX},  {"b", G_B},          {"ba", G_B},
        {"bl", G_B},         {"bla", G_B},        {"bc", G_BC},
        {"bcl", G_BC},       {"bclr", G_BCLR},    {"bclrl", G_BCLR},
        {"bcctr", G_BCCTR},  {"bcctrl", G_BCCTR}, {"bctar", G_BCTAR},
        {"bctarl", G_BCTAR}, {"crand", G_CRLOG},  {"crandc", G_CRLOG},
        {"creqv", G_CRLOG},  {"crnand", G_CRLOG}, {"crnor", G_CRLOG},
        {"cror", G_CRLOG},   {"crorc", G_CRLOG},  {"crxor", G_CRLOG},
        {"mcrf", G_MCRF},    {"mfcr", G_MFCR},    {"mfocrf", G_MFCR},
        {"mtcrf", G_MTCRF},  {"mtocrf", G_MTCRF}, {"mcrxrx", G_MCRXRX},
        {"lq", G_LQ},        {"stq", G_STQ},      {"lmw", G_LMW},
        {"stmw", G_STMW},    {"lswi", G_LSWI},    {"lswx", G_LSWX},
        {"stswi", G_STSWI},  {"stswx", G_STSWX},  {"lqarx", G_LQARX},
        {"stqcx", G_STQCX},  {"dcbz", G_DCBZ},    {"mfspr", G_MFSPR},
        {"mtspr", G_MTSPR},  {"sync", G_SYNC},    {"isync", G_NOOPS},
        {"eieio", G_NOOPS},  {"dss", G_NOOPS},    {"dssall", G_NOOPS},
    };

    for (unsigned i = 0; i < isa_nrows; i++) {
        const struct isa_row *r = &isa_rows[i];
        struct opinfo *o = &opinfo[r->op];
        char b[32];

        base_name(r, b, sizeof(b));
        o->rc = ends_with(r->name, "_rc") || !strcmp(r->mn + strlen(r->mn) - 1, ".");
        if (name_in(b, alu3))
            o->group = G_ALU3;
        else if (name_in(b, alu2))
            o->group = G_ALU2;
        else if (name_in(b, alui))
            o->group = G_ALUI;
        else if (name_in(b, logi))
            o->group = G_LOGI;
        else if (name_in(b, log3))
            o->group = G_LOG3;
        else if (name_in(b, log2))
            o->group = G_LOG2;
        else if (name_in(b, madd))
            o->group = G_MADD;
        else if (name_in(b, cache))
            o->group = G_CACHE;
        else if (name_in(b, larx))
            o->group = G_LARX, o->size = (uint8_t)mem_size(b);
        else if (name_in(b, stcx))
            o->group = G_STCX, o->size = (uint8_t)mem_size(b);
        else {
            for (unsigned k = 0; k < sizeof(single) / sizeof(single[0]); k++)
                if (!strcmp(b, single[k].name))
                    o->group = (uint8_t)single[k].g;
        }
        if (o->group == G_NONE && (b[0] == 'l' || (b[0] == 's' && b[1] == 't'))) {
            /* plain loads and stores: l[bhwd]..., st[bhwd]... */
            unsigned sz = mem_size(b);
            if (sz) {
                o->group = b[0] == 'l' ? G_LOAD : G_STORE;
                o->size = (uint8_t)sz;
                o->update = ends_with(b, "ux") || ends_with(b, "u");
            }
        }
        if (o->group == G_NONE)
            classify_fpvec(r, o, b);
        if (!strncmp(b, "div", 3) || !strncmp(b, "mod", 3))
            o->div = 1;
        if (o->group == G_LQ || o->group == G_STQ || o->group == G_LQARX || o->group == G_STQCX)
            o->size = 16;
    }
}

static int classified;

static void classify_once(void)
{
    if (!classified) {
        classify();
        classified = 1;
    }
}

/* ---- lists ---- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

int isa_config_load(struct isa_config *c, const char *dir, int le)
{
    char path[4096], line[1024];
    FILE *f;
    int lineno;

    classify_once();
    memset(c, 0, sizeof(*c));
    c->le = le;
    for (unsigned i = 0; i < isa_nrows; i++)
        c->row_enabled[isa_rows[i].op] = opinfo[isa_rows[i].op].group != G_NONE;

    snprintf(path, sizeof(path), "%s/excluded-rows.txt", dir);
    f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    for (lineno = 1; fgets(line, sizeof(line), f); lineno++) {
        char name[64], where[16];
        char *s = trim(line);
        int i;
        if (!*s || *s == '#' || isspace((unsigned char)line[0]))
            continue;
        if (sscanf(s, "%63s %15s", name, where) != 2 ||
            (strcmp(where, "both") && strcmp(where, "be") && strcmp(where, "le"))) {
            fprintf(stderr, "%s:%d: expected `row be|le|both reason`\n", path, lineno);
            fclose(f);
            return -1;
        }
        if ((i = isa_row_find(name)) < 0) {
            fprintf(stderr, "%s:%d: no row `%s` in the decode tables\n", path, lineno, name);
            fclose(f);
            return -1;
        }
        if (!strcmp(where, "both") || !strcmp(where, le ? "le" : "be"))
            c->row_enabled[isa_rows[i].op] = false;
    }
    fclose(f);
    /* A row the generator cannot fill must be excluded explicitly. */
    for (unsigned i = 0; i < isa_nrows; i++)
        if (c->row_enabled[isa_rows[i].op] && opinfo[isa_rows[i].op].group == G_NONE) {
            fprintf(stderr, "row `%s` has no generator and is not in excluded-rows.txt\n",
                    isa_rows[i].name);
            return -1;
        }

    snprintf(path, sizeof(path), "%s/known-differences.txt", dir);
    f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    for (lineno = 1; fgets(line, sizeof(line), f); lineno++) {
        char key[64];
        char *s = trim(line);
        int k;
        if (!*s || *s == '#' || isspace((unsigned char)line[0]))
            continue; /* indented lines continue the reason */
        if (sscanf(s, "%63s", key) != 1)
            continue;
        for (k = 0; k < KD_COUNT; k++)
            if (!strcmp(key, isa_kd_names[k]))
                break;
        if (k == KD_COUNT) {
            fprintf(stderr, "%s:%d: unknown key `%s`\n", path, lineno, key);
            fclose(f);
            return -1;
        }
        c->kd_enabled[k] = true;
    }
    fclose(f);
    c->n_directed = isa_directed_count(c);
    return 0;
}

/* ---- generator state ---- */

struct g {
    struct rng r;
    const struct isa_config *c;
    struct isa_vec *v;
    struct isa_meta *m;
    unsigned n;   /* planned length */
    unsigned pos; /* instruction being generated */
    uint64_t val[32];
    uint8_t known[32]; /* val[] is the register's value at pos */
    uint8_t used[32];  /* the initial value can no longer change */
    uint8_t skippable[ISA_MAX_INSN + 1];
    uint8_t hot[8];
    unsigned nhot;
    uint8_t vhot[8]; /* hot VSRs */
    unsigned nvhot;
    uint8_t rn_directed; /* FPSCR[RN] may be +inf or -inf */
    uint8_t mask_nm;
    uint64_t vsr_written; /* VSRs an earlier row may have written (differ from in.vsr) */
    /* Special registers: used = read or written already. */
    uint8_t lr_used, ctr_used, tar_used, bc_used, bc_dirty;
    /* Reservation: 0 none (certain), 1 live and exact, 2 uncertain. */
    uint8_t resv_state;
    uint8_t resv_size;
    uint8_t resv_ra, resv_rb; /* the larx's address registers */
    uint8_t last_size;        /* the last larx's size and address, even */
    uint64_t last_ea;         /* after its reservation is gone */
    uint64_t resv_ea;
    uint8_t end; /* stop after this instruction (masked result) */
    /* Per instruction, scratch. */
    uint32_t w;
};

#define POOL_ANY 0xfffffffdu /* every register but r1 */

static unsigned pick_reg(struct g *g, uint32_t allowed)
{
    allowed &= POOL_ANY;
    if (!allowed)
        return 0;
    for (int tries = 0; tries < 4 && g->nhot; tries++) {
        unsigned r = g->hot[rbelow(&g->r, g->nhot)];
        if (allowed & (1u << r))
            return r;
    }
    for (;;) {
        unsigned r = rbelow(&g->r, 32);
        if (allowed & (1u << r))
            return r;
    }
}

static unsigned src(struct g *g)
{
    unsigned r = pick_reg(g, POOL_ANY);
    g->used[r] = 1;
    return r;
}

/* A register the instruction writes. */
static void clobber(struct g *g, unsigned r)
{
    g->used[r] = 1;
    g->known[r] = 0;
}

static void set_known(struct g *g, unsigned r, uint64_t v)
{
    g->used[r] = 1;
    g->known[r] = !g->skippable[g->pos];
    g->val[r] = v;
}

/* Makes register r hold v on entry if it is free; true if r holds v. */
static int want_value(struct g *g, unsigned r, uint64_t v)
{
    if (r == 1)
        return 0;
    if (!g->used[r]) {
        g->v->in.gpr[r] = v;
        g->val[r] = v;
        g->known[r] = 1;
        g->used[r] = 1;
        return 1;
    }
    return g->known[r] && g->val[r] == v;
}

/* A source register whose value is known (for undefined-case checks). */
static int known_src(struct g *g, unsigned *r)
{
    for (int tries = 0; tries < 12; tries++) {
        unsigned x = pick_reg(g, POOL_ANY);
        if (g->known[x]) {
            g->used[x] = 1;
            *r = x;
            return 1;
        }
    }
    return 0;
}

#define RT(x) ((uint32_t)(x) << 21)
#define RA(x) ((uint32_t)(x) << 16)
#define RB(x) ((uint32_t)(x) << 11)

/* ---- effective addresses ---- */

/* Is [ea, ea + size) inside the block? */
static int in_block(uint64_t ea, unsigned size)
{
    return ea >= ISA_MEM && ea + size <= ISA_MEM + ISA_MEM_SIZE;
}

/* A random EA for `size` bytes in the block, aligned to `align`. */
static uint64_t rand_ea(struct g *g, unsigned size, unsigned align)
{
    uint64_t ea = ISA_MEM + rbelow(&g->r, ISA_MEM_SIZE - size + 1);
    return ea & ~(uint64_t)(align - 1);
}

/*
 * Base register and displacement for a D/DS/DQ-form access of `size`
 * bytes: disp in [-0x8000, 0x7fff], a multiple of dalign, EA a multiple
 * of ealign.  excl: registers the base may not be.
 */
static int pick_base_d(struct g *g, unsigned size, unsigned dalign, unsigned ealign, uint32_t excl,
                       unsigned *ra, int64_t *disp)
{
    uint32_t allowed = POOL_ANY & ~excl & ~1u; /* RA=0 means 0, never in the block */

    for (int tries = 0; tries < 12; tries++) {
        unsigned r = pick_reg(g, allowed);
        if (!g->known[r])
            continue;
        int64_t lo = (int64_t)(ISA_MEM - g->val[r]), hi = lo + ISA_MEM_SIZE - size;
        if (g->val[r] > ISA_MEM + 0x10000 || g->val[r] + 0x10000 < ISA_MEM)
            continue;
        for (int k = 0; k < 8; k++) {
            int64_t d = rrange(&g->r, lo, hi);
            d &= ~(int64_t)(dalign - 1);
            uint64_t ea = g->val[r] + (uint64_t)d;
            if (d < -0x8000 || d > 0x7fff || (ea & (ealign - 1)) || !in_block(ea, size))
                continue;
            g->used[r] = 1;
            *ra = r;
            *disp = d;
            return 1;
        }
    }
    for (int tries = 0; tries < 12; tries++) {
        unsigned r = pick_reg(g, allowed);
        if (g->used[r])
            continue;
        uint64_t ea = rand_ea(g, size, ealign);
        int64_t d = rchance(&g->r, 30) ? 0 : rrange(&g->r, -300, 300);
        d &= ~(int64_t)(dalign - 1);
        want_value(g, r, ea - (uint64_t)d);
        *ra = r;
        *disp = d;
        return 1;
    }
    return 0;
}

/*
 * RA and RB for an X-form access: EA = (RA|0) + RB.  ra0_ok: RA may be 0
 * (not for update forms).
 */
static int pick_base_x(struct g *g, unsigned size, unsigned ealign, uint32_t excl_ra,
                       uint32_t excl_rb, int ra0_ok, unsigned *ra, unsigned *rb, uint64_t *eap)
{
    for (int tries = 0; tries < 16; tries++) {
        uint64_t ea = rand_ea(g, size, ealign);
        unsigned a, b;
        if (ra0_ok && rchance(&g->r, 15) && !(excl_ra & 1)) {
            a = 0;
            b = pick_reg(g, POOL_ANY & ~excl_rb);
            if (!want_value(g, b, ea))
                continue;
        } else {
            a = pick_reg(g, POOL_ANY & ~excl_ra & ~1u);
            b = pick_reg(g, POOL_ANY & ~excl_rb);
            if (a == 0)
                continue;
            if (!g->known[a]) {
                continue;
            } else if (!g->used[a]) {
                /* A fresh base: somewhere near the block. */
                if (a == b)
                    continue;
                want_value(g, a, ea - (uint64_t)rrange(&g->r, -64, 64));
            }
            if (a == b) {
                if (g->val[a] * 2 != ea)
                    continue;
            } else if (!want_value(g, b, ea - g->val[a])) {
                continue;
            }
            g->used[a] = 1;
        }
        *ra = a;
        *rb = b;
        *eap = ea;
        return 1;
    }
    return 0;
}

/* A register holding exactly an address in [lo, hi] with the alignment;
 * for EA = (RA) forms (lswi, stswi). */
static int pick_addr_reg(struct g *g, uint64_t lo, uint64_t hi, unsigned align, uint32_t excl,
                         unsigned *r, uint64_t *ea)
{
    uint32_t allowed = POOL_ANY & ~excl & ~1u;
    for (int tries = 0; tries < 16; tries++) {
        unsigned x = pick_reg(g, allowed);
        if (g->known[x] && g->val[x] >= lo && g->val[x] <= hi && !(g->val[x] & (align - 1))) {
            g->used[x] = 1;
            *r = x;
            *ea = g->val[x];
            return 1;
        }
        if (!g->used[x]) {
            uint64_t v = (lo + rbelow(&g->r, (unsigned)(hi - lo + 1))) & ~(uint64_t)(align - 1);
            if (v < lo)
                continue;
            want_value(g, x, v);
            *r = x;
            *ea = v;
            return 1;
        }
    }
    return 0;
}

/* A store happened (or may have): an exact reservation becomes uncertain. */
static void note_store(struct g *g)
{
    if (g->resv_state == 1)
        g->resv_state = 2;
}

/* ---- undefined cases ---- */

/* Is the divide or modulo of row `name` by these operands invalid
 * (quotient undefined)? */
static int div_invalid(const char *b, uint64_t a, uint64_t d)
{
    int32_t a32 = (int32_t)a, d32 = (int32_t)d;
    int64_t a64 = (int64_t)a, d64 = (int64_t)d;

    if (!strcmp(b, "divw") || !strcmp(b, "modsw"))
        return d32 == 0 || (a32 == INT32_MIN && d32 == -1);
    if (!strcmp(b, "divwu") || !strcmp(b, "moduw"))
        return (uint32_t)d == 0;
    if (!strcmp(b, "divd") || !strcmp(b, "modsd"))
        return d64 == 0 || (a64 == INT64_MIN && d64 == -1);
    if (!strcmp(b, "divdu") || !strcmp(b, "modud"))
        return d == 0;
    if (!strcmp(b, "divwe")) {
        int64_t x = (int64_t)((uint64_t)(uint32_t)a << 32);
        if (d32 == 0 || (x == INT64_MIN && d32 == -1))
            return 1;
        int64_t q = x / d32;
        return q != (int32_t)q;
    }
    if (!strcmp(b, "divweu")) {
        uint64_t x = (uint64_t)(uint32_t)a << 32;
        return (uint32_t)d == 0 || x / (uint32_t)d > 0xffffffffull;
    }
    if (!strcmp(b, "divde")) {
        __int128 x = (__int128)((unsigned __int128)a << 64);
        if (d64 == 0 || (d64 == -1 && a != 0))
            return 1;
        __int128 q = x / d64;
        return q != (int64_t)q;
    }
    if (!strcmp(b, "divdeu"))
        return a >= d;
    return 0;
}

/* ---- branches ---- */

/* A BO value: every architected encoding with z bits 0 and no reserved
 * at hint. */
static unsigned rand_bo(struct g *g, int no_ctr)
{
    static const uint8_t bo[] = {0x00, 0x02, 0x08, 0x0a, 0x04, 0x06, 0x07, 0x0c, 0x0e,
                                 0x0f, 0x10, 0x18, 0x19, 0x12, 0x1a, 0x1b, 0x14};
    for (;;) {
        unsigned b = bo[rbelow(&g->r, sizeof(bo))];
        if (!no_ctr || (b & 4))
            return b;
    }
}

/* A forward target index in (pos, n]: later instructions it skips become
 * skippable. */
static unsigned branch_target(struct g *g)
{
    unsigned t = g->pos + 1 + rbelow(&g->r, g->n - g->pos);
    for (unsigned k = g->pos + 1; k < t; k++)
        g->skippable[k] = 1;
    return t;
}

static uint64_t seq_addr(const struct g *g, unsigned index)
{
    return g->v->at + 4ull * index;
}

/* BO/BI that does not branch given the initial CR and CTR (used at pos 0
 * only); returns 0 if it found none. */
static int untaken_bo_bi(struct g *g, unsigned *bo, unsigned *bi)
{
    for (int tries = 0; tries < 32; tries++) {
        unsigned b = rand_bo(g, 0), i = rbelow(&g->r, 32);
        unsigned ctr_ok = 1, cond_ok = 1;
        if (!(b & 4))
            ctr_ok = ((g->v->in.ctr - 1) != 0) ^ ((b >> 1) & 1);
        if (!(b & 16))
            cond_ok = ((g->v->in.cr >> (31 - i)) & 1) == ((b >> 3) & 1);
        if (!(ctr_ok && cond_ok)) {
            *bo = b;
            *bi = i;
            return 1;
        }
    }
    return 0;
}

/* Masks for the known differences of an XO-form result RT = f(RA, RB),
 * from the operands' values (known). */
static void alu3_masks(struct g *g, const struct isa_row *row, unsigned t, unsigned a, unsigned b)
{
    const struct opinfo *o = &opinfo[row->op];
    const struct isa_config *c = g->c;
    uint64_t ign = 0, ign_xer = 0;
    uint32_t ign_cr = 0;
    int oe = row->form == F_XO && (row->match & XO_OE);
    char n[32];

    base_name(row, n, sizeof(n));
    if (!strncmp(n, "mulhw", 5) && c->kd_enabled[KD_MULHW_HIGH]) {
        ign |= 0xffffffff00000000ull;
        g->m->kd_used |= 1ull << KD_MULHW_HIGH;
    }
    if ((!strcmp(n, "divw") || !strcmp(n, "divwu") || !strcmp(n, "divd") || !strcmp(n, "divdu")) &&
        c->kd_enabled[KD_DIV_INVALID] && div_invalid(n, g->val[a], g->val[b])) {
        ign = ~0ull;
        g->m->kd_used |= 1ull << KD_DIV_INVALID;
    }
    if (!strcmp(n, "divwe") && c->kd_enabled[KD_DIVWE_HIGH]) {
        ign |= 0xffffffff00000000ull;
        g->m->kd_used |= 1ull << KD_DIVWE_HIGH;
    }
    if (!strcmp(n, "divde") && c->kd_enabled[KD_DIVDE_OVF] &&
        div_invalid(n, g->val[a], g->val[b])) {
        ign = ~0ull;
        if (oe) {
            ign_xer = 0xc0080000ull; /* SO OV OV32 */
            ign_cr = 0x10000000u;    /* CR0 SO */
        }
        g->m->kd_used |= 1ull << KD_DIVDE_OVF;
    }
    if (ign) {
        g->m->ign_gpr[t] |= ign;
        if (o->rc)
            g->m->ign_cr |= 0xe0000000u | ign_cr; /* CR0 LT GT EQ */
        g->m->ign_xer |= ign_xer;
        g->end = 1;
    }
}

/* ---- one instruction ---- */

#include "gen_fpvec.inc"

static int gen_row(struct g *g, const struct isa_row *row)
{
    const struct opinfo *o = &opinfo[row->op];
    struct rng *r = &g->r;
    uint32_t w = ((uint32_t)row->primary << 26) | row->match;
    char b[32];

    base_name(row, b, sizeof(b));
    switch (o->group) {
    case G_ALU3: {
        unsigned a, bb, t;
        if (o->div || !strncmp(b, "mulhw", 5)) {
            if (!known_src(g, &a) || !known_src(g, &bb))
                return 0;
        } else {
            a = src(g);
            bb = src(g);
        }
        t = pick_reg(g, POOL_ANY);
        w |= RT(t) | RA(a) | RB(bb);
        alu3_masks(g, row, t, a, bb);
        clobber(g, t);
        break;
    }
    case G_ALU2: {
        unsigned a = src(g), t = pick_reg(g, POOL_ANY);
        w |= RT(t) | RA(a);
        clobber(g, t);
        break;
    }
    case G_ALUI: {
        unsigned a = src(g), t = pick_reg(g, POOL_ANY);
        w |= RT(t) | RA(a) | rand_imm16(r);
        clobber(g, t);
        break;
    }
    case G_ADDI: {
        unsigned a = rchance(r, 20) ? 0 : src(g), t = pick_reg(g, POOL_ANY);
        w |= RT(t) | RA(a) | rand_imm16(r);
        clobber(g, t);
        break;
    }
    case G_LOGI: {
        unsigned s = src(g), a = pick_reg(g, POOL_ANY);
        w |= RT(s) | RA(a) | rand_imm16(r);
        clobber(g, a);
        break;
    }
    case G_LOG3: {
        unsigned s = src(g), bb = src(g), a = pick_reg(g, POOL_ANY);
        w |= RT(s) | RA(a) | RB(bb);
        clobber(g, a);
        break;
    }
    case G_LOG2: {
        unsigned s = src(g), a = pick_reg(g, POOL_ANY);
        w |= RT(s) | RA(a);
        clobber(g, a);
        break;
    }
    case G_MADD: {
        unsigned a = src(g), bb = src(g), c = src(g), t = pick_reg(g, POOL_ANY);
        w |= RT(t) | RA(a) | RB(bb) | ((uint32_t)c << 6);
        clobber(g, t);
        break;
    }
    case G_RLWI:
    case G_RLWNM: {
        unsigned s = src(g), a = pick_reg(g, POOL_ANY);
        unsigned sh = o->group == G_RLWI ? rand_sh(r, 5) : src(g);
        unsigned mb = rand_sh(r, 5), me = rand_sh(r, 5);
        if (!strcmp(b, "rlwimi"))
            g->used[a] = 1;
        w |= RT(s) | RA(a) | RB(sh) | (mb << 6) | (me << 1);
        clobber(g, a);
        break;
    }
    case G_RLDI:
    case G_RLDC: {
        unsigned s = src(g), a = pick_reg(g, POOL_ANY), mb = rand_sh(r, 6);
        if (!strcmp(b, "rldimi"))
            g->used[a] = 1;
        w |= RT(s) | RA(a) | ((mb & 31) << 6) | ((mb >> 5) << 5);
        if (o->group == G_RLDI) {
            unsigned sh = rand_sh(r, 6);
            w |= RB(sh & 31) | ((sh >> 5) << 1);
        } else {
            w |= RB(src(g));
        }
        clobber(g, a);
        break;
    }
    case G_SRAWI: {
        unsigned s = src(g), a = pick_reg(g, POOL_ANY);
        w |= RT(s) | RA(a) | RB(rand_sh(r, 5));
        clobber(g, a);
        break;
    }
    case G_XS: {
        unsigned s = src(g), a = pick_reg(g, POOL_ANY), sh = rand_sh(r, 6);
        w |= RT(s) | RA(a) | RB(sh & 31) | ((sh >> 5) << 1);
        clobber(g, a);
        break;
    }
    case G_CMPI: {
        unsigned a = src(g);
        w |=
            ((uint32_t)rbelow(r, 8) << 23) | ((uint32_t)rbelow(r, 2) << 21) | RA(a) | rand_imm16(r);
        break;
    }
    case G_CMP: {
        unsigned a = src(g), bb = src(g);
        unsigned l = strcmp(b, "cmpeqb") ? rbelow(r, 2) : 0;
        w |= ((uint32_t)rbelow(r, 8) << 23) | ((uint32_t)l << 21) | RA(a) | RB(bb);
        break;
    }
    case G_TW:
    case G_TWI: {
        unsigned a = src(g);
        unsigned to = rchance(r, 30) ? 0 : rbelow(r, 32);
        w |= RT(to) | RA(a) | (o->group == G_TW ? RB(src(g)) : rand_imm16(r));
        break;
    }
    case G_ISEL: {
        unsigned a = rchance(r, 15) ? 0 : src(g), bb = src(g), t = pick_reg(g, POOL_ANY);
        w |= RT(t) | RA(a) | RB(bb) | ((uint32_t)rbelow(r, 32) << 6);
        clobber(g, t);
        break;
    }
    case G_SETB: {
        unsigned t = pick_reg(g, POOL_ANY);
        w |= RT(t) | ((uint32_t)rbelow(r, 8) << 18);
        clobber(g, t);
        break;
    }
    case G_ADDPCIS: {
        unsigned t = pick_reg(g, POOL_ANY);
        uint32_t d = rand_imm16(r);
        w |= RT(t) | ((d >> 6) << 6) | (((d >> 1) & 31) << 16) | (d & 1);
        clobber(g, t);
        break;
    }
    case G_ADDEX: {
        unsigned a = src(g), bb = src(g), t = pick_reg(g, POOL_ANY);
        w |= RT(t) | RA(a) | RB(bb);
        clobber(g, t);
        break;
    }

    /* ---- branches ---- */
    case G_B: {
        unsigned t = branch_target(g);
        if (row->match & 2) /* AA */
            w |= (uint32_t)seq_addr(g, t) & 0x03fffffc;
        else
            w |= (uint32_t)(4 * (t - g->pos)) & 0x03fffffc;
        if (row->match & 1)
            g->lr_used = 1;
        break;
    }
    case G_BC: {
        unsigned bo, bi;
        if (g->pos == 0 && rchance(r, 25) && untaken_bo_bi(g, &bo, &bi)) {
            /* Absolute: the target (low memory) is unreachable, so only
             * the not-taken case, where everything is known. */
            w |= RT(bo) | RA(bi) | 2 | ((uint32_t)rand_imm16(r) & 0xfffc);
        } else {
            bo = rand_bo(g, 0);
            bi = rbelow(r, 32);
            w |= RT(bo) | RA(bi) | ((uint32_t)(4 * (branch_target(g) - g->pos)) & 0xfffc);
        }
        if (!(bo & 4))
            g->ctr_used = 1;
        if (row->match & 1)
            g->lr_used = 1;
        break;
    }
    case G_BCLR:
    case G_BCCTR:
    case G_BCTAR: {
        uint8_t *used = o->group == G_BCLR    ? &g->lr_used
                        : o->group == G_BCCTR ? &g->ctr_used
                                              : &g->tar_used;
        int steer = o->group == G_BCCTR && g->c->kd_enabled[KD_BCCTR_DEC];
        unsigned bo = rand_bo(g, steer);
        unsigned bh = (unsigned)"\0\1\3"[rbelow(r, 3)];
        uint64_t *spr = o->group == G_BCLR    ? &g->v->in.lr
                        : o->group == G_BCCTR ? &g->v->in.ctr
                                              : &g->v->in.tar;
        if (*used)
            return 0;
        if (steer)
            g->m->kd_used |= 1ull << KD_BCCTR_DEC;
        *spr = seq_addr(g, branch_target(g));
        *used = 1;
        if (!(bo & 4))
            g->ctr_used = 1;
        if (row->match & 1)
            g->lr_used = 1;
        w |= RT(bo) | RA(rbelow(r, 32)) | RB(bh);
        break;
    }
    case G_CRLOG: w |= RT(rbelow(r, 32)) | RA(rbelow(r, 32)) | RB(rbelow(r, 32)); break;
    case G_MCRF: w |= ((uint32_t)rbelow(r, 8) << 23) | ((uint32_t)rbelow(r, 8) << 18); break;
    case G_MFCR: {
        unsigned t = pick_reg(g, POOL_ANY);
        w |= RT(t);
        if (row->op == OP_mfocrf)
            w |= (1u << rbelow(r, 8)) << 12;
        clobber(g, t);
        break;
    }
    case G_MTCRF: {
        unsigned s = src(g);
        unsigned fxm = row->op == OP_mtocrf ? 1u << rbelow(r, 8) : rbelow(r, 256);
        w |= RT(s) | (fxm << 12);
        break;
    }
    case G_MCRXRX: w |= (uint32_t)rbelow(r, 8) << 23; break;

    /* ---- loads and stores ---- */
    case G_LOAD:
    case G_STORE: {
        unsigned t = pick_reg(g, POOL_ANY), ra, rb;
        int load = o->group == G_LOAD;
        uint64_t ea;
        if (row->form == F_X) {
            uint32_t excl = o->update ? (1u | (load ? 1u << t : 0)) : 0;
            if (!pick_base_x(g, o->size, 1, excl, 0, !o->update, &ra, &rb, &ea))
                return 0;
            w |= RA(ra) | RB(rb);
        } else {
            int64_t d;
            unsigned dalign = row->form == F_DS ? 4 : 1;
            uint32_t excl = o->update && load ? 1u << t : 0;
            if (!pick_base_d(g, o->size, dalign, 1, excl, &ra, &d))
                return 0;
            ea = g->val[ra] + (uint64_t)d;
            w |= RA(ra) | ((uint32_t)d & 0xffff);
        }
        if (load && o->update && ra == t)
            return 0; /* cannot happen: excluded above */
        w |= RT(t);
        if (load)
            clobber(g, t);
        else {
            g->used[t] = 1;
            note_store(g);
        }
        if (o->update)
            set_known(g, ra, ea);
        break;
    }
    case G_LQ:
    case G_STQ: {
        unsigned t = pick_reg(g, POOL_ANY & 0x55555555u & ~(1u << 0)), ra;
        int64_t d;
        if (t == 0)
            t = 2 * (1 + rbelow(r, 15));
        if (!pick_base_d(g, 16, 16, 16, 1u << t, &ra, &d))
            return 0;
        w |= RT(t) | RA(ra) | ((uint32_t)d & 0xffff);
        if (o->group == G_LQ) {
            clobber(g, t);
            clobber(g, t + 1);
        } else {
            g->used[t] = g->used[t + 1] = 1;
            note_store(g);
        }
        break;
    }
    case G_LMW:
    case G_STMW: {
        unsigned t = 2 + rbelow(r, 30), ra;
        int64_t d;
        if (o->group == G_LMW) {
            /* RA below RT (RA in the range is invalid); RA=0 cannot point. */
            uint32_t excl = ~((1u << t) - 1);
            if (t < 3 || !pick_base_d(g, 4 * (32 - t), 4, 4, excl, &ra, &d))
                return 0;
            for (unsigned k = t; k < 32; k++)
                clobber(g, k);
        } else {
            t = rbelow(r, 32);
            if (!pick_base_d(g, 4 * (32 - t), 4, 4, 0, &ra, &d))
                return 0;
            for (unsigned k = t; k < 32; k++)
                g->used[k] = 1;
            note_store(g);
        }
        w |= RT(t) | RA(ra) | ((uint32_t)d & 0xffff);
        break;
    }
    case G_LSWI:
    case G_STSWI:
    case G_LSWX:
    case G_STSWX: {
        int load = o->group == G_LSWI || o->group == G_LSWX;
        int imm = o->group == G_LSWI || o->group == G_STSWI;
        unsigned nb, t, ra, rb = 0;
        uint32_t regs = 0;
        uint64_t ea;
        if (imm) {
            nb = 1 + rbelow(r, 32);
        } else {
            if (g->bc_dirty)
                return 0;
            if (!g->bc_used) {
                unsigned bc = rchance(r, 10) ? 0 : rbelow(r, 128);
                g->v->in.xer = (g->v->in.xer & ~0x7full) | bc;
            }
            g->bc_used = 1;
            nb = g->v->in.xer & 0x7f;
            if (load && nb == 0)
                return 0; /* lswx with XER[BC]=0: RT undefined */
        }
        t = rbelow(r, 32);
        for (unsigned k = 0; k < (nb + 3) / 4; k++)
            regs |= 1u << ((t + k) & 31);
        if (load && (regs & 2))
            return 0; /* would write r1 */
        if (imm) {
            /* EA = (RA|0); RA inside the registers loaded is invalid. */
            if (!pick_addr_reg(g, ISA_MEM, ISA_MEM + ISA_MEM_SIZE - nb, 1, load ? regs : 0, &ra,
                               &ea))
                return 0;
            w |= RT(t) | RA(ra) | RB(nb & 31);
        } else {
            uint32_t excl = load ? regs : 0;
            if (!pick_base_x(g, nb ? nb : 1, 1, excl, excl, 1, &ra, &rb, &ea))
                return 0;
            w |= RT(t) | RA(ra) | RB(rb);
        }
        for (unsigned k = 0; k < 32; k++)
            if (regs & (1u << k)) {
                if (load)
                    clobber(g, k);
                else
                    g->used[k] = 1;
            }
        if (!load)
            note_store(g);
        break;
    }
    case G_LARX:
    case G_LQARX: {
        unsigned t, ra, rb;
        uint64_t ea;
        if (o->group == G_LQARX) {
            t = 2 * (1 + rbelow(r, 15));
            if (!pick_base_x(g, 16, 16, 1u << t, 1u << t, 1, &ra, &rb, &ea))
                return 0;
            clobber(g, t);
            clobber(g, t + 1);
        } else {
            t = pick_reg(g, POOL_ANY);
            if (!pick_base_x(g, o->size, o->size, 0, 0, 1, &ra, &rb, &ea))
                return 0;
            clobber(g, t);
        }
        w |= RT(t) | RA(ra) | RB(rb) | (rchance(r, 20) ? 1 : 0); /* EH hint */
        if (g->skippable[g->pos] || g->resv_state == 2) {
            g->resv_state = 2;
        } else {
            g->resv_state = 1;
            g->resv_ea = ea;
            g->resv_size = o->size;
            g->resv_ra = (uint8_t)ra;
            g->resv_rb = (uint8_t)rb;
            g->last_size = o->size;
            g->last_ea = ea;
        }
        break;
    }
    case G_STCX:
    case G_STQCX: {
        unsigned s, ra = 0, rb = 0;
        uint64_t ea;
        int ok = 0;
        if (o->group == G_STQCX)
            s = 2 * rbelow(r, 16);
        else
            s = pick_reg(g, POOL_ANY);
        if (g->resv_state == 2)
            return 0;
        if (g->resv_state == 1 && o->group == G_STQCX && g->c->kd_enabled[KD_STQCX]) {
            g->m->kd_used |= 1ull << KD_STQCX;
            return 0;
        }
        if (g->resv_state == 1) {
            /* The exact address and size of the reservation. */
            if (g->resv_size != o->size)
                return 0;
            /* The larx's own address registers, if they still hold it. */
            ra = g->resv_ra;
            rb = g->resv_rb;
            if (g->known[rb] && (ra == 0 ? 0 : g->val[ra]) + g->val[rb] == g->resv_ea &&
                (ra == 0 || g->known[ra]))
                ok = rchance(r, 80);
            for (int tries = 0; tries < 16 && !ok; tries++) {
                if (rchance(r, 15)) {
                    ra = 0;
                    rb = pick_reg(g, POOL_ANY);
                    ok = want_value(g, rb, g->resv_ea);
                } else {
                    ra = pick_reg(g, POOL_ANY & ~1u);
                    rb = pick_reg(g, POOL_ANY);
                    if (ra == 0 || ra == rb || !g->known[ra])
                        continue;
                    if (!g->used[ra])
                        want_value(g, ra, g->resv_ea - (uint64_t)rrange(r, -64, 64));
                    ok = want_value(g, rb, g->resv_ea - g->val[ra]);
                    if (ok)
                        g->used[ra] = 1;
                }
            }
            if (!ok)
                return 0;
        } else if (g->last_size == o->size && rchance(r, 60)) {
            /* No reservation, at the address the last one was for. */
            for (int tries = 0; tries < 16 && !ok; tries++) {
                ra = pick_reg(g, POOL_ANY & ~1u);
                rb = pick_reg(g, POOL_ANY);
                if (ra == rb || (ra && !g->known[ra]))
                    continue;
                if (ra && !g->used[ra])
                    want_value(g, ra, g->last_ea - (uint64_t)rrange(r, -64, 64));
                ok = want_value(g, rb, g->last_ea - (ra ? g->val[ra] : 0));
                if (ok && ra)
                    g->used[ra] = 1;
            }
            if (!ok)
                return 0;
        } else {
            /* No reservation: fails, anywhere in the block. */
            unsigned al = o->size;
            if (!pick_base_x(g, o->size, al, 0, 0, 1, &ra, &rb, &ea))
                return 0;
        }
        g->used[s] = 1;
        if (o->group == G_STQCX)
            g->used[s + 1] = 1;
        w |= RT(s) | RA(ra) | RB(rb);
        /* After any stcx. the reservation is gone -- unless this one may be
         * skipped. */
        g->resv_state = g->skippable[g->pos] ? 2 : 0;
        break;
    }
    case G_CACHE:
    case G_DCBZ: {
        unsigned ra, rb;
        uint64_t ea;
        if (!pick_base_x(g, 1, 1, 0, 0, 1, &ra, &rb, &ea))
            return 0;
        w |= RA(ra) | RB(rb);
        if (row->op == OP_dcbf) {
            /* L: dcbf, dcbfl, dcbflp */
            unsigned l = (unsigned)"\0\1\3"[rbelow(r, 3)];
            if (l == 3 && g->c->kd_enabled[KD_DCBF_L3]) {
                l = 0;
                g->m->kd_used |= 1ull << KD_DCBF_L3;
            }
            w |= RT(l);
        }
        if (o->group == G_DCBZ)
            note_store(g);
        break;
    }

    /* ---- SPRs and barriers ---- */
    case G_MFSPR:
    case G_MTSPR: {
        static const unsigned sprs[] = {1, 8, 9, 256, 815};
        unsigned spr = sprs[rbelow(r, 5)], reg;
        if (o->group == G_MFSPR) {
            reg = pick_reg(g, POOL_ANY);
            clobber(g, reg);
            switch (spr) {
            case 1: g->bc_used = 1; break;
            case 8: g->lr_used = 1; break;
            case 9: g->ctr_used = 1; break;
            case 815: g->tar_used = 1; break;
            }
        } else {
            /* Bits QEMU keeps and petrel does not (known differences). */
            const struct isa_config *c = g->c;
            uint64_t keep = ~0ull;
            unsigned kd = KD_COUNT;
            if (spr == 1 && c->kd_enabled[KD_XER_RES])
                keep = ISA_XER_MASK, kd = KD_XER_RES;
            else if (spr == 815 && c->kd_enabled[KD_TAR_LOW])
                keep = ~3ull, kd = KD_TAR_LOW;
            else if (spr == 256 && c->kd_enabled[KD_VRSAVE_HIGH])
                keep = 0xffffffffull, kd = KD_VRSAVE_HIGH;
            if (kd < KD_COUNT)
                g->m->kd_used |= 1u << kd;
            reg = pick_reg(g, POOL_ANY);
            if (!g->used[reg])
                want_value(g, reg, rand_value(r) & keep);
            else if (!g->known[reg] ? keep != ~0ull : (g->val[reg] & ~keep) != 0)
                return 0;
            g->used[reg] = 1;
            switch (spr) {
            case 1: g->bc_used = g->bc_dirty = 1; break;
            case 8: g->lr_used = 1; break;
            case 9: g->ctr_used = 1; break;
            case 815: g->tar_used = 1; break;
            }
        }
        w |= RT(reg) | ((spr & 31) << 16) | ((spr >> 5) << 11);
        break;
    }
    case G_SYNC: w |= (uint32_t)rbelow(r, 3) << 21; break;
    case G_NOOPS: break;
    case G_VREG:
    case G_VGPR:
    case G_VMEM:
    case G_VLEN:
        if (!gen_fpvec_row(g, row, o, b, &w))
            return 0;
        if (g->c->kd_enabled[KD_FPSCR_FR]) {
            g->m->ign_fpscr |= FPSCR_FR;
            g->m->kd_used |= 1ull << KD_FPSCR_FR;
        }
        break;
    default: return 0;
    }
    g->w = w;
    return 1;
}

/* ---- vectors ---- */

static void init_state(struct g *g)
{
    struct isa_vec *v = g->v;
    struct rng *r = &g->r;

    for (unsigned i = 0; i < 32; i++) {
        v->in.gpr[i] = rand_value(r);
        g->val[i] = v->in.gpr[i];
        g->known[i] = 1;
    }
    v->in.gpr[1] = ISA_CTXP;
    g->val[1] = ISA_CTXP;
    g->used[1] = 1;
    v->in.cr = (uint32_t)rnext(r);
    v->in.xer = rnext(r) & ISA_XER_MASK;
    v->in.lr = rand_value(r);
    switch (rbelow(r, 10)) {
    case 0:
    case 1:
    case 2: v->in.ctr = rbelow(r, 4); break;
    case 3:
    case 4: {
        /* Counts whose low word reaches 0 while the high word does not. */
        static const uint64_t c[] = {0x100000000ull,
                                     0x100000001ull,
                                     0xffffffff00000000ull,
                                     0xffffffff00000001ull,
                                     0x80000000,
                                     0x80000001,
                                     ~0ull};
        v->in.ctr = c[rbelow(r, sizeof(c) / sizeof(c[0]))];
        break;
    }
    default: v->in.ctr = rand_value(r);
    }
    v->in.tar = rand_value(r) & ~3ull;
    v->in.vrsave = (uint32_t)rnext(r);
    init_fpvec(g);
    /* Where the sequence starts: mostly ISA_SEQ; often so that it runs
     * into the next page; sometimes anywhere in the first two pages. */
    switch (rbelow(r, 10)) {
    case 0:
    case 1:
    case 2: v->at = ISA_SEQ + 0x1000 - 4 * (1 + rbelow(r, ISA_MAX_INSN)); break;
    case 3: v->at = ISA_SEQ + 8 + 4 * rbelow(r, 0x7f0); break;
    default: v->at = ISA_SEQ;
    }
    switch (rbelow(r, 4)) {
    case 0:
        for (unsigned i = 0; i < ISA_MEM_SIZE; i++)
            v->mem[i] = (uint8_t)i;
        break;
    case 1:
        for (unsigned i = 0; i < ISA_MEM_SIZE; i++)
            v->mem[i] = (uint8_t)(rchance(r, 50) ? 0 : 0xff);
        break;
    default:
        for (unsigned i = 0; i < ISA_MEM_SIZE; i += 8) {
            uint64_t x = rnext(r);
            memcpy(&v->mem[i], &x, 8);
        }
    }
}

static void seed_rng(struct rng *r, const struct isa_config *c, uint64_t index)
{
    r->s = c->seed * 0x9e3779b97f4a7c15ull ^ (index + 1) * 0xd1b54a32d192ed03ull ^
           (c->le ? 0x5bd1e9955bd1e995ull : 0);
    rnext(r);
}

/* Directed vectors: rows of the ALU-like groups, all operand pairs. */
static int directed_group(unsigned grp)
{
    switch (grp) {
    case G_ALU3:
    case G_ALU2:
    case G_LOG3:
    case G_LOG2:
    case G_MADD:
    case G_RLWNM:
    case G_RLDC:
    case G_CMP:
    case G_ADDEX:
    case G_ISEL: return 1;
    default: return 0;
    }
}

uint64_t isa_directed_count(const struct isa_config *c)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < isa_nrows; i++)
        if (c->row_enabled[isa_rows[i].op] && directed_group(opinfo[isa_rows[i].op].group))
            n += NDCORNERS * NDCORNERS;
    return n;
}

static void gen_directed(struct g *g, uint64_t index)
{
    uint64_t k = index / (NDCORNERS * NDCORNERS);
    unsigned pa = (unsigned)(index / NDCORNERS % NDCORNERS), pb = (unsigned)(index % NDCORNERS);
    const struct isa_row *row = NULL;
    struct rng *r = &g->r;

    for (unsigned i = 0; i < isa_nrows; i++)
        if (g->c->row_enabled[isa_rows[i].op] && directed_group(opinfo[isa_rows[i].op].group) &&
            k-- == 0) {
            row = &isa_rows[i];
            break;
        }
    /* r3 <- f(r4, r5[, r6]); RS forms: r3 <- f(RS = r4, r5). */
    g->v->in.gpr[4] = g->val[4] = dcorners[pa];
    g->v->in.gpr[5] = g->val[5] = dcorners[pb];
    g->v->in.gpr[6] = g->val[6] = corners[rbelow(r, NCORNERS)];
    g->m->directed = 1;

    const struct opinfo *o = &opinfo[row->op];
    uint32_t w = ((uint32_t)row->primary << 26) | row->match;
    switch (o->group) {
    case G_ALU3:
    case G_ADDEX:
        w |= RT(3) | RA(4) | RB(5);
        alu3_masks(g, row, 3, 4, 5);
        break;
    case G_ALU2: w |= RT(3) | RA(4); break;
    case G_MADD: w |= RT(3) | RA(4) | RB(5) | (6u << 6); break;
    case G_ISEL: w |= RT(3) | RA(4) | RB(5) | ((uint32_t)rbelow(r, 32) << 6); break;
    case G_LOG3: w |= RT(4) | RA(3) | RB(5); break;
    case G_LOG2: w |= RT(4) | RA(3); break;
    case G_RLWNM: w |= RT(4) | RA(3) | RB(5) | (rand_sh(r, 5) << 6) | (rand_sh(r, 5) << 1); break;
    case G_RLDC: {
        unsigned mb = rand_sh(r, 6);
        w |= RT(4) | RA(3) | RB(5) | ((mb & 31) << 6) | ((mb >> 5) << 5);
        break;
    }
    case G_CMP:
        w |= ((uint32_t)rbelow(r, 8) << 23) | RA(4) | RB(5);
        if (row->op != OP_cmpeqb)
            w |= (uint32_t)rbelow(r, 2) << 21;
        break;
    }
    g->v->insn[0] = w;
    g->v->n = 1;
}

void isa_gen(const struct isa_config *c, uint64_t index, struct isa_vec *v, struct isa_meta *m)
{
    struct g g;
    const struct isa_row *enabled[OP_COUNT];
    unsigned nen = 0;
    uint32_t steered = 0; /* known differences steered around */

    classify_once();
    memset(&g, 0, sizeof(g));
    memset(v, 0, sizeof(*v));
    memset(m, 0, sizeof(*m));
    g.c = c;
    g.v = v;
    g.m = m;
    seed_rng(&g.r, c, index);
    init_state(&g);

    if (index < c->n_directed) {
        /* Directed: known values everywhere; masks need them. */
        gen_directed(&g, index);
        return;
    }

    for (unsigned i = 0; i < isa_nrows; i++)
        if (c->row_enabled[isa_rows[i].op])
            enabled[nen++] = &isa_rows[i];
    g.nhot = 3 + rbelow(&g.r, 6);
    for (unsigned i = 0; i < g.nhot; i++) {
        unsigned x = rbelow(&g.r, 31);
        g.hot[i] = (uint8_t)(x ? x + 1 : 0); /* never r1 */
    }
    g.n = 1 + rbelow(&g.r, ISA_MAX_INSN);
    for (g.pos = 0; g.pos < g.n; g.pos++) {
        int ok = 0;
        for (int tries = 0; tries < 100 && !ok; tries++) {
            const struct isa_row *row = enabled[rbelow(&g.r, nen)];
            /* After a larx, often the matching stcx. (and sometimes a
             * second one, which must fail). */
            if (tries == 0 && g.last_size &&
                rchance(&g.r, g.resv_state == 1   ? 40
                              : g.resv_state == 0 ? 15
                                                  : 0)) {
                int k = isa_row_find(g.last_size == 1   ? "stbcx"
                                     : g.last_size == 2 ? "sthcx"
                                     : g.last_size == 4 ? "stwcx"
                                     : g.last_size == 8 ? "stdcx"
                                                        : "stqcx");
                if (k >= 0 && c->row_enabled[isa_rows[k].op])
                    row = &isa_rows[k];
            }
            struct g save = g;
            struct isa_vec vsave = *v;
            struct isa_meta msave = *m;
            ok = gen_row(&g, row);
            if (!ok) {
                /* Undo any initial values the failed attempt planted,
                 * but keep the random stream moving. */
                struct rng rs = g.r;
                steered |= m->kd_used;
                g = save;
                g.r = rs;
                *v = vsave;
                *m = msave;
            }
        }
        v->insn[g.pos] = ok ? g.w : 0x60000000; /* nop */
        if (g.end) {
            /* A masked result: nothing may use it.  nops keep the branch
             * targets planned so far. */
            while (++g.pos < g.n)
                v->insn[g.pos] = 0x60000000;
            break;
        }
    }
    v->n = g.n;
    m->kd_used |= steered;
}
