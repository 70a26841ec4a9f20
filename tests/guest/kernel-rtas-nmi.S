/*
 * Machine checks for the RTAS test kernel's FWNMI check (kernel-rtas.c).
 * trigger_mce(addr) loads from addr, which has no memory behind it, with
 * r3 = 0x51515151: the machine check must reach mce_handler (registered
 * with ibm,nmi-register) with r3 = the save area holding that r3.  The
 * handler records r3, the saved r3, SRR0, SRR1 and the log's first word
 * in mce_record and returns past the load.
 */
    .section .text
    .globl  trigger_mce
trigger_mce:
    mr      r5, r3
    lis     r3, 0x5151
    ori     r3, r3, 0x5151
    ld      r4, 0(r5)
    blr

    .globl  mce_handler
    .balign 16
mce_handler:
    lis     r4, mce_record@ha
    addi    r4, r4, mce_record@l
    std     r3, 0(r4)
    ld      r5, 0(r3)
    std     r5, 8(r4)
    mfsrr0  r5
    std     r5, 16(r4)
    mfsrr1  r6
    std     r6, 24(r4)
    lwz     r7, 8(r3)
    std     r7, 32(r4)
    ld      r7, 40(r4)
    addi    r7, r7, 1
    std     r7, 40(r4)
    addi    r5, r5, 4
    mtsrr0  r5
    rfid

    .section .bss
    .balign 8
    .globl  mce_record
mce_record:
    .space  48

    .section .note.GNU-stack, "", @progbits
