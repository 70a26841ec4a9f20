/*
 * The virtio-rng kernel: booted with -kernel on the flattened-tree path
 * with -device virtio-rng-pci.  Through kernel-virtiolib's driver
 * (virtio 1.0 §5.4): the device fills the writable buffers it is given --
 * not with zeroes, and two reads differ -- reports how much it wrote, and
 * skips readable ones; a malformed chain (a next index past the queue, a
 * loop, a buffer no TCE maps) sets DEVICE_NEEDS_RESET and the device
 * stops until the driver resets it, after which it works again.
 * Prints "rng: N checks, 0 failed" and powers off with 0 when all hold.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <petrel/virtio.h>

#include "kernel-virtiolib.h"

#define QSIZE 8u
#define LEN   64u

static uint8_t ring[VQ_BYTES] __attribute__((aligned(4096)));
static uint8_t bufs[4][4096] __attribute__((aligned(4096)));

static bool all_zero(const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Polls the used ring a while: the element's length, or -1 if none. */
static int64_t wait_used(struct vq *vq, uint16_t want_head)
{
    uint16_t head;
    uint32_t len;

    for (unsigned i = 0; i < 100000; i++)
        if (vq_take(vq, &head, &len)) {
            CHECK(head == want_head);
            return len;
        }
    return -1;
}

static void start(struct vdev *v)
{
    CHECK(virtio_start(v, 0) & VIRTIO_STATUS_FEATURES_OK);
    CHECK(virtio_queue(v, 0, QSIZE, ring));
    virtio_ready(v);
    CHECK(virtio_status(v) == 0x0f);
}

/* One writable buffer of LEN bytes: filled, and the used length says so. */
static void check_fill(struct vdev *v)
{
    struct vq *vq = &v->vq[0];

    memset(bufs[0], 0, sizeof(bufs[0]));
    memset(bufs[1], 0, sizeof(bufs[1]));
    vq_desc(vq, 0, (uintptr_t)bufs[0], LEN, VIRTQ_DESC_F_WRITE, 0);
    vq_desc(vq, 1, (uintptr_t)bufs[1], LEN, VIRTQ_DESC_F_WRITE, 0);
    vq_post(vq, 0);
    vq_post(vq, 1);
    vq_kick(v, 0);
    CHECK(wait_used(vq, 0) == LEN);
    CHECK(wait_used(vq, 1) == LEN);
    CHECK(!all_zero(bufs[0], LEN));
    CHECK(!all_zero(bufs[1], LEN));
    CHECK(memcmp(bufs[0], bufs[1], LEN) != 0);
    CHECK(all_zero(bufs[0] + LEN, 64)); /* nothing past the buffer */
    /* A chain: a readable descriptor (skipped), then two writable ones. */
    memset(bufs[2], 0xab, 32);
    memset(bufs[0], 0, sizeof(bufs[0]));
    vq_desc(vq, 2, (uintptr_t)bufs[2], 32, VIRTQ_DESC_F_NEXT, 3);
    vq_desc(vq, 3, (uintptr_t)bufs[0], 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 4);
    vq_desc(vq, 4, (uintptr_t)bufs[0] + 16, 16, VIRTQ_DESC_F_WRITE, 0);
    vq_post(vq, 2);
    vq_kick(v, 0);
    CHECK(wait_used(vq, 2) == 32);
    CHECK(!all_zero(bufs[0], 16) && !all_zero(bufs[0] + 16, 16));
    CHECK(bufs[2][0] == 0xab && bufs[2][31] == 0xab); /* the readable one untouched */
    CHECK(!(virtio_status(v) & VIRTIO_STATUS_NEEDS_RESET));
}

/* A malformed chain: the device stops, fills nothing, until reset. */
static void check_malformed(struct vdev *v, const char *what, unsigned head)
{
    struct vq *vq = &v->vq[0];

    memset(bufs[3], 0, sizeof(bufs[3]));
    vq_post(vq, (uint16_t)head);
    vq_kick(v, 0);
    CHECK(virtio_status(v) & VIRTIO_STATUS_NEEDS_RESET);
    CHECK(vq_used_pending(vq) == 0);
    /* Still stopped: a good buffer now gets nothing. */
    vq_desc(vq, 7, (uintptr_t)bufs[3], LEN, VIRTQ_DESC_F_WRITE, 0);
    vq_post(vq, 7);
    vq_kick(v, 0);
    CHECK(vq_used_pending(vq) == 0);
    CHECK(all_zero(bufs[3], LEN));
    if (failures) {
        puts_("rng: after ");
        puts_(what);
        puts_("\n");
    }
    /* Reset and start again: it fills. */
    virtio_reset(v);
    CHECK(virtio_status(v) == 0);
    start(v);
    check_fill(v);
}

void kernel_main(uint64_t r3)
{
    struct vdev v;
    struct vq *vq = &v.vq[0];

    check_prefix = "rng";
    rtas_init(r3);
    if (!virtio_find(PETREL_VIRTIO_DEVICE(PETREL_VIRTIO_ID_RNG), &v))
        fail("no virtio-rng in the tree");
    CHECK(dma_map(&v.fn, bufs, sizeof(bufs)));
    start(&v);
    check_fill(&v);
    puts_("rng: filled\n");

    /* A next index past the queue, to a good descriptor in the table's
     * memory beyond it: only the index is wrong. */
    vq_desc(vq, 5, (uintptr_t)bufs[3], LEN, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, QSIZE + 3);
    vq_desc(vq, QSIZE + 3, (uintptr_t)bufs[3] + LEN, LEN, VIRTQ_DESC_F_WRITE, 0);
    check_malformed(&v, "a next past the queue", 5);
    /* A loop, 5 -> 6 -> 5, of empty buffers: nothing but the count of
     * descriptors can end it. */
    vq_desc(vq, 5, (uintptr_t)bufs[3], 0, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 6);
    vq_desc(vq, 6, (uintptr_t)bufs[3] + 8, 0, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 5);
    check_malformed(&v, "a loop", 5);
    /* A buffer no TCE maps (past the mapped pages). */
    vq_desc(vq, 5, 0x3f000000, LEN, VIRTQ_DESC_F_WRITE, 0);
    check_malformed(&v, "an unmapped buffer", 5);
    /* A head past the queue. */
    check_malformed(&v, "a head past the queue", QSIZE + 1);
    report();
}
