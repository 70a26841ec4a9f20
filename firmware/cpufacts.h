/*
 * What the firmware knows about the CPUs petrel offers: each model's
 * device-tree facts and the architecture levels a vCPU can run at
 * (spec/device-tree.md §4, spec/cas.md §2.2).  Pure data and lookups,
 * shared by the tree builder (devtree.c) and CAS (cas.c), and compiled
 * into their host unit tests.
 */
#ifndef FW_CPUFACTS_H
#define FW_CPUFACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "firmware.h"

/*
 * An architecture level: the logical PVR that names it and its
 * ibm,pa-features (2-byte header, then the feature bytes; §4.1).
 */
struct arch_level {
    uint32_t logical_pvr;
    const uint8_t *pa_features;
    unsigned pa_features_len;
};

/* Oldest first: a level is "at most" another by its place in the table. */
extern const struct arch_level arch_levels[];
extern const unsigned n_arch_levels;
#define LEVEL_207 (&arch_levels[0]) /* ISA 2.07, POWER8 */
#define LEVEL_300 (&arch_levels[1]) /* ISA 3.00, POWER9 */

/* ibm,pa-features feature byte 40, bit 0 (0x80): the radix MMU.  Offset
 * counts the 2-byte header. */
#define PA_FEATURES_RADIX_OFFSET (2 + 40)
#define PA_FEATURES_RADIX_BIT    0x80

/* One row per CPU model petrel offers, keyed by PVR family (bits 0:15). */
struct cpu_model {
    uint16_t family;
    const char *name;               /* node name; Linux matches device_type, not this */
    const struct arch_level *level; /* newest level the CPU implements */
    const uint32_t *radix_ap;       /* radix page sizes and AP codes; NULL: no radix */
    unsigned radix_ap_len;
    uint32_t mmu_pid_bits; /* radix PID width; 0: not radix */
    uint32_t dec_bits;     /* large decrementer width (cpu.md §1.1); 0: 32-bit only */
    uint32_t cache_line;   /* L1 block = line size: dcbz clears this much */
    uint32_t l1_size;      /* L1 d- and i-cache size */
    uint32_t slb_size;     /* SLB entries (hash) */
};

/* The model of a raw PVR, or NULL. */
const struct cpu_model *cpu_model_find(uint32_t pvr);
/* The level a logical PVR names, or NULL. */
const struct arch_level *arch_level_find(uint32_t logical_pvr);
/* max-cpu-compat names a model (its raw PVR) or a logical PVR: its level. */
const struct arch_level *arch_level_limit(uint32_t pvr);

/* Hash MMU facts shared by every model (§4.2, §4). */
extern const uint32_t segment_page_sizes[];
extern const unsigned n_segment_page_sizes;
extern const uint32_t segment_sizes[];
extern const unsigned n_segment_sizes;

/*
 * The vCPUs at power-on.  Like QEMU at machine reset (cas.md §2.2 step 4),
 * a max-cpu-compat limit puts them in that compat mode from power-on:
 * cpu-version is its logical PVR and the pa-features are that level's; the
 * raw PVR is shown otherwise.
 */
struct cpu_plan {
    const struct cpu_model *model;
    const struct arch_level *level; /* newest level allowed: model and limit */
    uint32_t cpu_version;
};

/* NULL, or why the facts name no CPU the firmware can describe. */
const char *cpu_plan_make(const struct hw_facts *hw, struct cpu_plan *p);

#endif
