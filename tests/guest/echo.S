/*
 * Console input: polls H_GET_TERM_CHAR until three bytes have arrived and
 * echoes each chunk back with H_PUT_TERM_CHAR, then prints "<done>" and
 * powers off.  Bad hcall returns give non-zero exit statuses.
 */
#include "payload.inc"

    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    li      %r30, 0                 /* bytes echoed */
poll:
    LOAD32(%r3, H_GET_TERM_CHAR)
    LOAD32(%r4, PAPR_VTERM_UNIT)
    sc      1
    cmpdi   %r3, 0
    bne     bad_get
    cmpdi   %r4, 0
    beq     poll
    add     %r30, %r30, %r4
    mr      %r7, %r6
    mr      %r6, %r5
    mr      %r5, %r4
    LOAD32(%r4, PAPR_VTERM_UNIT)
    LOAD32(%r3, H_PUT_TERM_CHAR)
    sc      1
    cmpdi   %r3, 0
    bne     bad_put
    cmpdi   %r30, 3
    blt     poll
    PUTS(7, C8('<','d','o','n','e','>','\n',0), 0)
    POWER_OFF(0)
bad_get:    POWER_OFF(5)
bad_put:    POWER_OFF(6)
