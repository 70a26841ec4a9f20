/*
 * The firmware's device-tree builder (firmware/devtree.c), run on the host
 * the way the guest runs it: the host writes a hardware description
 * (vmm/hwdesc.c, with the real hcall table's groups), the firmware reads it
 * (firmware/hwdesc.c) and builds the OS tree.  Every tree is checked for
 * the properties spec/device-tree.md §13 requires of the nodes built so
 * far, with the exact bytes of §4.1-§4.3, unique phandles, the §4.4
 * boot-CPU rules and fdt_check_full; too small buffers must fail without a
 * byte written outside them.
 *
 * usage: test-devtree [--write-dtb DIR]   (DIR gets the golden machines'
 *        trees as <name>.dtb; tests/unit/golden_trees.py compares them)
 */
#include <stdbool.h>
#include <stdlib.h>

#include <libfdt.h>
#include <petrel/hwdesc.h>
#include <petrel/layout.h>
#include <petrel/papr.h>

#include "check.h"
#include "hcall/hcall.h"
#include "vmm/hwdesc.h"

/* The files under test, built for the host (style.md: skiboot-style). */
#include "../../firmware/cpufacts.c"
#include "../../firmware/devtree.c"
#include "../../firmware/hwdesc.c"
#include "../../firmware/offer.c"

/* ------------------------------------------------- the spec, verbatim -- */

/* spec/device-tree.md §4.1, header then data, as printed there. */
static const char spec_pa_features_p9[] =
    "42 00 | f6 1f c7 c0 80 f0 | 80 00 00 00 00 00 | 00 00 00 00 80 00 | 80 00 80 00 00 00 | "
    "80 00 80 00 80 00 | 80 00 80 00 c0 00 | 80 00 80 00 80 00 | 80 00 80 00 80 00 | 80 00 80 "
    "00 80 00 | 80 00 80 00 80 00 | 80 00 80 00 00 00";
static const char spec_pa_features_p8[] =
    "18 00 | f6 1f c7 c0 80 f0 80 00 00 00 00 00 00 00 00 00 80 00 80 00 80 00 00 00";

/* §4.3 and the table of §4 (POWER9). */
static const uint32_t spec_radix_ap[] = {0x0000000c, 0xa0000010, 0x20000015, 0x4000001e};

/* §4.2: base shift, slb_enc, count, then (shift, penc) pairs. */
static const uint32_t spec_segment_page_sizes[] = {
    12,  0x000, 3,   12, 0x0,   16, 0x7, 24,  0x38, 16,    0x110, 2,  16,
    0x1, 24,    0x8, 24, 0x100, 1,  24,  0x0, 34,   0x120, 1,     34, 0x3,
};
static const uint32_t spec_segment_sizes[] = {28, 40, 0xffffffff, 0xffffffff};

static size_t hex_bytes(const char *s, uint8_t *out)
{
    size_t n = 0;

    while (*s) {
        if (*s == ' ' || *s == '|') {
            s++;
            continue;
        }
        out[n++] = (uint8_t)strtoul(s, (char **)&s, 16);
    }
    return n;
}

/* ------------------------------------------------------------ machines -- */

struct machine {
    const char *name;
    uint64_t ram;
    unsigned cpus, threads, max_cpus;
    uint32_t pvr, max_compat;
    const char *ic_mode;
    bool boot; /* kernel, initrd and bootargs given */
    const char *hypertas;
    size_t hypertas_len;
    const char *partition; /* -name */
};

static char host_hypertas[512];
static size_t host_hypertas_len;

/* Host writer -> firmware reader, as at boot (vmm/machine.c load_images). */
static void describe(const struct machine *m, struct hw_facts *hw)
{
    static uint8_t desc[HWDESC_MAX_SIZE];
    struct hwdesc_facts f = {
        .ram_size = m->ram ? m->ram : 512ull << 20,
        .cpus = m->cpus ? m->cpus : 1,
        .max_cpus = m->max_cpus ? m->max_cpus
                    : m->cpus   ? m->cpus
                                : 1,
        .threads = m->threads ? m->threads : 1,
        .pvr = m->pvr ? m->pvr : PVR_POWER9,
        .max_compat_pvr = m->max_compat,
        .ic_mode = m->ic_mode ? m->ic_mode : "dual",
        .vterm = PAPR_VTERM_UNIT,
        .fw_base = 0,
        .fw_size = 0x10000,
        .hypertas = m->hypertas ? m->hypertas : host_hypertas,
        .hypertas_len = m->hypertas ? m->hypertas_len : host_hypertas_len,
        .partition_name = m->partition,
    };

    if (m->boot) {
        f.kernel_base = BOOT_BLOB_ADDR;
        f.kernel_size = 0x1234567;
        f.initrd_base = 0x5240000;
        f.initrd_size = 0x264200;
        f.bootargs = "console=hvc0 root=/dev/vda";
    }
    CHECK(hwdesc_build(desc, sizeof(desc), &f) > 0);
    CHECK_EQ(hwdesc_read(desc, hw), 0);
}

/* ------------------------------------------------------------- helpers -- */

static const void *getprop(const void *fdt, int node, const char *name, int *len)
{
    int l = -1;
    const void *p = fdt_getprop(fdt, node, name, &l);

    if (len)
        *len = p ? l : -1;
    return p;
}

static uint32_t u32(const void *fdt, int node, const char *name)
{
    int len;
    const fdt32_t *p = getprop(fdt, node, name, &len);
    return p && len == 4 ? fdt32_ld(p) : 0xdeadbeef;
}

static const char *str(const void *fdt, int node, const char *name)
{
    int len;
    const char *p = getprop(fdt, node, name, &len);
    return p && len > 0 && p[len - 1] == '\0' ? p : NULL;
}

static bool cells_eq(const void *fdt, int node, const char *name, const uint32_t *want, unsigned n)
{
    int len;
    const fdt32_t *p = getprop(fdt, node, name, &len);

    if (!p || len != (int)(n * 4))
        return false;
    for (unsigned i = 0; i < n; i++)
        if (fdt32_ld(&p[i]) != want[i])
            return false;
    return true;
}

