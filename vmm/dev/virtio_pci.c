/*
 * The virtio PCI transport (virtio_pci.h; virtio 1.0 §4.1).  The BAR
 * layout is the contract in include/petrel/virtio.h.  Registers are
 * little-endian; MMIO values are the big-endian reading of the bytes in
 * memory order (memory.h), so accesses are handled as bytes: a read
 * serialises the registers, a write merges its bytes into that image and
 * applies every field it touched.  Only naturally aligned accesses of the
 * field's width or narrower pieces of it are meaningful; others read all
 * ones and are dropped.
 */
#include <stdio.h>
#include <string.h>

#include "virtio_pci.h"

#include "../../pci/phb.h"
#include "../snapshot.h"

static void put_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t bytes_value(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v = v << 8 | p[i];
    return v;
}

static void value_bytes(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * (size - 1 - i)));
}

static bool msix_enabled(const struct virtio_pci *vp)
{
    return pci_cfg_get(&vp->fn, vp->fn.msix_cap + PCI_MSIX_CTL, 2) & PCI_MSIX_CTL_EN;
}

/* A vector the driver names: one the table has, else NO_VECTOR, which
 * tells the driver the mapping failed (§4.1.5.1.2). */
static uint16_t checked_vector(uint16_t v)
{
    return v < PETREL_VIRTIO_MSIX_VECTORS ? v : VIRTIO_MSI_NO_VECTOR;
}

static void raise(struct virtio_pci *vp, uint8_t isr_bit, uint16_t vector)
{
    vp->isr |= isr_bit;
    if (msix_enabled(vp)) {
        if (vector != VIRTIO_MSI_NO_VECTOR)
            pci_notify(&vp->fn, vector);
    } else {
        pci_intx(&vp->fn, true); /* §4.1.5.3: INTx, ISR says why */
    }
}

static void transport_reset(struct virtio_pci *vp)
{
    vp->guest_features = 0;
    vp->fn.dma_direct = false;
    vp->dfselect = vp->gfselect = 0;
    vp->msix_config = VIRTIO_MSI_NO_VECTOR;
    vp->queue_select = 0;
    vp->status = 0;
    vp->isr = 0;
    for (unsigned q = 0; q < VIRTIO_PCI_QUEUES; q++) {
        memset(&vp->vq[q], 0, sizeof(vp->vq[q]));
        vp->vq[q].size = PETREL_VIRTIO_QUEUE_MAX;
        vp->vq[q].msix_vector = VIRTIO_MSI_NO_VECTOR;
    }
}

/* Device reset (status 0, §4.1.4.3.1): with the PHB's lock held. */
static void device_reset(struct virtio_pci *vp)
{
    transport_reset(vp);
    if (vp->fn.intx_asserted)
        pci_intx(&vp->fn, false);
    if (vp->device_reset)
        vp->device_reset(vp->opaque);
}

/* The function's reset hook: slot reset, machine reset. */
static void function_reset(void *opaque)
{
    struct virtio_pci *vp = opaque;

    transport_reset(vp);
    if (vp->device_reset)
        vp->device_reset(vp->opaque);
}

bool virtio_pci_running(const struct virtio_pci *vp)
{
    return (vp->status & VIRTIO_STATUS_DRIVER_OK) && !(vp->status & VIRTIO_STATUS_NEEDS_RESET);
}

