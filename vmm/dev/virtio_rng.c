/*
 * virtio-rng (virtio 1.0 §5.4): one queue of device-writable buffers the
 * device fills with entropy from the host's getrandom(2).  Readable
 * descriptors carry nothing for this device and are skipped; a malformed
 * ring or an unreachable buffer stops the device (virtio_pci.h).
 */
#include <stdlib.h>
#include <sys/random.h>

#include "virtio_rng.h"

#include "virtio_pci.h"

#define CHUNK 4096u /* bytes per request at most: the driver asks again */

struct virtio_rng {
    struct virtio_pci vp;
    struct vq_elem elem;
    uint8_t buf[CHUNK];
};

/* Fills n bytes; false if the host has no entropy to give. */
static bool entropy(uint8_t *buf, size_t n)
{
    while (n) {
        ssize_t r = getrandom(buf, n, 0);
        if (r <= 0)
            return false;
        buf += r;
        n -= (size_t)r;
    }
    return true;
}

static void handle_queue(void *opaque, unsigned q)
{
    struct virtio_rng *r = opaque;
    struct virtqueue *vq = &r->vp.vq[q];
    bool used = false;
    int got;

    while ((got = vq_pop(&r->vp.fn, vq, &r->elem)) > 0) {
        size_t n = r->elem.in_len < CHUNK ? (size_t)r->elem.in_len : CHUNK;
        if (!entropy(r->buf, n))
            n = 0;
        if (!vq_elem_write(&r->vp.fn, &r->elem, 0, r->buf, n) ||
            !vq_push(&r->vp.fn, vq, r->elem.head, (uint32_t)n)) {
            got = -1;
            break;
        }
        used = true;
    }
    if (got < 0)
        virtio_pci_set_error(&r->vp);
    else if (used)
        virtio_pci_queue_interrupt(&r->vp, q);
}

struct virtio_rng *virtio_rng_create(struct phb *phb, unsigned slot)
{
    struct virtio_rng *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    /* Class: "other" (0xff), as the device fits no PCI class. */
    virtio_pci_init(&r->vp, PETREL_VIRTIO_ID_RNG, 0x00ff00, 1, 0);
    r->vp.handle_queue = handle_queue;
    r->vp.opaque = r;
    if (virtio_pci_plug(&r->vp, phb, slot) != 0) {
        free(r);
        return NULL;
    }
    return r;
}

void virtio_rng_destroy(struct virtio_rng *r)
{
    free(r);
}

struct virtio_pci *virtio_rng_transport(struct virtio_rng *dev)
{
    return &dev->vp;
}
