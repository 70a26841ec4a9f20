/*
 * Vectors and entry of the interrupt payload (irq-payload.c).  vCPU 0
 * enters at 0x100 (MSR = 0); secondaries at secondary_start (start-cpu:
 * MSR = SF | ME, r3 = their index).  Each gets a 64 KiB stack.
 *
 * Every vector from 0x200 to 0xf60 saves the volatile state on the
 * interrupted stack (below its 288-byte protected area), calls
 * on_interrupt(vector) and returns with rfid.  The C handler decides what
 * was expected.
 */
#define FRAME 560 /* 112 ABI header + 160 save area + 288 protected area */

    .section .text.vectors, "ax"
    .globl  _start
    .org    0x100
_start:
    li      r11, 1
    rldicr  r11, r11, 63, 0
    ori     r11, r11, 0x1000        /* SF | ME */
    mtmsrd  r11
    isync
    li      r3, 0
    b       common_entry

.macro VECTOR v
    .org    \v
    stdu    r1, -FRAME(r1)
    std     r3, 112(r1)
    li      r3, \v
    b       common_irq
.endm
    VECTOR  0x200
    VECTOR  0x300
    VECTOR  0x380
    VECTOR  0x400
    VECTOR  0x480
    VECTOR  0x500
    VECTOR  0x600
    VECTOR  0x700
    VECTOR  0x800
    VECTOR  0x900
    VECTOR  0x980
    VECTOR  0xa00
    VECTOR  0xc00
    VECTOR  0xd00
    VECTOR  0xe00
    VECTOR  0xf00
    VECTOR  0xf20
    VECTOR  0xf40
    VECTOR  0xf60

    .org    0x1000
common_irq:
    std     r0, 120(r1)
    std     r4, 128(r1)
    std     r5, 136(r1)
    std     r6, 144(r1)
    std     r7, 152(r1)
    std     r8, 160(r1)
    std     r9, 168(r1)
    std     r10, 176(r1)
    std     r11, 184(r1)
    std     r12, 192(r1)
    mflr    r0
    std     r0, 200(r1)
    mfctr   r0
    std     r0, 208(r1)
    mfxer   r0
    std     r0, 216(r1)
    mfcr    r0
    std     r0, 224(r1)
    mfsrr0  r0
    std     r0, 232(r1)
    mfsrr1  r0
    std     r0, 240(r1)
    bl      on_interrupt
    nop
    ld      r0, 232(r1)
    mtsrr0  r0
    ld      r0, 240(r1)
    mtsrr1  r0
    ld      r0, 224(r1)
    mtcr    r0
    ld      r0, 216(r1)
    mtxer   r0
    ld      r0, 208(r1)
    mtctr   r0
    ld      r0, 200(r1)
    mtlr    r0
    ld      r0, 120(r1)
    ld      r4, 128(r1)
    ld      r5, 136(r1)
    ld      r6, 144(r1)
    ld      r7, 152(r1)
    ld      r8, 160(r1)
    ld      r9, 168(r1)
    ld      r10, 176(r1)
    ld      r11, 184(r1)
    ld      r12, 192(r1)
    ld      r3, 112(r1)
    addi    r1, r1, FRAME
    rfid

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
