/*
 * Split virtqueues (virtqueue.h; virtio 1.0 §2.4).  Everything the driver
 * wrote is untrusted: indices are checked against the queue size, a chain
 * may hold at most size descriptors (so a NEXT loop ends as an error),
 * lengths add up to at most PETREL_VIRTIO_CHAIN_MAX, and every byte moves
 * by DMA through the TCE table, which refuses what the guest did not map.
 */
#include "virtqueue.h"

#include "../../pci/phb.h"

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}

bool vq_valid(const struct virtqueue *q)
{
    /* §2.4: descriptor table 16-byte, available ring 2-byte, used ring
     * 4-byte aligned; the size a power of two. */
    return q->size && q->size <= PETREL_VIRTIO_QUEUE_MAX && !(q->size & (q->size - 1)) &&
           !(q->desc & 15) && !(q->avail & 1) && !(q->used & 3);
}

static bool read16(struct pci_function *fn, uint64_t addr, uint16_t *v)
{
    uint8_t b[2];

    if (!pci_dma_read(fn, addr, b, 2))
        return false;
    *v = le16(b);
    return true;
}

int vq_pop(struct pci_function *fn, struct virtqueue *q, struct vq_elem *e)
{
    uint16_t avail_idx, head, i;
    unsigned n = 0;

    if (!q->enabled || !vq_valid(q))
        return -1;
    if (!read16(fn, q->avail + 2, &avail_idx))
        return -1;
    if (avail_idx == q->last_avail)
        return 0;
    /* The driver cannot have made more than size entries available. */
    if ((uint16_t)(avail_idx - q->last_avail) > q->size)
        return -1;
    if (!read16(fn, q->avail + 4 + 2ull * (q->last_avail % q->size), &head) || head >= q->size)
        return -1;
    e->head = head;
    e->n_out = e->n_in = 0;
    e->out_len = e->in_len = 0;
    i = head;
    for (;;) {
        uint8_t d[16];
        uint64_t addr;
        uint32_t len;
        uint16_t flags;

        if (n == q->size) /* more descriptors than the table holds: a loop */
            return -1;
        if (!pci_dma_read(fn, q->desc + 16ull * i, d, sizeof(d)))
            return -1;
        addr = (uint64_t)le32(d + 4) << 32 | le32(d);
        len = le32(d + 8);
        flags = le16(d + 12);
        if (flags & VIRTQ_DESC_F_INDIRECT) /* not offered (§2.4.5.3) */
            return -1;
        if (flags & VIRTQ_DESC_F_WRITE) {
            e->in_len += len;
        } else {
            if (e->n_in) /* readable after writable (§2.4.4.2) */
                return -1;
            e->out_len += len;
        }
        if (e->out_len + e->in_len > PETREL_VIRTIO_CHAIN_MAX)
            return -1;
        e->seg[n].addr = addr;
        e->seg[n].len = len;
        if (flags & VIRTQ_DESC_F_WRITE)
            e->n_in++;
        else
            e->n_out++;
        n++;
        if (!(flags & VIRTQ_DESC_F_NEXT))
            break;
        i = le16(d + 14);
        if (i >= q->size)
            return -1;
    }
    q->last_avail++;
    return 1;
}

void vq_unpop(struct virtqueue *q)
{
    q->last_avail--;
}

bool vq_push(struct pci_function *fn, struct virtqueue *q, uint16_t head, uint32_t len)
{
    uint8_t ent[8], idx[2];

    put_le32(ent, head);
    put_le32(ent + 4, len);
    if (!pci_dma_write(fn, q->used + 4 + 8ull * (q->used_idx % q->size), ent, sizeof(ent)))
        return false;
    q->used_idx++;
    /* The entry is visible before the index that publishes it: both are
     * plain copies into guest memory done in this order. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    put_le16(idx, q->used_idx);
    return pci_dma_write(fn, q->used + 2, idx, sizeof(idx));
}

bool vq_wants_interrupt(struct pci_function *fn, const struct virtqueue *q)
{
    uint16_t flags;

    return !read16(fn, q->avail, &flags) || !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/* Copies between buf and the chain's segments [first, first + count), at
 * byte offset off of their concatenation. */
static bool copy(struct pci_function *fn, const struct vq_elem *e, unsigned first, unsigned count,
                 uint64_t off, uint8_t *buf, uint64_t len, bool to_bus)
{
    for (unsigned s = first; s < first + count && len; s++) {
        uint64_t seg_len = e->seg[s].len, chunk;

        if (off >= seg_len) {
            off -= seg_len;
            continue;
        }
        chunk = seg_len - off < len ? seg_len - off : len;
        if (to_bus ? !pci_dma_write(fn, e->seg[s].addr + off, buf, chunk)
                   : !pci_dma_read(fn, e->seg[s].addr + off, buf, chunk))
            return false;
        buf += chunk;
        len -= chunk;
        off = 0;
    }
    return len == 0;
}

bool vq_elem_read(struct pci_function *fn, const struct vq_elem *e, uint64_t off, void *buf,
                  uint64_t len)
{
    return copy(fn, e, 0, e->n_out, off, buf, len, false);
}

bool vq_elem_write(struct pci_function *fn, const struct vq_elem *e, uint64_t off, const void *buf,
                   uint64_t len)
{
    return copy(fn, e, e->n_out, e->n_in, off, (uint8_t *)buf, len, true);
}
