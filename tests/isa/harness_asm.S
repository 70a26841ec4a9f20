/*
 * The ppc64 harness's assembly: process entry, and isa_run, which swaps
 * the harness's registers for a vector's, runs the sequence at ISA_SEQ
 * and records every register on the way out (README.md).  Built for
 * ELFv1 (big-endian) and ELFv2 (little-endian).
 */
#include "isa.h"

#define SAVE(i) (CTX_SAVE + 8 * (i))
#define IN(f)   (CTX_IN + (f))
#define OUT(f)  (CTX_OUT + (f))
#define SPR_TAR    815
#define SPR_VRSAVE 256

#if _CALL_ELF == 2
#define ENTRY(name)                                                            \
        .text;                                                                 \
        .globl name;                                                           \
        .type name, @function;                                                 \
        .p2align 4;                                                            \
name:
#define CODE(name) name
#else
/* ELFv1: `name` is the function descriptor, .L.name the code. */
#define ENTRY(name)                                                            \
        .section ".opd", "aw";                                                 \
        .p2align 3;                                                            \
        .globl name;                                                           \
name:   .quad .L.name, .TOC.@tocbase, 0;                                     \
        .text;                                                                 \
        .p2align 4;                                                            \
.L.name:
#define CODE(name) .L.name
#endif

/* Process entry: r1 is the initial stack; ELFv1 gets r2 from the
 * descriptor, ELFv2 computes it. */
ENTRY(_start)
        lis     %r2, .TOC.@ha
        addi    %r2, %r2, .TOC.@l
        clrrdi  %r1, %r1, 4
        li      %r0, 0
        stdu    %r0, -128(%r1)
        bl      harness_main
        nop
        b       .

/* void isa_run(struct isa_ctx *ctx): ctx is at ISA_CTXP. */
ENTRY(isa_run)
        std     %r1, SAVE(0)(%r3)
        std     %r2, SAVE(1)(%r3)
        std     %r13, SAVE(2)(%r3)
        std     %r14, SAVE(3)(%r3)
        std     %r15, SAVE(4)(%r3)
        std     %r16, SAVE(5)(%r3)
        std     %r17, SAVE(6)(%r3)
        std     %r18, SAVE(7)(%r3)
        std     %r19, SAVE(8)(%r3)
        std     %r20, SAVE(9)(%r3)
        std     %r21, SAVE(10)(%r3)
        std     %r22, SAVE(11)(%r3)
        std     %r23, SAVE(12)(%r3)
        std     %r24, SAVE(13)(%r3)
        std     %r25, SAVE(14)(%r3)
        std     %r26, SAVE(15)(%r3)
        std     %r27, SAVE(16)(%r3)
        std     %r28, SAVE(17)(%r3)
        std     %r29, SAVE(18)(%r3)
        std     %r30, SAVE(19)(%r3)
        std     %r31, SAVE(20)(%r3)
        mflr    %r0
        std     %r0, SAVE(21)(%r3)
        mfcr    %r0
        std     %r0, SAVE(22)(%r3)
        /* Drop any reservation left by an earlier vector. */
        addi    %r4, %r3, CTX_SCRATCH
        stdcx.  %r0, 0, %r4
        mr      %r1, %r3
        ld      %r0, IN(ST_TAR)(%r1)
        mtspr   SPR_TAR, %r0
        ld      %r0, IN(ST_VRSAVE)(%r1)
        mtspr   SPR_VRSAVE, %r0
        ld      %r0, IN(ST_LR)(%r1)
        mtlr    %r0
        ld      %r0, IN(ST_CTR)(%r1)
        mtctr   %r0
        ld      %r0, IN(ST_XER)(%r1)
        mtxer   %r0
        ld      %r0, IN(ST_CR)(%r1)
        mtcrf   0xff, %r0
        /* VSCR (word 3 of a VR), FPSCR (all 64 bits: mtfsf L=1), then the
         * 64 VSRs as {doubleword 0, doubleword 1} (lxvd2x, either order). */
        ld      %r0, IN(ST_VSCR)(%r1)
        mtvsrdd %vs32, %r0, %r0
        mtvscr  %v0
        lfd     %f0, IN(ST_FPSCR)(%r1)
        mtfsf   0xff, %f0, 1, 0
        addi    %r4, %r1, IN(ST_VSR)
        .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
        li      %r5, 16 * \i
        lxvd2x  \i, %r4, %r5
        .endr
        ld      %r0, IN(ST_GPR + 0)(%r1)
        ld      %r2, IN(ST_GPR + 16)(%r1)
        ld      %r3, IN(ST_GPR + 24)(%r1)
        ld      %r4, IN(ST_GPR + 32)(%r1)
        ld      %r5, IN(ST_GPR + 40)(%r1)
        ld      %r6, IN(ST_GPR + 48)(%r1)
        ld      %r7, IN(ST_GPR + 56)(%r1)
        ld      %r8, IN(ST_GPR + 64)(%r1)
        ld      %r9, IN(ST_GPR + 72)(%r1)
        ld      %r10, IN(ST_GPR + 80)(%r1)
        ld      %r11, IN(ST_GPR + 88)(%r1)
        ld      %r12, IN(ST_GPR + 96)(%r1)
        ld      %r13, IN(ST_GPR + 104)(%r1)
        ld      %r14, IN(ST_GPR + 112)(%r1)
        ld      %r15, IN(ST_GPR + 120)(%r1)
        ld      %r16, IN(ST_GPR + 128)(%r1)
        ld      %r17, IN(ST_GPR + 136)(%r1)
        ld      %r18, IN(ST_GPR + 144)(%r1)
        ld      %r19, IN(ST_GPR + 152)(%r1)
        ld      %r20, IN(ST_GPR + 160)(%r1)
        ld      %r21, IN(ST_GPR + 168)(%r1)
        ld      %r22, IN(ST_GPR + 176)(%r1)
        ld      %r23, IN(ST_GPR + 184)(%r1)
        ld      %r24, IN(ST_GPR + 192)(%r1)
        ld      %r25, IN(ST_GPR + 200)(%r1)
        ld      %r26, IN(ST_GPR + 208)(%r1)
        ld      %r27, IN(ST_GPR + 216)(%r1)
        ld      %r28, IN(ST_GPR + 224)(%r1)
        ld      %r29, IN(ST_GPR + 232)(%r1)
        ld      %r30, IN(ST_GPR + 240)(%r1)
        ld      %r31, IN(ST_GPR + 248)(%r1)
        b       isa_seq

