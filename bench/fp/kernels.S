/*
 * FP benchmark kernels (bench/fp/run.py), one bare payload runnable as
 * -bios under petrel and under qemu-system-ppc64 -M pseries, laid out as
 * bench/cpu/kernels.S: the kernel number at 0x1000, the iteration count
 * at 0x1008.  Kernel 0 is scalar double-precision FP, kernel 1 VSX
 * vector double-precision with moves, permutes and vector loads/stores;
 * each a fixed 10 instructions per iteration on values that stay normal
 * (a contraction towards 0.5), in round-to-nearest.
 */
    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    /* 64-bit mode with FP, VMX and VSX on. */
    mfmsr   %r11
    li      %r12, 1
    rldicr  %r12, %r12, 63, 0
    or      %r11, %r11, %r12
    lis     %r12, 0x0280            /* MSR[VEC] | MSR[VSX] */
    ori     %r12, %r12, 0x2000      /* MSR[FP] */
    or      %r11, %r11, %r12
    mtmsrd  %r11
    isync
    lis     %r9, params@ha
    addi    %r9, %r9, params@l
    ld      %r10, 0(%r9)            /* kernel */
    ld      %r8, 8(%r9)             /* iterations */
    mtctr   %r8
    lis     %r3, consts@ha
    addi    %r3, %r3, consts@l
    lfd     %f10, 0(%r3)            /* 0.5 */
    lfd     %f11, 8(%r3)            /* 0.25 */
    lfd     %f12, 16(%r3)           /* 1.0000001 */
    lfd     %f1, 24(%r3)            /* 3.0 */
    cmpdi   %r10, 1
    beq     k_vsx

/* Kernel 0, scalar FP: 10 instructions. */
k_scalar:
1:  fmadd   %f1, %f1, %f10, %f11    /* f1 = f1 * 0.5 + 0.25 -> 0.5 */
    fmul    %f2, %f1, %f12
    fadd    %f3, %f2, %f11
    fsub    %f4, %f3, %f11
    fmadd   %f5, %f4, %f10, %f11
    fnmsub  %f6, %f5, %f10, %f11
    fabs    %f7, %f6
    fdiv    %f8, %f7, %f12
    fsel    %f9, %f8, %f8, %f1
    bdnz    1b
    b       done

/* Kernel 1, VSX: 10 instructions. */
k_vsx:
    xxpermdi %vs10, %vs10, %vs10, 0 /* splat 0.5, 0.25, 3.0 */
    xxpermdi %vs11, %vs11, %vs11, 0
    xxpermdi %vs1, %vs1, %vs1, 0
    lis     %r4, 0x40               /* scratch at 4 MiB */
1:  xvmuldp %vs1, %vs1, %vs10
    xvadddp %vs1, %vs1, %vs11       /* vs1 = vs1 * 0.5 + 0.25 -> 0.5 */
    xxlor   %vs3, %vs1, %vs1
    xxpermdi %vs4, %vs3, %vs1, 2
    xvsubdp %vs5, %vs4, %vs11
    xxlxor  %vs6, %vs5, %vs4
    stxvd2x %vs5, 0, %r4
    lxvd2x  %vs7, 0, %r4
    xvmaddadp %vs7, %vs1, %vs10     /* vs7 = vs1 * 0.5 + vs7 */
    bdnz    1b
    b       done

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
    .p2align 3
consts:
    .double 0.5, 0.25, 1.0000001, 3.0
