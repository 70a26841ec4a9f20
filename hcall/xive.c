/*
 * The XIVE exploitation-mode hcalls (spec/hcalls.md §3.8, irq.md §3):
 * registers in, registers out; irq/xive.c checks every argument and
 * answers H_FUNCTION unless XIVE is in force.  The OS reporting line is
 * not offered (H_FUNCTION in every mode, as hcalls.md §3.8 says).
 */
#include <petrel/papr.h>

#include "../irq/irq.h"
#include "../vmm/machine.h"
#include "hcall.h"

#define CTL(env) machine_irq((env)->machine)

/* flags, LISN -> flags, EOI page, trigger page, page shift */
int64_t h_int_get_source_info(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    return xive_get_source_info(CTL(env), args[0], args[1], out);
}

/* flags, LISN, target, priority, EISN */
int64_t h_int_set_source_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    return xive_set_source_config(CTL(env), args[0], args[1], args[2], args[3], args[4]);
}

/* flags, LISN -> target, priority, EISN */
int64_t h_int_get_source_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    return xive_get_source_config(CTL(env), args[0], args[1], out);
}

/* flags, target, priority -> notification page, log2 size */
int64_t h_int_get_queue_info(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    return xive_get_queue_info(CTL(env), args[0], args[1], args[2], out);
}

/* flags, target, priority, queue page, log2 size */
int64_t h_int_set_queue_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    return xive_set_queue_config(CTL(env), args[0], args[1], args[2], args[3], args[4]);
}

/* flags, target, priority -> flags, page, log2 size, index (debug) */
int64_t h_int_get_queue_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    return xive_get_queue_config(CTL(env), args[0], args[1], args[2], out);
}

int64_t h_int_os_reporting_line(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)env;
    (void)args;
    (void)out;
    return H_FUNCTION;
}

/* flags (store), LISN, offset in the management page, data -> load result */
int64_t h_int_esb(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    return xive_esb_hcall(CTL(env), args[0], args[1], args[2], args[3], out);
}

/* flags, LISN */
int64_t h_int_sync(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    return xive_sync(CTL(env), args[0], args[1]);
}

/* flags */
int64_t h_int_reset(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    return xive_reset_all(CTL(env), args[0]);
}
