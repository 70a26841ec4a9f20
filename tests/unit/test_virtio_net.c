/*
 * virtio-net (vmm/dev/virtio_net.c) on a PHB in front of a fake back end
 * that records what it is sent and answers chosen frames at once (as
 * libslirp answers ARP and DHCP from inside slirp_input): identity,
 * features and config space, transmit with the header stripped, receive
 * with the header written, frames waiting when the guest has no buffers
 * (bounded), frames too big for a buffer, the back end's flush from
 * another thread, and every malformed chain ending in DEVICE_NEEDS_RESET
 * -- never a crash -- until a reset.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/pci.h>
#include <petrel/virtio.h>

#include "pci/function.h"
#include "pci/phb.h"
#include "tests/unit/check.h"
#include "vmm/dev/net_backend.h"
#include "vmm/dev/virtio_net.h"
#include "vmm/dev/virtio_pci.h"
#include "vmm/memory.h"

#define SLOT  3u
#define DEVFN (SLOT << 3)
#define BAR4  (PETREL_PHB_MMIO64_BASE + 0x100000)
#define BAR1  (PETREL_PHB_MMIO32_PCI + 0x10000)
#define QSIZE 8u
/* Guest memory, identity-mapped by the TCEs below 1 MiB. */
static const uint64_t qbase[2] = {0x10000, 0x14000}; /* rx, tx: desc; +0x1000 avail; +0x2000 used */
#define RXBUF  0x20000u                              /* QSIZE buffers of 0x800 */
#define TXBUF  0x30000u
#define BIGBUF 0x40000u /* 0x20000 bytes */
#define MAPPED (1u << 20)

static struct guest_mem mem;
static struct phb phb;
static struct virtio_net *nic;

/* ---- the fake back end ---- */

static struct {
    struct net_backend be;
    uint8_t last[NET_FRAME_MAX];
    size_t last_len;
    unsigned sent;
    /* Frames whose first byte is this are answered at once, reversed. */
    int echo_marker;
} fake;

static void fake_send(struct net_backend *be, const uint8_t *frame, size_t len)
{
    CHECK(be == &fake.be);
    memcpy(fake.last, frame, len);
    fake.last_len = len;
    fake.sent++;
    if (fake.echo_marker >= 0 && len && frame[0] == fake.echo_marker) {
        uint8_t reply[2048];
        for (size_t i = 0; i < len && i < sizeof(reply); i++)
            reply[i] = frame[len - 1 - i];
        net_backend_deliver(be, reply, len < sizeof(reply) ? len : sizeof(reply));
    }
}

static int fake_start(struct net_backend *be)
{
    (void)be;
    return 0;
}

static void fake_destroy(struct net_backend *be)
{
    (void)be;
}

static const struct net_backend_ops fake_ops = {fake_send, fake_start, fake_destroy};

/* ---- a driver ---- */

static uint8_t *ram(uint64_t a)
{
    return mem.ram + a;
}

