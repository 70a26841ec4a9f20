/*
 * gdb's register numbering for powerpc:common64 (gdb's rs6000 target
 * descriptions): r0..r31 (0..31), f0..f31 (32..63), pc, msr, cr, lr, ctr,
 * xer, fpscr (64..70), vr0..vr31 (71..102), vscr, vrsave (103, 104), and
 * vs0h..vs31h (105..136), doubleword 1 of VSR 0..31.  gdb builds its
 * vs0..vs63 from these: VSR i < 32 is f<i> (doubleword 0, Book I 7.2.1.1)
 * joined with vs<i>h, VSR 32 + i is vr<i>.
 *
 * Byte order: gdb reads each register as one number in the target's byte
 * order, and for a POWER target that order follows MSR[LE] (a big-endian
 * firmware and a little-endian kernel in the same run); the user tells
 * gdb which (set endian, or the ELF file it loads).  A 128-bit VR is one
 * number too: doubleword 0 first when big-endian, doubleword 1 first
 * (each byte-reversed) when little-endian, which is the order gdb
 * assumes when it joins f<i> and vs<i>h.
 *
 * The FPSCR is the 64-bit register of ISA 2.05 and later (DRN in the
 * upper word), as gdb's isa205 fpu feature describes it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gdb_regs.h"

#define MSR_LE 1ull /* MSR bit 63 (Book III 4.2.1) */

enum reg_src {
    SRC_GPR,
    SRC_PC,
    SRC_MSR,
    SRC_CR,
    SRC_LR,
    SRC_CTR,
    SRC_XER,
    SRC_FPR, /* vsr[i][0], i < 32 */
    SRC_FPSCR,
    SRC_VR, /* vsr[32 + i], both doublewords */
    SRC_VSCR,
    SRC_VRSAVE,
    SRC_VSH, /* vsr[i][1], i < 32 */
    SRC_NONE,
};

struct reg_desc {
    enum reg_src src;
    unsigned size;
    unsigned index; /* GPR, FPR, VR or VSR number */
};

static struct reg_desc describe(unsigned n)
{
    static const struct reg_desc special[] = {
        {SRC_PC, 8, 0},  {SRC_MSR, 8, 0}, {SRC_CR, 4, 0},    {SRC_LR, 8, 0},
        {SRC_CTR, 8, 0}, {SRC_XER, 4, 0}, {SRC_FPSCR, 8, 0},
    };

    if (n < 32)
        return (struct reg_desc){SRC_GPR, 8, n};
    if (n < 64)
        return (struct reg_desc){SRC_FPR, 8, n - 32};
    if (n < 71)
        return special[n - 64];
    if (n < 103)
        return (struct reg_desc){SRC_VR, 16, n - 71};
    if (n == 103)
        return (struct reg_desc){SRC_VSCR, 4, 0};
    if (n == 104)
        return (struct reg_desc){SRC_VRSAVE, 4, 0};
    if (n < GDB_NUM_REGS)
        return (struct reg_desc){SRC_VSH, 8, n - 105};
    return (struct reg_desc){SRC_NONE, 0, 0};
}

static bool is_fp(enum reg_src src)
{
    return src >= SRC_FPR && src < SRC_NONE;
}

unsigned gdb_reg_size(unsigned regnum)
{
    return describe(regnum).size;
}

bool gdb_regs_le(const struct gdb_regfile *r)
{
    return r->core.msr & MSR_LE;
}

/* The register as a number of up to 128 bits: hi holds bits 64..127. */
static bool reg_value(const struct gdb_regfile *r, struct reg_desc d, uint64_t *hi, uint64_t *lo)
{
    const struct cpu_regs *c = &r->core;
    const struct cpu_fp_regs *f = &r->fp;

    *hi = 0;
    switch (d.src) {
    case SRC_GPR: *lo = c->gpr[d.index]; break;
    case SRC_PC: *lo = c->nip; break;
    case SRC_MSR: *lo = c->msr; break;
    case SRC_CR: *lo = c->cr; break;
    case SRC_LR: *lo = c->lr; break;
    case SRC_CTR: *lo = c->ctr; break;
    case SRC_XER: *lo = c->xer; break;
    case SRC_FPR: *lo = f->vsr[d.index][0]; break;
    case SRC_FPSCR: *lo = f->fpscr; break;
    case SRC_VR:
        *hi = f->vsr[32 + d.index][0];
        *lo = f->vsr[32 + d.index][1];
        break;
    case SRC_VSCR: *lo = f->vscr; break;
    case SRC_VRSAVE: *lo = f->vrsave; break;
    case SRC_VSH: *lo = f->vsr[d.index][1]; break;
    default: return false;
    }
    return true;
}

bool gdb_reg_get(const struct gdb_regfile *r, unsigned regnum, uint8_t *buf)
{
    struct reg_desc d = describe(regnum);
    bool le = gdb_regs_le(r);
    uint64_t hi, lo;

    if (is_fp(d.src) && !r->has_fp)
        return false;
    if (!reg_value(r, d, &hi, &lo))
        return false;
    /* Byte i of the number (0 = least significant) goes to offset i (LE)
     * or size - 1 - i (BE). */
    for (unsigned i = 0; i < d.size; i++) {
        uint64_t v = i < 8 ? lo : hi;
        buf[le ? i : d.size - 1 - i] = (uint8_t)(v >> (8 * (i % 8)));
    }
    return true;
}

bool gdb_reg_set(struct gdb_regfile *r, unsigned regnum, const uint8_t *buf, bool le)
{
    struct reg_desc d = describe(regnum);
    struct cpu_regs *c = &r->core;
    struct cpu_fp_regs *f = &r->fp;
    uint64_t hi = 0, lo = 0;

    if (d.src == SRC_NONE || (is_fp(d.src) && !r->has_fp))
        return false;
    for (unsigned i = 0; i < d.size; i++) {
        uint64_t b = buf[le ? i : d.size - 1 - i];
        if (i < 8)
            lo |= b << (8 * i);
        else
            hi |= b << (8 * (i - 8));
    }
    switch (d.src) {
    case SRC_GPR: c->gpr[d.index] = lo; break;
    case SRC_PC: c->nip = lo; break;
    case SRC_MSR: c->msr = lo; break;
    case SRC_CR: c->cr = (uint32_t)lo; break;
    case SRC_LR: c->lr = lo; break;
    case SRC_CTR: c->ctr = lo; break;
    case SRC_XER: c->xer = (uint32_t)lo; break;
    case SRC_FPR: f->vsr[d.index][0] = lo; break;
    case SRC_FPSCR: f->fpscr = lo; break;
    case SRC_VR:
        f->vsr[32 + d.index][0] = hi;
        f->vsr[32 + d.index][1] = lo;
        break;
    case SRC_VSCR: f->vscr = (uint32_t)lo; break;
    case SRC_VRSAVE: f->vrsave = (uint32_t)lo; break;
    case SRC_VSH: f->vsr[d.index][1] = lo; break;
    default: return false;
    }
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
                "<reg name=\"fpscr\" bitsize=\"64\" group=\"float\" regnum=\"70\"/>\n</feature>\n"
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
