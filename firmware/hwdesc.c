/*
 * Reads the host's hardware description (include/petrel/hwdesc.h) into
 * plain facts.  The description is trusted no more than it must be: a
 * malformed one is reported, never walked off.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/hwdesc.h>
#include <petrel/pci.h>

#include "firmware.h"

static int read_range(const void *fdt, int node, const char *name, uint64_t *base, uint64_t *size)
{
    int len;
    const fdt64_t *p = fdt_getprop(fdt, node, name, &len);

    if (!p || len != 16)
        return -1;
    *base = fdt64_ld(&p[0]);
    *size = fdt64_ld(&p[1]);
    return 0;
}

static int read_u32(const void *fdt, int node, const char *name, uint32_t *val)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    if (!p || len != 4)
        return -1;
    *val = fdt32_ld(p);
    return 0;
}

/* A string property, or NULL if absent or not NUL-terminated. */
static const char *read_string(const void *fdt, int node, const char *name, int *lenp)
{
    int len;
    const char *p = fdt_getprop(fdt, node, name, &len);

    if (!p || len <= 0 || p[len - 1] != '\0')
        return NULL;
    if (lenp)
        *lenp = len;
    return p;
}

static int read_cpus(const void *fdt, struct hw_facts *hw)
{
    int cpus = fdt_path_offset(fdt, HWDESC_NODE_CPUS), cpu;

    if (cpus < 0) {
        printf("hwdesc: no cpus\n");
        return -1;
    }
    if (read_u32(fdt, cpus, HWDESC_PROP_MAX_CPUS, &hw->max_cpus) ||
        read_u32(fdt, cpus, HWDESC_PROP_THREADS, &hw->threads) || hw->threads == 0) {
        printf("hwdesc: cpus without max-cpus or threads-per-core\n");
        return -1;
    }
    fdt_for_each_subnode(cpu, fdt, cpus)
    {
        struct hw_cpu *c = &hw->cpu[hw->ncpus];
        uint32_t tb;

        if (hw->ncpus == HWDESC_MAX_CPUS) {
            printf("hwdesc: more than %d cpus\n", HWDESC_MAX_CPUS);
            return -1;
        }
        if (read_u32(fdt, cpu, "reg", &c->id) || read_u32(fdt, cpu, HWDESC_PROP_PVR, &c->pvr) ||
            read_u32(fdt, cpu, HWDESC_PROP_TB_FREQ, &tb)) {
            printf("hwdesc: cpu without reg, pvr or timebase-frequency\n");
            return -1;
        }
        /* PAPR partitions have one CPU type and one timebase. */
        if (hw->ncpus == 0) {
            hw->pvr = c->pvr;
            hw->tb_freq = tb;
        } else if (c->pvr != hw->pvr || tb != hw->tb_freq) {
            printf("hwdesc: cpus differ in pvr or timebase-frequency\n");
            return -1;
        }
        hw->ncpus++;
    }
    if (hw->ncpus == 0 || hw->max_cpus < hw->ncpus) {
        printf("hwdesc: %u cpu nodes, max-cpus %u\n", hw->ncpus, hw->max_cpus);
        return -1;
    }
    return 0;
}

