/*
 * Entry, vectors and mode switching of the MMU payloads (mmu-lib.c,
 * mmu-radix.c, mmu-hash.c).  vCPU 0 enters at 0x100 (MSR = 0) and turns
 * on 64-bit mode; secondaries enter at secondary_start (start-cpu:
 * MSR = SF | ME, r3 = their index).  The C code runs in real mode.
 *
 * Every vector from 0x200 to 0xf60 switches to the vCPU's exception
 * stack (SPRG0 = its struct percpu, SPRG1 = the interrupted r1: the
 * interrupted code may run in problem state on any stack, or none),
 * saves the interrupted state in a struct frame and calls
 * on_interrupt(vector, frame).  It returns 0 to resume the interrupted
 * code with rfid from the frame (which the handler may have changed), or
 * 1 to end the call_mode() in progress: call_mode() then returns the
 * frame's r3.
 *
 * call_mode(address, msr, a, b, c, d) runs the code at `address` with
 * that MSR (translation on, problem state: what the test needs) and
 * r3..r6 = a, b, c, d, through rfid; that code ends with sc 0, whose interrupt
 * returns to call_mode's caller, in real mode, with its r3.
 */
#include "mmu-lib.h"

    .machine power9

    .section .text.vectors, "ax"
    .globl  _start
    .org    0x100
_start:
    li      r11, 1
    rldicr  r11, r11, 63, 0         /* SF */
    mtmsrd  r11
    isync
    li      r3, 0
    b       common_entry

.macro VECTOR v
    .org    \v
    mtsprg1 r1
    mfsprg0 r1
    std     r3, PC_SCRATCH(r1)
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
    VECTOR  0xb00
    VECTOR  0xc00
    VECTOR  0xd00
    VECTOR  0xe00
    VECTOR  0xe20
    VECTOR  0xe40
    VECTOR  0xe60
    VECTOR  0xe80
    VECTOR  0xea0
    VECTOR  0xf00
    VECTOR  0xf20
    VECTOR  0xf40
    VECTOR  0xf60

    .org    0x1000
/* r1 = this vCPU's struct percpu, r3 = vector; r3 and r1 saved. */
common_irq:
    ld      r1, PC_ESTACK(r1)
    addi    r1, r1, -(FRAME_AT + FRAME_SIZE)
    std     r0, FRAME_AT + 8 * 0(r1)
    std     r2, FRAME_AT + 8 * 2(r1)
    .irp    n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    std     r\n, FRAME_AT + 8 * \n(r1)
    .endr
    mfsprg1 r0
    std     r0, FRAME_AT + 8 * 1(r1)
    mfsprg0 r4
    ld      r0, PC_SCRATCH(r4)
    std     r0, FRAME_AT + 8 * 3(r1)
    mflr    r0
    std     r0, FRAME_AT + F_LR(r1)
    mfctr   r0
    std     r0, FRAME_AT + F_CTR(r1)
    mfcr    r0
    std     r0, FRAME_AT + F_CR(r1)
    mfxer   r0
    std     r0, FRAME_AT + F_XER(r1)
    mfsrr0  r0
    std     r0, FRAME_AT + F_SRR0(r1)
    mfsrr1  r0
    std     r0, FRAME_AT + F_SRR1(r1)
    mfdar   r0
    std     r0, FRAME_AT + F_DAR(r1)
    mfdsisr r0
    std     r0, FRAME_AT + F_DSISR(r1)
    li      r0, 0
    std     r0, 0(r1)               /* end of the back chain */
    ld      r2, PC_TOC(r4)
    addi    r4, r1, FRAME_AT
    bl      on_interrupt
    nop
    cmpdi   r3, 0
    bne     end_call
    ld      r0, FRAME_AT + F_SRR0(r1)
    mtsrr0  r0
    ld      r0, FRAME_AT + F_SRR1(r1)
    mtsrr1  r0
    ld      r0, FRAME_AT + F_LR(r1)
    mtlr    r0
    ld      r0, FRAME_AT + F_CTR(r1)
    mtctr   r0
    ld      r0, FRAME_AT + F_CR(r1)
    mtcr    r0
    ld      r0, FRAME_AT + F_XER(r1)
    mtxer   r0
    ld      r0, FRAME_AT + 8 * 0(r1)
    ld      r2, FRAME_AT + 8 * 2(r1)
    .irp    n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld      r\n, FRAME_AT + 8 * \n(r1)
    .endr
    ld      r1, FRAME_AT + 8 * 1(r1)
    rfid

/* Back to call_mode's caller (the interrupt left real mode in force). */
end_call:
    ld      r3, FRAME_AT + 8 * 3(r1)
    mfsprg0 r4
    ld      r1, PC_RESUME + 8 * 0(r4)
    ld      r2, PC_RESUME + 8 * 1(r4)
    .irp    n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld      r\n, PC_RESUME + 8 * (\n - 12)(r4)
    .endr
    ld      r0, PC_RESUME + 8 * 20(r4)
    mtlr    r0
    ld      r0, PC_RESUME + 8 * 21(r4)
    mtcr    r0
    blr

/* uint64_t call_mode(address, msr, a, b, c, d) */
    .globl  call_mode
call_mode:
    mfsprg0 r9
    std     r1, PC_RESUME + 8 * 0(r9)
    std     r2, PC_RESUME + 8 * 1(r9)
    .irp    n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    std     r\n, PC_RESUME + 8 * (\n - 12)(r9)
    .endr
    mflr    r0
    std     r0, PC_RESUME + 8 * 20(r9)
    mfcr    r0
    std     r0, PC_RESUME + 8 * 21(r9)
    li      r0, 1
    std     r0, PC_IN_CALL(r9)
    mtsrr0  r3
    mtsrr1  r4
    mr      r3, r5
    mr      r4, r6
    mr      r5, r7
    mr      r6, r8
    rfid

/* r3 = vCPU index: a 64 KiB slot below __stack_top (its stack on top,
 * its exception stack below, mmu-lib.c percpu_setup). */
    .globl  secondary_start
secondary_start:
common_entry:
    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    lis     r1, __stack_top@ha
    addi    r1, r1, __stack_top@l
    sldi    r4, r3, 16
    sub     r1, r1, r4
    li      r0, 0
    stdu    r0, -112(r1)
    mr      r31, r3
    bl      percpu_setup
    nop
    mr      r3, r31
    bl      payload_main
    nop
1:  b       1b
