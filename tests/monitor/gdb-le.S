/*
 * Payload for the gdb test in little-endian mode (gdb-le.gdb): the
 * big-endian entry switches to 64-bit little-endian real mode with rfid,
 * and the little-endian code (le.inc encodings) loads a known value into
 * r3 and counts in r4 forever, storing the count into `counter`.  The
 * debugger ends it (kill).
 */
#include "payload.inc"
#include "le.inc"

    .section .text.vectors, "ax"
vbase:
    .globl _start
    .org 0x100
_start:
    li      %r10, le_start - vbase
    mtsrr0  %r10
    li      %r11, 1                 /* MSR[LE] */
    rldicr  %r11, %r11, 63, 0       /* MSR[SF] = 1 << 63 */
    ori     %r11, %r11, 1
    mtsrr1  %r11
    rfid

    .org 0x200
    .globl le_start
le_start:
    LE(E_LIS(3, 0x1234))
    LE(E_ORI(3, 3, 0xabcd))
    LE(E_LI(4, 0))
    LE(E_LIS(5, LE_ADDR_HI(counter)))
    LE(E_ORI(5, 5, LE_ADDR_LO(counter)))
    .globl le_loop
le_loop:
    LE(E_ADDI(4, 4, 1))
    .globl le_store
le_store:
    LE(E_STW(4, 0, 5))
    LE(E_B(le_loop))

    .org 0x700
    POWER_OFF(20)

    .org 0x2000
    .globl counter
counter:
    .long 0
