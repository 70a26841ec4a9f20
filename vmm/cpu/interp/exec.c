/*
 * The interpreter's executor: threaded dispatch over pre-decoded pages
 * (spec/cpu.md §5.4).
 *
 * Each code page holds one struct insn per instruction slot plus a
 * sentinel; a handler does its work and jumps straight to the next
 * record's handler (GCC labels as values), so there is no central loop
 * and no re-decoding.  The current instruction address is never stored
 * per instruction: it is derived from the record's position when needed
 * (CIA()).  Branches inside the page jump to the target record directly;
 * anything else goes through `lookup`, which translates the address,
 * finds (or creates) the decoded page and re-validates it against the
 * page's write generation.
 *
 * The handlers live in exec_*.inc, one file per instruction group, all
 * included into interp_exec's body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/papr.h>

#include "../../trace.h"
#include "codecache.h"
#include "decode.h"
#include "exec.h"
#include "fpu.h"
#include "vecops.h"
#include "vcrypto.h"
#include "jit.h"
#include "mmu.h"
#include "ppc.h"

const void *const *interp_op_handlers;

/*
 * Two executors from one body (exec_body.inc): the plain one, and one
 * that counts every instruction in cpu->icount (-M boot-report).  A
 * process uses one of them for all its vCPUs: records hold handler
 * addresses inside the executor that decoded them.
 */
static bool use_counting;

#define EXEC_FN        exec_plain
#define COUNT_INSN()   ((void)0)
#define UNCOUNT_INSN() ((void)0)
#include "exec_body.inc"
#undef EXEC_FN
#undef COUNT_INSN
#undef UNCOUNT_INSN

#define EXEC_FN exec_counting
/* -icount's decrementer fires at an instruction count (dectimer.c). */
#define COUNT_INSN()                                                                               \
    do {                                                                                           \
        if (unlikely(++cpu->icount >= cpu->dec_icount_at))                                         \
            ppc_icount_dec_due(cpu);                                                               \
    } while (0)
#define UNCOUNT_INSN() (cpu->icount--)
#include "exec_body.inc"
#undef EXEC_FN
#undef COUNT_INSN
#undef UNCOUNT_INSN

void interp_init_handlers(bool counting)
{
    if (interp_op_handlers)
        return;
    use_counting = counting;
    if (counting)
        exec_counting(NULL, NULL);
    else
        exec_plain(NULL, NULL);
}

void interp_exec(struct ppc_cpu *cpu, struct cpu_exit *exit)
{
    if (use_counting)
        exec_counting(cpu, exit);
    else
        exec_plain(cpu, exit);
}
