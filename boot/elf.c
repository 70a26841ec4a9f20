/*
 * ELF64 loader (elf.h).  Every field of the file is untrusted: offsets and
 * sizes are checked against the file and against RAM with overflow-safe
 * arithmetic before anything is read or written.
 *
 * Physical addresses follow Linux ppc64 (arch/powerpc/include/asm/page.h
 * __pa): p_paddr with the top four bits cleared, so a segment linked at
 * 0xc000000000000000 loads at physical 0.  An image whose lowest segment is
 * at physical 0 is a relocatable kernel (Linux copies itself down to 0
 * after prom_init, spec/boot-and-cif.md §1.2) and is placed at
 * ELF_RELOCATED_BASE, as QEMU and SLOF do; any other image must fit where
 * it is linked, above the firmware.
 */
#include <string.h>

#include "elf.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define EM_PPC64  21
#define ET_EXEC   2
#define ET_DYN    3
#define PT_LOAD   1
#define PT_NOTE   4
#define PN_XNUM   0xffff
#define PHYS_MASK 0x0fffffffffffffffull
#define NOTE_CHRP 0x1275
#define NOTE_RPA  0x12759999
#define NOTE_CAPS 1
/* tdi 0,r0,0x48: FIXUP_ENDIAN's first word (spec/cpu.md §4.1). */
#define FIXUP_WORD 0x08000048u

static uint64_t get(const uint8_t *p, unsigned n, bool le)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[le ? i : n - 1 - i] << (8 * i);
    return v;
}

/* [off, off + len) inside [0, size)? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static uint64_t align4(uint32_t n)
{
    return ((uint64_t)n + 3) & ~3ull;
}

static void parse_note(const uint8_t *name, uint32_t namesz, uint32_t type, const uint8_t *desc,
                       uint32_t descsz, bool le, struct elf_ppc_notes *n)
{
    uint32_t words[8];
    unsigned nw = 0;

    for (unsigned i = 0; i < 8; i++)
        words[i] = 0xffffffff;
    for (; nw < 8 && (nw + 1) * 4 <= descsz; nw++)
        words[nw] = (uint32_t)get(desc + 4 * nw, 4, le);
    /* namesz counts the NUL. */
    if (namesz == 8 && !memcmp(name, "PowerPC", 8)) {
        if (type == NOTE_CHRP) {
            n->has_chrp = true;
            n->real_mode = words[0], n->real_base = words[1], n->real_size = words[2];
            n->virt_base = words[3], n->virt_size = words[4], n->load_base = words[5];
        } else if (type == NOTE_CAPS && nw >= 1) {
            n->has_caps = true;
            n->caps = words[0];
        }
    } else if (namesz == 22 && !memcmp(name, "IBM,RPA-Client-Config", 22) && type == NOTE_RPA) {
        n->has_rpa = true;
        memcpy(n->rpa, words, sizeof(n->rpa));
    }
}

static const char *parse_notes(const uint8_t *f, uint64_t off, uint64_t len, bool le,
                               struct elf_ppc_notes *n)
{
    while (len >= 12) {
        uint32_t namesz = (uint32_t)get(f + off, 4, le);
        uint32_t descsz = (uint32_t)get(f + off + 4, 4, le);
        uint32_t type = (uint32_t)get(f + off + 8, 4, le);
        uint64_t nlen, dlen;

        if (namesz > len || descsz > len)
            return "a PT_NOTE entry runs past its segment";
        nlen = align4(namesz), dlen = align4(descsz);
        if (12 + nlen + dlen > len)
            return "a PT_NOTE entry runs past its segment";
        parse_note(f + off + 12, namesz, type, f + off + 12 + nlen, descsz, le, n);
        off += 12 + nlen + dlen;
        len -= 12 + nlen + dlen;
    }
    return NULL;
}

const char *elf_parse(const void *file, uint64_t size, const struct elf_limits *lim,
                      struct elf_image *img)
{
    const uint8_t *f = file;
    uint64_t phoff, entry_v, entry_off = 0;
    unsigned phnum, type, machine;
    bool le, entry_found = false;

    memset(img, 0, sizeof(*img));
    if (size < EHDR_SIZE)
        return "the file is too short for an ELF header";
    if (memcmp(f, "\177ELF", 4))
        return "not an ELF file";
    if (f[4] != 2)
        return "not a 64-bit ELF file";
    if (f[5] != 1 && f[5] != 2)
        return "unknown ELF byte order";
    if (f[6] != 1)
        return "unknown ELF version";
    le = img->little_endian = f[5] == 1;
    type = (unsigned)get(f + 16, 2, le);
    machine = (unsigned)get(f + 18, 2, le);
    if (machine != EM_PPC64)
        return "not a PowerPC 64-bit ELF file";
    if (type != ET_EXEC && type != ET_DYN)
        return "not an executable ELF file (ET_EXEC or ET_DYN)";
    img->dynamic = type == ET_DYN;
    img->abi = (unsigned)get(f + 48, 4, le) & 3;
    entry_v = get(f + 24, 8, le);
    phoff = get(f + 32, 8, le);
    phnum = (unsigned)get(f + 56, 2, le);
    if (get(f + 54, 2, le) != PHDR_SIZE)
        return "unexpected ELF program header size";
    if (phnum == 0 || phnum == PN_XNUM)
        return "the ELF file has no program headers";
    if (!in_file(phoff, (uint64_t)phnum * PHDR_SIZE, size))
        return "the ELF program headers run past the end of the file";

    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = f + phoff + (uint64_t)i * PHDR_SIZE;
        uint32_t ptype = (uint32_t)get(ph, 4, le);
        uint64_t off = get(ph + 8, 8, le), vaddr = get(ph + 16, 8, le);
        uint64_t paddr = get(ph + 24, 8, le) & PHYS_MASK;
        uint64_t filesz = get(ph + 32, 8, le), memsz = get(ph + 40, 8, le);
        const char *why;