static int read_machine(const void *fdt, struct hw_facts *hw)
{
    int node = fdt_path_offset(fdt, HWDESC_NODE_MACHINE);
    const char *mode = node >= 0 ? read_string(fdt, node, HWDESC_PROP_IC_MODE, NULL) : NULL;

    /* ic-mode is required, boot-protocol optional (absent: auto). */

    if (!mode) {
        printf("hwdesc: no machine ic-mode\n");
        return -1;
    }
    if (!strcmp(mode, "dual"))
        hw->ic_mode = HW_IC_DUAL;
    else if (!strcmp(mode, "xics"))
        hw->ic_mode = HW_IC_XICS;
    else if (!strcmp(mode, "xive"))
        hw->ic_mode = HW_IC_XIVE;
    else {
        printf("hwdesc: unknown ic-mode\n");
        return -1;
    }
    mode = read_string(fdt, node, HWDESC_PROP_BOOT_PROTOCOL, NULL);
    if (!mode && fdt_getprop(fdt, node, HWDESC_PROP_BOOT_PROTOCOL, NULL))
        mode = "?"; /* present but not a string */
    if (!mode || !strcmp(mode, "auto"))
        hw->boot_protocol = HW_BOOT_AUTO;
    else if (!strcmp(mode, "of"))
        hw->boot_protocol = HW_BOOT_OF;
    else if (!strcmp(mode, "fdt"))
        hw->boot_protocol = HW_BOOT_FDT;
    else {
        printf("hwdesc: unknown boot-protocol\n");
        return -1;
    }
    if (fdt_getprop(fdt, node, HWDESC_PROP_MAX_COMPAT, NULL) &&
        read_u32(fdt, node, HWDESC_PROP_MAX_COMPAT, &hw->max_compat_pvr)) {
        printf("hwdesc: bad max-cpu-compat\n");
        return -1;
    }
    if (fdt_getprop(fdt, node, HWDESC_PROP_HYPERTAS, NULL) &&
        !(hw->hypertas = read_string(fdt, node, HWDESC_PROP_HYPERTAS, &hw->hypertas_len))) {
        printf("hwdesc: bad hypertas-functions\n");
        return -1;
    }
    if (fdt_getprop(fdt, node, HWDESC_PROP_PARTITION, NULL) &&
        !(hw->partition_name = read_string(fdt, node, HWDESC_PROP_PARTITION, NULL))) {
        printf("hwdesc: bad partition-name\n");
        return -1;
    }
    hw->dump_tree = fdt_getprop(fdt, node, HWDESC_PROP_DUMP_TREE, NULL) != NULL;
    /* Optional: which -trace events the firmware (and RTAS) emit. */
    {
        int len = 0;
        const fdt32_t *t = fdt_getprop(fdt, node, HWDESC_PROP_TRACE, &len);
        hw->trace_mask = t && len == 4 ? fdt32_to_cpu(*t) : 0;
    }
    hw->boot_report = fdt_getprop(fdt, node, HWDESC_PROP_BOOT_REPORT, NULL) != NULL;
    if (fdt_getprop(fdt, node, HWDESC_PROP_PHBS, NULL) &&
        (read_u32(fdt, node, HWDESC_PROP_PHBS, &hw->phbs) || hw->phbs > PETREL_PHB_MAX)) {
        printf("hwdesc: bad phbs\n");
        return -1;
    }
    return 0;
}

int hwdesc_read(const void *fdt, struct hw_facts *hw)
{
    int node;
    uint32_t version;

    memset(hw, 0, sizeof(*hw));
    if (fdt_check_header(fdt) != 0) {
        printf("hwdesc: bad header\n");
        return -1;
    }
    if (fdt_node_check_compatible(fdt, 0, HWDESC_COMPATIBLE) != 0 ||
        read_u32(fdt, 0, HWDESC_PROP_VERSION, &version) || version != HWDESC_VERSION) {
        printf("hwdesc: not a petrel hardware description (version %d)\n", HWDESC_VERSION);
        return -1;
    }
    node = fdt_path_offset(fdt, HWDESC_NODE_MEMORY);
    if (node < 0 || read_range(fdt, node, "reg", &hw->ram_base, &hw->ram_size)) {
        printf("hwdesc: no memory\n");
        return -1;
    }
    if (read_cpus(fdt, hw))
        return -1;
    node = fdt_path_offset(fdt, HWDESC_NODE_CONSOLE);
    if (node < 0 || read_u32(fdt, node, "reg", &hw->vterm)) {
        printf("hwdesc: no console\n");
        return -1;
    }
    /* Optional: a machine without NVRAM has no node. */
    node = fdt_path_offset(fdt, HWDESC_NODE_NVRAM);
    if (node >= 0 && read_u32(fdt, node, HWDESC_PROP_SIZE, &hw->nvram_size)) {
        printf("hwdesc: bad nvram size\n");
        return -1;
    }
    node = fdt_path_offset(fdt, HWDESC_NODE_BOOT);
    if (node >= 0) {
        read_range(fdt, node, HWDESC_PROP_KERNEL, &hw->kernel_base, &hw->kernel_size);
        read_range(fdt, node, HWDESC_PROP_INITRD, &hw->initrd_base, &hw->initrd_size);
        hw->bootargs = read_string(fdt, node, HWDESC_PROP_BOOTARGS, NULL);
    }
    return read_machine(fdt, hw);
}
