/*
 * Checks the firmware entry state petrel promises (include/petrel/layout.h):
 * entry at 0x100, MSR = 0 (32-bit BE real mode), r3 = the hardware
 * description (a flattened tree), and 32-bit mode record forms setting CR0
 * from the low word.  Exit status names the first check that failed.
 */
#include "payload.inc"

    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    mr      %r31, %r3
    bcl     20, 31, 1f              /* LR = address of label 1 */
1:  mflr    %r9
    cmpldi  %r9, 0x108
    bne     bad_entry
    mfmsr   %r10
    cmpdi   %r10, 0
    bne     bad_msr
    LOAD32(%r11, HWDESC_ADDR)
    cmpld   %r31, %r11
    bne     bad_r3
    lwz     %r5, 0(%r31)
    LOAD32(%r6, 0xd00dfeed)
    cmplw   %r5, %r6
    bne     bad_magic
    /* 32-bit mode: or. of 0x00000000ffffffff is negative in the low word. */
    li      %r7, -1
    rldicl  %r7, %r7, 0, 32
    or.     %r8, %r7, %r7
    bge     bad_cr0
    PUTS(9, C8('e','n','t','r','y',' ','o','k'), C8('\n',0,0,0,0,0,0,0))
    POWER_OFF(0)
bad_entry:  POWER_OFF(10)
bad_msr:    POWER_OFF(11)
bad_r3:     POWER_OFF(12)
bad_magic:  POWER_OFF(13)
bad_cr0:    POWER_OFF(14)

    /* Any interrupt is a failure. */
    .org 0x700
    POWER_OFF(20)
