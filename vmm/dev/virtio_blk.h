/* virtio-blk on PCI over a raw image (virtio_blk.c). */
#ifndef PETREL_DEV_VIRTIO_BLK_H
#define PETREL_DEV_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

struct phb;
struct virtio_blk;

/* Opens the raw image (read-only if asked) and plugs a virtio-blk
 * function into the PHB at device number slot; NULL (and errno) on
 * failure.  id is the serial GET_ID returns (truncated to 20 bytes). */
struct virtio_blk *virtio_blk_create(struct phb *phb, unsigned slot, const char *file,
                                     bool readonly, const char *id);
void virtio_blk_destroy(struct virtio_blk *b);
/* fdatasync calls so far: flush requests, and every write while the
 * driver has not accepted VIRTIO_BLK_F_FLUSH (write-through). */
uint64_t virtio_blk_syncs(const struct virtio_blk *b);

/* Its virtio PCI transport (virtio_pci.h), for snapshots. */
struct virtio_pci;
struct virtio_pci *virtio_blk_transport(struct virtio_blk *dev);

/* The image's size in 512-byte sectors (checked when a snapshot loads). */
uint64_t virtio_blk_sectors(const struct virtio_blk *b);

#endif
