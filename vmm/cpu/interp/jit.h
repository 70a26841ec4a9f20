/*
 * The block compiler: straight-line runs of pre-decoded records turned
 * into x86-64 code whose guest registers live in host registers for the
 * length of the block (spec/cpu.md §5.4; bench/README.md says why an
 * interpreter alone cannot reach the integer goal).
 *
 * A block starts at a hot slot of a decoded page (a branch target the
 * executor entered often), covers the instructions jit.c can translate,
 * and ends at the first branch, at the first instruction it cannot
 * translate, or at the page end.  A block whose final branch goes back to
 * its own start loops inside the host code (checking cpu->attention every
 * time round), so a counted loop never leaves its host registers.
 *
 * Blocks run only in 64-bit mode, with the byte order of their page.  A
 * soft-TLB miss or anything else unusual leaves the block with the guest
 * state exact at that instruction, and the interpreter runs it.  FP, VMX
 * and VSX instructions call jit_run_insn (jit_helper.h), which delivers
 * their interrupts; the block then returns JIT_LOOKUP.  The hot ones run
 * inline (jit_fp.inc) while their fast path's conditions hold.
 */
#ifndef PETREL_INTERP_JIT_H
#define PETREL_INTERP_JIT_H

#include <stdbool.h>
#include <stdint.h>

struct ppc_cpu;
struct code_page;

/*
 * A compiled block.  Entered with cpu->nip = the block's first
 * instruction; leaves cpu->nip at the next instruction to run and returns
 * JIT_CONTINUE (run on from there, through any block that starts there),
 * JIT_INTERPRET (the interpreter must run that instruction itself) or
 * JIT_LOOKUP (an interrupt was delivered: cpu->nip is its vector, and the
 * MSR changed, so the executor translates nip afresh).
 */
typedef int (*jit_block_fn)(struct ppc_cpu *cpu);
enum { JIT_CONTINUE = 0, JIT_INTERPRET = 1, JIT_LOOKUP = 2 };

/* A chaining jump of one block that waits for a block at `target`. */
struct jit_link {
    uint8_t *field; /* its rel32 */
    uint16_t target;
};

/*
 * Per code page: the block starting at each slot, if any, where another
 * block of the page may jump into it (past its prologue), and the jumps
 * still waiting for a block.  Blocks chain only within their page, so
 * dropping a page's records (a write to it) drops everything that could
 * jump into its code.
 */
struct jit_page {
    jit_block_fn entry[1024];
    uint8_t *chain[1024];
    struct jit_link *links;
    unsigned nlinks, cap;
};
void jit_page_free(struct jit_page *jp);

struct jit;

/* Branch entries before a slot is compiled (ppc_cpu.jit_hot). */
#define JIT_HOT_DEFAULT 8

/* NULL when the host cannot run generated code (not x86-64, no mapping). */
struct jit *jit_new(void);
void jit_free(struct jit *j);
/* Forgets every block (the caller has dropped every jit_page). */
void jit_reset(struct jit *j);
/* True once the code area is full: the caller empties its code cache at
 * the next safe point and calls jit_reset. */
bool jit_full(const struct jit *j);

/*
 * Compiles the block starting at `slot` of `page` for a vCPU in 64-bit
 * mode, decoding slots as needed.  Returns NULL when the first
 * instruction cannot be compiled, or when the code area or memory ran
 * out.
 */
jit_block_fn jit_compile(struct jit *j, struct code_page *page, unsigned slot);

/* Blocks compiled, and times the area was emptied, so far (tests). */
uint64_t jit_blocks_compiled(const struct jit *j);
uint64_t jit_resets(const struct jit *j);

#endif