static void put_le(uint64_t a, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        ram(a)[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(uint64_t a, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)ram(a)[i] << (8 * i);
    return v;
}

static uint64_t swap(uint64_t v, unsigned size)
{
    return size == 8   ? __builtin_bswap64(v)
           : size == 4 ? __builtin_bswap32((uint32_t)v)
           : size == 2 ? __builtin_bswap16((uint16_t)v)
                       : v;
}

static uint64_t common(unsigned off, unsigned size)
{
    return swap(phb_mmio_load(&phb, BAR4 + off, size), size);
}

static void set_common(unsigned off, unsigned size, uint64_t v)
{
    phb_mmio_store(&phb, BAR4 + off, size, swap(v, size));
}

static uint32_t cfg(unsigned reg, unsigned size)
{
    return (uint32_t)swap(phb_config_load(&phb, (uint64_t)DEVFN << 12 | reg, size), size);
}

static void set_cfg(unsigned reg, unsigned size, uint32_t v)
{
    phb_config_store(&phb, (uint64_t)DEVFN << 12 | reg, size, swap(v, size));
}

static uint8_t status(void)
{
    return (uint8_t)common(VIRTIO_COMMON_STATUS, 1);
}

static void notify(unsigned q)
{
    phb_mmio_store(&phb, BAR4 + PETREL_VIRTIO_NOTIFY + PETREL_VIRTIO_NOTIFY_MULT * q, 2, 0);
}

static struct virtio_net_stats stats(void)
{
    struct virtio_net_stats s;

    virtio_net_stats(nic, &s);
    return s;
}

/* Reset, negotiate VERSION_1 | ACCESS_PLATFORM | MAC | STATUS (DMA through
 * the TCE table), set up both queues, DRIVER_OK. */
static void driver_init(void)
{
    set_common(VIRTIO_COMMON_STATUS, 1, 0);
    memset(ram(qbase[0]), 0, 0x8000);
    set_common(VIRTIO_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    set_common(VIRTIO_COMMON_GFSELECT, 4, 1);
    set_common(VIRTIO_COMMON_GF, 4, 1u | 1u << (VIRTIO_F_ACCESS_PLATFORM - 32));
    set_common(VIRTIO_COMMON_GFSELECT, 4, 0);
    set_common(VIRTIO_COMMON_GF, 4, 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS);
    set_common(VIRTIO_COMMON_STATUS, 1, 0x0b);
    CHECK_EQ(status(), 0x0b);
    for (unsigned q = 0; q < 2; q++) {
        set_common(VIRTIO_COMMON_Q_SELECT, 2, q);
        set_common(VIRTIO_COMMON_Q_SIZE, 2, QSIZE);
        set_common(VIRTIO_COMMON_Q_DESC, 8, qbase[q]);
        set_common(VIRTIO_COMMON_Q_AVAIL, 8, qbase[q] + 0x1000);
        set_common(VIRTIO_COMMON_Q_USED, 8, qbase[q] + 0x2000);
        set_common(VIRTIO_COMMON_Q_ENABLE, 2, 1);
        CHECK_EQ(common(VIRTIO_COMMON_Q_ENABLE, 2), 1);
    }
    set_common(VIRTIO_COMMON_STATUS, 1, 0x0f);
    CHECK_EQ(status(), 0x0f);
}

static void desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = qbase[q] + 16 * i;

    put_le(d, 8, addr);
    put_le(d + 8, 4, len);
    put_le(d + 12, 2, flags);
    put_le(d + 14, 2, next);
}

/* Makes chain head of queue q available; rings if asked. */
static void make_avail(unsigned q, uint16_t head, bool ring)
{
    uint64_t avail = qbase[q] + 0x1000;
    uint16_t idx = (uint16_t)get_le(avail + 2, 2);

    put_le(avail + 4 + 2 * (idx % QSIZE), 2, head);
    put_le(avail + 2, 2, (uint16_t)(idx + 1));
    if (ring)
        notify(q);
}

static uint16_t used_idx(unsigned q)
{
    return (uint16_t)get_le(qbase[q] + 0x2002, 2);
}

/* Used entry i of queue q: head and length. */
static uint32_t used_len(unsigned q, unsigned i)
{
    return (uint32_t)get_le(qbase[q] + 0x2004 + 8 * (i % QSIZE) + 4, 4);
}

static uint32_t used_head(unsigned q, unsigned i)
{
    return (uint32_t)get_le(qbase[q] + 0x2004 + 8 * (i % QSIZE), 4);
}

/* Posts receive buffer i (0x800 bytes at RXBUF + 0x800 i) as descriptor i. */
static void post_rx(unsigned i, bool ring)
{
    memset(ram(RXBUF + 0x800 * i), 0xaa, 0x800);
    desc(0, i, RXBUF + 0x800 * i, 0x800, VIRTQ_DESC_F_WRITE, 0);
    make_avail(0, (uint16_t)i, ring);
}

/* Transmits a frame of len bytes (byte k = first + k) as header and
 * frame in two descriptors 0 and 1. */
static void send_frame(uint8_t first, size_t len)
{
    memset(ram(TXBUF), 0, VIRTIO_NET_HDR_LEN);
    for (size_t k = 0; k < len; k++)
        ram(TXBUF + 0x100)[k] = (uint8_t)(first + k);
    desc(1, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 1, TXBUF + 0x100, (uint32_t)len, 0, 0);
    make_avail(1, 0, true);
}

/* A frame from the back end, as its thread would hand it over. */
static void backend_frame(uint8_t first, size_t len, bool flush)
{
    uint8_t f[2048];

    for (size_t k = 0; k < len && k < sizeof(f); k++)
        f[k] = (uint8_t)(first + k);
    net_backend_deliver(&fake.be, f, len);
    if (flush)
        net_backend_flush(&fake.be);
}

/* Receive buffer i holds header + frame (first, len). */
static bool rx_holds(unsigned i, uint8_t first, size_t len)
{
    const uint8_t *b = ram(RXBUF + 0x800 * i);

    for (unsigned k = 0; k < VIRTIO_NET_HDR_LEN; k++)
        if (b[k] != (k == VIRTIO_NET_HDR_NUM_BUFFERS ? 1 : 0))
            return false;
    for (size_t k = 0; k < len; k++)
        if (b[VIRTIO_NET_HDR_LEN + k] != (uint8_t)(first + k))
            return false;
    return b[VIRTIO_NET_HDR_LEN + len] == 0xaa; /* nothing written past it */
}

static void test_identity(void)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    CHECK_EQ(cfg(0, 4), 0x10411af4);
    CHECK_EQ(cfg(PCI_REVISION, 4) >> 8, 0x020000);
    set_cfg(PCI_BAR0 + 4, 4, (uint32_t)BAR1);
    set_cfg(PCI_BAR0 + 16, 4, (uint32_t)BAR4);
    set_cfg(PCI_BAR0 + 20, 4, (uint32_t)(BAR4 >> 32));
    set_cfg(PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    /* MAC and STATUS, VERSION_1; no checksum, GSO or mergeable buffers. */
    set_common(VIRTIO_COMMON_DFSELECT, 4, 0);
    CHECK_EQ(common(VIRTIO_COMMON_DF, 4), 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS);
    set_common(VIRTIO_COMMON_DFSELECT, 4, 1);
    CHECK_EQ(common(VIRTIO_COMMON_DF, 4), 3); /* iommu_platform=on: ACCESS_PLATFORM */
    CHECK_EQ(common(VIRTIO_COMMON_NUMQ, 2), 2);
    for (unsigned i = 0; i < 6; i++)
        CHECK_EQ(phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_DEVCFG + VIRTIO_NET_CFG_MAC + i, 1),
                 mac[i]);
    CHECK_EQ(swap(phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_DEVCFG + VIRTIO_NET_CFG_STATUS, 2), 2),
             VIRTIO_NET_S_LINK_UP);
    /* A driver asking for checksum offload (bit 0, not offered) is refused. */
    set_common(VIRTIO_COMMON_STATUS, 1, 3);
    set_common(VIRTIO_COMMON_GFSELECT, 4, 1);
    set_common(VIRTIO_COMMON_GF, 4, 1);
    set_common(VIRTIO_COMMON_GFSELECT, 4, 0);
    set_common(VIRTIO_COMMON_GF, 4, 1);
    set_common(VIRTIO_COMMON_STATUS, 1, 0x0b);
    CHECK_EQ(status(), 3);
    set_common(VIRTIO_COMMON_STATUS, 1, 0);
}

