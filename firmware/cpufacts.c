/*
 * The CPU models petrel offers and the architecture levels they run at
 * (spec/device-tree.md §4, spec/cas.md §2.2).
 */
#include <stddef.h>

#include <petrel/layout.h>

#include "cpufacts.h"

/*
 * ibm,pa-features per level: the bytes of device-tree.md §4.1 with byte
 * 1 = 0x1f (no cache-inhibited large pages promised), TM (byte 22) and
 * DAWR1 (byte 64) off because petrel has neither.
 */
static const uint8_t pa_features_207[] = {
    0x18, 0x00,                         /* 24 feature bytes, descriptor type 0 */
    0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, /* 0: MMU FPU CTRL NX; 5: true LE */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, /* 6 */
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00, /* 12 */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 18; 22: TM off */
};

static const uint8_t pa_features_300[] = {
    0x42, 0x00,                         /* 66 feature bytes, descriptor type 0 */
    0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, /* 0: MMU FPU CTRL NX; 5: true LE */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, /* 6 */
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00, /* 12 */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 18; 22: TM off */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 24 */
    0x80, 0x00, 0x80, 0x00, 0xc0, 0x00, /* 30 */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 36; 40: radix MMU */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 42 */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 48 */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 54 */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 60; 64: DAWR1 off */
};

const struct arch_level arch_levels[] = {
    {PVR_COMPAT_POWER8, pa_features_207, sizeof(pa_features_207)},
    {PVR_COMPAT_POWER9, pa_features_300, sizeof(pa_features_300)},
};
const unsigned n_arch_levels = sizeof(arch_levels) / sizeof(arch_levels[0]);

/* Radix page sizes with their AP codes (§4.3): 4K/0, 64K/5, 2M/1, 1G/2. */
static const uint32_t radix_ap_power9[] = {0x0000000c, 0xa0000010, 0x20000015, 0x4000001e};

/*
 * Hash MMU (§4.2), the same on POWER8 and POWER9: per base page size
 * (shift, SLB L||LP encoding, count) then count x (actual page shift, PTE
 * LP encoding).  4K, 64K, 16M and 16G base pages, 64K and 16M pages in 4K
 * segments and 16M pages in 64K segments (MPSS).
 */
const uint32_t segment_page_sizes[] = {
    12, 0x000, 3, 12, 0x0, 16, 0x7, 24, 0x38, /* 4K segments */
    16, 0x110, 2, 16, 0x1, 24, 0x8,           /* 64K */
    24, 0x100, 1, 24, 0x0,                    /* 16M */
    34, 0x120, 1, 34, 0x3,                    /* 16G */
};
const unsigned n_segment_page_sizes = sizeof(segment_page_sizes) / sizeof(segment_page_sizes[0]);

/* 256 MiB and 1 TiB segments; -1 ends the list (§4). */
const uint32_t segment_sizes[] = {28, 40, 0xffffffff, 0xffffffff};
const unsigned n_segment_sizes = sizeof(segment_sizes) / sizeof(segment_sizes[0]);

static const struct cpu_model cpu_models[] = {
    {
        .family = PVR_POWER9 >> 16,
        .name = "PowerPC,POWER9",
        .level = LEVEL_300,
        .radix_ap = radix_ap_power9,
        .radix_ap_len = sizeof(radix_ap_power9) / sizeof(radix_ap_power9[0]),
        .mmu_pid_bits = 20,
        .dec_bits = 56,
        .cache_line = 128,
        .l1_size = 0x8000,
        .slb_size = 32,
    },
    {
        .family = PVR_POWER8 >> 16,
        .name = "PowerPC,POWER8",
        .level = LEVEL_207,
        .cache_line = 128,
        .l1_size = 0x8000,
        .slb_size = 32,
    },
};

const struct cpu_model *cpu_model_find(uint32_t pvr)
{
    for (unsigned i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++)
        if (cpu_models[i].family == pvr >> 16)
            return &cpu_models[i];
    return NULL;
}

const struct arch_level *arch_level_find(uint32_t logical_pvr)
{
    for (unsigned i = 0; i < n_arch_levels; i++)
        if (arch_levels[i].logical_pvr == logical_pvr)
            return &arch_levels[i];
    return NULL;
}

const struct arch_level *arch_level_limit(uint32_t pvr)
{
    const struct cpu_model *m = cpu_model_find(pvr);

    return m ? m->level : arch_level_find(pvr);
}

const char *cpu_plan_make(const struct hw_facts *hw, struct cpu_plan *p)
{
    const struct arch_level *limit;

    p->model = cpu_model_find(hw->pvr);
    if (!p->model)
        return "no device-tree facts for this CPU's PVR";
    p->level = p->model->level;
    p->cpu_version = hw->pvr;
    if (hw->max_compat_pvr) {
        limit = arch_level_limit(hw->max_compat_pvr);
        if (!limit)
            return "unknown max-cpu-compat level";
        if (limit < p->level)
            p->level = limit;
        p->cpu_version = p->level->logical_pvr;
    }
    return NULL;
}
