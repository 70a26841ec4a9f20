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
    img->region_size = rtas_be32(h + RTAS_HDR_REGION_SIZE);
    img->entry = rtas_be32(h + RTAS_HDR_ENTRY);
    img->state = rtas_be32(h + RTAS_HDR_STATE);
    img->align = rtas_be32(h + RTAS_HDR_ALIGN);
    if (img->image_size > len || (len - img->image_size) % 4 ||
        img->image_size > img->region_size || img->entry >= img->image_size ||
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

void rtas_describe(const struct rtas_image *img, struct devtree_rtas *out)
{
    out->calls = rtas_calls;
    out->ncalls = sizeof(rtas_calls) / sizeof(rtas_calls[0]);
    out->size = img->region_size;
    out->version = 1; /* rtas-version: the PAPR interface level, as on every pseries */
}

uint64_t rtas_instantiate(const struct rtas_image *img, uintptr_t ram, uint64_t ram_size,
                          uint64_t base, uint32_t vterm, uint32_t trace)
{
    uint64_t limit = ram_size < RTAS_ADDR_LIMIT ? ram_size : RTAS_ADDR_LIMIT;
    uint8_t *dst;

    if (base & (img->align - 1) || base > limit || img->region_size > limit - base)
        return 0;
    dst = (uint8_t *)(ram + base);
    memcpy(dst, img->blob, img->image_size);
    memset(dst + img->image_size, 0, img->region_size - img->image_size);
    for (uint32_t i = 0; i < img->nrelocs; i++) {
        uint8_t *w = dst + rtas_be32(img->relocs + 4 * i);
        rtas_put_be64(w, rtas_be64(w) + base);
    }
    rtas_put_be64(dst + img->state + RTAS_STATE_RAM_SIZE, ram_size);
    rtas_put_be32(dst + img->state + RTAS_STATE_VTERM, vterm);
    rtas_put_be32(dst + img->state + RTAS_STATE_TRACE, trace);
    return base + img->entry;
}
