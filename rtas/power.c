/*
 * power-off and system-reboot (spec/rtas.md §4.2): the VM stops or resets
 * through the host (include/petrel/service.h).  Neither returns on
 * success; if the host refuses, the call fails with a hardware error.
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

/* args: power-on mask hi, lo.  petrel has no timed power-on: the masks
 * are ignored, and a power-off is a clean exit (status 0). */
int32_t rtas_power_off(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)args, (void)nargs, (void)rets, (void)nret;
    if (rtas_tracing())
        rtas_trace_text("power-off -> the machine stops", "", 0);
    hcall4(PETREL_H_POWER_OFF, 0, 0, 0, 0, NULL);
    return RTAS_HARDWARE_ERROR;
}

int32_t rtas_system_reboot(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)args, (void)nargs, (void)rets, (void)nret;
    if (rtas_tracing())
        rtas_trace_text("system-reboot -> the machine resets", "", 0);
    hcall4(PETREL_H_REBOOT, 0, 0, 0, 0, NULL);
    return RTAS_HARDWARE_ERROR;
}
