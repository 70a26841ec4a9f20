/*
 * System call vectored (Book III "System Call Vectored Interrupt", FSCR;
 * spec/cpu.md §2.2, §2.10): with FSCR[SCV] = 0, scv takes a facility unavailable interrupt
 * (0xf60, SRR0 = the scv, FSCR[IC] = 12); with FSCR[SCV] = 1, scv LEV
 * goes to 0x17000 + 0x20 * LEV with LR = the next instruction, CTR = the
 * old MSR, SRR0/SRR1 untouched and a new MSR = SF plus the old EE and RI
 * (ME would be kept too).  The handler checks all of that and returns
 * with rfscv (to LR, MSR = CTR).
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"
    .machine power9

#define SRR0_MARK 0x0123456789abcdec
#define SRR1_MARK 0x8000000000001032

/* scv LEV at label `at`, expecting the vectored interrupt; returns after it. */
#define SCV(k, lev, at)                                                                            \
    EXPECT(k, 0x7000 + 0x20 * (lev), at, 0, 0);                                                    \
    LOAD64(%r22, SRR0_MARK);                                                                       \
    LOAD64(%r18, SRR1_MARK);                                                                       \
    mtsrr0  %r22;                                                                                  \
    mtsrr1  %r18;                                                                                  \
    scv     lev;                                                                                   \
at:                                                                                                \
    AFTER(1)

main:
    SAY("sys-scv: system call vectored\n")
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)

    SAY(" 1 FSCR[SCV] is 0 at entry: ")
    EXPECT_NONE(1)
    mfspr   %r5, SPR_FSCR
    andi.   %r5, %r5, FSCR_SCV
    CHECKI(7, %r5, 0)
    SAY("ok\n")

    SAY(" 2 scv 0 with FSCR[SCV] = 0 -> 0xf60, FSCR[IC] = 12: ")
    EXPECT(2, 0xf60, sv2, 0, F_ADV | F_FSCR)
    li      %r22, 12
sv2: scv     0
    AFTER(1)
    SAY("ok\n")

    SAY(" 3 scv 5 with FSCR[SCV] = 0 -> 0xf60: ")
    EXPECT(3, 0xf60, sv3, 0, F_ADV | F_FSCR)
    li      %r22, 12
sv3: scv     5
    AFTER(1)
    SAY("ok\n")

    mfspr   %r5, SPR_FSCR
    ori     %r5, %r5, FSCR_SCV
    mtspr   SPR_FSCR, %r5

    SAY(" 4 scv 0 -> 0x17000, LR = next, CTR = MSR, SRR0/SRR1 kept: ")
    SCV(4, 0, sv4)
    SAY("ok\n")

    SAY(" 5 scv 1 -> 0x17020: ")
    SCV(5, 1, sv5)
    SAY("ok\n")

    SAY(" 6 scv 127 -> 0x17fe0: ")
    SCV(6, 127, sv6)
    SAY("ok\n")

    SAY(" 7 scv 2 with MSR[EE,RI] set: the handler MSR keeps them: ")
    LOAD32(%r3, MSR_EE | MSR_RI)
    mtmsrd  %r3, 1
    EXPECT(7, 0x7040, sv7, 0, 0)
    LOAD64(%r26, MSR_SF | MSR_EE | MSR_RI)
    LOAD64(%r22, SRR0_MARK)
    LOAD64(%r18, SRR1_MARK)
    mtsrr0  %r22
    mtsrr1  %r18
    scv     2
sv7: AFTER(1)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    SAY(" 8 scv 3 from 32-bit mode: CTR = MSR 0, rfscv back to 32-bit: ")
    li      %r3, 0
    RFID_NEXT(%r3, %r4)
    SCV(8, 3, sv8)
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)
    SAY("ok\n")

    SAY(" 9 FSCR[SCV] cleared again: scv -> 0xf60: ")
    mfspr   %r5, SPR_FSCR
    li      %r6, FSCR_SCV
    andc    %r5, %r5, %r6
    mtspr   SPR_FSCR, %r5
    EXPECT(9, 0xf60, sv9, 0, F_ADV | F_FSCR)
    li      %r22, 12
sv9: scv     0
    AFTER(1)
    SAY("ok\n")

    PASS("sys-scv")
