/*
 * Entry of the reset payload (reset-payload.c), loaded at 0 with -bios.
 * vCPU 0 enters at 0x100 after every reset, like the firmware; its very
 * first instructions record the registers it was given (into
 * RESET_ENTRY_SAVE, reset-payload.h) before anything changes them, so
 * the C code can check them against the power-on state: r3 = the
 * hardware description, every other GPR, LR, CTR, CR, XER and MSR 0.
 * SPRG0 holds r31 while r31 addresses the save area.
 * vCPU 1 enters at secondary_start (start-cpu: MSR = SF | ME, r3 = 1).
 * One 64 KiB stack per vCPU below __stack_top.
 */
#include "reset-payload.h"

    .section .text.vectors, "ax"
    .globl  _start
    .org    0x100
_start:
    mtsprg0 r31
    lis     r31, RESET_ENTRY_SAVE@h
    ori     r31, r31, RESET_ENTRY_SAVE@l
    .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    std     r\n, 8*\n(r31)
    .endr
    mfsprg0 r0
    std     r0, 8*31(r31)
    mflr    r0
    std     r0, 8*RESET_SAVE_LR(r31)
    mfctr   r0
    std     r0, 8*RESET_SAVE_CTR(r31)
    mfcr    r0
    std     r0, 8*RESET_SAVE_CR(r31)
    mfxer   r0
    std     r0, 8*RESET_SAVE_XER(r31)
    mfmsr   r0
    std     r0, 8*RESET_SAVE_MSR(r31)
    li      r0, 0
    mtsprg0 r0
    li      r11, 1
    rldicr  r11, r11, 63, 0
    ori     r11, r11, 0x1000        /* SF | ME */
    mtmsrd  r11
    isync
    li      r3, 0
    b       common_entry

/* No interrupt is expected: any vector powers off with status 0x80 | vector / 0x100. */
.macro VECTOR v
    .org    \v
    li      r4, 0x80 | (\v >> 8)
    b       unexpected
.endm
    VECTOR  0x200
    VECTOR  0x300
    VECTOR  0x400
    VECTOR  0x500
    VECTOR  0x600
    VECTOR  0x700
    VECTOR  0x800
    VECTOR  0x900
    VECTOR  0xa00
    VECTOR  0xc00
    VECTOR  0xd00
    VECTOR  0xe00
    VECTOR  0xf00

    .org    0x1000
unexpected:
    lis     r3, PETREL_H_POWER_OFF@h
    ori     r3, r3, PETREL_H_POWER_OFF@l
    sc      1
    b       .

    .globl  secondary_start
secondary_start:
/* r3 = vCPU index: stack = __stack_top - index * 64 KiB. */
common_entry:
    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    lis     r1, __stack_top@ha
    addi    r1, r1, __stack_top@l
    sldi    r4, r3, 16
    sub     r1, r1, r4
    li      r0, 0
    stdu    r0, -112(r1)
    bl      payload_main
    nop
1:  b       1b
