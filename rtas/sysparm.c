/*
 * ibm,get-system-parameter and ibm,set-system-parameter (spec/rtas.md §3;
 * LoPAPR 7.3.16): the parameters Linux reads, answered from the state
 * block; all of them read-only.
 *
 *   20  SPLPAR characteristics: "key=value,..." as lparcfg parses it --
 *       entitled capacity (100 per CPU: dedicated), memory in MiB, CPUs
 *   42  diagnostics run mode: one byte, 0 (disabled)
 *
 * The buffer holds a big-endian 16-bit length and then the data, cut to
 * the buffer's size.  Every other parameter (44 CMO characteristics, 50
 * TLB block-invalidate characteristics, ...) is -3, "not supported",
 * which Linux takes as "the feature is absent".
 */
#include <stddef.h>

#include <petrel/papr.h>

#include "rtas.h"

#define SYSPARM_SPLPAR_CHARACTERISTICS 20
#define SYSPARM_DIAGNOSTICS_RUN_MODE   42
/* Linux's buffers are 4 KiB (RTAS_DATA_BUF_SIZE); LoPAPR's largest value
 * is 4000 bytes. */
#define SYSPARM_MAX_BUFFER 4096

struct text {
    char buf[160];
    uint32_t len;
};

static void add_str(struct text *t, const char *s)
{
    while (*s && t->len < sizeof(t->buf))
        t->buf[t->len++] = *s++;
}

static void add_dec(struct text *t, uint64_t v)
{
    char digits[20];
    int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && t->len < sizeof(t->buf))
        t->buf[t->len++] = digits[--n];
}

/* The value of parameter `token`; false if petrel has no such parameter. */
static bool sysparm_value(uint32_t token, struct text *t)
{
    t->len = 0;
    switch (token) {
    case SYSPARM_SPLPAR_CHARACTERISTICS:
        add_str(t, "MaxEntCap=");
        add_dec(t, (uint64_t)rtas_state.max_cpus * 100);
        add_str(t, ",DesMem=");
        add_dec(t, rtas_state.ram_size >> 20);
        add_str(t, ",DesProcs=");
        add_dec(t, rtas_state.cpus);
        add_str(t, ",MaxPlatProcs=");
        add_dec(t, rtas_state.max_cpus);
        /* The string's NUL is part of the value (lparcfg prints it). */
        if (t->len < sizeof(t->buf))
            t->buf[t->len++] = '\0';
        return true;
    case SYSPARM_DIAGNOSTICS_RUN_MODE: t->buf[t->len++] = 0; return true;
    default: return false;
    }
}

/* args: parameter token, buffer, buffer length. */
int32_t rtas_get_system_parameter(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                  uint32_t nret)
{
    volatile uint8_t *buf = (volatile uint8_t *)(uintptr_t)args[1];
    uint32_t len = args[2], n;
    struct text t;

    (void)nargs, (void)rets, (void)nret;
    if (!sysparm_value(args[0], &t))
        return RTAS_PARAMETER_ERROR;
    if (len < 2 || len > SYSPARM_MAX_BUFFER || !rtas_buffer_ok(args[1], len))
        return RTAS_SYSPARM_PARAM_ERROR;
    n = t.len < len - 2 ? t.len : len - 2;
    buf[0] = (uint8_t)(n >> 8);
    buf[1] = (uint8_t)n;
    for (uint32_t i = 0; i < n; i++)
        buf[2 + i] = (uint8_t)t.buf[i];
    return RTAS_SUCCESS;
}

/* args: parameter token, buffer.  petrel's parameters are facts of the
 * machine: none may be set. */
int32_t rtas_set_system_parameter(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                  uint32_t nret)
{
    struct text t;

    (void)nargs, (void)rets, (void)nret;
    if (!sysparm_value(args[0], &t))
        return RTAS_PARAMETER_ERROR;
    if (!rtas_buffer_ok(args[1], 2))
        return RTAS_SYSPARM_PARAM_ERROR;
    return RTAS_NOT_AUTHORIZED;
}
