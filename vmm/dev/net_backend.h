/*
 * A network back end: Ethernet frames between a NIC model (virtio_net.c)
 * and the host -- libslirp's user-mode stack (net_slirp.c) or a tap
 * interface (net_tap.c).  Each back end runs its own I/O thread.
 *
 * Locking, in order: the NIC's PHB lock, then the back end's own lock,
 * then the NIC's receive queue.  net_backend_send is called by the NIC
 * with its PHB lock held; the back end may hand frames to the peer's
 * receive from inside it (libslirp answers ARP and DHCP at once) or from
 * its thread, so receive only queues.  After frames arrived on its
 * thread the back end calls the peer's flush with none of its locks
 * held; the NIC then takes its PHB lock and delivers them.
 */
#ifndef PETREL_DEV_NET_BACKEND_H
#define PETREL_DEV_NET_BACKEND_H

#include <stddef.h>
#include <stdint.h>

/* The largest Ethernet frame either side moves (without the virtio
 * header): 64 KiB plus the Ethernet header, as a tap with a large MTU
 * may deliver. */
#define NET_FRAME_MAX 65538u

struct net_peer {
    void (*receive)(void *opaque, const uint8_t *frame, size_t len);
    void (*flush)(void *opaque);
    void *opaque;
};

struct net_backend;

struct net_backend_ops {
    void (*send)(struct net_backend *be, const uint8_t *frame, size_t len);
    /* Starts the I/O thread; 0, or -1 with errno. */
    int (*start)(struct net_backend *be);
    /* Stops the thread (if started) and frees the back end. */
    void (*destroy)(struct net_backend *be);
};

struct net_backend {
    const struct net_backend_ops *ops;
    struct net_peer peer; /* set by the NIC before start */
};

static inline void net_backend_send(struct net_backend *be, const uint8_t *frame, size_t len)
{
    be->ops->send(be, frame, len);
}

static inline void net_backend_deliver(struct net_backend *be, const uint8_t *frame, size_t len)
{
    if (be->peer.receive)
        be->peer.receive(be->peer.opaque, frame, len);
}

static inline void net_backend_flush(struct net_backend *be)
{
    if (be->peer.flush)
        be->peer.flush(be->peer.opaque);
}

#endif
