/*
 * The client interface on the host: firmware/cif.c, cif-instance.c,
 * memmap.c and rtas.c #included (style.md, skiboot-style), guest RAM a
 * buffer, the tree the firmware's own builder makes, the RTAS image the
 * build embeds.  Every refused call is checked to change nothing at all:
 * guest RAM outside its results, the live tree, the memory map and the
 * instance table are compared byte for byte around it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include <libfdt.h>
#include <petrel/hwdesc.h>
#include <petrel/layout.h>
#include <petrel/papr.h>

#include "check.h"
#include "vmm/hwdesc.h"

/* The files under test. */
#include "../../firmware/cif-instance.c"
#include "../../firmware/cif.c"
#include "../../firmware/cpufacts.c"
#include "../../firmware/devtree.c"
#include "../../firmware/hwdesc.c"
#include "../../firmware/memmap.c"
#include "../../firmware/offer.c"
#include "../../firmware/rtas.c"

/* ------------------------------------------------ the platform, faked -- */

static char console_out[1 << 16];
static size_t console_out_len;
static const char *console_in = "";
static int console_flushes, icache_syncs, cas_calls, cas_result;
static uint64_t fake_tb, cas_vec;
static jmp_buf power_off_jmp;
static int power_off_status = -1;

void console_write_raw(const void *buf, size_t len)
{
    CHECK(console_out_len + len <= sizeof(console_out));
    if (console_out_len + len <= sizeof(console_out)) {
        memcpy(console_out + console_out_len, buf, len);
        console_out_len += len;
    }
}

size_t console_read_raw(void *buf, size_t len)
{
    size_t n = strlen(console_in) < len ? strlen(console_in) : len;

    memcpy(buf, console_in, n);
    console_in += n;
    return n;
}

void console_flush(void)
{
    console_flushes++;
}

uint64_t platform_timebase(void)
{
    return fake_tb;
}

void platform_power_off(unsigned status)
{
    power_off_status = (int)status;
    longjmp(power_off_jmp, 1);
}

/* Boot milestones: cif_entry_c (not used by these tests) marks them. */
void platform_boot_mark(unsigned mark, unsigned arg)
{
    (void)mark, (void)arg;
    CHECK(0); /* cif_call itself never marks */
}

/* -trace lines, kept as the host would print them. */
static char trace_out[4096];
static unsigned trace_lines;

void platform_trace(unsigned event, const char *fmt, ...)
{
    va_list ap;
    size_t n = strlen(trace_out);

    CHECK_EQ(event, PETREL_TRACE_CIF);
    va_start(ap, fmt);
    if (n + 2 < sizeof(trace_out)) {
        vsnprintf(trace_out + n, sizeof(trace_out) - n - 1, fmt, ap);
        strcat(trace_out, "\n");
    }
    va_end(ap);
    trace_lines++;
}

void sync_icache(uint64_t addr, uint64_t len)
{
    (void)addr, (void)len;
    icache_syncs++;
}

/* CAS as cas.c may behave: adds a node (without a phandle) and answers. */
int cas_call(void *fdt, const struct hw_facts *hw, uint64_t vec_addr)
{
    int node;

    (void)hw;
    cas_calls++;
    cas_vec = vec_addr;
    if (fdt_path_offset(fdt, "/interrupt-controller") >= 0)
        return cas_result;
    node = fdt_add_subnode(fdt, 0, "interrupt-controller");
    CHECK(node >= 0);
    CHECK_EQ(fdt_setprop_string(fdt, node, "compatible", "IBM,ppc-xicp"), 0);
    return cas_result;
}

/* ------------------------------------------------------------ machine -- */

#define RAM_SIZE    (32ull << 20)
#define FW_SIZE     0x400000ull
#define STACK_BASE  0x300000ull
#define STACK_SIZE  0x10000ull
#define KERNEL_BASE 0x400000ull
#define KERNEL_SIZE 0x100000ull
#define INITRD_BASE 0x600000ull
#define INITRD_SIZE 0x10000ull
#define ARGS        0x480000ull /* argument blocks: in the kernel, like Linux's */
#define STRINGS     0x490000ull
#define BUF         0x4a0000ull
#define ERR         0xffffffffu

static uint8_t *ram;
static struct hw_facts hw;
static uint8_t devtree_buf[DEVTREE_MAX_SIZE], tree_buf[DEVTREE_MAX_SIZE + 0x8000];
static struct cif c;
static const struct cif_layout layout = {0,           FW_SIZE,     STACK_BASE,  STACK_SIZE,
                                         KERNEL_BASE, KERNEL_SIZE, INITRD_BASE, INITRD_SIZE};
static uint64_t strings_at;

static uint32_t get32(uint64_t addr)
{
    return rtas_be32(ram + addr);
}

static void put32(uint64_t addr, uint32_t v)
{
    rtas_put_be32(ram + addr, v);
}

/* A string in client memory; its address. */
static uint32_t str(const char *s)
{
    uint64_t at = strings_at;

    memcpy(ram + at, s, strlen(s) + 1);
    strings_at += strlen(s) + 1;
    return (uint32_t)at;
}

