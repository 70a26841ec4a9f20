/*
 * Starting and stopping vCPUs for RTAS start-cpu, stop-self and
 * query-cpu-stopped-state (service.h PETREL_H_START_CPU..., spec/rtas.md
 * §4.4), and where the vCPUs deliver machine checks once the OS asked for
 * firmware-assisted NMIs (ibm,nmi-register, §4.6).  The policy -- which
 * CPU, when, from where -- is the guest's; the host only changes run
 * states, under the machine lock, and vectors.
 */
#include <petrel/papr.h>
#include <petrel/service.h>

#include "../vmm/machine.h"
#include "../vmm/memory.h"
#include "hcall.h"

/* r4 = vCPU id, r5 = real start address, r6 = its r3. */
int64_t h_petrel_start_cpu(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct guest_mem *mem = machine_mem(env->machine);
    uint64_t id = args[0], nip = args[1];

    (void)out;
    if (id >= machine_vcpu_count(env->machine) || (nip & 3) || !guest_ram_contains(mem, nip, 4))
        return H_PARAMETER;
    switch (machine_vcpu_start(env->machine, (unsigned)id, nip, args[2])) {
    case 0: return H_SUCCESS;
    case -2: return H_RESOURCE;
    default: return H_PARAMETER;
    }
}

/* No arguments: the caller parks once this hcall is done. */
int64_t h_petrel_stop_self(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)args;
    (void)out;
    machine_vcpu_stop_self(env->machine, env->vcpu);
    return H_SUCCESS;
}

/* r4 = system-reset vector, r5 = machine-check vector, r6 = save area. */
int64_t h_petrel_fwnmi(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct guest_mem *mem = machine_mem(env->machine);
    uint64_t sreset = args[0], mce = args[1], area = args[2];

    (void)out;
    if ((sreset & 3) || (mce & 3) || (area & 7) || area < 8 ||
        !guest_ram_contains(mem, sreset, 4) || !guest_ram_contains(mem, mce, 4) ||
        !guest_ram_contains(mem, area - 8, 8 + 16 + RTAS_ERROR_LOG_MAX))
        return H_PARAMETER;
    machine_set_fwnmi(env->machine, sreset, mce, area);
    return H_SUCCESS;
}

/* r4 = vCPU id; r4 out = PETREL_CPU_STOPPED, _STOPPING or _RUNNING. */
int64_t h_petrel_query_cpu(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    int state;

    if (args[0] >= machine_vcpu_count(env->machine))
        return H_PARAMETER;
    state = machine_vcpu_state(env->machine, (unsigned)args[0]);
    if (state < 0)
        return H_PARAMETER;
    out[0] = (uint64_t)state;
    return H_SUCCESS;
}
