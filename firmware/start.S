/*
 * Firmware entry and real-mode exception vectors.
 *
 * The host enters at 0x100 big-endian, real mode, with MSR = 0: that is
 * 32-bit mode (IEEE 1275 PowerPC binding), where record forms set CR0 from
 * the low word and effective addresses wrap at 4 GiB.  Compiled C is 64-bit
 * code, so MSR[SF] is set before anything else (Power ISA Book III 4.2.1).
 */
    .section .vectors, "ax"
    .globl  __vectors
__vectors:
    .org    0x100
    b       _start

/* Every vector except the entry is fatal here: report it and stop. */
#define VECTOR(v)        \
    .org    v;           \
    mtsprg1 r1;          \
    li      r1, v;       \
    b       exception_entry

    VECTOR(0x200)   /* machine check */
    VECTOR(0x300)   /* data storage */
    VECTOR(0x380)   /* data segment */
    VECTOR(0x400)   /* instruction storage */
    VECTOR(0x480)   /* instruction segment */
    VECTOR(0x500)   /* external */
    VECTOR(0x600)   /* alignment */
    VECTOR(0x700)   /* program */
    VECTOR(0x800)   /* FP unavailable */
    VECTOR(0x900)   /* decrementer */
    VECTOR(0xc00)   /* system call */
    VECTOR(0xd00)   /* trace */
    VECTOR(0xf00)   /* performance monitor */
    VECTOR(0xf20)   /* VMX unavailable */
    VECTOR(0xf40)   /* VSX unavailable */
    VECTOR(0xf60)   /* facility unavailable */
    .org    0x1000

    .section .text.entry, "ax"
    .globl  _start
_start:
    /* 64-bit mode first. */
    mfmsr   r11
    li      r12, 1
    rldicr  r12, r12, 63, 0
    or      r11, r11, r12
    mtmsrd  r11
    isync

    mr      r31, r3                 /* hardware description */
    mftb    r30                     /* the timebase at entry: boot time is measured from it */
    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    lis     r1, __stack_top@ha
    addi    r1, r1, __stack_top@l
    li      r0, 0
    std     r0, 0(r1)               /* terminate the back chain */

    /* Clear .bss: the image holds no bss, and after a reset RAM is not zero. */
    lis     r4, __bss_start@ha
    addi    r4, r4, __bss_start@l
    lis     r5, __bss_end@ha
    addi    r5, r5, __bss_end@l
1:  cmpld   r4, r5
    bge     2f
    std     r0, 0(r4)
    addi    r4, r4, 8
    b       1b
2:
    mr      r3, r31
    mr      r4, r30
    bl      fw_main
    /* fw_main powers off; if that ever returns, spin. */
3:  b       3b

/* r1 = vector, SPRG1 = interrupted r1. */
exception_entry:
    mr      r3, r1
    mfsrr0  r4
    mfsrr1  r5
    mfdar   r6
    mfdsisr r7
    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    lis     r1, __exc_stack_top@ha
    addi    r1, r1, __exc_stack_top@l
    li      r0, 0
    std     r0, 0(r1)
    stdu    r1, -128(r1)
    bl      fw_exception
4:  b       4b