static void setup(void)
{
    static const char tas[] = "hcall-term\0hcall-splpar";
    static uint8_t desc[HWDESC_MAX_SIZE];
    struct hwdesc_facts f = {
        .ram_size = RAM_SIZE,
        .cpus = 2,
        .max_cpus = 4,
        .threads = 1,
        .pvr = PVR_POWER9,
        .ic_mode = "dual",
        .vterm = PAPR_VTERM_UNIT,
        .nvram_size = 0x4000,
        .fw_size = FW_SIZE,
        .hypertas = tas,
        .hypertas_len = sizeof(tas),
    };
    struct devtree_rtas rtas_desc;

    if (!ram)
        ram = calloc(1, RAM_SIZE);
    memset(ram, 0, RAM_SIZE);
    CHECK(hwdesc_build(desc, sizeof(desc), &f) > 0);
    CHECK_EQ(hwdesc_read(desc, &hw), 0);
    CHECK(rtas_builtin() != NULL);
    rtas_describe(rtas_builtin(), hw.max_cpus, &rtas_desc);
    CHECK(devtree_build(devtree_buf, sizeof(devtree_buf), &hw, &rtas_desc) > 0);
    /* 16 KiB to grow: a bigger setprop must fail (and leave the tree). */
    CHECK_EQ(cif_init(&c, (uintptr_t)ram, &hw, devtree_buf, tree_buf,
                      fdt_totalsize(devtree_buf) + 0x4000, &layout, rtas_builtin()),
             0);
    strings_at = STRINGS;
    console_out_len = 0;
    console_in = "";
    /* The firmware's region holds a pattern nothing may change. */
    memset(ram, 0xf1, FW_SIZE);
}

/* An argument block at args, results preset to a marker. */
static void build(uint64_t args, const char *service, unsigned nargs, unsigned nret,
                  const uint32_t *in)
{
    put32(args, str(service));
    put32(args + 4, nargs);
    put32(args + 8, nret);
    for (unsigned i = 0; i < nargs; i++)
        put32(args + 12 + 4 * i, in[i]);
    for (unsigned i = 0; i < nret; i++)
        put32(args + 12 + 4 * (nargs + i), 0x5a5a5a5a);
}

/* One call through an argument block at args; r3 in *r3 if asked. */
static uint32_t call_at(uint64_t args, const char *service, unsigned nargs, unsigned nret,
                        const uint32_t *in, int32_t *r3)
{
    int32_t r;

    build(args, service, nargs, nret, in);
    r = cif_call(&c, args);
    if (r3)
        *r3 = r;
    return nret ? get32(args + 12 + 4 * nargs) : 0;
}

/* rets[0] of a call, or ERR if r3 < 0 (Linux's call_prom). */
static uint32_t ci(const char *service, unsigned nargs, unsigned nret, ...)
{
    uint32_t in[CIF_MAX_CELLS];
    int32_t r3;
    uint32_t ret;
    va_list ap;

    va_start(ap, nret);
    for (unsigned i = 0; i < nargs; i++)
        in[i] = va_arg(ap, uint32_t);
    va_end(ap);
    ret = call_at(ARGS, service, nargs, nret, in, &r3);
    return r3 < 0 ? ERR : ret;
}

static int32_t ci_r3(const char *service, unsigned nargs, ...)
{
    uint32_t in[CIF_MAX_CELLS];
    int32_t r3;
    va_list ap;

    va_start(ap, nargs);
    for (unsigned i = 0; i < nargs; i++)
        in[i] = va_arg(ap, uint32_t);
    va_end(ap);
    call_at(ARGS, service, nargs, 0, in, &r3);
    return r3;
}

/* ---------------------------------------------------- nothing changed -- */

static uint8_t *ram_before;
static uint8_t tree_before[sizeof(tree_buf)];
static struct cif cif_before;

static void snapshot(void)
{
    if (!ram_before)
        ram_before = malloc(RAM_SIZE);
    memcpy(ram_before, ram, RAM_SIZE);
    memcpy(tree_before, tree_buf, sizeof(tree_buf));
    cif_before = c;
}

/* Everything as at snapshot() except [skip, skip + skip_len) of RAM. */
static bool unchanged(uint64_t skip, uint64_t skip_len)
{
    return !memcmp(ram, ram_before, skip) &&
           !memcmp(ram + skip + skip_len, ram_before + skip + skip_len,
                   RAM_SIZE - skip - skip_len) &&
           !memcmp(tree_buf, tree_before, sizeof(tree_buf)) &&
           !memcmp(&c.mem, &cif_before.mem, sizeof(c.mem)) &&
           !memcmp(c.inst, cif_before.inst, sizeof(c.inst)) && c.quiesced == cif_before.quiesced;
}

/* A call that must fail and change nothing but its result cell (the
 * service's -1, or with r3 = -1 not even that). */
static void refuse(int line, const char *service, unsigned nargs, unsigned nret, ...)
{
    uint32_t in[CIF_MAX_CELLS], ret;
    int32_t r3;
    va_list ap;

    va_start(ap, nret);
    for (unsigned i = 0; i < nargs; i++)
        in[i] = va_arg(ap, uint32_t);
    va_end(ap);
    build(ARGS, service, nargs, nret, in);
    snapshot();
    r3 = cif_call(&c, ARGS);
    ret = nret ? get32(ARGS + 12 + 4 * nargs) : 0;
    check_count++;
    /* Only the first result cell may change: a failed call-method sets
     * its catch result and leaves the method's results as they were. */
    if (!(r3 == -1 || (nret && ret == (strcmp(service, "open") ? ERR : 0))) ||
        !unchanged(ARGS + 12 + 4 * nargs, 4)) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s was not refused cleanly (r3 %d, ret 0x%x)\n", __FILE__, line,
                service, r3, ret);
    }
}
#define REFUSE(...) refuse(__LINE__, __VA_ARGS__)

