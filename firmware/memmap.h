/*
 * Guest RAM as the client interface hands it out: which ranges are in use
 * and by whom, claim and release (IEEE 1275 "claim"/"release", spec
 * boot-and-cif.md §5.1), and the check every client pointer passes.  Pure
 * code: tests/unit/test_cif.c runs it on the host.
 */
#ifndef FW_MEMMAP_H
#define FW_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

/* Ranges in use at once: the firmware's, the kernel's, the initrd's and
 * the client's claims (prom_init makes a handful). */
#define MEMMAP_MAX 64

enum mem_owner {
    MEM_FIRMWARE,     /* firmware code, data, stacks, tree: never client memory */
    MEM_CLIENT_STACK, /* the stack the client runs on: its memory, not claimable */
    MEM_KERNEL,       /* the loaded image: the client's, not claimable */
    MEM_INITRD,
    MEM_CLAIMED, /* claimed through the client interface: releasable */
};

struct mem_range {
    uint64_t base, size;
    enum mem_owner owner;
};

struct memmap {
    uint64_t limit; /* end of addressable RAM: min(RAM size, 4 GiB) */
    unsigned n;     /* ranges, sorted by base, never overlapping */
    struct mem_range r[MEMMAP_MAX];
};

/* An empty map of [0, ram_size), cut at 4 GiB: client interface cells are
 * 32-bit. */
void memmap_init(struct memmap *m, uint64_t ram_size);

/* Marks [base, base + size) as in use by owner; -1 if it leaves RAM,
 * overlaps a range in use, or the map is full. */
int memmap_reserve(struct memmap *m, uint64_t base, uint64_t size, enum mem_owner owner);

/*
 * claim: align 0 takes exactly [addr, addr + size); otherwise the lowest
 * free range of size bytes on an align boundary (a power of two) and addr
 * is ignored.  Returns the base, or -1 if size is 0, align is not a power
 * of two, nothing fits, or the map is full.
 */
int64_t memmap_claim(struct memmap *m, uint64_t addr, uint64_t size, uint64_t align);

/* release: [addr, addr + size) must lie inside one claimed range; the rest
 * of that range stays claimed.  0, or -1 (nothing changed). */
int memmap_release(struct memmap *m, uint64_t addr, uint64_t size);

/* May the client have the firmware read or write [addr, addr + len)?  In
 * RAM and clear of MEM_FIRMWARE.  len 0 is a valid empty range anywhere
 * below the limit. */
bool memmap_client_ok(const struct memmap *m, uint64_t addr, uint64_t len);

/* Is [addr, addr + len) inside one range the client claimed? */
bool memmap_claimed(const struct memmap *m, uint64_t addr, uint64_t len);

#endif
