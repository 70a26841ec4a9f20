/*
 * The kernel ELF loader (boot/elf.c), run on the host: crafted good and
 * malformed images must be placed byte-exactly or refused with the right
 * sentence, and nothing outside the destinations may change.  "RAM" is a
 * host buffer; physical address p is ram + p.
 */
#include <stdbool.h>
#include <stdlib.h>

#include <petrel/layout.h>

#include "check.h"

/* The file under test, built for the host (style.md: skiboot-style). */
#include "../../boot/elf.c"

#define RAM_SIZE  (16u << 20)
#define FILE_ADDR (8u << 20)
#define FILL      0xaa

static uint8_t *ram;
static const struct elf_limits lim = {.min_addr = FW_REGION_SIZE, .ram_size = RAM_SIZE};

struct seg {
    uint32_t type;
    uint64_t off, vaddr, paddr, filesz, memsz;
};

static void put(uint8_t *p, unsigned n, uint64_t v, bool le)
{
    for (unsigned i = 0; i < n; i++)
        p[le ? i : n - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* ELF header + program headers at 64; returns the header bytes. */
static size_t make_elf(uint8_t *f, bool le, unsigned type, uint64_t entry, const struct seg *s,
                       unsigned n)
{
    memset(f, 0, 64 + 56 * (size_t)n);
    memcpy(f, "\177ELF", 4);
    f[4] = 2, f[5] = le ? 1 : 2, f[6] = 1;
    put(f + 16, 2, type, le);
    put(f + 18, 2, 21, le);
    put(f + 20, 4, 1, le);
    put(f + 24, 8, entry, le);
    put(f + 32, 8, 64, le);
    put(f + 48, 4, 2, le);
    put(f + 52, 2, 64, le);
    put(f + 54, 2, 56, le);
    put(f + 56, 2, n, le);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *ph = f + 64 + 56 * i;
        put(ph, 4, s[i].type, le);
        put(ph + 4, 4, 5, le);
        put(ph + 8, 8, s[i].off, le);
        put(ph + 16, 8, s[i].vaddr, le);
        put(ph + 24, 8, s[i].paddr, le);
        put(ph + 32, 8, s[i].filesz, le);
        put(ph + 40, 8, s[i].memsz, le);
        put(ph + 48, 8, 0x10000, le);
    }
    return 64 + 56 * (size_t)n;
}

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + seed);
}

static bool is_pattern(const uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)(i * 7 + seed))
            return false;
    return true;
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static void reset_ram(void)
{
    memset(ram, FILL, RAM_SIZE);
}

/* A big-endian ET_EXEC linked at 4 MiB: text + data/bss, placed exactly. */
static void test_be_exec(void)
{
    uint8_t *f;
    struct elf_image img;
    const struct seg s[] = {
        {PT_LOAD, 0x1000, 0x400000, 0x400000, 0x300, 0x300},
        {PT_LOAD, 0x2000, 0x410000, 0x410000, 0x40, 0x1000},
    };

    reset_ram();
    f = ram + FILE_ADDR;
    make_elf(f, false, ET_EXEC, 0x400100, s, 2);
    fill_pattern(f + 0x1000, 0x300, 1);
    fill_pattern(f + 0x2000, 0x40, 2);
    CHECK(elf_parse(f, 0x2040, &lim, &img) == NULL);
    CHECK(!img.little_endian && !img.dynamic);
    CHECK_EQ(img.abi, 2);
    CHECK_EQ(img.nseg, 2);
    CHECK_EQ(img.offset, 0);
    CHECK_EQ(img.lo, 0x400000);
    CHECK_EQ(img.hi, 0x411000);
    CHECK_EQ(img.entry, 0x400100);
    CHECK(!img.fixup_endian);
    CHECK_STREQ(elf_describe(&img), "ELF64 BE ET_EXEC");
    CHECK(elf_load((uintptr_t)ram, RAM_SIZE, &img, FILE_ADDR, 0x2040, 0) == NULL);
    CHECK(is_pattern(ram + 0x400000, 0x300, 1));
    CHECK(all(ram + 0x400300, 0x410000 - 0x400300, FILL)); /* gap untouched */
    CHECK(is_pattern(ram + 0x410000, 0x40, 2));
    CHECK(all(ram + 0x410040, 0x1000 - 0x40, 0)); /* bss zeroed */
    CHECK(all(ram + 0x411000, 0x1000, FILL));
    CHECK(all(ram + 0x3ff000, 0x1000, FILL));
    CHECK(is_pattern(f + 0x1000, 0x300, 1)); /* the file is left alone */
}

