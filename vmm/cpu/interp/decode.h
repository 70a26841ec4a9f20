/*
 * Instruction decoder: a 32-bit instruction word -> an op number and its
 * operand fields, pre-computed once so the executor never looks at the
 * word again (spec/cpu.md §5.4).
 *
 * Every instruction is one row of an ops_*.def table:
 *     INSN(name, "mnemonic", FORM, primary, mask, match)
 * It matches when the primary opcode (bits 0:5) is `primary` and
 * (word & mask) == match.  Masks cover only the bits that identify the
 * instruction -- never reserved fields, which real code sets (Linux's
 * eieio with bit 6: spec/cpu.md §1.4).  FORM names how operands are
 * extracted (forms.h).  The helpers below expand the usual Rc/OE families.
 */
#ifndef PETREL_INTERP_DECODE_H
#define PETREL_INTERP_DECODE_H

#include <stdint.h>

/* Rc = bit 31, OE = bit 21 (IBM numbering); masks are on the whole word. */
#define X_RC  0x1u
#define XO_OE 0x400u

/* Extended opcode in bits 21:30 (X, XL, XFX, XX1 forms); Rc ignored. */
#define X10(name, mn, form, p, xo) INSN(name, mn, form, p, 0x7fe, (xo) << 1)
/* Same, with Rc=0 and Rc=1 as two ops (name and name_rc, "mn" and "mn."). */
#define X10RC(name, mn, form, p, xo)                                                               \
    INSN(name, mn, form, p, 0x7ff, (xo) << 1)                                                      \
    INSN(name##_rc, mn ".", form, p, 0x7ff, ((xo) << 1) | 1)
/* Same, an instruction that only exists with Rc=1 (stwcx., and. forms). */
#define X10R1(name, mn, form, p, xo) INSN(name, mn, form, p, 0x7ff, ((xo) << 1) | 1)
/* XO form: 9-bit XO in 22:30, OE and Rc -> four ops (name, name_rc, name##o, name##o_rc). */
#define XO9OE(name, mn, p, xo)                                                                     \
    INSN(name, mn, XO, p, 0x7ff, (xo) << 1)                                                        \
    INSN(name##_rc, mn ".", XO, p, 0x7ff, ((xo) << 1) | 1)                                         \
    INSN(name##o, mn "o", XO, p, 0x7ff, ((xo) << 1) | XO_OE)                                       \
    INSN(name##o_rc, mn "o.", XO, p, 0x7ff, ((xo) << 1) | XO_OE | 1)
/* XO form without an OE variant (bit 21 reserved: mulhw, mulhd...). */
#define XO9RC(name, mn, p, xo)                                                                     \
    INSN(name, mn, XO, p, 0x3ff, (xo) << 1)                                                        \
    INSN(name##_rc, mn ".", XO, p, 0x3ff, ((xo) << 1) | 1)
/* D form: the primary opcode is the whole identity. */
#define DFORM(name, mn, form, p) INSN(name, mn, form, p, 0, 0)
/* DS form: XO in bits 30:31. */
#define DSFORM(name, mn, form, p, xo) INSN(name, mn, form, p, 0x3, xo)
/* M form (rlwinm...): primary + Rc. */
#define MFORM(name, mn, form, p)                                                                   \
    INSN(name, mn, form, p, 0x1, 0)                                                                \
    INSN(name##_rc, mn ".", form, p, 0x1, 1)
/* MD form (opcode 30): XO in bits 27:29, + Rc. */
#define MDFORM(name, mn, form, xo)                                                                 \
    INSN(name, mn, form, 30, 0x1d, (xo) << 2)                                                      \
    INSN(name##_rc, mn ".", form, 30, 0x1d, ((xo) << 2) | 1)
/* MDS form (opcode 30): XO in bits 27:30, + Rc. */
#define MDSFORM(name, mn, form, xo)                                                                \
    INSN(name, mn, form, 30, 0x1f, (xo) << 1)                                                      \
    INSN(name##_rc, mn ".", form, 30, 0x1f, ((xo) << 1) | 1)
/* XS form (sradi, extswsli): 9-bit XO in 21:29, sh5 in bit 30, + Rc. */
#define XSFORM(name, mn, form, xo)                                                                 \
    INSN(name, mn, form, 31, 0x7fd, (xo) << 2)                                                     \
    INSN(name##_rc, mn ".", form, 31, 0x7fd, ((xo) << 2) | 1)

enum insn_form {
#define FORM(f) F_##f,
#include "forms.def"
#undef FORM
    F_COUNT
};

enum insn_op {
    OP_illegal = 0, /* anything that decodes to nothing: program interrupt */
    OP_decode,      /* not yet decoded (lazy decode slot) */
    OP_page_end,    /* sentinel after the last slot of a page */
#define INSN(name, mn, form, p, mask, match) OP_##name,
#include "ops_all.def"
#undef INSN
    /*
     * Specialised forms the executor substitutes when a slot is first
     * decoded (ppc_specialize): bc split by its BO pattern, so the common
     * branches test one thing.  Never produced by ppc_decode.
     */
    OP_bc_always,
    OP_bdnz,
    OP_bdz,
    OP_bt,
    OP_bf,
    OP_COUNT
};

/*
 * One pre-decoded instruction: 32 bytes, so that a record's slot is a
 * shift away from its address.  Field meaning depends on the form
 * (forms.def says which); the executor's handler for `op` knows.
 */
struct insn {
    const void *handler;
    union {
        int64_t simm;  /* sign-extended immediate / displacement */
        uint64_t uimm; /* zero-extended immediate, rotate mask, SPR number */
    };
    uint16_t op;
    uint8_t rt, ra, rb, rc; /* register / CR-field numbers */
    uint8_t f1, f2;         /* small fields: SH, BO, BI, L, LEV, FXM... */
    uint8_t heat;           /* times entered by a branch (exec.c: block compiler) */
    uint8_t spare[7];
};
_Static_assert(sizeof(struct insn) == 32, "struct insn is a power of two");

/* Decodes `word` (already in big-endian order of its bits) into *out;
 * out->handler is left NULL.  Unknown words give OP_illegal. */
void ppc_decode(uint32_t word, struct insn *out);
/*
 * Specialises a decoded record for slot `slot` of a 1024-slot code page:
 * relative branches learn whether their target is in the same page
 * (rc = 1), and bc becomes one of the OP_bc_always..OP_bf forms, whose
 * f1/f2 then hold the CR bit mask and CR field (bt/bf).
 */
void ppc_specialize(struct insn *rec, unsigned slot);
const char *ppc_op_name(unsigned op);
/* Formats "mnemonic operands" for traces and tests; returns buf. */
const char *ppc_disasm(uint32_t word, char *buf, unsigned len);

#endif
