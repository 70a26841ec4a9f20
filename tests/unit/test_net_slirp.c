/*
 * The libslirp back end (vmm/dev/net_slirp.c) with a recording peer in
 * place of the NIC: the configuration reaches libslirp (DHCP offers the
 * configured dhcpstart, next server and boot file; ARP answers for the
 * configured host), answers given inside send reach the peer, a port
 * forward that cannot bind is one error line, and the I/O thread starts
 * and stops cleanly.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "vmm/cli.h"
#include "vmm/dev/net_backend.h"
#include "vmm/dev/net_slirp.h"

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static struct {
    uint8_t frame[8][2048];
    size_t len[8];
    unsigned n, flushes;
} got;

static void peer_receive(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    if (got.n < 8 && len <= sizeof(got.frame[0])) {
        memcpy(got.frame[got.n], frame, len);
        got.len[got.n] = len;
    }
    got.n++;
}

static void peer_flush(void *opaque)
{
    (void)opaque;
    __atomic_add_fetch(&got.flushes, 1, __ATOMIC_SEQ_CST);
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static uint16_t ip_sum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += be16(p + i);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* A DHCP DISCOVER (RFC 2131) from guest_mac, broadcast. */
static size_t dhcp_discover(uint8_t *f)
{
    uint8_t *ip = f + 14, *udp = ip + 20, *b = udp + 8;

    memset(f, 0, 14 + 20 + 8 + 300);
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0800);
    ip[0] = 0x45;
    put16(ip + 2, 20 + 8 + 300);
    ip[8] = 64;
    ip[9] = 17;
    memset(ip + 16, 0xff, 4);
    put16(ip + 10, ip_sum(ip, 20));
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, 8 + 300);
    b[0] = 1, b[1] = 1, b[2] = 6;
    memcpy(b + 4, "\x12\x34\x56\x78", 4);
    memcpy(b + 28, guest_mac, 6);
    memcpy(b + 236, "\x63\x82\x53\x63\x35\x01\x01\xff", 8);
    return 14 + 20 + 8 + 300;
}

/* An ARP request from 10.0.2.15 for target. */
static size_t arp_request(uint8_t *f, uint32_t target)
{
    memset(f, 0, 60);
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0806);
    memcpy(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
    memcpy(f + 22, guest_mac, 6);
    memcpy(f + 28, "\x0a\x00\x02\x0f", 4);
    f[38] = (uint8_t)(target >> 24), f[39] = (uint8_t)(target >> 16);
    f[40] = (uint8_t)(target >> 8), f[41] = (uint8_t)target;
    return 60;
}

static struct netdev_config user_config(void)
{
    return (struct netdev_config){.kind = NETDEV_USER,
                                  .id = "n0",
                                  .net = 0x0a000200,
                                  .mask = 0xffffff00,
                                  .host = 0x0a000202,
                                  .dns = 0x0a000203,
                                  .dhcp_start = 0x0a00020f,
                                  .bootfile = "boot.img",
                                  .tftp = "/tmp",
                                  .ipv6 = true};
}

/* The DHCP reply among the frames got: its yiaddr, siaddr and file. */
static bool find_offer(uint32_t *yiaddr, uint32_t *siaddr, char file[128])
{
    for (unsigned i = 0; i < got.n && i < 8; i++) {
        const uint8_t *f = got.frame[i], *b = f + 14 + 20 + 8;
        if (got.len[i] < 14 + 20 + 8 + 240 || be16(f + 12) != 0x0800 || f[14 + 9] != 17 ||
            be16(f + 14 + 20 + 2) != 68)
            continue;
        CHECK(!memcmp(f, guest_mac, 6) || !memcmp(f, "\xff\xff\xff\xff\xff\xff", 6));
        CHECK_EQ(b[0], 2); /* BOOTREPLY */
        CHECK_EQ(be32(b + 4), 0x12345678);
        *yiaddr = be32(b + 16);
        *siaddr = be32(b + 20);
        memcpy(file, b + 108, 128);
        file[127] = 0;
        return true;
    }
    return false;
}

