/*
 * Host services the firmware cannot provide itself (include/petrel/service.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware.h"
#include "hcall.h"

void platform_power_off(unsigned status)
{
    console_flush();
    hcall4(PETREL_H_POWER_OFF, status, 0, 0, 0, NULL);
    /* The host refused (bad status?): fall back to failure, then spin. */
    hcall4(PETREL_H_POWER_OFF, 1, 0, 0, 0, NULL);
    for (;;)
        ;
}

long platform_set_ic_mode(unsigned mode)
{
    return hcall4(PETREL_H_SET_IC_MODE, mode, 0, 0, 0, NULL);
}

long platform_set_compat(uint32_t logical_pvr)
{
    return hcall4(PETREL_H_SET_COMPAT, logical_pvr, 0, 0, 0, NULL);
}

long platform_alloc_hpt(unsigned shift)
{
    return hcall4(PETREL_H_ALLOC_HPT, shift, 0, 0, 0, NULL);
}

/* Returns only if the host refused. */
long platform_dump_tree(const void *fdt, uint64_t size)
{
    console_flush();
    return hcall4(PETREL_H_DUMP_TREE, (unsigned long)(uintptr_t)fdt, size, 0, 0, NULL);
}

const void *guest_real(uint64_t addr)
{
    return (const void *)(uintptr_t)addr;
}

/* picolibc's abort() and exit() end here. */
void _exit(int status)
{
    platform_power_off((unsigned)status & 0xff);
}

uint64_t platform_timebase(void)
{
    uint64_t tb;

    __asm__ volatile("mftb %0" : "=r"(tb));
    return tb;
}

void platform_trace(unsigned event, const char *fmt, ...)
{
    static char line[PETREL_TRACE_MAX + 1];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > PETREL_TRACE_MAX)
        n = PETREL_TRACE_MAX;
    hcall4(PETREL_H_TRACE, event, (unsigned long)(uintptr_t)line, (unsigned long)n, 0, NULL);
}

void platform_boot_mark(unsigned mark, unsigned arg)
{
    hcall4(PETREL_H_BOOT_MARK, mark, arg, 0, 0, NULL);
}