/* ---------------------------------------------------------- memmap.c -- */

static void test_memmap(void)
{
    struct memmap m;

    memmap_init(&m, 64ull << 30);
    CHECK_EQ(m.limit, 1ull << 32); /* cells are 32-bit */
    memmap_init(&m, 0x1000000);
    CHECK_EQ(memmap_reserve(&m, 0, 0x100000, MEM_FIRMWARE), 0);
    CHECK_EQ(memmap_reserve(&m, 0xff000, 0x2000, MEM_KERNEL), -1);
    CHECK_EQ(memmap_reserve(&m, 0xfff000, 0x2000, MEM_KERNEL), -1); /* past RAM */
    CHECK_EQ(memmap_reserve(&m, 0x200000, 0, MEM_KERNEL), -1);
    CHECK_EQ(memmap_reserve(&m, 0x200000, 0x100000, MEM_KERNEL), 0);
    /* Exact claims. */
    CHECK_EQ(memmap_claim(&m, 0x400000, 0x1000, 0), 0x400000);
    CHECK_EQ(memmap_claim(&m, 0x400000, 0x1000, 0), -1);
    CHECK_EQ(memmap_claim(&m, 0x3ff000, 0x2000, 0), -1);
    CHECK_EQ(memmap_claim(&m, 0x250000, 0x1000, 0), -1);
    CHECK_EQ(memmap_claim(&m, 0x800000, 0, 0), -1);
    CHECK_EQ(memmap_claim(&m, 0xfff000, 0x1000, 0), 0xfff000);         /* the last page */
    CHECK_EQ(memmap_claim(&m, 0xffffffffffff0000ull, 0x20000, 0), -1); /* wraps */
    /* Aligned: the lowest free boundary. */
    CHECK_EQ(memmap_claim(&m, 0, 0x1000, 0x1000), 0x100000);
    /* [0x300000, 0x400000) is the first free aligned MiB: it fits exactly. */
    CHECK_EQ(memmap_claim(&m, 0, 0x100000, 0x100000), 0x300000);
    CHECK_EQ(memmap_claim(&m, 0, 0x100000, 0x100000), 0x500000);
    CHECK_EQ(memmap_claim(&m, 0, 0x1000, 0x3000), -1); /* not a power of two */
    CHECK_EQ(memmap_claim(&m, 0, 0x1000000, 0x1000), -1);
    CHECK_EQ(memmap_claim(&m, 0, 0x1000, 1ull << 40), -1);
    /* Release: a hole, the head, the tail; never what was not claimed. */
    CHECK(memmap_claimed(&m, 0x500000, 0x100000));
    CHECK(!memmap_claimed(&m, 0x500000, 0x100001));
    CHECK_EQ(memmap_release(&m, 0x540000, 0x10000), 0);
    CHECK(!memmap_claimed(&m, 0x540000, 1));
    CHECK(memmap_claimed(&m, 0x550000, 0xb0000) && memmap_claimed(&m, 0x500000, 0x40000));
    CHECK_EQ(memmap_release(&m, 0x500000, 0x1000), 0);
    CHECK_EQ(memmap_release(&m, 0x5ff000, 0x1000), 0);
    CHECK_EQ(memmap_release(&m, 0x5ff000, 0x1000), -1);
    CHECK_EQ(memmap_release(&m, 0x550000, 0xc0000), -1); /* past the claim */
    CHECK_EQ(memmap_release(&m, 0x200000, 0x1000), -1);  /* the kernel's */
    CHECK_EQ(memmap_release(&m, 0x501000, 0), -1);
    CHECK_EQ(memmap_release(&m, 0x300000, 0x100000), 0); /* a whole claim */
    CHECK(!memmap_claimed(&m, 0x300000, 1));
    CHECK_EQ(memmap_claim(&m, 0x540000, 0x10000, 0), 0x540000);
    CHECK_EQ(memmap_claim(&m, 0x300000, 0x100000, 0), 0x300000);
    /* Client memory: RAM clear of the firmware; empty ranges anywhere in RAM. */
    CHECK(memmap_client_ok(&m, 0x200000, 0x1000));
    CHECK(!memmap_client_ok(&m, 0xff000, 0x2000));
    CHECK(!memmap_client_ok(&m, 0xfff000, 0x2000));
    CHECK(!memmap_client_ok(&m, 0x1000001, 0));
    CHECK(memmap_client_ok(&m, 0x1000, 0));
    /* A full map refuses cleanly. */
    memmap_init(&m, 1ull << 30);
    for (unsigned i = 0; i < MEMMAP_MAX; i++)
        CHECK_EQ(memmap_claim(&m, 0x100000 * (i + 1), 0x10000, 0), 0x100000 * (i + 1));
    CHECK_EQ(memmap_claim(&m, 0x10000000, 0x1000, 0), -1);
    CHECK_EQ(memmap_release(&m, 0x101000, 0x1000), -1); /* a hole needs a slot */
    CHECK(memmap_claimed(&m, 0x100000, 0x10000));
    CHECK_EQ(memmap_release(&m, 0x100000, 0x1000), 0);
}

/* ------------------------------------------------------ the services -- */

static uint32_t find(const char *path)
{
    return ci("finddevice", 1, 1, str(path));
}

