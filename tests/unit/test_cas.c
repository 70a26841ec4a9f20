/*
 * CAS (firmware/cas.c) on the host, end to end: the firmware's tree for a
 * machine (host hwdesc -> firmware reader -> devtree.c), Linux 6.1's
 * architecture vector (firmware/linux61_vector.c, checked here against
 * spec/cas.md §2 offset by offset) written into a fake guest RAM, and
 * cas_call with the host services recorded instead of called.  The RAM's
 * last page is followed by an inaccessible one, so a parser reading past
 * RAM crashes the test.
 *
 * Covered: the negotiated tree and host calls for dual, XICS-only and
 * XIVE-only machines, max-cpu-compat=power8, a POWER8 CPU, raw mode;
 * refusals -- every truncation of the vector, lengths past the end,
 * missing OV5, no PVR terminator, both-MMU and both-controller bits,
 * modes the machine does not offer, vectors outside RAM, a tree without
 * room, the host refusing either switch -- each leaving the tree and the
 * host as they were; trees with more free space than CAS's scratch buffer
 * (the client interface's live tree) accepted unless their contents do
 * not fit.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <libfdt.h>
#include <petrel/hwdesc.h>
#include <petrel/irq.h>
#include <petrel/layout.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "check.h"
#include "hcall/hcall.h"
#include "vmm/hwdesc.h"

/* The files under test, built for the host (style.md: skiboot-style). */
#include "../../firmware/cas.c"
#include "../../firmware/cpufacts.c"
#include "../../firmware/devtree.c"
#include "../../firmware/hwdesc.c"
#include "../../firmware/linux61_tree.c"
#include "../../firmware/linux61_vector.c"
#include "../../firmware/offer.c"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------ the platform, faked -- */

#define RAM_SIZE (512ull << 20)
static uint8_t *ram;

const void *guest_real(uint64_t addr)
{
    if (addr >= RAM_SIZE) {
        fprintf(stderr, "guest_real(0x%llx): outside RAM\n", (unsigned long long)addr);
        abort();
    }
    return ram + addr;
}

static struct {
    long ic_answer, compat_answer; /* what the host says */
    unsigned ic_calls, compat_calls;
    unsigned ic;                   /* mode in force */
    uint32_t compat;               /* level in force */
    uint32_t compats[8];           /* every compat asked for */
    unsigned hpt_calls, hpt_shift; /* PETREL_H_ALLOC_HPT */
} host;

static void host_reset(unsigned ic, uint32_t compat)
{
    memset(&host, 0, sizeof(host));
    host.ic = ic;
    host.compat = compat;
    /* A new machine: the firmware's notion of what is in force too. */
    in_force.known = false;
}

long platform_set_ic_mode(unsigned mode)
{
    host.ic_calls++;
    if (host.ic_answer == H_SUCCESS)
        host.ic = mode;
    return host.ic_answer;
}

/* -trace cas lines, as the host would print them. */
static char trace_line[PETREL_TRACE_MAX + 1];
static unsigned trace_count;

void platform_trace(unsigned event, const char *fmt, ...)
{
    va_list ap;

    CHECK_EQ(event, PETREL_TRACE_CAS);
    va_start(ap, fmt);
    vsnprintf(trace_line, sizeof(trace_line), fmt, ap);
    va_end(ap);
    trace_count++;
}

long platform_alloc_hpt(unsigned shift)
{
    host.hpt_calls++;
    host.hpt_shift = shift;
    return H_SUCCESS;
}

long platform_set_compat(uint32_t logical_pvr)
{
    if (host.compat_calls < ARRAY_LEN(host.compats))
        host.compats[host.compat_calls] = logical_pvr;
    host.compat_calls++;
    if (host.compat_answer == H_SUCCESS)
        host.compat = logical_pvr;
    return host.compat_answer;
}

/* ------------------------------------------------------------ machines -- */

struct machine {
    const char *name;
    unsigned cpus, threads;
    uint32_t pvr, max_compat;
    const char *ic_mode;
    const char *hypertas;
    size_t hypertas_len;
};

static char host_hypertas[512];
static size_t host_hypertas_len;

/* Host writer -> firmware reader, as at boot. */
static void describe(const struct machine *m, struct hw_facts *hw)
{
    static uint8_t desc[HWDESC_MAX_SIZE];
    struct hwdesc_facts f = {
        .ram_size = RAM_SIZE,
        .cpus = m->cpus ? m->cpus : 1,
        .max_cpus = m->cpus ? m->cpus : 1,
        .threads = m->threads ? m->threads : 1,
        .pvr = m->pvr ? m->pvr : PVR_POWER9,
        .max_compat_pvr = m->max_compat,
        .ic_mode = m->ic_mode ? m->ic_mode : "dual",
        .vterm = PAPR_VTERM_UNIT,
        .fw_size = 0x10000,
        .hypertas = m->hypertas ? m->hypertas : host_hypertas,
        .hypertas_len = m->hypertas ? m->hypertas_len : host_hypertas_len,
    };

    CHECK(hwdesc_build(desc, sizeof(desc), &f) > 0);
    CHECK_EQ(hwdesc_read(desc, hw), 0);
}

