/*
 * The RTAS image's first bytes: the entry branch, the header the firmware
 * reads (image.h), and the entry stub.
 *
 * Entry (spec/rtas.md §1): rfid from the OS with MSR = ME | RI, i.e.
 * 32-bit mode, big-endian, real mode, EE = 0; r3 = real address of the
 * argument block; LR = where to return.  r1 is the OS's stack pointer, a
 * kernel virtual address that means nothing in real mode, and r2 is the
 * OS's TOC: the stub uses neither.  It finds itself with bcl, runs the
 * C dispatcher in 64-bit mode on the calling CPU's own stack (its area
 * after the fixed part, by PIR: image.h) with the image's own TOC, and
 * returns with the caller's MSR.  A PIR without an area (which no vCPU
 * of the machine has) returns at once, touching nothing.  Every GPR may be clobbered
 * (the OS saves what it needs); SPRGs are never touched.  The caller's
 * LR and MSR live in r31/r30 across the call (the ABI's non-volatile
 * registers, which the C code preserves).
 */
#include "image.h"

/* The base needs only word alignment for code and doubleword alignment
 * for the 64-bit data in the image. */
#define RTAS_BASE_ALIGN 8

#define SPRN_PIR 1023

    .section .text.entry, "ax"
    .globl  rtas_start
    .hidden rtas_start
rtas_start:
    b       rtas_entry
    .long   0
    /* RTAS_HEADER_OFFSET */
    .long   RTAS_IMAGE_MAGIC
    .long   RTAS_IMAGE_VERSION
    .long   rtas_start - rtas_start         /* the entry is the base */
    .long   __rtas_image_end - rtas_start
    .long   __rtas_end - rtas_start
    .long   rtas_state - rtas_start
    .long   RTAS_BASE_ALIGN
    .long   1 << RTAS_CPU_AREA_SHIFT

rtas_entry:
    mflr    r31
    mfmsr   r30
    li      r29, 1
    rldicr  r29, r29, 63, 0
    or      r29, r29, r30
    mtmsrd  r29                             /* MSR[SF]: 64-bit mode */
    isync
    bcl     20, 31, 1f
1:  mflr    r29
    addis   r2, r29, (.TOC. - 1b)@ha
    addi    r2, r2, (.TOC. - 1b)@l
    mfspr   r4, SPRN_PIR
    addis   r5, r29, (rtas_state - 1b)@ha
    addi    r5, r5, (rtas_state - 1b)@l
    lwz     r5, RTAS_STATE_MAX_CPUS(r5)
    cmplw   r4, r5
    bge     2f
    addi    r4, r4, 1
    sldi    r4, r4, RTAS_CPU_AREA_SHIFT
    addis   r1, r29, (__rtas_end - 1b)@ha
    addi    r1, r1, (__rtas_end - 1b)@l
    add     r1, r1, r4                      /* the top of this CPU's area */
    li      r0, 0
    stdu    r0, -32(r1)                     /* ELFv2 minimal frame, back chain 0 */
    clrldi  r3, r3, 32                      /* 32-bit mode left the high word undefined */
    bl      rtas_dispatch
    nop
2:  mtmsrd  r30                             /* the caller's mode again */
    isync
    mtlr    r31
    blr

    .section .note.GNU-stack, "", @progbits
