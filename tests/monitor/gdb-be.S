/*
 * Payload for the gdb test (test_gdb.py, gdb-be.gdb): big-endian real
 * mode, as the firmware is entered.  r3 gets a known value, then a loop
 * counts in r4 and stores the count into `counter` (the watchpoint's
 * target) five times, and the payload powers off with status 0.
 */
#include "payload.inc"

    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    LOAD32(%r3, 0x1234abcd)
    li      %r4, 0
    lis     %r5, counter@h
    ori     %r5, %r5, counter@l
    li      %r6, 5
    mtctr   %r6
    .globl loop
loop:
    addi    %r4, %r4, 1
    .globl store
store:
    stw     %r4, 0(%r5)
    bdnz    loop
    .globl done
done:
    POWER_OFF(0)

    /* Any interrupt is a failure. */
    .org 0x700
    POWER_OFF(20)

    .data
    .globl counter
counter:
    .long 0
    .globl pattern
pattern:
    .long 0xcafef00d