static void test_tree(void)
{
    uint32_t root, chosen, vty, cpus, ph, n;
    int len;

    setup();
    root = ci("peer", 1, 1, 0);
    CHECK(root && root != ERR);
    CHECK_EQ(find("/"), root);
    CHECK_EQ(ci("peer", 1, 1, root), 0);
    CHECK_EQ(ci("parent", 1, 1, root), 0);
    chosen = find("/chosen");
    CHECK_EQ(ci("parent", 1, 1, chosen), root);
    CHECK_EQ(ci("child", 1, 1, root), chosen); /* the builder's first child */
    vty = find("/vdevice/vty@71000000");
    CHECK(vty != ERR);
    CHECK_EQ(find("/vdevice/vty"), vty);
    CHECK_EQ(find("hvterm"), vty);
    CHECK_EQ(find("hvterm:x,y"), vty);
    CHECK_EQ(find("/vdevice:a/vty@71000000:b"), vty);
    CHECK_EQ(ci("child", 1, 1, vty), 0);
    CHECK_EQ(find("/vdevice/nothing"), ERR);
    CHECK_EQ(find("nothing"), ERR);
    CHECK_EQ(find(""), ERR);
    /* Each node's phandle property is its package handle. */
    cpus = find("/cpus");
    ph = ci("child", 1, 1, cpus);
    CHECK_EQ(ph, fdt_get_phandle(tree_buf, fdt_path_offset(tree_buf, "/cpus/PowerPC,POWER9@0")));
    CHECK_EQ(ci("peer", 1, 1, ph),
             fdt_get_phandle(tree_buf, fdt_path_offset(tree_buf, "/cpus/PowerPC,POWER9@1")));

    /* getprop: the full length, min(len, buflen) bytes. */
    memset(ram + BUF, 0x77, 64);
    CHECK_EQ(ci("getprop", 4, 1, vty, str("compatible"), (uint32_t)BUF, 64), 8);
    CHECK(!memcmp(ram + BUF, "hvterm1", 8) && ram[BUF + 8] == 0x77);
    memset(ram + BUF, 0x77, 64);
    CHECK_EQ(ci("getprop", 4, 1, vty, str("compatible"), (uint32_t)BUF, 3), 8);
    CHECK(!memcmp(ram + BUF, "hvt", 3) && ram[BUF + 3] == 0x77);
    CHECK_EQ(ci("getprop", 4, 1, vty, str("compatible"), 0x100, 0), 8); /* length only */
    CHECK_EQ(ci("getproplen", 2, 1, vty, str("reg")), 4);
    CHECK_EQ(ci("getproplen", 2, 1, vty, str("name")), ERR);
    /* /chosen stdout, stdin and cpu are instances. */
    CHECK_EQ(ci("getproplen", 2, 1, chosen, str("stdout")), 4);
    CHECK_EQ(ci("getproplen", 2, 1, chosen, str("stdin")), 4);
    CHECK_EQ(ci("getproplen", 2, 1, chosen, str("cpu")), 4);

    /* nextprop walks the node's properties in order, then 0. */
    n = 0;
    put32(STRINGS - 64, 0);
    for (uint32_t prev = (uint32_t)STRINGS - 64;; prev = (uint32_t)BUF + 64 * (n - 1)) {
        uint32_t r = ci("nextprop", 3, 1, vty, prev, (uint32_t)BUF + 64 * n);
        if (r != 1) {
            CHECK_EQ(r, 0);
            break;
        }
        n++;
    }
    len = 0;
    for (int off = fdt_first_property_offset(tree_buf, fdt_path_offset(tree_buf, "/vdevice/vty"));
         off >= 0; off = fdt_next_property_offset(tree_buf, off))
        len++;
    CHECK_EQ(n, (unsigned)len);
    CHECK(!strcmp((char *)ram + BUF, "phandle"));
    CHECK_EQ(ci("nextprop", 3, 1, vty, 0, (uint32_t)BUF), 1); /* a null previous: the first */
    CHECK_EQ(ci("nextprop", 3, 1, vty, str("interrupts"), (uint32_t)BUF), 0); /* the last */

    /* package-to-path: the full length, the root is "/". */
    CHECK_EQ(ci("package-to-path", 3, 1, root, (uint32_t)BUF, 64), 1);
    CHECK(!strcmp((char *)ram + BUF, "/"));
    CHECK_EQ(ci("package-to-path", 3, 1, vty, (uint32_t)BUF, 64), 21);
    CHECK(!strcmp((char *)ram + BUF, "/vdevice/vty@71000000"));
    memset(ram + BUF, 0x77, 64);
    CHECK_EQ(ci("package-to-path", 3, 1, vty, (uint32_t)BUF, 21), 21);
    CHECK(!memcmp(ram + BUF, "/vdevice/vty@71000000", 21) && ram[BUF + 21] == 0x77);

    /* setprop: new, replaced, empty; the value lands in the tree. */
    memcpy(ram + BUF, "abcdef", 7);
    CHECK_EQ(ci("setprop", 4, 1, chosen, str("petrel,t"), (uint32_t)BUF, 7), 7);
    CHECK(!strcmp(fdt_getprop(tree_buf, fdt_path_offset(tree_buf, "/chosen"), "petrel,t", &len),
                  "abcdef"));
    CHECK_EQ(ci("setprop", 4, 1, chosen, str("petrel,t"), (uint32_t)BUF, 3), 3);
    CHECK_EQ(ci("getproplen", 2, 1, chosen, str("petrel,t")), 3);
    CHECK_EQ(ci("setprop", 4, 1, chosen, str("linux,iommu-off"), 0, 0), 0);
    CHECK_EQ(ci("getproplen", 2, 1, chosen, str("linux,iommu-off")), 0);
    /* The longest name a client's nextprop buffer holds. */
    CHECK_EQ(ci("setprop", 4, 1, chosen,
                str("a123456789b123456789c123456789d123456789e123456789f123456789xyz"),
                (uint32_t)BUF, 1),
             1);
    CHECK_EQ(fdt_check_full(tree_buf, sizeof(tree_buf)), 0);
}

