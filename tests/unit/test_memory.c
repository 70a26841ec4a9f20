/*
 * Guest memory map: RAM bounds checks, MMIO region registration (overlap
 * with RAM or another region refused), lookup, and the code-page write
 * generations.
 */
#include "check.h"
#include "vmm/memory.h"

static uint64_t dummy_read(void *o, unsigned vcpu, uint64_t off, unsigned size)
{
    (void)o;
    (void)vcpu;
    return off + size;
}

static const struct mmio_ops ops = {.read = dummy_read};

int main(void)
{
    struct guest_mem mem;
    struct mmio_region a = {.base = 0x20000000, .size = 0x1000, .ops = &ops, .name = "a"};
    struct mmio_region b = {.base = 0x10000000, .size = 0x100, .ops = &ops, .name = "b"};
    struct mmio_region bad;

    CHECK(guest_mem_init(&mem, 0) != 0);
    CHECK(guest_mem_init(&mem, 0x1001) != 0);
    CHECK_EQ(guest_mem_init(&mem, 16u << 20), 0);
    CHECK(guest_ram_contains(&mem, 0, 16u << 20));
    CHECK(!guest_ram_contains(&mem, 1, 16u << 20));
    CHECK(!guest_ram_contains(&mem, (16u << 20) - 4, 8));
    CHECK(!guest_ram_contains(&mem, ~0ull - 2, 8));
    CHECK(!guest_ram_contains(&mem, 16u << 20, 0));

    CHECK_EQ(guest_mem_add_mmio(&mem, &a), 0);
    CHECK_EQ(guest_mem_add_mmio(&mem, &b), 0);
    bad = a;
    bad.base = 0x20000800; /* overlaps a */
    CHECK(guest_mem_add_mmio(&mem, &bad) != 0);
    bad.base = 0x100000; /* inside RAM */
    CHECK(guest_mem_add_mmio(&mem, &bad) != 0);
    bad.base = ~0ull - 0x10; /* wraps */
    CHECK(guest_mem_add_mmio(&mem, &bad) != 0);
    bad.base = 0x30000000;
    bad.size = 0;
    CHECK(guest_mem_add_mmio(&mem, &bad) != 0);

    CHECK(guest_mem_find_mmio(&mem, 0x20000000) == &mem.mmio[1]);
    CHECK_STREQ(guest_mem_find_mmio(&mem, 0x20000fff)->name, "a");
    CHECK_STREQ(guest_mem_find_mmio(&mem, 0x100000ff)->name, "b");
    CHECK(guest_mem_find_mmio(&mem, 0x10000100) == NULL);
    CHECK(guest_mem_find_mmio(&mem, 0x20001000) == NULL);
    CHECK(guest_mem_find_mmio(&mem, 0) == NULL);

    /* Writes bump the generation of pages that hold code, only those. */
    mem.page_code[2] = 1;
    guest_ram_write(&mem, 0x1ffe, "abcd", 4); /* pages 1 and 2 */
    CHECK_EQ(mem.page_gen[1], 0);
    CHECK_EQ(mem.page_gen[2], 1);
    CHECK(memcmp(mem.ram + 0x1ffe, "abcd", 4) == 0);
    guest_ram_write(&mem, (16u << 20) - 2, "abcd", 4); /* out of RAM: ignored */
    guest_ram_note_write(&mem, ~0ull - 1, 4);
    guest_mem_destroy(&mem);
    return check_summary("memory");
}
