/*
 * sc 1 from firmware C code.  PAPR hcall convention (spec/hcalls.md §1):
 * r3 = opcode in, status out; r4.. = arguments in, outputs out; r0, r3-r12,
 * CTR, XER, CR0, CR1, CR5-CR7 are volatile.
 */
#ifndef FW_HCALL_H
#define FW_HCALL_H

static inline long hcall4(unsigned long opcode, unsigned long a0, unsigned long a1,
                          unsigned long a2, unsigned long a3, unsigned long out[4])
{
    register unsigned long r3 __asm__("r3") = opcode;
    register unsigned long r4 __asm__("r4") = a0;
    register unsigned long r5 __asm__("r5") = a1;
    register unsigned long r6 __asm__("r6") = a2;
    register unsigned long r7 __asm__("r7") = a3;

    __asm__ volatile("sc 1"
                     : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
                     :
                     : "r0", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "cr1", "cr5",
                       "cr6", "cr7", "memory");
    if (out) {
        out[0] = r4;
        out[1] = r5;
        out[2] = r6;
        out[3] = r7;
    }
    return (long)r3;
}

#endif
