/*
 * Firmware main: read the hardware description, greet, build the OS device
 * tree, and boot the kernel the host placed (boot/elf.c) -- on the Open
 * Firmware path (r5 = client interface, cif.c) or the flattened-tree path
 * (r3 = tree, r5 = 0), as the image or -M boot-protocol says -- or power
 * off if there is none.  With -M dumpdtb= the tree a flattened-tree kernel
 * would get goes to the host instead.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/layout.h>

#include "boot/elf.h"
#include "cas.h"
#include "cif.h"
#include "devtree.h"
#include "firmware.h"
#include "linux61_vector.h"
#include "rtas.h"
#include "rtas/image.h"

/* The OS device tree, in firmware memory ([0, FW_REGION_SIZE)). */
static uint8_t devtree[DEVTREE_MAX_SIZE] __attribute__((aligned(8)));

/* The client interface's live tree: the OS tree with room for what the
 * client (setprop) and CAS add. */
static uint8_t cif_tree[DEVTREE_LIVE_SIZE] __attribute__((aligned(8)));

/* Where RTAS goes on the flattened-tree path (DESIGN.md): in the
 * firmware's region, so below the 4 MiB kernel load address and above
 * 0x3000, which small kernels overwrite with their vectors. */
#define RTAS_FLAT_ROOM (0x10000 + (HWDESC_MAX_CPUS << RTAS_CPU_AREA_SHIFT))
static uint8_t rtas_flat[RTAS_FLAT_ROOM] __attribute__((aligned(0x1000)));

/* The client's stack and the firmware's own memory (firmware.lds). */
extern char __client_stack_base[], __client_stack_top[];

/* The timebase when the host entered the firmware (start.S). */
static uint64_t entry_tb;

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
    const struct rtas_image *rtas = rtas_builtin();
    struct devtree_rtas rtas_calls;
    int size;

    if (why) {
        printf("firmware: cannot describe this machine to an OS: %s\n", why);
        platform_power_off(1);
    }
    if (!rtas) {
        printf("firmware: the built-in RTAS image is malformed\n");
        platform_power_off(1);
    }
    rtas_describe(rtas, hw->max_cpus, &rtas_calls);
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

/*
 * Open Firmware entry (spec/boot-and-cif.md §2): r1 = a stack in firmware
 * memory below 4 GiB, r3/r4 = the initrd (or 0), r5 = the client
 * interface, r6 = r7 = 0; real mode, EE = 0, 64-bit, RI set.  ME is not
 * the firmware's to change (a partition's rfid leaves it as the host set
 * it).  Big-endian, or little-endian for an LE image without FIXUP_ENDIAN
 * (as on the flattened-tree path).
 */
void __attribute__((noreturn)) cif_start_client(uint64_t entry, uint64_t msr, uint64_t stack,
                                                uint64_t initrd, uint64_t initrd_len);

#define MSR_SF (1ull << 63)
#define MSR_RI 0x2ull
#define MSR_LE 0x1ull

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
 * Open Firmware or flattened tree (spec §1; both reach the same kernel
 * code).  -M boot-protocol decides if given.  Otherwise the image does,
 * through the PT_NOTEs Linux ppc64 images carry: the CHRP binding's
 * "PowerPC" 0x1275 note and the PAPR "IBM,RPA-Client-Config" note
 * (arch/powerpc/boot/addnote) mark a client program written for Open
 * Firmware; the "PowerPC" capabilities note (arch/powerpc/kernel/note.S)
 * marks a Linux ppc64 kernel, which carries prom_init on pseries and is
 * booted through it, as SLOF does, so that it runs CAS.  An image with
 * none of them is a bare payload: flattened tree.
 */
static bool choose_of(const struct hw_facts *hw, const struct elf_ppc_notes *n)
{
    const char *why;
    bool of;

    if (hw->boot_protocol != HW_BOOT_AUTO) {
        of = hw->boot_protocol == HW_BOOT_OF;
        why = "-M boot-protocol";
    } else if (n->has_chrp || n->has_rpa) {
        of = true;
        why = "the image carries Open Firmware client notes";
    } else if (n->has_caps) {
        of = true;
        why = "a Linux ppc64 kernel (PowerPC capabilities note)";
    } else {
        of = false;
        why = "the image carries no Open Firmware note";
    }
    printf("  boot protocol: %s (%s)\n", of ? "open firmware" : "flattened tree", why);
    return of;
}