static const struct machine dual = {.name = "dual"};
static const struct machine xics_only = {.name = "xics", .ic_mode = "xics"};
static const struct machine xive_only = {.name = "xive", .ic_mode = "xive"};
static const struct machine smt4 = {.name = "dual-smp8-threads4", .cpus = 8, .threads = 4};
static const struct machine compat8 = {.name = "compat-power8", .max_compat = PVR_POWER8};
static const struct machine compat9 = {.name = "compat-power9", .max_compat = PVR_POWER9};
static const struct machine power8 = {.name = "power8", .cpus = 2, .pvr = PVR_POWER8};
static const char pft[] = "hcall-pft\0hcall-term\0hcall-splpar";
static const struct machine hash_too = {
    .name = "hash-offered", .hypertas = pft, .hypertas_len = sizeof(pft)};
/* A host without the hash MMU hcalls offers radix only. */
static const char no_pft[] = "hcall-term\0hcall-splpar";
static const struct machine radix_only = {
    .name = "radix-only", .hypertas = no_pft, .hypertas_len = sizeof(no_pft)};

/* The machine's pre-CAS tree, opened as the client interface serves it:
 * DEVTREE_LIVE_SIZE bytes, mostly free space. */
static uint8_t built[DEVTREE_MAX_SIZE], tree[DEVTREE_LIVE_SIZE], before[sizeof(tree)];
static struct hw_facts hw;

static uint32_t power_on_compat_of(const struct machine *m)
{
    return m->max_compat == PVR_POWER8   ? PVR_COMPAT_POWER8
           : m->max_compat == PVR_POWER9 ? PVR_COMPAT_POWER9
                                         : 0;
}

static void boot(const struct machine *m)
{
    int len;

    describe(m, &hw);
    len = devtree_build(built, sizeof(built), &hw, NULL);
    CHECK(len > 0);
    CHECK(len > 0 && (size_t)len < sizeof(tree));
    CHECK_EQ(fdt_open_into(built, tree, sizeof(tree)), 0);
    host_reset(m->ic_mode && !strcmp(m->ic_mode, "xive") ? PETREL_IC_XIVE : PETREL_IC_XICS,
               power_on_compat_of(m));
}

/* ------------------------------------------------------------- vectors -- */

#define VEC_ADDR 0x100000ull

static uint8_t vec[CAS_VECTOR_MAX + 64];

/* Linux 6.1's vector for the booted tree, as its prom_init sends it. */
static void linux_vec(void)
{
    memset(vec, 0, sizeof(vec));
    linux61_vector(vec, tree);
}

/* Runs CAS with vec[0, len) placed at addr. */
static int cas_at(uint64_t addr, size_t len)
{
    memcpy(ram + addr, vec, len);
    memcpy(before, tree, sizeof(tree));
    return cas_call(tree, &hw, addr);
}

static int cas(void)
{
    return cas_at(VEC_ADDR, LINUX61_VECTOR_SIZE);
}

/* Runs CAS with the vector ending exactly at the end of RAM. */
static int cas_at_ram_end(size_t len)
{
    return cas_at(RAM_SIZE - len, len);
}

/* A refusal leaves the tree byte for byte and the host as they were. */
static void check_refused(int rc, unsigned ic, uint32_t compat)
{
    CHECK(rc != 0);
    CHECK(!memcmp(before, tree, sizeof(tree)));
    CHECK_EQ(host.ic, ic);
    CHECK_EQ(host.compat, compat);
}

/* ------------------------------------------------------- tree helpers -- */

static uint32_t u32(const void *fdt, int node, const char *name)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    return p && len == 4 ? fdt32_ld(p) : 0xdeadbeef;
}

static int xics_node(void)
{
    return fdt_node_offset_by_compatible(tree, -1, "IBM,ppc-xicp");
}

static int xive_node(void)
{
    return fdt_node_offset_by_compatible(tree, -1, "ibm,power-ivpe");
}

static const uint8_t *vec5(int *len)
{
    return fdt_getprop(tree, fdt_path_offset(tree, "/chosen"), "ibm,architecture-vec-5", len);
}

/* Every cpu node says this version and these pa-features. */
static void check_cpus(uint32_t version, const struct arch_level *level, bool radix_bit)
{
    int cpus = fdt_path_offset(tree, "/cpus"), cpu, len, n = 0;

    fdt_for_each_subnode(cpu, tree, cpus)
    {
        const uint8_t *pa = fdt_getprop(tree, cpu, "ibm,pa-features", &len);

        n++;
        CHECK_EQ(u32(tree, cpu, "cpu-version"), version);
        CHECK(pa && len == (int)level->pa_features_len);
        if (!pa || len != (int)level->pa_features_len)
            continue;
        for (int i = 0; i < len; i++) {
            uint8_t want = level->pa_features[i];
            if (i == PA_FEATURES_RADIX_OFFSET && !radix_bit)
                want &= (uint8_t)~0x80;
            CHECK_EQ(pa[i], want);
        }
    }
    CHECK_EQ(n, hw.ncpus / hw.threads);
}

/*
 * The post-CAS tree: one controller node, XIVE or XICS, holding the
 * pre-CAS XICS phandle when both were there; root priorities with XIVE
 * only; ibm,architecture-vec-5 = want[0, want_len); a valid tree.
 */
