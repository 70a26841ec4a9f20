/*
 * query-cpu-stopped-state, start-cpu and stop-self (spec/rtas.md §4.4):
 * the CPU's number is its hardware id (PIR, an ibm,ppc-interrupt-server#s
 * entry); the host changes the run state (PETREL_H_START_CPU...).
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

/* args: cpu.  rets: 0 stopped, 1 stop in progress, 2 running. */
int32_t rtas_query_cpu_stopped_state(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                     uint32_t nret)
{
    unsigned long out[4];

    (void)nargs, (void)nret;
    if (hcall4(PETREL_H_QUERY_CPU, args[0], 0, 0, 0, out) != H_SUCCESS)
        return RTAS_PARAMETER_ERROR;
    rets[1] = (uint32_t)out[0];
    return RTAS_SUCCESS;
}

/* args: cpu, real start address, its r3.  A CPU that runs is a hardware
 * error (it cannot be started twice); a bad number or address a
 * parameter error. */
int32_t rtas_start_cpu(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    switch (hcall4(PETREL_H_START_CPU, args[0], args[1], args[2], 0, NULL)) {
    case H_SUCCESS: return RTAS_SUCCESS;
    case H_RESOURCE: return RTAS_HARDWARE_ERROR;
    default: return RTAS_PARAMETER_ERROR;
    }
}

/* Called without the OS's RTAS lock, on this CPU's own stack.  The CPU
 * parks as the hcall completes: nothing after it runs, unless the host
 * refused. */
int32_t rtas_stop_self(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)args, (void)nargs, (void)rets, (void)nret;
    if (rtas_tracing())
        rtas_trace_text("stop-self -> this CPU stops", "", 0);
    hcall4(PETREL_H_STOP_SELF, 0, 0, 0, 0, NULL);
    return RTAS_HARDWARE_ERROR;
}