/* The word after a sequence branches here (harness.c writes it). */
        .globl  isa_epilogue
isa_epilogue:
        std     %r0, OUT(ST_GPR + 0)(%r1)
        std     %r1, OUT(ST_GPR + 8)(%r1)
        std     %r2, OUT(ST_GPR + 16)(%r1)
        std     %r3, OUT(ST_GPR + 24)(%r1)
        std     %r4, OUT(ST_GPR + 32)(%r1)
        std     %r5, OUT(ST_GPR + 40)(%r1)
        std     %r6, OUT(ST_GPR + 48)(%r1)
        std     %r7, OUT(ST_GPR + 56)(%r1)
        std     %r8, OUT(ST_GPR + 64)(%r1)
        std     %r9, OUT(ST_GPR + 72)(%r1)
        std     %r10, OUT(ST_GPR + 80)(%r1)
        std     %r11, OUT(ST_GPR + 88)(%r1)
        std     %r12, OUT(ST_GPR + 96)(%r1)
        std     %r13, OUT(ST_GPR + 104)(%r1)
        std     %r14, OUT(ST_GPR + 112)(%r1)
        std     %r15, OUT(ST_GPR + 120)(%r1)
        std     %r16, OUT(ST_GPR + 128)(%r1)
        std     %r17, OUT(ST_GPR + 136)(%r1)
        std     %r18, OUT(ST_GPR + 144)(%r1)
        std     %r19, OUT(ST_GPR + 152)(%r1)
        std     %r20, OUT(ST_GPR + 160)(%r1)
        std     %r21, OUT(ST_GPR + 168)(%r1)
        std     %r22, OUT(ST_GPR + 176)(%r1)
        std     %r23, OUT(ST_GPR + 184)(%r1)
        std     %r24, OUT(ST_GPR + 192)(%r1)
        std     %r25, OUT(ST_GPR + 200)(%r1)
        std     %r26, OUT(ST_GPR + 208)(%r1)
        std     %r27, OUT(ST_GPR + 216)(%r1)
        std     %r28, OUT(ST_GPR + 224)(%r1)
        std     %r29, OUT(ST_GPR + 232)(%r1)
        std     %r30, OUT(ST_GPR + 240)(%r1)
        std     %r31, OUT(ST_GPR + 248)(%r1)
        mfcr    %r0
        std     %r0, OUT(ST_CR)(%r1)
        mfxer   %r0
        std     %r0, OUT(ST_XER)(%r1)
        mflr    %r0
        std     %r0, OUT(ST_LR)(%r1)
        mfctr   %r0
        std     %r0, OUT(ST_CTR)(%r1)
        mfspr   %r0, SPR_TAR
        std     %r0, OUT(ST_TAR)(%r1)
        mfspr   %r0, SPR_VRSAVE
        std     %r0, OUT(ST_VRSAVE)(%r1)
        addi    %r4, %r1, OUT(ST_VSR)
        .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
        li      %r5, 16 * \i
        stxvd2x \i, %r4, %r5
        .endr
        mffs    %f0
        stfd    %f0, OUT(ST_FPSCR)(%r1)
        mfvscr  %v0
        mfvsrld %r0, %vs32
        std     %r0, OUT(ST_VSCR)(%r1)
        li      %r0, 0
        std     %r0, OUT(ST_SIGNO)(%r1)
        std     %r0, OUT(ST_NIP)(%r1)
        mr      %r3, %r1
        b       CODE(isa_recover)

/* void isa_recover(struct isa_ctx *ctx): back to isa_run's caller with the
 * harness's registers (also the way out of a signal handler). */
ENTRY(isa_recover)
        ld      %r0, SAVE(21)(%r3)
        mtlr    %r0
        ld      %r0, SAVE(22)(%r3)
        mtcrf   0x38, %r0
        ld      %r1, SAVE(0)(%r3)
        ld      %r2, SAVE(1)(%r3)
        ld      %r13, SAVE(2)(%r3)
        ld      %r14, SAVE(3)(%r3)
        ld      %r15, SAVE(4)(%r3)
        ld      %r16, SAVE(5)(%r3)
        ld      %r17, SAVE(6)(%r3)
        ld      %r18, SAVE(7)(%r3)
        ld      %r19, SAVE(8)(%r3)
        ld      %r20, SAVE(9)(%r3)
        ld      %r21, SAVE(10)(%r3)
        ld      %r22, SAVE(11)(%r3)
        ld      %r23, SAVE(12)(%r3)
        ld      %r24, SAVE(13)(%r3)
        ld      %r25, SAVE(14)(%r3)
        ld      %r26, SAVE(15)(%r3)
        ld      %r27, SAVE(16)(%r3)
        ld      %r28, SAVE(17)(%r3)
        ld      %r29, SAVE(18)(%r3)
        ld      %r30, SAVE(19)(%r3)
        ld      %r31, SAVE(20)(%r3)
        blr

        .section .note.GNU-stack, "", @progbits
