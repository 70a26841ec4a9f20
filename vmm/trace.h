/*
 * Tracing and CPU logging (-trace, -D, -d): one compact line per event,
 * to stderr or the -D file.  Zero cost when off: every emitter tests
 * trace_on()/log_on() -- one load and a branch -- before it formats
 * anything.  Event numbers are the contract's (include/petrel/service.h),
 * so the guest's platform code (CIF, CAS, RTAS) traces through
 * PETREL_H_TRACE into the same stream.
 */
#ifndef PETREL_TRACE_H
#define PETREL_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <petrel/service.h>

/* -d: CPU logging for OS bring-up. */
enum log_item {
    LOG_IN_ASM = 1u << 0, /* every instruction when first decoded */
    LOG_INT = 1u << 1,    /* every interrupt delivered */
};

extern uint32_t trace_mask; /* 1 << enum petrel_trace_event */
extern uint32_t log_mask;   /* enum log_item */

static inline bool trace_on(enum petrel_trace_event ev)
{
    return __builtin_expect((trace_mask >> ev) & 1, 0);
}

static inline bool log_on(enum log_item item)
{
    return __builtin_expect((log_mask & item) != 0, 0);
}

/* Parses -trace's "name[,name...]" ("all" for every event, "help" to
 * list them) into *mask; -1 with one line in err for an unknown name. */
int trace_parse(const char *list, uint32_t *mask, char *err, size_t errlen);
/* Parses -d's "item[,item...]" (in_asm, int) into *mask. */
int log_parse(const char *list, uint32_t *mask, char *err, size_t errlen);
/* The names -trace takes, one per line, for -trace help. */
void trace_list(void);
const char *trace_event_name(enum petrel_trace_event ev);

/* Seconds since the process started (the clock trace lines carry). */
double trace_seconds(void);

/* Sends lines to path (-D) instead of stderr; -1 with errno if it cannot
 * be opened. */
int trace_open(const char *path);

/*
 * One line: "<seconds since start> cpu<N> <event>: <text>" (cpu -1: not
 * a vCPU's).  Lines from several threads never interleave.
 */
void trace_printf(enum petrel_trace_event ev, int cpu, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same for -d items ("in_asm", "int"). */
void log_printf(enum log_item item, int cpu, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
