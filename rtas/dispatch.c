/*
 * The RTAS dispatcher: finds the call by token in the table calls.def
 * builds, checks the argument block, runs the handler.
 *
 * The argument block (spec/rtas.md §1.1) is 32-bit big-endian cells:
 * token, nargs, nret, args[nargs], rets[nret].  It is untrusted: it must
 * lie in RAM and outside this image's region, and its size comes from the
 * caller's nargs/nret, so nothing is ever written outside it or outside
 * the region.  Status (§1.2): an unknown token is -1 (hardware error, as
 * for a missing function), wrong nargs or nret -3 (parameter error), both
 * written to rets[0] when the caller left room for it.
 */
#include <stdbool.h>
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "image.h"
#include "rtas.h"

/* Linux's struct rtas_args has 16 cells for args and rets together. */
#define RTAS_MAX_CELLS 16

struct rtas_call {
    const char *name; /* the /rtas property; kept for tracing */
    uint32_t token;
    uint16_t nargs, nret; /* a count, or RTAS_COUNTS(lo, hi) */
    rtas_handler *handler;
};

static const struct rtas_call rtas_calls[] = {
#define RTAS_CALL(name, token, nargs, nret, handler) {name, token, nargs, nret, handler},
#include "calls.def"
#undef RTAS_CALL
};

/* The image's region and the state block (entry.S, rtas.lds). */
extern char rtas_start[], __rtas_end[];
struct rtas_state rtas_state __attribute__((section(".data")));

bool rtas_buffer_ok(uint64_t addr, uint64_t len)
{
    uint64_t base = (uintptr_t)rtas_start;
    uint64_t end = (uintptr_t)__rtas_end + ((uint64_t)rtas_state.max_cpus << RTAS_CPU_AREA_SHIFT);

    if (addr > rtas_state.ram_size || len > rtas_state.ram_size - addr)
        return false;
    return addr + len <= base || addr >= end;
}

uint32_t rtas_cpu_id(void)
{
    uint64_t pir;

    __asm__("mfspr %0, 1023" : "=r"(pir));
    return (uint32_t)pir;
}

static uint64_t timebase(void)
{
    uint64_t tb;

    __asm__ volatile("mftb %0" : "=r"(tb));
    return tb;
}

static bool count_ok(uint32_t want, uint32_t got)
{
    uint32_t lo = want & 0xff, hi = want >> 8;

    return got == lo || (hi && got == hi);
}

static const struct rtas_call *find_call(uint32_t token)
{
    for (size_t i = 0; i < sizeof(rtas_calls) / sizeof(rtas_calls[0]); i++)
        if (rtas_calls[i].token == token)
            return &rtas_calls[i];
    return NULL;
}

void rtas_dispatch(uint64_t args)
{
    volatile uint32_t *cell = (volatile uint32_t *)(uintptr_t)args;
    const struct rtas_call *call;
    uint32_t token, nargs, nret, in[RTAS_MAX_CELLS], out[RTAS_MAX_CELLS];
    uint64_t start = timebase();

    if ((args & 3) || !rtas_buffer_ok(args, 12))
        return;
    token = cell[0], nargs = cell[1], nret = cell[2];
    /* Larger blocks than any caller uses get no answer at all: their
     * rets would lie where no caller expects writes. */
    if (nargs > RTAS_MAX_CELLS || nret > RTAS_MAX_CELLS || nargs + nret > RTAS_MAX_CELLS ||
        !rtas_buffer_ok(args, 4 * (3 + (uint64_t)nargs + nret)))
        return;
    call = find_call(token);
    if (!call || !count_ok(call->nargs, nargs) || !count_ok(call->nret, nret)) {
        int32_t status = call ? RTAS_PARAMETER_ERROR : RTAS_HARDWARE_ERROR;
        if (nret)
            cell[3 + nargs] = (uint32_t)status;
        if (rtas_tracing())
            rtas_trace_call(call ? call->name : NULL, token, NULL, nargs, NULL, nret, status,
                            timebase() - start);
        return;
    }
    /* Handlers work on a copy: they cannot write past nret, and the
     * caller's block is read once. */
    for (uint32_t i = 0; i < nargs; i++)
        in[i] = cell[3 + i];
    for (uint32_t i = 0; i < nret; i++)
        out[i] = 0;
    out[0] = (uint32_t)call->handler(in, nargs, out, nret);
    for (uint32_t i = 0; i < nret; i++)
        cell[3 + nargs + i] = out[i];
    if (rtas_tracing())
        rtas_trace_call(call->name, token, in, nargs, out, nret, (int32_t)out[0],
                        timebase() - start);
}
