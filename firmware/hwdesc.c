/*
 * Reads the host's hardware description (include/petrel/hwdesc.h) into
 * plain facts.  The description is trusted no more than it must be: a
 * malformed one is reported, never walked off.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/hwdesc.h>

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

int hwdesc_read(const void *fdt, struct hw_facts *hw)
{
    int node, cpus, cpu;
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
    cpus = fdt_path_offset(fdt, HWDESC_NODE_CPUS);
    if (cpus < 0) {
        printf("hwdesc: no cpus\n");
        return -1;
    }
    fdt_for_each_subnode(cpu, fdt, cpus)
    {
        if (hw->ncpus == 0 && read_u32(fdt, cpu, HWDESC_PROP_PVR, &hw->pvr)) {
            printf("hwdesc: cpu without pvr\n");
            return -1;
        }
        hw->ncpus++;
    }
    if (hw->ncpus == 0) {
        printf("hwdesc: no cpu nodes\n");
        return -1;
    }
    node = fdt_path_offset(fdt, HWDESC_NODE_CONSOLE);
    if (node < 0 || read_u32(fdt, node, "reg", &hw->vterm)) {
        printf("hwdesc: no console\n");
        return -1;
    }
    node = fdt_path_offset(fdt, HWDESC_NODE_BOOT);
    if (node >= 0) {
        read_range(fdt, node, HWDESC_PROP_KERNEL, &hw->kernel_base, &hw->kernel_size);
        read_range(fdt, node, HWDESC_PROP_INITRD, &hw->initrd_base, &hw->initrd_size);
        hw->bootargs = fdt_getprop(fdt, node, HWDESC_PROP_BOOTARGS, NULL);
    }
    return 0;
}
