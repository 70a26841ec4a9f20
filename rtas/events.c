/*
 * event-scan and check-exception (spec/rtas.md §4.7): petrel raises no
 * platform events yet (no EPOW or hot-plug source is wired to an
 * interrupt), so both answer 1, "no errors found", and leave the buffer
 * alone -- after checking it as if they were to write a log there, so a
 * bad buffer is -3 whether or not an event is pending.
 */
#include <stddef.h>

#include <petrel/papr.h>

#include "rtas.h"

static int32_t no_event(uint32_t buf, uint32_t len)
{
    if (!len || len > RTAS_ERROR_LOG_MAX || !rtas_buffer_ok(buf, len))
        return RTAS_PARAMETER_ERROR;
    return RTAS_NO_ERRORS;
}

/* args: event mask, critical, buffer, length. */
int32_t rtas_event_scan(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return no_event(args[2], args[3]);
}

/* args: vector offset, interrupt number, event mask, critical, buffer,
 * length[, extended information]. */
int32_t rtas_check_exception(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return no_event(args[4], args[5]);
}