static void check_negotiated(bool xive, uint32_t phandle, const uint8_t *want, int want_len)
{
    int len, node;
    const uint8_t *v = vec5(&len);

    CHECK_EQ(fdt_check_full(tree, fdt_totalsize(tree)), 0);
    node = xive ? xive_node() : xics_node();
    CHECK(node >= 0);
    CHECK((xive ? xics_node() : xive_node()) < 0);
    CHECK_EQ(fdt_get_phandle(tree, node), phandle);
    CHECK_EQ(fdt_getprop(tree, 0, "ibm,plat-res-int-priorities", NULL) != NULL, xive);
    CHECK(v && len == want_len && !memcmp(v, want, (size_t)want_len));
    CHECK_EQ(host.ic, xive ? PETREL_IC_XIVE : PETREL_IC_XICS);
}

/* ibm,architecture-vec-5 for XIVE/XICS x radix(+GTSE)/hash. */
static int ov5_prop(uint8_t *out, bool xive, bool radix)
{
    int n = radix ? 26 : xive ? 23 : 1;

    memset(out, 0, 27);
    out[0] = (uint8_t)(n - 1);
    if (xive)
        out[23] = 0x40;
    if (radix)
        out[24] = out[26] = 0x40;
    return n + 1;
}

/* ------------------------------------------------------------- tests -- */

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The shared vector against the tables of spec/cas.md §2, offset by offset. */
static void test_linux_vector_layout(void)
{
    /* §2.2, in order. */
    static const uint32_t pvrs[14][2] = {
        {0xfffe0000, 0x003a0000}, {0xffff0000, 0x003e0000}, {0xffff0000, 0x003f0000},
        {0xffff0000, 0x004b0000}, {0xffff0000, 0x004c0000}, {0xffff0000, 0x004d0000},
        {0xffff0000, 0x004e0000}, {0xffff0000, 0x00800000}, {0xffffffff, 0x0f000006},
        {0xffffffff, 0x0f000005}, {0xffffffff, 0x0f000004}, {0xffffffff, 0x0f000003},
        {0xffffffff, 0x0f000002}, {0xfffffffe, 0x0f000001},
    };
    /* §2.1: (offset, length byte) of OV1..OV7, the count byte before. */
    static const unsigned ovs[7][2] = {{113, 2},  {117, 32}, {151, 1},  {154, 1},
                                       {157, 25}, {184, 2},  {188, 255}};
    /* §2.3-§2.8: (vector, byte, value) for every byte the tables give. */
    static const unsigned bytes[][3] = {
        {1, 1, 0x00}, {1, 2, 0xff}, {1, 3, 0xc0},  {2, 1, 0x20},  {2, 2, 0},     {2, 3, 0},
        {2, 24, 0},   {2, 25, 0},   {2, 26, 0x02}, {2, 27, 0x00}, {2, 32, 0},    {2, 33, 48},
        {3, 1, 0},    {3, 2, 0xe0}, {4, 1, 0},     {4, 2, 0x01},  {5, 1, 0},     {5, 2, 0xf3},
        {5, 3, 0},    {5, 4, 0},    {5, 5, 0xe0},  {5, 6, 0x05},  {5, 7, 0},     {5, 8, 0},
        {5, 13, 0},   {5, 14, 0},   {5, 15, 0},    {5, 16, 0},    {5, 17, 0xe0}, {5, 18, 0},
        {5, 19, 0},   {5, 20, 0},   {5, 21, 0x01}, {5, 22, 0xc0}, {5, 23, 0},    {5, 24, 0},
        {5, 25, 0},   {5, 26, 0},   {6, 1, 0},     {6, 2, 0},     {6, 3, 0x02},
    };
    const uint8_t *v = linux61_vector_template;
    static struct cas_request req;

    CHECK_EQ(sizeof(vector), 445);
    for (unsigned i = 0; i < 14; i++) {
        CHECK_EQ(be32_at(v + 8 * i), pvrs[i][0]);
        CHECK_EQ(be32_at(v + 8 * i + 4), pvrs[i][1]);
        /* Only the last pair is a terminator. */
        CHECK_EQ((pvrs[i][1] & ~pvrs[i][0]) != 0, i == 13);
    }
    CHECK_EQ(v[112], 5);
    for (unsigned i = 0; i < 7; i++)
        CHECK_EQ(v[ovs[i][0]], ovs[i][1]);
    for (unsigned i = 0; i < ARRAY_LEN(bytes); i++) {
        unsigned at = ovs[bytes[i][0] - 1][0] + bytes[i][1];
        CHECK_EQ(v[at], bytes[i][2]);
    }
    /* OV2 bytes 4-23 and 28-31 are all-ones "don't care" words. */
    for (unsigned b = 4; b <= 31; b++)
        if (b < 24 || b > 27)
            CHECK_EQ(v[117 + b], 0xff);
    /* OV5 bytes 9-12: max_cores = NR_CPUS before prom_init adapts it. */
    CHECK_EQ(be32_at(v + 157 + 9), 2048);
    /* OV7: the kernel banner, NUL-padded to 256 bytes. */
    CHECK(!memcmp(v + 189, "Linux version 6.1.", 18));
    CHECK_EQ(v[444], 0);
    CHECK_EQ(strnlen((const char *)v + 189, 256) < 256, 1);

    /* The parser reads it as the tables say. */
    CHECK(cas_parse(v, LINUX61_VECTOR_SIZE, &req) == NULL);
    CHECK_EQ(req.npvrs, 13);
    CHECK_EQ(req.pvr_value[9], 0x0f000005);
    CHECK_EQ(req.ov1[3], 0xc0);
    CHECK_EQ(req.ov5_len, 26);
    CHECK_EQ(req.ov5[2], 0xf3);
    CHECK_EQ(req.ov5[22], 0xc0);
}