/* Notes in the image's byte order: name, type, descriptor words. */
static size_t put_note(uint8_t *p, bool le, const char *name, uint32_t type, const uint32_t *w,
                       unsigned nw)
{
    size_t namesz = strlen(name) + 1, off = 12 + ((namesz + 3) & ~(size_t)3);

    put(p, 4, namesz, le);
    put(p + 4, 4, 4 * nw, le);
    put(p + 8, 4, type, le);
    memset(p + 12, 0, off - 12);
    memcpy(p + 12, name, namesz);
    for (unsigned i = 0; i < nw; i++)
        put(p + off + 4 * i, 4, w[i], le);
    return off + 4 * nw;
}

/* A Linux-like little-endian ET_DYN: linked at 0xc000000000000000,
 * physical 0, FIXUP_ENDIAN first, PowerPC notes: goes to 4 MiB. */
static void test_le_dyn_linux(void)
{
    uint8_t *f;
    struct elf_image img;
    static const uint32_t chrp[6] = {0xffffffff, 0x02000000, 0xffffffff,
                                     0xffffffff, 0xffffffff, 0x4000};
    static const uint32_t rpa[8] = {0, 64, 0, 40, 1, 0xffffffff, 0, 1};
    static const uint32_t caps[1] = {1};
    size_t nlen = 0;
    struct seg s[] = {
        {PT_LOAD, 0x10000, 0xc000000000000000ull, 0, 0x2000, 0x5000},
        {PT_NOTE, 0x800, 0, 0, 0, 0},
    };

    reset_ram();
    f = ram + FILE_ADDR;
    nlen += put_note(f + 0x800 + nlen, true, "PowerPC", 0x1275, chrp, 6);
    nlen += put_note(f + 0x800 + nlen, true, "IBM,RPA-Client-Config", 0x12759999, rpa, 8);
    nlen += put_note(f + 0x800 + nlen, true, "PowerPC", 1, caps, 1);
    nlen += put_note(f + 0x800 + nlen, true, "GNU", 3, caps, 1); /* ignored */
    s[1].filesz = s[1].memsz = nlen;
    make_elf(f, true, ET_DYN, 0xc000000000000000ull, s, 2);
    fill_pattern(f + 0x10000, 0x2000, 3);
    put(f + 0x10000, 4, 0x08000048, true); /* tdi 0,0,0x48 as LE code */
    CHECK(elf_parse(f, 0x12000, &lim, &img) == NULL);
    CHECK(img.little_endian && img.dynamic);
    CHECK_EQ(img.offset, ELF_RELOCATED_BASE);
    CHECK_EQ(img.lo, 0x400000);
    CHECK_EQ(img.hi, 0x405000);
    CHECK_EQ(img.entry, 0x400000);
    CHECK(img.fixup_endian);
    CHECK_STREQ(elf_describe(&img), "ELF64 LE ET_DYN");
    CHECK(img.notes.has_chrp);
    CHECK_EQ(img.notes.real_mode, 0xffffffff);
    CHECK_EQ(img.notes.real_base, 0x02000000);
    CHECK_EQ(img.notes.load_base, 0x4000);
    CHECK(img.notes.has_rpa);
    CHECK(!memcmp(img.notes.rpa, rpa, sizeof(rpa)));
    CHECK(img.notes.has_caps);
    CHECK_EQ(img.notes.caps, 1);
    CHECK(elf_load((uintptr_t)ram, RAM_SIZE, &img, FILE_ADDR, 0x12000, 0) == NULL);
    CHECK(!memcmp(ram + 0x400000, f + 0x10000, 0x2000));
    CHECK(all(ram + 0x402000, 0x3000, 0));
    CHECK(all(ram + 0x405000, 0x1000, FILL));
}

