/*
 * CPU benchmark payload, runnable as -bios under petrel and under
 * qemu-system-ppc64 -M pseries: an 8-instruction integer loop (the mix of
 * spec/cpu.md §5.3), iteration count at offset 0x1000 (patched by
 * run.py), then power-off -- petrel's private service first; if that
 * returns, QEMU's RTAS power-off (KVMPPC_H_RTAS, token 0x2003).
 */
    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    lis     %r9, iterations@ha
    ld      %r9, iterations@l(%r9)
    mtctr   %r9
    li      %r5, 1
    li      %r6, 3
    li      %r7, 5
1:  add     %r5, %r5, %r6
    xor     %r7, %r7, %r5
    rlwinm  %r8, %r7, 3, 0, 28
    addi    %r6, %r6, 1
    subf    %r9, %r8, %r5
    or      %r10, %r9, %r7
    rldicl  %r11, %r10, 1, 0
    bdnz    1b

    li      %r3, 0
    ori     %r3, %r3, 0xf100        /* PETREL_H_POWER_OFF */
    li      %r4, 0
    sc      1
    lis     %r4, rtas_args@ha
    addi    %r4, %r4, rtas_args@l
    li      %r3, 0
    ori     %r3, %r3, 0xf000        /* KVMPPC_H_RTAS */
    sc      1
2:  b       2b

    .org 0x1000
iterations:
    .quad   1000
rtas_args:
    .long   0x2003, 2, 1, 0, 0, 0