static void test_tx(void)
{
    struct virtio_net_stats s0, s;

    driver_init();
    s0 = stats();
    send_frame(0x10, 60);
    CHECK_EQ(fake.sent, 1);
    CHECK_EQ(fake.last_len, 60);
    CHECK(fake.last_len == 60 && fake.last[0] == 0x10 && fake.last[59] == 0x10 + 59);
    CHECK_EQ(used_idx(1), 1);
    CHECK_EQ(used_head(1, 0), 0);
    CHECK_EQ(used_len(1, 0), 0);
    /* INTx (MSI-X off): the transmit completion interrupts. */
    CHECK(phb.fn[DEVFN]->intx_asserted);
    CHECK_EQ(phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_ISR, 1), VIRTIO_ISR_QUEUE);
    /* Header and frame in one descriptor. */
    memset(ram(TXBUF), 0, VIRTIO_NET_HDR_LEN);
    memcpy(ram(TXBUF + VIRTIO_NET_HDR_LEN),
           "\xff\xff\xff\xff\xff\xff"
           "abcdefghij",
           16);
    desc(1, 2, TXBUF, VIRTIO_NET_HDR_LEN + 16, 0, 0);
    make_avail(1, 2, true);
    CHECK_EQ(fake.sent, 2);
    CHECK(fake.last_len == 16 && !memcmp(fake.last + 6, "abcdefghij", 10));
    /* A runt (shorter than an Ethernet header) and a GSO frame (not
     * offered): dropped, buffers returned, the device runs on. */
    send_frame(0x20, 13);
    ram(TXBUF)[1] = 1; /* VIRTIO_NET_HDR_GSO_TCPV4 */
    make_avail(1, 0, true);
    CHECK_EQ(fake.sent, 2);
    CHECK_EQ(used_idx(1), 4);
    s = stats();
    CHECK_EQ(s.tx_frames - s0.tx_frames, 2);
    CHECK_EQ(s.tx_dropped - s0.tx_dropped, 2);
    CHECK_EQ(status(), 0x0f);
    /* The largest frame: 65550 bytes with the header. */
    desc(1, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 1, BIGBUF, PETREL_VIRTIO_NET_FRAME_MAX - VIRTIO_NET_HDR_LEN, 0, 0);
    ram(TXBUF)[1] = 0;
    make_avail(1, 0, true);
    CHECK_EQ(fake.sent, 3);
    CHECK_EQ(fake.last_len, NET_FRAME_MAX);
    CHECK_EQ(status(), 0x0f);
}

