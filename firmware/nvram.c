/*
 * The NVRAM's layout is the firmware's business: the host only stores
 * bytes (PETREL_H_NVRAM_READ / _WRITE).  The OS expects CHRP partitions
 * (spec/device-tree.md §7.2; LoPAPR 8.3, "NVRAM"): a chain of 16-byte
 * headers -- signature, checksum, length in 16-byte blocks (big-endian,
 * header included), 12-byte name -- covering the whole NVRAM, with a free
 * partition Linux carves its own (ibm,rtas-log, lnx,oops-log) out of.
 * A new or damaged NVRAM is formatted as a 4 KiB "common" system
 * partition (the Open Firmware configuration, empty) and one free
 * partition; a valid one is left exactly as it is.
 */
#include <stdio.h>
#include <string.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware.h"
#include "hcall.h"

#define NVRAM_HEADER      16
#define NVRAM_SIG_SYSTEM  0x70
#define NVRAM_SIG_FREE    0x7f
#define NVRAM_SYSTEM_SIZE 0x1000

static uint8_t header[NVRAM_HEADER] __attribute__((aligned(16)));
static uint8_t zeroes[512] __attribute__((aligned(16)));

/*
 * The header checksum as the OS checks it: the signature, the length and
 * the name's six 16-bit words summed, folded to 16 bits once, then the two
 * bytes added with end-around carry.  (A byte-wise end-around sum differs
 * in rare carry cases; Linux's pseries scan stops at a header whose sum
 * it disagrees with.)
 */
static uint8_t nvram_checksum(const uint8_t *h)
{
    uint32_t sum = h[0];

    for (int i = 2; i < NVRAM_HEADER; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    sum = ((sum & 0xffff) + (sum >> 16)) & 0xffff;
    return (uint8_t)((sum + ((sum >> 8) + (sum << 8))) >> 8);
}

static long nvram_io(unsigned long op, uint32_t offset, const void *buf, uint32_t len)
{
    return hcall4(op, offset, (unsigned long)(uintptr_t)buf, len, 0, NULL);
}

/* Number of partitions if the chain is valid and covers the NVRAM
 * exactly, else 0. */
static unsigned nvram_partitions(uint32_t size)
{
    unsigned n = 0;

    for (uint32_t off = 0; off < size; n++) {
        uint32_t len;
        if (nvram_io(PETREL_H_NVRAM_READ, off, header, NVRAM_HEADER) != H_SUCCESS ||
            nvram_checksum(header) != header[1])
            return 0;
        len = (uint32_t)(header[2] << 8 | header[3]) * 16;
        if (len < NVRAM_HEADER || len > size - off)
            return 0;
        off += len;
    }
    return n;
}

static void nvram_write_header(uint32_t off, uint8_t sig, uint32_t len, const char *name)
{
    memset(header, 0, sizeof(header));
    header[0] = sig;
    header[2] = (uint8_t)((len / 16) >> 8);
    header[3] = (uint8_t)(len / 16);
    memcpy(header + 4, name, strnlen(name, 12));
    header[1] = nvram_checksum(header);
    nvram_io(PETREL_H_NVRAM_WRITE, off, header, NVRAM_HEADER);
}

void nvram_prepare(const struct hw_facts *hw)
{
    unsigned n;

    if (!hw->nvram_size)
        return;
    n = nvram_partitions(hw->nvram_size);
    if (n) {
        printf("  nvram %u KiB, %u partitions\n", hw->nvram_size >> 10, n);
        return;
    }
    for (uint32_t off = NVRAM_HEADER; off < NVRAM_SYSTEM_SIZE; off += sizeof(zeroes))
        nvram_io(PETREL_H_NVRAM_WRITE, off, zeroes,
                 NVRAM_SYSTEM_SIZE - off < sizeof(zeroes) ? NVRAM_SYSTEM_SIZE - off
                                                          : sizeof(zeroes));
    nvram_write_header(0, NVRAM_SIG_SYSTEM, NVRAM_SYSTEM_SIZE, "common");
    nvram_write_header(NVRAM_SYSTEM_SIZE, NVRAM_SIG_FREE, hw->nvram_size - NVRAM_SYSTEM_SIZE,
                       "wwwwwwwwwwww");
    printf("  nvram %u KiB, formatted\n", hw->nvram_size >> 10);
}
