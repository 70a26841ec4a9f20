/*
 * The test kernels' virtio 1.0 PCI driver (kernel-virtiolib.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/virtio.h>

#include "hcall.h"
#include "kernel-virtiolib.h"

#define PCI_CAP_VENDOR 0x09

bool dma_map(const struct pci_fn *fn, const void *p, uint64_t len)
{
    int l, phb = fdt_parent_offset(fdt, fn->node);
    const fdt32_t *w = fdt_getprop(fdt, phb, "ibm,dma-window", &l);
    uint64_t ra = (uintptr_t)p & ~0xfffull, end = (uintptr_t)p + len, size;

    /* liobn, bus address (2 cells), size (2 cells). */
    if (!w || l < 20)
        return false;
    size = (uint64_t)fdt32_to_cpu(w[3]) << 32 | fdt32_to_cpu(w[4]);
    if (fdt32_to_cpu(w[1]) || fdt32_to_cpu(w[2]) || end > size)
        return false;
    for (; ra < end; ra += 4096)
        if (hcall4(H_PUT_TCE, fdt32_to_cpu(w[0]), ra, ra | PETREL_TCE_READ | PETREL_TCE_WRITE, 0,
                   NULL) != H_SUCCESS)
            return false;
    return true;
}

/* The structures the vendor capabilities name: BAR, offset. */
static bool read_caps(struct vdev *v)
{
    unsigned hops = 0;

    if (!(cfg_read(&v->fn, 0x06, 2) & 0x10))
        return false;
    for (uint32_t cap = cfg_read(&v->fn, 0x34, 1) & 0xfc; cap && hops < 48;
         cap = cfg_read(&v->fn, cap + 1, 1) & 0xfc, hops++) {
        uint32_t type, bar, off;
        uint64_t base;

        if (cfg_read(&v->fn, cap, 1) != PCI_CAP_VENDOR)
            continue;
        type = cfg_read(&v->fn, cap + 3, 1);
        bar = cfg_read(&v->fn, cap + 4, 1);
        off = cfg_read(&v->fn, cap + 8, 4);
        if (bar > 5 || !pci_bar(&v->fn, 0x10 + 4 * bar, &base, NULL, NULL))
            continue;
        switch (type) {
        case VIRTIO_PCI_CAP_COMMON_CFG: v->common = base + off; break;
        case VIRTIO_PCI_CAP_ISR_CFG: v->isr = base + off; break;
        case VIRTIO_PCI_CAP_DEVICE_CFG: v->devcfg = base + off; break;
        case VIRTIO_PCI_CAP_NOTIFY_CFG:
            v->notify = base + off;
            v->notify_mult = cfg_read(&v->fn, cap + 16, 4);
            break;
        default: break;
        }
    }
    return v->common && v->notify && v->isr;
}

bool virtio_find(uint32_t pci_device, struct vdev *v)
{
    memset(v, 0, sizeof(*v));
    if (!pci_find_id(PETREL_VIRTIO_VENDOR, pci_device, &v->fn))
        return false;
    if (!pci_bars_assigned(&v->fn) && !pci_assign_bars(&v->fn))
        return false;
    /* Memory decoding and bus mastering on. */
    cfg_write(&v->fn, 0x04, 2, cfg_read(&v->fn, 0x04, 2) | 0x0006);
    return read_caps(v);
}

uint8_t virtio_status(const struct vdev *v)
{
    return rd8(v->common + VIRTIO_COMMON_STATUS);
}

void virtio_reset(struct vdev *v)
{
    wr8(v->common + VIRTIO_COMMON_STATUS, 0);
    /* §4.1.4.3.2: the reset is done when status reads 0. */
    for (unsigned i = 0; i < 1000000 && virtio_status(v); i++)
        ;
}

