/*
 * The RTAS image in the firmware: its /rtas description and its
 * instantiation (rtas.h, rtas/image.h).  The image is position
 * independent but linked at 0; the words it holds addresses in are listed
 * after it, and each gets the base added here ("relocates if needed").
 */
#include <string.h>

#include "rtas.h"
#include "rtas/image.h"

/* The blob the build embedded (rtas/meson.build, rtas_blob.S). */
extern const uint8_t petrel_rtas[], petrel_rtas_end[];

/* The token rows, from the same table the image's dispatcher expands. */
static const struct devtree_rtas_call rtas_calls[] = {
#define RTAS_CALL(name, token, nargs, nret, handler) {name, token},
#include "rtas/calls.def"
#undef RTAS_CALL
};

/* The error types ibm,errinjct takes, from the image's own table. */
static const struct devtree_rtas_call errinjct_types[] = {
#define RTAS_ERRINJCT(name, token, bits) {name, token},
#include "rtas/errinjct.def"
#undef RTAS_ERRINJCT
};

/* The 32-bit entry mode wraps addresses at 4 GiB (spec/rtas.md §1). */
#define RTAS_ADDR_LIMIT (1ull << 32)

const char *rtas_image_open(struct rtas_image *img, const uint8_t *blob, size_t len)
{
    const uint8_t *h = blob + RTAS_HEADER_OFFSET;

    memset(img, 0, sizeof(*img));
    if (len < RTAS_HEADER_OFFSET + RTAS_HEADER_SIZE)
        return "too short for a header";
    if (rtas_be32(h + RTAS_HDR_MAGIC) != RTAS_IMAGE_MAGIC ||
        rtas_be32(h + RTAS_HDR_VERSION) != RTAS_IMAGE_VERSION)
        return "no RTAS header";
    img->blob = blob;
    img->image_size = rtas_be32(h + RTAS_HDR_IMAGE_SIZE);
    img->fixed_size = rtas_be32(h + RTAS_HDR_REGION_SIZE);
    img->cpu_area = rtas_be32(h + RTAS_HDR_CPU_AREA);
    img->entry = rtas_be32(h + RTAS_HDR_ENTRY);
    img->state = rtas_be32(h + RTAS_HDR_STATE);
    img->align = rtas_be32(h + RTAS_HDR_ALIGN);
    if (img->image_size > len || (len - img->image_size) % 4 || img->image_size > img->fixed_size ||
        img->entry >= img->image_size || img->cpu_area != 1u << RTAS_CPU_AREA_SHIFT ||
        img->state > img->image_size - RTAS_STATE_SIZE || !img->align ||
        (img->align & (img->align - 1)))
        return "inconsistent header";
    img->relocs = blob + img->image_size;
    img->nrelocs = (uint32_t)((len - img->image_size) / 4);
    for (uint32_t i = 0; i < img->nrelocs; i++) {
        uint32_t off = rtas_be32(img->relocs + 4 * i);
        if (off % 8 || off > img->image_size - 8)
            return "a relocation outside the image";
    }
    return NULL;
}

const struct rtas_image *rtas_builtin(void)
{
    static struct rtas_image img;
    static int state; /* 0 unchecked, 1 good, -1 bad */

    if (!state)
        state =
            rtas_image_open(&img, petrel_rtas, (size_t)(petrel_rtas_end - petrel_rtas)) ? -1 : 1;
    return state > 0 ? &img : NULL;
}

uint32_t rtas_region_size(const struct rtas_image *img, uint32_t max_cpus)
{
    return img->fixed_size + max_cpus * img->cpu_area;
}

void rtas_describe(const struct rtas_image *img, uint32_t max_cpus, struct devtree_rtas *out)
{
    out->calls = rtas_calls;
    out->ncalls = sizeof(rtas_calls) / sizeof(rtas_calls[0]);
    out->errinjct = errinjct_types;
    out->nerrinjct = sizeof(errinjct_types) / sizeof(errinjct_types[0]);
    out->size = rtas_region_size(img, max_cpus);
    out->version = 1; /* rtas-version: the PAPR interface level, as on every pseries */
}

uint64_t rtas_instantiate(const struct rtas_image *img, uintptr_t ram, uint64_t base,
                          const struct hw_facts *hw)
{
    uint64_t limit = hw->ram_size < RTAS_ADDR_LIMIT ? hw->ram_size : RTAS_ADDR_LIMIT;
    uint32_t size = rtas_region_size(img, hw->max_cpus);
    uint8_t *dst, *state;

    if (base & (img->align - 1) || base > limit || size > limit - base)
        return 0;
    dst = (uint8_t *)(ram + base);
    memcpy(dst, img->blob, img->image_size);
    memset(dst + img->image_size, 0, size - img->image_size);
    for (uint32_t i = 0; i < img->nrelocs; i++) {
        uint8_t *w = dst + rtas_be32(img->relocs + 4 * i);
        rtas_put_be64(w, rtas_be64(w) + base);
    }
    state = dst + img->state;
    rtas_put_be64(state + RTAS_STATE_RAM_SIZE, hw->ram_size);
    rtas_put_be32(state + RTAS_STATE_VTERM, hw->vterm);
    rtas_put_be32(state + RTAS_STATE_TRACE, hw->trace_mask);
    rtas_put_be32(state + RTAS_STATE_MAX_CPUS, hw->max_cpus);
    rtas_put_be32(state + RTAS_STATE_CPUS, hw->ncpus);
    rtas_put_be32(state + RTAS_STATE_NVRAM_SIZE, hw->nvram_size);
    rtas_put_be32(state + RTAS_STATE_TB_FREQ, hw->tb_freq);
    rtas_put_be32(state + RTAS_STATE_PHBS, hw->phbs);
    return base + img->entry;
}
