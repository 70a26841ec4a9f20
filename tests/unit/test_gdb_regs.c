/*
 * The register file the gdbstub serves (vmm/monitor/gdb_regs.c): sizes
 * and numbering, each kind of register in both byte orders, FP and vector
 * registers unavailable without the backend's FP state, the target
 * description; and the interpreter's get_fp_regs/set_fp_regs (VSR
 * doubleword order, the FPSCR stored as mtfsf L=1 stores it, the VSCR's
 * defined bits), with an fadd run between them.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "interp_harness.h"
#include "vmm/cpu/interp/fpu.h"
#include "vmm/monitor/gdb_regs.h"

static struct gdb_regfile rf;

/* Register n's bytes as a hex string (gdb's view). */
static const char *hex_of(unsigned n)
{
    static char out[2 * GDB_REG_MAX + 1];
    uint8_t buf[GDB_REG_MAX];

    if (!gdb_reg_get(&rf, n, buf))
        return "unavailable";
    for (unsigned i = 0; i < gdb_reg_size(n); i++)
        snprintf(out + 2 * i, 3, "%02x", buf[i]);
    return out;
}

static bool set_hex(unsigned n, const char *hex, bool le)
{
    uint8_t buf[GDB_REG_MAX];

    for (unsigned i = 0; i < gdb_reg_size(n); i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            abort();
        buf[i] = (uint8_t)v;
    }
    return gdb_reg_set(&rf, n, buf, le);
}

static void test_sizes(void)
{
    unsigned total = 0;

    for (unsigned i = 0; i < GDB_NUM_REGS; i++)
        total += gdb_reg_size(i);
    /* 32 GPRs, 32 FPRs, pc msr cr lr ctr xer fpscr, 32 VRs, vscr vrsave,
     * 32 vsNh. */
    CHECK_EQ(total, 32 * 8 + 32 * 8 + 8 + 8 + 4 + 8 + 8 + 4 + 8 + 32 * 16 + 4 + 4 + 32 * 8);
    CHECK_EQ(gdb_reg_size(32), 8);  /* f0 */
    CHECK_EQ(gdb_reg_size(70), 8);  /* fpscr: 64-bit since ISA 2.05 */
    CHECK_EQ(gdb_reg_size(71), 16); /* vr0 */
    CHECK_EQ(gdb_reg_size(103), 4); /* vscr */
    CHECK_EQ(gdb_reg_size(104), 4); /* vrsave */
    CHECK_EQ(gdb_reg_size(136), 8); /* vs31h */
    CHECK_EQ(gdb_reg_size(137), 0);
}

static void test_unavailable(void)
{
    memset(&rf, 0, sizeof(rf));
    rf.core.gpr[1] = 0x1122334455667788;
    CHECK_STREQ(hex_of(1), "1122334455667788");
    CHECK_STREQ(hex_of(32), "unavailable");
    CHECK_STREQ(hex_of(70), "unavailable");
    CHECK_STREQ(hex_of(71), "unavailable");
    CHECK_STREQ(hex_of(104), "unavailable");
    CHECK_STREQ(hex_of(105), "unavailable");
    CHECK(!set_hex(32, "0000000000000000", false));
    CHECK(!set_hex(137, "", false));
}

static void fill_fp(void)
{
    memset(&rf, 0, sizeof(rf));
    rf.has_fp = true;
    rf.fp.vsr[1][0] = 0x3ff8000000000000;  /* f1 = 1.5 */
    rf.fp.vsr[1][1] = 0x0102030405060708;  /* vs1h */
    rf.fp.vsr[34][0] = 0x0001000200030004; /* vr2 */
    rf.fp.vsr[34][1] = 0x0005000600070008;
    rf.fp.fpscr = 0x0000000300004009;
    rf.fp.vscr = 0x10001;
    rf.fp.vrsave = 0xdeadbeef;
}

static void test_big_endian(void)
{
    fill_fp();
    CHECK_STREQ(hex_of(33), "3ff8000000000000");
    CHECK_STREQ(hex_of(106), "0102030405060708");
    CHECK_STREQ(hex_of(73), "00010002000300040005000600070008");
    CHECK_STREQ(hex_of(70), "0000000300004009");
    CHECK_STREQ(hex_of(103), "00010001");
    CHECK_STREQ(hex_of(104), "deadbeef");

    CHECK(set_hex(35, "c002000000000000", false)); /* f3 = -2.25 */
    CHECK_EQ(rf.fp.vsr[3][0], 0xc002000000000000);
    CHECK_EQ(rf.fp.vsr[3][1], 0);
    CHECK(set_hex(108, "1122334455667788", false)); /* vs3h */
    CHECK_EQ(rf.fp.vsr[3][1], 0x1122334455667788);
    CHECK(set_hex(76, "101112131415161718191a1b1c1d1e1f", false)); /* vr5 */
    CHECK_EQ(rf.fp.vsr[37][0], 0x1011121314151617);
    CHECK_EQ(rf.fp.vsr[37][1], 0x18191a1b1c1d1e1f);
    CHECK(set_hex(103, "00000001", false));
    CHECK_EQ(rf.fp.vscr, 1);
}

