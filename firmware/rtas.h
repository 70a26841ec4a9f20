/*
 * The RTAS image the firmware carries (rtas/, rtas/image.h): what /rtas
 * says about it and how it is instantiated (spec/boot-and-cif.md §7).
 * Pure: memory is reached as ram + guest address, so tests/unit/test_cif.c
 * runs it on the host with the real image.
 */
#ifndef FW_RTAS_H
#define FW_RTAS_H

#include <stddef.h>
#include <stdint.h>

#include "devtree.h"
#include "firmware.h"

struct rtas_image {
    const uint8_t *blob;
    uint32_t image_size; /* bytes copied */
    uint32_t fixed_size; /* image and bss; the per-CPU areas follow */
    uint32_t cpu_area;   /* bytes per CPU */
    uint32_t entry;      /* offset of the entry point */
    uint32_t state;      /* offset of the state block */
    uint32_t align;      /* the base's alignment */
    const uint8_t *relocs;
    uint32_t nrelocs;
};

/* The image the build embedded (rtas_blob.S), checked once.  NULL if it is
 * malformed, which only a broken build can cause. */
const struct rtas_image *rtas_builtin(void);

/* Reads and checks a blob; NULL, or why it cannot be used. */
const char *rtas_image_open(struct rtas_image *img, const uint8_t *blob, size_t len);

/* rtas-size for a machine of max_cpus CPUs: the fixed part and one area
 * per CPU (rtas/image.h). */
uint32_t rtas_region_size(const struct rtas_image *img, uint32_t max_cpus);

/* /rtas as the image implements it: the token rows of rtas/calls.def and
 * rtas-size. */
void rtas_describe(const struct rtas_image *img, uint32_t max_cpus, struct devtree_rtas *out);

/*
 * Copies the image to guest real [base, base + rtas_region_size), applies
 * its relocations, zeroes its bss and CPU areas, and fills its state block
 * from the machine's facts.
 * Physical address p is host address ram + p.  Returns the entry's real
 * address, or 0 (nothing written) if the base is misaligned or the region
 * is not inside [0, ram_size) below 4 GiB (RTAS runs in 32-bit mode).  The
 * caller checks that the region is free for it, and makes the copy
 * visible to instruction fetch.
 */
uint64_t rtas_instantiate(const struct rtas_image *img, uintptr_t ram, uint64_t base,
                          const struct hw_facts *hw);

#endif