void virtio_pci_set_error(struct virtio_pci *vp)
{
    vp->errors++;
    if (vp->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    vp->status |= VIRTIO_STATUS_NEEDS_RESET;
    raise(vp, VIRTIO_ISR_CONFIG, vp->msix_config);
}

void virtio_pci_queue_interrupt(struct virtio_pci *vp, unsigned q)
{
    if (q < vp->num_queues && vq_wants_interrupt(&vp->fn, &vp->vq[q]))
        raise(vp, VIRTIO_ISR_QUEUE, vp->vq[q].msix_vector);
}

static struct virtqueue *selected(struct virtio_pci *vp)
{
    return vp->queue_select < vp->num_queues ? &vp->vq[vp->queue_select] : NULL;
}

static void common_image(struct virtio_pci *vp, uint8_t *c)
{
    const struct virtqueue *q = selected(vp);

    memset(c, 0, VIRTIO_COMMON_SIZE);
    put_le(c + VIRTIO_COMMON_DFSELECT, 4, vp->dfselect);
    put_le(c + VIRTIO_COMMON_DF, 4,
           vp->dfselect < 2 ? (uint32_t)(vp->host_features >> (32 * vp->dfselect)) : 0);
    put_le(c + VIRTIO_COMMON_GFSELECT, 4, vp->gfselect);
    put_le(c + VIRTIO_COMMON_GF, 4,
           vp->gfselect < 2 ? (uint32_t)(vp->guest_features >> (32 * vp->gfselect)) : 0);
    put_le(c + VIRTIO_COMMON_MSIX, 2, vp->msix_config);
    put_le(c + VIRTIO_COMMON_NUMQ, 2, vp->num_queues);
    c[VIRTIO_COMMON_STATUS] = vp->status;
    c[VIRTIO_COMMON_CFGGEN] = 0; /* the device configuration never changes */
    put_le(c + VIRTIO_COMMON_Q_SELECT, 2, vp->queue_select);
    if (q) {
        put_le(c + VIRTIO_COMMON_Q_SIZE, 2, q->size);
        put_le(c + VIRTIO_COMMON_Q_MSIX, 2, q->msix_vector);
        put_le(c + VIRTIO_COMMON_Q_ENABLE, 2, q->enabled);
        put_le(c + VIRTIO_COMMON_Q_NOFF, 2, vp->queue_select);
        put_le(c + VIRTIO_COMMON_Q_DESC, 8, q->desc);
        put_le(c + VIRTIO_COMMON_Q_AVAIL, 8, q->avail);
        put_le(c + VIRTIO_COMMON_Q_USED, 8, q->used);
    }
}

static bool features_ok(const struct virtio_pci *vp)
{
    return !(vp->guest_features & ~vp->host_features) &&
           (vp->guest_features >> VIRTIO_F_VERSION_1 & 1);
}

static void write_status(struct virtio_pci *vp, uint8_t v)
{
    if (!v) {
        device_reset(vp);
        return;
    }
    /* The device refuses features it did not offer, or a driver without
     * VERSION_1, by leaving FEATURES_OK clear (§3.1.1). */
    if ((v & VIRTIO_STATUS_FEATURES_OK) && !(vp->status & VIRTIO_STATUS_FEATURES_OK) &&
        !features_ok(vp))
        v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    if (v & VIRTIO_STATUS_FEATURES_OK)
        vp->fn.dma_direct = !(vp->guest_features >> VIRTIO_F_ACCESS_PLATFORM & 1);
    vp->status = (uint8_t)(v | (vp->status & VIRTIO_STATUS_NEEDS_RESET));
}

/* Applies the field at off (width w) of the merged image c. */
static void apply_field(struct virtio_pci *vp, unsigned off, const uint8_t *c)
{
    struct virtqueue *q = selected(vp);
    bool q_free = q && !q->enabled; /* its setup may change */

    switch (off) {
    case VIRTIO_COMMON_DFSELECT: vp->dfselect = (uint32_t)get_le(c + off, 4); break;
    case VIRTIO_COMMON_GFSELECT: vp->gfselect = (uint32_t)get_le(c + off, 4); break;
    case VIRTIO_COMMON_GF:
        if (vp->gfselect < 2 && !(vp->status & VIRTIO_STATUS_FEATURES_OK)) {
            unsigned sh = 32 * vp->gfselect;
            vp->guest_features = (vp->guest_features & ~(0xffffffffull << sh)) | get_le(c + off, 4)
                                                                                     << sh;
        }
        break;
    case VIRTIO_COMMON_MSIX: vp->msix_config = checked_vector((uint16_t)get_le(c + off, 2)); break;
    case VIRTIO_COMMON_STATUS: write_status(vp, c[off]); break;
    case VIRTIO_COMMON_Q_SELECT: vp->queue_select = (uint16_t)get_le(c + off, 2); break;
    case VIRTIO_COMMON_Q_SIZE:
        if (q_free)
            q->size = (uint16_t)get_le(c + off, 2);
        break;
    case VIRTIO_COMMON_Q_MSIX:
        if (q)
            q->msix_vector = checked_vector((uint16_t)get_le(c + off, 2));
        break;
    case VIRTIO_COMMON_Q_ENABLE:
        if (q_free && (get_le(c + off, 2) & 1)) {
            if (vq_valid(q)) {
                q->enabled = true;
                q->last_avail = q->used_idx = 0;
            } else {
                virtio_pci_set_error(vp);
            }
        }
        break;
    case VIRTIO_COMMON_Q_DESC:
        if (q_free)
            q->desc = get_le(c + off, 8);
        break;
    case VIRTIO_COMMON_Q_AVAIL:
        if (q_free)
            q->avail = get_le(c + off, 8);
        break;
    case VIRTIO_COMMON_Q_USED:
        if (q_free)
            q->used = get_le(c + off, 8);
        break;
    default: break; /* read-only: device features, num_queues, generation, notify off */
    }
}

static const struct {
    uint8_t off, width;
} common_fields[] = {
    {VIRTIO_COMMON_DFSELECT, 4}, {VIRTIO_COMMON_DF, 4},     {VIRTIO_COMMON_GFSELECT, 4},
    {VIRTIO_COMMON_GF, 4},       {VIRTIO_COMMON_MSIX, 2},   {VIRTIO_COMMON_NUMQ, 2},
    {VIRTIO_COMMON_STATUS, 1},   {VIRTIO_COMMON_CFGGEN, 1}, {VIRTIO_COMMON_Q_SELECT, 2},
    {VIRTIO_COMMON_Q_SIZE, 2},   {VIRTIO_COMMON_Q_MSIX, 2}, {VIRTIO_COMMON_Q_ENABLE, 2},
    {VIRTIO_COMMON_Q_NOFF, 2},   {VIRTIO_COMMON_Q_DESC, 8}, {VIRTIO_COMMON_Q_AVAIL, 8},
    {VIRTIO_COMMON_Q_USED, 8},
};

/* An access of size bytes at off that lies within one field. */
static bool common_access_ok(uint64_t off, unsigned size)
{
    if (off + size > VIRTIO_COMMON_SIZE || (off & (size - 1)))
        return false;
    for (unsigned i = 0; i < sizeof(common_fields) / sizeof(common_fields[0]); i++)
        if (off >= common_fields[i].off && off < common_fields[i].off + common_fields[i].width)
            return off + size <= (uint64_t)common_fields[i].off + common_fields[i].width ||
                   size == 8; /* none spans two fields but a 64-bit one */
    return false;
}

static void common_write(struct virtio_pci *vp, uint64_t off, unsigned size, uint64_t value)
{
    uint8_t c[VIRTIO_COMMON_SIZE];

    common_image(vp, c);
    value_bytes(c + off, size, value);
    for (unsigned i = 0; i < sizeof(common_fields) / sizeof(common_fields[0]); i++) {
        unsigned f = common_fields[i].off, w = common_fields[i].width;
        if (f < off + size && off < f + w)
            apply_field(vp, f, c);
    }
}

static uint64_t virtio_bar_read(void *opaque, unsigned bar, uint64_t off, unsigned size)
{
    struct virtio_pci *vp = opaque;
    uint8_t c[VIRTIO_COMMON_SIZE];

    if (bar != PETREL_VIRTIO_BAR || !size || (size & (size - 1)))
        return ~0ull;
    if (off < VIRTIO_COMMON_SIZE) {
        if (!common_access_ok(off, size))
            return ~0ull;
        common_image(vp, c);
        return bytes_value(c + off, size);
    }
    if (off == PETREL_VIRTIO_ISR && size == 1) {
        /* Reading clears the bits and lowers INTx (§4.1.4.5). */
        uint8_t isr = vp->isr;
        vp->isr = 0;
        if (vp->fn.intx_asserted)
            pci_intx(&vp->fn, false);
        return isr;
    }
    if (off >= PETREL_VIRTIO_DEVCFG && off + size <= PETREL_VIRTIO_DEVCFG + vp->devcfg_len &&
        !(off & (size - 1)))
        return bytes_value(vp->devcfg + (off - PETREL_VIRTIO_DEVCFG), size);
    return off >= PETREL_VIRTIO_BAR_SIZE ? ~0ull : 0;
}

static void virtio_bar_write(void *opaque, unsigned bar, uint64_t off, unsigned size,
                             uint64_t value)
{
    struct virtio_pci *vp = opaque;

    if (bar != PETREL_VIRTIO_BAR || !size || (size & (size - 1)))
        return;
    if (off < VIRTIO_COMMON_SIZE) {
        if (common_access_ok(off, size))
            common_write(vp, off, size, value);
        return;
    }
    if (off >= PETREL_VIRTIO_NOTIFY &&
        off < PETREL_VIRTIO_NOTIFY + PETREL_VIRTIO_NOTIFY_MULT * vp->num_queues) {
        unsigned q = (unsigned)(off - PETREL_VIRTIO_NOTIFY) / PETREL_VIRTIO_NOTIFY_MULT;
        if (virtio_pci_running(vp) && vp->vq[q].enabled && vp->handle_queue)
            vp->handle_queue(vp->opaque, q);
    }
}

/* A virtio vendor capability (§4.1.4): cfg_type, BAR, offset, length. */
static void add_virtio_cap(struct virtio_pci *vp, uint8_t type, uint32_t off, uint32_t len)
{
    unsigned cap_len = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
    unsigned c = pci_function_add_cap(&vp->fn, PCI_CAP_VENDOR, cap_len);

    if (!c)
        return;
    pci_cfg_set(&vp->fn, c + 2, 1, cap_len);
    pci_cfg_set(&vp->fn, c + 3, 1, type);
    pci_cfg_set(&vp->fn, c + 4, 1, PETREL_VIRTIO_BAR);
    pci_cfg_set(&vp->fn, c + 8, 4, off);
    pci_cfg_set(&vp->fn, c + 12, 4, len);
    if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
        pci_cfg_set(&vp->fn, c + 16, 4, PETREL_VIRTIO_NOTIFY_MULT);
    memcpy(vp->fn.cfg_reset, vp->fn.cfg, sizeof(vp->fn.cfg_reset));
}

void virtio_pci_init(struct virtio_pci *vp, unsigned device_id, uint32_t class_code,
                     unsigned num_queues, uint64_t features)
{
    static const struct pci_bar_ops ops = {virtio_bar_read, virtio_bar_write};

    memset(vp, 0, sizeof(*vp));
    /* §4.1.2.1: revision 1 for a modern-only device; subsystem device id
     * >= 0x40. */
    pci_function_init(&vp->fn, PETREL_VIRTIO_VENDOR, (uint16_t)PETREL_VIRTIO_DEVICE(device_id),
                      class_code, 1, PETREL_VIRTIO_VENDOR, 0x40);
    pci_function_add_bar(&vp->fn, PETREL_VIRTIO_MSIX_BAR, 0x1000, false);
    pci_function_add_bar(&vp->fn, PETREL_VIRTIO_BAR, PETREL_VIRTIO_BAR_SIZE, true);
    pci_function_add_msix(&vp->fn, PETREL_VIRTIO_MSIX_VECTORS, PETREL_VIRTIO_MSIX_BAR,
                          PETREL_VIRTIO_MSIX_TABLE, PETREL_VIRTIO_MSIX_PBA);
    add_virtio_cap(vp, VIRTIO_PCI_CAP_COMMON_CFG, PETREL_VIRTIO_COMMON, 0x1000);
    add_virtio_cap(vp, VIRTIO_PCI_CAP_ISR_CFG, PETREL_VIRTIO_ISR, 0x1000);
    add_virtio_cap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, PETREL_VIRTIO_DEVCFG, 0x1000);
    add_virtio_cap(vp, VIRTIO_PCI_CAP_NOTIFY_CFG, PETREL_VIRTIO_NOTIFY, 0x1000);
    pci_function_set_pin(&vp->fn, 1);
    vp->num_queues = num_queues <= VIRTIO_PCI_QUEUES ? num_queues : VIRTIO_PCI_QUEUES;
    vp->host_features = features | 1ull << VIRTIO_F_VERSION_1;
    vp->fn.ops = &ops;
    vp->fn.opaque = vp;
    vp->fn.reset = function_reset;
    transport_reset(vp);
}

