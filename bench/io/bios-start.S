/*
 * bench/io as a -bios image (bios.lds): loaded at 0, entered at 0x100
 * with r3 = the tree, as QEMU enters its firmware.  Sets MSR[SF], the TOC
 * and a stack in .bss, then kernel_main(r3).
 */
    .section .text.vectors, "ax"
    .globl  _start
    .org    0x100
_start:
    mfmsr   %r6
    li      %r12, 1
    rldicr  %r12, %r12, 63, 0
    or      %r11, %r6, %r12
    mtmsrd  %r11
    isync
    lis     %r2, .TOC.@ha
    addi    %r2, %r2, .TOC.@l
    lis     %r1, __stack_top@ha
    addi    %r1, %r1, __stack_top@l
    li      %r0, 0
    stdu    %r0, -64(%r1)
    bl      kernel_main
1:  b       1b

    .section .note.GNU-stack, "", @progbits
