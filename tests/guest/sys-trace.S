/*
 * Trace interrupts (Book III "Trace Interrupt"): with MSR[SE] = 1 every completed
 * instruction is followed by a trace interrupt at 0xd00, with MSR[BE] = 1
 * every branch (taken or not); SRR0 = the next instruction to execute,
 * SRR1 = MSR (with SE/BE; bits 33:36 and 42:47 are not compared).  rfid
 * into the traced code is not itself traced; an instruction that takes
 * another interrupt is not traced.  The handler checks each SRR0 against
 * a table and clears SE/BE in SRR1 after the last entry.
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

main:
    SAY("sys-trace: single-step and branch trace\n")
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)

    SAY(" 1 MSR[SE]: a trace interrupt after each instruction, SRR0 = next: ")
    EXPECT(1, 0xd00, t1_table, 0, F_SEQ)
    LOAD64(%r19, ~SRR1_INT_BITS)
    ori     %r21, %r21, MSR_SE
    li      %r5, 0
    LA(%r9, t1_table)
    ori     %r3, %r17, MSR_SE
    RFID_TO(t1s, %r3, %r4)
t1s:
    addi    %r5, %r5, 1
t1a:
    addi    %r5, %r5, 1
t1b:
    b       t1x
    .long   0
t1x:
    ld      %r6, 0(%r9)
t1y:
    AFTER(4)
    CHECKI(7, %r5, 2)
    SAY("ok\n")

    SAY(" 2 MSR[BE]: trace after branches only (b, beq taken/not taken, bdnz, bl, blr): ")
    EXPECT(2, 0xd00, t2_table, 0, F_SEQ)
    LOAD64(%r19, ~SRR1_INT_BITS)
    ori     %r21, %r21, MSR_BE
    li      %r5, 0
    ori     %r3, %r17, MSR_BE
    RFID_TO(t2s, %r3, %r4)
t2s:
    addi    %r5, %r5, 1
    b       t2a
    .long   0
t2a:
    addi    %r5, %r5, 1
    cmpdi   %r5, 2
    beq     t2b
    .long   0
t2b:
    cmpdi   %r5, 3
    beq     t2never
t2e:
    li      %r7, 2
    mtctr   %r7
    bdnz    t2f
    .long   0
t2f:
    bl      t2sub
t2d:
    b       t2done
t2sub:
    addi    %r5, %r5, 1
    blr
t2never:
    .long   0
t2done:
    AFTER(6)
    CHECKI(7, %r5, 3)
    SAY("ok\n")

    SAY(" 3 MSR[SE] on tw: only the program interrupt (SRR1 has SE): ")
    EXPECT(3, 0x700, t3, SRR1_TRAP | MSR_SE, F_ADV | F_NOTRACE)
    ori     %r3, %r17, MSR_SE
    RFID_TO(t3, %r3, %r4)
t3: tw      31, %r0, %r0
    AFTER(1)
    SAY("ok\n")

    SAY(" 4 MSR[SE] on sc 0: only the system call interrupt: ")
    EXPECT(4, 0xc00, t4, MSR_SE, F_NOTRACE)
    ori     %r3, %r17, MSR_SE
    RFID_TO(t4s, %r3, %r4)
t4s:
    sc      0
t4: AFTER(1)
    SAY("ok\n")

    SAY(" 5 MSR[BE] on non-branches: no trace: ")
    EXPECT_NONE(5)
    ori     %r3, %r17, MSR_BE
    RFID_TO(t5s, %r3, %r4)
t5s:
    addi    %r5, %r5, 1
    ld      %r6, 0(%r9)
    mfmsr   %r7
    mtmsrd  %r17                    /* BE off again */
    AFTER(0)
    ori     %r8, %r17, MSR_BE
    CHECK(7, %r7, %r8)
    SAY("ok\n")

    SAY(" 6 MSR[SE] across a page boundary: ")
    EXPECT(6, 0xd00, t6_table, 0, F_SEQ)
    LOAD64(%r19, ~SRR1_INT_BITS)
    ori     %r21, %r21, MSR_SE
    li      %r5, 0
    ori     %r3, %r17, MSR_SE
    RFID_TO(t6s, %r3, %r4)
    .balign 0x1000
    .skip   0x1000 - 8
t6s:                                /* the last two words of a page */
    addi    %r5, %r5, 1
t6a:
    addi    %r5, %r5, 1
t6b:                                /* the first word of the next page */
    b       t6x
    .long   0
t6x:
    AFTER(3)
    CHECKI(7, %r5, 2)
    SAY("ok\n")

    PASS("sys-trace")

    .balign 8
t1_table:
    .quad   t1a, t1b, t1x, t1y, 0
t6_table:
    .quad   t6a, t6b, t6x, 0
t2_table:
    .quad   t2a, t2b, t2e, t2f, t2sub, t2d, 0
