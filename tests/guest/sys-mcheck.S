/*
 * Machine check (Book III "Machine Check Interrupt"): a real-mode access
 * to an address with neither RAM nor a device (BAD_ADDR) goes to 0x200 with SRR0 = the
 * instruction (for a fetch: its address), SRR1 = MSR outside the
 * implementation-specific bits 33:36 and 42:47, and a new MSR with ME = 0.
 * The access has no effect; the handler returns to SRR0 + 4 (for the
 * fetch: to LR).
 *
 * A guest cannot set MSR[ME]: rfid copies SRR1[ME] only in hypervisor
 * state (rfid: MSR51 <- (MSR3 & SRR1_51) | (~MSR3 & MSR51)) and mtmsrd
 * never changes ME; checks 1-2 hold petrel to that, so the machine checks
 * below are taken with ME = 0 (petrel delivers them as a hypervisor
 * would forward one, PAPR FWNMI-style, rather than checkstopping).
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

#define SENTINEL 0x5e5e5e5e5e5e5e5e

main:
    SAY("sys-mcheck: machine check\n")

    SAY(" 1 rfid with SRR1[ME] = 1 leaves MSR[ME] = 0 (HV = 0): ")
    EXPECT_NONE(1)
    LOAD64(%r3, MSR_SF | MSR_ME)
    RFID_NEXT(%r3, %r4)
    mfmsr   %r5
    CHECKI(7, %r5, MSR_SF)
    SAY("ok\n")

    SAY(" 2 mtmsrd with ME = 1 leaves MSR[ME] = 0: ")
    EXPECT_NONE(2)
    LOAD64(%r3, MSR_SF | MSR_ME)
    mtmsrd  %r3
    mfmsr   %r5
    CHECKI(7, %r5, MSR_SF)
    SAY("ok\n")

    SAY(" 2b rfid and mtmsrd cannot set MSR[HV]: ")
    EXPECT_NONE(2)
    LOAD64(%r3, MSR_SF | 0x1000000000000000)
    RFID_NEXT(%r3, %r4)
    mfmsr   %r5
    CHECKI(6, %r5, MSR_SF)
    LOAD64(%r3, MSR_SF | 0x1000000000000000)
    mtmsrd  %r3
    mfmsr   %r5
    CHECKI(7, %r5, MSR_SF)
    SAY("ok\n")

    SAY(" 3 lwz from 0x100000000000 -> 0x200, new MSR ME = 0, target unchanged: ")
    EXPECT(3, 0x200, m3, 0, F_ADV)
    LOAD64(%r19, ~SRR1_INT_BITS)
    LOAD64(%r5, BAD_ADDR)
    LOAD64(%r6, SENTINEL)
m3: lwz     %r6, 0(%r5)
    AFTER(1)
    CHECKI(7, %r6, SENTINEL)
    SAY("ok\n")

    SAY(" 4 stw to 0x100000000000 -> 0x200: ")
    EXPECT(4, 0x200, m4, 0, F_ADV)
    LOAD64(%r19, ~SRR1_INT_BITS)
    LOAD64(%r5, BAD_ADDR)
m4: stw     %r6, 0(%r5)
    AFTER(1)
    SAY("ok\n")

    SAY(" 5 ld through a D-form offset into the hole -> 0x200: ")
    EXPECT(5, 0x200, m5, 0, F_ADV)
    LOAD64(%r19, ~SRR1_INT_BITS)
    LOAD64(%r5, BAD_ADDR - 8)
    LOAD64(%r6, SENTINEL)
m5: ld      %r6, 16(%r5)
    AFTER(1)
    CHECKI(7, %r6, SENTINEL)
    SAY("ok\n")

    SAY(" 6 instruction fetch from 0x100000000000 -> 0x200, SRR0 = that address: ")
    EXPECT(6, 0x200, m6_dummy, 0, F_RETLR)
    LOAD64(%r19, ~SRR1_INT_BITS)
    LOAD64(%r20, BAD_ADDR)
    LOAD64(%r5, BAD_ADDR)
    mtctr   %r5
    bctrl
m6_dummy:
    AFTER(1)
    SAY("ok\n")

    SAY(" 7 machine check with MSR[EE,RI] set: SRR1 keeps them: ")
    LOAD32(%r3, MSR_EE | MSR_RI)
    mtmsrd  %r3, 1
    EXPECT(7, 0x200, m7, 0, F_ADV)
    LOAD64(%r19, ~SRR1_INT_BITS)
    LOAD64(%r5, BAD_ADDR)
m7: lbz     %r6, 0(%r5)
    AFTER(1)
    li      %r3, 0
    mtmsrd  %r3, 1
    SAY("ok\n")

    PASS("sys-mcheck")
