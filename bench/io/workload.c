/*
 * bench/io's guest payload: 4 KiB virtio-blk reads and writes, sequential
 * and random, 32 requests in flight, timed by the timebase.  One C file,
 * linked twice: as a -kernel ELF for petrel (its firmware assigned the
 * BARs and instantiated RTAS; r3 = the tree) and as a -bios image for
 * qemu-system-ppc64 -M pseries (r3 = QEMU's own tree, no firmware: the
 * payload assigns the BARs from the PHB's ranges and calls RTAS through
 * KVMPPC_H_RTAS).  Everything it needs -- the PHB, the device, its
 * windows, the DMA window, the timebase frequency -- comes from the tree
 * (tests/guest/kernel-pcilib.c, kernel-virtiolib.c).
 *
 * The image (run.py makes it) holds the parameters in sector 0:
 * "petrel-bench-io" and a NUL, then big-endian 64-bit: requests per pass
 * and the image's size in 4 KiB blocks.  Block b >= 1 starts with b as a
 * big-endian 64-bit tag (written back by the write passes with the top
 * bit set); every read checks it.  Passes: sequential read, random read,
 * sequential write, random write (blocks 1 .. blocks - 1; random: an
 * xorshift).  VIRTIO_BLK_F_FLUSH is negotiated, as Linux does, so both
 * devices may complete writes from the host's page cache; one flush
 * follows the passes, untimed.  Prints for each "io: PASS REQUESTS
 * TICKS" and then "io: tb FREQ", "io: errors N", and powers off.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/papr.h>
#include <petrel/service.h>
#include <petrel/virtio.h>

#include "hcall.h"
#include "kernel-virtiolib.h"

#define QSIZE    128u
#define INFLIGHT 32u
#define BLOCK    4096u

static uint8_t ring[VQ_BYTES] __attribute__((aligned(4096)));
static uint8_t data[INFLIGHT][BLOCK] __attribute__((aligned(4096)));
static uint8_t hdr[INFLIGHT][16] __attribute__((aligned(4096)));
static uint8_t status[INFLIGHT][16];
static uint64_t slot_block[INFLIGHT];
static struct vdev v;
static uint64_t errors, blocks;

static uint64_t mftb(void)
{
    uint64_t t;

    __asm__ volatile("mftb %0" : "=r"(t));
    return t;
}

static uint64_t be64_at(const uint8_t *p)
{
    uint64_t x = 0;

    for (int i = 0; i < 8; i++)
        x = x << 8 | p[i];
    return x;
}

static void put_be64(uint8_t *p, uint64_t x)
{
    for (int i = 7; i >= 0; i--, x >>= 8)
        p[i] = (uint8_t)x;
}

/* Request in slot s: type, 512-byte sector, len data bytes. */
static void issue(unsigned s, uint32_t type, uint64_t sector, uint32_t len)
{
    struct vq *vq = &v.vq[0];
    uint16_t d = (uint16_t)(3 * s);

    put_le(hdr[s], 4, type);
    put_le(hdr[s] + 4, 4, 0);
    put_le(hdr[s] + 8, 8, sector);
    status[s][0] = 0xee;
    /* No data descriptor for a request without data (a flush). */
    vq_desc(vq, d, (uintptr_t)hdr[s], 16, VIRTQ_DESC_F_NEXT, (uint16_t)(len ? d + 1 : d + 2));
    vq_desc(vq, d + 1u, (uintptr_t)data[s], len,
            VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0),
            (uint16_t)(d + 2));
    vq_desc(vq, d + 2u, (uintptr_t)status[s], 1, VIRTQ_DESC_F_WRITE, 0);
    vq_post(vq, d);
}

