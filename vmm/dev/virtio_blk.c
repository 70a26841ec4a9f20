/*
 * virtio-blk (virtio 1.0 §5.2) over a raw image file.  Requests run to
 * completion when the driver rings the doorbell, under the PHB's lock:
 * read, write (refused on a read-only drive), flush (fdatasync: a flush
 * the guest asked for reaches the disk before it completes) and GET_ID.
 * A driver that did not accept VIRTIO_BLK_F_FLUSH cannot ask for flushes
 * and takes every completed write as durable (virtio 1.0 §5.2.6: the
 * device then has no volatile write cache, as Linux's driver assumes):
 * such writes are synced before they complete.
 * Every request is checked against the image's size in sectors; a
 * request that does not fit gets IOERR, a chain that cannot hold a
 * header and a status byte, or a buffer the guest did not map, stops the
 * device (DEVICE_NEEDS_RESET).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtio_blk.h"

#include "virtio_pci.h"

#define CHUNK (64u << 10) /* bytes moved per DMA and file call */

struct virtio_blk {
    struct virtio_pci vp;
    int fd;
    bool readonly;
    uint64_t sectors;
    char id[VIRTIO_BLK_ID_BYTES];
    uint64_t syncs;
    struct vq_elem elem;
    uint8_t buf[CHUNK];
};

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Moves len bytes between the image at byte pos and the chain's data
 * (readable bytes from offset 16 for a write, writable bytes from 0 for a
 * read).  Returns the status, or -1 when the chain's buffers fail. */
static int transfer(struct virtio_blk *b, const struct vq_elem *e, uint64_t pos, uint64_t len,
                    bool to_guest)
{
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
        ssize_t r;

        if (to_guest) {
            r = pread(b->fd, b->buf, n, (off_t)(pos + done));
            if (r < 0)
                return VIRTIO_BLK_S_IOERR;
            /* Past the end of a file shorter than a sector multiple. */
            memset(b->buf + r, 0, n - (size_t)r);
            if (!vq_elem_write(&b->vp.fn, e, done, b->buf, n))
                return -1;
        } else {
            if (!vq_elem_read(&b->vp.fn, e, 16 + done, b->buf, n))
                return -1;
            r = pwrite(b->fd, b->buf, n, (off_t)(pos + done));
            if (r != (ssize_t)n)
                return VIRTIO_BLK_S_IOERR;
        }
        done += n;
    }
    return VIRTIO_BLK_S_OK;
}

static bool sync_image(struct virtio_blk *b)
{
    b->syncs++;
    return fdatasync(b->fd) == 0;
}

/* One request; returns the bytes written to the chain, or -1 to stop the
 * device. */
static int64_t request(struct virtio_blk *b, const struct vq_elem *e)
{
    uint8_t hdr[16], status;
    uint32_t type;
    uint64_t sector, len = 0;
    int s;

    if (e->out_len < sizeof(hdr) || e->in_len < 1 || !vq_elem_read(&b->vp.fn, e, 0, hdr, 16))
        return -1;
    type = (uint32_t)le64(hdr) & 0xffffffffu;
    sector = le64(hdr + 8);
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        len = type == VIRTIO_BLK_T_IN ? e->in_len - 1 : e->out_len - 16;
        if ((len % VIRTIO_BLK_SECTOR) || sector > b->sectors ||
            len / VIRTIO_BLK_SECTOR > b->sectors - sector ||
            (type == VIRTIO_BLK_T_OUT && b->readonly)) {
            s = VIRTIO_BLK_S_IOERR;
            len = 0;
            break;
        }
        s = transfer(b, e, sector * VIRTIO_BLK_SECTOR, len, type == VIRTIO_BLK_T_IN);
        if (type == VIRTIO_BLK_T_OUT) {
            len = 0;
            /* Write-through unless the driver can flush. */
            if (s == VIRTIO_BLK_S_OK && !(b->vp.guest_features & (1ull << VIRTIO_BLK_F_FLUSH)) &&
                !sync_image(b))
                s = VIRTIO_BLK_S_IOERR;
        }
        break;
    case VIRTIO_BLK_T_FLUSH:
        s = sync_image(b) ? (int)VIRTIO_BLK_S_OK : (int)VIRTIO_BLK_S_IOERR;
        break;
    case VIRTIO_BLK_T_GET_ID:
        len = e->in_len - 1 < VIRTIO_BLK_ID_BYTES ? e->in_len - 1 : VIRTIO_BLK_ID_BYTES;
        s = vq_elem_write(&b->vp.fn, e, 0, b->id, len) ? (int)VIRTIO_BLK_S_OK : -1;
        break;
    default: s = VIRTIO_BLK_S_UNSUPP; break;
    }
    if (s < 0)
        return -1;
    status = (uint8_t)s;
    /* The status byte is the chain's last writable byte (§5.2.6). */
    if (!vq_elem_write(&b->vp.fn, e, e->in_len - 1, &status, 1))
        return -1;
    return (int64_t)(s == VIRTIO_BLK_S_OK ? len : 0) + 1;
}

