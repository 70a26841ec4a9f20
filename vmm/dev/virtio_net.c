/*
 * virtio-net (virtio 1.0 §5.1) in front of a network back end
 * (net_backend.h).  Emulated: one receive and one transmit queue, the
 * MAC and STATUS features (the link is always up), the 12-byte header of
 * VERSION_1.  Not emulated: checksum and segmentation offloads, mergeable
 * receive buffers, the control queue, multiqueue.
 *
 * Transmit runs to completion on the doorbell, under the PHB's lock: each
 * chain is header plus frame in readable descriptors.  A chain with a
 * writable descriptor, shorter than the header or longer than
 * PETREL_VIRTIO_NET_FRAME_MAX is malformed and stops the device
 * (DEVICE_NEEDS_RESET); a runt frame or one asking for GSO (not offered)
 * is dropped and its buffer returned.
 *
 * Receive: the back end's frames wait in a bounded queue (dropped beyond
 * VIRTIO_NET_RX_PENDING_MAX frames or _BYTES bytes) until the guest has
 * writable buffers; they are delivered when the back end flushes, when
 * the driver rings the receive doorbell, and after every transmit (the
 * answers a back end gives at once).  Without mergeable buffers a frame
 * takes one chain (§5.1.6.3.1); one that does not fit is dropped.
 * Frames that arrive while the driver is not running are dropped.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_net.h"

#include "../../pci/phb.h"
#include "../trace.h"
#include "net_backend.h"
#include "virtio_pci.h"

struct rx_frame {
    struct rx_frame *next;
    size_t len;
    uint8_t data[];
};

struct virtio_net {
    struct virtio_pci vp;
    struct net_backend *be;
    /* The receive queue, under rx_lock: appended by the back end (any
     * thread); only holders of the PHB's lock take frames off its head,
     * so the head they peek at is the one they take. */
    pthread_mutex_t rx_lock;
    struct rx_frame *rx_head, **rx_tail;
    unsigned rx_count;
    size_t rx_bytes;
    uint64_t tx_frames, tx_dropped, rx_frames, rx_dropped; /* under rx_lock */
    struct vq_elem elem; /* the chain in hand, under the PHB's lock */
    uint8_t tx_buf[PETREL_VIRTIO_NET_FRAME_MAX];
};

/* Takes the head frame off the queue (PHB lock held). */
static struct rx_frame *rx_take(struct virtio_net *n, bool dropped)
{
    struct rx_frame *f;

    pthread_mutex_lock(&n->rx_lock);
    f = n->rx_head;
    if (f) {
        n->rx_head = f->next;
        if (!n->rx_head)
            n->rx_tail = &n->rx_head;
        n->rx_count--;
        n->rx_bytes -= f->len;
        if (dropped)
            n->rx_dropped++;
        else
            n->rx_frames++;
    }
    pthread_mutex_unlock(&n->rx_lock);
    return f;
}

/* The head frame's length, if there is one. */
static bool rx_peek(struct virtio_net *n, size_t *len)
{
    bool any;

    pthread_mutex_lock(&n->rx_lock);
    any = n->rx_head != NULL;
    if (any)
        *len = n->rx_head->len;
    pthread_mutex_unlock(&n->rx_lock);
    return any;
}

static void rx_drop_all(struct virtio_net *n)
{
    struct rx_frame *f;

    while ((f = rx_take(n, true)))
        free(f);
}

/* The back end's receive (net_backend.h): queue only. */
static void rx_receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct virtio_net *n = opaque;
    struct rx_frame *f = NULL;

    if (len && len <= NET_FRAME_MAX)
        f = malloc(sizeof(*f) + len);
    pthread_mutex_lock(&n->rx_lock);
    if (f && n->rx_count < VIRTIO_NET_RX_PENDING_MAX &&
        n->rx_bytes + len <= VIRTIO_NET_RX_PENDING_BYTES) {
        memcpy(f->data, frame, len);
        f->len = len;
        f->next = NULL;
        *n->rx_tail = f;
        n->rx_tail = &f->next;
        n->rx_count++;
        n->rx_bytes += len;
        f = NULL;
    } else {
        n->rx_dropped++;
    }
    pthread_mutex_unlock(&n->rx_lock);
    free(f);
}

/* Moves queued frames into the guest's receive buffers (PHB lock held). */
static void rx_deliver(struct virtio_net *n)
{
    struct virtqueue *vq = &n->vp.vq[VIRTIO_NET_Q_RX];
    struct vq_elem *e = &n->elem;
    bool used = false;
    size_t len;

    if (!virtio_pci_running(&n->vp) || !vq->enabled) {
        rx_drop_all(n);
        return;
    }
    while (rx_peek(n, &len)) {
        uint8_t hdr[VIRTIO_NET_HDR_LEN] = {0};
        struct rx_frame *f;
        int r = vq_pop(&n->vp.fn, vq, e);

        if (r == 0)
            break; /* no buffers: the frames wait */
        /* A receive chain is writable only and holds at least the header. */
        if (r < 0 || e->n_out || e->in_len < VIRTIO_NET_HDR_LEN)
            goto malformed;
        while (rx_peek(n, &len) && VIRTIO_NET_HDR_LEN + len > e->in_len)
            free(rx_take(n, true));
        f = rx_take(n, false);
        if (!f) {
            vq_unpop(vq);
            break;
        }
        hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
        if (!vq_elem_write(&n->vp.fn, e, 0, hdr, sizeof(hdr)) ||
            !vq_elem_write(&n->vp.fn, e, sizeof(hdr), f->data, f->len) ||
            !vq_push(&n->vp.fn, vq, e->head, (uint32_t)(sizeof(hdr) + f->len))) {
            free(f);
            goto malformed;
        }
        if (trace_on(PETREL_TRACE_NET))
            trace_printf(PETREL_TRACE_NET, -1, "virtio-net %02x: rx %zu bytes", n->vp.fn.devfn,
                         f->len);
        free(f);
        used = true;
    }
    if (used)
        virtio_pci_queue_interrupt(&n->vp, VIRTIO_NET_Q_RX);
    return;
malformed:
    rx_drop_all(n);
    virtio_pci_set_error(&n->vp);
}

