/*
 * Guest physical memory: one RAM block at 0 and a sorted set of MMIO
 * regions.  Shared by every CPU backend and by device models.
 *
 * MMIO values travel as the big-endian reading of the bytes in memory
 * order: a big-endian guest's stw of 0x12345678 arrives as 0x12345678, a
 * little-endian guest's as 0x78563412.  A device whose registers are
 * little-endian swaps on its side.
 */
#ifndef PETREL_MEMORY_H
#define PETREL_MEMORY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SHIFT 12
#define GUEST_PAGE_SIZE  (1ull << GUEST_PAGE_SHIFT)

/*
 * A device's accessors.  vcpu is the index of the vCPU making the access:
 * some devices show each vCPU its own registers at one address (the XIVE
 * TIMA, irq/xive.c).
 */
struct mmio_ops {
    uint64_t (*read)(void *opaque, unsigned vcpu, uint64_t offset, unsigned size);
    void (*write)(void *opaque, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value);
};

struct mmio_region {
    uint64_t base, size;
    const struct mmio_ops *ops;
    void *opaque;
    const char *name;
};

struct guest_mem {
    uint8_t *ram;
    uint64_t ram_size;
    struct mmio_region *mmio;
    unsigned n_mmio;
    /*
     * Self-modifying code tracking, per RAM page: page_code says some vCPU
     * holds decoded instructions for the page; page_gen is bumped by every
     * write to such a page, and decoded pages re-validate against it at
     * context-synchronising points (Power ISA Book II 1.8, instruction
     * storage).
     */
    uint8_t *page_code;
    uint32_t *page_gen;
    /*
     * CPUs to tell when a page first holds code: each drops its write-TLB
     * entries so its stores to the page take the tracked slow path.
     */
    struct code_watcher *watchers;
    unsigned n_watchers;
    pthread_mutex_t watch_lock;
};

struct code_watcher {
    volatile uint32_t *flags;
    uint32_t bit;
};

int guest_mem_init(struct guest_mem *mem, uint64_t ram_size);
void guest_mem_destroy(struct guest_mem *mem);
/* Adds an MMIO region; fails (-1) on overlap with RAM or another region. */
int guest_mem_add_mmio(struct guest_mem *mem, const struct mmio_region *r);
const struct mmio_region *guest_mem_find_mmio(const struct guest_mem *mem, uint64_t pa);

static inline bool guest_ram_contains(const struct guest_mem *mem, uint64_t pa, uint64_t len)
{
    return pa < mem->ram_size && len <= mem->ram_size - pa;
}

/* A CPU asks to have `bit` ORed into *flags whenever a page first holds
 * decoded code (guest_mem_code_added); unwatch before it goes away. */
int guest_mem_watch_code(struct guest_mem *mem, volatile uint32_t *flags, uint32_t bit);
void guest_mem_unwatch_code(struct guest_mem *mem, volatile uint32_t *flags);
void guest_mem_code_added(struct guest_mem *mem);
/* Forgets which pages held code (after every CPU dropped its decoded code). */
void guest_mem_forget_code(struct guest_mem *mem);

/* A write to RAM page pfn: if decoded code lives there, bump its
 * generation so the code is re-validated. */
static inline void guest_page_note_write(struct guest_mem *mem, uint64_t pfn)
{
    if (__atomic_load_n(&mem->page_code[pfn], __ATOMIC_ACQUIRE))
        __atomic_add_fetch(&mem->page_gen[pfn], 1, __ATOMIC_RELEASE);
}

/* Host writes into guest RAM (loading images, DMA) go through this so that
 * decoded code in the range is dropped. */
void guest_ram_write(struct guest_mem *mem, uint64_t pa, const void *src, uint64_t len);
void guest_ram_note_write(struct guest_mem *mem, uint64_t pa, uint64_t len);

#endif
