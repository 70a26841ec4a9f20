/*
 * Entry of the big-endian test kernel (kernel-fdt.c): keeps the registers
 * the firmware hands over (r3 = tree, r4 = kernel base, r5 = 0, MSR) for
 * the C checks.  Like Linux, it does not rely on being entered in 64-bit
 * mode: MSR[SF] is set first (after the MSR is recorded).
 */
    .section .text.entry, "ax"
    .globl  _start
_start:
    mfmsr   r6
    li      r12, 1
    rldicr  r12, r12, 63, 0
    or      r11, r6, r12
    mtmsrd  r11
    isync
    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    lis     r1, __stack_top@ha
    addi    r1, r1, __stack_top@l
    li      r0, 0
    stdu    r0, -64(r1)
    bl      kernel_main
1:  b       1b
