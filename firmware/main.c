/*
 * Firmware main: read the hardware description, greet, build the OS device
 * tree, and (for now) power off.  Later stages serve the client interface
 * and boot the kernel from here.
 */
#include <stdio.h>

#include <libfdt.h>
#include <petrel/layout.h>

#include "devtree.h"
#include "firmware.h"

/* The OS device tree, in firmware memory ([0, FW_REGION_SIZE)). */
static uint8_t devtree[DEVTREE_MAX_SIZE] __attribute__((aligned(8)));

/* The RTAS calls /rtas advertises: none until the RTAS image exists. */
static const struct devtree_rtas rtas_calls = {.calls = NULL, .ncalls = 0};

static const char *cpu_name(uint32_t pvr)
{
    switch (pvr >> 16) {
    case PVR_POWER9 >> 16: return "POWER9";
    case PVR_POWER8 >> 16: return "POWER8";
    default: return "unknown CPU";
    }
}

void fw_exception(unsigned long vector, unsigned long srr0, unsigned long srr1, unsigned long dar,
                  unsigned long dsisr)
{
    printf("\nfirmware: unexpected exception 0x%lx at 0x%lx (SRR1 0x%lx DAR 0x%lx DSISR 0x%lx)\n",
           vector, srr0, srr1, dar, dsisr);
    platform_power_off(2);
}

static void build_devtree(const struct hw_facts *hw)
{
    const char *why = devtree_check_facts(hw);
    int size;

    if (why) {
        printf("firmware: cannot describe this machine to an OS: %s\n", why);
        platform_power_off(1);
    }
    size = devtree_build(devtree, sizeof(devtree), hw, &rtas_calls);
    if (size < 0) {
        printf("firmware: cannot build the device tree: %s\n", fdt_strerror(size));
        platform_power_off(1);
    }
    printf("  device tree %d bytes, %d nodes\n", size, devtree_node_count(devtree));
}

void fw_main(const void *hwdesc)
{
    /* Too big for comfort on the stack (HWDESC_MAX_CPUS entries). */
    static struct hw_facts hw;

    if (hwdesc_read(hwdesc, &hw) != 0) {
        printf("firmware: cannot use the hardware description at %p\n", hwdesc);
        platform_power_off(1);
    }
    console_init(hw.vterm);
    printf("\npetrel firmware %s\n", PETREL_VERSION);
    printf("  RAM %lu MiB, %u CPU%s, PVR 0x%08x (%s)\n", (unsigned long)(hw.ram_size >> 20),
           hw.ncpus, hw.ncpus == 1 ? "" : "s", hw.pvr, cpu_name(hw.pvr));
    if (hw.kernel_size)
        printf("  kernel %lu bytes at 0x%lx\n", (unsigned long)hw.kernel_size,
               (unsigned long)hw.kernel_base);
    if (hw.initrd_size)
        printf("  initrd %lu bytes at 0x%lx\n", (unsigned long)hw.initrd_size,
               (unsigned long)hw.initrd_base);
    if (hw.bootargs && hw.bootargs[0])
        printf("  bootargs \"%s\"\n", hw.bootargs);
    build_devtree(&hw);
    printf("firmware: nothing to boot yet, powering off\n");
    platform_power_off(0);
}