void virtio_pci_offer_access_platform(struct pci_function *fn)
{
    struct virtio_pci *vp = fn->opaque;

    vp->host_features |= 1ull << VIRTIO_F_ACCESS_PLATFORM;
}

int virtio_pci_plug(struct virtio_pci *vp, struct phb *phb, unsigned slot)
{
    return phb_plug(phb, slot << 3, &vp->fn);
}

/* ---- snapshots (virtio_pci.h) ---- */

#define VIRTIO_STATE_VERSION 1u

unsigned virtio_pci_state_version(void)
{
    return VIRTIO_STATE_VERSION;
}

void virtio_pci_save(struct virtio_pci *vp, struct snap_writer *w)
{
    phb_lock(vp->fn.phb);
    snap_put_u32(w, vp->fn.devfn);
    snap_put_u64(w, vp->host_features);
    snap_put_u64(w, vp->guest_features);
    snap_put_u32(w, vp->dfselect);
    snap_put_u32(w, vp->gfselect);
    snap_put_u16(w, vp->msix_config);
    snap_put_u16(w, vp->queue_select);
    snap_put_u8(w, vp->status);
    snap_put_u8(w, vp->isr);
    snap_put_u32(w, vp->num_queues);
    for (unsigned q = 0; q < vp->num_queues; q++) {
        const struct virtqueue *v = &vp->vq[q];
        snap_put_u16(w, v->size);
        snap_put_u16(w, v->msix_vector);
        snap_put_u8(w, v->enabled);
        snap_put_u64(w, v->desc);
        snap_put_u64(w, v->avail);
        snap_put_u64(w, v->used);
        snap_put_u16(w, v->last_avail);
        snap_put_u16(w, v->used_idx);
    }
    snap_put_u32(w, vp->errors);
    phb_unlock(vp->fn.phb);
}