static void test_dhcp_arp(void)
{
    struct netdev_config cfg = user_config();
    char err[256] = "", file[128];
    struct net_backend *be = net_slirp_create(&cfg, err, sizeof(err));
    uint8_t f[512];
    uint32_t yiaddr = 0, siaddr = 0;

    CHECK(be != NULL);
    if (!be)
        return;
    be->peer = (struct net_peer){peer_receive, peer_flush, NULL};
    CHECK_EQ(be->ops->start(be), 0);
    memset(&got, 0, sizeof(got));
    net_backend_send(be, f, dhcp_discover(f));
    /* libslirp answers inside slirp_input: the offer is there already. */
    CHECK(find_offer(&yiaddr, &siaddr, file));
    CHECK_EQ(yiaddr, 0x0a00020f);
    CHECK_EQ(siaddr, 0x0a000202);
    CHECK_STREQ(file, "boot.img");
    /* ARP for the host and the DNS server: answered with slirp's MAC. */
    memset(&got, 0, sizeof(got));
    net_backend_send(be, f, arp_request(f, 0x0a000202));
    net_backend_send(be, f, arp_request(f, 0x0a000203));
    CHECK_EQ(got.n, 2);
    for (unsigned i = 0; i < 2 && i < got.n; i++) {
        CHECK_EQ(be16(got.frame[i] + 12), 0x0806);
        CHECK_EQ(be16(got.frame[i] + 20), 2); /* reply */
        CHECK_EQ(be32(got.frame[i] + 28), i ? 0x0a000203 : 0x0a000202);
        CHECK(!memcmp(got.frame[i], guest_mac, 6));
    }
    /* Not for an address outside the network. */
    memset(&got, 0, sizeof(got));
    net_backend_send(be, f, arp_request(f, 0x0a000909));
    CHECK_EQ(got.n, 0);
    usleep(20000); /* the thread polls and runs timers meanwhile */
    be->ops->destroy(be);
}

static void test_other_net(void)
{
    struct netdev_config cfg = user_config();
    char err[256] = "", file[128];
    struct net_backend *be;
    uint8_t f[512];
    uint32_t yiaddr = 0, siaddr = 0;

    cfg.net = 0xc0a80500, cfg.host = 0xc0a80501, cfg.dns = 0xc0a80502;
    cfg.dhcp_start = 0xc0a80564, cfg.bootfile = NULL, cfg.ipv6 = false;
    be = net_slirp_create(&cfg, err, sizeof(err));
    CHECK(be != NULL);
    if (!be)
        return;
    be->peer = (struct net_peer){peer_receive, peer_flush, NULL};
    memset(&got, 0, sizeof(got));
    net_backend_send(be, f, dhcp_discover(f)); /* no thread: send works alone */
    CHECK(find_offer(&yiaddr, &siaddr, file));
    CHECK_EQ(yiaddr, 0xc0a80564);
    CHECK_EQ(siaddr, 0xc0a80501);
    CHECK_STREQ(file, "");
    be->ops->destroy(be);
}

static void test_hostfwd_error(void)
{
    struct netdev_config cfg = user_config();
    char err[256] = "";

    cfg.n_fwd = 1;
    cfg.fwd[0] = (struct netdev_hostfwd){.host_addr = 0xc0000201, /* 192.0.2.1: not ours */
                                         .host_port = 5555,
                                         .guest_port = 22};
    CHECK(net_slirp_create(&cfg, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "petrel: -netdev user,id=n0: cannot forward host TCP port 5555") == err);
    CHECK(!strchr(err, '\n'));
}

int main(void)
{
    test_dhcp_arp();
    test_other_net();
    test_hostfwd_error();
    return check_summary("net-slirp");
}
