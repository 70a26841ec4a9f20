/*
 * Payload for the gdb floating-point and vector test (test_gdb.py,
 * gdb-fp-be.gdb, gdb-fp-le.gdb), assembled twice: big-endian as the
 * firmware runs (gdb-fp-be) and little-endian as a Linux kernel runs
 * (gdb-fp-le: Linux's FIXUP_ENDIAN entry, spec/cpu.md §4.1, then
 * H_SET_MODE for little-endian interrupts).  Both run in 64-bit real mode
 * with MSR[FP, VEC, VSX] on.
 *
 * The code sets f1, vs33, v2, the FPSCR, the VSCR and VRSAVE to known
 * values for gdb to read at fp_add, where gdb steps the fadd; at
 * fp_break gdb writes f3, vs3h, vs4, v5, the FPSCR, the VSCR and VRSAVE,
 * and the code after it checks each value gdb wrote: "gdb fp ok" and
 * power-off 0, or "gdb fp FAIL" and power-off with the failed check's
 * number (40 + n).  Any interrupt is a failure (power-off 20 + vector/0x100).
 */
#include "payload.inc"

#define MSR_SF  (1 << 63)
#define MSR_VEC (1 << 25)
#define MSR_VSX (1 << 23)
#define MSR_FP  (1 << 13)

/* Check n: fails unless reg == the 64-bit constant v. Clobbers r9, r20. */
#define CHECK(n, reg, v)                                  \
    li      %r20, 40 + n;                                 \
    LOAD64(%r9, v);                                       \
    cmpd    reg, %r9;                                     \
    bne     fail

    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
#ifdef __LITTLE_ENDIAN__
    /* Linux's FIXUP_ENDIAN: a big-endian fetch reads the tdi as b .+8
     * and runs the words below, which switch to little-endian with rfid
     * and come back to 191. */
    tdi     0, 0, 0x48
    b       191f
    .long   0xa600607d          /* mfmsr r11 */
    .long   0x01006b69          /* xori r11,r11,1 */
    .long   0x00004039          /* li r10,0 */
    .long   0x6401417d          /* mtmsrd r10,1 */
    .long   0x05009f42          /* bcl 20,31,$+4 */
    .long   0xa602487d          /* mflr r10 */
    .long   0x14004a39          /* addi r10,r10,20 */
    .long   0xa6035a7d          /* mtsrr0 r10 */
    .long   0xa6037b7d          /* mtsrr1 r11 */
    .long   0x2400004c          /* rfid */
191:
#endif
    b       main

    /* Interrupt vectors: none is expected. */
    .org 0x300
    POWER_OFF(23)
    .org 0x380
    POWER_OFF(23)
    .org 0x400
    POWER_OFF(24)
    .org 0x480
    POWER_OFF(24)
    .org 0x600
    POWER_OFF(26)
    .org 0x700
    POWER_OFF(27)
    .org 0x800
    POWER_OFF(28)
    .org 0xd00
    POWER_OFF(33)
    .org 0xf20
    POWER_OFF(35)
    .org 0xf40
    POWER_OFF(36)

    .org 0x1000
main:
    /* 64-bit mode with the FP, vector and VSX facilities, keeping LE. */
    mfmsr   %r12
    LOAD64(%r11, MSR_SF | MSR_VEC | MSR_VSX | MSR_FP)
    or      %r11, %r11, %r12
    mtmsrd  %r11
#ifdef __LITTLE_ENDIAN__
    /* Interrupts in little-endian (LPCR[ILE]) for the vectors above. */
    LOAD32(%r3, H_SET_MODE)
    li      %r4, 1
    li      %r5, H_SET_MODE_RESOURCE_LE
    li      %r6, 0
    li      %r7, 0
    sc      1
    li      %r20, 39
    cmpdi   %r3, 0
    bne     fail
#endif

    /* The values gdb reads. */
    LOAD64(%r3, 0x3ff8000000000000)     /* 1.5 */
    mtvsrd  %vs1, %r3
    LOAD64(%r4, 0x0123456789abcdef)
    LOAD64(%r5, 0xfedcba9876543210)
    mtvsrdd %vs33, %r4, %r5
    LOAD64(%r4, 0x0001000200030004)
    LOAD64(%r5, 0x0005000600070008)
    mtvsrdd %vs34, %r4, %r5             /* v2 */
    mtfsfi  7, 9                        /* XE, RN = round toward zero */
    vspltisw %v6, 1
    mtvscr  %v6                         /* SAT */
    LOAD32(%r6, 0xdeadbeef)
    mtspr   256, %r6                    /* VRSAVE */

    .globl fp_add
fp_add:
    fadd    %f5, %f1, %f1               /* 3.0; FPRF = positive normal */
    .globl fp_break
fp_break:
    nop

    /* The values gdb wrote. */
    mfvsrd  %r3, %vs3                   /* f3 */
    CHECK(1, %r3, 0xc002000000000000)   /* -2.25 */
    mfvsrld %r3, %vs3                   /* vs3h */
    CHECK(2, %r3, 0x1122334455667788)
    mfvsrd  %r3, %vs4
    CHECK(3, %r3, 0xa0a1a2a3b0b1b2b3)
    mfvsrld %r3, %vs4
    CHECK(4, %r3, 0xc0c1c2c3d0d1d2d3)
    mfvsrd  %r3, %vs37                  /* v5 */
    CHECK(5, %r3, 0x1011121314151617)
    mfvsrld %r3, %vs37
    CHECK(6, %r3, 0x18191a1b1c1d1e1f)
    mffs    %f0
    mfvsrd  %r3, %vs0
    CHECK(7, %r3, 0x0000000300000006)   /* DRN = 3, NI, RN = round to +inf */
    mfvscr  %v0
    mfvsrld %r3, %vs32
    CHECK(8, %r3, 0x10000)              /* NJ */
    mfspr   %r3, 256
    CHECK(9, %r3, 0x12345678)
    fadd    %f7, %f1, %f3               /* 1.5 + -2.25 in the core */
    mfvsrd  %r3, %vs7
    CHECK(10, %r3, 0xbfe8000000000000)  /* -0.75 */
    PUTS(10, C8('g','d','b',' ','f','p',' ','o'), C8('k','\n',0,0,0,0,0,0))
    POWER_OFF(0)

fail:
    PUTS(12, C8('g','d','b',' ','f','p',' ','F'), C8('A','I','L','\n',0,0,0,0))
    LOAD32(%r3, PETREL_H_POWER_OFF)
    mr      %r4, %r20
    sc      1
    b       .
