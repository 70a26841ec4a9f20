/*
 * event-scan and check-exception (spec/rtas.md §4.7): the platform's
 * events as RTAS error logs.  The host keeps which classes are pending
 * (PETREL_H_EVENT) and pulses their event source; the log is written
 * here.  petrel's one event is EPOW: a power-down request (QMP
 * system_powerdown), reported as "system shutdown, normal", on which
 * Linux powers off in order.  With nothing pending both calls answer 1,
 * "no errors found", and leave the buffer alone -- after checking it as
 * if they were to write there, so a bad buffer is -3 either way.
 *
 * The log (LoPAPR 10.3): the fixed part (summary word, extended length),
 * a version 6 extended header, then one section, "EP" (EPOW).
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

/* The event classes of the mask argument (LoPAPR 7.3.3 "Event Mask"). */
#define RTAS_EVENT_EPOW_WARNING 0x40000000u

/* Summary word: version 6, severity event, not recovered, extended log
 * present, type EPOW. */
#define EPOW_SUMMARY 0x06000000u | 0x00200000u | 0x00100000u | 0x00040000u | 0x40u
#define V6_HEADER    16
#define EPOW_SECTION 16
#define EPOW_LOG     (8 + V6_HEADER + EPOW_SECTION)

/* EPOW sensor values (LoPAPR Table "EPOW action codes"). */
#define EPOW_SYSTEM_SHUTDOWN 3
#define EPOW_MODIFIER_NORMAL 1

static void put32(volatile uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void write_epow_log(volatile uint8_t *b)
{
    for (unsigned i = 0; i < EPOW_LOG; i++)
        b[i] = 0;
    put32(b, EPOW_SUMMARY);
    put32(b + 4, V6_HEADER + EPOW_SECTION); /* extended length */
    b += 8;
    b[0] = 0x80 | 0x04 | 0x02; /* valid, new, big-endian */
    b[2] = 0x80 | 0x0e;        /* PowerPC format, platform event log */
    put32(b + 12, 0x49424d00); /* company "IBM\0" */
    b += V6_HEADER;
    b[0] = 'E', b[1] = 'P';      /* section id */
    b[3] = EPOW_SECTION;         /* length, header included */
    b[4] = 1;                    /* version */
    b[8] = EPOW_SYSTEM_SHUTDOWN; /* sensor value: the action code */
    b[9] = EPOW_MODIFIER_NORMAL; /* event modifier */
    b[10] = 1;                   /* extended modifier: this partition */
}

/* The pending classes (peek) for get-sensor-state. */
unsigned rtas_events_pending(void)
{
    unsigned long out[4];

    if (hcall4(PETREL_H_EVENT, PETREL_EVENT_CLASSES, 0, 0, 0, out) != H_SUCCESS)
        return 0;
    return (unsigned)out[0];
}

static int32_t report(uint32_t mask, uint32_t buf, uint32_t len)
{
    unsigned long out[4];

    if (!len || len > RTAS_ERROR_LOG_MAX || !rtas_buffer_ok(buf, len))
        return RTAS_PARAMETER_ERROR;
    if (!(mask & RTAS_EVENT_EPOW_WARNING) || len < EPOW_LOG)
        return RTAS_NO_ERRORS;
    if (hcall4(PETREL_H_EVENT, PETREL_EVENT_EPOW, 1, 0, 0, out) != H_SUCCESS || !out[0])
        return RTAS_NO_ERRORS;
    write_epow_log((volatile uint8_t *)(uintptr_t)buf);
    return RTAS_SUCCESS;
}

/* args: event mask, critical, buffer, length. */
int32_t rtas_event_scan(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return report(args[0], args[2], args[3]);
}

/* args: vector offset, interrupt number, event mask, critical, buffer,
 * length[, extended information]. */
int32_t rtas_check_exception(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return report(args[2], args[4], args[5]);
}
