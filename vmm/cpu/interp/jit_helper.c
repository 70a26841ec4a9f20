/*
 * One FP, VMX or VSX instruction run for a compiled block (jit_helper.h).
 *
 * The handlers are the interpreter's (exec_fp.inc, exec_vmx.inc,
 * exec_vsx.inc), compiled here a second time in a different vocabulary:
 * OP(name) is a case of a switch on the record's op, NEXT() returns, the
 * instruction address is an argument, and the executor's `lookup` and
 * `fault` labels become returns.  One source of semantics for both paths;
 * tests/isa runs every vector through both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/papr.h>

#include "decode.h"
#include "exec.h"
#include "fpu.h"
#include "jit_helper.h"
#include "mmu.h"
#include "ppc.h"
#include "vcrypto.h"
#include "vecops.h"

/* The FP, VMX and VSX rows, and which of them touch no GPR: primary
 * opcodes 59 and 63 (FP arithmetic, FPSCR moves, binary128) and 60 (VSX
 * register forms, but for three ISA 3.0 exponent/significand moves) never
 * name a GPR; of primary 4 (VMX), the VA forms. */
#define INSN(name, mn, form, p, mask, match)                                                       \
    [OP_##name] = 1 + ((p) == 59 || (p) == 60 || (p) == 63 || ((p) == 4 && F_##form == F_VVA)),
static const uint8_t run_class[OP_COUNT] = {
#include "ops_fp.def"
#include "ops_vmx.def"
#include "ops_vsx.def"
};
#undef INSN

bool jit_run_handles(unsigned op)
{
    return op < OP_COUNT && run_class[op] != 0;
}

bool jit_run_gpr_free(unsigned op)
{
    switch (op) {
    case OP_xsiexpdp: /* primary 60, yet RA, RB and RT are GPRs */
    case OP_xsxexpdp:
    case OP_xsxsigdp: return false;
    default: return op < OP_COUNT && run_class[op] == 2;
    }
}

int jit_run_insn(struct ppc_cpu *cpu, struct insn *rec, uint64_t cia)
{
    uint64_t *gpr = cpu->gpr;

#define OP(name) case OP_##name:
#define NEXT()   return JIT_RUN_NEXT
#define CIA()    (cia)
#define NIA()    ((cia + 4) & cpu->ea_mask)
#include "exec_vocab.h"

    switch (rec->op) {
#include "exec_fp.inc"
#include "exec_vmx.inc"
#include "exec_vsx.inc"
    default: return JIT_RUN_INTERPRET;
    }

lookup:
    return JIT_RUN_RAISED;
fault:
    /* A debugger's watchpoint stops before the access: the executor's. */
    if (cpu->fault.vector == VEC_DEBUG_STOP)
        return JIT_RUN_INTERPRET;
    ppc_deliver_fault(cpu, cia);
    return JIT_RUN_RAISED;
}