/* prom_init's steering by /chosen ibm,arch-vec-5-platform-support. */
static void test_linux_vector_steering(void)
{
    int chosen;

    boot(&dual);
    linux_vec();
    CHECK_EQ(vec[157 + 23], 0x40); /* "either" -> XIVE */
    CHECK_EQ(vec[157 + 24], 0x40); /* radix only -> radix */
    CHECK_EQ(vec[157 + 26], 0x40); /* GTSE allowed */
    CHECK_EQ(be32_at(vec + 157 + 9), 2048);
    CHECK(!memcmp(vec, linux61_vector_template, 157 + 9));

    boot(&xics_only);
    linux_vec();
    CHECK_EQ(vec[157 + 23], 0x00);
    CHECK_EQ(vec[157 + 24], 0x40);

    boot(&compat8);
    linux_vec();
    CHECK_EQ(vec[157 + 23], 0x00);
    CHECK_EQ(vec[157 + 24], 0x00); /* hash */
    CHECK_EQ(vec[157 + 26], 0x00); /* GTSE only with radix */

    boot(&hash_too);
    linux_vec();
    CHECK_EQ(vec[157 + 24], 0x40); /* "either": radix preferred */

    /* 4 threads per core: NR_CPUS / 4 cores. */
    boot(&smt4);
    linux_vec();
    CHECK_EQ(be32_at(vec + 157 + 9), 512);

    /* No property: a legacy hypervisor, hash and XICS. */
    boot(&dual);
    chosen = fdt_path_offset(tree, "/chosen");
    CHECK_EQ(fdt_delprop(tree, chosen, "ibm,arch-vec-5-platform-support"), 0);
    linux_vec();
    CHECK_EQ(vec[157 + 23], 0x00);
    CHECK_EQ(vec[157 + 24], 0x00);
    CHECK_EQ(vec[157 + 26], 0x00);
}

/* The steering without a tree, as the Open Firmware test client uses it. */
static void test_linux_vector_build(void)
{
    /* A fifth pair is beyond what prom_init reads. */
    static const uint8_t support[] = {23, 0x40, 25, 0x00, 24, 0x00, 21, 0x00, 24, 0x40};
    static const uint8_t radix_no_gtse[] = {24, 0x80, 26, 0x00};

    linux61_vector_build(vec, support, sizeof(support), 2);
    CHECK_EQ(vec[157 + 23], 0x40);
    CHECK_EQ(vec[157 + 24], 0x00);
    CHECK_EQ(be32_at(vec + 157 + 9), 1024);
    linux61_vector_build(vec, radix_no_gtse, sizeof(radix_no_gtse), 3);
    CHECK_EQ(vec[157 + 24], 0x40);
    CHECK_EQ(vec[157 + 26], 0x00);
    CHECK_EQ(be32_at(vec + 157 + 9), 683); /* 2048 / 3, rounded up */
    /* Odd length: the last half pair is not read. */
    linux61_vector_build(vec, support, 1, 1);
    CHECK_EQ(vec[157 + 23], 0x00);
    /* Absent; thread counts prom_init does not believe count as 1. */
    linux61_vector_build(vec, NULL, 8, 0);
    CHECK(!memcmp(vec, linux61_vector_template, LINUX61_VECTOR_SIZE));
    linux61_vector_build(vec, support, -1, 65);
    CHECK(!memcmp(vec, linux61_vector_template, LINUX61_VECTOR_SIZE));
    linux61_vector_build(vec, support, sizeof(support), 64);
    CHECK_EQ(be32_at(vec + 157 + 9), 32);
}

