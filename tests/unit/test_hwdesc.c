/*
 * The hardware description the host writes: every fact the contract
 * (include/petrel/hwdesc.h) names, read back with libfdt; optional nodes
 * absent when not given; too small a buffer is an error, not an overflow.
 */
#include <libfdt.h>
#include <petrel/hwdesc.h>
#include <petrel/layout.h>

#include "check.h"
#include "vmm/hwdesc.h"

static uint64_t range_base(const void *fdt, const char *path, const char *prop, uint64_t *size)
{
    int len, node = fdt_path_offset(fdt, path);
    const fdt64_t *p = node >= 0 ? fdt_getprop(fdt, node, prop, &len) : NULL;

    if (!p || len != 16)
        return ~0ull;
    *size = fdt64_ld(&p[1]);
    return fdt64_ld(&p[0]);
}

static uint32_t u32(const void *fdt, const char *path, const char *prop)
{
    int len, node = fdt_path_offset(fdt, path);
    const fdt32_t *p = node >= 0 ? fdt_getprop(fdt, node, prop, &len) : NULL;
    return p && len == 4 ? fdt32_ld(p) : 0xdeadbeef;
}

int main(void)
{
    static uint8_t buf[HWDESC_MAX_SIZE];
    struct hwdesc_facts f = {
        .ram_size = 1ull << 30,
        .cpus = 3,
        .max_cpus = 4,
        .threads = 1,
        .pvr = PVR_POWER9,
        .max_compat_pvr = PVR_POWER8,
        .ic_mode = "xive",
        .boot_protocol = "of",
        .vterm = 0x71000000,
        .fw_base = 0,
        .fw_size = 12345,
        .kernel_base = 0x4000000,
        .kernel_size = 1000,
        .initrd_base = 0x4010000,
        .initrd_size = 77,
        .bootargs = "console=hvc0",
        .hypertas = "hcall-term\0hcall-splpar",
        .hypertas_len = 24,
    };
    int len;
    uint64_t size;
    int node, n = 0, cpu;

    CHECK(hwdesc_build(buf, sizeof(buf), &f) > 0);
    CHECK_EQ(fdt_check_header(buf), 0);
    CHECK_EQ(fdt_node_check_compatible(buf, 0, HWDESC_COMPATIBLE), 0);
    CHECK_EQ(u32(buf, "/", HWDESC_PROP_VERSION), HWDESC_VERSION);
    CHECK_EQ(range_base(buf, HWDESC_NODE_MEMORY, "reg", &size), 0);
    CHECK_EQ(size, 1ull << 30);
    CHECK_EQ(u32(buf, HWDESC_NODE_CPUS, HWDESC_PROP_MAX_CPUS), 4);
    node = fdt_path_offset(buf, HWDESC_NODE_CPUS);
    fdt_for_each_subnode(cpu, buf, node)
    {
        CHECK_EQ(fdt32_ld(fdt_getprop(buf, cpu, "reg", NULL)), n);
        CHECK_EQ(fdt32_ld(fdt_getprop(buf, cpu, HWDESC_PROP_PVR, NULL)), PVR_POWER9);
        n++;
    }
    CHECK_EQ(n, 3);
    CHECK_EQ(u32(buf, "/cpus/cpu@2", HWDESC_PROP_TB_FREQ), 512000000);
    CHECK_EQ(u32(buf, HWDESC_NODE_CONSOLE, "reg"), 0x71000000);
    CHECK_EQ(range_base(buf, HWDESC_NODE_FIRMWARE, "reg", &size), 0);
    CHECK_EQ(size, 12345);
    CHECK_EQ(range_base(buf, HWDESC_NODE_BOOT, HWDESC_PROP_KERNEL, &size), 0x4000000);
    CHECK_EQ(size, 1000);
    CHECK_EQ(range_base(buf, HWDESC_NODE_BOOT, HWDESC_PROP_INITRD, &size), 0x4010000);
    CHECK_EQ(size, 77);
    node = fdt_path_offset(buf, HWDESC_NODE_BOOT);
    CHECK_STREQ(fdt_getprop(buf, node, HWDESC_PROP_BOOTARGS, NULL), "console=hvc0");
    node = fdt_path_offset(buf, HWDESC_NODE_MACHINE);
    CHECK_STREQ(fdt_getprop(buf, node, HWDESC_PROP_IC_MODE, NULL), "xive");
    CHECK_STREQ(fdt_getprop(buf, node, HWDESC_PROP_BOOT_PROTOCOL, NULL), "of");
    CHECK_EQ(u32(buf, HWDESC_NODE_MACHINE, HWDESC_PROP_MAX_COMPAT), PVR_POWER8);
    CHECK(memcmp(fdt_getprop(buf, node, HWDESC_PROP_HYPERTAS, &len), "hcall-term\0hcall-splpar",
                 24) == 0);
    CHECK_EQ(len, 24);

    /* Nothing to boot: no /boot node; no compat limit: no property. */
    f.kernel_size = f.initrd_size = 0;
    f.bootargs = NULL;
    f.max_compat_pvr = 0;
    f.boot_protocol = NULL;
    CHECK(hwdesc_build(buf, sizeof(buf), &f) > 0);
    CHECK(fdt_getprop(buf, fdt_path_offset(buf, HWDESC_NODE_MACHINE), HWDESC_PROP_BOOT_PROTOCOL,
                      NULL) == NULL);
    CHECK(fdt_path_offset(buf, HWDESC_NODE_BOOT) < 0);
    CHECK_EQ(u32(buf, HWDESC_NODE_MACHINE, HWDESC_PROP_MAX_COMPAT), 0xdeadbeef);

    /* Too small a buffer fails cleanly. */
    CHECK_EQ(hwdesc_build(buf, 64, &f), (uint64_t)-1);
    return check_summary("hwdesc");
}
