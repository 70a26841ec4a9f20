/*
 * The hardware description, written with libfdt's sequential-write API.
 * Layout and names: include/petrel/hwdesc.h.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/hwdesc.h>
#include <petrel/layout.h>

#include "hwdesc.h"

static int prop_range(void *fdt, const char *name, uint64_t base, uint64_t size)
{
    fdt64_t v[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};
    return fdt_property(fdt, name, v, sizeof(v));
}

int hwdesc_build(void *buf, size_t size, const struct hwdesc_facts *f)
{
    void *fdt = buf;
    char name[32];
    int err = 0;

#define TRY(x)                                                                                     \
    do {                                                                                           \
        if (!err)                                                                                  \
            err = (x);                                                                             \
    } while (0)

    TRY(fdt_create(fdt, (int)size));
    TRY(fdt_finish_reservemap(fdt));
    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_string(fdt, "compatible", HWDESC_COMPATIBLE));
    TRY(fdt_property_u32(fdt, HWDESC_PROP_VERSION, HWDESC_VERSION));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));

    TRY(fdt_begin_node(fdt, "memory"));
    TRY(prop_range(fdt, "reg", 0, f->ram_size));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_u32(fdt, "#address-cells", 1));
    TRY(fdt_property_u32(fdt, "#size-cells", 0));
    TRY(fdt_property_u32(fdt, HWDESC_PROP_MAX_CPUS, f->max_cpus));
    TRY(fdt_property_u32(fdt, HWDESC_PROP_THREADS, f->threads));
    for (unsigned i = 0; i < f->cpus; i++) {
        snprintf(name, sizeof(name), "cpu@%u", i);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_u32(fdt, "reg", i));
        TRY(fdt_property_u32(fdt, HWDESC_PROP_PVR, f->pvr));
        TRY(fdt_property_u32(fdt, HWDESC_PROP_TB_FREQ, (uint32_t)PETREL_TB_FREQ));
        TRY(fdt_end_node(fdt));
    }
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "console"));
    TRY(fdt_property_string(fdt, "compatible", HWDESC_CONSOLE_COMPAT));
    TRY(fdt_property_u32(fdt, "reg", f->vterm));
    TRY(fdt_end_node(fdt));

    if (f->nvram_size) {
        TRY(fdt_begin_node(fdt, "nvram"));
        TRY(fdt_property_u32(fdt, HWDESC_PROP_SIZE, f->nvram_size));
        TRY(fdt_end_node(fdt));
    }

    TRY(fdt_begin_node(fdt, "firmware"));
    TRY(prop_range(fdt, "reg", f->fw_base, f->fw_size));
    TRY(fdt_end_node(fdt));

    if (f->kernel_size || f->bootargs) {
        TRY(fdt_begin_node(fdt, "boot"));
        if (f->kernel_size)
            TRY(prop_range(fdt, HWDESC_PROP_KERNEL, f->kernel_base, f->kernel_size));
        if (f->initrd_size)
            TRY(prop_range(fdt, HWDESC_PROP_INITRD, f->initrd_base, f->initrd_size));
        if (f->bootargs)
            TRY(fdt_property_string(fdt, HWDESC_PROP_BOOTARGS, f->bootargs));
        TRY(fdt_end_node(fdt));
    }

    TRY(fdt_begin_node(fdt, "machine"));
    TRY(fdt_property_string(fdt, HWDESC_PROP_IC_MODE, f->ic_mode));
    if (f->boot_protocol)
        TRY(fdt_property_string(fdt, HWDESC_PROP_BOOT_PROTOCOL, f->boot_protocol));
    if (f->max_compat_pvr)
        TRY(fdt_property_u32(fdt, HWDESC_PROP_MAX_COMPAT, f->max_compat_pvr));
    if (f->hypertas_len)
        TRY(fdt_property(fdt, HWDESC_PROP_HYPERTAS, f->hypertas, (int)f->hypertas_len));
    if (f->partition_name)
        TRY(fdt_property_string(fdt, HWDESC_PROP_PARTITION, f->partition_name));
    if (f->dump_tree)
        TRY(fdt_property(fdt, HWDESC_PROP_DUMP_TREE, NULL, 0));
    if (f->trace_mask)
        TRY(fdt_property_u32(fdt, HWDESC_PROP_TRACE, f->trace_mask));
    if (f->boot_report)
        TRY(fdt_property(fdt, HWDESC_PROP_BOOT_REPORT, NULL, 0));
    if (f->phbs)
        TRY(fdt_property_u32(fdt, HWDESC_PROP_PHBS, f->phbs));
    TRY(fdt_end_node(fdt));

    TRY(fdt_end_node(fdt));
    TRY(fdt_finish(fdt));
#undef TRY
    return err ? -1 : (int)fdt_totalsize(fdt);
}
