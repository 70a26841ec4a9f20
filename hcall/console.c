/*
 * Console hcalls on the hvterm vty (LoPAPR 14.6.4.2; spec/hcalls.md §3.1):
 * up to 16 bytes per call, packed big-endian in two registers, first byte
 * in the most significant byte.  Only the platform's one vterm exists.
 */
#include <petrel/papr.h>

#include "../vmm/console.h"
#include "../vmm/machine.h"
#include "hcall.h"

/* H_PUT_TERM_CHAR: r4 = terminal, r5 = length, r6..r7 = bytes. */
int64_t h_put_term_char(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint8_t buf[PAPR_TERM_MAX_CHARS];
    uint64_t len = args[1];

    (void)out;
    if (args[0] != PAPR_VTERM_UNIT)
        return H_PARAMETER;
    if (len > PAPR_TERM_MAX_CHARS)
        return H_PARAMETER;
    for (unsigned i = 0; i < len; i++)
        buf[i] = (uint8_t)(args[2 + i / 8] >> (56 - 8 * (i % 8)));
    if (len)
        console_write(machine_console(env->machine), buf, len);
    return H_SUCCESS;
}

/* H_GET_TERM_CHAR: r4 = terminal; returns r4 = count, r5..r6 = bytes. */
int64_t h_get_term_char(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint8_t buf[PAPR_TERM_MAX_CHARS];
    size_t n = 0;

    if (args[0] != PAPR_VTERM_UNIT)
        return H_PARAMETER;
    n = console_read(machine_console(env->machine), buf, sizeof(buf));
    out[0] = n;
    for (size_t i = 0; i < n; i++)
        out[1 + i / 8] |= (uint64_t)buf[i] << (56 - 8 * (i % 8));
    return H_SUCCESS;
}
