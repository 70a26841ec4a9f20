/*
 * Decrementer (Book III "Decrementer Interrupt"; spec/cpu.md §2.7) and
 * H_CEDE (PAPR): the decrementer interrupt (0x900) is taken while
 * DEC is negative and MSR[EE] = 1, with SRR0 = the next instruction and
 * SRR1 = MSR (EE set).  H_CEDE sets MSR[EE] and waits for an interrupt;
 * it returns H_SUCCESS and the decrementer interrupt is taken right after
 * the sc.  The handler sets DEC back to a large positive value.
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

#define CEDE_TICKS 5120000              /* 10 ms at 512 MHz */

main:
    SAY("sys-dec: decrementer and H_CEDE\n")
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)

    SAY(" 1 DEC is positive at entry and counts down: ")
    EXPECT_NONE(1)
    mfdec   %r5
    li      %r7, 1000
    mtctr   %r7
d1: bdnz    d1
    mfdec   %r6
    cmpdi   %cr7, %r5, 0
    bgt     %cr7, 1f
    li      %r14, 1
    mr      %r15, %r5
    li      %r16, 0
    b       fail_k
1:  cmpd    %cr7, %r6, %r5
    blt     %cr7, 2f
    li      %r14, 2
    mr      %r15, %r6
    mr      %r16, %r5
    b       fail_k
2:  LOAD32(%r5, 100000)
    mtdec   %r5
    mfdec   %r6
    cmpd    %cr7, %r6, %r5
    ble     %cr7, 3f
    li      %r14, 3
    mr      %r15, %r6
    mr      %r16, %r5
    b       fail_k
3:  AFTER(0)
    SAY("ok\n")

    SAY(" 2 DEC = 1000 with EE on: 0x900 in the spin loop, SRR1 has EE: ")
    EXPECT(2, 0x900, d2lo, 0, F_RANGE)
    LA(%r22, d2hi)
    ori     %r17, %r17, MSR_EE
    ori     %r21, %r21, MSR_EE
    LOAD32(%r6, 200000000)
    mtctr   %r6
    LOAD32(%r3, MSR_EE)
    li      %r5, 1000
    mtdec   %r5
    mtmsrd  %r3, 1
d2lo:
    cmpdi   %r25, 0
    bne     d2out
d2hi:
    bdnz    d2lo
d2out:
    AFTER(1)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    SAY(" 3 DEC negative with EE off: no interrupt, mfdec < 0: ")
    EXPECT_NONE(3)
    li      %r5, 0
    mtdec   %r5
    li      %r7, 10000
    mtctr   %r7
d3: bdnz    d3
    mfdec   %r6
    cmpdi   %cr7, %r6, 0
    blt     %cr7, 1f
    li      %r14, 7
    mr      %r15, %r6
    li      %r16, -1
    b       fail_k
1:  AFTER(0)
    SAY("ok\n")

    SAY(" 4 mtmsrd EE=1 with DEC pending: 0x900 before the next instruction: ")
    EXPECT(4, 0x900, d4, 0, 0)
    ori     %r17, %r17, MSR_EE
    ori     %r21, %r21, MSR_EE
    LOAD32(%r3, MSR_EE)
    mtmsrd  %r3, 1
d4: AFTER(1)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    SAY(" 5 H_CEDE with DEC = 10 ms: H_SUCCESS, 0x900 right after sc 1, >= 10 ms: ")
    EXPECT(5, 0x900, d5, 0, 0)
    ori     %r17, %r17, MSR_EE      /* H_CEDE turns EE on */
    ori     %r21, %r21, MSR_EE
    LOAD32(%r5, CEDE_TICKS)
    mtdec   %r5
    mftb    %r18
    LOAD32(%r3, H_CEDE)
    sc      1
d5: mftb    %r5
    CHECKI(7, %r3, H_SUCCESS)
    subf    %r5, %r18, %r5
    LOAD32(%r6, CEDE_TICKS)
    cmpld   %cr7, %r5, %r6
    bge     %cr7, 1f
    li      %r14, 6
    mr      %r15, %r5
    mr      %r16, %r6
    b       fail_k
1:  AFTER(1)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    SAY(" 6 H_CEDE with the decrementer already pending returns at once: ")
    EXPECT(6, 0x900, d6, 0, 0)
    ori     %r17, %r17, MSR_EE
    ori     %r21, %r21, MSR_EE
    li      %r5, 0
    mtdec   %r5
    li      %r7, 1000
    mtctr   %r7
d6w:bdnz    d6w
    LOAD32(%r3, H_CEDE)
    sc      1
d6: CHECKI(7, %r3, H_SUCCESS)
    AFTER(1)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    PASS("sys-dec")
