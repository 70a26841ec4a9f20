/*
 * ELF64 loader for the kernel image the host placed in guest RAM
 * (include/petrel/hwdesc.h /boot kernel).  Pure: it reads and writes only
 * the memory it is given, so the same file compiles into the firmware and
 * into the host unit test (tests/unit/test_elf.c).
 *
 * Accepted: ELF64, EM_PPC64, ET_EXEC or ET_DYN, either byte order (Debian's
 * vmlinux is a ppc64le ELFv2 ET_DYN; the test kernels are big-endian).
 * Not done: relocations (Linux ppc64 relocates itself), section headers,
 * compressed images (zImage wrappers are loaded like any other ELF).
 */
#ifndef BOOT_ELF_H
#define BOOT_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's vmlinux has 2-4 PT_LOADs; more is refused rather than guessed. */
#define ELF_MAX_SEGMENTS 16

/* Where an image linked at physical 0 goes (QEMU's KERNEL_LOAD_ADDR). */
#define ELF_RELOCATED_BASE 0x400000

struct elf_segment {
    uint64_t dest;   /* physical address the segment is copied to */
    uint64_t offset; /* in the file */
    uint64_t filesz, memsz;
};

/*
 * The PowerPC notes Linux images carry (arch/powerpc/boot/addnote.c,
 * arch/powerpc/kernel/note.S).  Values are as the image says; absent
 * words of a short descriptor read as 0xffffffff ("not specified").
 */
struct elf_ppc_notes {
    /* "PowerPC" type 0x1275: the CHRP binding's real-mode request. */
    bool has_chrp;
    uint32_t real_mode, real_base, real_size, virt_base, virt_size, load_base;
    /* "IBM,RPA-Client-Config" type 0x12759999: PAPR client config words
     * (lparaffinity, min_rmo_size, min_rmo_percent, max_pft_size, splpar,
     * min_load, new_mem_def, ignore_my_client_config). */
    bool has_rpa;
    uint32_t rpa[8];
    /* "PowerPC" type 1 (PPC_ELFNOTE_CAPABILITIES): bit 0 = ultravisor. */
    bool has_caps;
    uint32_t caps;
};

struct elf_image {
    bool little_endian;
    bool dynamic;      /* ET_DYN */
    unsigned abi;      /* e_flags & 3: 1 = ELFv1, 2 = ELFv2, 0 = unspecified */
    uint64_t entry;    /* physical entry address */
    uint64_t offset;   /* added to every p_paddr (ELF_RELOCATED_BASE or 0) */
    uint64_t lo, hi;   /* physical extent of all segments, [lo, hi) */
    bool fixup_endian; /* the entry starts with Linux's FIXUP_ENDIAN word */
    unsigned nseg;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    struct elf_ppc_notes notes;
};

/* Where the image may go: [min_addr, ram_size).  Lower memory belongs to
 * the firmware. */
struct elf_limits {
    uint64_t min_addr;
    uint64_t ram_size;
};

/*
 * Validates file[0, size) and computes where it goes.  Returns NULL, or a
 * sentence saying why the image is refused.  Reads nothing outside the
 * file and writes only *img.
 */
const char *elf_parse(const void *file, uint64_t size, const struct elf_limits *lim,
                      struct elf_image *img);

/*
 * Copies the segments of a parsed image to their physical addresses and
 * zeroes their bss.  Physical address p is host address ram + p.  The file
 * itself lies at physical [file_addr, file_addr + file_size) and may
 * overlap the destinations: it is then first moved (memmove) to scratch,
 * which the caller chose clear of everything it keeps; scratch 0 means
 * "no room", and such an image is refused.  Returns NULL or why not.
 */
const char *elf_load(uintptr_t ram, uint64_t ram_size, const struct elf_image *img,
                     uint64_t file_addr, uint64_t file_size, uint64_t scratch);

/* "ELF64 BE" / "ELF64 LE", with " ET_DYN" or " ET_EXEC". */
const char *elf_describe(const struct elf_image *img);

#endif
