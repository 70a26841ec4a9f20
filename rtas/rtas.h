/*
 * Inside the RTAS image: what the dispatcher and the call handlers share.
 * The image runs in the guest after the firmware is gone, position
 * independent, on the calling CPU's own stack, touching only its region,
 * the caller's argument block and the buffers the caller names
 * (spec/rtas.md §1, §8).
 */
#ifndef RTAS_RTAS_H
#define RTAS_RTAS_H

#include <stdbool.h>
#include <stdint.h>

#include <petrel/pci.h>
#include <petrel/service.h>

/* Everything in the image is reached PC- or TOC-relative; nothing is
 * exported (no GOT entries, no dynamic symbols). */
#pragma GCC visibility push(hidden)

/* The state block the firmware fills in (image.h RTAS_STATE_*). */
struct rtas_state {
    uint64_t ram_size;
    uint32_t vterm;
    uint32_t trace; /* -trace mask: bit PETREL_TRACE_RTAS traces every call */
    uint32_t max_cpus;
    uint32_t cpus;
    uint32_t nvram_size;
    uint32_t tb_freq;
    uint32_t phbs;
};
extern struct rtas_state rtas_state;

/*
 * A call handler: args[0 .. nargs) are the inputs, rets[1 .. nret) its
 * outputs (the dispatcher checked both counts against the table -- a
 * call that accepts two counts sees which one the caller used -- and
 * writes the returned status to rets[0]).
 */
typedef int32_t rtas_handler(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret);

/* calls.def: a call that accepts either of two counts (LoPAPR gives some
 * calls an optional last argument or return). */
#define RTAS_COUNTS(lo, hi) ((hi) << 8 | (lo))

#define RTAS_CALL(name, token, nargs, nret, handler) rtas_handler handler;
#include "calls.def"
#undef RTAS_CALL

/*
 * A buffer the caller names, [addr, addr + len): in RAM and clear of the
 * image's region (which holds the calls' code and state), so no caller can
 * make a call overwrite RTAS or reach outside memory.
 */
bool rtas_buffer_ok(uint64_t addr, uint64_t len);

/* events.c: the platform event classes pending (PETREL_EVENT_*). */
unsigned rtas_events_pending(void);

/* The calling CPU (PIR): the entry picked its stack by it. */
uint32_t rtas_cpu_id(void);

/* -trace rtas: one line naming the call (name NULL: by token) through
 * PETREL_H_TRACE; status is what went to rets[0], ticks the timebase
 * ticks the call took.  rtas_trace_text: a free-form line. */
void rtas_trace_call(const char *name, uint32_t token, const uint32_t *args, uint32_t nargs,
                     const uint32_t *rets, uint32_t nret, int32_t status, uint64_t ticks);
void rtas_trace_text(const char *prefix, const char *text, uint32_t len);
static inline bool rtas_tracing(void)
{
    return rtas_state.trace & (1u << PETREL_TRACE_RTAS);
}

/* pci.c: the PHB index of BUID (hi, lo), or -1; config cycles at a
 * config address (LoPAPR 7.3.4 layout) of PHB phb, -3 when malformed or
 * phb < 0. */
int32_t rtas_phb_by_buid(uint32_t hi, uint32_t lo);
int32_t rtas_config_read(int32_t phb, uint32_t cfg, uint32_t size, uint32_t *value);
int32_t rtas_config_write(int32_t phb, uint32_t cfg, uint32_t size, uint32_t value);

/* The PHB register block (include/petrel/pci.h). */
static inline uint32_t rtas_phb_reg(int32_t phb, uint32_t off)
{
    uint32_t v = *(volatile uint32_t *)(uintptr_t)(PETREL_PHB_REGS((uint32_t)phb) + off);

    __asm__ volatile("eieio" ::: "memory");
    return v;
}

static inline void rtas_phb_set_reg(int32_t phb, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(PETREL_PHB_REGS((uint32_t)phb) + off) = v;
    __asm__ volatile("eieio" ::: "memory");
}

/* C entry from entry.S: r3 = the argument block's real address. */
void rtas_dispatch(uint64_t args);

#pragma GCC visibility pop

#endif
