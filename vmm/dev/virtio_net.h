/* virtio-net on PCI in front of a network back end (virtio_net.c). */
#ifndef PETREL_DEV_VIRTIO_NET_H
#define PETREL_DEV_VIRTIO_NET_H

#include <stdint.h>

struct phb;
struct net_backend;
struct virtio_net;

/* Frames from the back end waiting for receive buffers, at most. */
#define VIRTIO_NET_RX_PENDING_MAX   256u
#define VIRTIO_NET_RX_PENDING_BYTES (1u << 20)

/* Plugs a virtio-net function with MAC address mac into the PHB at device
 * number slot and makes it be's peer; NULL if the slot is taken or memory
 * is short.  The caller starts be afterwards and destroys it before the
 * NIC. */
struct virtio_net *virtio_net_create(struct phb *phb, unsigned slot, const uint8_t mac[6],
                                     struct net_backend *be);
void virtio_net_destroy(struct virtio_net *n);

/* What the tests read. */
struct virtio_net_stats {
    uint64_t tx_frames, tx_dropped; /* sent to the back end; refused (runt, GSO) */
    uint64_t rx_frames, rx_dropped; /* delivered to the guest; dropped (full, too big, not ready) */
    unsigned rx_pending;            /* waiting for receive buffers */
};
void virtio_net_stats(struct virtio_net *n, struct virtio_net_stats *out);

/* Its virtio PCI transport (virtio_pci.h), for snapshots. */
struct virtio_pci;
struct virtio_pci *virtio_net_transport(struct virtio_net *dev);

#endif