static void test_rx(void)
{
    struct virtio_net_stats s;

    driver_init();
    phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_ISR, 1);
    /* Three frames with no buffers: they wait. */
    backend_frame(0x30, 60, true);
    backend_frame(0x40, 100, true);
    backend_frame(0x50, 1514, true);
    s = stats();
    CHECK_EQ(s.rx_pending, 3);
    CHECK_EQ(s.rx_frames, 0);
    CHECK_EQ(used_idx(0), 0);
    /* Two buffers and the doorbell: two frames arrive, in order. */
    post_rx(0, false);
    post_rx(1, true);
    CHECK_EQ(used_idx(0), 2);
    CHECK_EQ(used_head(0, 0), 0);
    CHECK_EQ(used_len(0, 0), VIRTIO_NET_HDR_LEN + 60);
    CHECK_EQ(used_len(0, 1), VIRTIO_NET_HDR_LEN + 100);
    CHECK(rx_holds(0, 0x30, 60));
    CHECK(rx_holds(1, 0x40, 100));
    CHECK(phb.fn[DEVFN]->intx_asserted);
    CHECK_EQ(stats().rx_pending, 1);
    /* The third when another buffer comes. */
    post_rx(2, true);
    CHECK_EQ(used_idx(0), 3);
    CHECK(rx_holds(2, 0x50, 1514));
    CHECK_EQ(stats().rx_pending, 0);
    /* With a buffer waiting, the back end's flush delivers at once. */
    post_rx(3, true);
    CHECK_EQ(used_idx(0), 3);
    backend_frame(0x60, 42, true);
    CHECK_EQ(used_idx(0), 4);
    CHECK(rx_holds(3, 0x60, 42));
    /* A frame bigger than the buffer is dropped; the buffer stays for the
     * next frame. */
    desc(0, 4, RXBUF + 0x800 * 4, VIRTIO_NET_HDR_LEN + 64, VIRTQ_DESC_F_WRITE, 0);
    memset(ram(RXBUF + 0x800 * 4), 0xaa, 0x800);
    make_avail(0, 4, true);
    s = stats();
    backend_frame(0x70, 65, true);
    CHECK_EQ(used_idx(0), 4);
    CHECK_EQ(stats().rx_dropped, s.rx_dropped + 1);
    backend_frame(0x71, 64, true);
    CHECK_EQ(used_idx(0), 5);
    CHECK(rx_holds(4, 0x71, 64));
    /* A buffer of two descriptors: the header in one, the frame across. */
    desc(0, 5, RXBUF + 0x800 * 5, 20, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 6);
    desc(0, 6, RXBUF + 0x800 * 5 + 20, 0x700, VIRTQ_DESC_F_WRITE, 0);
    memset(ram(RXBUF + 0x800 * 5), 0xaa, 0x800);
    make_avail(0, 5, true);
    backend_frame(0x80, 300, true);
    CHECK_EQ(used_idx(0), 6);
    CHECK(rx_holds(5, 0x80, 300));
    /* A frame the back end answers inside send reaches a posted buffer
     * before the transmit doorbell returns. */
    post_rx(7, false);
    fake.echo_marker = 0x90;
    send_frame(0x90, 64);
    fake.echo_marker = -1;
    CHECK_EQ(used_idx(0), 7);
    CHECK_EQ(used_len(0, 6), VIRTIO_NET_HDR_LEN + 64);
    CHECK_EQ(ram(RXBUF + 0x800 * 7 + VIRTIO_NET_HDR_LEN)[0], 0x90 + 63);
    CHECK_EQ(status(), 0x0f);
}

