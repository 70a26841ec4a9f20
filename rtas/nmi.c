/*
 * ibm,nmi-register and ibm,nmi-interlock (spec/rtas.md §4.6): firmware-
 * assisted NMIs.  The OS names its system-reset and machine-check
 * handlers; from then on a machine check enters the handler with r3 = a
 * save area inside this region (the interrupted r3, then an RTAS error
 * log), and the area stays the OS's until it calls ibm,nmi-interlock.
 * The host delivers (PETREL_H_FWNMI); the interlock word is RTAS's, just
 * before the area, set by the delivering vCPU to its index + 1.
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

/* The handlers must lie where the OS runs in real mode before it can use
 * its own mappings (LoPAPR 7.3.14: in the first 32 MiB). */
#define NMI_HANDLER_LIMIT (32u << 20)

/* [0] the interlock, [1] the interrupted r3, then the error log. */
static uint64_t fwnmi_block[2 + 2 + RTAS_ERROR_LOG_MAX / 8] __attribute__((aligned(16)));

/* args: system-reset handler, machine-check handler (real addresses). */
int32_t rtas_nmi_register(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    if (args[0] >= NMI_HANDLER_LIMIT || args[1] >= NMI_HANDLER_LIMIT || (args[0] & 3) ||
        (args[1] & 3) || !rtas_buffer_ok(args[0], 4) || !rtas_buffer_ok(args[1], 4))
        return RTAS_PARAMETER_ERROR;
    __atomic_store_n(&fwnmi_block[0], 0, __ATOMIC_RELEASE);
    if (hcall4(PETREL_H_FWNMI, args[0], args[1], (unsigned long)(uintptr_t)&fwnmi_block[1], 0,
               NULL) != H_SUCCESS)
        return RTAS_HARDWARE_ERROR;
    return RTAS_SUCCESS;
}

/* No args: releases the save area the calling CPU was handed.  -3 if
 * this CPU holds no machine-check interlock.  Called without the OS's
 * RTAS lock. */
int32_t rtas_nmi_interlock(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    uint64_t mine = (uint64_t)rtas_cpu_id() + 1;

    (void)args, (void)nargs, (void)rets, (void)nret;
    if (!__atomic_compare_exchange_n(&fwnmi_block[0], &mine, 0, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        return RTAS_PARAMETER_ERROR;
    return RTAS_SUCCESS;
}
