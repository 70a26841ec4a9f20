/*
 * gdb's register numbering for powerpc:common64 (gdb's rs6000 target
 * descriptions): r0..r31 (0..31), f0..f31 (32..63), pc, msr, cr, lr, ctr,
 * xer, fpscr (64..70), vr0..vr31 (71..102), vscr, vrsave (103, 104), and
 * the upper halves of vs0..vs31 (105..136).  gdb builds the full VSX
 * registers from f, vr and vsNh.
 *
 * Only the fixed-point and branch registers exist in the interpreter;
 * the floating-point and vector facilities arrive later, and until then
 * their registers are reported unavailable, never as made-up zeros.
 *
 * Byte order: gdb reads register bytes in the target's byte order, and
 * for a POWER target that order follows MSR[LE] (a big-endian firmware
 * and a little-endian kernel in the same run); the user tells gdb which
 * (set endian, or the ELF file it loads).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../cpu/cpu.h"
#include "gdb_regs.h"

#define MSR_LE 1ull /* MSR bit 63 (Book III 4.2.1) */

enum reg_src { SRC_GPR, SRC_PC, SRC_MSR, SRC_CR, SRC_LR, SRC_CTR, SRC_XER, SRC_NONE };

struct reg_desc {
    enum reg_src src;
    unsigned size;
};

static struct reg_desc describe(unsigned n)
{
    static const struct reg_desc special[] = {
        {SRC_PC, 8},  {SRC_MSR, 8}, {SRC_CR, 4},   {SRC_LR, 8},
        {SRC_CTR, 8}, {SRC_XER, 4}, {SRC_NONE, 4}, /* fpscr */
    };

    if (n < 32)
        return (struct reg_desc){SRC_GPR, 8};
    if (n < 64)
        return (struct reg_desc){SRC_NONE, 8}; /* f0..f31 */
    if (n < 71)
        return special[n - 64];
    if (n < 103)
        return (struct reg_desc){SRC_NONE, 16}; /* vr0..vr31 */
    if (n < 105)
        return (struct reg_desc){SRC_NONE, 4}; /* vscr, vrsave */
    if (n < GDB_NUM_REGS)
        return (struct reg_desc){SRC_NONE, 8}; /* vs0h..vs31h */
    return (struct reg_desc){SRC_NONE, 0};
}

unsigned gdb_reg_size(unsigned regnum)
{
    return describe(regnum).size;
}

static uint64_t *reg_ptr(struct cpu_regs *r, enum reg_src src, unsigned regnum)
{
    switch (src) {
    case SRC_GPR: return &r->gpr[regnum];
    case SRC_PC: return &r->nip;
    case SRC_MSR: return &r->msr;
    case SRC_LR: return &r->lr;
    case SRC_CTR: return &r->ctr;
    case SRC_XER: return &r->xer;
    default: return NULL;
    }
}

bool gdb_reg_get(const struct cpu_regs *r, unsigned regnum, uint8_t *buf)
{
    struct reg_desc d = describe(regnum);
    bool le = r->msr & MSR_LE;
    uint64_t v;

    if (d.src == SRC_NONE)
        return false;
    if (d.src == SRC_CR)
        v = r->cr;
    else
        v = *reg_ptr((struct cpu_regs *)r, d.src, regnum);
    for (unsigned i = 0; i < d.size; i++)
        buf[le ? i : d.size - 1 - i] = (uint8_t)(v >> (8 * i));
    return true;
}

bool gdb_regs_le(const struct cpu_regs *r)
{
    return r->msr & MSR_LE;
}

bool gdb_reg_set(struct cpu_regs *r, unsigned regnum, const uint8_t *buf, bool le)
{
    struct reg_desc d = describe(regnum);
    uint64_t v = 0;

    if (d.src == SRC_NONE)
        return false;
    for (unsigned i = 0; i < d.size; i++)
        v |= (uint64_t)buf[le ? i : d.size - 1 - i] << (8 * i);
    if (d.src == SRC_CR)
        r->cr = (uint32_t)v;
    else if (d.src == SRC_XER)
        r->xer = (uint32_t)v;
    else
        *reg_ptr(r, d.src, regnum) = v;
    return true;
}

static size_t xml_add(char *buf, size_t cap, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static size_t xml_add(char *buf, size_t cap, size_t n, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (n >= cap)
        return n;
    va_start(ap, fmt);
    k = vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
    return k < 0 ? n : n + (size_t)k;
}

/* Built once, on first use, from the numbering above. */
const char *gdb_target_xml(size_t *len)
{
    static char xml[16384];
    static size_t n;
    static const char *core_names[] = {"pc", "msr", "cr", "lr", "ctr", "xer"};
    static const char *core_types[] = {"code_ptr", "uint64", "uint32",
                                       "code_ptr", "uint64", "uint32"};

    if (n) {
        *len = n;
        return xml;
    }
    n = xml_add(xml, sizeof(xml), n,
                "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                "<target version=\"1.0\">\n<architecture>powerpc:common64</architecture>\n"
                "<feature name=\"org.gnu.gdb.power.core\">\n");
    for (unsigned i = 0; i < 32; i++)
        n = xml_add(xml, sizeof(xml), n,
                    "<reg name=\"r%u\" bitsize=\"64\" type=\"uint64\" regnum=\"%u\"/>\n", i, i);
    for (unsigned i = 0; i < 6; i++)
        n = xml_add(xml, sizeof(xml), n,
                    "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"/>\n", core_names[i],
                    gdb_reg_size(64 + i) * 8, core_types[i], 64 + i);
    n = xml_add(xml, sizeof(xml), n, "</feature>\n<feature name=\"org.gnu.gdb.power.fpu\">\n");
    for (unsigned i = 0; i < 32; i++)
        n = xml_add(xml, sizeof(xml), n,
                    "<reg name=\"f%u\" bitsize=\"64\" type=\"ieee_double\" regnum=\"%u\"/>\n", i,
                    32 + i);
    n = xml_add(xml, sizeof(xml), n,
                "<reg name=\"fpscr\" bitsize=\"32\" group=\"float\" regnum=\"70\"/>\n</feature>\n"
                "<feature name=\"org.gnu.gdb.power.altivec\">\n"
                "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
                "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
                "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
                "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
                "<union id=\"vec128\"><field name=\"uint128\" type=\"uint128\"/>"
                "<field name=\"v4_float\" type=\"v4f\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
                "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v16_int8\" "
                "type=\"v16i8\"/></union>\n");
    for (unsigned i = 0; i < 32; i++)
        n = xml_add(xml, sizeof(xml), n,
                    "<reg name=\"vr%u\" bitsize=\"128\" type=\"vec128\" regnum=\"%u\"/>\n", i,
                    71 + i);
    n = xml_add(xml, sizeof(xml), n,
                "<reg name=\"vscr\" bitsize=\"32\" group=\"vector\" regnum=\"103\"/>\n"
                "<reg name=\"vrsave\" bitsize=\"32\" group=\"vector\" regnum=\"104\"/>\n"
                "</feature>\n<feature name=\"org.gnu.gdb.power.vsx\">\n");
    for (unsigned i = 0; i < 32; i++)
        n = xml_add(xml, sizeof(xml), n,
                    "<reg name=\"vs%uh\" bitsize=\"64\" type=\"uint64\" regnum=\"%u\"/>\n", i,
                    105 + i);
    n = xml_add(xml, sizeof(xml), n, "</feature>\n</target>\n");
    if (n >= sizeof(xml))
        n = sizeof(xml) - 1; /* cannot happen: the text above is fixed */
    *len = n;
    return xml;
}
