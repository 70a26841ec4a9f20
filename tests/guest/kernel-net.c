/*
 * The network regression kernel: booted with -kernel on the flattened-tree
 * path with one virtio-net-pci, which it drives as Linux does -- RTAS
 * config cycles, ibm,change-msi (MSI-X), the virtio 1.0 PCI structures,
 * a receive and a transmit queue in TCE-mapped memory -- with just enough
 * Ethernet, ARP, IPv4, UDP and ICMP of its own.
 *
 * bootargs "user" (-netdev user,tftp=DIR,bootfile=hello.txt): DHCP
 * DISCOVER, OFFER (10.0.2.15, next server 10.0.2.2, the boot file's
 * name), REQUEST, ACK; then a TFTP read of the boot file, block by block
 * with an ACK each, and "net: tftp N bytes fnv1a 0x..." for the runner
 * to compare with the host's file.  Receive interrupts arrive by MSI-X.
 *
 * bootargs "tap" (-netdev tap, the host at 10.0.3.1): the guest is
 * 10.0.3.15; it answers ARP and ICMP echo, echoes UDP datagrams to port
 * 7, and powers off after echoing one that says "bye".  bootargs "echo"
 * (-netdev user with a hostfwd to port 7): DHCP, then the same echo at
 * 10.0.2.15.
 *
 * Prints "net: N checks, 0 failed" and powers off with 0 when all hold.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/virtio.h>

#include "hcall.h"
#include "kernel-pcilib.h"

#define IOBA  0x10000u
#define QSIZE 8u
#define BUFSZ 2048u
/* Pages: rx ring (desc, avail, used), tx ring, rx buffers, tx buffer. */
enum { PG_RXD, PG_RXA, PG_RXU, PG_TXD, PG_TXA, PG_TXU, PG_RXB, PG_TXB = PG_RXB + 4, PAGES };
static uint8_t qmem[PAGES][4096] __attribute__((aligned(4096)));
/* The device's address of a page: through the TCE table (IOBA upwards)
 * when it offers ACCESS_PLATFORM (iommu_platform=on), else the page's
 * guest physical address (virtio 1.1 §6.1). */
static uint64_t bus_base = IOBA;
#define BUS(pg, off) (bus_base + 4096u * (pg) + (off))

static uint64_t regs; /* BAR 4 */
static uint8_t mac[6];
static uint16_t rx_seen, tx_avail;
static uint32_t rx_src, rx_irqs;
static uint64_t tb_freq;

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static uint64_t mftb(void)
{
    uint64_t t;

    __asm__ volatile("mftb %0" : "=r"(t));
    return t;
}

static void sync_(void)
{
    __asm__ volatile("sync" ::: "memory");
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16));
    put_be16(p + 2, (uint16_t)v);
}

/* ---- the device ---- */

static void desc(unsigned pg, unsigned i, uint32_t bus, uint32_t len, uint16_t flags)
{
    uint8_t *p = qmem[pg] + 16 * i;

    put_le(p, 8, bus);
    put_le(p + 8, 4, len);
    put_le(p + 12, 2, flags);
    put_le(p + 14, 2, 0);
}

/* Receive buffer i (of QSIZE, BUFSZ each across the rx pages) back in
 * the available ring. */
static void rx_post(unsigned i)
{
    uint16_t idx = (uint16_t)get_le(qmem[PG_RXA] + 2, 2);

    desc(PG_RXD, i, BUS(PG_RXB, BUFSZ * i), BUFSZ, VIRTQ_DESC_F_WRITE);
    put_le(qmem[PG_RXA] + 4 + 2 * (idx % QSIZE), 2, i);
    sync_();
    put_le(qmem[PG_RXA] + 2, 2, (uint16_t)(idx + 1));
    sync_();
}

