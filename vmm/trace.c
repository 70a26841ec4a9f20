/*
 * Tracing and CPU logging (trace.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "trace.h"

uint32_t trace_mask;
uint32_t log_mask;

static FILE *trace_file;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timespec trace_t0;

/* pci and eeh have no source until their subsystems exist; they are
 * accepted now so scripts need not change when they do. */
static const char *const event_names[PETREL_TRACE_COUNT] = {
    [PETREL_TRACE_HCALL] = "hcall",
    [PETREL_TRACE_RTAS] = "rtas",
    [PETREL_TRACE_CIF] = "cif",
    [PETREL_TRACE_CAS] = "cas",
    [PETREL_TRACE_IRQ] = "irq",
    [PETREL_TRACE_PCI] = "pci",
    [PETREL_TRACE_EEH] = "eeh",
    [PETREL_TRACE_RESET] = "reset",
    [PETREL_TRACE_MMU_FAULT] = "mmu-fault",
    [PETREL_TRACE_NET] = "net",
};

static const struct {
    const char *name;
    uint32_t bit;
} log_items[] = {{"in_asm", LOG_IN_ASM}, {"int", LOG_INT}};

const char *trace_event_name(enum petrel_trace_event ev)
{
    return (unsigned)ev < PETREL_TRACE_COUNT ? event_names[ev] : "?";
}

void trace_list(void)
{
    for (unsigned i = 0; i < PETREL_TRACE_COUNT; i++)
        printf("%s\n", event_names[i]);
}

/* Splits list at commas; calls one(name) for each; stops at an error. */
static int for_each_name(const char *list, const char *opt, char *err, size_t errlen,
                         int (*one)(const char *name, size_t len, uint32_t *mask), uint32_t *mask)
{
    const char *p = list;

    if (!*p)
        return cli_format_error(err, errlen, "%s: no names given", opt);
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (one(p, len, mask) != 0)
            return cli_format_error(err, errlen, "%s: unknown name '%.*s' (%s help lists them)",
                                    opt, (int)len, p, opt);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int one_event(const char *name, size_t len, uint32_t *mask)
{
    if (len == 3 && !strncmp(name, "all", 3)) {
        *mask |= (1u << PETREL_TRACE_COUNT) - 1;
        return 0;
    }
    for (unsigned i = 0; i < PETREL_TRACE_COUNT; i++)
        if (strlen(event_names[i]) == len && !strncmp(name, event_names[i], len)) {
            *mask |= 1u << i;
            return 0;
        }
    return -1;
}

static int one_item(const char *name, size_t len, uint32_t *mask)
{
    for (unsigned i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++)
        if (strlen(log_items[i].name) == len && !strncmp(name, log_items[i].name, len)) {
            *mask |= log_items[i].bit;
            return 0;
        }
    return -1;
}

int trace_parse(const char *list, uint32_t *mask, char *err, size_t errlen)
{
    return for_each_name(list, "-trace", err, errlen, one_event, mask);
}

int log_parse(const char *list, uint32_t *mask, char *err, size_t errlen)
{
    return for_each_name(list, "-d", err, errlen, one_item, mask);
}

double trace_seconds(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - trace_t0.tv_sec) + (double)(now.tv_nsec - trace_t0.tv_nsec) / 1e9;
}

int trace_open(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return -1;
    setvbuf(f, NULL, _IOLBF, 0);
    pthread_mutex_lock(&trace_lock);
    trace_file = f;
    pthread_mutex_unlock(&trace_lock);
    return 0;
}

static void emit(const char *what, int cpu, const char *fmt, va_list ap)
{
    struct timespec now;
    double t;
    FILE *f;

    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&trace_lock);
    if (!trace_t0.tv_sec && !trace_t0.tv_nsec)
        trace_t0 = now;
    t = (double)(now.tv_sec - trace_t0.tv_sec) + (double)(now.tv_nsec - trace_t0.tv_nsec) / 1e9;
    f = trace_file ? trace_file : stderr;
    if (cpu >= 0)
        fprintf(f, "%10.6f cpu%d %s: ", t, cpu, what);
    else
        fprintf(f, "%10.6f %s: ", t, what);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    pthread_mutex_unlock(&trace_lock);
}

void trace_printf(enum petrel_trace_event ev, int cpu, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(trace_event_name(ev), cpu, fmt, ap);
    va_end(ap);
}

void log_printf(enum log_item item, int cpu, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(item == LOG_IN_ASM ? "in_asm" : "int", cpu, fmt, ap);
    va_end(ap);
}

/* Start the clock at process start, not at the first line. */
__attribute__((constructor)) static void trace_start_clock(void)
{
    clock_gettime(CLOCK_MONOTONIC, &trace_t0);
}
