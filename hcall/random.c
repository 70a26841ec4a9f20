/*
 * H_RANDOM (LoPAPR 14.15.1): 64 bits from the host's getrandom, the
 * source the guest's pseries-rng driver feeds its entropy pool from.
 */
#include <errno.h>
#include <sys/random.h>

#include <petrel/papr.h>

#include "hcall.h"

int64_t h_random(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint64_t v;
    ssize_t n;

    (void)env;
    (void)args;
    do
        n = getrandom(&v, sizeof(v), 0);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(v))
        return H_HARDWARE;
    out[0] = v;
    return H_SUCCESS;
}