uint8_t virtio_start(struct vdev *v, uint32_t want)
{
    uint64_t c = v->common;
    uint32_t hi;

    virtio_reset(v);
    wr8(c + VIRTIO_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr8(c + VIRTIO_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr32(c + VIRTIO_COMMON_DFSELECT, 1);
    hi = rd32(c + VIRTIO_COMMON_DF);
    if (!(hi & 1))
        return 0; /* not a modern device */
    wr32(c + VIRTIO_COMMON_DFSELECT, 0);
    want &= rd32(c + VIRTIO_COMMON_DF);
    /* Buffers are mapped 1:1 by the TCE table (virtio_map), so either way
     * works: take ACCESS_PLATFORM when the device offers it. */
    wr32(c + VIRTIO_COMMON_GFSELECT, 1);
    wr32(c + VIRTIO_COMMON_GF, hi & (1u | 1u << (VIRTIO_F_ACCESS_PLATFORM - 32)));
    wr32(c + VIRTIO_COMMON_GFSELECT, 0);
    wr32(c + VIRTIO_COMMON_GF, want);
    wr8(c + VIRTIO_COMMON_STATUS,
        VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    if (!(virtio_status(v) & VIRTIO_STATUS_FEATURES_OK))
        return 0;
    /* No configuration-change interrupt. */
    wr16(c + VIRTIO_COMMON_MSIX, VIRTIO_MSI_NO_VECTOR);
    return virtio_status(v);
}

bool virtio_queue(struct vdev *v, unsigned q, uint16_t size, uint8_t *mem)
{
    uint64_t c = v->common;
    struct vq *vq = &v->vq[q];
    uint16_t max;

    if (q >= sizeof(v->vq) / sizeof(v->vq[0]) || size > VQ_MAX || ((uintptr_t)mem & 0xfff))
        return false;
    wr16(c + VIRTIO_COMMON_Q_SELECT, (uint16_t)q);
    max = rd16(c + VIRTIO_COMMON_Q_SIZE);
    if (!max || max < size)
        return false;
    memset(mem, 0, VQ_BYTES);
    if (!dma_map(&v->fn, mem, VQ_BYTES))
        return false;
    vq->size = size;
    vq->desc = mem, vq->avail = mem + 4096, vq->used = mem + 8192;
    vq->avail_idx = vq->used_seen = vq->free_next = 0;
    wr16(c + VIRTIO_COMMON_Q_SIZE, size);
    wr16(c + VIRTIO_COMMON_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
    wr32(c + VIRTIO_COMMON_Q_DESC, (uint32_t)(uintptr_t)vq->desc);
    wr32(c + VIRTIO_COMMON_Q_DESC + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_AVAIL, (uint32_t)(uintptr_t)vq->avail);
    wr32(c + VIRTIO_COMMON_Q_AVAIL + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_USED, (uint32_t)(uintptr_t)vq->used);
    wr32(c + VIRTIO_COMMON_Q_USED + 4, 0);
    /* The doorbell: notify + queue_notify_off * multiplier (§4.1.4.4). */
    vq->index = rd16(c + VIRTIO_COMMON_Q_NOFF);
    wr16(c + VIRTIO_COMMON_Q_ENABLE, 1);
    return rd16(c + VIRTIO_COMMON_Q_ENABLE) == 1;
}

void virtio_ready(struct vdev *v)
{
    wr8(v->common + VIRTIO_COMMON_STATUS, (uint8_t)(virtio_status(v) | VIRTIO_STATUS_DRIVER_OK));
}

void vq_desc(struct vq *vq, unsigned i, uint64_t bus, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = vq->desc + 16 * (i % VQ_MAX);

    put_le(p, 8, bus);
    put_le(p + 8, 4, len);
    put_le(p + 12, 2, flags);
    put_le(p + 14, 2, next);
}

void vq_post(struct vq *vq, uint16_t head)
{
    put_le(vq->avail + 4 + 2 * (vq->avail_idx % vq->size), 2, head);
    vq->avail_idx++;
    /* The entry before the index that publishes it (§2.4.7.2). */
    __asm__ volatile("sync" ::: "memory");
    put_le(vq->avail + 2, 2, vq->avail_idx);
}

void vq_kick(struct vdev *v, unsigned q)
{
    __asm__ volatile("sync" ::: "memory");
    wr16(v->notify + (uint64_t)v->vq[q].index * v->notify_mult, (uint16_t)q);
}

unsigned vq_used_pending(struct vq *vq)
{
    uint16_t idx;

    __asm__ volatile("sync" ::: "memory");
    idx = (uint16_t)get_le(vq->used + 2, 2);
    return (uint16_t)(idx - vq->used_seen);
}

bool vq_take(struct vq *vq, uint16_t *head, uint32_t *len)
{
    const uint8_t *e;

    if (!vq_used_pending(vq))
        return false;
    /* The ring entry after the index that published it. */
    __asm__ volatile("lwsync" ::: "memory");
    e = vq->used + 4 + 8 * (vq->used_seen % vq->size);
    *head = (uint16_t)get_le(e, 4);
    *len = (uint32_t)get_le(e + 4, 4);
    vq->used_seen++;
    return true;
}
