/*
 * The virtio PCI transport (include/petrel/virtio.h; virtio 1.0 §4.1):
 * the function, its capabilities, common configuration, ISR, notification
 * doorbells, MSI-X with INTx fallback, and the device status machine.  A
 * device model (virtio_blk.c) embeds one, fills in its features, config
 * bytes and queue handler, and plugs it into a PHB.
 */
#ifndef PETREL_DEV_VIRTIO_PCI_H
#define PETREL_DEV_VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../pci/function.h"
#include "virtqueue.h"

struct phb;

#define VIRTIO_PCI_QUEUES 2u
#define VIRTIO_PCI_DEVCFG 64u

struct virtio_pci {
    struct pci_function fn;
    uint64_t host_features, guest_features;
    uint32_t dfselect, gfselect;
    uint16_t msix_config, queue_select;
    uint8_t status, isr;
    unsigned num_queues;
    struct virtqueue vq[VIRTIO_PCI_QUEUES];
    uint8_t devcfg[VIRTIO_PCI_DEVCFG]; /* the device configuration, read-only */
    unsigned devcfg_len;
    /* The device's side: a doorbell on a running device's enabled queue
     * q, and back to power-on state.  Called with the PHB's lock held. */
    void (*handle_queue)(void *opaque, unsigned q);
    void (*device_reset)(void *opaque);
    void *opaque;
    /* Counted for the tests: malformed-ring errors raised. */
    unsigned errors;
};

/* Sets up the function for virtio device id (virtio.h), PCI class,
 * num_queues (<= VIRTIO_PCI_QUEUES) and the device's feature bits
 * (VIRTIO_F_VERSION_1 is added). */
void virtio_pci_init(struct virtio_pci *vp, unsigned device_id, uint32_t class_code,
                     unsigned num_queues, uint64_t features);
/* Plugs it into the PHB at device number slot; -1 if taken. */
int virtio_pci_plug(struct virtio_pci *vp, struct phb *phb, unsigned slot);
/* -device ...,iommu_platform=on: offer VIRTIO_F_ACCESS_PLATFORM, so a
 * driver that accepts it has its DMA translated by the TCE table.  By
 * default it is not offered and drivers give guest physical addresses, as
 * Linux's virtio drivers expect of a pseries machine. */
void virtio_pci_offer_access_platform(struct pci_function *fn);
/* The driver has set DRIVER_OK and the device has no error. */
bool virtio_pci_running(const struct virtio_pci *vp);
/* A malformed ring or an unreachable buffer: DEVICE_NEEDS_RESET, a
 * configuration-change interrupt, and no more work until a reset (§2.1.2). */
void virtio_pci_set_error(struct virtio_pci *vp);
/* Used buffers were added to queue q: interrupt the driver unless it
 * suppressed them -- its MSI-X vector, or INTx when MSI-X is off. */
void virtio_pci_queue_interrupt(struct virtio_pci *vp, unsigned q);

/*
 * Snapshots (vmm/snapshot.h): the transport's state -- features, status,
 * ISR, configuration vector, and per queue its size, vector, enable, ring
 * addresses and the device's last_avail/used indices -- in the format
 * virtio_pci_state_version.  Requests are served synchronously on the
 * doorbell, so none is ever in flight.  virtio_pci_load checks a payload
 * (this slot, the same device features and queues, queues well formed,
 * vectors in range): 0, or -1 with one line in err; with apply it then
 * becomes the transport's state (MSI-X table and config space come back
 * with the PHB, pci/snapshot.c).
 */
struct snap_writer;
struct snap_reader;
unsigned virtio_pci_state_version(void);
void virtio_pci_save(struct virtio_pci *vp, struct snap_writer *w);
int virtio_pci_load(struct virtio_pci *vp, struct snap_reader *r, unsigned version, bool apply,
                    char *err, size_t errlen);

#endif
