/*
 * Reboot through the private service: the first boot marks RAM above the
 * firmware region and reboots; the second finds the mark and r3 = the
 * hardware description again, and powers off with 42.  With -no-reboot
 * the first reboot request ends petrel with status 0.
 */
#include "payload.inc"

#define MARK 0x1000000

    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    mr      %r31, %r3
    LOAD32(%r5, MARK)
    lwz     %r6, 0(%r5)
    cmpwi   %r6, 0
    bne     second
    li      %r6, 1
    stw     %r6, 0(%r5)
    PUTS(11, C8('f','i','r','s','t',' ','b','o'), C8('o','t','\n',0,0,0,0,0))
    LOAD32(%r3, PETREL_H_REBOOT)
    sc      1
    POWER_OFF(3)                    /* reboot returned: failure */
second:
    LOAD32(%r11, HWDESC_ADDR)
    cmpld   %r31, %r11
    bne     bad
    mfmsr   %r10
    cmpdi   %r10, 0
    bne     bad
    PUTS(12, C8('s','e','c','o','n','d',' ','b'), C8('o','o','t','\n',0,0,0,0))
    POWER_OFF(42)
bad:
    POWER_OFF(4)