/* The next completed slot (polling). */
static unsigned reap(void)
{
    uint16_t head;
    uint32_t len;

    while (!vq_take(&v.vq[0], &head, &len))
        ;
    if (status[head / 3][0] != VIRTIO_BLK_S_OK)
        errors++;
    return head / 3u;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_block(bool random, uint64_t i)
{
    if (!random)
        return 1 + i % (blocks - 1);
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return 1 + rng_state % (blocks - 1);
}

/* One pass of n requests, INFLIGHT at a time; its timebase ticks. */
static uint64_t pass(bool write, bool random, uint64_t n)
{
    uint64_t issued = 0, done = 0, t0 = mftb();
    unsigned free_slots[INFLIGHT], nfree = INFLIGHT;

    for (unsigned s = 0; s < INFLIGHT; s++)
        free_slots[s] = INFLIGHT - 1 - s;
    while (done < n) {
        bool kicked = false;
        while (nfree && issued < n) {
            unsigned s = free_slots[--nfree];
            uint64_t b = next_block(random, issued++);
            slot_block[s] = b;
            if (write)
                put_be64(data[s], b | 1ull << 63);
            issue(s, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, b * (BLOCK / 512), BLOCK);
            kicked = true;
        }
        if (kicked)
            vq_kick(&v, 0);
        {
            unsigned s = reap();
            uint64_t tag = be64_at(data[s]);
            if (!write && (tag & ~(1ull << 63)) != slot_block[s])
                errors++;
            free_slots[nfree++] = s;
            done++;
        }
        /* Everything else already done, without waiting. */
        while (vq_used_pending(&v.vq[0])) {
            unsigned s = reap();
            uint64_t tag = be64_at(data[s]);
            if (!write && (tag & ~(1ull << 63)) != slot_block[s])
                errors++;
            free_slots[nfree++] = s;
            done++;
        }
    }
    return mftb() - t0;
}

static uint32_t timebase_frequency(void)
{
    for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
         node = fdt_next_node(fdt, node, NULL)) {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        if (type && !strcmp(type, "cpu"))
            return prop_u32(node, "timebase-frequency", NULL);
    }
    return 0;
}

/* petrel's power-off service; under QEMU it is not there, so RTAS's. */
static void __attribute__((noreturn)) bench_exit(unsigned st)
{
    uint32_t in[2] = {0, 0};

    hcall4(PETREL_H_POWER_OFF, st, 0, 0, 0, NULL);
    rtas_call("power-off", 2, 1, in, NULL);
    for (;;)
        ;
}

static void line(const char *name, uint64_t n, uint64_t ticks)
{
    puts_("io: ");
    puts_(name);
    puts_(" ");
    put_dec((int64_t)n);
    puts_(" ");
    put_dec((int64_t)ticks);
    puts_("\n");
}

void kernel_main(uint64_t r3)
{
    static const struct {
        const char *name;
        bool write, random;
    } passes[] = {
        {"seq-read", false, false},
        {"rand-read", false, true},
        {"seq-write", true, false},
        {"rand-write", true, true},
    };
    uint64_t n;

    check_prefix = "io";
    rtas_init(r3);
    if (!virtio_find(PETREL_VIRTIO_DEVICE(PETREL_VIRTIO_ID_BLK), &v)) {
        puts_("io: no virtio-blk\n");
        bench_exit(1);
    }
    if (!dma_map(&v.fn, data, sizeof(data)) || !dma_map(&v.fn, hdr, sizeof(hdr)) ||
        !dma_map(&v.fn, status, sizeof(status)) ||
        !(virtio_start(&v, 1u << VIRTIO_BLK_F_FLUSH) & VIRTIO_STATUS_FEATURES_OK) ||
        !virtio_queue(&v, 0, QSIZE, ring)) {
        puts_("io: the device did not start\n");
        bench_exit(1);
    }
    virtio_ready(&v);
    /* The parameters, sector 0. */
    issue(0, VIRTIO_BLK_T_IN, 0, 512);
    vq_kick(&v, 0);
    reap();
    if (errors || memcmp(data[0], "petrel-bench-io", 16)) {
        puts_("io: no parameters in sector 0\n");
        bench_exit(1);
    }
    n = be64_at(data[0] + 16);
    blocks = be64_at(data[0] + 24);
    if (blocks < 2 || !n) {
        puts_("io: bad parameters\n");
        bench_exit(1);
    }
    for (unsigned p = 0; p < sizeof(passes) / sizeof(passes[0]); p++)
        line(passes[p].name, n, pass(passes[p].write, passes[p].random, n));
    /* What the writes left in the host's cache reaches the disk (not
     * timed: a driver flushes when its OS syncs, not per request). */
    issue(0, VIRTIO_BLK_T_FLUSH, 0, 0);
    vq_kick(&v, 0);
    reap();
    puts_("io: tb ");
    put_dec(timebase_frequency());
    puts_("\nio: errors ");
    put_dec((int64_t)errors);
    puts_("\n");
    bench_exit(errors ? 1 : 0);
}