static void test_refusals(void)
{
    static const char *const ph_services[] = {"child", "parent", "peer"};
    uint32_t chosen, vty, stdout_ih, fw = 0x1000, past = (uint32_t)RAM_SIZE + 0x1000;
    uint32_t bad_ph[] = {ERR, 0x12345678, 0}, name, longname, noterm;
    char big[CIF_NAME_MAX + 8];

    setup();
    chosen = find("/chosen");
    vty = find("/vdevice/vty");
    stdout_ih = ci("open", 1, 1, str("/vdevice/vty"));
    bad_ph[2] = stdout_ih; /* an ihandle is not a phandle */
    name = str("reg");
    memset(big, 'n', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    longname = str(big);
    noterm = (uint32_t)strings_at;
    memset(ram + noterm, 'a', CIF_PATH_MAX + 8);
    strings_at += CIF_PATH_MAX + 9;

    /* The block: unknown service, wrong counts, too many cells. */
    REFUSE("frobnicate", 1, 1, 0);
    REFUSE("getprop", 3, 1, chosen, name, (uint32_t)BUF);
    REFUSE("getprop", 4, 2, chosen, name, (uint32_t)BUF, 4);
    REFUSE("quiesce", 0, 1);
    REFUSE("call-method", 1, 1, 0);
    REFUSE("call-method", 2, 0, 0, 0);
    REFUSE("peer", 16, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    /* Handles. */
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned s = 0; s < 3; s++)
            REFUSE(ph_services[s], 1, 1, bad_ph[i]);
        REFUSE("getprop", 4, 1, bad_ph[i], name, (uint32_t)BUF, 16);
        REFUSE("getproplen", 2, 1, bad_ph[i], name);
        REFUSE("nextprop", 3, 1, bad_ph[i], 0, (uint32_t)BUF);
        REFUSE("setprop", 4, 1, bad_ph[i], name, (uint32_t)BUF, 4);
        REFUSE("package-to-path", 3, 1, bad_ph[i], (uint32_t)BUF, 64);
    }
    REFUSE("child", 1, 1, 0);
    for (uint32_t ih = 0; ih < 4; ih++) {
        uint32_t bad = ih == 0 ? 0 : ih == 1 ? ERR : ih == 2 ? vty : stdout_ih + 0x100;
        REFUSE("write", 3, 1, bad, (uint32_t)BUF, 1);
        REFUSE("read", 3, 1, bad, (uint32_t)BUF, 1);
        REFUSE("seek", 3, 1, bad, 0, 0);
        REFUSE("close", 1, 0, bad);
        REFUSE("instance-to-package", 1, 1, bad);
        REFUSE("instance-to-path", 3, 1, bad, (uint32_t)BUF, 64);
        REFUSE("call-method", 3, 2, str("instantiate-rtas"), bad, 0x800000);
    }
    /* Memory: outside RAM, in the firmware, past RAM's end, huge. */
    REFUSE("getprop", 4, 1, chosen, name, past, 16);
    REFUSE("getprop", 4, 1, vty, name, fw, 16);
    REFUSE("getprop", 4, 1, vty, name, (uint32_t)RAM_SIZE - 2, 16);
    REFUSE("getprop", 4, 1, vty, name, STACK_BASE - 2, 16); /* straddles the firmware */
    REFUSE("getprop", 4, 1, vty, name, (uint32_t)BUF, ERR);
    REFUSE("getprop", 4, 1, vty, fw, (uint32_t)BUF, 16);
    REFUSE("getprop", 4, 1, vty, past, (uint32_t)BUF, 16);
    REFUSE("getprop", 4, 1, vty, noterm, (uint32_t)BUF, 16);
    REFUSE("getprop", 4, 1, vty, longname, (uint32_t)BUF, 16);
    REFUSE("getproplen", 2, 1, vty, (uint32_t)RAM_SIZE - 1);
    REFUSE("nextprop", 3, 1, vty, 0, fw);
    REFUSE("nextprop", 3, 1, vty, str("no-such"), (uint32_t)BUF);
    REFUSE("nextprop", 3, 1, vty, fw, (uint32_t)BUF);
    REFUSE("package-to-path", 3, 1, vty, fw, 64);
    REFUSE("package-to-path", 3, 1, vty, (uint32_t)BUF, 0x7fffffff);
    REFUSE("instance-to-path", 3, 1, stdout_ih, past, 64);
    REFUSE("setprop", 4, 1, chosen, name, fw, 4);
    REFUSE("setprop", 4, 1, chosen, name, (uint32_t)BUF, ERR);
    REFUSE("setprop", 4, 1, chosen, name, (uint32_t)BUF, CIF_SETPROP_MAX + 1);
    REFUSE("setprop", 4, 1, chosen, str(""), (uint32_t)BUF, 4);
    REFUSE("setprop", 4, 1, chosen, str("phandle"), (uint32_t)BUF, 4);
    REFUSE("setprop", 4, 1, chosen, str("linux,phandle"), (uint32_t)BUF, 4);
    REFUSE("setprop", 4, 1, chosen, longname, (uint32_t)BUF, 4);
    /* Bigger than the room left: libfdt refuses and leaves the tree. */
    REFUSE("setprop", 4, 1, chosen, str("petrel,big"), (uint32_t)BUF, 0x9000);
    REFUSE("write", 3, 1, stdout_ih, fw, 4);
    REFUSE("write", 3, 1, stdout_ih, (uint32_t)BUF, ERR);
    REFUSE("read", 3, 1, stdout_ih, STACK_BASE + STACK_SIZE - 1, 2);
    REFUSE("finddevice", 1, 1, fw);
    REFUSE("finddevice", 1, 1, noterm);
    REFUSE("open", 1, 1, noterm);
    REFUSE("open", 1, 1, str("/cpus"));
    REFUSE("test", 1, 1, fw);
    REFUSE("test", 1, 1, str("interpret"));
    REFUSE("claim", 3, 1, 0x800000, 0, 0);
    REFUSE("claim", 3, 1, 0x800000, ERR, 0);
    REFUSE("claim", 3, 1, 0, 0x1000, 0x3000);
    REFUSE("claim", 3, 1, 0x100000, 0x1000, 0);   /* the firmware */
    REFUSE("claim", 3, 1, STACK_BASE, 0x1000, 0); /* the client's stack */
    REFUSE("claim", 3, 1, KERNEL_BASE, 0x1000, 0);
    REFUSE("claim", 3, 1, INITRD_BASE + 0xf000, 0x2000, 0);
    REFUSE("claim", 3, 1, (uint32_t)RAM_SIZE - 0x1000, 0x2000, 0);
    REFUSE("release", 2, 0, 0x800000, 0x1000);
    REFUSE("release", 2, 0, KERNEL_BASE, 0x1000);
    REFUSE("release", 2, 0, 0, 0x1000);
    /* call-method: unknown, wrong counts, the wrong package, bad bases. */
    stdout_ih = ci("open", 1, 1, str("/rtas"));
    REFUSE("call-method", 3, 2, str("no-such"), stdout_ih, 0);
    REFUSE("call-method", 3, 2, str("ibm,client-architecture-support"), stdout_ih, BUF);
    REFUSE("call-method", 4, 2, str("instantiate-rtas"), stdout_ih, 0x800000, 0);
    REFUSE("call-method", 3, 3, str("instantiate-rtas"), stdout_ih, 0x800000);
    REFUSE("call-method", 3, 2, str("instantiate-rtas"), stdout_ih, 0x800000); /* unclaimed */
    CHECK_EQ(ci("claim", 3, 1, 0x800000, 0x10000, 0), 0x800000);
    REFUSE("call-method", 3, 2, str("instantiate-rtas"), stdout_ih, 0x800004);
    REFUSE("call-method", 3, 2, str("instantiate-rtas"), stdout_ih, 0x80f000);
    REFUSE("call-method", 3, 2, fw, stdout_ih, 0x800000);
    CHECK_EQ(cas_calls, 0);

    /* Blocks that cannot be used at all: r3 = -1 and nothing written. */
    snapshot();
    CHECK_EQ(cif_call(&c, fw), -1);
    CHECK_EQ(cif_call(&c, past), -1);
    CHECK_EQ(cif_call(&c, (uint32_t)RAM_SIZE - 8), -1);
    CHECK_EQ(cif_call(&c, ARGS + 2), -1);
    CHECK_EQ(cif_call(&c, STACK_BASE - 4), -1); /* the header straddles the firmware */
    put32(ARGS, fw);
    CHECK_EQ(cif_call(&c, ARGS), -1);
    put32(ARGS, noterm);
    CHECK_EQ(cif_call(&c, ARGS), -1);
    put32(ARGS, str("peer"));
    put32(ARGS + 4, 1);
    put32(ARGS + 8, 1);
    CHECK_EQ(cif_call(&c, (uint32_t)RAM_SIZE - 12 - 4), -1);
    CHECK(!memcmp(ram, ram_before, FW_SIZE));
    CHECK(!memcmp(tree_buf, tree_before, sizeof(tree_buf)));
}