static bool bytes_eq(const void *fdt, int node, const char *name, const uint8_t *want, size_t n)
{
    int len;
    const void *p = getprop(fdt, node, name, &len);
    return p && len == (int)n && !memcmp(p, want, n);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ----------------------------------------------------- generic checks -- */

static bool is_isa300(const struct hw_facts *hw)
{
    return (hw->pvr >> 16) == (PVR_POWER9 >> 16) &&
           (!hw->max_compat_pvr || (hw->max_compat_pvr >> 16) == (PVR_POWER9 >> 16));
}

static void check_root(const void *fdt, const struct hw_facts *hw)
{
    CHECK_STREQ(str(fdt, 0, "device_type"), "chrp");
    CHECK_EQ(u32(fdt, 0, "#address-cells"), 2);
    CHECK_EQ(u32(fdt, 0, "#size-cells"), 2);
    CHECK_STREQ(str(fdt, 0, "compatible"), "petrel,pseries");
    CHECK(str(fdt, 0, "model") && strstr(str(fdt, 0, "model"), "petrel"));
    /* §2: none of the strings that make Linux pick another platform. */
    CHECK(fdt_node_check_compatible(fdt, 0, "qemu,pseries") != 0);
    CHECK_STREQ(str(fdt, 0, "ibm,partition-name"),
                hw->partition_name ? hw->partition_name : "petrel");
}

static void check_chosen(const void *fdt, const struct hw_facts *hw)
{
    int chosen = fdt_path_offset(fdt, "/chosen"), vty, len;
    const char *path;
    const fdt64_t *p;
    uint8_t want[8] = {23, 0, 24, 0, 25, 0, 26, 0x40};

    CHECK(chosen >= 0);
    CHECK_STREQ(str(fdt, chosen, "bootargs"), hw->bootargs ? hw->bootargs : "");
    path = str(fdt, chosen, "linux,stdout-path");
    CHECK_STREQ(path, "/vdevice/vty@71000000");
    CHECK_STREQ(str(fdt, chosen, "stdout-path"), path);
    vty = path ? fdt_path_offset(fdt, path) : -1;
    CHECK(vty >= 0);
    CHECK_STREQ(str(fdt, vty, "compatible"), "hvterm1");
    CHECK_EQ(u32(fdt, vty, "reg"), hw->vterm);
    if (hw->initrd_size) {
        p = getprop(fdt, chosen, "linux,initrd-start", &len);
        CHECK(p && len == 8 && fdt64_ld(p) == hw->initrd_base);
        p = getprop(fdt, chosen, "linux,initrd-end", &len);
        CHECK(p && len == 8 && fdt64_ld(p) == hw->initrd_base + hw->initrd_size);
    } else {
        CHECK(!getprop(fdt, chosen, "linux,initrd-start", NULL));
        CHECK(!getprop(fdt, chosen, "linux,initrd-end", NULL));
    }
    /* cas.md §3: legacy-only below ISA 3.00. */
    if (is_isa300(hw)) {
        want[1] = hw->ic_mode == HW_IC_DUAL ? 0x80 : hw->ic_mode == HW_IC_XIVE ? 0x40 : 0x00;
        want[3] = stringlist_has(hw->hypertas, hw->hypertas_len, "hcall-pft") ? 0x80 : 0x40;
    }
    CHECK(bytes_eq(fdt, chosen, "ibm,arch-vec-5-platform-support", want, 8));
    /* Written by CAS and the CIF, not at power-on. */
    CHECK(!getprop(fdt, chosen, "ibm,architecture-vec-5", NULL));
}

static void check_cpus(const void *fdt, const struct hw_facts *hw)
{
    uint8_t pa[128];
    size_t pa_len;
    int cpus = fdt_path_offset(fdt, "/cpus"), cpu, len, ncores = 0, nthreads = -1;
    int64_t last_reg = -1;
    bool boot_listed = false, p9 = (hw->pvr >> 16) == (PVR_POWER9 >> 16);
    bool seen[HWDESC_MAX_CPUS] = {false};
    uint32_t version = hw->pvr;

    if (hw->max_compat_pvr)
        version = is_isa300(hw) ? 0x0f000005 : 0x0f000004;
    pa_len = hex_bytes(is_isa300(hw) ? spec_pa_features_p9 : spec_pa_features_p8, pa);
    CHECK_EQ(pa_len, is_isa300(hw) ? 2 + 66 : 2 + 24);

    CHECK(cpus >= 0);
    CHECK_EQ(u32(fdt, cpus, "#address-cells"), 1);
    CHECK_EQ(u32(fdt, cpus, "#size-cells"), 0);
    fdt_for_each_subnode(cpu, fdt, cpus)
    {
        const fdt32_t *servers = getprop(fdt, cpu, "ibm,ppc-interrupt-server#s", &len);
        uint32_t reg = u32(fdt, cpu, "reg");
        char name[64];

        ncores++;
        CHECK_STREQ(str(fdt, cpu, "device_type"), "cpu");
        snprintf(name, sizeof(name), "PowerPC,POWER%d@%x", p9 ? 9 : 8, reg);
        CHECK_STREQ(fdt_get_name(fdt, cpu, NULL), name);
        CHECK((int64_t)reg > last_reg); /* ascending (§4) */
        last_reg = reg;
        /* §4.4: every node lists threads-per-core servers, thread 0 = reg. */
        CHECK(servers && len > 0 && len % 4 == 0);
        if (!servers || len <= 0)
            continue;
        if (nthreads < 0)
            nthreads = len / 4;
        CHECK_EQ(len / 4, nthreads);
        CHECK_EQ(fdt32_ld(&servers[0]), reg);
        for (int t = 0; t < len / 4; t++) {
            uint32_t id = fdt32_ld(&servers[t]);
            CHECK(id < HWDESC_MAX_CPUS && !seen[id]);
            if (id < HWDESC_MAX_CPUS)
                seen[id] = true;
            if (id == fdt_boot_cpuid_phys(fdt))
                boot_listed = true;
        }
        {
            const fdt32_t *g = getprop(fdt, cpu, "ibm,ppc-interrupt-gserver#s", &len);
            /* (server, global server 0) per thread (§4). */
            CHECK(g && len == 8 * (int)hw->threads);
            for (int t = 0; g && t < len / 8; t++) {
                CHECK_EQ(fdt32_ld(&g[2 * t]), fdt32_ld(&servers[t]));
                CHECK_EQ(fdt32_ld(&g[2 * t + 1]), 0);
            }
        }
        CHECK_EQ(u32(fdt, cpu, "cpu-version"), version);
        CHECK_STREQ(str(fdt, cpu, "status"), "okay");
        CHECK_EQ(u32(fdt, cpu, "timebase-frequency"), PETREL_TB_FREQ);
        CHECK(u32(fdt, cpu, "clock-frequency") != 0xdeadbeef);
        CHECK_EQ(u32(fdt, cpu, "d-cache-block-size"), 128);
        CHECK_EQ(u32(fdt, cpu, "d-cache-line-size"), 128);
        CHECK_EQ(u32(fdt, cpu, "i-cache-block-size"), 128);
        CHECK_EQ(u32(fdt, cpu, "i-cache-line-size"), 128);
        CHECK_EQ(u32(fdt, cpu, "d-cache-size"), 0x8000);
        CHECK_EQ(u32(fdt, cpu, "i-cache-size"), 0x8000);
        CHECK_EQ(u32(fdt, cpu, "slb-size"), 32);
        CHECK_EQ(u32(fdt, cpu, "ibm,slb-size"), 32);
        CHECK(bytes_eq(fdt, cpu, "ibm,pa-features", pa, pa_len));
        CHECK_EQ(u32(fdt, cpu, "ibm,vmx"), 2);
        CHECK_EQ(u32(fdt, cpu, "ibm,dfp"), 0);
        CHECK(cells_eq(fdt, cpu, "ibm,segment-page-sizes", spec_segment_page_sizes,
                       ARRAY_LEN(spec_segment_page_sizes)));
        CHECK(cells_eq(fdt, cpu, "ibm,processor-segment-sizes", spec_segment_sizes,
                       ARRAY_LEN(spec_segment_sizes)));
        if (p9) {
            CHECK(cells_eq(fdt, cpu, "ibm,processor-radix-AP-encodings", spec_radix_ap,
                           ARRAY_LEN(spec_radix_ap)));
            CHECK_EQ(u32(fdt, cpu, "ibm,dec-bits"), 56);
            CHECK_EQ(u32(fdt, cpu, "ibm,mmu-pid-bits"), 20);
        } else {
            CHECK(!getprop(fdt, cpu, "ibm,processor-radix-AP-encodings", NULL));
            CHECK(!getprop(fdt, cpu, "ibm,dec-bits", NULL));
            CHECK(!getprop(fdt, cpu, "ibm,mmu-pid-bits", NULL));
        }
    }
    CHECK_EQ(nthreads, hw->threads);
    CHECK_EQ(ncores, hw->ncpus / hw->threads);
    CHECK(boot_listed);
    CHECK_EQ(fdt_boot_cpuid_phys(fdt), hw->cpu[0].id);
    for (unsigned i = 0; i < hw->ncpus; i++)
        CHECK(seen[hw->cpu[i].id]);
}

static uint64_t biggest_block(uint64_t base, uint64_t left)
{
    uint64_t size = 1;

    while (size * 2 <= left && !(base & (size * 2 - 1)))
        size *= 2;
    return size;
}

static void check_memory(const void *fdt, const struct hw_facts *hw)
{
    static const uint32_t assoc[] = {4, 0, 0, 0, 0};
    uint64_t covered = 0;
    int node, len, n = 0;

    /* Blocks in address order, contiguous, memory@0 the RMA (§5.1). */
    fdt_for_each_subnode(node, fdt, 0)
    {
        const char *name = fdt_get_name(fdt, node, NULL);
        const fdt64_t *reg;
        uint64_t base, size;
        char want[64];

        if (strncmp(name, "memory@", 7))
            continue;
        CHECK_STREQ(str(fdt, node, "device_type"), "memory");
        reg = getprop(fdt, node, "reg", &len);
        CHECK(reg && len == 16);
        if (!reg || len != 16)
            continue;
        base = fdt64_ld(&reg[0]);
        size = fdt64_ld(&reg[1]);
        snprintf(want, sizeof(want), "memory@%" PRIx64, base);
        CHECK_STREQ(name, want);
        CHECK_EQ(base, covered);
        if (n == 0)
            CHECK_EQ(size, hw->ram_size < (1ull << 40) ? hw->ram_size : 1ull << 40);
        else /* the largest naturally aligned power of two that is left */
            CHECK_EQ(size, biggest_block(base, hw->ram_size - base));
        CHECK(cells_eq(fdt, node, "ibm,associativity", assoc, 5));
        covered += size;
        n++;
    }
    CHECK_EQ(covered, hw->ram_size);
}

static bool table_has(const struct devtree_rtas *rtas, const char *name)
{
    for (unsigned i = 0; rtas && i < rtas->ncalls; i++)
        if (!strcmp(rtas->calls[i].name, name))
            return true;
    return false;
}

static void check_rtas(const void *fdt, const struct hw_facts *hw, const struct devtree_rtas *rtas)
{
    int node = fdt_path_offset(fdt, "/rtas"), off, nprops = 0, want = 2;
    bool image = rtas && rtas->size;

    CHECK(node >= 0);
    /* Verbatim from the host's hcall table. */
    CHECK(bytes_eq(fdt, node, "ibm,hypertas-functions", (const uint8_t *)hw->hypertas,
                   (size_t)hw->hypertas_len));
    if (image) {
        /* §6.1: the image's size and version, a token per call. */
        CHECK_EQ(u32(fdt, node, "rtas-size"), rtas->size);
        CHECK_EQ(u32(fdt, node, "rtas-version"), rtas->version);
        CHECK_EQ(u32(fdt, node, "rtas-error-log-max"), 2048);
        want += 3 + rtas->ncalls;
        for (unsigned i = 0; i < rtas->ncalls; i++)
            CHECK_EQ(u32(fdt, node, rtas->calls[i].name), rtas->calls[i].token);
        /* The promises about particular calls go with those calls only. */
        CHECK_EQ(u32(fdt, node, "rtas-event-scan-rate"),
                 table_has(rtas, "event-scan") ? 1 : 0xdeadbeef);
        CHECK_EQ(getprop(fdt, node, "ibm,change-msix-capable", NULL) != NULL,
                 table_has(rtas, "ibm,change-msi"));
        CHECK_EQ(getprop(fdt, node, "ibm,extended-os-term", NULL) != NULL,
                 table_has(rtas, "ibm,os-term"));
        want += table_has(rtas, "event-scan") + table_has(rtas, "ibm,change-msi") +
                table_has(rtas, "ibm,os-term");
        /* ibm,errinjct's types: name, NUL, token cell, for each. */
        if (table_has(rtas, "ibm,errinjct") && rtas->nerrinjct) {
            uint8_t types[256];
            size_t len = 0;
            for (unsigned i = 0; i < rtas->nerrinjct; i++) {
                size_t n = strlen(rtas->errinjct[i].name) + 1;
                memcpy(types + len, rtas->errinjct[i].name, n);
                len += n;
                for (int k = 3; k >= 0; k--)
                    types[len++] = (uint8_t)(rtas->errinjct[i].token >> (8 * k));
            }
            CHECK(bytes_eq(fdt, node, "ibm,errinjct-tokens", types, len));
            want++;
        } else {
            CHECK(!getprop(fdt, node, "ibm,errinjct-tokens", NULL));
        }
    }
    /* Nothing else without an RTAS image: no stub rtas-size. */
    fdt_for_each_property_offset(off, fdt, node) nprops++;
    CHECK_EQ(nprops, want);
}

static void check_vdevice(const void *fdt)
{
    int node = fdt_path_offset(fdt, "/vdevice"), len = -1;

    CHECK(node >= 0);
    CHECK_STREQ(str(fdt, node, "device_type"), "vdevice");
    CHECK_STREQ(str(fdt, node, "compatible"), "IBM,vdevice");
    CHECK_EQ(u32(fdt, node, "#address-cells"), 1);
    CHECK_EQ(u32(fdt, node, "#size-cells"), 0);
    CHECK_EQ(u32(fdt, node, "#interrupt-cells"), 2);
    CHECK(getprop(fdt, node, "interrupt-controller", &len) && len == 0);
    node = fdt_path_offset(fdt, "/vdevice/vty@71000000");
    CHECK_STREQ(str(fdt, node, "device_type"), "serial");
    /* The console's alias resolves to it (libfdt follows /aliases). */
    CHECK_STREQ(str(fdt, fdt_path_offset(fdt, "/aliases"), "hvterm"), "/vdevice/vty@71000000");
    CHECK_EQ(fdt_path_offset(fdt, "hvterm"), node);
}

/*
 * §8, §9 with the contract's numbers (include/petrel/irq.h): one node per
 * controller the machine offers before CAS, root priorities with XIVE.
 */
static void check_interrupt_controllers(const void *fdt, const struct hw_facts *hw)
{
    static const uint32_t prios[] = {7, 0xf8}, eq_sizes[] = {12, 16};
    const uint32_t servers[] = {0, hw->max_cpus};
    bool isa300 = is_isa300(hw);
    bool want_xics = !isa300 || hw->ic_mode != HW_IC_XIVE;
    bool want_xive = isa300 && hw->ic_mode != HW_IC_XICS;
    int xics = fdt_node_offset_by_compatible(fdt, -1, "IBM,ppc-xicp");
    int xive = fdt_node_offset_by_compatible(fdt, -1, "ibm,power-ivpe");
    const fdt64_t *reg;
    int len = -1;

    CHECK_EQ(xics >= 0, want_xics);
    CHECK_EQ(xive >= 0, want_xive);
    CHECK(fdt_node_offset_by_compatible(fdt, xics, "IBM,ppc-xicp") < 0);
    CHECK(fdt_node_offset_by_compatible(fdt, xive, "ibm,power-ivpe") < 0);
    if (xics >= 0) {
        CHECK_STREQ(fdt_get_name(fdt, xics, NULL), "interrupt-controller");
        CHECK_EQ(fdt_parent_offset(fdt, xics), 0);
        CHECK_STREQ(str(fdt, xics, "device_type"), "PowerPC-External-Interrupt-Presentation");
        CHECK(getprop(fdt, xics, "interrupt-controller", &len) && len == 0);
        CHECK_EQ(u32(fdt, xics, "#interrupt-cells"), 2);
        CHECK_EQ(u32(fdt, xics, "#address-cells"), 0);
        CHECK(cells_eq(fdt, xics, "ibm,interrupt-server-ranges", servers, 2));
        CHECK(!getprop(fdt, xics, "reg", NULL));
    }
    if (xive >= 0) {
        CHECK_STREQ(fdt_get_name(fdt, xive, NULL), "interrupt-controller@600040030000");
        CHECK_EQ(fdt_parent_offset(fdt, xive), 0);
        CHECK_STREQ(str(fdt, xive, "device_type"), "power-ivpe");
        reg = getprop(fdt, xive, "reg", &len);
        CHECK(reg && len == 32);
        if (reg && len == 32) {
            /* User page, then the OS page Linux maps; 64 KiB each. */
            CHECK_EQ(fdt64_ld(&reg[0]), 0x600040030000ull);
            CHECK_EQ(fdt64_ld(&reg[1]), 0x10000);
            CHECK_EQ(fdt64_ld(&reg[2]), 0x600040020000ull);
            CHECK_EQ(fdt64_ld(&reg[3]), 0x10000);
        }
        CHECK(cells_eq(fdt, xive, "ibm,xive-eq-sizes", eq_sizes, 2));
        CHECK(cells_eq(fdt, xive, "ibm,xive-lisn-ranges", servers, 2));
        CHECK(getprop(fdt, xive, "interrupt-controller", &len) && len == 0);
        CHECK_EQ(u32(fdt, xive, "#interrupt-cells"), 2);
        CHECK_EQ(u32(fdt, xive, "#address-cells"), 0);
    }
    CHECK_EQ(cells_eq(fdt, 0, "ibm,plat-res-int-priorities", prios, 2), want_xive);
    CHECK_EQ(getprop(fdt, 0, "ibm,plat-res-int-priorities", NULL) != NULL, want_xive);
    /* Both: XICS, in force from power-on, holds the lower phandle. */
    if (xics >= 0 && xive >= 0)
        CHECK(fdt_get_phandle(fdt, xics) < fdt_get_phandle(fdt, xive));
}

/* No property name twice in a node (fdt_check_full does not look). */
static void check_unique_props(const void *fdt, int node)
{
    int a, b;

    fdt_for_each_property_offset(a, fdt, node)
    {
        const char *na;
        fdt_getprop_by_offset(fdt, a, &na, NULL);
        fdt_for_each_property_offset(b, fdt, node)
        {
            const char *nb;
            fdt_getprop_by_offset(fdt, b, &nb, NULL);
            CHECK(a == b || strcmp(na, nb) != 0);
        }
    }
}

/* Every node has a phandle, all different; nothing of the later issues. */
static void check_all_nodes(const void *fdt)
{
    static uint32_t handles[4096];
    int node, n = 0, epow = 0, vty = 0, len;

    for (node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        uint32_t ph = fdt_get_phandle(fdt, node);
        const char *name = fdt_get_name(fdt, node, NULL);

        check_unique_props(fdt, node);

        CHECK(ph != 0 && ph != 0xffffffff);
        for (int i = 0; i < n; i++)
            CHECK(handles[i] != ph);
        if (n < (int)ARRAY_LEN(handles))
            handles[n++] = ph;
        /* Interrupt specifiers only where a source is raised: the EPOW
         * event source (§11), the vty's input (§7.1); controllers only
         * where §7-§9, §11 put them. */
        if (!strcmp(name, "epow-events")) {
            const fdt32_t *irq = getprop(fdt, node, "interrupts", &len);
            CHECK(irq && len == 8 && fdt32_to_cpu(irq[0]) == PETREL_IRQ_EPOW &&
                  fdt32_to_cpu(irq[1]) == 0);
            epow++;
        } else if (!strncmp(name, "vty@", 4)) {
            const fdt32_t *irq = getprop(fdt, node, "interrupts", &len);
            CHECK(irq && len == 8 && fdt32_to_cpu(irq[0]) == PETREL_IRQ_VIO_BASE &&
                  fdt32_to_cpu(irq[1]) == 0);
            vty++;
        } else {
            CHECK(!getprop(fdt, node, "interrupts", NULL));
        }
        CHECK(!getprop(fdt, node, "interrupt-parent", NULL));
        CHECK(!getprop(fdt, node, "interrupt-controller", NULL) ||
              !strncmp(name, "interrupt-controller", 20) || !strcmp(name, "vdevice") ||
              !strcmp(name, "event-sources"));
        CHECK(strncmp(name, "pci@", 4));
    }
    CHECK_EQ(epow, 1);
    CHECK_EQ(vty, 1);
    CHECK_EQ(n, devtree_node_count(fdt));
}

/* Builds the machine's tree into buf and runs every check on it. */
static int build_checked(const struct machine *m, void *buf, size_t size,
                         const struct devtree_rtas *rtas)
{
    static struct hw_facts hw;
    int len;

    describe(m, &hw);
    len = devtree_build(buf, size, &hw, rtas);
    CHECK(len > 0);
    if (len <= 0) {
        fprintf(stderr, "  machine %s: %s\n", m->name, fdt_strerror(len));
        return len;
    }
    CHECK_EQ(fdt_check_full(buf, (size_t)len), 0);
    CHECK_EQ(fdt_totalsize(buf), len);
    check_root(buf, &hw);
    check_chosen(buf, &hw);
    check_cpus(buf, &hw);
    check_memory(buf, &hw);
    check_interrupt_controllers(buf, &hw);
    check_rtas(buf, &hw, rtas);
    check_vdevice(buf);
    check_all_nodes(buf);
    return len;
}

/* --------------------------------------------------------------- tests -- */

static uint8_t tree[DEVTREE_MAX_SIZE];

/* Unset fields: 512 MiB, 1 vCPU, 1 thread per core, POWER9, dual, host hcalls. */
static const struct machine machine_default = {.name = "default"};
static const struct machine machine_power8 = {.name = "power8", .pvr = PVR_POWER8};
static const struct machine machine_compat_power8 = {.name = "power9-compat-power8",
                                                     .max_compat = PVR_POWER8};
static const struct machine machine_xics = {.name = "xics", .ic_mode = "xics"};
static const struct machine machine_xive = {.name = "xive", .ic_mode = "xive"};

static void test_machines(void)
{
    static const char pft[] = "hcall-pft\0hcall-term\0hcall-splpar";
    const struct machine machines[] = {
        machine_default,
        machine_power8,
        {.name = "smp4", .cpus = 4},
        {.name = "smp8-threads4", .ram = 1ull << 30, .cpus = 8, .threads = 4, .max_cpus = 16},
        {.name = "power8-smp2-1G", .ram = 1ull << 30, .cpus = 2, .pvr = PVR_POWER8},
        {.name = "power8-threads8", .cpus = 16, .threads = 8, .pvr = PVR_POWER8},
        {.name = "boot", .boot = true},
        machine_xics,
        machine_xive,
        {.name = "xive-smp2", .cpus = 2, .ic_mode = "xive"},
        {.name = "compat-power8", .cpus = 4, .threads = 2, .max_compat = PVR_POWER8},
        machine_compat_power8,
        {.name = "compat-power9", .max_compat = PVR_POWER9},
        {.name = "compat-power8-xics", .max_compat = PVR_POWER8, .ic_mode = "xics"},
        {.name = "hash-offered", .hypertas = pft, .hypertas_len = sizeof(pft)},
        {.name = "ram-1T+256M", .ram = (1ull << 40) + (256ull << 20)},
        {.name = "ram-4T", .ram = 4ull << 40},
        {.name = "ram-3T+768M", .ram = (3ull << 40) + (768ull << 20)},
        {.name = "named", .partition = "guest-7"},
        {.name = "dual-smp4-max8", .cpus = 4, .max_cpus = 8},
        {.name = "xive-threads2", .cpus = 4, .threads = 2, .ic_mode = "xive"},
        {.name = "power8-xics", .pvr = PVR_POWER8, .ic_mode = "xics"},
    };

    for (unsigned i = 0; i < ARRAY_LEN(machines); i++) {
        int before = check_failures;
        build_checked(&machines[i], tree, sizeof(tree), NULL);
        if (check_failures != before)
            fprintf(stderr, "  ^ in machine %s\n", machines[i].name);
    }
}

/* Spot checks of exact values the generic checks derive. */
static void test_values(void)
{
    static struct hw_facts hw;
    const struct machine boot = {.name = "boot", .boot = true};
    const struct machine big = {.name = "ram-3T+768M", .ram = (3ull << 40) + (768ull << 20)};
    const struct machine smt = {.name = "smp8-threads4", .cpus = 8, .threads = 4};
    static const uint32_t servers[] = {4, 5, 6, 7};
    /* The host serves hcall-pft: both MMUs offered. */
    static const uint8_t dual[] = {23, 0x80, 24, 0x80, 25, 0, 26, 0x40};
    int node;

    describe(&boot, &hw);
    CHECK(devtree_build(tree, sizeof(tree), &hw, NULL) > 0);
    node = fdt_path_offset(tree, "/chosen");
    CHECK_STREQ(str(tree, node, "bootargs"), "console=hvc0 root=/dev/vda");
    CHECK(bytes_eq(tree, node, "linux,initrd-start", (const uint8_t *)"\0\0\0\0\x05\x24\0\0", 8));
    CHECK(bytes_eq(tree, node, "linux,initrd-end", (const uint8_t *)"\0\0\0\0\x05\x4a\x42\0", 8));
    CHECK(bytes_eq(tree, node, "ibm,arch-vec-5-platform-support", dual, 8));
    CHECK(fdt_path_offset(tree, "/cpus/PowerPC,POWER9@0") >= 0);

    describe(&big, &hw);
    CHECK(devtree_build(tree, sizeof(tree), &hw, NULL) > 0);
    CHECK(fdt_path_offset(tree, "/memory@0") >= 0);
    CHECK(fdt_path_offset(tree, "/memory@10000000000") >= 0);
    CHECK(fdt_path_offset(tree, "/memory@20000000000") >= 0);
    CHECK(fdt_path_offset(tree, "/memory@30000000000") >= 0);
    CHECK(fdt_path_offset(tree, "/memory@30020000000") >= 0);
    /* root, chosen, cpus + 1 cpu, 5 memory, 2 controllers, rtas, vdevice + vty,
     * event-sources + epow-events, aliases */
    CHECK_EQ(devtree_node_count(tree), 17);

    describe(&smt, &hw);
    CHECK(devtree_build(tree, sizeof(tree), &hw, NULL) > 0);
    node = fdt_path_offset(tree, "/cpus/PowerPC,POWER9@4");
    CHECK(cells_eq(tree, node, "ibm,ppc-interrupt-server#s", servers, 4));
    CHECK(fdt_path_offset(tree, "/cpus/PowerPC,POWER9@1") < 0);
}

/* An RTAS image is published as given: a token per call, its size and
 * version, and each call-specific flag only with its call. */
static void test_rtas_table(void)
{
    static const struct devtree_rtas_call calls[] = {{"get-time-of-day", 0x2001},
                                                     {"power-off", 0x2003}};
    static const struct devtree_rtas_call more[] = {{"event-scan", 0x200f},
                                                    {"ibm,change-msi", 0x2019},
                                                    {"ibm,os-term", 0x201f},
                                                    {"power-off", 0x2003}};
    static const struct devtree_rtas_call inject[] = {
        {"ibm,open-errinjct", 0x2031}, {"ibm,errinjct", 0x2032}, {"ibm,close-errinjct", 0x2033}};
    static const struct devtree_rtas_call types[] = {{"ioa-bus-error", 7},
                                                     {"ioa-bus-error-64", 15}};
    const struct devtree_rtas rtas = {calls, 2, 0x82c, 1, types, 2};
    const struct devtree_rtas rtas_more = {more, 4, 0x1000, 2, NULL, 0};
    const struct devtree_rtas no_image = {calls, 2, 0, 0, NULL, 0};
    const struct devtree_rtas with_inject = {inject, 3, 0x1000, 1, types, 2};
    int node, len;
    const uint8_t *p;

    build_checked(&machine_default, tree, sizeof(tree), &rtas);
    build_checked(&machine_default, tree, sizeof(tree), &rtas_more);
    node = fdt_path_offset(tree, "/rtas");
    CHECK_EQ(u32(tree, node, "ibm,os-term"), 0x201f);
    CHECK_EQ(u32(tree, node, "rtas-event-scan-rate"), 1);
    /* Error types only with ibm,errinjct (above: types, no call). */
    build_checked(&machine_default, tree, sizeof(tree), &with_inject);
    node = fdt_path_offset(tree, "/rtas");
    p = getprop(tree, node, "ibm,errinjct-tokens", &len);
    CHECK(p && len == 14 + 4 + 17 + 4);
    if (p && len == 39) {
        CHECK(!memcmp(p, "ioa-bus-error\0\0\0\0\x07ioa-bus-error-64\0\0\0\0\x0f", 39));
    }
    /* Tokens without an image would be calls nobody serves. */
    build_checked(&machine_default, tree, sizeof(tree), &no_image);
    CHECK(!getprop(tree, fdt_path_offset(tree, "/rtas"), "power-off", NULL));
}

/* Facts no tree can be built from: -FDT_ERR_BADVALUE, buffer untouched. */
static void test_bad_facts(void)
{
    static struct hw_facts hw, bad;
    const struct machine smt = {.name = "smp4-threads2", .cpus = 4, .threads = 2};

    describe(&smt, &hw);
    CHECK(devtree_check_facts(&hw) == NULL);
#define BAD(field, value)                                                                          \
    do {                                                                                           \
        bad = hw;                                                                                  \
        bad.field = value;                                                                         \
        memset(tree, 0x5a, 64);                                                                    \
        CHECK(devtree_check_facts(&bad) != NULL);                                                  \
        CHECK_EQ(devtree_build(tree, sizeof(tree), &bad, NULL), -FDT_ERR_BADVALUE);                \
        CHECK_EQ(tree[0], 0x5a);                                                                   \
    } while (0)
    BAD(ncpus, 3);    /* half a core */
    BAD(threads, 3);  /* not a power of two */
    BAD(threads, 16); /* more than a POWER9 core has */
    BAD(ncpus, 0);
    BAD(pvr, 0x003f0201); /* POWER7: no facts */
    BAD(max_compat_pvr, 0x0f000003);
    BAD(tb_freq, 0);
    BAD(ram_base, 0x1000); /* no memory@0 */
    BAD(ram_size, 0);
#undef BAD
    /* XIVE needs ISA 3.00: not on POWER8, nor held to POWER8. */
    bad = hw;
    bad.pvr = PVR_POWER8;
    bad.ic_mode = HW_IC_XIVE;
    CHECK(devtree_check_facts(&bad) != NULL);
    CHECK_EQ(devtree_build(tree, sizeof(tree), &bad, NULL), -FDT_ERR_BADVALUE);
    bad = hw;
    bad.max_compat_pvr = PVR_POWER8;
    bad.ic_mode = HW_IC_XIVE;
    CHECK(devtree_check_facts(&bad) != NULL);
}

/* Every too-small buffer fails with NOSPACE and no byte written past it. */
static void test_small_buffers(void)
{
    static uint8_t buf[DEVTREE_MAX_SIZE + 64];
    static struct hw_facts hw;
    int full;
    const struct machine boot = {.name = "boot-smp4", .cpus = 4, .threads = 2, .boot = true};

    describe(&boot, &hw);
    full = devtree_build(tree, sizeof(tree), &hw, NULL);
    CHECK(full > 0);
    for (int size = 0; size < full; size++) {
        bool clean = true;

        memset(buf, 0xa5, (size_t)full + 64);
        CHECK_EQ(devtree_build(buf, (size_t)size, &hw, NULL), -FDT_ERR_NOSPACE);
        for (int i = size; i < full + 64; i++)
            clean = clean && buf[i] == 0xa5;
        CHECK(clean);
    }
    CHECK_EQ(devtree_build(buf, (size_t)full, &hw, NULL), full);
    CHECK(!memcmp(buf, tree, (size_t)full));
}

/* The biggest machine the host can describe fits DEVTREE_MAX_SIZE. */
static void test_largest(void)
{
    const struct machine most = {
        .name = "256-cores", .ram = 4ull << 40, .cpus = HWDESC_MAX_CPUS, .boot = true};
    int len = build_checked(&most, tree, sizeof(tree), NULL);

    printf("largest tree (%d cores): %d of %d bytes\n", HWDESC_MAX_CPUS, len, DEVTREE_MAX_SIZE);
}

static void test_helpers(void)
{
    char name[NAME_MAX_LEN];

    CHECK_STREQ(unit_name(name, sizeof(name), "memory", 0), "memory@0");
    CHECK_STREQ(unit_name(name, sizeof(name), "vty", 0x71000000), "vty@71000000");
    CHECK_STREQ(unit_name(name, sizeof(name), "m", ~0ull), "m@ffffffffffffffff");
    CHECK_STREQ(unit_name(name, 10, "memory", 0x1000), "");
    CHECK(stringlist_has("a\0hcall-pft", 12, "hcall-pft"));
    CHECK(!stringlist_has("a\0hcall-pftx", 13, "hcall-pft"));
    CHECK(!stringlist_has("hcall-pf", 9, "hcall-pft"));
    CHECK(!stringlist_has(NULL, 0, "hcall-pft"));
}

/* The firmware's reader: every fact the builder uses, and malformed
 * descriptions refused rather than walked off. */
static void test_reader(void)
{
    static uint8_t desc[HWDESC_MAX_SIZE], bad[HWDESC_MAX_SIZE];
    static struct hw_facts hw;
    static const char tas[] = "hcall-term\0hcall-splpar";
    struct hwdesc_facts f = {
        .ram_size = 1ull << 30,
        .cpus = 4,
        .max_cpus = 8,
        .threads = 2,
        .pvr = PVR_POWER9,
        .max_compat_pvr = PVR_POWER8,
        .ic_mode = "xics",
        .boot_protocol = "fdt",
        .vterm = 0x71000005,
        .hypertas = tas,
        .hypertas_len = sizeof(tas),
    };
    int node;

    CHECK(hwdesc_build(desc, sizeof(desc), &f) > 0);
    CHECK_EQ(hwdesc_read(desc, &hw), 0);
    CHECK_EQ(hw.ram_size, 1ull << 30);
    CHECK_EQ(hw.ncpus, 4);
    CHECK_EQ(hw.max_cpus, 8);
    CHECK_EQ(hw.threads, 2);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(hw.cpu[i].id, i);
        CHECK_EQ(hw.cpu[i].pvr, PVR_POWER9);
    }
    CHECK_EQ(hw.pvr, PVR_POWER9);
    CHECK_EQ(hw.tb_freq, PETREL_TB_FREQ);
    CHECK_EQ(hw.ic_mode, HW_IC_XICS);
    CHECK_EQ(hw.boot_protocol, HW_BOOT_FDT);
    CHECK_EQ(hw.max_compat_pvr, PVR_POWER8);
    CHECK_EQ(hw.vterm, 0x71000005);
    CHECK(hw.hypertas && hw.hypertas_len == sizeof(tas) && !memcmp(hw.hypertas, tas, sizeof(tas)));
    CHECK(hw.bootargs == NULL && hw.kernel_size == 0 && hw.initrd_size == 0);
    CHECK(hw.partition_name == NULL && !hw.dump_tree);

    /* Each edit makes the description unusable. */
#define REFUSED(edit)                                                                              \
    do {                                                                                           \
        CHECK_EQ(fdt_open_into(desc, bad, sizeof(bad)), 0);                                        \
        edit;                                                                                      \
        CHECK(hwdesc_read(bad, &hw) != 0);                                                         \
    } while (0)
    REFUSED(fdt_setprop_string(bad, fdt_path_offset(bad, HWDESC_NODE_MACHINE), HWDESC_PROP_IC_MODE,
                               "both"));
    REFUSED(fdt_delprop(bad, fdt_path_offset(bad, HWDESC_NODE_MACHINE), HWDESC_PROP_IC_MODE));
    REFUSED(fdt_setprop(bad, fdt_path_offset(bad, HWDESC_NODE_MACHINE), HWDESC_PROP_HYPERTAS,
                        "hcall-term", 10));
    REFUSED(fdt_setprop_u64(bad, fdt_path_offset(bad, HWDESC_NODE_MACHINE), HWDESC_PROP_MAX_COMPAT,
                            PVR_POWER8));
    REFUSED(fdt_delprop(bad, fdt_path_offset(bad, HWDESC_NODE_CPUS), HWDESC_PROP_MAX_CPUS));
    REFUSED(fdt_delprop(bad, fdt_path_offset(bad, HWDESC_NODE_CPUS), HWDESC_PROP_THREADS));
    REFUSED(fdt_setprop_u32(bad, fdt_path_offset(bad, HWDESC_NODE_CPUS), HWDESC_PROP_MAX_CPUS, 3));
    REFUSED(fdt_setprop_u32(bad, fdt_path_offset(bad, "/cpus/cpu@2"), HWDESC_PROP_PVR, PVR_POWER8));
    REFUSED(fdt_setprop_u32(bad, fdt_path_offset(bad, "/cpus/cpu@3"), HWDESC_PROP_TB_FREQ, 1));
    REFUSED(fdt_delprop(bad, fdt_path_offset(bad, "/cpus/cpu@1"), "reg"));
    REFUSED(fdt_setprop_string(bad, fdt_path_offset(bad, HWDESC_NODE_MACHINE),
                               HWDESC_PROP_BOOT_PROTOCOL, "ieee1275"));
    REFUSED(fdt_setprop(bad, fdt_path_offset(bad, HWDESC_NODE_MACHINE), HWDESC_PROP_BOOT_PROTOCOL,
                        "of", 2));
    REFUSED(fdt_setprop(bad, fdt_path_offset(bad, HWDESC_NODE_MACHINE), HWDESC_PROP_PARTITION, "vm",
                        2));
#undef REFUSED
    /* Each protocol name reads back. */
    CHECK_EQ(fdt_open_into(desc, bad, sizeof(bad)), 0);
    node = fdt_path_offset(bad, HWDESC_NODE_MACHINE);
    CHECK_EQ(fdt_setprop_string(bad, node, HWDESC_PROP_BOOT_PROTOCOL, "of"), 0);
    CHECK_EQ(hwdesc_read(bad, &hw), 0);
    CHECK_EQ(hw.boot_protocol, HW_BOOT_OF);
    CHECK_EQ(fdt_setprop_string(bad, node, HWDESC_PROP_BOOT_PROTOCOL, "auto"), 0);
    CHECK_EQ(hwdesc_read(bad, &hw), 0);
    CHECK_EQ(hw.boot_protocol, HW_BOOT_AUTO);
    /* -name and dumpdtb= arrive. */
    f.partition_name = "db-1";
    f.dump_tree = true;
    CHECK(hwdesc_build(desc, sizeof(desc), &f) > 0);
    CHECK_EQ(hwdesc_read(desc, &hw), 0);
    CHECK_STREQ(hw.partition_name, "db-1");
    CHECK(hw.dump_tree);
    f.partition_name = NULL;
    f.dump_tree = false;
    /* Optional: no compat limit, no hypertas groups. */
    CHECK_EQ(fdt_open_into(desc, bad, sizeof(bad)), 0);
    node = fdt_path_offset(bad, HWDESC_NODE_MACHINE);
    CHECK_EQ(fdt_delprop(bad, node, HWDESC_PROP_MAX_COMPAT), 0);
    CHECK_EQ(fdt_delprop(bad, node, HWDESC_PROP_HYPERTAS), 0);
    CHECK_EQ(fdt_delprop(bad, node, HWDESC_PROP_BOOT_PROTOCOL), 0);
    CHECK_EQ(hwdesc_read(bad, &hw), 0);
    CHECK(hw.max_compat_pvr == 0 && hw.hypertas == NULL && hw.hypertas_len == 0);
    CHECK_EQ(hw.boot_protocol, HW_BOOT_AUTO);

    /* More vCPUs than the firmware's tables hold. */
    f.cpus = f.max_cpus = HWDESC_MAX_CPUS + 2;
    CHECK(hwdesc_build(desc, sizeof(desc), &f) > 0);
    CHECK(hwdesc_read(desc, &hw) != 0);
}

