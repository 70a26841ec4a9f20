/*
 * A small virtio 1.0 PCI driver for the test kernels and bench/io
 * (kernel-virtiolib.c), over kernel-pcilib.h: the structures found
 * through the vendor capabilities (virtio 1.0 §4.1.4, so any modern
 * device's layout works, not only petrel's), the driver's initialisation
 * (§3.1.1), split virtqueues (§2.4) in guest memory mapped 1:1 into the
 * PHB's DMA window (bus address = real address), descriptors chained,
 * made available, the doorbell rung and the used ring polled.  No
 * interrupts: every queue's vector is VIRTIO_MSI_NO_VECTOR.
 */
#ifndef KERNEL_VIRTIOLIB_H
#define KERNEL_VIRTIOLIB_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel-pcilib.h"

/* Entries per queue at most, and the memory one queue needs (descriptor
 * table, available ring, used ring: a page each). */
#define VQ_MAX   128u
#define VQ_BYTES (3u * 4096u)

struct vq {
    uint16_t size, index;
    uint8_t *desc, *avail, *used; /* the rings (real = bus addresses) */
    uint16_t avail_idx, used_seen, free_next;
};

struct vdev {
    struct pci_fn fn;
    uint64_t common, isr, devcfg, notify; /* CPU addresses */
    uint32_t notify_mult;
    struct vq vq[2];
};

/* The modern virtio function with this device id (0x1040 + virtio id),
 * its BARs assigned (by the firmware, or here when the tree has none:
 * pci_assign_bars) and its capabilities read.  False if absent. */
bool virtio_find(uint32_t pci_device, struct vdev *v);

/* Reset, ACKNOWLEDGE | DRIVER, features: VERSION_1 and the device
 * features in want (bits 0-31), FEATURES_OK checked.  Returns the device
 * status after FEATURES_OK (0 when the device refused). */
uint8_t virtio_start(struct vdev *v, uint32_t want);
/* Queue q of size entries over mem (VQ_BYTES, 4 KiB aligned), mapped for
 * DMA; false if the device offers fewer entries or none. */
bool virtio_queue(struct vdev *v, unsigned q, uint16_t size, uint8_t *mem);
/* DRIVER_OK. */
void virtio_ready(struct vdev *v);
uint8_t virtio_status(const struct vdev *v);
/* Status 0: the device forgets its queues and any error (§2.1.1). */
void virtio_reset(struct vdev *v);

/* Descriptor i of queue q: buffer at bus address bus, len bytes, flags,
 * next. */
void vq_desc(struct vq *vq, unsigned i, uint64_t bus, uint32_t len, uint16_t flags, uint16_t next);
/* Head i made available (not yet notified). */
void vq_post(struct vq *vq, uint16_t head);
/* The doorbell of queue q. */
void vq_kick(struct vdev *v, unsigned q);
/* Used elements not yet seen; *head and *len of the next one, consumed. */
unsigned vq_used_pending(struct vq *vq);
bool vq_take(struct vq *vq, uint16_t *head, uint32_t *len);

/* Maps [p, p + len) 1:1 into the function's PHB DMA window (read and
 * write); false if the window or the hcall refuses. */
bool dma_map(const struct pci_fn *fn, const void *p, uint64_t len);

#endif