static void test_instances(void)
{
    uint32_t chosen, stdout_ih, ih, ih2, vty;

    setup();
    chosen = find("/chosen");
    vty = find("/vdevice/vty@71000000");
    stdout_ih =
        fdt32_ld(fdt_getprop(tree_buf, fdt_path_offset(tree_buf, "/chosen"), "stdout", NULL));
    CHECK_EQ(stdout_ih, c.stdout_ih);
    CHECK_EQ(ci("instance-to-package", 1, 1, stdout_ih), vty);
    CHECK_EQ(ci("instance-to-path", 3, 1, stdout_ih, (uint32_t)BUF, 64), 21);
    CHECK(!strcmp((char *)ram + BUF, "/vdevice/vty@71000000"));
    /* /chosen cpu is the boot CPU's node. */
    ih = fdt32_ld(fdt_getprop(tree_buf, fdt_path_offset(tree_buf, "/chosen"), "cpu", NULL));
    CHECK_EQ(ci("instance-to-package", 1, 1, ih), find("/cpus/PowerPC,POWER9@0"));
    (void)chosen;

    /* write and read go to the console, through client memory. */
    memcpy(ram + BUF, "hello", 5);
    CHECK_EQ(ci("write", 3, 1, stdout_ih, (uint32_t)BUF, 5), 5);
    CHECK_EQ(ci("write", 3, 1, stdout_ih, (uint32_t)BUF, 0), 0);
    CHECK(console_out_len == 5 && !memcmp(console_out, "hello", 5));
    console_in = "input";
    CHECK_EQ(ci("read", 3, 1, stdout_ih, (uint32_t)BUF, 3), 3);
    CHECK(!memcmp(ram + BUF, "inp", 3));
    CHECK_EQ(ci("read", 3, 1, stdout_ih, (uint32_t)BUF, 16), 2);
    CHECK_EQ(ci("read", 3, 1, stdout_ih, (uint32_t)BUF, 16), 0);
    CHECK_EQ(ci("seek", 3, 1, stdout_ih, 0, 0), ERR);

    /* open/close; a closed or reused slot's old ihandle stays refused. */
    ih = ci("open", 1, 1, str("hvterm"));
    CHECK(ih && ih != ERR && ih != stdout_ih);
    CHECK_EQ(ci_r3("close", 1, ih), 0);
    CHECK_EQ(ci_r3("close", 1, ih), -1);
    ih2 = ci("open", 1, 1, str("/rtas"));
    CHECK(ih2 && ih2 != ih);
    CHECK_EQ(ci("instance-to-package", 1, 1, ih), ERR);
    CHECK_EQ(ci("write", 3, 1, ih2, (uint32_t)BUF, 1), ERR); /* /rtas has no write */
    /* Every slot in use: open fails with 0, nothing else changes. */
    while ((ih = ci("open", 1, 1, str("/"))) != 0)
        CHECK(ih != ERR);
    CHECK_EQ(ci("write", 3, 1, stdout_ih, (uint32_t)BUF, 1), 1);
}