/* p_paddr = p_vaddr = a kernel virtual address: top four bits cleared. */
static void test_paddr_virtual(void)
{
    uint8_t f[0x200];
    struct elf_image img;
    const struct seg s[] = {
        {PT_LOAD, 0x100, 0xc000000000500000ull, 0xc000000000500000ull, 0x100, 0x100}};

    make_elf(f, false, ET_EXEC, 0xc000000000500010ull, s, 1);
    CHECK(elf_parse(f, sizeof(f), &lim, &img) == NULL);
    CHECK_EQ(img.offset, 0);
    CHECK_EQ(img.lo, 0x500000);
    CHECK_EQ(img.entry, 0x500010);
}

/* The kernel loads over its own file: refused without scratch room, and
 * with it the file is moved first and the copy is exact. */
static void test_self_overlap(void)
{
    const uint64_t file_addr = 0x500000, size = 0x300000;
    uint8_t *f = ram + file_addr, *copy = malloc(size);
    struct elf_image img;
    /* Segment 1's destination covers the file bytes of segment 2. */
    const struct seg s[] = {
        {PT_LOAD, 0x10000, 0x400000, 0x400000, 0x100000, 0x280000},
        {PT_LOAD, 0x200000, 0x700000, 0x700000, 0x100000, 0x100000},
    };

    reset_ram();
    make_elf(f, false, ET_EXEC, 0x400000, s, 2);
    fill_pattern(f + 0x10000, 0x100000, 4);
    fill_pattern(f + 0x200000, 0x100000, 5);
    memcpy(copy, f, size);
    CHECK(elf_parse(f, size, &lim, &img) == NULL);
    CHECK_STREQ(elf_load((uintptr_t)ram, RAM_SIZE, &img, file_addr, size, 0),
                "the kernel overlaps its own file and there is no room to move it");
    /* Scratch inside the destinations is no room either. */
    CHECK_STREQ(elf_load((uintptr_t)ram, RAM_SIZE, &img, file_addr, size, 0x600000),
                "the kernel overlaps its own file and there is no room to move it");
    CHECK_STREQ(elf_load((uintptr_t)ram, RAM_SIZE, &img, file_addr, size, RAM_SIZE - 0x1000),
                "the kernel overlaps its own file and there is no room to move it");
    CHECK(!memcmp(f, copy, size)); /* refusals write nothing */
    CHECK(elf_load((uintptr_t)ram, RAM_SIZE, &img, file_addr, size, 0x900000) == NULL);
    CHECK(!memcmp(ram + 0x400000, copy + 0x10000, 0x100000));
    CHECK(all(ram + 0x500000, 0x180000, 0));
    CHECK(!memcmp(ram + 0x700000, copy + 0x200000, 0x100000));
    CHECK(!memcmp(ram + 0x900000, copy, size));
    CHECK(all(ram + 0xc00000, 0x1000, FILL));
    free(copy);
}

/* One mutation of a good image, and the sentence it must be refused with. */
static void refuse(const char *what, bool le, unsigned type, uint64_t entry, const struct seg *s,
                   unsigned n, uint64_t size, void (*patch)(uint8_t *), const char *expect)
{
    static uint8_t f[0x4000];
    struct elf_image img;
    const char *why;

    memset(f, 0, sizeof(f));
    make_elf(f, le, type, entry, s, n);
    if (patch)
        patch(f);
    why = elf_parse(f, size, &lim, &img);
    if (!why || strcmp(why, expect)) {
        check_failures++;
        fprintf(stderr, "refuse %s: got \"%s\", expected \"%s\"\n", what, why ? why : "(accepted)",
                expect);
    }
    check_count++;
}