static void handle_queue(void *opaque, unsigned q)
{
    struct virtio_blk *b = opaque;
    struct virtqueue *vq = &b->vp.vq[q];
    bool used = false;
    int r;

    while ((r = vq_pop(&b->vp.fn, vq, &b->elem)) > 0) {
        int64_t written = request(b, &b->elem);
        if (written < 0 || !vq_push(&b->vp.fn, vq, b->elem.head, (uint32_t)written)) {
            r = -1;
            break;
        }
        used = true;
    }
    if (r < 0)
        virtio_pci_set_error(&b->vp);
    else if (used)
        virtio_pci_queue_interrupt(&b->vp, q);
}

struct virtio_blk *virtio_blk_create(struct phb *phb, unsigned slot, const char *file,
                                     bool readonly, const char *id)
{
    struct virtio_blk *b = calloc(1, sizeof(*b));
    struct stat st;
    uint64_t features = 1ull << VIRTIO_BLK_F_FLUSH;

    if (!b)
        return NULL;
    b->fd = open(file, readonly ? O_RDONLY : O_RDWR);
    if (b->fd < 0 || fstat(b->fd, &st) != 0) {
        int e = errno;
        if (b->fd >= 0)
            close(b->fd);
        free(b);
        errno = e;
        return NULL;
    }
    b->readonly = readonly;
    b->sectors = (uint64_t)st.st_size / VIRTIO_BLK_SECTOR;
    /* GET_ID: up to 20 bytes, not NUL-terminated when 20 long. */
    if (id)
        memcpy(b->id, id, strnlen(id, sizeof(b->id)));
    if (readonly)
        features |= 1ull << VIRTIO_BLK_F_RO;
    virtio_pci_init(&b->vp, PETREL_VIRTIO_ID_BLK, 0x018000, 1, features);
    for (unsigned i = 0; i < 8; i++)
        b->vp.devcfg[VIRTIO_BLK_CFG_CAPACITY + i] = (uint8_t)(b->sectors >> (8 * i));
    b->vp.devcfg_len = 24; /* capacity, size_max, seg_max, geometry (unused: 0) */
    b->vp.handle_queue = handle_queue;
    b->vp.opaque = b;
    if (virtio_pci_plug(&b->vp, phb, slot) != 0) {
        close(b->fd);
        free(b);
        errno = EBUSY;
        return NULL;
    }
    return b;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
    if (!b)
        return;
    close(b->fd);
    free(b);
}

uint64_t virtio_blk_syncs(const struct virtio_blk *b)
{
    return b->syncs;
}

struct virtio_pci *virtio_blk_transport(struct virtio_blk *dev)
{
    return &dev->vp;
}

uint64_t virtio_blk_sectors(const struct virtio_blk *b)
{
    return b->sectors;
}
