/*
 * CPU benchmark kernels, one bare payload runnable as -bios under petrel
 * and under qemu-system-ppc64 -M pseries.  The kernel number is at 0x1000
 * and the iteration count at 0x1008 (run.py patches both).  Every kernel
 * executes a fixed number of instructions per iteration (both sides of
 * each data-dependent branch have the same length), so the guest
 * instruction count is known exactly.  Then power-off: petrel's private
 * service first; if that returns (QEMU), QEMU's RTAS power-off through
 * KVMPPC_H_RTAS (token 0x2003).
 */
    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    /* 64-bit mode: set MSR[SF] through rfid-free mtmsrd. */
    mfmsr   %r11
    li      %r12, 1
    rldicr  %r12, %r12, 63, 0
    or      %r11, %r11, %r12
    mtmsrd  %r11
    isync
    lis     %r9, params@ha
    addi    %r9, %r9, params@l
    ld      %r10, 0(%r9)            /* kernel */
    ld      %r8, 8(%r9)             /* iterations */
    mtctr   %r8
    cmpdi   %r10, 1
    beq     k_load_store
    cmpdi   %r10, 2
    beq     k_branch

/* Kernel 0, integer: xorshift64 + multiply-add + rotate/mask, 12 insns. */
k_integer:
    li      %r5, 88
    li      %r6, 3
1:  sldi    %r7, %r5, 13
    xor     %r5, %r5, %r7
    srdi    %r7, %r5, 7
    xor     %r5, %r5, %r7
    sldi    %r7, %r5, 17
    xor     %r5, %r5, %r7
    mulld   %r8, %r5, %r6
    add     %r6, %r6, %r8
    rlwinm  %r9, %r6, 5, 3, 27
    subf    %r6, %r9, %r6
    addi    %r6, %r6, 1
    bdnz    1b
    b       done

/* Kernel 1, load/store: checksum-and-copy over a 64 KiB buffer at 4 MiB
 * (doublewords, words and bytes), 13 insns per 16 bytes. */
k_load_store:
    lis     %r3, 0x40               /* source 0x400000 */
    lis     %r4, 0x41               /* destination 0x410000 */
    li      %r5, 0
    li      %r12, 0
1:  ldx     %r6, %r3, %r12
    lwzx    %r7, %r3, %r12
    add     %r5, %r5, %r6
    stdx    %r5, %r4, %r12
    addi    %r12, %r12, 8
    lbzx    %r8, %r3, %r12
    add     %r5, %r5, %r7
    stwx    %r8, %r4, %r12
    xor     %r5, %r5, %r8
    addi    %r12, %r12, 8
    andi.   %r12, %r12, 0xfff0      /* wrap within 64 KiB */
    std     %r5, 0(%r4)
    bdnz    1b
    b       done

/* Kernel 2, branch-heavy: an LFSR picks one of two equal-length paths,
 * plus a call and return each iteration, 14 insns. */
k_branch:
    li      %r5, 0x5a5
    li      %r6, 0
1:  andi.   %r7, %r5, 1
    srdi    %r5, %r5, 1
    beq     2f
    xori    %r5, %r5, 0xb400
    addi    %r6, %r6, 3
    b       3f
2:  addi    %r6, %r6, 1
    nop
    nop
3:  bl      leaf
    cmpdi   %r6, 0
    blt     4f                      /* never taken */
4:  bdnz    1b
    b       done
leaf:
    addi    %r6, %r6, 1
    blr

done:
    li      %r3, 0
    ori     %r3, %r3, 0xf100        /* PETREL_H_POWER_OFF */
    li      %r4, 0
    sc      1
    lis     %r4, rtas_args@ha
    addi    %r4, %r4, rtas_args@l
    li      %r3, 0
    ori     %r3, %r3, 0xf000        /* KVMPPC_H_RTAS */
    sc      1
5:  b       5b

    .org 0x1000
params:
    .quad   0                       /* kernel */
    .quad   1000                    /* iterations */
rtas_args:
    .long   0x2003, 2, 1, 0, 0, 0