static void test_methods(void)
{
    const struct rtas_image *img = rtas_builtin();
    uint32_t root_ih, rtas_ih, base = 0x1000000, entry, token, region;
    uint32_t in[3];
    int32_t r3;
    int node;

    setup();
    /* CAS: the method's result, and its new node numbered and reachable. */
    root_ih = ci("open", 1, 1, str("/"));
    cas_result = 0;
    in[0] = str("ibm,client-architecture-support"), in[1] = root_ih, in[2] = (uint32_t)BUF;
    CHECK_EQ(call_at(ARGS, "call-method", 3, 2, in, &r3), 0);
    CHECK_EQ(r3, 0);
    CHECK_EQ(get32(ARGS + 12 + 16), 0);
    CHECK_EQ(cas_calls, 1);
    CHECK_EQ(cas_vec, BUF);
    node = fdt_path_offset(tree_buf, "/interrupt-controller");
    CHECK(node >= 0 && fdt_get_phandle(tree_buf, node) != 0);
    CHECK_EQ(find("/interrupt-controller"), fdt_get_phandle(tree_buf, node));
    cas_result = 7;
    CHECK_EQ(call_at(ARGS, "call-method", 3, 2, in, &r3), 0); /* caught: 0 */
    CHECK_EQ(get32(ARGS + 12 + 16), 7);                       /* the method's result */
    in[2] = 0x1000;
    CHECK_EQ(call_at(ARGS, "call-method", 3, 2, in, &r3), ERR); /* vector in the firmware */
    CHECK_EQ(cas_calls, 2);

    /* instantiate-rtas: claimed region -> the image, relocated, state set. */
    CHECK(img != NULL);
    rtas_ih = ci("open", 1, 1, str("/rtas"));
    region = rtas_region_size(img, hw.max_cpus);
    CHECK_EQ(region, img->fixed_size + hw.max_cpus * (1u << RTAS_CPU_AREA_SHIFT));
    CHECK_EQ(ci("claim", 3, 1, base, region, 0), base);
    memset(ram + base, 0xee, region);
    in[0] = str("instantiate-rtas"), in[1] = rtas_ih, in[2] = base;
    CHECK_EQ(call_at(ARGS, "call-method", 3, 2, in, &r3), 0);
    entry = get32(ARGS + 12 + 16);
    CHECK_EQ(entry, base + img->entry);
    CHECK_EQ(icache_syncs, 1);
    for (uint32_t off = 0; off < img->image_size; off += 4) {
        bool reloc = false;
        for (uint32_t i = 0; i < img->nrelocs; i++)
            reloc |=
                rtas_be32(img->relocs + 4 * i) == off || rtas_be32(img->relocs + 4 * i) + 4 == off;
        if (off >= img->state && off < img->state + RTAS_STATE_SIZE)
            continue;
        if (!reloc && get32(base + off) != rtas_be32(img->blob + off)) {
            CHECK(!"an unrelocated word changed");
            break;
        }
    }
    for (uint32_t i = 0; i < img->nrelocs; i++) {
        uint32_t off = rtas_be32(img->relocs + 4 * i);
        CHECK_EQ(rtas_be64(ram + base + off), rtas_be64(img->blob + off) + base);
    }
    for (uint32_t off = img->image_size; off < region; off++)
        if (ram[base + off]) {
            CHECK(!"the bss is not zero");
            break;
        }
    CHECK_EQ(rtas_be64(ram + base + img->state + RTAS_STATE_RAM_SIZE), RAM_SIZE);
    CHECK_EQ(get32(base + img->state + RTAS_STATE_VTERM), PAPR_VTERM_UNIT);
    CHECK_EQ(get32(base + img->state + RTAS_STATE_MAX_CPUS), hw.max_cpus);
    CHECK_EQ(get32(base + img->state + RTAS_STATE_CPUS), hw.ncpus);
    CHECK_EQ(get32(base + img->state + RTAS_STATE_NVRAM_SIZE), hw.nvram_size);
    CHECK_EQ(get32(base + img->state + RTAS_STATE_TB_FREQ), hw.tb_freq);
    /* Its tokens are the ones /rtas publishes, with the image's size. */
    token = ci("getprop", 4, 1, find("/rtas"), str("rtas-size"), (uint32_t)BUF, 4);
    CHECK_EQ(token, 4);
    CHECK_EQ(get32(BUF), region);
    CHECK_EQ(ci("getproplen", 2, 1, find("/rtas"), str("power-off")), 4);
}

