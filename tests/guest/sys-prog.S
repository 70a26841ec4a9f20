/*
 * Program interrupts and sc (Book III "Program Interrupt", "System Call
 * Interrupt"): illegal instruction, trap instructions that trap and that
 * must not, sc 0.  Each interrupt is checked in the handler (vector,
 * SRR0, SRR1 = MSR before | cause, MSR the interrupt set) and returns
 * with rfid: to SRR0 + 4 for program interrupts, to SRR0 (already the
 * next instruction) for sc.  Also: hcalls leave SRR0/SRR1 alone, an
 * interrupt loses the reservation, rfid ignores SRR0's low two bits,
 * mtmsrd L=1 changes only EE and RI.
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

main:
    SAY("sys-prog: program interrupts and sc\n")
    /* 64-bit mode: SRR1 must carry SF from the interrupted MSR. */
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)

    SAY(" 1 illegal instruction (word 0) -> 0x700, SRR1 illegal: ")
    EXPECT(1, 0x700, p1, SRR1_ILLEGAL, F_ADV)
    li      %r5, 0
p1: .long   0
    li      %r5, 1                  /* runs after rfid to SRR0 + 4 */
    AFTER(1)
    CHECKI(7, %r5, 1)
    SAY("ok\n")

    SAY(" 2 tw 31,0,0 -> 0x700, SRR1 trap: ")
    EXPECT(2, 0x700, p2, SRR1_TRAP, F_ADV)
    li      %r5, 0
p2: tw      31, %r0, %r0
    li      %r5, 2
    AFTER(1)
    CHECKI(7, %r5, 2)
    SAY("ok\n")

    SAY(" 3 twi 4,r5,7 with r5 = 7 traps: ")
    EXPECT(3, 0x700, p3, SRR1_TRAP, F_ADV)
    li      %r5, 7
p3: twi     4, %r5, 7
    AFTER(1)
    SAY("ok\n")

    SAY(" 4 tdi 0,r5,0 and twi 4,r5,8 do not trap: ")
    EXPECT_NONE(4)
    li      %r5, 7
    tdi     0, %r5, 0
    tdi     0, %r0, 0
    twi     4, %r5, 8
    tdi     31 - 4, %r5, 7          /* every condition but equal */
    AFTER(0)
    SAY("ok\n")

    /* r5 = 0x100000007: equal to 7 in the low word only. */
    SAY(" 5 twi 4,r5,7 with r5 = 0x100000007 traps (32-bit compare): ")
    EXPECT(5, 0x700, p5, SRR1_TRAP, F_ADV)
    LOAD64(%r5, 0x100000007)
p5: twi     4, %r5, 7
    AFTER(1)
    SAY("ok\n")

    SAY(" 6 tdi 4,r5,7 with r5 = 0x100000007 does not trap: ")
    EXPECT_NONE(6)
    LOAD64(%r5, 0x100000007)
    tdi     4, %r5, 7
    AFTER(0)
    SAY("ok\n")

    SAY(" 7 td 4 on equal doublewords traps, td 8/td 1/tw 8 (greater) do not: ")
    EXPECT(7, 0x700, p7, SRR1_TRAP, F_ADV)
    LOAD64(%r5, 0x100000007)
    LOAD64(%r6, 0x100000007)
    li      %r7, 7
    td      8, %r7, %r5             /* 7 > 0x100000007 signed: no */
    td      1, %r7, %r5             /* unsigned: no */
    tw      8, %r5, %r7             /* low words equal: no */
p7: td      4, %r5, %r6
    AFTER(1)
    SAY("ok\n")

    SAY(" 8 sc 0 -> 0xc00, SRR0 = next instruction: ")
    EXPECT(8, 0xc00, p8, 0, 0)
    li      %r5, 0
    sc      0
p8: li      %r5, 8
    AFTER(1)
    CHECKI(7, %r5, 8)
    SAY("ok\n")

    SAY(" 9 with MSR[EE,RI] set: SRR1 keeps them, handler runs without, rfid restores: ")
    LOAD32(%r3, MSR_EE | MSR_RI)
    mtmsrd  %r3, 1
    EXPECT(9, 0x700, p9, SRR1_TRAP, F_ADV)
p9: tw      4, %r3, %r3
    AFTER(1)
    mfmsr   %r3
    CHECKI(7, %r3, MSR_SF | MSR_EE | MSR_RI)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    SAY("10 sc 0 with MSR[EE] set: SRR1 has EE: ")
    EXPECT(10, 0xc00, p10, 0, 0)
    LOAD32(%r3, MSR_EE)
    mtmsrd  %r3, 1
    mfmsr   %r17
    LOAD64(%r21, MSR_SF | MSR_EE)
    sc      0
p10:
    AFTER(1)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    SAY("11 sc 0 twice in a row: ")
    EXPECT(11, 0xc00, p11a, 0, 0)
    sc      0
p11a:
    LA(%r20, p11b)
    sc      0
p11b:
    AFTER(2)
    SAY("ok\n")

    SAY("12 hcalls (sc 1) leave SRR0, SRR1 and MSR alone: ")
    EXPECT_NONE(12)
    LOAD64(%r18, 0x0123456789abcdec)
    LOAD64(%r19, 0x8000000000001032)
    mtsrr0  %r18
    mtsrr1  %r19
    HCALL4(H_SET_MODE, 0, 99, 0, 0)         /* an error return */
    CHECKI(7, %r3, H_P2)
    PUTS(1, C8(' ',0,0,0,0,0,0,0), 0)       /* a successful one */
    CHECKI(6, %r3, H_SUCCESS)
    mfsrr0  %r5
    CHECK(1, %r5, %r18)
    mfsrr1  %r5
    CHECK(2, %r5, %r19)
    AFTER(0)
    SAY("ok\n")

    SAY("13 an interrupt loses the reservation: stwcx. after sc 0 fails: ")
    EXPECT(13, 0xc00, p13, 0, 0)
    LOAD32(%r5, DATA)
    li      %r6, 13
    stw     %r6, 0(%r5)
    lwarx   %r6, 0, %r5
    sc      0
p13:
    li      %r7, 99
    stwcx.  %r7, 0, %r5
    mfcr    %r8
    AFTER(1)
    rlwinm  %r8, %r8, 4, 28, 31
    CHECKI(6, %r8, 0)                       /* CR0 = 0b00 || 0 || SO: store not done */
    lwz     %r6, 0(%r5)
    CHECKI(7, %r6, 13)
    SAY("ok\n")

    SAY("14 rfid ignores the low two bits of SRR0: ")
    EXPECT_NONE(14)
    mfmsr   %r3
    mtsrr1  %r3
    LA(%r4, p14)
    ori     %r4, %r4, 3
    mtsrr0  %r4
    li      %r5, 0
    rfid
    .long   0
p14:
    li      %r5, 14
    CHECKI(7, %r5, 14)
    AFTER(0)
    SAY("ok\n")

    SAY("15 mtmsrd L=1 changes only EE and RI: ")
    EXPECT_NONE(15)
    LOAD64(%r3, MSR_FP | MSR_EE | MSR_RI | MSR_SE)  /* SF = 0, FP and SE set */
    mtmsrd  %r3, 1
    mfmsr   %r5
    CHECKI(7, %r5, MSR_SF | MSR_EE | MSR_RI)
    li      %r3, 0
    mtmsrd  %r3, 1
    mfmsr   %r5
    CHECKI(6, %r5, MSR_SF)
    AFTER(0)
    SAY("ok\n")

    PASS("sys-prog")
