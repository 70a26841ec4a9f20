/*
 * The register file gdb sees for a 64-bit POWER vCPU: gdb's rs6000
 * numbering for powerpc:common64 (the core, fpu, altivec and vsx features
 * of its target descriptions) and the target description petrel sends.
 */
#ifndef PETREL_GDB_REGS_H
#define PETREL_GDB_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cpu/cpu.h"

#define GDB_NUM_REGS  137
#define GDB_REG_MAX   16 /* bytes of the largest register (vr0..vr31) */
#define GDB_REGNUM_PC 64

/* One vCPU's registers as the stub reads and writes them: the backend's
 * two register sets; has_fp is false for a backend without FP state. */
struct gdb_regfile {
    struct cpu_regs core;
    struct cpu_fp_regs fp;
    bool has_fp;
};

/* Size in bytes of register regnum, 0 if there is no such register. */
unsigned gdb_reg_size(unsigned regnum);
/*
 * Register regnum's bytes as gdb expects them: in the vCPU's current byte
 * order (MSR[LE]).  Returns false for a register the backend does not
 * hold (the floating-point and vector registers without has_fp), which
 * the stub reports as unavailable.
 */
bool gdb_reg_get(const struct gdb_regfile *r, unsigned regnum, uint8_t *buf);
/* Stores bytes in the given order; false if the register cannot be set. */
bool gdb_reg_set(struct gdb_regfile *r, unsigned regnum, const uint8_t *buf, bool le);
/* The byte order gdb sees the registers in: MSR[LE]. */
bool gdb_regs_le(const struct gdb_regfile *r);
/* The target description (qXfer:features:read, annex target.xml). */
const char *gdb_target_xml(size_t *len);

#endif
