/*
 * Table-driven decoder.  At first use the ops_*.def rows are sorted into
 * a 64 x 1024 table indexed by the primary opcode and bits 21:30 (the
 * 10-bit extended-opcode field most forms use); each slot holds the short
 * list of rows whose mask/match agree with that slot, and decoding checks
 * the full mask of each candidate in turn.  Decoding happens once per
 * instruction slot of a code page, so this is not on the hot path.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "ppc.h"

struct insn_row {
    const char *mnemonic;
    uint8_t form;
    uint8_t primary;
    uint32_t mask, match;
};

static const struct insn_row rows[OP_COUNT] = {
    [OP_illegal] = {"(illegal)", F_NONE, 0xff, 0, 0},
    [OP_decode] = {"(decode)", F_NONE, 0xff, 0, 0},
    [OP_page_end] = {"(page end)", F_NONE, 0xff, 0, 0},
#define INSN(name, mn, f, p, m, x) [OP_##name] = {mn, F_##f, p, m, x},
#include "ops_all.def"
#undef INSN
    [OP_bc_always] = {"bc (always)", F_B, 0xff, 0, 0},
    [OP_bdnz] = {"bc (bdnz)", F_B, 0xff, 0, 0},
    [OP_bdz] = {"bc (bdz)", F_B, 0xff, 0, 0},
    [OP_bt] = {"bc (bt)", F_B, 0xff, 0, 0},
    [OP_bf] = {"bc (bf)", F_B, 0xff, 0, 0},
};

/* slot_first[primary][xo10] indexes slot_ops, a 0-terminated list. */
static uint32_t slot_first[64][1024];
static uint16_t *slot_ops;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* Each row fits the slots whose 10 bits agree with its match under its
 * mask; the free bits are enumerated as submasks (Gosper-style). */
static void for_each_slot(const struct insn_row *r, void (*fn)(unsigned p, unsigned x, unsigned op),
                          unsigned op)
{
    unsigned fixed = (r->mask & 0x7fe) >> 1, base = (r->match & r->mask & 0x7fe) >> 1;
    unsigned free_bits = 0x3ff & ~fixed, sub = 0;

    do {
        fn(r->primary, base | sub, op);
        sub = (sub - free_bits) & free_bits;
    } while (sub);
}

static uint32_t slot_count[64][1024];

static void count_slot(unsigned p, unsigned x, unsigned op)
{
    (void)op;
    slot_count[p][x]++;
}

static void fill_slot(unsigned p, unsigned x, unsigned op)
{
    uint16_t *list = &slot_ops[slot_first[p][x]];
    while (*list)
        list++;
    *list = (uint16_t)op;
}

static void build_tables(void)
{
    size_t used = 1;
    unsigned op, p, x;

    for (op = OP_page_end + 1; op < OP_COUNT; op++)
        if (rows[op].primary < 64)
            for_each_slot(&rows[op], count_slot, op);
    for (p = 0; p < 64; p++)
        for (x = 0; x < 1024; x++)
            if (slot_count[p][x]) {
                slot_first[p][x] = (uint32_t)used;
                used += slot_count[p][x] + 1; /* + the 0 terminator */
            }
    slot_ops = calloc(used, sizeof(*slot_ops));
    if (!slot_ops)
        abort();
    /* Rows go in in table order: earlier rows are tried first. */
    for (op = OP_page_end + 1; op < OP_COUNT; op++)
        if (rows[op].primary < 64)
            for_each_slot(&rows[op], fill_slot, op);
}

/* MASK(mb, me) of the ISA: bits mb..me set (IBM numbering), wrapping. */
static uint64_t mask64(unsigned mb, unsigned me)
{
    uint64_t from = ~0ull >> mb;
    uint64_t to = ~0ull << (63 - me);
    return mb <= me ? (from & to) : (from | to);
}

