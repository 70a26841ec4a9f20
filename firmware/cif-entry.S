/*
 * The client interface's entry, and the jump into the client.
 *
 * cif_entry is r5 at kernel entry (spec/boot-and-cif.md §2).  The client
 * calls it as Linux's enter_prom does (§3.1): rfid with its own MSR minus
 * SF and LE -- 32-bit, big-endian, translation as it was (off: petrel runs
 * clients in real mode) -- r3 = the argument block, r1 = its stack, LR =
 * where to return.  The client may expect only r1 back (§3.1), but r2,
 * r13-r31, CR and the MSR come back as well, the IEEE 1275 PowerPC
 * binding's callee-saved set, so simpler clients need not save them:
 * r14-r31 the C code keeps, as the ABI has every callee do; the rest
 * this stub saves.  The firmware runs in 64-bit mode with EE off, on its
 * own stack (the boot stack, free since the jump into the client) and its
 * own TOC.  One save
 * area: the interface is not re-entered (one client, one CPU, EE off).
 * SPRGs are not touched: the client may keep its state there.
 */
#define MSR_EE 0x8000

    .section .bss
    .balign 8
cif_save:
    .space  8 * 6           /* r1, LR, MSR, CR, r2, r13 */

    .section .text
    .globl  cif_entry
cif_entry:
    lis     r12, cif_save@ha                /* < 2 GiB: right in 32-bit mode too */
    addi    r12, r12, cif_save@l
    std     r1, 0(r12)
    mflr    r0
    std     r0, 8(r12)
    mfmsr   r11
    std     r11, 16(r12)
    mfcr    r0
    std     r0, 24(r12)
    std     r2, 32(r12)
    std     r13, 40(r12)

    li      r10, 1
    rldicr  r10, r10, 63, 0                 /* MSR[SF] */
    or      r11, r11, r10
    li      r10, 0
    ori     r10, r10, MSR_EE
    andc    r11, r11, r10
    mtmsrd  r11
    isync

    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    lis     r1, __stack_top@ha
    addi    r1, r1, __stack_top@l
    li      r0, 0
    stdu    r0, -32(r1)                     /* ELFv2 minimal frame, back chain 0 */
    clrldi  r3, r3, 32                      /* 32-bit mode left the high word undefined */
    bl      cif_entry_c
    nop

    lis     r12, cif_save@ha
    addi    r12, r12, cif_save@l
    ld      r2, 32(r12)
    ld      r13, 40(r12)
    ld      r0, 24(r12)
    mtcr    r0
    ld      r0, 8(r12)
    mtlr    r0
    ld      r11, 16(r12)
    ld      r1, 0(r12)
    mtmsrd  r11                             /* the client's mode again */
    isync
    blr                                     /* r3 = status */

/*
 * cif_start_client(entry, msr, stack, initrd, initrd_len): enters the
 * client on the Open Firmware path (§2): r1 = stack, r3/r4 = the initrd,
 * r5 = cif_entry, r6 = r7 = 0, MSR as given, through rfid.
 */
    .globl  cif_start_client
cif_start_client:
    mtsrr0  r3
    mtsrr1  r4
    mr      r1, r5
    mr      r3, r6
    mr      r4, r7
    lis     r5, cif_entry@ha
    addi    r5, r5, cif_entry@l
    li      r6, 0
    li      r7, 0
    li      r0, 0
    rfid

    .section .note.GNU-stack, "", @progbits