static void test_rx_bounded(void)
{
    struct virtio_net_stats s0, s;

    driver_init();
    s0 = stats();
    for (unsigned i = 0; i < VIRTIO_NET_RX_PENDING_MAX + 20; i++)
        backend_frame((uint8_t)i, 64, true);
    s = stats();
    CHECK_EQ(s.rx_pending, VIRTIO_NET_RX_PENDING_MAX);
    CHECK_EQ(s.rx_dropped - s0.rx_dropped, 20);
    /* Oversized and empty frames never wait. */
    backend_frame(0, 0, false);
    CHECK_EQ(stats().rx_dropped - s0.rx_dropped, 21);
    /* The oldest frames come first. */
    post_rx(0, true);
    CHECK(rx_holds(0, 0, 64));
    /* A device reset drops what waits. */
    set_common(VIRTIO_COMMON_STATUS, 1, 0);
    CHECK_EQ(stats().rx_pending, 0);
    /* Frames for a driver that is not running are dropped. */
    backend_frame(1, 64, true);
    CHECK_EQ(stats().rx_pending, 0);
}

/* Driver set up, then one malformed chain: DEVICE_NEEDS_RESET, nothing
 * sent, and a configuration interrupt. */
static void expect_error(const char *what, unsigned sent_before)
{
    if (!(status() & VIRTIO_STATUS_NEEDS_RESET))
        fprintf(stderr, "no DEVICE_NEEDS_RESET after %s\n", what);
    CHECK(status() & VIRTIO_STATUS_NEEDS_RESET);
    CHECK_EQ(fake.sent, sent_before);
    CHECK(phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_ISR, 1) & VIRTIO_ISR_CONFIG);
}