static void extract(uint32_t w, unsigned form, struct insn *d)
{
    unsigned rt = (w >> 21) & 31, ra = (w >> 16) & 31, rb = (w >> 11) & 31;
    unsigned sh6 = rb | (((w >> 1) & 1) << 5);
    unsigned mbe6 = ((w >> 6) & 31) | (((w >> 5) & 1) << 5);

    d->rt = (uint8_t)rt;
    d->ra = (uint8_t)ra;
    d->rb = (uint8_t)rb;
    switch (form) {
    case F_NONE: d->rt = d->ra = d->rb = 0; break;
    case F_D:
    case F_TWI: d->simm = (int16_t)w; break;
    case F_DU: d->uimm = w & 0xffff; break;
    case F_DSH: d->simm = (int64_t)(int16_t)w * 65536; break;
    case F_DUSH: d->uimm = (uint64_t)(w & 0xffff) << 16; break;
    case F_DS: d->simm = (int16_t)(w & 0xfffc); break;
    case F_DQ: d->simm = (int16_t)(w & 0xfff0); break;
    case F_X:
    case F_XO:
    case F_TW:
    case F_XLCR:
    case F_XL: break;
    case F_CMP:
    case F_CMPI:
    case F_CMPLI:
        d->rt = (uint8_t)((w >> 23) & 7);
        d->f1 = (uint8_t)((w >> 21) & 1);
        if (form == F_CMPI)
            d->simm = (int16_t)w;
        else if (form == F_CMPLI)
            d->uimm = w & 0xffff;
        break;
    case F_I:
        d->simm = (int32_t)((w & 0x03fffffc) << 6) >> 6;
        d->f1 = (uint8_t)((w >> 1) & 1);
        break;
    case F_B:
        d->f1 = (uint8_t)rt;
        d->f2 = (uint8_t)ra;
        d->simm = (int16_t)(w & 0xfffc);
        d->rb = (uint8_t)((w >> 1) & 1);
        break;
    case F_XLBR:
        d->f1 = (uint8_t)rt;
        d->f2 = (uint8_t)ra;
        d->rb = (uint8_t)(rb & 3);
        break;
    case F_MCRF:
        d->rt = (uint8_t)((w >> 23) & 7);
        d->ra = (uint8_t)((w >> 18) & 7);
        break;
    case F_SC: d->f1 = (uint8_t)((w >> 5) & 0x7f); break;
    case F_MI:
    case F_MR:
        d->f1 = (uint8_t)rb;
        d->uimm = mask64(((w >> 6) & 31) + 32, ((w >> 1) & 31) + 32);
        break;
    case F_MDL:
    case F_MDSL:
        d->f1 = (uint8_t)sh6;
        d->uimm = mask64(mbe6, 63);
        break;
    case F_MDR:
    case F_MDSR:
        d->f1 = (uint8_t)sh6;
        d->uimm = mask64(0, mbe6);
        break;
    case F_MDC:
        d->f1 = (uint8_t)sh6;
        d->uimm = mask64(mbe6, 63 - sh6);
        break;
    case F_XS: d->f1 = (uint8_t)sh6; break;
    case F_XSH: d->f1 = (uint8_t)rb; break;
    case F_SPR: d->uimm = ra | (rb << 5); break;
    case F_CRM:
        d->f1 = (uint8_t)((w >> 12) & 0xff);
        d->f2 = (uint8_t)((w >> 20) & 1);
        break;
    case F_ISEL: d->rc = (uint8_t)((w >> 6) & 31); break;
    case F_MTMSR: d->f1 = (uint8_t)((w >> 16) & 1); break;
    case F_SYNC: d->f1 = (uint8_t)((w >> 21) & 3); break;
    case F_TLBIE:
        d->f1 = (uint8_t)((w >> 18) & 3);
        d->f2 = (uint8_t)((w >> 16) & 3);
        break;
    case F_DX: {
        uint32_t dd = (((w >> 6) & 0x3ff) << 6) | (((w >> 16) & 31) << 1) | (w & 1);
        d->simm = (int64_t)(int16_t)dd * 65536;
        break;
    }
    case F_Z23: d->f1 = (uint8_t)((w >> 9) & 3); break;
    case F_VA: d->rc = (uint8_t)((w >> 6) & 31); break;
    case F_DARN: d->f1 = (uint8_t)((w >> 16) & 3); break;
    case F_SETB: d->ra = (uint8_t)((w >> 18) & 7); break;
    case F_MCRXRX: d->rt = (uint8_t)((w >> 23) & 7); break;
    case F_XNB: break;
    case F_XFL:
        d->f1 = (uint8_t)((w >> 17) & 0xff);
        d->f2 = (uint8_t)((((w >> 25) & 1) << 1) | ((w >> 16) & 1));
        break;
    case F_MTFSFI:
        d->rt = (uint8_t)((w >> 23) & 7);
        d->f1 = (uint8_t)((w >> 12) & 0xf);
        d->f2 = (uint8_t)((w >> 16) & 1);
        break;
    case F_VVA:
        d->rt = (uint8_t)(rt + 32);
        d->ra = (uint8_t)(ra + 32);
        d->rb = (uint8_t)(rb + 32);
        d->rc = (uint8_t)(((w >> 6) & 31) + 32);
        d->f1 = (uint8_t)((w >> 6) & 15);
        break;
    case F_VVX:
        d->rt = (uint8_t)(rt + 32);
        d->ra = (uint8_t)(ra + 32);
        d->rb = (uint8_t)(rb + 32);
        d->f1 = (uint8_t)ra;
        d->f2 = (uint8_t)rb;
        d->uimm = (w >> 9) & 3; /* RMC of the binary128 Z23 rounds */
        break;
    case F_VLS: d->rt = (uint8_t)(rt + 32); break;
    case F_XX1:
        d->rt = (uint8_t)(rt + 32 * (w & 1));
        d->f1 = (uint8_t)((w >> 11) & 0xff);
        break;
    case F_XX2:
        d->rt = (uint8_t)(rt + 32 * (w & 1));
        d->rb = (uint8_t)(rb + 32 * ((w >> 1) & 1));
        d->ra = (uint8_t)ra;
        d->f1 = (uint8_t)ra;
        d->f2 = (uint8_t)((w >> 23) & 7);
        d->uimm = ((w >> 6) & 1) << 6 | ((w >> 2) & 1) << 5; /* xvtstdc*: dc, dm */
        break;
    case F_XX3:
    case F_XX4:
        d->rt = (uint8_t)(rt + 32 * (w & 1));
        d->ra = (uint8_t)(ra + 32 * ((w >> 2) & 1));
        d->rb = (uint8_t)(rb + 32 * ((w >> 1) & 1));
        d->rc = (uint8_t)(((w >> 6) & 31) + 32 * ((w >> 3) & 1));
        d->f1 = (uint8_t)((w >> 8) & 3);
        d->f2 = (uint8_t)((w >> 23) & 7);
        break;
    case F_DQX:
        d->rt = (uint8_t)(rt + 32 * ((w >> 3) & 1));
        d->simm = (int16_t)(w & 0xfff0);
        break;
    case F_DSV:
        d->rt = (uint8_t)(rt + 32);
        d->simm = (int16_t)(w & 0xfffc);
        break;
    }
}

