/*
 * Entry of the Open Firmware test client (kernel-of.c).  Records the entry
 * registers (r1, r3-r5, MSR) for the C checks, sets MSR[SF] as Linux does
 * (it may be entered in 32-bit mode), and -- like prom_init -- runs on the
 * stack the firmware handed over in r1.  Entered on the flattened-tree
 * path (r5 = 0) there is no such promise, so it takes its own.
 */
    .section .text.entry, "ax"
    .globl  _start
_start:
    mfmsr   r6
    mr      r7, r1
    li      r12, 1
    rldicr  r12, r12, 63, 0
    or      r11, r6, r12
    mtmsrd  r11
    isync
    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    cmpdi   r5, 0
    beq     1f
    clrrdi  r1, r1, 4
    b       2f
1:  lis     r1, __stack_top@ha
    addi    r1, r1, __stack_top@l
2:  li      r0, 0
    stdu    r0, -64(r1)
    bl      of_main
3:  b       3b

    .section .note.GNU-stack, "", @progbits