/* Linux 6.1 on each machine: what it gets. */
static void test_linux_on_machines(void)
{
    uint8_t want[27];
    int n;
    uint32_t xics_ph;

    /* Dual: XIVE and radix with GTSE; the XIVE node takes XICS's phandle. */
    boot(&dual);
    xics_ph = fdt_get_phandle(tree, xics_node());
    CHECK(fdt_get_phandle(tree, xive_node()) != xics_ph);
    linux_vec();
    CHECK_EQ(cas(), 0);
    n = ov5_prop(want, true, true);
    CHECK_EQ(n, 27);
    check_negotiated(true, xics_ph, want, n);
    check_cpus(PVR_COMPAT_POWER9, LEVEL_300, true);
    CHECK_EQ(host.compat, PVR_COMPAT_POWER9);
    CHECK_EQ(host.compat_calls, 1);
    CHECK_EQ(host.ic_calls, 1);
    /* Everything outside /chosen, the controllers and the cpus is as built. */
    CHECK_EQ(devtree_node_count(tree), devtree_node_count(built) - 1);
    /* The same request again: nothing to change, accepted. */
    CHECK_EQ(cas(), 0);
    check_negotiated(true, xics_ph, want, n);
    /* A second CAS cannot bring back the dropped controller. */
    vec[157 + 23] = 0;
    check_refused(cas(), PETREL_IC_XIVE, PVR_COMPAT_POWER9);

    /* Dual, a client asking XICS (xive=off): XICS stays, phandle too. */
    boot(&dual);
    linux_vec();
    vec[157 + 23] = 0;
    CHECK_EQ(cas(), 0);
    n = ov5_prop(want, false, true);
    check_negotiated(false, xics_ph, want, n);
    CHECK_EQ(host.ic, PETREL_IC_XICS);

    /* XICS only. */
    boot(&xics_only);
    xics_ph = fdt_get_phandle(tree, xics_node());
    CHECK(xive_node() < 0);
    linux_vec();
    CHECK_EQ(cas(), 0);
    n = ov5_prop(want, false, true);
    check_negotiated(false, xics_ph, want, n);
    check_cpus(PVR_COMPAT_POWER9, LEVEL_300, true);

    /* XIVE only: its node keeps its phandle. */
    boot(&xive_only);
    CHECK(xics_node() < 0);
    xics_ph = fdt_get_phandle(tree, xive_node());
    linux_vec();
    CHECK_EQ(cas(), 0);
    n = ov5_prop(want, true, true);
    check_negotiated(true, xics_ph, want, n);

    /* max-cpu-compat=power8 on a POWER9: ISA 2.07, hash, XICS. */
    boot(&compat8);
    xics_ph = fdt_get_phandle(tree, xics_node());
    linux_vec();
    CHECK_EQ(cas(), 0);
    n = ov5_prop(want, false, false);
    CHECK_EQ(n, 2); /* 00 00 */
    check_negotiated(false, xics_ph, want, n);
    check_cpus(PVR_COMPAT_POWER8, LEVEL_207, true);
    CHECK_EQ(host.compat, PVR_COMPAT_POWER8);

    /* max-cpu-compat=power9: the logical PVR, as at power-on. */
    boot(&compat9);
    linux_vec();
    CHECK_EQ(cas(), 0);
    check_cpus(PVR_COMPAT_POWER9, LEVEL_300, true);

    /* A POWER8 CPU: its own level as a logical PVR, hash, XICS. */
    boot(&power8);
    check_cpus(PVR_POWER8, LEVEL_207, true);
    linux_vec();
    CHECK_EQ(cas(), 0);
    check_cpus(PVR_COMPAT_POWER8, LEVEL_207, true);
    CHECK_EQ(host.compat, PVR_COMPAT_POWER8);
    CHECK_EQ(host.ic, PETREL_IC_XICS);

    /* Radix without GTSE: byte 26 is still there, 0 (Linux reads it
     * unchecked). */
    boot(&dual);
    linux_vec();
    vec[157 + 26] = 0x00;
    CHECK_EQ(cas(), 0);
    n = ov5_prop(want, true, true);
    want[26] = 0;
    CHECK_EQ(n, 27);
    check_negotiated(
        true, fdt_get_phandle(before, fdt_node_offset_by_compatible(before, -1, "IBM,ppc-xicp")),
        want, n);

    /* Hash offered too (hcall-pft served): a hash client is accepted. */
    boot(&hash_too);
    linux_vec();
    vec[157 + 24] = 0x00;
    vec[157 + 26] = 0x00;
    CHECK_EQ(cas(), 0);
    n = ov5_prop(want, true, false);
    CHECK_EQ(n, 24);
    check_negotiated(
        true, fdt_get_phandle(before, fdt_node_offset_by_compatible(before, -1, "IBM,ppc-xicp")),
        want, n);
}

/* PVR negotiation corner cases (cas.md §2.2). */
static void put_pvrs(const uint32_t (*pairs)[2], unsigned n)
{
    /* Keep the option vectors of Linux's vector behind the new list. */
    static uint8_t tail[LINUX61_VECTOR_SIZE];
    unsigned tail_len = LINUX61_VECTOR_SIZE - 112;

    memcpy(tail, vec + 112, tail_len);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = vec + 8 * i;
        for (int b = 0; b < 4; b++) {
            p[b] = (uint8_t)(pairs[i][0] >> (24 - 8 * b));
            p[4 + b] = (uint8_t)(pairs[i][1] >> (24 - 8 * b));
        }
    }
    memcpy(vec + 8 * n, tail, tail_len);
}

