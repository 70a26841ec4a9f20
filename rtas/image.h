/*
 * The RTAS image as the firmware embeds and instantiates it: the contract
 * between rtas/ (which builds it) and firmware/rtas.c (which copies it into
 * the region the OS chooses, spec/boot-and-cif.md §7).
 *
 * The blob is the linked image, [0, image_size), followed by the
 * relocations: one 32-bit big-endian offset per 64-bit word that holds a
 * link-time address (the image is linked at 0), to which the base is
 * added.  Offset 0 is the entry point (a branch), so the entry is the base
 * as QEMU and SLOF have it; the header follows at RTAS_HEADER_OFFSET.  All
 * fields are big-endian, read with the accessors below so host tests can
 * use them too.
 */
#ifndef RTAS_IMAGE_H
#define RTAS_IMAGE_H

#define RTAS_IMAGE_MAGIC   0x52544153u /* "RTAS" */
#define RTAS_IMAGE_VERSION 2u
#define RTAS_HEADER_OFFSET 8

/* Header fields, byte offsets from RTAS_HEADER_OFFSET (u32 each). */
#define RTAS_HDR_MAGIC       0x00
#define RTAS_HDR_VERSION     0x04
#define RTAS_HDR_ENTRY       0x08 /* offset of the entry point */
#define RTAS_HDR_IMAGE_SIZE  0x0c /* bytes of the blob that are the image */
#define RTAS_HDR_REGION_SIZE 0x10 /* the fixed part: image and bss */
#define RTAS_HDR_STATE       0x14 /* offset of the state block */
#define RTAS_HDR_ALIGN       0x18 /* alignment the base needs (power of two) */
#define RTAS_HDR_CPU_AREA    0x1c /* bytes per CPU after the fixed part */
#define RTAS_HEADER_SIZE     0x20

/*
 * The region (rtas-size) is the fixed part followed by one area per CPU
 * the machine may have, indexed by PIR: each CPU's calls run on its own
 * stack there, because stop-self and ibm,nmi-interlock are called without
 * Linux's RTAS lock, concurrently with other calls (spec/rtas.md §1).
 */
#define RTAS_CPU_AREA_SHIFT 12

/*
 * The state block, written by the firmware after the copy (DESIGN.md walk
 * step 6): what the image must know about the machine and cannot ask for.
 * Byte offsets from RTAS_HDR_STATE.
 */
#define RTAS_STATE_RAM_SIZE   0x00 /* u64: guest RAM, [0, ram_size) */
#define RTAS_STATE_VTERM      0x08 /* u32: the console's vterm unit */
#define RTAS_STATE_TRACE      0x0c /* u32: -trace mask (PETREL_TRACE_RTAS: trace calls) */
#define RTAS_STATE_MAX_CPUS   0x10 /* u32: CPU areas in the region (PIRs 0 .. n - 1) */
#define RTAS_STATE_CPUS       0x14 /* u32: CPUs present at boot */
#define RTAS_STATE_NVRAM_SIZE 0x18 /* u32: NVRAM bytes (0: none) */
#define RTAS_STATE_TB_FREQ    0x1c /* u32: timebase ticks a second */
#define RTAS_STATE_PHBS       0x20 /* u32: PCI host bridges 0 .. n - 1 (petrel/pci.h) */
#define RTAS_STATE_SIZE       0x28

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline uint32_t rtas_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t rtas_be64(const uint8_t *p)
{
    return (uint64_t)rtas_be32(p) << 32 | rtas_be32(p + 4);
}

static inline void rtas_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void rtas_put_be64(uint8_t *p, uint64_t v)
{
    rtas_put_be32(p, (uint32_t)(v >> 32));
    rtas_put_be32(p + 4, (uint32_t)v);
}
#endif

#endif
