/*
 * Linux 6.1's architecture vector (spec/cas.md §2), assembled field by
 * field from the tables of cas.md §2.1-§2.8.  All multi-byte fields are
 * big-endian; each option vector is a length byte (data bytes - 1) and
 * its data bytes, "byte N" counting from 1.
 *
 * Pure (no tree, no libfdt): the firmware (through linux61_tree.c), the
 * unit tests and the Open Firmware test client (tests/guest/kernel-of.c,
 * which reads the same facts through the client interface) all build the
 * vector here.
 */
#include <stdbool.h>
#include <string.h>

#include "linux61_vector.h"

#define BE32(x) (uint8_t)((x) >> 24), (uint8_t)((x) >> 16), (uint8_t)((x) >> 8), (uint8_t)(x)
#define BE16(x) (uint8_t)((x) >> 8), (uint8_t)(x)

static const union {
    struct {
        uint8_t pvr_list[14 * 8]; /* (mask, value) pairs */
        uint8_t vec_count;        /* option vectors - 1 */
        uint8_t ov1[1 + 3];
        uint8_t ov2[1 + 33];
        uint8_t ov3[1 + 2];
        uint8_t ov4[1 + 2];
        uint8_t ov5[1 + 26];
        uint8_t ov6[1 + 3];
        uint8_t ov7_len;
        char ov7[256];
    } f;
    uint8_t bytes[LINUX61_VECTOR_SIZE];
} vector = {.f = {
                .pvr_list =
                    {
                        /* §2.2: mask, value */
                        BE32(0xfffe0000),
                        BE32(0x003a0000), /* POWER5/5+ */
                        BE32(0xffff0000),
                        BE32(0x003e0000), /* POWER6 */
                        BE32(0xffff0000),
                        BE32(0x003f0000), /* POWER7 */
                        BE32(0xffff0000),
                        BE32(0x004b0000), /* POWER8E */
                        BE32(0xffff0000),
                        BE32(0x004c0000), /* POWER8NVL */
                        BE32(0xffff0000),
                        BE32(0x004d0000), /* POWER8 */
                        BE32(0xffff0000),
                        BE32(0x004e0000), /* POWER9 */
                        BE32(0xffff0000),
                        BE32(0x00800000), /* POWER10 */
                        BE32(0xffffffff),
                        BE32(0x0f000006), /* ISA 3.1 (P10 compat) */
                        BE32(0xffffffff),
                        BE32(0x0f000005), /* ISA 3.00 (P9 compat) */
                        BE32(0xffffffff),
                        BE32(0x0f000004), /* ISA 2.07 (P8 compat) */
                        BE32(0xffffffff),
                        BE32(0x0f000003), /* ISA 2.06 (P7 compat) */
                        BE32(0xffffffff),
                        BE32(0x0f000002), /* ISA 2.05 (P6 compat) */
                        /* 2.04 and earlier: value bit 0 outside the mask,
                         * so this pair also ends the list */
                        BE32(0xfffffffe),
                        BE32(0x0f000001),
                    },
                /* 6 vectors counted; OV7 follows anyway (§2.1) */
                .vec_count = 5,
                .ov1 =
                    {
                        2,    /* 3 data bytes */
                        0x00, /* 1: ignore/halt flags */
                        0xff, /* 2: PowerPC 2.00 .. 2.07 */
                        0xc0, /* 3: ISA 3.00 (0x80), ISA 3.1 (0x40) */
                    },
                .ov2 =
                    {
                        32,               /* 33 data bytes */
                        0x20,             /* 1: OV2_REAL_MODE */
                        0x00, 0x00,       /* 2-3: reserved */
                        BE32(0xffffffff), /* 4-7: real_base, don't care */
                        BE32(0xffffffff), /* 8-11: real_size */
                        BE32(0xffffffff), /* 12-15: virt_base */
                        BE32(0xffffffff), /* 16-19: virt_size */
                        BE32(0xffffffff), /* 20-23: load_base */
                        BE32(512),        /* 24-27: min_rma, MiB */
                        BE32(0xffffffff), /* 28-31: min_load */
                        0,                /* 32: min_rma_percent */
                        48,               /* 33: max_pft_size, log2 bytes */
                    },
                .ov3 =
                    {
                        1,    /* 2 data bytes */
                        0x00, /* 1: don't ignore, don't halt */
                        0xe0, /* 2: FP, VMX, DFP */
                    },
                .ov4 =
                    {
                        1,    /* 2 data bytes */
                        0x00, /* 1: don't halt */
                        0x01, /* 2: minimum VP entitled capacity */
                    },
                .ov5 =
                    {
                        25,   /* 26 data bytes */
                        0x00, /* 1: flags */
                        0xf3, /* 2: LPAR 0x80, SPLPAR 0x40, DRCONF_MEMORY 0x20,
                                 LARGE_PAGES 0x10, DONATE_DEDICATE_CPU 0x02, MSI 0x01 */
                        0x00, /* 3 */
                        0x00, /* 4: CMO, XCMO: not in Debian's config */
                        0xe0, /* 5: FORM1_AFFINITY 0x80, PRRN 0x40, FORM2_AFFINITY 0x20 */
                        0x05, /* 6: HP_EVT 0x04, RESIZE_HPT 0x01 */
                        0x00, /* 7: micro-checkpoint */
                        0x00, /* 8: reserved */
                        BE32(LINUX61_NR_CPUS), /* 9-12: max_cpus (cores), set per tree */
                        BE16(0),               /* 13-14: papr_level */
                        0x00,
                        0x00, /* 15-16: reserved */
                        0xe0, /* 17: PFO_HW_RNG 0x80, PFO_HW_842 0x40, PFO_HW_ENCR 0x20 */
                        0x00, /* 18: reserved */
                        0x00,
                        0x00, /* 19-20: reserved */
                        0x01, /* 21: SUB_PROCESSORS */
                        0xc0, /* 22: DRMEM_V2 0x80, DRC_INFO 0x40 */
                        0x00, /* 23: interrupt controller, set per tree */
                        0x00, /* 24: MMU, set per tree */
                        0x00, /* 25: hash options */
                        0x00, /* 26: radix options (GTSE), set per tree */
                    },
                .ov6 =
                    {
                        2,    /* 3 data bytes */
                        0x00, /* 1: reserved */
                        0x00, /* 2: secondary PTEG */
                        0x02, /* 3: OS name: Linux */
                    },
                /* OS identification: the kernel banner, NUL-padded */
                .ov7_len = 255,
                .ov7 = "Linux version 6.1.0-28-powerpc64le (debian-kernel@lists.debian.org) "
                       "(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) "
                       "2.40) #1 SMP Debian 6.1.119-1 (2024-11-22)\n",
            }};