/* Flattened-tree path: RTAS instantiated by the firmware, in the tree and
 * the reserve map (spec §9.2, DESIGN.md). */
static int add_rtas_flat(void *fdt, const struct hw_facts *hw)
{
    const struct rtas_image *img = rtas_builtin();
    uint64_t base = (uintptr_t)rtas_flat, entry;
    int node = fdt_path_offset(fdt, "/rtas"), err;
    uint32_t size;

    if (node < 0 || !img)
        return node < 0 ? node : -FDT_ERR_INTERNAL;
    size = rtas_region_size(img, hw->max_cpus);
    if (size > sizeof(rtas_flat) || base < 0x3000 || base + size > FW_REGION_SIZE)
        return -FDT_ERR_INTERNAL;
    entry = rtas_instantiate(img, 0, base, hw);
    if (!entry)
        return -FDT_ERR_INTERNAL;
    sync_icache(base, size);
    err = fdt_setprop_u32(fdt, node, "linux,rtas-base", (uint32_t)base);
    if (!err)
        err = fdt_setprop_u32(fdt, node, "linux,rtas-entry", (uint32_t)entry);
    if (!err)
        err = fdt_add_mem_rsv(fdt, base, size);
    return err;
}

/* Linux 6.1's request, where CAS reads it: firmware memory is guest RAM. */
static uint8_t linux_request[LINUX61_VECTOR_SIZE] __attribute__((aligned(8)));

/*
 * The tree as a flattened-tree kernel receives it, into fdt[0, room): the
 * built tree, then CAS with the request Linux 6.1's prom_init would make
 * of it (linux61_vector.c) -- such a kernel runs no CAS and reads the
 * result from the tree (spec/boot-and-cif.md §9.2: /chosen
 * ibm,architecture-vec-5, one interrupt controller, the host in that
 * mode) -- RTAS instantiated, and, as prom_init leaves it (§5.1), the
 * initrd and RTAS in the reserve map; the kernel reserves its image and
 * the tree itself, and no other firmware memory survives the hand-off.
 * fdt may be devtree itself.
 */
