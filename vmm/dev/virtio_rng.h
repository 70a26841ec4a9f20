/* virtio-rng on PCI (virtio_rng.c). */
#ifndef PETREL_DEV_VIRTIO_RNG_H
#define PETREL_DEV_VIRTIO_RNG_H

struct phb;
struct virtio_rng;

/* Plugs a virtio-rng function into the PHB at device number slot; NULL if
 * the slot is taken or memory is short. */
struct virtio_rng *virtio_rng_create(struct phb *phb, unsigned slot);
void virtio_rng_destroy(struct virtio_rng *r);

/* Its virtio PCI transport (virtio_pci.h), for snapshots. */
struct virtio_pci;
struct virtio_pci *virtio_rng_transport(struct virtio_rng *dev);

#endif
