/*
 * The second CPU of the RTAS test kernel (kernel-rtas.c).  start-cpu
 * enters secondary_entry at the real address the kernel named, with
 * r3 = the value it passed and MSR = SF | ME (spec/rtas.md §4.4); the MSR
 * is handed to C as it was found.  secondary_stop_self(args, entry) is
 * enter_rtas for stop-self on this CPU alone: it shares no save slot with
 * the boot CPU's rtas_enter (fwcall.S), and it never returns -- if RTAS
 * did come back, the CPU spins at the return address.
 */
    .section .text
    .globl  secondary_entry
secondary_entry:
    mfmsr   r4
    lis     r2, .TOC.@ha
    addi    r2, r2, .TOC.@l
    lis     r1, secondary_stack_top@ha
    addi    r1, r1, secondary_stack_top@l
    li      r0, 0
    stdu    r0, -64(r1)
    bl      secondary_main
1:  b       1b

    .globl  secondary_stop_self
secondary_stop_self:
    mtsrr0  r4
    li      r12, 0x1002             /* ME | RI */
    mtsrr1  r12
    bcl     20, 31, 1f
1:  mflr    r12
    addi    r12, r12, 2f - 1b
    mtlr    r12
    li      r1, -1                  /* RTAS may not use the caller's r1 or r2 */
    li      r2, -1
    rfid
2:  b       2b

    .section .bss
    .balign 16
    .space  0x4000
secondary_stack_top:
    .space  64

    .section .note.GNU-stack, "", @progbits
