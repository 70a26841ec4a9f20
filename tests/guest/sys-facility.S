/*
 * FP / VMX / VSX unavailable (Book III "Floating-Point / Vector / VSX
 * Unavailable Interrupt"): an FP instruction with MSR[FP] = 0 goes to
 * 0x800, a VMX one with MSR[VEC] = 0 to 0xf20, a VSX one with MSR[VSX] = 0
 * to 0xf40, SRR0 = the instruction, SRR1 = MSR.  With the facility
 * enabled the same instructions run (checks 9-11: a value goes through
 * an FPR, a VR and a VSR and comes back).
 * Exit status: 0 if all passed, else 8 * check + what (sys.inc).
 */
#include "sys.inc"

#define UNAVAIL(k, vec, label, ...)                                                                \
    EXPECT(k, vec, label, 0, F_ADV);                                                               \
    LOAD32(%r5, DATA);                                                                             \
label:                                                                                             \
    __VA_ARGS__;                                                                                   \
    AFTER(1)

main:
    SAY("sys-facility: FP/VMX/VSX unavailable\n")
    LOAD64(%r3, MSR_SF)
    RFID_NEXT(%r3, %r4)

    SAY(" 1 lfd with MSR[FP] = 0 -> 0x800: ")
    UNAVAIL(1, 0x800, fc1, lfd %f1, 0(%r5))
    SAY("ok\n")
    SAY(" 2 stfd -> 0x800: ")
    UNAVAIL(2, 0x800, fc2, stfd %f1, 0(%r5))
    SAY("ok\n")
    SAY(" 3 fadd -> 0x800: ")
    UNAVAIL(3, 0x800, fc3, fadd %f1, %f2, %f3)
    SAY("ok\n")
    SAY(" 4 vperm with MSR[VEC] = 0 -> 0xf20: ")
    UNAVAIL(4, 0xf20, fc4, vperm %v1, %v2, %v3, %v4)
    SAY("ok\n")
    SAY(" 5 lvx -> 0xf20: ")
    UNAVAIL(5, 0xf20, fc5, lvx %v1, 0, %r5)
    SAY("ok\n")
    SAY(" 6 xxlor with MSR[VSX] = 0 -> 0xf40: ")
    UNAVAIL(6, 0xf40, fc6, xxlor %vs1, %vs2, %vs3)
    SAY("ok\n")
    SAY(" 7 lxvd2x -> 0xf40: ")
    UNAVAIL(7, 0xf40, fc7, lxvd2x %vs1, 0, %r5)
    SAY("ok\n")

    SAY(" 8 xxlor with FP and VEC on, VSX off -> 0xf40; lfd with VSX on, FP off -> 0x800: ")
    LOAD64(%r3, MSR_SF | MSR_FP | MSR_VEC)
    mtmsrd  %r3
    UNAVAIL(8, 0xf40, fc8a, xxlor %vs1, %vs2, %vs3)
    LOAD64(%r3, MSR_SF | MSR_VSX)
    mtmsrd  %r3
    UNAVAIL(8, 0x800, fc8b, lfd %f1, 0(%r5))
    SAY("ok\n")

    SAY(" 9 lfd/stfd with MSR[FP] = 1 run: ")
    LOAD64(%r3, MSR_SF | MSR_FP)
    mtmsrd  %r3
    EXPECT_NONE(9)
    LOAD32(%r5, DATA)
    LOAD64(%r6, 0x0123456789abcdef)
    std     %r6, 0(%r5)
    lfd     %f1, 0(%r5)
    stfd    %f1, 8(%r5)
    ld      %r7, 8(%r5)
    CHECK(1, %r7, %r6)
    AFTER(0)
    SAY("ok\n")

    SAY("10 vor/lvx/stvx with MSR[VEC] = 1 run: ")
    LOAD64(%r3, MSR_SF | MSR_VEC)
    mtmsrd  %r3
    EXPECT_NONE(10)
    li      %r8, 16
    lvx     %v1, 0, %r5
    vor     %v2, %v1, %v1
    stvx    %v2, %r5, %r8
    ld      %r7, 16(%r5)
    CHECK(1, %r7, %r6)
    AFTER(0)
    SAY("ok\n")

    SAY("11 xxlor/lxvd2x/stxvd2x with MSR[VSX] = 1 run: ")
    LOAD64(%r3, MSR_SF | MSR_VSX)
    mtmsrd  %r3
    EXPECT_NONE(11)
    li      %r8, 32
    lxvd2x  %vs1, 0, %r5
    xxlor   %vs2, %vs1, %vs1
    stxvd2x %vs2, %r5, %r8
    ld      %r7, 32(%r5)
    CHECK(1, %r7, %r6)
    AFTER(0)
    SAY("ok\n")

    SAY("12 the handler runs with FP, VEC and VSX off; rfid restores them: ")
    LOAD64(%r3, MSR_SF | MSR_FP | MSR_VEC | MSR_VSX)
    mtmsrd  %r3
    EXPECT(12, 0x700, fc12, SRR1_TRAP, F_ADV)
fc12:tw      31, %r0, %r0
    AFTER(1)
    LOAD64(%r3, MSR_SF)
    mtmsrd  %r3
    SAY("ok\n")

    PASS("sys-facility")
