/*
 * H_SET_MODE resource 3 (address translation mode, PAPR; spec/cpu.md
 * §2.4): mflags 3 (AIL = 3) and 0 are accepted, mflags 1 is
 * H_UNSUPPORTED_FLAG, value1/value2 must be 0 (H_P3/H_P4), an unknown
 * resource is H_P2.  AIL only relocates interrupts taken with IR = DR = 1,
 * so in real mode interrupts still go to the real vectors with IR = DR = 0
 * (scv too: 0x17000).  Relocation-on delivery needs an MMU: not tested.
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"
    .machine power9

main:
    SAY("sys-ail: H_SET_MODE address translation mode\n")
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)

    SAY(" 1 H_SET_MODE(3, ADDR_TRANS): H_SUCCESS: ")
    EXPECT_NONE(1)
    HCALL4(H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 0)
    CHECKI(7, %r3, H_SUCCESS)
    AFTER(0)
    SAY("ok\n")

    SAY(" 2 AIL = 3, real mode: tw still goes to 0x700 with IR = DR = 0: ")
    EXPECT(2, 0x700, ail2, SRR1_TRAP, F_ADV)
ail2: tw      31, %r0, %r0
    AFTER(1)
    SAY("ok\n")

    SAY(" 3 AIL = 3, real mode: sc 0 still goes to 0xc00: ")
    EXPECT(3, 0xc00, ail3, 0, 0)
    sc      0
ail3: AFTER(1)
    SAY("ok\n")

    SAY(" 4 AIL = 3, real mode: scv 0 still goes to 0x17000: ")
    mfspr   %r5, SPR_FSCR
    ori     %r5, %r5, FSCR_SCV
    mtspr   SPR_FSCR, %r5
    EXPECT(4, 0x7000, ail4, 0, 0)
    mfsrr0  %r22
    mfsrr1  %r18
    scv     0
ail4: AFTER(1)
    SAY("ok\n")

    SAY(" 5 AIL = 3, real mode: machine check at 0x200: ")
    EXPECT(5, 0x200, ail5, 0, F_ADV)
    LOAD64(%r19, ~SRR1_INT_BITS)
    LOAD64(%r5, BAD_ADDR)
ail5: lwz     %r6, 0(%r5)
    AFTER(1)
    SAY("ok\n")

    SAY(" 6 mflags 1 -> H_UNSUPPORTED_FLAG, value1 -> H_P3, value2 -> H_P4, resource 99 -> H_P2: ")
    EXPECT_NONE(6)
    HCALL4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 0)
    CHECKI(1, %r3, H_UNSUPPORTED_FLAG)
    HCALL4(H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS, 1, 0)
    CHECKI(2, %r3, H_P3)
    HCALL4(H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 1)
    CHECKI(3, %r3, H_P4)
    HCALL4(H_SET_MODE, 0, 99, 0, 0)
    CHECKI(4, %r3, H_P2)
    AFTER(0)
    SAY("ok\n")

    SAY(" 7 H_SET_MODE(0, ADDR_TRANS): H_SUCCESS, tw at 0x700: ")
    EXPECT_NONE(7)
    HCALL4(H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 0)
    CHECKI(7, %r3, H_SUCCESS)
    EXPECT(7, 0x700, ail7, SRR1_TRAP, F_ADV)
ail7: tw      31, %r0, %r0
    AFTER(1)
    SAY("ok\n")

    PASS("sys-ail")
