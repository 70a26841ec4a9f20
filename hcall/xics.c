/*
 * The XICS presenter hcalls (spec/hcalls.md §3.7, irq.md §2.2; LoPAPR
 * "Interrupt Support hcall()s"): argument checks here, semantics in
 * irq/xics.c.  In XIVE mode they are H_FUNCTION (hcalls.md §7).
 */
#include <petrel/papr.h>
#include <petrel/service.h>

#include "../irq/irq.h"
#include "../vmm/cpu/cpu.h"
#include "../vmm/machine.h"
#include "hcall.h"

/* The controller, if XICS is in force.  The mode may change right after
 * this check: each irq/ call re-checks nothing, but a switch only happens
 * with every presenter idle, so a late call finds reset state. */
static struct irq_ctl *xics(struct hcall_env *env)
{
    struct irq_ctl *ctl = machine_irq(env->machine);

    return irq_mode(ctl) == PETREL_IC_XICS ? ctl : NULL;
}

/* r4 = the caller's CPPR (ignored).  r4 out = XIRR; accepting sets CPPR
 * to the interrupt's priority. */
int64_t h_xirr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct irq_ctl *ctl = xics(env);

    (void)args;
    if (!ctl)
        return H_FUNCTION;
    out[0] = xics_accept(ctl, env->vcpu);
    return H_SUCCESS;
}

/* As H_XIRR, and r5 out = the timebase at the accept. */
int64_t h_xirr_x(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct irq_ctl *ctl = xics(env);
    const struct cpu_backend *be = machine_backend(env->machine);

    (void)args;
    if (!ctl)
        return H_FUNCTION;
    out[0] = xics_accept(ctl, env->vcpu);
    out[1] = be->read_tb(machine_cpu(env->machine, env->vcpu));
    return H_SUCCESS;
}

/* r4 = XIRR: CPPR to restore in bits 31:24, the source in 23:0. */
int64_t h_eoi(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct irq_ctl *ctl = xics(env);

    (void)out;
    if (!ctl)
        return H_FUNCTION;
    if (args[0] > 0xffffffffull)
        return H_PARAMETER;
    xics_eoi(ctl, env->vcpu, (uint32_t)args[0]);
    return H_SUCCESS;
}

/* r4 = new CPPR. */
int64_t h_cppr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct irq_ctl *ctl = xics(env);

    (void)out;
    if (!ctl)
        return H_FUNCTION;
    if (args[0] > 0xff)
        return H_PARAMETER;
    xics_set_cppr(ctl, env->vcpu, (uint8_t)args[0]);
    return H_SUCCESS;
}

/* r4 = server, r5 = MFRR (0xff: no IPI). */
int64_t h_ipi(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct irq_ctl *ctl = xics(env);

    (void)out;
    if (!ctl)
        return H_FUNCTION;
    if (args[0] >= irq_servers(ctl) || args[1] > 0xff)
        return H_PARAMETER;
    xics_set_mfrr(ctl, (unsigned)args[0], (uint8_t)args[1]);
    return H_SUCCESS;
}

/* r4 = server.  r4 out = its XIRR, r5 = its MFRR, nothing accepted. */
int64_t h_ipoll(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct irq_ctl *ctl = xics(env);
    uint32_t xirr;
    uint8_t mfrr;

    if (!ctl)
        return H_FUNCTION;
    if (args[0] >= irq_servers(ctl))
        return H_PARAMETER;
    xics_poll(ctl, (unsigned)args[0], &xirr, &mfrr);
    out[0] = xirr;
    out[1] = mfrr;
    return H_SUCCESS;
}