static void test_little_endian(void)
{
    fill_fp();
    rf.core.msr = 0x8000000000000001; /* SF, LE */
    CHECK(gdb_regs_le(&rf));
    CHECK_STREQ(hex_of(33), "000000000000f83f");
    CHECK_STREQ(hex_of(106), "0807060504030201");
    /* The whole 128-bit number reversed: doubleword 1 first. */
    CHECK_STREQ(hex_of(73), "08000700060005000400030002000100");
    CHECK_STREQ(hex_of(70), "0940000003000000");
    CHECK_STREQ(hex_of(103), "01000100");
    CHECK_STREQ(hex_of(104), "efbeadde");

    CHECK(set_hex(76, "1f1e1d1c1b1a19181716151413121110", true)); /* vr5 */
    CHECK_EQ(rf.fp.vsr[37][0], 0x1011121314151617);
    CHECK_EQ(rf.fp.vsr[37][1], 0x18191a1b1c1d1e1f);
    CHECK(set_hex(70, "0600000003000000", true));
    CHECK_EQ(rf.fp.fpscr, 0x0000000300000006);
    CHECK(set_hex(136, "8877665544332211", true)); /* vs31h */
    CHECK_EQ(rf.fp.vsr[31][1], 0x1122334455667788);
    CHECK_EQ(rf.fp.vsr[31][0], 0);
}

static void test_target_xml(void)
{
    size_t len;
    const char *xml = gdb_target_xml(&len);

    CHECK_EQ(strlen(xml), len);
    CHECK(strstr(xml, "<architecture>powerpc:common64</architecture>"));
    CHECK(strstr(xml, "<feature name=\"org.gnu.gdb.power.core\">"));
    CHECK(strstr(xml, "<feature name=\"org.gnu.gdb.power.fpu\">"));
    CHECK(strstr(xml, "<feature name=\"org.gnu.gdb.power.altivec\">"));
    CHECK(strstr(xml, "<feature name=\"org.gnu.gdb.power.vsx\">"));
    CHECK(strstr(xml, "name=\"f31\" bitsize=\"64\" type=\"ieee_double\" regnum=\"63\""));
    CHECK(strstr(xml, "name=\"fpscr\" bitsize=\"64\" group=\"float\" regnum=\"70\""));
    CHECK(strstr(xml, "name=\"vr31\" bitsize=\"128\" type=\"vec128\" regnum=\"102\""));
    CHECK(strstr(xml, "name=\"vrsave\" bitsize=\"32\" group=\"vector\" regnum=\"104\""));
    CHECK(strstr(xml, "name=\"vs31h\" bitsize=\"64\" type=\"uint64\" regnum=\"136\""));
    CHECK(strstr(xml, "</target>"));
}

/* The interpreter's side of the contract (cpu.h get_fp_regs/set_fp_regs). */
static void test_interp_fp_regs(void)
{
    static struct harness h;
    static struct cpu_fp_regs r;
    struct cpu *c;

    h_init(&h);
    c = (struct cpu *)h.cpu;
    memset(&r, 0, sizeof(r));
    r.vsr[1][0] = 0x3ff8000000000000; /* f1 = 1.5 */
    r.vsr[1][1] = 0x0102030405060708;
    r.vsr[63][0] = 0xaaaaaaaabbbbbbbb; /* vr31 */
    r.vsr[63][1] = 0xccccccccdddddddd;
    /* VXSNAN with VE: VX and FEX follow; undefined bit 52 (0x800) and
     * FEX/VX as written are not stored. */
    r.fpscr = FPSCR_VXSNAN | FPSCR_VE | 0x800 | 1;
    r.vscr = 0xffffffff;
    r.vrsave = 0x12345678;
    cpu_interp_backend.set_fp_regs(c, &r);
    CHECK_EQ(VSR_D(h.cpu->vsr[1], 0), 0x3ff8000000000000);
    CHECK_EQ(VSR_D(h.cpu->vsr[1], 1), 0x0102030405060708);
    CHECK_EQ(VSR_W(h.cpu->vsr[63], 0), 0xaaaaaaaa);
    CHECK_EQ(VSR_W(h.cpu->vsr[63], 3), 0xdddddddd);
    CHECK_EQ(h.cpu->fpscr, FPSCR_VXSNAN | FPSCR_VE | FPSCR_VX | FPSCR_FEX | 1);
    CHECK_EQ(h.cpu->vscr, VSCR_NJ | VSCR_SAT);
    CHECK_EQ(h.cpu->vrsave, 0x12345678);

    r.fpscr = FPSCR_FEX | FPSCR_VX; /* summaries of nothing */
    cpu_interp_backend.set_fp_regs(c, &r);
    CHECK_EQ(h.cpu->fpscr, 0);

    /* fadd f2,f1,f1 (Book I 4.6.6.1) sees f1 and leaves 3.0 in f2. */
    h.msr = MSR_SF | MSR_FP;
    h_code(&h, (63u << 26) | (2u << 21) | (1u << 16) | (1u << 11) | (21u << 1));
    CHECK_EQ(h_run(&h), H_END(&h));
    memset(&r, 0, sizeof(r));
    cpu_interp_backend.get_fp_regs(c, &r);
    CHECK_EQ(r.vsr[2][0], 0x4008000000000000);
    CHECK_EQ(r.vsr[1][1], 0x0102030405060708);
    CHECK_EQ(r.vsr[63][0], 0xaaaaaaaabbbbbbbb);
    CHECK_EQ(r.vsr[63][1], 0xccccccccdddddddd);
    CHECK_EQ(r.fpscr, 0x4000); /* FPRF: positive normal */
    CHECK_EQ(r.vscr, VSCR_NJ | VSCR_SAT);
    CHECK_EQ(r.vrsave, 0x12345678);
    h_fini(&h);
}

int main(void)
{
    test_sizes();
    test_unavailable();
    test_big_endian();
    test_little_endian();
    test_target_xml();
    test_interp_fp_regs();
    return check_summary("gdb-regs");
}