static void queue_setup(uint64_t c, unsigned q, unsigned pg, uint16_t vector)
{
    wr16(c + VIRTIO_COMMON_Q_SELECT, (uint16_t)q);
    wr16(c + VIRTIO_COMMON_Q_SIZE, QSIZE);
    wr16(c + VIRTIO_COMMON_Q_MSIX, vector);
    CHECK(rd16(c + VIRTIO_COMMON_Q_MSIX) == vector);
    wr32(c + VIRTIO_COMMON_Q_DESC, BUS(pg, 0));
    wr32(c + VIRTIO_COMMON_Q_DESC + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_AVAIL, BUS(pg + 1, 0));
    wr32(c + VIRTIO_COMMON_Q_AVAIL + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_USED, BUS(pg + 2, 0));
    wr32(c + VIRTIO_COMMON_Q_USED + 4, 0);
    wr16(c + VIRTIO_COMMON_Q_ENABLE, 1);
    CHECK(rd16(c + VIRTIO_COMMON_Q_ENABLE) == 1);
}

/* virtio 1.0 §3.1.1 and §5.1.5: features, queues, MAC, buffers, DRIVER_OK. */
static void net_init(void)
{
    uint64_t c = regs + PETREL_VIRTIO_COMMON;
    uint32_t want = 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS, hi;

    wr8(c + VIRTIO_COMMON_STATUS, 0);
    wr8(c + VIRTIO_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr32(c + VIRTIO_COMMON_DFSELECT, 0);
    CHECK((rd32(c + VIRTIO_COMMON_DF) & want) == want);
    CHECK(!(rd32(c + VIRTIO_COMMON_DF) & 1)); /* no checksum offload */
    wr32(c + VIRTIO_COMMON_DFSELECT, 1);
    hi = rd32(c + VIRTIO_COMMON_DF) & (1u | 1u << (VIRTIO_F_ACCESS_PLATFORM - 32));
    if (!(hi >> (VIRTIO_F_ACCESS_PLATFORM - 32) & 1))
        bus_base = (uintptr_t)qmem[0];
    wr32(c + VIRTIO_COMMON_GFSELECT, 1);
    wr32(c + VIRTIO_COMMON_GF, hi);
    wr32(c + VIRTIO_COMMON_GFSELECT, 0);
    wr32(c + VIRTIO_COMMON_GF, want);
    wr8(c + VIRTIO_COMMON_STATUS, 0x0b);
    CHECK(rd8(c + VIRTIO_COMMON_STATUS) == 0x0b);
    CHECK(rd16(c + VIRTIO_COMMON_NUMQ) == 2);
    wr16(c + VIRTIO_COMMON_MSIX, VIRTIO_MSI_NO_VECTOR);
    queue_setup(c, VIRTIO_NET_Q_RX, PG_RXD, 0);
    queue_setup(c, VIRTIO_NET_Q_TX, PG_TXD, VIRTIO_MSI_NO_VECTOR);
    for (unsigned i = 0; i < 6; i++)
        mac[i] = rd8(regs + PETREL_VIRTIO_DEVCFG + VIRTIO_NET_CFG_MAC + i);
    CHECK(rd16(regs + PETREL_VIRTIO_DEVCFG + VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP);
    for (unsigned i = 0; i < QSIZE; i++)
        rx_post(i);
    wr8(c + VIRTIO_COMMON_STATUS, 0x0f);
    CHECK(rd8(c + VIRTIO_COMMON_STATUS) == 0x0f);
    wr16(regs + PETREL_VIRTIO_NOTIFY + PETREL_VIRTIO_NOTIFY_MULT * VIRTIO_NET_Q_RX, 0);
}

/* Sends the len-byte frame at qmem[PG_TXB] + 12 (the header before it);
 * waits for the device to give the buffer back. */
static void tx_send(size_t len)
{
    uint64_t until = mftb() + tb_freq;

    memset(qmem[PG_TXB], 0, VIRTIO_NET_HDR_LEN);
    desc(PG_TXD, 0, BUS(PG_TXB, 0), (uint32_t)(VIRTIO_NET_HDR_LEN + len), 0);
    put_le(qmem[PG_TXA] + 4 + 2 * (tx_avail % QSIZE), 2, 0);
    tx_avail++;
    sync_();
    put_le(qmem[PG_TXA] + 2, 2, tx_avail);
    sync_();
    wr16(regs + PETREL_VIRTIO_NOTIFY + PETREL_VIRTIO_NOTIFY_MULT * VIRTIO_NET_Q_TX, 0);
    while ((uint16_t)get_le(qmem[PG_TXU] + 2, 2) != tx_avail)
        if (mftb() > until)
            fail("transmit buffer never used");
}

/* The next received frame (NULL after timeout_ms); *len without the
 * header.  The caller hands the buffer back with rx_done. */
static unsigned rx_buf;

static uint8_t *rx_next(size_t *len, unsigned timeout_ms)
{
    uint64_t until = mftb() + tb_freq / 1000 * timeout_ms;

    for (;;) {
        uint32_t src = xics_take();
        if (src) {
            CHECK(src == rx_src);
            rx_irqs++;
        }
        sync_();
        if ((uint16_t)get_le(qmem[PG_RXU] + 2, 2) != rx_seen) {
            const uint8_t *e = qmem[PG_RXU] + 4 + 8 * (rx_seen % QSIZE);
            uint32_t head = (uint32_t)get_le(e, 4), n = (uint32_t)get_le(e + 4, 4);
            uint8_t *b;
            rx_seen++;
            CHECK(head < QSIZE && n >= VIRTIO_NET_HDR_LEN && n <= BUFSZ);
            if (head >= QSIZE || n < VIRTIO_NET_HDR_LEN || n > BUFSZ)
                fail("bad used entry");
            b = qmem[PG_RXB] + BUFSZ * head;
            CHECK(get_le(b + VIRTIO_NET_HDR_NUM_BUFFERS, 2) == 1 && b[0] == 0 && b[1] == 0);
            rx_buf = head;
            *len = n - VIRTIO_NET_HDR_LEN;
            return b + VIRTIO_NET_HDR_LEN;
        }
        if (mftb() > until)
            return NULL;
    }
}

static void rx_done(void)
{
    rx_post(rx_buf);
    wr16(regs + PETREL_VIRTIO_NOTIFY + PETREL_VIRTIO_NOTIFY_MULT * VIRTIO_NET_Q_RX, 0);
}

/* ---- Ethernet, ARP, IPv4, UDP, ICMP ---- */

#define ETH_IP  0x0800
#define ETH_ARP 0x0806

static uint8_t *txf(void)
{
    return qmem[PG_TXB] + VIRTIO_NET_HDR_LEN;
}

static uint16_t ip_sum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += be16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Ethernet + IPv4 (+ UDP when proto 17) headers in the tx buffer for a
 * payload of n bytes; returns where the payload goes.  UDP checksum 0
 * (none, RFC 768). */
static uint8_t *ip_frame(const uint8_t *dmac, uint32_t sip, uint32_t dip, uint8_t proto,
                         uint16_t sport, uint16_t dport, size_t n)
{
    uint8_t *f = txf(), *ip = f + 14;
    size_t l4 = proto == 17 ? 8 : 0;

    memcpy(f, dmac, 6);
    memcpy(f + 6, mac, 6);
    put_be16(f + 12, ETH_IP);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put_be16(ip + 2, (uint16_t)(20 + l4 + n));
    ip[8] = 64;
    ip[9] = proto;
    put_be32(ip + 12, sip);
    put_be32(ip + 16, dip);
    put_be16(ip + 10, ip_sum(ip, 20));
    if (proto == 17) {
        put_be16(ip + 20, sport);
        put_be16(ip + 22, dport);
        put_be16(ip + 24, (uint16_t)(8 + n));
        put_be16(ip + 26, 0);
    }
    return ip + 20 + l4;
}

static void send_ip(size_t payload)
{
    size_t len = 14 + 20 + payload;

    tx_send(len < 60 ? 60 : len);
}

/* A received IPv4/UDP datagram: addresses, ports, payload. */
struct udp {
    const uint8_t *smac;
    uint32_t sip, dip;
    uint16_t sport, dport;
    const uint8_t *data;
    size_t len;
};

static bool parse_ipv4(const uint8_t *f, size_t n, uint8_t proto, struct udp *u)
{
    const uint8_t *ip = f + 14;
    size_t ihl, tot;

    if (n < 34 || be16(f + 12) != ETH_IP || (ip[0] >> 4) != 4 || ip[9] != proto)
        return false;
    ihl = (ip[0] & 15) * 4u;
    tot = be16(ip + 2);
    if (ihl < 20 || tot < ihl || 14 + tot > n || ip_sum(ip, ihl) != 0)
        return false;
    u->smac = f + 6;
    u->sip = be32(ip + 12);
    u->dip = be32(ip + 16);
    u->data = ip + ihl;
    u->len = tot - ihl;
    if (proto != 17)
        return true;
    if (u->len < 8 || be16(u->data + 4) > u->len || be16(u->data + 4) < 8)
        return false;
    u->sport = be16(u->data);
    u->dport = be16(u->data + 2);
    u->len = be16(u->data + 4) - 8u;
    u->data += 8;
    return true;
}

/* An ARP request for my_ip: answered.  Returns whether f was one. */
static bool arp_answer(const uint8_t *f, size_t n, uint32_t my_ip)
{
    const uint8_t *a = f + 14;
    uint8_t *r = txf(), *ra = r + 14;

    if (n < 42 || be16(f + 12) != ETH_ARP || be16(a + 6) != 1 || be32(a + 24) != my_ip)
        return false;
    memcpy(r, a + 8, 6);
    memcpy(r + 6, mac, 6);
    put_be16(r + 12, ETH_ARP);
    memcpy(ra, a, 6); /* hardware Ethernet, protocol IPv4, sizes */
    put_be16(ra + 6, 2);
    memcpy(ra + 8, mac, 6);
    put_be32(ra + 14, my_ip);
    memcpy(ra + 18, a + 8, 10); /* the asker's MAC and address */
    tx_send(60);
    return true;
}

static void run_echo(uint32_t my_ip);

/* ---- DHCP and TFTP through -netdev user ---- */

#define GUEST_IP 0x0a00020fu /* 10.0.2.15 */
#define HOST_IP  0x0a000202u /* 10.0.2.2 */
#define XID      0x70657472u

static uint8_t gw_mac[6];

static void dhcp_send(uint8_t type)
{
    uint8_t *b = ip_frame(bcast, 0, 0xffffffffu, 17, 68, 67, 300), *o;

    memset(b, 0, 300);
    b[0] = 1; /* BOOTREQUEST */
    b[1] = 1;
    b[2] = 6;
    put_be32(b + 4, XID);
    memcpy(b + 28, mac, 6);
    put_be32(b + 236, 0x63825363); /* the magic cookie (RFC 2131 §3) */
    o = b + 240;
    *o++ = 53, *o++ = 1, *o++ = type;
    if (type == 3) { /* REQUEST: the offered address, from this server */
        *o++ = 50, *o++ = 4;
        put_be32(o, GUEST_IP), o += 4;
        *o++ = 54, *o++ = 4;
        put_be32(o, HOST_IP), o += 4;
    }
    *o = 255;
    send_ip(8 + 300);
}

/* Waits for a DHCP reply of type want to our XID; fills yiaddr, siaddr,
 * the file field and the server's MAC. */
static bool dhcp_wait(uint8_t want, uint32_t *yiaddr, uint32_t *siaddr, char file[128])
{
    for (unsigned tries = 0; tries < 50; tries++) {
        size_t n;
        uint8_t *f = rx_next(&n, 200);
        struct udp u;
        bool ok = false;

        if (!f)
            continue;
        if (parse_ipv4(f, n, 17, &u) && u.sport == 67 && u.dport == 68 && u.len >= 240 &&
            u.data[0] == 2 && be32(u.data + 4) == XID && be32(u.data + 236) == 0x63825363) {
            size_t i = 240;
            while (i + 2 < u.len && u.data[i] != 255) {
                if (u.data[i] == 0) { /* pad */
                    i++;
                    continue;
                }
                if (u.data[i] == 53 && u.data[i + 2] == want)
                    ok = true;
                i += 2u + u.data[i + 1];
            }
            if (ok) {
                *yiaddr = be32(u.data + 16);
                *siaddr = be32(u.data + 20);
                memcpy(file, u.data + 108, 128);
                file[127] = 0;
                memcpy(gw_mac, u.smac, 6);
            }
        } else {
            arp_answer(f, n, GUEST_IP);
        }
        rx_done();
        if (ok)
            return true;
    }
    return false;
}

static void run_user(bool echo)
{
    uint32_t yiaddr = 0, siaddr = 0, fnv = 0x811c9dc5u, total = 0;
    char file[128];
    uint16_t block = 1, tid = 0;
    bool last = false;
    uint8_t *p;

    dhcp_send(1); /* DISCOVER */
    if (!dhcp_wait(2, &yiaddr, &siaddr, file))
        fail("no DHCP OFFER");
    CHECK(yiaddr == GUEST_IP);
    CHECK(siaddr == HOST_IP);
    CHECK(!strcmp(file, "hello.txt"));
    CHECK(rx_irqs > 0); /* the offer came with its MSI-X */
    dhcp_send(3);       /* REQUEST */
    if (!dhcp_wait(5, &yiaddr, &siaddr, file))
        fail("no DHCP ACK");
    CHECK(yiaddr == GUEST_IP);
    puts_("net: dhcp 10.0.2.15 from 10.0.2.2, boot file hello.txt\n");
    if (echo) {
        run_echo(GUEST_IP);
        return;
    }
    /* TFTP (RFC 1350): RRQ from port 1069; DATA n answered by ACK n. */
    p = ip_frame(gw_mac, GUEST_IP, siaddr, 17, 1069, 69, 2 + 10 + 6);
    put_be16(p, 1);
    memcpy(p + 2, "hello.txt\0octet\0", 16);
    send_ip(8 + 18);
    while (!last) {
        size_t n;
        uint8_t *f = rx_next(&n, 3000);
        struct udp u;

        if (!f)
            fail("TFTP timed out");
        if (parse_ipv4(f, n, 17, &u) && u.dport == 1069 && u.len >= 4 && be16(u.data) == 3) {
            uint16_t got = be16(u.data + 2);
            if (!tid)
                tid = u.sport;
            CHECK(u.sport == tid && u.sip == siaddr);
            if (got == block) {
                for (size_t i = 4; i < u.len; i++)
                    fnv = (fnv ^ u.data[i]) * 16777619u;
                total += (uint32_t)(u.len - 4);
                last = u.len - 4 < 512;
                block++;
            }
            rx_done();
            p = ip_frame(gw_mac, GUEST_IP, siaddr, 17, 1069, tid, 4);
            put_be16(p, 4);
            put_be16(p + 2, got);
            send_ip(8 + 4);
            continue;
        }
        if (parse_ipv4(f, n, 17, &u) && u.dport == 1069 && u.len >= 4 && be16(u.data) == 5)
            fail("TFTP error");
        arp_answer(f, n, GUEST_IP);
        rx_done();
    }
    CHECK(block > 3); /* more than two blocks */
    puts_("net: tftp ");
    put_dec(total);
    puts_(" bytes in ");
    put_dec(block - 1);
    puts_(" blocks fnv1a ");
    put_hex(fnv);
    puts_("\n");
}

/* ---- echo: ARP, ICMP echo, UDP echo at my_ip ---- */

#define TAP_IP 0x0a00030fu /* 10.0.3.15 */

static void run_echo(uint32_t my_ip)
{
    unsigned echoes = 0;

    puts_("net: echo ready\n");
    for (;;) {
        size_t n;
        uint8_t *f = rx_next(&n, 20000);
        struct udp u;

        if (!f)
            fail("echo: nothing from the host");
        if (arp_answer(f, n, my_ip)) {
        } else if (parse_ipv4(f, n, 1, &u) && u.dip == my_ip && u.len >= 8 && u.data[0] == 8) {
            /* ICMP echo request -> reply, same identifier, sequence, data. */
            uint8_t *r = ip_frame(u.smac, my_ip, u.sip, 1, 0, 0, u.len);
            memcpy(r, u.data, u.len);
            r[0] = 0;
            put_be16(r + 2, 0);
            put_be16(r + 2, ip_sum(r, u.len));
            send_ip(u.len);
        } else if (parse_ipv4(f, n, 17, &u) && u.dip == my_ip && u.dport == 7) {
            bool bye = u.len == 3 && !memcmp(u.data, "bye", 3);
            uint8_t *r = ip_frame(u.smac, my_ip, u.sip, 17, 7, u.sport, u.len);
            memcpy(r, u.data, u.len);
            send_ip(8 + u.len);
            echoes++;
            if (bye) {
                rx_done();
                break;
            }
        }
        rx_done();
    }
    CHECK(echoes >= 2);
    puts_("net: echoed ");
    put_dec(echoes);
    puts_(" datagrams\n");
}

void kernel_main(uint64_t r3)
{
    struct pci_fn fn;
    uint64_t pci, size, msix = 0;
    uint32_t res[3], msix_cap, src[2];
    const char *args;
    int chosen, cpu;

    check_prefix = "net";
    rtas_init(r3);
    chosen = fdt_path_offset(fdt, "/chosen");
    args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
    cpu = fdt_first_subnode(fdt, fdt_path_offset(fdt, "/cpus"));
    tb_freq = cpu >= 0 ? prop_u32(cpu, "timebase-frequency", NULL) : 0;
    if (!tb_freq)
        fail("no timebase-frequency");
    if (!pci_find_id(PETREL_VIRTIO_VENDOR, PETREL_VIRTIO_DEVICE(PETREL_VIRTIO_ID_NET), &fn))
        fail("no virtio-net in the tree");
    CHECK(prop_u32(fn.node, "class-code", NULL) == 0x020000);
    if (!pci_bar(&fn, 0x14, &msix, &pci, &size) || !pci_bar(&fn, 0x20, &regs, &pci, &size))
        fail("BARs not assigned");
    msix_cap = cfg_find_cap(&fn, 0x11);
    CHECK(msix_cap != 0);
    for (unsigned p = 0; p < PAGES; p++)
        CHECK(hcall4(H_PUT_TCE, PETREL_PHB_LIOBN(0), BUS(p, 0),
                     (uintptr_t)qmem[p] | PETREL_TCE_READ | PETREL_TCE_WRITE, 0,
                     NULL) == H_SUCCESS);
    /* MSI-X as Linux sets it up: two vectors, the receive queue's routed. */
    CHECK(change_msi(&fn, 1, 2, 4, res) == 0 && res[0] == 2 && res[2] == 2);
    for (uint32_t i = 0; i < 2; i++)
        CHECK(query_source(&fn, i, res) == 0 && (src[i] = res[0]) != 0);
    cfg_write(&fn, 0x04, 2, 0x0006);
    cfg_write(&fn, msix_cap + 2, 2, cfg_read(&fn, msix_cap + 2, 2) | 0x8000);
    for (uint32_t i = 0; i < 2; i++)
        wr32(msix + 16 * i + 12, 0);
    hcall4(H_CPPR, 0xff, 0, 0, 0, NULL);
    rx_src = src[0];
    xics_route(rx_src, 5);
    net_init();
    /* The firmware read the MAC into the node (IEEE 1275 network binding). */
    {
        int len;
        const void *p = fdt_getprop(fdt, fn.node, "local-mac-address", &len);
        CHECK(p && len == 6 && !memcmp(p, mac, 6));
        p = fdt_getprop(fdt, fn.node, "device_type", &len);
        CHECK(p && len == 8 && !memcmp(p, "network", 8));
    }
    puts_("net: mac ");
    for (unsigned i = 0; i < 6; i++) {
        static const char hex[] = "0123456789abcdef";
        char b[3] = {hex[mac[i] >> 4], hex[mac[i] & 15], i < 5 ? ':' : '\n'};
        out(b, 3);
    }
    if (args && !strcmp(args, "tap"))
        run_echo(TAP_IP);
    else
        run_user(args && !strcmp(args, "echo"));
    CHECK(rd8(regs + PETREL_VIRTIO_COMMON + VIRTIO_COMMON_STATUS) == 0x0f);
    report();
}
