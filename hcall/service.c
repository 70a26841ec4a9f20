/*
 * The platform-private firmware services (include/petrel/service.h): what
 * the firmware cannot do inside the guest.
 */
#include <petrel/papr.h>

#include "../vmm/machine.h"
#include "hcall.h"

/* r4 = exit status for the petrel process (0..255). */
int64_t h_petrel_power_off(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    if (args[0] > 255)
        return H_PARAMETER;
    machine_power_off(env->machine, (unsigned)args[0]);
    return H_SUCCESS;
}

/* No arguments.  The machine resets (or exits with -no-reboot). */
int64_t h_petrel_reboot(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)args;
    (void)out;
    machine_reboot(env->machine);
    return H_SUCCESS;
}