static void test_malformed(void)
{
    unsigned sent;

    /* Transmit: shorter than the header. */
    driver_init();
    sent = fake.sent;
    desc(1, 0, TXBUF, VIRTIO_NET_HDR_LEN - 1, 0, 0);
    make_avail(1, 0, true);
    expect_error("a short transmit chain", sent);
    /* Then nothing more happens until a reset: not even a good frame. */
    send_frame(0x10, 60);
    CHECK_EQ(fake.sent, sent);
    /* Transmit: one byte past the largest frame. */
    driver_init();
    desc(1, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 1, BIGBUF, PETREL_VIRTIO_NET_FRAME_MAX - VIRTIO_NET_HDR_LEN + 1, 0, 0);
    make_avail(1, 0, true);
    expect_error("an oversized transmit chain", sent);
    /* Transmit: a writable descriptor. */
    driver_init();
    desc(1, 0, TXBUF, VIRTIO_NET_HDR_LEN + 64, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 1, TXBUF + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
    make_avail(1, 0, true);
    expect_error("a writable transmit descriptor", sent);
    /* Transmit: a frame in memory the TCEs do not map. */
    driver_init();
    desc(1, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 1, MAPPED - 32, 64, 0, 0);
    make_avail(1, 0, true);
    expect_error("an unmapped transmit buffer", sent);
    /* Transmit: a descriptor loop. */
    driver_init();
    desc(1, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 1, TXBUF + 0x100, 64, VIRTQ_DESC_F_NEXT, 0);
    make_avail(1, 0, true);
    expect_error("a transmit descriptor loop", sent);
    /* Receive: a readable descriptor. */
    driver_init();
    desc(0, 0, RXBUF, 0x800, 0, 0);
    make_avail(0, 0, true);
    backend_frame(0x20, 60, true);
    expect_error("a readable receive descriptor", sent);
    CHECK_EQ(used_idx(0), 0);
    CHECK_EQ(stats().rx_pending, 0);
    /* Receive: a buffer that cannot hold the header. */
    driver_init();
    desc(0, 0, RXBUF, VIRTIO_NET_HDR_LEN - 1, VIRTQ_DESC_F_WRITE, 0);
    make_avail(0, 0, true);
    backend_frame(0x20, 60, true);
    expect_error("a receive buffer shorter than the header", sent);
    /* Receive: an unmapped buffer. */
    driver_init();
    desc(0, 0, MAPPED - 16, 0x800, VIRTQ_DESC_F_WRITE, 0);
    make_avail(0, 0, true);
    backend_frame(0x20, 60, true);
    expect_error("an unmapped receive buffer", sent);
    /* Receive: a head past the queue. */
    driver_init();
    make_avail(0, QSIZE + 3, true);
    backend_frame(0x20, 60, true);
    expect_error("a receive head past the queue", sent);
    /* A reset brings it back. */
    driver_init();
    send_frame(0x10, 60);
    CHECK_EQ(fake.sent, sent + 1);
    post_rx(0, true);
    backend_frame(0x21, 60, true);
    CHECK(rx_holds(0, 0x21, 60));
    CHECK_EQ(status(), 0x0f);
}

/* The back end's thread delivers while the guest transmits: every frame
 * either arrives or is counted dropped; nothing is lost or corrupt. */
static void *flusher(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < 2000; i++)
        backend_frame((uint8_t)i, 64, true);
    return NULL;
}