/*
 * The facility of an instruction no row implements (spec/cpu.md §5.6):
 * FP, VMX or VSX, so the executor can raise the right unavailable
 * interrupt.  ISA 2.07's GPR<->VSR moves check FP or VEC by which half of
 * the VSR file they name (Book I 7.6 mfvsrd...), everything else with an
 * x* or lxv/stxv name checks VSX.
 */
static unsigned facility_of(uint32_t w)
{
    unsigned primary = w >> 26, xo10 = (w >> 1) & 0x3ff;

    switch (primary) {
    case 4: return FAC_VEC;
    case 60: return FAC_VSX;
    case 48 ... 55:
    case 59: return FAC_FP;
    case 57: /* lfdp | lxsd lxssp */
    case 61: /* stfdp | stxsd stxssp | lxv stxv (DQ) */ return (w & 3) == 0 ? FAC_FP : FAC_VSX;
    case 63:
        switch (xo10) {
        /* binary128: xsaddqp ... (X form), xsrqpi/xsrqpxp (Z23, XO 5/37) */
        case 4:
        case 36:
        case 100:
        case 132:
        case 164:
        case 388:
        case 420:
        case 452:
        case 484:
        case 516:
        case 548:
        case 644:
        case 708:
        case 804:
        case 836:
        case 868: return FAC_VSX;
        default:
            if ((w & 0x1fe) == (5 << 1) || (w & 0x1fe) == (37 << 1))
                return FAC_VSX;
            return FAC_FP;
        }
    case 31:
        switch (xo10) {
        /* FP loads and stores, indexed */
        case 535:
        case 567:
        case 599:
        case 631:
        case 855:
        case 887:
        case 663:
        case 695:
        case 727:
        case 759:
        case 983:
        case 791:
        case 919: return FAC_FP;
        /* VMX loads and stores, lvsl/lvsr */
        case 103:
        case 359:
        case 231:
        case 487:
        case 7:
        case 39:
        case 71:
        case 135:
        case 167:
        case 199:
        case 6:
        case 38: return FAC_VEC;
        /* ISA 2.07 GPR<->VSR moves: FP for VSR 0-31, VEC for 32-63 */
        case 51:
        case 115:
        case 179:
        case 211:
        case 243: return (w & 1) ? FAC_VEC : FAC_FP;
        /* VSX loads, stores and ISA 3.0 moves */
        case 12:
        case 76:
        case 140:
        case 524:
        case 652:
        case 588:
        case 716:
        case 844:
        case 972:
        case 780:
        case 908:
        case 332:
        case 268:
        case 396:
        case 269:
        case 397:
        case 301:
        case 429:
        case 364:
        case 812:
        case 876:
        case 940:
        case 1004:
        case 781:
        case 813:
        case 909:
        case 941:
        case 307:
        case 435:
        case 403: return FAC_VSX;
        default: return FAC_NONE;
        }
    default: return FAC_NONE;
    }
}

