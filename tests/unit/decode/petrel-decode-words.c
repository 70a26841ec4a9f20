/*
 * Host helper for check_objdump.py: runs petrel's instruction decoder
 * over words given on stdin and prints what it found.
 *
 *   petrel-decode-words          hex words on stdin (whitespace-separated,
 *                                optional 0x), one output line per word:
 *       WORD MNEMONIC FORM rt ra rb rc f1 f2 IMM
 *     WORD and IMM (the simm/uimm union, 64 bits) in hex, the rest decimal;
 *     MNEMONIC is "(illegal)" and FORM "-" for words petrel rejects.
 *   petrel-decode-words --rows   every row of the ops_*.def tables:
 *       OP NAME MNEMONIC FORM PRIMARY MASK MATCH     (MASK, MATCH in hex)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cpu/interp/decode.h"

static const char *const form_names[F_COUNT] = {
#define FORM(f) #f,
#include "vmm/cpu/interp/forms.def"
#undef FORM
};

struct row {
    const char *name, *mnemonic;
    unsigned op, form, primary;
    uint32_t mask, match;
};

static const struct row rows[] = {
#define INSN(nm, mn, f, p, m, x) {#nm, mn, OP_##nm, F_##f, p, m, x},
#include "vmm/cpu/interp/ops_all.def"
#undef INSN
};

static const struct row *row_of(unsigned op)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (rows[i].op == op)
            return &rows[i];
    return NULL;
}

int main(int argc, char **argv)
{
    char tok[64];

    if (argc > 1 && strcmp(argv[1], "--rows") == 0) {
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
            printf("%u %s %s %s %u %08" PRIx32 " %08" PRIx32 "\n", rows[i].op, rows[i].name,
                   rows[i].mnemonic, form_names[rows[i].form], rows[i].primary, rows[i].mask,
                   rows[i].match);
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "usage: %s [--rows] < words\n", argv[0]);
        return 2;
    }
    while (scanf("%63s", tok) == 1) {
        char *end;
        unsigned long v = strtoul(tok, &end, 16);
        struct insn d;
        const struct row *r;

        if (*end || v > 0xffffffffu) {
            fprintf(stderr, "bad word '%s'\n", tok);
            return 2;
        }
        ppc_decode((uint32_t)v, &d);
        r = d.op == OP_illegal ? NULL : row_of(d.op);
        printf("%08lx %s %s %u %u %u %u %u %u %016" PRIx64 "\n", v, ppc_op_name(d.op),
               r ? form_names[r->form] : "-", d.rt, d.ra, d.rb, d.rc, d.f1, d.f2, d.uimm);
    }
    return 0;
}
