/*
 * 32-bit and 64-bit mode (Book III MSR[SF]; Book I "Effective Address
 * Calculation"; spec/cpu.md §4.2): in 32-bit mode effective addresses (loads, stores,
 * branch targets, the rfid target) wrap at 4 GiB and record forms set
 * CR0 from the low word, while registers keep 64-bit results.  rfid and
 * mtmsrd switch modes; interrupts always run the handler in 64-bit mode
 * and SRR1 keeps SF = 0.  Entered in 32-bit mode (MSR = 0).
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

/* r8 = CR0 after `insn` (the record form under test). */
#define CR0_OF(...)                                                                                \
    __VA_ARGS__;                                                                                   \
    mfcr    %r8;                                                                                   \
    rlwinm  %r8, %r8, 4, 28, 31

#define CR0_LT 8
#define CR0_GT 4
#define CR0_EQ 2

main:
    SAY("sys-mode: 32-bit and 64-bit mode\n")

    SAY(" 1 32-bit mode: load EAs wrap at 4 GiB: ")
    EXPECT_NONE(1)
    mfmsr   %r5
    CHECKI(1, %r5, 0)
    LOAD32(%r5, 0xfffffff0)
    lwz     %r6, 0x20(%r5)          /* 0x100000010 -> 0x10 */
    CHECKI(2, %r6, MAGIC_0x10)
    li      %r7, 0x20
    lwzx    %r6, %r5, %r7
    CHECKI(3, %r6, MAGIC_0x10)
    LOAD64(%r5, 0xdeadbeef00000010) /* high word ignored */
    lwz     %r6, 0(%r5)
    CHECKI(4, %r6, MAGIC_0x10)
    AFTER(0)
    SAY("ok\n")

    SAY(" 2 32-bit mode: store EAs wrap, update forms write the 64-bit sum: ")
    EXPECT_NONE(2)
    LOAD64(%r9, 0xffffffff00000000 | DATA)
    LOAD32(%r10, 0xabcd1234)
    stw     %r10, 0(%r9)
    LOAD32(%r5, DATA)
    lwz     %r6, 0(%r5)
    CHECKI(1, %r6, 0xabcd1234)
    LOAD64(%r9, 0xffffffff00000000 | (DATA - 4))
    lwzu    %r6, 4(%r9)
    CHECKI(2, %r6, 0xabcd1234)
    /* RA gets the EA, which in 32-bit mode has its high word cleared */
    CHECKI(3, %r9, DATA)
    AFTER(0)
    SAY("ok\n")

    SAY(" 3 32-bit mode: record forms set CR0 from the low word: ")
    EXPECT_NONE(3)
    LOAD64(%r6, 0x80000000)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(1, %r8, CR0_LT)
    LOAD64(%r6, 0x100000000)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(2, %r8, CR0_EQ)
    LOAD64(%r6, 0xffffffff00000001)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(3, %r8, CR0_GT)
    LOAD64(%r6, 0x80000000)
    CR0_OF(add. %r7, %r6, %r6)
    CHECKI(4, %r8, CR0_EQ)
    CHECKI(6, %r7, 0x100000000)     /* the register keeps all 64 bits */
    AFTER(0)
    SAY("ok\n")

    SAY(" 4 rfid to 64-bit mode: CR0 from all 64 bits: ")
    EXPECT_NONE(4)
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)
    mfmsr   %r5
    CHECKI(1, %r5, MSR_SF)
    LOAD64(%r6, 0x80000000)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(2, %r8, CR0_GT)
    LOAD64(%r6, 0x100000000)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(3, %r8, CR0_GT)
    LOAD64(%r6, 0xffffffff00000001)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(4, %r8, CR0_LT)
    LOAD64(%r5, 0xdeadbeef00000010)
    li      %r5, 0x10               /* (only checks li is 64-bit: r5 = 0x10) */
    lwz     %r6, 0(%r5)
    CHECKI(6, %r6, MAGIC_0x10)
    SAY("ok\n")

    SAY(" 5 64-bit mode: the same EA does not wrap (0x100000010 -> machine check): ")
    EXPECT(5, 0x200, m5, 0, F_ADV)
    LOAD64(%r19, ~SRR1_INT_BITS)
    LOAD32(%r5, 0xfffffff0)
    li      %r6, 0
m5: lwz     %r6, 0x20(%r5)
    AFTER(1)
    CHECKI(7, %r6, 0)
    SAY("ok\n")

    SAY(" 6 rfid to 32-bit mode drops the high word of SRR0: ")
    EXPECT_NONE(6)
    li      %r3, 0
    mtsrr1  %r3
    LOAD64(%r4, 0xffffffff00000000)
    LA(%r5, m6)
    or      %r4, %r4, %r5
    mtsrr0  %r4
    rfid
m6: mfmsr   %r5
    CHECKI(7, %r5, 0)
    SAY("ok\n")

    SAY(" 7 tw in 32-bit mode: SRR1 has SF = 0, handler in 64-bit, back to 32-bit: ")
    EXPECT(7, 0x700, m7, SRR1_TRAP, F_ADV)
m7: tw      31, %r0, %r0
    AFTER(1)
    SAY("ok\n")

    SAY(" 8 sc 0 in 32-bit mode: ")
    EXPECT(8, 0xc00, m8, 0, 0)
    sc      0
m8: AFTER(1)
    SAY("ok\n")

    SAY(" 9 lwarx in 32-bit mode: DAR = the 32-bit EA: ")
    EXPECT(9, 0x600, m9, 0, F_ADV | F_DAR)
    LOAD64(%r5, 0xffffffff00000000 | (DATA + 2))
    LOAD32(%r22, DATA + 2)
m9: lwarx   %r6, 0, %r5
    AFTER(1)
    SAY("ok\n")

    SAY("10 mtmsrd switches to 64-bit mode and back: ")
    EXPECT_NONE(10)
    LOAD64(%r3, MSR_SF)
    mtmsrd  %r3
    mfmsr   %r5
    CHECKI(1, %r5, MSR_SF)
    LOAD64(%r6, 0x80000000)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(2, %r8, CR0_GT)
    li      %r3, 0
    mtmsrd  %r3
    mfmsr   %r5
    CHECKI(3, %r5, 0)
    CR0_OF(or. %r7, %r6, %r6)
    CHECKI(4, %r8, CR0_LT)
    AFTER(0)
    SAY("ok\n")

    SAY("11 32-bit mode: bctr to a target with the high word set lands at the low word: ")
    EXPECT_NONE(11)
    LOAD64(%r4, 0xffffffff00000000)
    LA(%r5, m11)
    or      %r4, %r4, %r5
    mtctr   %r4
    bctr
    .long   0
m11:
    bl      m11b                    /* LR = the 32-bit address of m11b's caller + 4 */
m11r:
    b       m11c
m11b:
    mflr    %r6
    blr
m11c:
    LA(%r7, m11r)
    CHECK(1, %r6, %r7)
    AFTER(0)
    SAY("ok\n")

    PASS("sys-mode")
