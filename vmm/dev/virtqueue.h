/*
 * A split virtqueue (virtio 1.0 §2.4) as a device sees it: the driver's
 * rings and buffers are bus addresses reached by DMA through the PHB's TCE
 * table (pci/phb.h), so a device reaches only what the guest mapped.  The
 * caller holds the PHB's lock.
 */
#ifndef PETREL_DEV_VIRTQUEUE_H
#define PETREL_DEV_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include <petrel/virtio.h>

struct pci_function;

struct virtqueue {
    uint16_t size; /* entries: a power of two <= PETREL_VIRTIO_QUEUE_MAX */
    uint16_t msix_vector;
    bool enabled;
    uint64_t desc, avail, used;    /* bus addresses */
    uint16_t last_avail, used_idx; /* the device's positions */
};

/* One descriptor chain: driver-readable segments first, then writable. */
struct vq_seg {
    uint64_t addr;
    uint32_t len;
};

struct vq_elem {
    uint16_t head;
    unsigned n_out, n_in; /* readable, writable segments */
    uint64_t out_len, in_len;
    struct vq_seg seg[PETREL_VIRTIO_QUEUE_MAX];
};

/* Whether the queue's size and ring alignments are valid (§2.4). */
bool vq_valid(const struct virtqueue *q);
/*
 * The next available chain: 1 and *e filled, 0 when the ring is empty,
 * -1 when the ring or the chain is malformed (the header's list) or
 * cannot be read -- the device must then stop (DEVICE_NEEDS_RESET).
 */
int vq_pop(struct pci_function *fn, struct virtqueue *q, struct vq_elem *e);
/* Returns the chain vq_pop gave last to the ring, unused (a receive
 * buffer the device found no frame for). */
void vq_unpop(struct virtqueue *q);
/* Puts chain head in the used ring with len bytes written; false if the
 * used ring cannot be written. */
bool vq_push(struct pci_function *fn, struct virtqueue *q, uint16_t head, uint32_t len);
/* Whether the driver wants an interrupt (VIRTQ_AVAIL_F_NO_INTERRUPT clear). */
bool vq_wants_interrupt(struct pci_function *fn, const struct virtqueue *q);
/* Copies len bytes at offset off of the chain's readable (out) or writable
 * (in) bytes; false if out of the chain or a DMA fails. */
bool vq_elem_read(struct pci_function *fn, const struct vq_elem *e, uint64_t off, void *buf,
                  uint64_t len);
bool vq_elem_write(struct pci_function *fn, const struct vq_elem *e, uint64_t off, const void *buf,
                   uint64_t len);

#endif