static void test_pvr_negotiation(void)
{
    static const uint32_t raw_only[][2] = {{0xffff0000, 0x004e0000}, {0xfffffffe, 0x0f000001}};
    static const uint32_t p10_only[][2] = {{0xffffffff, 0x0f000006}, {0xfffffffe, 0x0f000001}};
    static const uint32_t p8_only[][2] = {{0xffffffff, 0x0f000004}, {0xfffffffe, 0x0f000001}};
    static const uint32_t unknown[][2] = {
        {0xffffffff, 0x0f00000f}, {0xffff0000, 0x003f0000}, {0xfffffffe, 0x0f000001}};
    uint8_t want[27];
    int n;

    /* Only the raw POWER9 PVR: raw mode, the real PVR in cpu-version. */
    boot(&dual);
    linux_vec();
    put_pvrs(raw_only, 2);
    CHECK_EQ(cas(), 0);
    check_cpus(PVR_POWER9, LEVEL_300, true);
    CHECK_EQ(host.compats[0], 0);
    CHECK_EQ(host.compat_calls, 1);
    /* ... not allowed once max-cpu-compat is set. */
    boot(&compat9);
    linux_vec();
    put_pvrs(raw_only, 2);
    check_refused(cas(), PETREL_IC_XICS, PVR_COMPAT_POWER9);
    CHECK_EQ(host.compat_calls, 0);

    /* Only levels this CPU cannot run. */
    boot(&dual);
    linux_vec();
    put_pvrs(p10_only, 2);
    check_refused(cas(), PETREL_IC_XICS, 0);
    put_pvrs(unknown, 3);
    check_refused(cas(), PETREL_IC_XICS, 0);

    /* A client knowing ISA 2.07 at most, on a POWER9: compat POWER8; XIVE
     * and radix then are not on offer. */
    boot(&dual);
    linux_vec();
    put_pvrs(p8_only, 2);
    check_refused(cas(), PETREL_IC_XICS, 0); /* it still asks radix */
    vec[8 * 2 + 45 + 23] = 0x00;             /* OV5 byte 23 after the shorter list */
    vec[8 * 2 + 45 + 24] = 0x00;
    vec[8 * 2 + 45 + 26] = 0x00;
    CHECK_EQ(cas(), 0);
    check_cpus(PVR_COMPAT_POWER8, LEVEL_207, true);
    n = ov5_prop(want, false, false);
    check_negotiated(
        false, fdt_get_phandle(before, fdt_node_offset_by_compatible(before, -1, "IBM,ppc-xicp")),
        want, n);
    CHECK_EQ(host.compat, PVR_COMPAT_POWER8);

    /* Any pair with value bits outside its mask ends the list. */
    {
        static const uint32_t other_end[][2] = {{0xffff0000, 0x004e0000}, {0x00000000, 0x00000001}};
        boot(&dual);
        linux_vec();
        put_pvrs(other_end, 2);
        CHECK_EQ(cas(), 0);
        check_cpus(PVR_POWER9, LEVEL_300, true);
    }

    /* The newest allowed level wins whatever the order. */
    {
        static const uint32_t shuffled[][2] = {{0xffffffff, 0x0f000004},
                                               {0xffffffff, 0x0f000005},
                                               {0xffffffff, 0x0f000003},
                                               {0xfffffffe, 0x0f000001}};
        boot(&dual);
        linux_vec();
        put_pvrs(shuffled, 4);
        CHECK_EQ(cas(), 0);
        check_cpus(PVR_COMPAT_POWER9, LEVEL_300, true);
    }
}

/* Every truncation of Linux's vector, ending at the end of RAM. */
static void test_truncated(void)
{
    unsigned refused = 0;

    for (size_t len = 0; len <= LINUX61_VECTOR_SIZE; len++) {
        int rc;

        boot(&dual);
        linux_vec();
        rc = cas_at_ram_end(len);
        /* Everything up to the end of OV5 is needed; OV6 and OV7 are not
         * read. */
        if (len < LINUX61_OV6_OFFSET) {
            check_refused(rc, PETREL_IC_XICS, 0);
            CHECK_EQ(host.ic_calls + host.compat_calls, 0);
            refused++;
        } else {
            CHECK_EQ(rc, 0);
        }
    }
    CHECK_EQ(refused, LINUX61_OV6_OFFSET);
}

/* Length bytes that point past the end, missing vectors. */
static void test_bad_lengths(void)
{
    static const unsigned ov_offsets[] = {LINUX61_OV1_OFFSET, LINUX61_OV2_OFFSET,
                                          LINUX61_OV3_OFFSET, LINUX61_OV4_OFFSET,
                                          LINUX61_OV5_OFFSET};

    /* Each of OV1..OV5 claiming 256 bytes, the vector ending with RAM
     * right after OV5. */
    for (unsigned i = 0; i < ARRAY_LEN(ov_offsets); i++) {
        boot(&dual);
        linux_vec();
        vec[ov_offsets[i]] = 255;
        check_refused(cas_at_ram_end(LINUX61_OV6_OFFSET), PETREL_IC_XICS, 0);
    }
    /* A count byte promising 256 vectors: only OV1..OV5 are walked. */
    boot(&dual);
    linux_vec();
    vec[LINUX61_VEC_COUNT_OFFSET] = 255;
    CHECK_EQ(cas_at_ram_end(LINUX61_OV6_OFFSET), 0);

    /* Missing OV5: four vectors declared. */
    boot(&dual);
    linux_vec();
    vec[LINUX61_VEC_COUNT_OFFSET] = 3;
    check_refused(cas(), PETREL_IC_XICS, 0);
    /* One vector only (OV1): still no OV5. */
    vec[LINUX61_VEC_COUNT_OFFSET] = 0;
    check_refused(cas(), PETREL_IC_XICS, 0);
    /* Also where OV5's zeroes (hash, XICS) would be acceptable. */
    boot(&compat8);
    linux_vec();
    vec[LINUX61_VEC_COUNT_OFFSET] = 3;
    check_refused(cas(), PETREL_IC_XICS, PVR_COMPAT_POWER8);
    vec[LINUX61_VEC_COUNT_OFFSET] = 4;
    CHECK_EQ(cas(), 0);

    /* A short OV5 (2 bytes): bytes 23/24 read as 0 -- hash and XICS, which
     * a machine without hcall-pft does not offer (radix only). */
    boot(&radix_only);
    linux_vec();
    vec[LINUX61_OV5_OFFSET] = 1;
    check_refused(cas(), PETREL_IC_XICS, 0);

    /* No PVR terminator before the end of RAM. */
    boot(&dual);
    memset(vec, 0, sizeof(vec));
    for (unsigned i = 0; i < 64; i++) {
        vec[8 * i] = 0xff, vec[8 * i + 1] = 0xff;     /* mask 0xffff0000 */
        vec[8 * i + 4] = 0x00, vec[8 * i + 5] = 0x4e; /* POWER9 */
    }
    check_refused(cas_at_ram_end(64 * 8), PETREL_IC_XICS, 0);
    check_refused(cas_at_ram_end(64 * 8 - 3), PETREL_IC_XICS, 0);
    /* ... nor within 512 pairs. */
    memset(vec, 0, sizeof(vec));
    for (unsigned i = 0; i < CAS_MAX_PVRS + 1; i++)
        vec[8 * i] = 0xff, vec[8 * i + 1] = 0xff, vec[8 * i + 5] = 0x4e;
    vec[8 * (CAS_MAX_PVRS + 1)] = 0x00; /* a terminator after 513 pairs */
    vec[8 * (CAS_MAX_PVRS + 1) + 7] = 0x01;
    check_refused(cas_at(VEC_ADDR, sizeof(vec)), PETREL_IC_XICS, 0);

    /* Vectors outside RAM are not read at all. */
    boot(&dual);
    linux_vec();
    memcpy(before, tree, sizeof(tree));
    check_refused(cas_call(tree, &hw, RAM_SIZE), PETREL_IC_XICS, 0);
    check_refused(cas_call(tree, &hw, ~0ull), PETREL_IC_XICS, 0);
    check_refused(cas_call(tree, &hw, ~0ull - 100), PETREL_IC_XICS, 0);
    /* The last byte of RAM: a vector of one byte. */
    check_refused(cas_at_ram_end(1), PETREL_IC_XICS, 0);
}

