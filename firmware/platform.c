/*
 * Host services the firmware cannot provide itself (include/petrel/service.h).
 */
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