static void patch_magic(uint8_t *f)
{
    f[1] = 'X';
}
static void patch_class32(uint8_t *f)
{
    f[4] = 1;
}
static void patch_data(uint8_t *f)
{
    f[5] = 3;
}
static void patch_machine(uint8_t *f)
{
    put(f + 18, 2, 20, false);
}
static void patch_phentsize(uint8_t *f)
{
    put(f + 54, 2, 32, false);
}
static void patch_phnum0(uint8_t *f)
{
    put(f + 56, 2, 0, false);
}
static void patch_phnum_xnum(uint8_t *f)
{
    put(f + 56, 2, 0xffff, false);
}
static void patch_phoff_huge(uint8_t *f)
{
    put(f + 32, 8, UINT64_MAX - 8, false);
}
static void patch_phoff_past(uint8_t *f)
{
    put(f + 32, 8, 0x10d0, false);
}
static void patch_note_namesz(uint8_t *f)
{
    put(f + 0x800, 4, 0xfffffffd, false);
}
static void patch_note_descsz(uint8_t *f)
{
    put(f + 0x800, 4, 8, false);
    put(f + 0x804, 4, 0x40, false);
}

static void test_refusals(void)
{
    const struct seg good[] = {{PT_LOAD, 0x1000, 0x400000, 0x400000, 0x100, 0x100}};
    const struct seg note[] = {{PT_NOTE, 0x800, 0, 0, 0x20, 0x20}, good[0]};
    const struct seg many[17] = {
        [0 ... 16] = {PT_LOAD, 0x1000, 0x400000, 0x400000, 0x10, 0x10},
    };
    const uint64_t E = 0x400000, S = 0x1100;

#define SEGS(...) (const struct seg[]){__VA_ARGS__}
    refuse("empty", false, ET_EXEC, E, good, 1, 0, NULL, "the file is too short for an ELF header");
    refuse("truncated header", false, ET_EXEC, E, good, 1, 63, NULL,
           "the file is too short for an ELF header");
    refuse("bad magic", false, ET_EXEC, E, good, 1, S, patch_magic, "not an ELF file");
    refuse("ELF32", false, ET_EXEC, E, good, 1, S, patch_class32, "not a 64-bit ELF file");
    refuse("byte order", false, ET_EXEC, E, good, 1, S, patch_data, "unknown ELF byte order");
    refuse("machine", false, ET_EXEC, E, good, 1, S, patch_machine,
           "not a PowerPC 64-bit ELF file");
    refuse("ET_REL", false, 1, E, good, 1, S, NULL,
           "not an executable ELF file (ET_EXEC or ET_DYN)");
    refuse("phentsize", false, ET_EXEC, E, good, 1, S, patch_phentsize,
           "unexpected ELF program header size");
    refuse("no phdrs", false, ET_EXEC, E, good, 1, S, patch_phnum0,
           "the ELF file has no program headers");
    refuse("PN_XNUM", false, ET_EXEC, E, good, 1, S, patch_phnum_xnum,
           "the ELF file has no program headers");
    refuse("truncated phdrs", false, ET_EXEC, E, good, 1, 100, NULL,
           "the ELF program headers run past the end of the file");
    refuse("phoff wraps", false, ET_EXEC, E, good, 1, S, patch_phoff_huge,
           "the ELF program headers run past the end of the file");
    refuse("phoff past file", false, ET_EXEC, E, good, 1, S, patch_phoff_past,
           "the ELF program headers run past the end of the file");
    refuse("segment past file", false, ET_EXEC, E, good, 1, 0x10ff, NULL,
           "a PT_LOAD segment runs past the end of the file");
    refuse("offset wraps", false, ET_EXEC, E,
           SEGS({PT_LOAD, UINT64_MAX - 0x10, 0x400000, 0x400000, 0x100, 0x100}), 1, S, NULL,
           "a PT_LOAD segment runs past the end of the file");
    refuse("filesz > memsz", false, ET_EXEC, E,
           SEGS({PT_LOAD, 0x1000, 0x400000, 0x400000, 0x100, 0x80}), 1, S, NULL,
           "a PT_LOAD segment has p_filesz > p_memsz");
    refuse("filesz > memsz = 0", false, ET_EXEC, E,
           SEGS({PT_LOAD, 0x1000, 0x400000, 0x400000, 0x100, 0}, good[0]), 2, S, NULL,
           "a PT_LOAD segment has p_filesz > p_memsz");
    refuse("address wraps", false, ET_EXEC, E,
           SEGS(good[0],
                {PT_LOAD, 0x1000, 0x0ffffffffffff000ull, 0x0ffffffffffff000ull, 0x100, 0x2000}),
           2, S, NULL, "a PT_LOAD segment wraps around the address space");
    refuse("zero PT_LOAD", false, ET_EXEC, E, SEGS({PT_NOTE, 0x1000, 0, 0, 0, 0}), 1, S, NULL,
           "the ELF file has no PT_LOAD segment");
    refuse("only empty PT_LOAD", false, ET_EXEC, E, SEGS({PT_LOAD, 0x1000, E, E, 0, 0}), 1, S, NULL,
           "the ELF file has no PT_LOAD segment");
    refuse("too many PT_LOAD", false, ET_EXEC, E, many, 17, S, NULL, "too many PT_LOAD segments");
    refuse("entry outside", false, ET_EXEC, 0x500000, good, 1, S, NULL,
           "the ELF entry point is not inside a loaded segment");
    refuse("entry in bss", false, ET_EXEC, 0x400100,
           SEGS({PT_LOAD, 0x1000, 0x400000, 0x400000, 0x100, 0x200}), 1, S, NULL,
           "the ELF entry point is not inside a loaded segment");
    refuse("entry unaligned", false, ET_EXEC, 0x400002, good, 1, S, NULL,
           "the ELF entry point is not word aligned");
    refuse("segments overlap", false, ET_EXEC, E,
           SEGS(good[0], {PT_LOAD, 0x1000, 0x400080, 0x400080, 0x10, 0x10}), 2, S, NULL,
           "two PT_LOAD segments overlap");
    refuse("over the firmware", false, ET_EXEC, 0x1000,
           SEGS({PT_LOAD, 0x1000, 0x1000, 0x1000, 0x100, 0x100}), 1, S, NULL,
           "the kernel would overlap the firmware (linked below its end)");
    refuse("past RAM", false, ET_EXEC, E,
           SEGS({PT_LOAD, 0x1000, 0x400000, 0x400000, 0x100, RAM_SIZE}), 1, S, NULL,
           "the kernel does not fit in RAM");
    refuse("relocated past RAM", true, ET_DYN, 0xc000000000000000ull,
           SEGS({PT_LOAD, 0x1000, 0xc000000000000000ull, 0, 0x100, RAM_SIZE - 0x1000}), 1, S, NULL,
           "the kernel does not fit in RAM");
    refuse("note past file", false, ET_EXEC, E,
           SEGS({PT_NOTE, 0x1000, 0, 0, 0x200, 0x200}, good[0]), 2, S, NULL,
           "a PT_NOTE segment runs past the end of the file");
    refuse("note name huge", false, ET_EXEC, E, note, 2, S, patch_note_namesz,
           "a PT_NOTE entry runs past its segment");
    refuse("note desc past segment", false, ET_EXEC, E, note, 2, S, patch_note_descsz,
           "a PT_NOTE entry runs past its segment");
#undef SEGS
}

int main(void)
{
    ram = malloc(RAM_SIZE);
    if (!ram)
        return 1;
    test_be_exec();
    test_le_dyn_linux();
    test_paddr_virtual();
    test_self_overlap();
    test_refusals();
    free(ram);
    return check_summary("test-elf");
}
