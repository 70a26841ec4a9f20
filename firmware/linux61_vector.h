/*
 * The architecture vector Linux 6.1's prom_init hands to
 * ibm,client-architecture-support (spec/cas.md §2), byte for byte.  The
 * firmware sends it to its own CAS for -M pseries,dumpdtb= and for the
 * flattened-tree boot, so those trees are the ones a 6.1 kernel gets on
 * the Open Firmware path; tests/unit/test_cas.c and the Open Firmware test
 * client (tests/guest/kernel-of-cas.c) use the same definition.
 */
#ifndef FW_LINUX61_VECTOR_H
#define FW_LINUX61_VECTOR_H

#include <stdint.h>

#define LINUX61_VECTOR_SIZE 445
#define LINUX61_NR_CPUS     2048 /* Debian's CONFIG_NR_CPUS */

/* Where each part starts (cas.md §2.1): the length byte of each vector. */
#define LINUX61_VEC_COUNT_OFFSET 112
#define LINUX61_OV1_OFFSET       113
#define LINUX61_OV2_OFFSET       117
#define LINUX61_OV3_OFFSET       151
#define LINUX61_OV4_OFFSET       154
#define LINUX61_OV5_OFFSET       157
#define LINUX61_OV6_OFFSET       184
#define LINUX61_OV7_OFFSET       188
/* Offset of OV5 byte n (1-based, LoPAPR numbering). */
#define LINUX61_OV5_BYTE(n) (LINUX61_OV5_OFFSET + (n))

/* The vector before prom_init adapts it (LINUX61_VECTOR_SIZE bytes):
 * hash, XICS, no GTSE, NR_CPUS cores. */
extern const uint8_t *const linux61_vector_template;

/* prom_init reads at most four (OV5 byte, value) pairs of /chosen
 * ibm,arch-vec-5-platform-support (cas.md §3). */
#define LINUX61_PLATFORM_SUPPORT_MAX 8

/*
 * The vector as prom_init sends it (prom_check_platform_support,
 * prom_send_capabilities; cas.md §3), from the two facts it reads first:
 * support[0, support_len) = the start of /chosen
 * ibm,arch-vec-5-platform-support (support_len <= 0 or support NULL:
 * absent; only LINUX61_PLATFORM_SUPPORT_MAX bytes are read) steers OV5
 * bytes 23, 24 and 26 (absent: hash and XICS); threads_per_core = the
 * length of the first cpu node's ibm,ppc-interrupt-server#s in cells
 * (outside 1 .. 64: 1) makes max_cpus = NR_CPUS / threads, rounded up.
 */
void linux61_vector_build(uint8_t out[LINUX61_VECTOR_SIZE], const uint8_t *support, int support_len,
                          uint32_t threads_per_core);

/*
 * The same from the flattened tree fdt, reading those facts as prom_init
 * reads them through the client interface (linux61_tree.c).
 */
void linux61_vector(uint8_t out[LINUX61_VECTOR_SIZE], const void *fdt);

#endif