static void test_threads(void)
{
    pthread_t t;
    struct virtio_net_stats s0, s;
    unsigned got = 0;

    driver_init();
    s0 = stats();
    CHECK(pthread_create(&t, NULL, flusher, NULL) == 0);
    for (unsigned round = 0; round < 400; round++) {
        phb_lock(&phb);
        while ((uint16_t)(used_idx(0) - got)) {
            unsigned i = used_head(0, got);
            CHECK_EQ(used_len(0, got), VIRTIO_NET_HDR_LEN + 64);
            CHECK_EQ(ram(RXBUF + 0x800 * i + VIRTIO_NET_HDR_LEN + 1)[0],
                     (uint8_t)(ram(RXBUF + 0x800 * i + VIRTIO_NET_HDR_LEN)[0] + 1));
            got++;
            post_rx(i, false);
        }
        if (got < QSIZE && round == 0)
            for (unsigned i = 0; i < QSIZE; i++)
                post_rx(i, false);
        notify(0);
        send_frame(0x11, 60);
        phb_unlock(&phb);
    }
    pthread_join(t, NULL);
    while ((uint16_t)(used_idx(0) - got))
        got++;
    CHECK(got >= QSIZE);
    s = stats();
    CHECK_EQ((s.rx_frames - s0.rx_frames) + (s.rx_dropped - s0.rx_dropped) + s.rx_pending, 2000);
    CHECK_EQ(s.rx_frames - s0.rx_frames, got);
    CHECK_EQ(status(), 0x0f);
}

/* Resets (the driver's and the machine's: phb_reset) while the back end's
 * thread delivers: no crash, no frame for a reset device, and a working
 * device after each re-initialisation. */
static void test_reset_under_load(void)
{
    pthread_t t;

    CHECK(pthread_create(&t, NULL, flusher, NULL) == 0);
    for (unsigned round = 0; round < 200; round++) {
        phb_lock(&phb);
        if (round % 2) {
            set_common(VIRTIO_COMMON_STATUS, 1, 0);
        } else {
            phb_reset(&phb);
            phb_put_tce(&phb, 0, 0); /* the TCE table is empty after a reset */
            for (uint64_t a = 0; a < MAPPED; a += 4096)
                phb_put_tce(&phb, a, a | PETREL_TCE_READ | PETREL_TCE_WRITE);
            set_cfg(PCI_BAR0 + 4, 4, (uint32_t)BAR1);
            set_cfg(PCI_BAR0 + 16, 4, (uint32_t)BAR4);
            set_cfg(PCI_BAR0 + 20, 4, (uint32_t)(BAR4 >> 32));
            set_cfg(PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
        }
        driver_init();
        for (unsigned i = 0; i < QSIZE; i++)
            post_rx(i, false);
        notify(0);
        send_frame(0x12, 60);
        CHECK_EQ(status(), 0x0f);
        phb_unlock(&phb);
    }
    pthread_join(t, NULL);
    phb_lock(&phb);
    /* A reset drops what waits; the next frame reaches the new driver. */
    set_common(VIRTIO_COMMON_STATUS, 1, 0);
    CHECK_EQ(stats().rx_pending, 0);
    driver_init();
    post_rx(0, true);
    backend_frame(0x33, 64, true);
    CHECK_EQ(used_idx(0), 1);
    CHECK(rx_holds(0, 0x33, 64));
    phb_unlock(&phb);
}

int main(void)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    CHECK_EQ(guest_mem_init(&mem, 64ull << 20), 0);
    CHECK_EQ(phb_init(&phb, &mem, NULL, 0), 0);
    for (uint64_t a = 0; a < MAPPED; a += 4096)
        phb_put_tce(&phb, a, a | PETREL_TCE_READ | PETREL_TCE_WRITE);
    fake.be.ops = &fake_ops;
    fake.echo_marker = -1;
    nic = virtio_net_create(&phb, SLOT, mac, &fake.be);
    CHECK(nic != NULL);
    CHECK(!virtio_net_create(&phb, SLOT, mac, &fake.be)); /* slot taken */
    if (nic)
        virtio_pci_offer_access_platform(phb.fn[SLOT << 3]);
    if (nic) {
        CHECK(fake.be.peer.opaque == nic); /* the failed create did not take it */
        test_identity();
        test_tx();
        test_rx();
        test_rx_bounded();
        test_malformed();
        test_threads();
        test_reset_under_load();
    }
    virtio_net_destroy(nic);
    phb_destroy(&phb);
    guest_mem_destroy(&mem);
    return check_summary("virtio-net");
}
