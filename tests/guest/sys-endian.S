/*
 * Endianness (Book III MSR[LE], "Interrupt Definitions"; PAPR H_SET_MODE
 * resource 4; spec/cpu.md §2.3-2.4): rfid with SRR1[LE] = 1 switches to little-endian
 * fetch and data; interrupts from little-endian code are delivered
 * big-endian while LPCR[ILE] = 0 (SRR1 has LE) and little-endian once
 * H_SET_MODE(mflags 1, resource LE) set ILE; rfid with SRR1[LE] = 0
 * returns to big-endian.  The little-endian code below is byte-swapped in
 * the image (le.inc); every vector slot works in both byte orders
 * (sys.inc), and check 5-8 verify the handler ran with MSR[LE] = 1.
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

main:
    SAY("sys-endian: little-endian code and interrupts\n")
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)
    /* DATA: 11 22 33 44 55 66 77 88 */
    LOAD32(%r5, DATA)
    LOAD64(%r6, 0x1122334455667788)
    std     %r6, 0(%r5)
    li      %r6, 0
    std     %r6, 8(%r5)

    SAY(" 1 rfid to little-endian: fetch, loads and stores in LE, rfid back: ")
    EXPECT_NONE(1)
    LOAD32(%r5, DATA)
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le1, %r3, %r4)
be1:
    AFTER(0)
    CHECKI(1, %r6, 0x44332211)      /* lwz 0(DATA) */
    CHECKI(2, %r7, 0x55443322)      /* lwz 1(DATA), unaligned */
    CHECKI(3, %r8, MSR_SF | MSR_LE) /* mfmsr in LE */
    lwz     %r9, 8(%r5)
    CHECKI(4, %r9, 0x34120000)      /* stw of 0x1234 in LE */
    SAY("ok\n")

    SAY(" 2 sc 0 in LE code, ILE = 0: big-endian handler, SRR1 has LE: ")
    EXPECT(2, 0xc00, le2n, MSR_LE, 0)
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le2, %r3, %r4)
be2:
    AFTER(1)
    CHECKI(7, %r6, 2)
    SAY("ok\n")

    SAY(" 3 tw in LE code, ILE = 0: 0x700 big-endian, SRR1 = SF|LE|trap: ")
    EXPECT(3, 0x700, le3, MSR_LE | SRR1_TRAP, F_ADV)
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le3, %r3, %r4)
be3:
    AFTER(1)
    CHECKI(7, %r6, 3)
    SAY("ok\n")

    SAY(" 4 H_SET_MODE(1, LE): H_SUCCESS: ")
    EXPECT_NONE(4)
    HCALL4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0)
    CHECKI(7, %r3, H_SUCCESS)
    AFTER(0)
    SAY("ok\n")

    SAY(" 5 ILE = 1: tw in BE code runs a little-endian handler: ")
    EXPECT(5, 0x700, e5, SRR1_TRAP, F_ADV)
    ori     %r26, %r26, MSR_LE
e5: tw      31, %r0, %r0
    AFTER(1)
    SAY("ok\n")

    SAY(" 6 ILE = 1: sc 0 in BE code, LE handler: ")
    EXPECT(6, 0xc00, e6, 0, 0)
    ori     %r26, %r26, MSR_LE
    sc      0
e6: AFTER(1)
    SAY("ok\n")

    SAY(" 7 ILE = 1: tw in LE code, LE handler, back to LE code: ")
    EXPECT(7, 0x700, le7, MSR_LE | SRR1_TRAP, F_ADV)
    ori     %r26, %r26, MSR_LE
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le7, %r3, %r4)
be7:
    AFTER(1)
    CHECKI(7, %r6, 7)
    SAY("ok\n")

    SAY(" 8 ILE = 1: sc 0 in LE code, LE handler: ")
    EXPECT(8, 0xc00, le8n, MSR_LE, 0)
    ori     %r26, %r26, MSR_LE
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le8, %r3, %r4)
be8:
    AFTER(1)
    CHECKI(7, %r6, 8)
    SAY("ok\n")

    SAY(" 9 H_SET_MODE(0, LE): interrupts big-endian again: ")
    EXPECT_NONE(9)
    HCALL4(H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0)
    CHECKI(7, %r3, H_SUCCESS)
    EXPECT(9, 0x700, e9, SRR1_TRAP, F_ADV)
e9: tw      31, %r0, %r0
    AFTER(1)
    EXPECT(9, 0x700, le9, MSR_LE | SRR1_TRAP, F_ADV)
    LOAD64(%r3, MSR_SF | MSR_LE)
    RFID_TO(le9, %r3, %r4)
be9:
    AFTER(1)
    SAY("ok\n")

    SAY("10 H_SET_MODE LE: mflags 2 -> H_UNSUPPORTED_FLAG, value1 -> H_P3, value2 -> H_P4: ")
    EXPECT_NONE(10)
    HCALL4(H_SET_MODE, 2, H_SET_MODE_RESOURCE_LE, 0, 0)
    CHECKI(1, %r3, H_UNSUPPORTED_FLAG)
    HCALL4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 1, 0)
    CHECKI(2, %r3, H_P3)
    HCALL4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 1)
    CHECKI(3, %r3, H_P4)
    /* none of them turned ILE on */
    EXPECT(10, 0x700, e10, SRR1_TRAP, F_ADV)
e10:tw      31, %r0, %r0
    AFTER(1)
    SAY("ok\n")

    SAY("11 mtmsrd cannot change MSR[LE]: ")
    EXPECT_NONE(11)
    LOAD64(%r3, MSR_SF | MSR_LE)
    mtmsrd  %r3                     /* a change would fetch the next word little-endian */
    mfmsr   %r5
    CHECKI(7, %r5, MSR_SF)
    AFTER(0)
    SAY("ok\n")

    PASS("sys-endian")

/* Little-endian code (le.inc).  r5 = DATA. */
le1:
    LE(E_LWZ(6, 0, 5))
    LE(E_LWZ(7, 1, 5))
    LE(E_MFMSR(8))
    LE(E_LI(9, 0x1234))
    LE(E_STW(9, 8, 5))
    LE_TO_BE(be1)
le2:
    LE(E_LI(6, 0))
    LE(E_SC0)
le2n:
    LE(E_LI(6, 2))
    LE_TO_BE(be2)
le3:
    LE(E_TW(31, 0, 0))
    LE(E_LI(6, 3))
    LE_TO_BE(be3)
le7:
    LE(E_TW(31, 0, 0))
    LE(E_LI(6, 7))
    LE_TO_BE(be7)
le8:
    LE(E_LI(6, 0))
    LE(E_SC0)
le8n:
    LE(E_LI(6, 8))
    LE_TO_BE(be8)
le9:
    LE(E_TW(31, 0, 0))
    LE_TO_BE(be9)
