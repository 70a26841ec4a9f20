/*
 * Alignment interrupts (Book III "Alignment Interrupt"; spec/cpu.md
 * §2.9): unaligned load-and-reserve / store-conditional, and lmw/stmw in little-endian
 * mode, go to 0x600 with SRR0 = the instruction, SRR1 = MSR, DAR = EA.
 * DSISR is not set by an alignment interrupt on ISA 3.0 (POWER9): it
 * must keep what the payload wrote.  The faulting instruction has no
 * effect; the handler returns to SRR0 + 4.
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

#define SENTINEL 0x5e5e5e5e5e5e5e5e

main:
    SAY("sys-align: alignment interrupts\n")
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)
    /* DATA: 0x0011223344556677 8899aabbccddeeff */
    LOAD32(%r5, DATA)
    LOAD64(%r6, 0x0011223344556677)
    std     %r6, 0(%r5)
    LOAD64(%r6, 0x8899aabbccddeeff)
    std     %r6, 8(%r5)
    /* a DSISR value no alignment interrupt may change */
    LOAD32(%r18, 0x0a0b0c0d)
    mtdsisr %r18

    SAY(" 1 lwarx at DATA+2 -> 0x600, DAR = EA, DSISR kept: ")
    EXPECT(1, 0x600, al1, 0, F_ADV | F_DAR | F_DSISR)
    LOAD32(%r5, DATA + 2)
    mr      %r22, %r5
    LOAD64(%r6, SENTINEL)
al1: lwarx   %r6, 0, %r5
    AFTER(1)
    CHECKI(7, %r6, SENTINEL)
    SAY("ok\n")

    SAY(" 2 lwarx RA+RB = DATA+3: ")
    EXPECT(2, 0x600, al2, 0, F_ADV | F_DAR | F_DSISR)
    LOAD32(%r5, DATA)
    li      %r7, 3
    LOAD32(%r22, DATA + 3)
al2: lwarx   %r6, %r5, %r7
    AFTER(1)
    SAY("ok\n")

    SAY(" 3 ldarx at DATA+4: ")
    EXPECT(3, 0x600, al3, 0, F_ADV | F_DAR | F_DSISR)
    LOAD32(%r5, DATA + 4)
    mr      %r22, %r5
al3: ldarx   %r6, 0, %r5
    AFTER(1)
    SAY("ok\n")

    SAY(" 4 lharx at DATA+1: ")
    EXPECT(4, 0x600, al4, 0, F_ADV | F_DAR | F_DSISR)
    LOAD32(%r5, DATA + 1)
    mr      %r22, %r5
al4: lharx   %r6, 0, %r5
    AFTER(1)
    SAY("ok\n")

    SAY(" 5 stwcx. at DATA+2 (reservation held), memory unchanged: ")
    LOAD32(%r5, DATA)
    lwarx   %r6, 0, %r5             /* aligned: a reservation on DATA */
    EXPECT(5, 0x600, al5, 0, F_ADV | F_DAR | F_DSISR)
    LOAD32(%r5, DATA + 2)
    mr      %r22, %r5
    li      %r6, -1
al5: stwcx.  %r6, 0, %r5
    AFTER(1)
    LOAD32(%r5, DATA)
    ld      %r6, 0(%r5)
    CHECKI(7, %r6, 0x0011223344556677)
    SAY("ok\n")

    SAY(" 6 stdcx. at DATA+4: ")
    EXPECT(6, 0x600, al6, 0, F_ADV | F_DAR | F_DSISR)
    LOAD32(%r5, DATA + 4)
    mr      %r22, %r5
    li      %r6, -1
al6: stdcx.  %r6, 0, %r5
    AFTER(1)
    LOAD32(%r5, DATA)
    ld      %r6, 0(%r5)
    CHECKI(7, %r6, 0x0011223344556677)
    ld      %r6, 8(%r5)
    CHECKI(7, %r6, 0x8899aabbccddeeff)
    SAY("ok\n")

    SAY(" 7 aligned lwarx/stwcx., big-endian lmw/stmw and unaligned lwz/ld: no interrupt: ")
    EXPECT_NONE(7)
    LOAD32(%r5, DATA)
    lwarx   %r6, 0, %r5
    stwcx.  %r6, 0, %r5
    lmw     %r30, 0(%r5)
    CHECKI(1, %r30, 0x00112233)
    CHECKI(2, %r31, 0x44556677)
    stmw    %r30, 16(%r5)
    ld      %r6, 16(%r5)
    CHECKI(3, %r6, 0x0011223344556677)
    lwz     %r6, 1(%r5)
    CHECKI(4, %r6, 0x11223344)
    li      %r7, 3
    ldx     %r6, %r5, %r7
    CHECKI(6, %r6, 0x33445566778899aa)
    AFTER(0)
    SAY("ok\n")

    /* Little-endian mode: lmw and stmw always take an alignment interrupt. */
    SAY(" 8 lmw in little-endian mode (aligned EA) -> 0x600, SRR1 has LE: ")
    EXPECT(8, 0x600, le8, 0, F_ADV | F_DAR | F_DSISR)
    ori     %r21, %r21, MSR_LE
    LOAD32(%r5, DATA)
    mr      %r22, %r5
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le8, %r3, %r4)
be8:
    AFTER(1)
    SAY("ok\n")

    SAY(" 9 stmw in little-endian mode -> 0x600, memory unchanged: ")
    EXPECT(9, 0x600, le9, 0, F_ADV | F_DAR | F_DSISR)
    ori     %r21, %r21, MSR_LE
    LOAD32(%r5, DATA + 8)
    mr      %r22, %r5
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le9, %r3, %r4)
be9:
    AFTER(1)
    LOAD32(%r5, DATA)
    ld      %r6, 8(%r5)
    CHECKI(7, %r6, 0x8899aabbccddeeff)
    SAY("ok\n")

    SAY("10 lwarx at DATA+2 in little-endian mode: ")
    EXPECT(10, 0x600, le10, 0, F_ADV | F_DAR | F_DSISR)
    ori     %r21, %r21, MSR_LE
    LOAD32(%r5, DATA + 2)
    mr      %r22, %r5
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le10, %r3, %r4)
be10:
    AFTER(1)
    SAY("ok\n")

    PASS("sys-align")

/* Little-endian code (see le.inc). */
le8:
    LE(E_LMW(31, 0, 5))
    LE_TO_BE(be8)
le9:
    LE(E_STMW(30, 0, 5))
    LE_TO_BE(be9)
le10:
    LE(E_LWARX(6, 0, 5))
    LE_TO_BE(be10)