_Static_assert(sizeof(vector) == LINUX61_VECTOR_SIZE, "cas.md §2: 445 bytes");

const uint8_t *const linux61_vector_template = vector.bytes;

void linux61_vector_build(uint8_t out[LINUX61_VECTOR_SIZE], const uint8_t *support, int support_len,
                          uint32_t threads_per_core)
{
    bool radix = false, gtse = false, xive = false;
    uint32_t cores;

    memcpy(out, linux61_vector_template, LINUX61_VECTOR_SIZE);
    if (!support || support_len < 0)
        support_len = 0;
    /* At most four pairs are read (prom_check_platform_support). */
    if (support_len > LINUX61_PLATFORM_SUPPORT_MAX)
        support_len = LINUX61_PLATFORM_SUPPORT_MAX;
    for (int i = 0; i + 1 < support_len; i += 2) {
        uint8_t v = support[i + 1];

        switch (support[i]) {
        case 23: xive = (v & 0xc0) == 0x80 || (v & 0xc0) == 0x40; break;
        case 24: radix = (v & 0xc0) != 0x00; break; /* radix only, either, dynamic */
        case 26: gtse = v & 0x40; break;
        }
    }
    /* Radix when offered (no disable_radix here), else the template's
     * hash -- also with no property at all (a "legacy" hypervisor). */
    if (radix) {
        out[LINUX61_OV5_BYTE(24)] = 0x40;
        if (gtse)
            out[LINUX61_OV5_BYTE(26)] = 0x40;
    }
    if (xive)
        out[LINUX61_OV5_BYTE(23)] = 0x40;
    /* prom_count_smt_threads' sanity check: 1 .. 64, else 1. */
    if (threads_per_core < 1 || threads_per_core > 64)
        threads_per_core = 1;
    cores = (LINUX61_NR_CPUS + threads_per_core - 1) / threads_per_core;
    out[LINUX61_OV5_BYTE(9)] = (uint8_t)(cores >> 24);
    out[LINUX61_OV5_BYTE(10)] = (uint8_t)(cores >> 16);
    out[LINUX61_OV5_BYTE(11)] = (uint8_t)(cores >> 8);
    out[LINUX61_OV5_BYTE(12)] = (uint8_t)cores;
}
