/*
 * Code the firmware copies (the kernel, the RTAS image) must reach
 * instruction fetch (Power ISA Book II 1.8, "instruction storage"):
 * dcbst, sync, icbi, isync over the range.  128-byte blocks on POWER8/9.
 */
#include "firmware.h"

void sync_icache(uint64_t addr, uint64_t len)
{
    uint64_t a, end = addr + len;

    for (a = addr & ~127ull; a < end; a += 128)
        __asm__ volatile("dcbst 0,%0" : : "r"(a) : "memory");
    __asm__ volatile("sync" : : : "memory");
    for (a = addr & ~127ull; a < end; a += 128)
        __asm__ volatile("icbi 0,%0" : : "r"(a) : "memory");
    __asm__ volatile("sync; isync" : : : "memory");
}
