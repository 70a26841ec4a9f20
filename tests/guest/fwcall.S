/*
 * The test kernels' calls into firmware services, made the way Linux makes
 * them, so the firmware sees what Linux hands it.
 *
 * of_call(args, entry) is enter_prom (spec/boot-and-cif.md §3.1): rfid to
 * the client interface with the caller's MSR minus SF and LE, r3 = the
 * argument block, LR = the return trampoline; returns r3.  It checks the
 * one register the interface must give back, r1 (low word, as Linux
 * clears the high one itself): a change sets of_call_r1_changed.  petrel's
 * interface also promises r2, r13-r31 and CR (firmware/cif-entry.S): a
 * change there sets of_call_regs_changed.
 *
 * rtas_enter(args, entry, base) is enter_rtas (spec/rtas.md §1): rfid with
 * MSR = ME | RI (32-bit, big-endian, real mode, EE off), r3 = args, r4 =
 * base, r5 = entry, LR = the return trampoline -- and r1 and r2 poisoned,
 * since RTAS may use neither.  The stack pointer comes back from a static
 * slot.
 *
 * Both save r2, r13-r31, CR and the MSR and restore them after, as Linux
 * does: the firmware may clobber every GPR.
 */
#define FRAME 256

    .section .bss
    .balign 8
    .globl  of_call_r1_changed
of_call_r1_changed:
    .space  8
    .globl  of_call_regs_changed
of_call_regs_changed:
    .space  8
saved_sp:
    .space  8
returned_cr:
    .space  8

    .section .text
/* Saves r2, r13-r31, CR and the MSR in a new frame, r1 in saved_sp. */
#define SAVE_STATE                  \
    mflr    r0;                     \
    std     r0, 16(r1);             \
    stdu    r1, -FRAME(r1);         \
    std     r2, 24(r1);             \
    std     r13, 32(r1);            \
    std     r14, 40(r1);            \
    std     r15, 48(r1);            \
    std     r16, 56(r1);            \
    std     r17, 64(r1);            \
    std     r18, 72(r1);            \
    std     r19, 80(r1);            \
    std     r20, 88(r1);            \
    std     r21, 96(r1);            \
    std     r22, 104(r1);           \
    std     r23, 112(r1);           \
    std     r24, 120(r1);           \
    std     r25, 128(r1);           \
    std     r26, 136(r1);           \
    std     r27, 144(r1);           \
    std     r28, 152(r1);           \
    std     r29, 160(r1);           \
    std     r30, 168(r1);           \
    std     r31, 176(r1);           \
    mfcr    r0;                     \
    std     r0, 184(r1);            \
    mfmsr   r0;                     \
    std     r0, 192(r1);            \
    lis     r12, saved_sp@ha;       \
    std     r1, saved_sp@l(r12)

/* After the return: back to the saved MSR (64-bit), registers, frame. */
#define RESTORE_STATE               \
    ld      r0, 192(r1);            \
    mtmsrd  r0;                     \
    isync;                          \
    ld      r2, 24(r1);             \
    ld      r13, 32(r1);            \
    ld      r14, 40(r1);            \
    ld      r15, 48(r1);            \
    ld      r16, 56(r1);            \
    ld      r17, 64(r1);            \
    ld      r18, 72(r1);            \
    ld      r19, 80(r1);            \
    ld      r20, 88(r1);            \
    ld      r21, 96(r1);            \
    ld      r22, 104(r1);           \
    ld      r23, 112(r1);           \
    ld      r24, 120(r1);           \
    ld      r25, 128(r1);           \
    ld      r26, 136(r1);           \
    ld      r27, 144(r1);           \
    ld      r28, 152(r1);           \
    ld      r29, 160(r1);           \
    ld      r30, 168(r1);           \
    ld      r31, 176(r1);           \
    ld      r0, 184(r1);            \
    mtcr    r0;                     \
    addi    r1, r1, FRAME;          \
    ld      r0, 16(r1);             \
    mtlr    r0

/* Sets of_call_regs_changed unless reg still holds its saved value. */
#define KEPT(reg, off)                          \
    ld      r0, off(r1);                        \
    cmpd    r0, reg;                            \
    beq     1f;                                 \
    li      r0, 1;                              \
    lis     r11, of_call_regs_changed@ha;       \
    std     r0, of_call_regs_changed@l(r11);    \
1:

    .globl  of_call
of_call:
    SAVE_STATE
    mtsrr0  r4
    mfmsr   r11
    li      r12, 1
    rldicr  r12, r12, 63, 0
    ori     r12, r12, 1
    andc    r11, r11, r12           /* SF and LE off */
    mtsrr1  r11
    bcl     20, 31, 1f
1:  mflr    r12
    addi    r12, r12, 2f - 1b
    mtlr    r12
    rfid
2:  /* 32-bit, big-endian: r3 = status; CR first, the checks change it */
    mfcr    r0
    lis     r12, returned_cr@ha
    std     r0, returned_cr@l(r12)
    rldicl  r1, r1, 0, 32
    lis     r12, saved_sp@ha
    ld      r12, saved_sp@l(r12)
    cmpld   r1, r12
    beq     3f
    li      r0, 1
    lis     r11, of_call_r1_changed@ha
    std     r0, of_call_r1_changed@l(r11)
    mr      r1, r12
3:  KEPT(r2, 24)
    KEPT(r13, 32)
    KEPT(r14, 40)
    KEPT(r15, 48)
    KEPT(r16, 56)
    KEPT(r17, 64)
    KEPT(r18, 72)
    KEPT(r19, 80)
    KEPT(r20, 88)
    KEPT(r21, 96)
    KEPT(r22, 104)
    KEPT(r23, 112)
    KEPT(r24, 120)
    KEPT(r25, 128)
    KEPT(r26, 136)
    KEPT(r27, 144)
    KEPT(r28, 152)
    KEPT(r29, 160)
    KEPT(r30, 168)
    KEPT(r31, 176)
    lis     r12, returned_cr@ha
    ld      r0, returned_cr@l(r12)
    ld      r12, 184(r1)
    cmpw    r0, r12                 /* CR is 32 bits */
    beq     4f
    li      r0, 1
    lis     r11, of_call_regs_changed@ha
    std     r0, of_call_regs_changed@l(r11)
4:  RESTORE_STATE
    extsw   r3, r3
    blr

    .globl  rtas_enter
rtas_enter:
    SAVE_STATE
    mtsrr0  r4
    li      r12, 0x1002             /* ME | RI */
    mtsrr1  r12
    mr      r12, r4
    mr      r4, r5                  /* r4 = base */
    mr      r5, r12                 /* r5 = entry */
    bcl     20, 31, 1f
1:  mflr    r12
    addi    r12, r12, 2f - 1b
    mtlr    r12
    lis     r1, 0xdead              /* RTAS must not need a stack from us */
    ori     r1, r1, 0xbee8
    lis     r2, 0xdead              /* nor our TOC */
    ori     r2, r2, 0x7000
    li      r0, 0
    rfid
2:  lis     r1, saved_sp@ha
    ld      r1, saved_sp@l(r1)
    RESTORE_STATE
    blr

    .section .note.GNU-stack, "", @progbits
