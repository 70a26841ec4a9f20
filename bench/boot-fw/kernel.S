/*
 * bench/boot-fw: the kernel whose first action is reading the timebase.
 * It then prints "BOOTFW tb 0x<16 hex digits>" on the hvterm console
 * (H_PUT_TERM_CHAR, vty 0x71000000 in both petrel and QEMU) and powers
 * off through petrel's service; under QEMU that hcall fails and it spins
 * until the harness kills it.  Position independent and big-endian, so
 * it runs wherever a VMM loads it and whichever entry path it takes
 * (petrel: flattened tree; QEMU + SLOF: Open Firmware, r5 ignored).
 *
 * Built three times: as an ELF kernel linked at physical 0 (both VMMs
 * load such an image at 4 MiB), with -DPROBE as a -bios image entered at
 * 0x100 in place of firmware, which tells the timebase at firmware entry,
 * and with -DSTAY for bench/reset: the kernel spins instead of powering
 * off, waiting for the next reset.
 */
#include <petrel/papr.h>
#include <petrel/service.h>

#ifdef PROBE
    .section .text.vectors, "ax"
    .org    0x100
#else
    .section .text.entry, "ax"
#endif
    .globl  _start
_start:
    mftb    r14                     /* first action */

    /* 64-bit mode: a -bios image is entered with MSR = 0. */
    mfmsr   r11
    li      r12, 1
    rldicr  r12, r12, 63, 0
    or      r11, r11, r12
    mtmsrd  r11
    isync

    bcl     20, 31, 1f
1:  mflr    r15
    addi    r15, r15, msg - 1b

    /* 16 hex digits of r14 into msg + 12, last digit first. */
    li      r9, 16
    mtctr   r9
    addi    r10, r15, 12 + 16
    mr      r9, r14
2:  andi.   r8, r9, 15
    cmpwi   r8, 10
    blt     3f
    addi    r8, r8, 'a' - 10 - '0'
3:  addi    r8, r8, '0'
    stbu    r8, -1(r10)
    srdi    r9, r9, 4
    bdnz    2b

    /* 29 bytes: 16, then 13; bytes packed big-endian in r6/r7. */
    li      r3, H_PUT_TERM_CHAR
    lis     r4, 0x7100              /* PAPR_VTERM_UNIT */
    li      r5, 16
    ld      r6, 0(r15)
    ld      r7, 8(r15)
    sc      1
    li      r3, H_PUT_TERM_CHAR
    lis     r4, 0x7100              /* PAPR_VTERM_UNIT */
    li      r5, 13
    ld      r6, 16(r15)
    ld      r7, 24(r15)
    sc      1

#ifndef STAY /* bench/reset: the kernel stays up for the next reset */
    li      r3, 0
    ori     r3, r3, PETREL_H_POWER_OFF
    li      r4, 0
    sc      1
#endif
4:  b       4b

    .balign 8
msg:
    .ascii  "BOOTFW tb 0x"
    .ascii  "0000000000000000"
    .ascii  "\n"
    .space  3