void ppc_decode(uint32_t word, struct insn *out)
{
    unsigned primary = word >> 26, xo10 = (word >> 1) & 0x3ff;
    const uint16_t *cand;

    pthread_once(&tables_once, build_tables);
    memset(out, 0, sizeof(*out));
    out->op = OP_illegal;
    for (cand = &slot_ops[slot_first[primary][xo10]]; *cand; cand++) {
        const struct insn_row *r = &rows[*cand];
        if ((word & r->mask) == r->match) {
            out->op = *cand;
            extract(word, r->form, out);
            return;
        }
    }
    out->f1 = (uint8_t)facility_of(word);
}

void ppc_specialize(struct insn *rec, unsigned slot)
{
    int64_t target;

    switch (rec->op) {
    case OP_b:
    case OP_bl:
    case OP_bc:
    case OP_bcl:
        if (rec->op == OP_bc || rec->op == OP_bcl) {
            if (rec->rb) /* AA: absolute target */
                return;
        }
        target = (int64_t)slot + (rec->simm >> 2);
        rec->rc = target >= 0 && target < 1024;
        break;
    default: return;
    }
    if (rec->op != OP_bc)
        return;
    /* BO (Book I 2.4): 0x10 ignore CR, 0x08 CR value wanted, 0x04 leave
     * CTR, 0x02 branch on CTR == 0.  The hint bits do not matter. */
    switch (rec->f1 & 0x14) {
    case 0x14: rec->op = OP_bc_always; break;
    case 0x10: rec->op = (rec->f1 & 0x02) ? OP_bdz : OP_bdnz; break;
    case 0x04: {
        unsigned bi = rec->f2;
        rec->op = (rec->f1 & 0x08) ? OP_bt : OP_bf;
        rec->f1 = (uint8_t)(1u << (3 - (bi & 3)));
        rec->f2 = (uint8_t)(bi >> 2);
        break;
    }
    default: break; /* CTR and CR together: the general bc */
    }
}

const char *ppc_op_name(unsigned op)
{
    return op < OP_COUNT ? rows[op].mnemonic : "?";
}

const char *ppc_disasm(uint32_t word, char *buf, unsigned len)
{
    struct insn d;
    const struct insn_row *r;

    ppc_decode(word, &d);
    r = &rows[d.op];
    switch (d.op == OP_illegal ? F_COUNT : r->form) {
    case F_NONE: snprintf(buf, len, "%s", r->mnemonic); break;
    case F_D:
    case F_DSH:
    case F_DS:
    case F_DQ:
    case F_TWI:
        snprintf(buf, len, "%s %u,%u,%lld", r->mnemonic, d.rt, d.ra, (long long)d.simm);
        break;
    case F_DU:
    case F_DUSH:
        snprintf(buf, len, "%s %u,%u,0x%llx", r->mnemonic, d.rt, d.ra, (unsigned long long)d.uimm);
        break;
    case F_CMPI:
        snprintf(buf, len, "%s %u,%u,%u,%lld", r->mnemonic, d.rt, d.f1, d.ra, (long long)d.simm);
        break;
    case F_CMPLI:
        snprintf(buf, len, "%s %u,%u,%u,%llu", r->mnemonic, d.rt, d.f1, d.ra,
                 (unsigned long long)d.uimm);
        break;
    case F_CMP: snprintf(buf, len, "%s %u,%u,%u,%u", r->mnemonic, d.rt, d.f1, d.ra, d.rb); break;
    case F_I: snprintf(buf, len, "%s %+lld", r->mnemonic, (long long)d.simm); break;
    case F_B:
        snprintf(buf, len, "%s %u,%u,%+lld", r->mnemonic, d.f1, d.f2, (long long)d.simm);
        break;
    case F_XLBR: snprintf(buf, len, "%s %u,%u,%u", r->mnemonic, d.f1, d.f2, d.rb); break;
    case F_SC: snprintf(buf, len, "%s %u", r->mnemonic, d.f1); break;
    case F_SPR:
        snprintf(buf, len, "%s %u,%llu", r->mnemonic, d.rt, (unsigned long long)d.uimm);
        break;
    case F_MI:
    case F_MDL:
    case F_MDR:
    case F_MDC:
    case F_XS:
    case F_XSH:
        snprintf(buf, len, "%s %u,%u,%u,0x%llx", r->mnemonic, d.ra, d.rt, d.f1,
                 (unsigned long long)d.uimm);
        break;
    case F_COUNT: snprintf(buf, len, ".long 0x%08x", word); break;
    default: snprintf(buf, len, "%s %u,%u,%u", r->mnemonic, d.rt, d.ra, d.rb); break;
    }
    return buf;
}
