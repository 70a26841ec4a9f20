/*
 * Differential ISA tests: what the ppc64 harness (harness.c, run under
 * qemu-ppc64/qemu-ppc64le) and the host side (isa-check.c, petrel) agree
 * on -- the fixed guest addresses and the layout of a vector and of a
 * result record.  README.md describes the method.
 *
 * Both records are made of 64-bit fields and 32-bit instruction words and
 * travel in the byte order of the guest being tested (big-endian for
 * qemu-ppc64, little-endian for qemu-ppc64le): the harness uses them as
 * plain structs, the host swaps.
 */
#ifndef PETREL_ISA_H
#define PETREL_ISA_H

/* Guest addresses, identical under qemu-user and in petrel's RAM. */
#define ISA_SEQ      0x00800000 /* entry: the sequence, or a branch to it */
#define ISA_SEQ_MAP  0x10000    /* bytes mapped there (the sequence may cross pages) */
#define ISA_MEM      0x00900f80 /* the memory block: it straddles a page boundary */
#define ISA_MEM_MAP  0x00900000 /* the 64 KiB mapping that holds it */
#define ISA_MEM_SIZE 256
#define ISA_CTX      0x00a00000 /* harness context; r1 points into it */
#define ISA_CTX_SIZE 0x10000
#define ISA_CTXP     (ISA_CTX + 0xf000) /* r1 while a sequence runs */
#define ISA_MAX_INSN 8

/* Offsets in struct isa_ctx (the harness's asm uses them). */
#define CTX_IN      0    /* struct isa_state: the inputs */
#define CTX_OUT     1360 /* struct isa_state: the outputs */
#define CTX_SAVE    2720 /* the harness's own registers while a vector runs */
#define CTX_SCRATCH 2920 /* a doubleword for the reservation-clearing stdcx. */

/* Offsets in struct isa_state. */
#define ST_GPR    0
#define ST_CR     256
#define ST_XER    264
#define ST_LR     272
#define ST_CTR    280
#define ST_TAR    288
#define ST_VRSAVE 296
#define ST_SIGNO  304 /* outputs: 0 or the signal that ended the run */
#define ST_NIP    312 /* outputs: the signal's instruction address */
#define ST_FPSCR  320
#define ST_VSCR   328
#define ST_VSR    336 /* 64 x {doubleword 0, doubleword 1} */

/* XER bits a vector may hold and that are compared: SO OV CA OV32 CA32 BC. */
#define ISA_XER_MASK 0xe00c007full

#ifndef __ASSEMBLER__
#include <stdint.h>

struct isa_state {
    uint64_t gpr[32];
    uint64_t cr, xer, lr, ctr, tar, vrsave;
    uint64_t signo, nip;
    uint64_t fpscr, vscr;
    uint64_t vsr[64][2]; /* VSR i: doubleword 0 (FPR i for i < 32), doubleword 1 */
};

/*
 * One test vector, as the harness reads it from stdin.  The sequence is
 * placed at `at`; when that is not ISA_SEQ, ISA_SEQ holds `b at` (so a
 * sequence can start anywhere, e.g. just before a page boundary).
 */
struct isa_vec {
    struct isa_state in; /* signo, nip unused */
    uint64_t n;          /* instructions in insn[] */
    uint64_t at;         /* address of insn[0]: ISA_SEQ, or above ISA_SEQ + 4 */
    uint32_t insn[ISA_MAX_INSN];
    uint8_t mem[ISA_MEM_SIZE];
};

/* One result, as the harness writes it to stdout. */
struct isa_res {
    struct isa_state out;
    uint8_t mem[ISA_MEM_SIZE];
};

struct isa_ctx {
    struct isa_state in;
    struct isa_state out;
    uint64_t save[25]; /* r1 r2 r13 r14..r31 lr cr */
    uint64_t scratch[2];
};

_Static_assert(sizeof(struct isa_state) == 1360, "isa_state layout");
_Static_assert(__builtin_offsetof(struct isa_state, vsr) == ST_VSR, "state layout");
_Static_assert(__builtin_offsetof(struct isa_ctx, out) == CTX_OUT, "ctx layout");
_Static_assert(__builtin_offsetof(struct isa_ctx, save) == CTX_SAVE, "ctx layout");
_Static_assert(__builtin_offsetof(struct isa_ctx, scratch) == CTX_SCRATCH, "ctx layout");
_Static_assert(__builtin_offsetof(struct isa_state, nip) == ST_NIP, "state layout");
_Static_assert(__builtin_offsetof(struct isa_state, vrsave) == ST_VRSAVE, "state layout");
#endif

#endif