/* Writes the golden machines' trees for tests/unit/golden_trees.py. */
static int write_dtbs(const char *dir)
{
    const struct machine *golden[] = {&machine_default, &machine_power8, &machine_compat_power8,
                                      &machine_xics, &machine_xive};

    for (unsigned i = 0; i < ARRAY_LEN(golden); i++) {
        char path[4096];
        FILE *f;
        int len = build_checked(golden[i], tree, sizeof(tree), NULL);

        snprintf(path, sizeof(path), "%s/%s.dtb", dir, golden[i]->name);
        f = fopen(path, "wb");
        if (len <= 0 || !f || fwrite(tree, 1, (size_t)len, f) != (size_t)len || fclose(f)) {
            fprintf(stderr, "test-devtree: cannot write %s\n", path);
            return 1;
        }
    }
    return check_summary("devtree (golden machines)");
}

int main(int argc, char **argv)
{
    host_hypertas_len = hcall_hypertas_list(host_hypertas, sizeof(host_hypertas));
    CHECK(host_hypertas_len > 0);
    if (argc == 3 && !strcmp(argv[1], "--write-dtb"))
        return write_dtbs(argv[2]);
    test_helpers();
    test_reader();
    test_machines();
    test_values();
    test_rtas_table();
    test_bad_facts();
    test_small_buffers();
    test_largest();
    return check_summary("devtree");
}
