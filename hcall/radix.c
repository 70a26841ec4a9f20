/*
 * H_REGISTER_PROC_TBL (LoPAPR 14.5.4.14; spec/hcalls.md §3.3, cpu.md
 * §3.1.1): the guest names its process table, and with it the partition's
 * MMU mode.  petrel owns the partition table; it keeps the entry's second
 * doubleword (the process table) and the LPCR bits the mode implies, and
 * hands both to every vCPU (vmm/machine.h).
 *
 * r4 = flags, r5 = table base (guest real), r6 = page size (hash only),
 * r7 = table size as log2(bytes) - 12.  Flags: MODIFY with REGISTER
 * registers a new table (RADIX: a radix one; else a hash one, where
 * HASH_PROC_TBL -- segment tables -- is not offered), MODIFY alone
 * deregisters, neither keeps the current registration, whose mode RADIX
 * must then match; GTSE lets the guest's own tlbie broadcast.  Radix
 * needs ISA 3.00: refused at the POWER8 compatibility level.
 */
#include <petrel/layout.h>
#include <petrel/papr.h>

#include "../vmm/cli.h"
#include "../vmm/cpu/cpu.h"
#include "../vmm/machine.h"
#include "hcall.h"

#define PROC_TBL_GTSE     0x01
#define PROC_TBL_HASH_PT  0x02
#define PROC_TBL_RADIX    0x04
#define PROC_TBL_REGISTER 0x08
#define PROC_TBL_MODIFY   0x10
#define PROC_TBL_FLAGS    0x1f

#define PROC_TBL_MAX_SIZE 24 /* log2(bytes) - 12: 2^36-byte table, 2^32 PIDs */

/* The radix flag of the current registration: LPCR[HR]. */
static bool registered_radix(struct machine *m)
{
    struct cpu_mmu mmu;
    uint64_t lpcr;

    machine_mmu(m, &mmu, &lpcr);
    return lpcr & CPU_LPCR_HR;
}

static bool radix_possible(struct machine *m)
{
    const struct machine_config *cfg = machine_config(m);
    uint32_t level = machine_compat_pvr(m);

    return cfg->cpu_level >= PVR_COMPAT_POWER9 && (!level || level >= PVR_COMPAT_POWER9);
}

int64_t h_register_proc_tbl(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint64_t flags = args[0], base = args[1], page_size = args[2], size = args[3];
    uint64_t proc_tbl = 0, lpcr = 0;
    struct cpu_mmu mmu;

    (void)out;
    if (flags & ~(uint64_t)PROC_TBL_FLAGS)
        return H_PARAMETER;
    if ((flags & PROC_TBL_RADIX) && !radix_possible(env->machine))
        return H_PARAMETER;
    if (flags & PROC_TBL_HASH_PT)
        return H_PARAMETER; /* hash with segment tables: not offered */
    if (!(flags & PROC_TBL_MODIFY)) {
        /* REGISTER alone is no defined request. */
        if (flags & PROC_TBL_REGISTER)
            return H_PARAMETER;
        if (!(flags & PROC_TBL_RADIX) != !registered_radix(env->machine))
            return H_PARAMETER;
        machine_mmu(env->machine, &mmu, NULL);
        proc_tbl = mmu.proc_tbl;
    } else if (flags & PROC_TBL_REGISTER) {
        if (flags & PROC_TBL_RADIX) {
            /* A 4K-aligned table below 2^60, no page size, at most 2^36 bytes. */
            if ((base & 0xfff) || (base >> 60))
                return H_P2;
            if (page_size)
                return H_P3;
            if (size > PROC_TBL_MAX_SIZE)
                return H_P4;
            proc_tbl = base | size;
        } else {
            /* Hash with an SLB: nothing petrel's hash MMU reads, but the
             * values must be what a hash partition-table entry holds. */
            if (base >> 38)
                return H_P2;
            if (page_size & ~7ull)
                return H_P3;
            if (size > PROC_TBL_MAX_SIZE)
                return H_P4;
        }
    }
    /* MODIFY without REGISTER deregisters: no table. */
    if (flags & PROC_TBL_RADIX)
        lpcr |= CPU_LPCR_UPRT | CPU_LPCR_HR;
    if (flags & PROC_TBL_GTSE)
        lpcr |= CPU_LPCR_GTSE;
    machine_set_proc_tbl(env->machine, proc_tbl, lpcr);
    return H_SUCCESS;
}