/* Requests a client may not make, or this machine does not offer. */
static void test_bad_requests(void)
{
    static const struct {
        const struct machine *m;
        unsigned byte;
        uint8_t value;
        unsigned ic; /* the machine's power-on mode */
    } bad[] = {
        {&dual, 24, 0xc0, PETREL_IC_XICS},       /* both MMU bits */
        {&dual, 24, 0x80, PETREL_IC_XICS},       /* "either" MMU */
        {&hash_too, 24, 0xc0, PETREL_IC_XICS},   /* even where both are offered */
        {&dual, 23, 0x80, PETREL_IC_XICS},       /* byte 23 bit 0x80 */
        {&dual, 23, 0xc0, PETREL_IC_XICS},       /* both controller bits */
        {&xics_only, 23, 0x40, PETREL_IC_XICS},  /* XIVE on ic-mode=xics */
        {&xive_only, 23, 0x00, PETREL_IC_XIVE},  /* XICS on ic-mode=xive */
        {&radix_only, 24, 0x00, PETREL_IC_XICS}, /* hash: not offered without hcall-pft */
        {&compat8, 24, 0x40, PETREL_IC_XICS},    /* radix below ISA 3.00 */
        {&compat8, 23, 0x40, PETREL_IC_XICS},    /* XIVE below ISA 3.00 */
        {&power8, 24, 0x40, PETREL_IC_XICS},
    };

    for (unsigned i = 0; i < ARRAY_LEN(bad); i++) {
        int before_failures = check_failures;

        boot(bad[i].m);
        linux_vec();
        vec[157 + bad[i].byte] = bad[i].value;
        check_refused(cas(), bad[i].ic, power_on_compat_of(bad[i].m));
        CHECK_EQ(host.ic_calls + host.compat_calls, 0);
        if (check_failures != before_failures)
            fprintf(stderr, "  ^ in bad request %u\n", i);
    }

    /* Radix from a client that does not claim ISA 3.00 in OV1. */
    boot(&dual);
    linux_vec();
    vec[LINUX61_OV1_OFFSET + 3] = 0x40;
    check_refused(cas(), PETREL_IC_XICS, 0);
    /* The same client asking hash where hash is offered: accepted, radix
     * hidden from its pa-features, an HPT of 1/128 of RAM allocated. */
    boot(&hash_too);
    linux_vec();
    vec[LINUX61_OV1_OFFSET + 3] = 0x00;
    vec[157 + 24] = vec[157 + 26] = 0x00;
    CHECK_EQ(cas(), 0);
    CHECK_EQ(host.hpt_calls, 1);
    CHECK_EQ(host.hpt_shift, petrel_hpt_shift_for_ram(RAM_SIZE));
    check_cpus(PVR_COMPAT_POWER9, LEVEL_300, false);
    /* A radix client gets none. */
    boot(&hash_too);
    linux_vec();
    CHECK_EQ(cas(), 0);
    CHECK_EQ(host.hpt_calls, 0);
}

