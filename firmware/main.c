/*
 * Firmware main: read the hardware description, greet, build the OS device
 * tree, and boot the kernel the host placed (boot/elf.c) on the flattened
 * tree path -- or power off if there is none.  With -M dumpdtb= the final
 * tree goes to the host instead of a kernel.  The Open Firmware path
 * (r5 = client interface) comes with the client interface.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/layout.h>

#include "boot/elf.h"
#include "cas.h"
#include "devtree.h"
#include "firmware.h"
#include "linux61_vector.h"

/* The OS device tree, in firmware memory ([0, FW_REGION_SIZE)). */
static uint8_t devtree[DEVTREE_MAX_SIZE] __attribute__((aligned(8)));

/* The timebase when the host entered the firmware (start.S). */
static uint64_t entry_tb;

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

static int build_devtree(const struct hw_facts *hw)
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
    return size;
}

/* Blobs the firmware moves or places start on 64 KiB boundaries, like the
 * host's (layout.h BOOT_BLOB_ALIGN). */
static uint64_t blob_align(uint64_t v)
{
    return (v + BOOT_BLOB_ALIGN - 1) & ~(uint64_t)(BOOT_BLOB_ALIGN - 1);
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static void __attribute__((noreturn)) boot_fail(const char *what, const char *why)
{
    printf("firmware: cannot boot the kernel: %s%s\n", what, why ? why : "");
    platform_power_off(1);
}

/* Linux 6.1's request, where CAS reads it: firmware memory is guest RAM. */
static uint8_t linux_request[LINUX61_VECTOR_SIZE] __attribute__((aligned(8)));

/*
 * The tree as an OS receives it, into fdt[0, room): the built tree, then
 * CAS with the request Linux 6.1's prom_init would make of it
 * (linux61_vector.c) -- a kernel entered on the flattened-tree path runs
 * no CAS and reads the result from the tree (spec/boot-and-cif.md §9.2:
 * /chosen ibm,architecture-vec-5, one interrupt controller, the host in
 * that mode).  Then, as prom_init leaves it (§5.1), the initrd in the
 * reserve map; the kernel reserves its image and the tree itself, and no
 * firmware memory survives the hand-off.  fdt may be devtree itself.
 */
static int finish_tree(void *fdt, int room, const struct hw_facts *hw)
{
    int err = fdt_open_into(devtree, fdt, room);

    if (err)
        return err;
    linux61_vector(linux_request, fdt);
    if (cas_call(fdt, hw, (uint64_t)(uintptr_t)linux_request) != 0)
        return -FDT_ERR_BADVALUE;
    if (hw->initrd_size)
        err = fdt_add_mem_rsv(fdt, hw->initrd_base, hw->initrd_size);
    return err ? err : fdt_pack(fdt);
}

/* -M dumpdtb=: the host writes the tree out and exits. */
static void __attribute__((noreturn)) dump_tree(const void *fdt)
{
    long rc = platform_dump_tree(fdt, fdt_totalsize(fdt));

    printf("firmware: the host refused the device tree dump (%ld)\n", rc);
    platform_power_off(1);
}

/* Copied code must reach instruction fetch (Book II 1.8, "instruction
 * storage"): dcbst, sync, icbi, isync.  128-byte blocks on POWER8/9. */
static void sync_icache(uint64_t addr, uint64_t len)
{
    uint64_t a, end = addr + len;

    for (a = addr & ~127ull; a < end; a += 128)
        __asm__ volatile("dcbst 0,%0" : : "r"(a) : "memory");
    __asm__ volatile("sync" : : : "memory");
    for (a = addr & ~127ull; a < end; a += 128)
        __asm__ volatile("icbi 0,%0" : : "r"(a) : "memory");
    __asm__ volatile("sync; isync" : : : "memory");
}

/*
 * Flattened-tree entry (spec/boot-and-cif.md §9.1): r3 = tree, r4 = where
 * the kernel image is, r5 = 0; 64-bit real mode, EE = 0, as the firmware
 * runs.  Big-endian: Linux's FIXUP_ENDIAN switches to little-endian itself
 * (§1.1).  A little-endian image without that prologue is entered
 * little-endian through rfid instead, since it could not switch.
 */
static void __attribute__((noreturn))
enter_kernel(uint64_t entry, uint64_t fdt, uint64_t kbase, bool le)
{
    register uint64_t r3 __asm__("r3") = fdt;
    register uint64_t r4 __asm__("r4") = kbase;
    register uint64_t r5 __asm__("r5") = 0;

    if (le) {
        uint64_t msr;

        __asm__ volatile("mfmsr %0" : "=r"(msr));
        __asm__ volatile("mtsrr0 %0; mtsrr1 %1; rfid"
                         :
                         : "r"(entry), "r"(msr | 1), "r"(r3), "r"(r4), "r"(r5)
                         : "memory");
    } else {
        __asm__ volatile("mtctr %0; bctr" : : "r"(entry), "r"(r3), "r"(r4), "r"(r5) : "memory");
    }
    __builtin_unreachable();
}

static void report_notes(const struct elf_ppc_notes *n)
{
    if (n->has_chrp)
        printf("  ELF note PowerPC: real-mode 0x%x real-base 0x%x real-size 0x%x load-base 0x%x\n",
               n->real_mode, n->real_base, n->real_size, n->load_base);
    if (n->has_rpa)
        printf("  ELF note IBM,RPA-Client-Config: min-rmo-size %u MiB, splpar %u\n", n->rpa[1],
               n->rpa[4]);
    if (n->has_caps)
        printf("  ELF note PowerPC capabilities 0x%x\n", n->caps);
}

/*
 * Loads the kernel the host placed and enters it.  Memory plan: the kernel
 * goes where its ELF says (elf.c); everything above the kernel, its file
 * and the initrd is free.  From there up: the initrd if the kernel loads
 * over it, the kernel file if the kernel loads over that, then the tree.
 *
 * Only the flattened-tree path exists: the Open Firmware path needs the
 * client interface, which does not exist yet, and an image cannot tell
 * which one it wants without it (Linux accepts both).
 */
static void __attribute__((noreturn)) boot_kernel(struct hw_facts *hw)
{
    static struct elf_image img;
    const struct elf_limits lim = {.min_addr = FW_REGION_SIZE, .ram_size = hw->ram_size};
    uint64_t kfile = hw->kernel_base, ksize = hw->kernel_size;
    uint64_t top, scratch = 0, fdt_addr, fdt_room, now;
    const char *why;
    void *fdt;
    int size, err;

    if (kfile > hw->ram_size || ksize > hw->ram_size - kfile)
        boot_fail("the kernel file is not in RAM", NULL);
    if (hw->initrd_size &&
        (hw->initrd_base > hw->ram_size || hw->initrd_size > hw->ram_size - hw->initrd_base))
        boot_fail("the initrd is not in RAM", NULL);
    why = elf_parse((const void *)(uintptr_t)kfile, ksize, &lim, &img);
    if (why)
        boot_fail("", why);
    report_notes(&img.notes);

    top = img.hi;
    if (kfile + ksize > top)
        top = kfile + ksize;
    if (hw->initrd_size && hw->initrd_base + hw->initrd_size > top)
        top = hw->initrd_base + hw->initrd_size;
    top = blob_align(top);
    if (ranges_overlap(hw->initrd_base, hw->initrd_size, img.lo, img.hi - img.lo)) {
        if (top > hw->ram_size || hw->initrd_size > hw->ram_size - top)
            boot_fail("no room to move the initrd out of the kernel's way", NULL);
        memmove((void *)(uintptr_t)top, (const void *)(uintptr_t)hw->initrd_base, hw->initrd_size);
        printf("  initrd moved to 0x%lx (the kernel loads over 0x%lx)\n", (unsigned long)top,
               (unsigned long)hw->initrd_base);
        hw->initrd_base = top;
        top = blob_align(top + hw->initrd_size);
    }
    if (ranges_overlap(kfile, ksize, img.lo, img.hi - img.lo)) {
        if (top <= hw->ram_size && ksize <= hw->ram_size - top)
            scratch = top;
        top = blob_align(top + ksize);
    }

    /* /chosen linux,initrd-start/-end come from hw->initrd_base, now final. */
    size = build_devtree(hw);
    fdt_room = (uint64_t)size + 0x1000;
    fdt_addr = top;
    if (top > hw->ram_size || fdt_room > hw->ram_size - top)
        boot_fail("no room for the device tree above the kernel", NULL);
    fdt = (void *)(uintptr_t)fdt_addr;
    err = finish_tree(fdt, (int)fdt_room, hw);
    if (err)
        boot_fail("cannot finish the device tree: ", fdt_strerror(err));
    if (hw->dump_tree)
        dump_tree(fdt);

    why = elf_load(0, hw->ram_size, &img, kfile, ksize, scratch);
    if (why)
        boot_fail("", why);
    sync_icache(img.lo, img.hi - img.lo);
    /* Boot time so far, from the timebase (one for all vCPUs; hw->tb_freq). */
    __asm__ volatile("mftb %0" : "=r"(now));
    printf("firmware: booting %s kernel at 0x%lx, entry 0x%lx, tree at 0x%lx "
           "(timebase 0x%lx at firmware entry, %lu us ago)\n",
           elf_describe(&img), (unsigned long)img.lo, (unsigned long)img.entry,
           (unsigned long)fdt_addr, (unsigned long)entry_tb,
           (unsigned long)((now - entry_tb) * 1000000 / hw->tb_freq));
    console_flush();
    enter_kernel(img.entry, fdt_addr, img.lo, img.little_endian && !img.fixup_endian);
}

void fw_main(const void *hwdesc, uint64_t tb_at_entry)
{
    /* Too big for comfort on the stack (HWDESC_MAX_CPUS entries). */
    static struct hw_facts hw;

    entry_tb = tb_at_entry;
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
    if (hw.kernel_size)
        boot_kernel(&hw);
    build_devtree(&hw);
    if (hw.dump_tree) {
        int err = finish_tree(devtree, sizeof(devtree), &hw);

        if (err) {
            printf("firmware: cannot finish the device tree: %s\n", fdt_strerror(err));
            platform_power_off(1);
        }
        dump_tree(devtree);
    }
    printf("firmware: nothing to boot yet, powering off\n");
    platform_power_off(0);
}
