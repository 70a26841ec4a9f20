/*
 * Assembler helpers for the guest test payloads.  Payloads are entered
 * like the firmware: at 0x100, big-endian, real mode, MSR = 0 (32-bit
 * mode), r3 = hardware description.  These macros only use instructions
 * that behave the same in 32- and 64-bit mode.
 */
#include <petrel/layout.h>
#include <petrel/papr.h>
#include <petrel/service.h>

/* reg = 64-bit constant */
#define LOAD64(reg, v)                                    \
    lis     reg, (((v) >> 48) & 0xffff);                  \
    ori     reg, reg, (((v) >> 32) & 0xffff);             \
    rldicr  reg, reg, 32, 31;                             \
    oris    reg, reg, (((v) >> 16) & 0xffff);             \
    ori     reg, reg, ((v) & 0xffff)

/* reg = 32-bit unsigned constant */
#define LOAD32(reg, v)                                    \
    lis     reg, (((v) >> 16) & 0xffff);                  \
    ori     reg, reg, ((v) & 0xffff);                     \
    rldicl  reg, reg, 0, 32

/* Print n (<= 16) bytes packed big-endian in the constants w0, w1. */
#define PUTS(n, w0, w1)                                   \
    LOAD32(%r3, H_PUT_TERM_CHAR);                         \
    LOAD32(%r4, PAPR_VTERM_UNIT);                         \
    li      %r5, n;                                       \
    LOAD64(%r6, w0);                                      \
    LOAD64(%r7, w1);                                      \
    sc      1

/* Power off with an exit status. */
#define POWER_OFF(status)                                 \
    LOAD32(%r3, PETREL_H_POWER_OFF);                      \
    li      %r4, status;                                  \
    sc      1;                                            \
    b       .

/* ASCII packing helpers: up to 8 characters into a 64-bit word. */
#define C8(a, b, c, d, e, f, g, h)                                                  \
    ((a) << 56 | (b) << 48 | (c) << 40 | (d) << 32 | (e) << 24 | (f) << 16 |       \
     (g) << 8 | (h))