/* The host says no: the tree as it was, the compat level restored. */
static void test_host_refusal(void)
{
    boot(&dual);
    linux_vec();
    host.ic_answer = H_BUSY;
    check_refused(cas(), PETREL_IC_XICS, 0);
    CHECK_EQ(host.compat_calls, 2);
    CHECK_EQ(host.compats[0], PVR_COMPAT_POWER9);
    CHECK_EQ(host.compats[1], 0);
    CHECK_EQ(host.ic_calls, 1);
    /* Later the host agrees. */
    host.ic_answer = H_SUCCESS;
    CHECK_EQ(cas(), 0);
    CHECK(xics_node() < 0 && xive_node() >= 0);

    /* max-cpu-compat=power8: restored to that, not to raw. */
    boot(&compat8);
    linux_vec();
    host.ic_answer = H_PARAMETER;
    check_refused(cas(), PETREL_IC_XICS, PVR_COMPAT_POWER8);
    CHECK_EQ(host.compats[1], PVR_COMPAT_POWER8);

    /* The compat level refused: no controller switch asked. */
    boot(&dual);
    linux_vec();
    host.compat_answer = H_PARAMETER;
    check_refused(cas(), PETREL_IC_XICS, 0);
    CHECK_EQ(host.ic_calls, 0);

    /* A tree without room for the result (no node dropped to make room):
     * refused before the host is asked. */
    boot(&xics_only);
    linux_vec();
    CHECK_EQ(fdt_pack(tree), 0);
    memcpy(before, tree, sizeof(tree));
    check_refused(cas(), PETREL_IC_XICS, 0);
    CHECK_EQ(host.ic_calls + host.compat_calls, 0);
}

/*
 * Trees with more free space than CAS's scratch buffer, as the client
 * interface's live tree (main.c): only the used bytes count.  One whose
 * contents do not fit is refused, unchanged.
 */
static void test_roomy_trees(void)
{
    static uint8_t big[CAS_SCRATCH_SIZE + 0x20000], big_before[sizeof(big)];
    static uint8_t filler[CAS_SCRATCH_SIZE];
    int len;

    boot(&dual);
    linux_vec();
    memcpy(ram + VEC_ADDR, vec, LINUX61_VECTOR_SIZE);
    CHECK_EQ(fdt_open_into(tree, big, sizeof(big)), 0);
    CHECK_EQ(cas_call(big, &hw, VEC_ADDR), 0);
    CHECK_EQ(fdt_totalsize(big), sizeof(big));
    CHECK(fdt_getprop(big, fdt_path_offset(big, "/chosen"), "ibm,architecture-vec-5", &len));
    CHECK_EQ(len, 27);
    CHECK(fdt_node_offset_by_compatible(big, -1, "IBM,ppc-xicp") < 0);
    CHECK(fdt_node_offset_by_compatible(big, -1, "ibm,power-ivpe") >= 0);
    CHECK_EQ(host.ic, PETREL_IC_XIVE);

    boot(&dual);
    CHECK_EQ(fdt_open_into(tree, big, sizeof(big)), 0);
    CHECK_EQ(fdt_setprop(big, fdt_path_offset(big, "/chosen"), "filler", filler, sizeof(filler)),
             0);
    memcpy(big_before, big, sizeof(big));
    CHECK(cas_call(big, &hw, VEC_ADDR) != 0);
    CHECK(!memcmp(big, big_before, sizeof(big)));
    CHECK_EQ(host.ic_calls + host.compat_calls, 0);
}

/* The pure steps on their own: decide without a tree, update a tree. */
static void test_pure_steps(void)
{
    static struct cas_request req;
    struct cas_result res;

    boot(&dual);
    linux_vec();
    CHECK(cas_parse(vec, LINUX61_VECTOR_SIZE, &req) == NULL);
    CHECK(cas_decide(&req, &hw, &res) == NULL);
    CHECK(res.xive && res.radix && res.gtse && !res.hide_radix);
    CHECK_EQ(res.compat_pvr, PVR_COMPAT_POWER9);
    CHECK_EQ(res.ov5_prop_len, 27);
    /* A tree with no controller node of the chosen kind. */
    CHECK_EQ(fdt_del_node(tree, xive_node()), 0);
    CHECK_EQ(cas_update_tree(tree, &res), -FDT_ERR_NOTFOUND);
    /* Facts naming no known CPU. */
    hw.pvr = 0x003f0201;
    CHECK(cas_decide(&req, &hw, &res) != NULL);
}

/* -trace cas: one line for the result or the refusal, only when on. */
static void test_trace(void)
{
    boot(&dual);
    linux_vec();
    trace_count = 0;
    CHECK_EQ(cas(), 0);
    CHECK_EQ(trace_count, 0);
    boot(&dual);
    linux_vec();
    hw.trace_mask = 1u << PETREL_TRACE_CAS;
    CHECK_EQ(cas(), 0);
    CHECK_EQ(trace_count, 1);
    CHECK(strstr(trace_line, ": XIVE, radix with GTSE, compat 0x0f000005, cpu-version 0x0f000005, "
                             "OV5 27 bytes") != NULL);
    vec[157 + 23] = 0; /* XICS: the XIVE node is the one left */
    check_refused(cas(), PETREL_IC_XIVE, PVR_COMPAT_POWER9);
    CHECK_EQ(trace_count, 2);
    CHECK(strncmp(trace_line, "refused: ", 9) == 0);
    hw.trace_mask = 0;
}

int main(void)
{
    ram = mmap(NULL, RAM_SIZE + 4096, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED || mprotect(ram + RAM_SIZE, 4096, PROT_NONE))
        return 2;
    host_hypertas_len = hcall_hypertas_list(host_hypertas, sizeof(host_hypertas));
    CHECK(host_hypertas_len > 0);
    test_linux_vector_layout();
    test_linux_vector_steering();
    test_linux_vector_build();
    test_linux_on_machines();
    test_pvr_negotiation();
    test_truncated();
    test_bad_lengths();
    test_bad_requests();
    test_host_refusal();
    test_roomy_trees();
    test_pure_steps();
    test_trace();
    return check_summary("cas");
}