        if (ptype == PT_NOTE) {
            if (!in_file(off, filesz, size))
                return "a PT_NOTE segment runs past the end of the file";
            if ((why = parse_notes(f, off, filesz, le, &img->notes)))
                return why;
            continue;
        }
        if (ptype != PT_LOAD)
            continue;
        if (filesz > memsz)
            return "a PT_LOAD segment has p_filesz > p_memsz";
        if (memsz == 0)
            continue;
        if (!in_file(off, filesz, size))
            return "a PT_LOAD segment runs past the end of the file";
        if (memsz > PHYS_MASK - paddr)
            return "a PT_LOAD segment wraps around the address space";
        if (img->nseg == ELF_MAX_SEGMENTS)
            return "too many PT_LOAD segments";
        if (!entry_found && entry_v >= vaddr && entry_v - vaddr < filesz &&
            filesz - (entry_v - vaddr) >= 4) {
            entry_found = true;
            img->entry = paddr + (entry_v - vaddr);
            entry_off = off + (entry_v - vaddr);
        }
        img->seg[img->nseg++] = (struct elf_segment){paddr, off, filesz, memsz};
    }
    if (img->nseg == 0)
        return "the ELF file has no PT_LOAD segment";
    if (!entry_found)
        return "the ELF entry point is not inside a loaded segment";
    if (entry_v & 3)
        return "the ELF entry point is not word aligned";
    img->fixup_endian = get(f + entry_off, 4, le) == FIXUP_WORD;

    img->lo = UINT64_MAX;
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];

        if (s->dest < img->lo)
            img->lo = s->dest;
        if (s->dest + s->memsz > img->hi)
            img->hi = s->dest + s->memsz;
        for (unsigned j = 0; j < i; j++)
            if (overlap(s->dest, s->memsz, img->seg[j].dest, img->seg[j].memsz))
                return "two PT_LOAD segments overlap";
    }
    if (img->lo == 0)
        img->offset = ELF_RELOCATED_BASE;
    if (img->lo < lim->min_addr && img->offset == 0)
        return "the kernel would overlap the firmware (linked below its end)";
    if (img->hi > lim->ram_size || img->offset > lim->ram_size - img->hi)
        return "the kernel does not fit in RAM";
    img->lo += img->offset, img->hi += img->offset, img->entry += img->offset;
    if (img->lo < lim->min_addr)
        return "the kernel would overlap the firmware (linked below its end)";
    for (unsigned i = 0; i < img->nseg; i++)
        img->seg[i].dest += img->offset;
    return NULL;
}

const char *elf_load(uintptr_t ram, uint64_t ram_size, const struct elf_image *img,
                     uint64_t file_addr, uint64_t file_size, uint64_t scratch)
{
    bool clash = false;

    if (file_addr > ram_size || file_size > ram_size - file_addr)
        return "the kernel file is not in RAM";
    if (img->hi > ram_size)
        return "the kernel does not fit in RAM";
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];

        if (s->offset > file_size || s->filesz > file_size - s->offset)
            return "a segment lies outside the kernel file";
        clash |= overlap(s->dest, s->memsz, file_addr, file_size);
    }
    if (clash) {
        /* The copy would overwrite file bytes still to be read: move the
         * whole file out of the way first. */
        if (!scratch || scratch > ram_size || file_size > ram_size - scratch)
            return "the kernel overlaps its own file and there is no room to move it";
        if (overlap(scratch, file_size, img->lo, img->hi - img->lo))
            return "the kernel overlaps its own file and there is no room to move it";
        memmove((void *)(ram + scratch), (const void *)(ram + file_addr), file_size);
        file_addr = scratch;
    }
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        uint8_t *d = (uint8_t *)(ram + s->dest);

        memmove(d, (const void *)(ram + file_addr + s->offset), s->filesz);
        memset(d + s->filesz, 0, s->memsz - s->filesz);
    }
    return NULL;
}

const char *elf_describe(const struct elf_image *img)
{
    if (img->little_endian)
        return img->dynamic ? "ELF64 LE ET_DYN" : "ELF64 LE ET_EXEC";
    return img->dynamic ? "ELF64 BE ET_DYN" : "ELF64 BE ET_EXEC";
}