static int vbad(char *err, size_t errlen, const struct virtio_pci *vp, const char *what)
{
    snprintf(err, errlen, "virtio device at %02x.%u: %s", vp->fn.devfn >> 3, vp->fn.devfn & 7,
             what);
    return -1;
}

int virtio_pci_load(struct virtio_pci *vp, struct snap_reader *r, unsigned version, bool apply,
                    char *err, size_t errlen)
{
    struct virtio_pci s;

    if (version != VIRTIO_STATE_VERSION) {
        snprintf(err, errlen, "virtio device at %02x.%u: state version %u, this petrel reads %u",
                 vp->fn.devfn >> 3, vp->fn.devfn & 7, version, VIRTIO_STATE_VERSION);
        return -1;
    }
    if (snap_get_u32(r) != vp->fn.devfn)
        return vbad(err, errlen, vp, "saved for another slot");
    s.host_features = snap_get_u64(r);
    s.guest_features = snap_get_u64(r);
    s.dfselect = snap_get_u32(r);
    s.gfselect = snap_get_u32(r);
    s.msix_config = snap_get_u16(r);
    s.queue_select = snap_get_u16(r);
    s.status = snap_get_u8(r);
    s.isr = snap_get_u8(r);
    s.num_queues = snap_get_u32(r);
    if (r->bad)
        return vbad(err, errlen, vp, "truncated state");
    if (s.host_features != vp->host_features || s.num_queues != vp->num_queues)
        return vbad(err, errlen, vp, "saved with other features or queues");
    if ((s.guest_features & ~vp->host_features) || checked_vector(s.msix_config) != s.msix_config)
        return vbad(err, errlen, vp, "features or configuration vector out of range");
    for (unsigned q = 0; q < s.num_queues; q++) {
        struct virtqueue *v = &s.vq[q];
        v->size = snap_get_u16(r);
        v->msix_vector = snap_get_u16(r);
        v->enabled = snap_get_u8(r) != 0;
        v->desc = snap_get_u64(r);
        v->avail = snap_get_u64(r);
        v->used = snap_get_u64(r);
        v->last_avail = snap_get_u16(r);
        v->used_idx = snap_get_u16(r);
        if (v->size > PETREL_VIRTIO_QUEUE_MAX || (v->enabled && !vq_valid(v)) ||
            checked_vector(v->msix_vector) != v->msix_vector)
            return vbad(err, errlen, vp, "malformed queue");
    }
    s.errors = snap_get_u32(r);
    if (!snap_reader_done(r))
        return vbad(err, errlen, vp, "state length does not match version");
    if (!apply)
        return 0;
    phb_lock(vp->fn.phb);
    vp->guest_features = s.guest_features;
    /* How the device addresses memory follows from what was negotiated. */
    vp->fn.dma_direct = (s.status & VIRTIO_STATUS_FEATURES_OK) &&
                        !(s.guest_features >> VIRTIO_F_ACCESS_PLATFORM & 1);
    vp->dfselect = s.dfselect;
    vp->gfselect = s.gfselect;
    vp->msix_config = s.msix_config;
    vp->queue_select = s.queue_select;
    vp->status = s.status;
    vp->isr = s.isr;
    for (unsigned q = 0; q < s.num_queues; q++)
        vp->vq[q] = s.vq[q];
    vp->errors = s.errors;
    phb_unlock(vp->fn.phb);
    return 0;
}
