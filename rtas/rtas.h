/*
 * Inside the RTAS image: what the dispatcher and the call handlers share.
 * The image runs in the guest after the firmware is gone, position
 * independent, on its own stack, touching only its region and the
 * caller's argument block (spec/rtas.md §1, §8).
 */
#ifndef RTAS_RTAS_H
#define RTAS_RTAS_H

#include <stdint.h>

/* Everything in the image is reached PC- or TOC-relative; nothing is
 * exported (no GOT entries, no dynamic symbols). */
#pragma GCC visibility push(hidden)

/* The state block the firmware fills in (image.h RTAS_STATE_*). */
struct rtas_state {
    uint64_t ram_size;
    uint32_t vterm;
    uint32_t trace; /* -trace mask: bit PETREL_TRACE_RTAS traces every call */
};
extern struct rtas_state rtas_state;

/*
 * A call handler: args[0 .. nargs) are the inputs, rets[1 .. nret) its
 * outputs (the dispatcher checked both counts against the table and
 * writes the returned status to rets[0]).
 */
typedef int32_t rtas_handler(const uint32_t *args, uint32_t *rets);

#define RTAS_CALL(name, token, nargs, nret, handler) rtas_handler handler;
#include "calls.def"
#undef RTAS_CALL

/* -trace rtas: one line naming the call (name NULL: by token) through
 * PETREL_H_TRACE; status is what went to rets[0]. */
void rtas_trace_call(const char *name, uint32_t token, const uint32_t *args, uint32_t nargs,
                     const uint32_t *rets, uint32_t nret, int32_t status);

/* C entry from entry.S: r3 = the argument block's real address. */
void rtas_dispatch(uint64_t args);

#pragma GCC visibility pop

#endif