static void test_misc(void)
{
    int32_t r3;
    uint32_t ih;

    setup();
    fake_tb = 512000000ull * 3 + 512000 * 7; /* 3.007 s of a 512 MHz timebase */
    CHECK_EQ(ci("milliseconds", 0, 1), 3007);
    CHECK_EQ(ci("test", 1, 1, str("claim")), 0);
    CHECK_EQ(ci("test", 1, 1, str("start-cpu")), ERR);
    /* quiesce flushes the console; write still works after it. */
    console_flushes = 0;
    CHECK_EQ(ci_r3("quiesce", 0), 0);
    CHECK(console_flushes > 0 && c.quiesced);
    ih = c.stdout_ih;
    memcpy(ram + BUF, "after", 5);
    CHECK_EQ(ci("write", 3, 1, ih, (uint32_t)BUF, 5), 5);
    /* Argument blocks on the client's stack are the client's. */
    put32(STACK_BASE + 0x100, str("peer"));
    put32(STACK_BASE + 0x104, 1);
    put32(STACK_BASE + 0x108, 1);
    put32(STACK_BASE + 0x10c, 0);
    CHECK_EQ(cif_call(&c, STACK_BASE + 0x100), 0);
    CHECK_EQ(get32(STACK_BASE + 0x110), ci("finddevice", 1, 1, str("/")));
    /* exit stops the machine with status 1. */
    power_off_status = -1;
    if (!setjmp(power_off_jmp))
        ci_r3("exit", 0);
    CHECK_EQ(power_off_status, 1);
    (void)r3;
}

/* -trace cif: one line per call with its arguments and results, only
 * when the event is on; a refused block makes none. */
static void test_trace(void)
{
    uint32_t chosen;

    setup();
    trace_out[0] = '\0';
    trace_lines = 0;
    chosen = ci("finddevice", 1, 1, str("/chosen"));
    CHECK_EQ(trace_lines, 0);
    hw.trace_mask = 1u << PETREL_TRACE_CIF;
    CHECK_EQ(ci("finddevice", 1, 1, str("/chosen")), chosen);
    CHECK_EQ(ci("finddevice", 1, 1, str("/nonexistent")), ERR);
    CHECK_EQ(cif_call(&c, RAM_SIZE), -1); /* no block at all */
    CHECK_EQ(trace_lines, 2);
    CHECK(strstr(trace_out, "finddevice(0x") == trace_out);
    CHECK(strstr(trace_out, ") -> 0xffffffff\n") != NULL);
    {
        char want[32];
        snprintf(want, sizeof(want), ") -> 0x%x\n", chosen);
        CHECK(strstr(trace_out, want) != NULL);
    }
    hw.trace_mask = 0;
}

/* A malformed image blob is refused before anything is copied. */
static void test_rtas_blob(void)
{
    const struct rtas_image *good = rtas_builtin();
    size_t len = (size_t)(petrel_rtas_end - petrel_rtas);
    uint8_t *blob = malloc(len);
    struct rtas_image img;

    CHECK(good != NULL && good->fixed_size >= good->image_size && good->nrelocs > 0);
    CHECK(rtas_image_open(&img, petrel_rtas, len) == NULL);
    CHECK(rtas_image_open(&img, petrel_rtas, 16) != NULL);
    CHECK(rtas_image_open(&img, petrel_rtas, len - 2) != NULL);
    memcpy(blob, petrel_rtas, len);
    blob[RTAS_HEADER_OFFSET] ^= 1;
    CHECK(rtas_image_open(&img, blob, len) != NULL);
    memcpy(blob, petrel_rtas, len);
    rtas_put_be32(blob + len - 4, good->image_size); /* a relocation past the image */
    CHECK(rtas_image_open(&img, blob, len) != NULL);
    memcpy(blob, petrel_rtas, len);
    rtas_put_be32(blob + RTAS_HEADER_OFFSET + RTAS_HDR_REGION_SIZE, 16);
    CHECK(rtas_image_open(&img, blob, len) != NULL);
    /* Bases the image cannot go to. */
    CHECK_EQ(rtas_instantiate(good, (uintptr_t)ram, 0x1000004, &hw), 0);
    CHECK_EQ(rtas_instantiate(good, (uintptr_t)ram, RAM_SIZE - 0x1000, &hw), 0);
    /* The region must end in RAM: the CPU areas count. */
    CHECK_EQ(rtas_instantiate(good, (uintptr_t)ram,
                              RAM_SIZE - rtas_region_size(good, hw.max_cpus) + 0x1000, &hw),
             0);
    {
        struct hw_facts big = hw;
        big.ram_size = 8ull << 30;
        CHECK_EQ(rtas_instantiate(good, (uintptr_t)ram, 0xfffff000, &big), 0);
    }
    free(blob);
}

int main(void)
{
    test_memmap();
    test_tree();
    test_refusals();
    test_instances();
    test_methods();
    test_misc();
    test_trace();
    test_rtas_blob();
    return check_summary("cif");
}