static void tx_count(struct virtio_net *n, bool sent)
{
    pthread_mutex_lock(&n->rx_lock);
    if (sent)
        n->tx_frames++;
    else
        n->tx_dropped++;
    pthread_mutex_unlock(&n->rx_lock);
}

/* Sends every chain the driver made available (PHB lock held). */
static void tx_run(struct virtio_net *n)
{
    struct virtqueue *vq = &n->vp.vq[VIRTIO_NET_Q_TX];
    struct vq_elem *e = &n->elem;
    bool used = false;
    int r;

    while ((r = vq_pop(&n->vp.fn, vq, e)) > 0) {
        uint8_t hdr[VIRTIO_NET_HDR_LEN];
        size_t len;

        if (e->n_in || e->out_len < VIRTIO_NET_HDR_LEN ||
            e->out_len > PETREL_VIRTIO_NET_FRAME_MAX) {
            r = -1;
            break;
        }
        len = (size_t)e->out_len - VIRTIO_NET_HDR_LEN;
        if (!vq_elem_read(&n->vp.fn, e, 0, hdr, sizeof(hdr)) ||
            !vq_elem_read(&n->vp.fn, e, sizeof(hdr), n->tx_buf, len)) {
            r = -1;
            break;
        }
        /* 14 bytes of Ethernet header at least; GSO was not offered. */
        if (len >= 14 && hdr[1] == VIRTIO_NET_HDR_GSO_NONE) {
            if (trace_on(PETREL_TRACE_NET))
                trace_printf(PETREL_TRACE_NET, -1, "virtio-net %02x: tx %zu bytes", n->vp.fn.devfn,
                             len);
            net_backend_send(n->be, n->tx_buf, len);
            tx_count(n, true);
        } else {
            tx_count(n, false);
        }
        if (!vq_push(&n->vp.fn, vq, e->head, 0)) {
            r = -1;
            break;
        }
        used = true;
    }
    if (r < 0) {
        if (trace_on(PETREL_TRACE_NET))
            trace_printf(PETREL_TRACE_NET, -1, "virtio-net %02x: malformed transmit chain",
                         n->vp.fn.devfn);
        virtio_pci_set_error(&n->vp);
        return;
    }
    if (used)
        virtio_pci_queue_interrupt(&n->vp, VIRTIO_NET_Q_TX);
    rx_deliver(n);
}

static void handle_queue(void *opaque, unsigned q)
{
    struct virtio_net *n = opaque;

    if (q == VIRTIO_NET_Q_TX)
        tx_run(n);
    else
        rx_deliver(n);
}

/* Device reset (PHB lock held): frames for the old driver are gone. */
static void device_reset(void *opaque)
{
    rx_drop_all(opaque);
}

/* The back end's flush, from its thread: deliver under the PHB's lock. */
static void rx_flush(void *opaque)
{
    struct virtio_net *n = opaque;

    phb_lock(n->vp.fn.phb);
    rx_deliver(n);
    phb_unlock(n->vp.fn.phb);
}

struct virtio_net *virtio_net_create(struct phb *phb, unsigned slot, const uint8_t mac[6],
                                     struct net_backend *be)
{
    struct virtio_net *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    /* Class: network controller, Ethernet (0x0200). */
    virtio_pci_init(&n->vp, PETREL_VIRTIO_ID_NET, 0x020000, 2,
                    1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS);
    memcpy(n->vp.devcfg + VIRTIO_NET_CFG_MAC, mac, 6);
    n->vp.devcfg[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP; /* le16 */
    n->vp.devcfg_len = 8;
    n->vp.handle_queue = handle_queue;
    n->vp.device_reset = device_reset;
    n->vp.opaque = n;
    n->be = be;
    n->rx_tail = &n->rx_head;
    pthread_mutex_init(&n->rx_lock, NULL);
    if (virtio_pci_plug(&n->vp, phb, slot) != 0) {
        pthread_mutex_destroy(&n->rx_lock);
        free(n);
        return NULL;
    }
    be->peer = (struct net_peer){rx_receive, rx_flush, n};
    return n;
}

void virtio_net_destroy(struct virtio_net *n)
{
    if (!n)
        return;
    rx_drop_all(n); /* the back end is gone already (virtio_net.h) */
    pthread_mutex_destroy(&n->rx_lock);
    free(n);
}

void virtio_net_stats(struct virtio_net *n, struct virtio_net_stats *out)
{
    pthread_mutex_lock(&n->rx_lock);
    *out = (struct virtio_net_stats){n->tx_frames, n->tx_dropped, n->rx_frames, n->rx_dropped,
                                     n->rx_count};
    pthread_mutex_unlock(&n->rx_lock);
}

struct virtio_pci *virtio_net_transport(struct virtio_net *dev)
{
    return &dev->vp;
}