static int finish_tree(void *fdt, int room, const struct hw_facts *hw)
{
    int err = fdt_open_into(devtree, fdt, room);

    if (err)
        return err;
    linux61_vector(linux_request, fdt);
    if (cas_call(fdt, hw, (uint64_t)(uintptr_t)linux_request) != 0)
        return -FDT_ERR_BADVALUE;
    err = add_rtas_flat(fdt, hw);
    if (!err && hw->initrd_size)
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

/* Boot time so far, from the timebase (one for all vCPUs; hw->tb_freq):
 * bench/boot-fw reads it from the "booting" line. */
static unsigned long boot_us(const struct hw_facts *hw)
{
    uint64_t now;

    __asm__ volatile("mftb %0" : "=r"(now));
    return (unsigned long)((now - entry_tb) * 1000000 / hw->tb_freq);
}

/*
 * Open Firmware path: the client interface over a live copy of the tree.
 * The memory map marks the firmware (its whole region except the client's
 * stack), the kernel and the initrd; the kernel file and the hardware
 * description are dead by now and free to claim.
 */
static void __attribute__((noreturn)) boot_of(struct hw_facts *hw, const struct elf_image *img)
{
    const struct cif_layout lay = {
        .fw_base = 0,
        .fw_size = FW_REGION_SIZE,
        .stack_base = (uintptr_t)__client_stack_base,
        .stack_size = (uint64_t)(__client_stack_top - __client_stack_base),
        .kernel_base = img->lo,
        .kernel_size = img->hi - img->lo,
        .initrd_base = hw->initrd_base,
        .initrd_size = hw->initrd_size,
    };
    uint64_t msr = MSR_SF | MSR_RI | (img->little_endian && !img->fixup_endian ? MSR_LE : 0);
    int err =
        cif_init(&cif_firmware, 0, hw, devtree, cif_tree, sizeof(cif_tree), &lay, rtas_builtin());

    /* The client runs CAS itself (prom_init), which writes
     * ibm,architecture-vec-5 and picks the interrupt controller. */
    if (err)
        boot_fail("cannot set up the client interface: ", err < -1 ? fdt_strerror(err) : NULL);
    printf("firmware: booting %s kernel at 0x%lx, entry 0x%lx, client interface at 0x%lx "
           "(timebase 0x%lx at firmware entry, %lu us ago)\n",
           elf_describe(img), (unsigned long)img->lo, (unsigned long)img->entry,
           (unsigned long)(uintptr_t)cif_entry, (unsigned long)entry_tb, boot_us(hw));
    console_flush();
    if (hw->boot_report)
        platform_boot_mark(PETREL_BOOT_KERNEL_ENTRY, 0);
    /* A 16-byte aligned stack top with room for the ABI's back chain. */
    cif_start_client(img->entry, msr, ((uintptr_t)__client_stack_top - 128) & ~15ull,
                     hw->initrd_size ? hw->initrd_base : 0, hw->initrd_size);
}

/*
 * Loads the kernel the host placed and enters it.  Memory plan: the kernel
 * goes where its ELF says (elf.c); everything above the kernel, its file
 * and the initrd is free.  From there up: the initrd if the kernel loads
 * over it, the kernel file if the kernel loads over that, then (flattened
 * tree) the tree.
 */
static void __attribute__((noreturn)) boot_kernel(struct hw_facts *hw)
{
    static struct elf_image img;
    const struct elf_limits lim = {.min_addr = FW_REGION_SIZE, .ram_size = hw->ram_size};
    uint64_t kfile = hw->kernel_base, ksize = hw->kernel_size;
    uint64_t top, scratch = 0, fdt_addr, fdt_room;
    const char *why;
    bool of;
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
    of = choose_of(hw, &img.notes);

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
    /* Room for what CAS and RTAS add (the tree is packed afterwards). */
    fdt_room = (uint64_t)size + 0x4000;
    fdt_addr = top;
    if (top > hw->ram_size || fdt_room > hw->ram_size - top)
        boot_fail("no room for the device tree above the kernel", NULL);
    fdt = (void *)(uintptr_t)fdt_addr;
    if (hw->dump_tree || !of) {
        err = finish_tree(fdt, (int)fdt_room, hw);
        if (err)
            boot_fail("cannot finish the device tree: ", fdt_strerror(err));
        if (hw->dump_tree)
            dump_tree(fdt);
    }
    why = elf_load(0, hw->ram_size, &img, kfile, ksize, scratch);
    if (why)
        boot_fail("", why);
    sync_icache(img.lo, img.hi - img.lo);
    if (of)
        boot_of(hw, &img);
    printf("firmware: booting %s kernel at 0x%lx, entry 0x%lx, tree at 0x%lx "
           "(timebase 0x%lx at firmware entry, %lu us ago)\n",
           elf_describe(&img), (unsigned long)img.lo, (unsigned long)img.entry,
           (unsigned long)fdt_addr, (unsigned long)entry_tb, boot_us(hw));
    console_flush();
    if (hw->boot_report)
        platform_boot_mark(PETREL_BOOT_KERNEL_ENTRY, 0);
    enter_kernel(img.entry, fdt_addr, img.lo, img.little_endian && !img.fixup_endian);
}

void fw_main(const void *hwdesc, uint64_t tb_at_entry)
{
    /* Too big for comfort on the stack (HWDESC_MAX_CPUS entries). */
    static struct hw_facts hw;
    /* The description is copied first: the kernel loads over where the
     * host put it (HWDESC_ADDR), and hw's strings point into it. */
    static uint8_t desc[HWDESC_MAX_SIZE] __attribute__((aligned(8)));

    entry_tb = tb_at_entry;
    if (fdt_check_header(hwdesc) || fdt_totalsize(hwdesc) > sizeof(desc) ||
        fdt_move(hwdesc, desc, sizeof(desc)) || hwdesc_read(desc, &hw) != 0) {
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
    pci_probe(&hw);
    nvram_prepare(&hw);
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
