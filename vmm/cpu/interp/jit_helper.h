/*
 * Out-of-line execution of one FP, VMX or VSX instruction for a compiled
 * block (jit.c): the interpreter's own handlers (exec_fp.inc,
 * exec_vmx.inc, exec_vsx.inc) built a second time as the cases of one
 * function, so a block keeps these instructions instead of ending before
 * them.
 */
#ifndef PETREL_INTERP_JIT_HELPER_H
#define PETREL_INTERP_JIT_HELPER_H

#include <stdbool.h>
#include <stdint.h>

struct ppc_cpu;
struct insn;

/* What jit_run_insn did. */
enum {
    JIT_RUN_NEXT = 0,      /* completed: go on with the next instruction */
    JIT_RUN_RAISED = 1,    /* delivered an interrupt: cpu->nip is its vector */
    JIT_RUN_INTERPRET = 2, /* had no effect: the interpreter must run it */
};

/*
 * Runs the FP/VMX/VSX instruction `rec` at address `cia` exactly as the
 * interpreter would: facility-unavailable, FP-enabled program and storage
 * interrupts are delivered here (SRR0 = cia).  A debugger's watchpoint
 * stop is left to the interpreter (JIT_RUN_INTERPRET).  Reads and writes
 * cpu->gpr, so the caller keeps them current around the call.
 */
int jit_run_insn(struct ppc_cpu *cpu, struct insn *rec, uint64_t cia);

/* Whether jit_run_insn runs `op` (the rows of ops_fp.def, ops_vmx.def,
 * ops_vsx.def). */
bool jit_run_handles(unsigned op);

/* Whether `op` leaves the GPRs alone (neither reads nor writes them):
 * FP arithmetic, VSX register forms, VMX VA forms. */
bool jit_run_gpr_free(unsigned op);

#endif
