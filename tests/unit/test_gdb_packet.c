/*
 * The gdb remote protocol's framing (vmm/monitor/gdb_packet.c): packets
 * with good and bad checksums, escapes, interrupts and acks between
 * packets, oversized packets, garbage, and replies framed with escapes.
 */
#include <stdlib.h>

#include "check.h"
#include "vmm/monitor/gdb_packet.h"

static struct gdb_rx rx;

/* Feeds s; returns the last event other than NONE (or NONE). */
static enum gdb_rx_event feed(const char *s, size_t len, int *events)
{
    enum gdb_rx_event last = GDB_RX_NONE;

    *events = 0;
    for (size_t i = 0; i < len; i++) {
        enum gdb_rx_event e = gdb_rx_feed(&rx, (uint8_t)s[i]);
        if (e != GDB_RX_NONE) {
            last = e;
            (*events)++;
        }
    }
    return last;
}

#define FEED(s) feed((s), sizeof(s) - 1, &n)

static void test_packets(void)
{
    int n;

    gdb_rx_init(&rx);
    CHECK_EQ(FEED("$g#67"), GDB_RX_PACKET);
    CHECK_EQ(n, 1);
    CHECK_STREQ(rx.buf, "g");
    CHECK_EQ(rx.len, 1);
    /* Upper-case checksum digits are accepted. */
    CHECK_EQ(FEED("$qC#B4"), GDB_RX_PACKET);
    CHECK_STREQ(rx.buf, "qC");
    /* Wrong sum, non-hex digits. */
    CHECK_EQ(FEED("$g#68"), GDB_RX_BAD_CHECKSUM);
    CHECK_EQ(FEED("$g#6z"), GDB_RX_BAD_CHECKSUM);
    CHECK_EQ(FEED("$g#z7"), GDB_RX_BAD_CHECKSUM);
    /* Acks, noise and a NAK between packets. */
    CHECK_EQ(FEED("+++xyz"), GDB_RX_NONE);
    CHECK_EQ(n, 0);
    CHECK_EQ(FEED("-"), GDB_RX_NAK);
    CHECK_EQ(FEED("\x03"), GDB_RX_INTERRUPT);
    /* 0x03 inside a packet is data. */
    CHECK_EQ(FEED("$\x03#03"), GDB_RX_PACKET);
    CHECK_EQ(rx.buf[0], 3);
    /* '$' restarts a truncated packet. */
    CHECK_EQ(FEED("$m1$g#67"), GDB_RX_PACKET);
    CHECK_STREQ(rx.buf, "g");
    /* Escapes: "}\x03" is '#', "}]" is '}'; the sum covers the raw bytes. */
    CHECK_EQ(FEED("$X}\x03}]#b2"), GDB_RX_PACKET);
    CHECK_EQ(rx.len, 3);
    CHECK_EQ((uint8_t)rx.buf[1], '#');
    CHECK_EQ((uint8_t)rx.buf[2], '}');
}

static void test_oversize(void)
{
    size_t len = GDB_PACKET_MAX + 100;
    char *p = malloc(len + 5);
    unsigned sum = 0;
    int n;

    gdb_rx_init(&rx);
    p[0] = '$';
    for (size_t i = 1; i <= len; i++) {
        p[i] = 'a';
        sum += 'a';
    }
    snprintf(p + len + 1, 4, "#%02x", sum & 0xff);
    CHECK_EQ(feed(p, len + 4, &n), GDB_RX_OVERSIZE);
    CHECK_EQ(n, 1);
    CHECK(rx.len <= GDB_PACKET_MAX);
    /* A bad checksum on an oversized packet is a bad checksum. */
    p[len + 3] ^= 1;
    CHECK_EQ(feed(p, len + 4, &n), GDB_RX_BAD_CHECKSUM);
    /* The receiver works on afterwards. */
    CHECK_EQ(FEED("$g#67"), GDB_RX_PACKET);
    free(p);
}

static void test_garbage(void)
{
    int n;

    gdb_rx_init(&rx);
    srand(1);
    for (int i = 0; i < 200000; i++) {
        gdb_rx_feed(&rx, (uint8_t)rand());
        CHECK(rx.len <= GDB_PACKET_MAX);
    }
    /* Whatever state it is in, a '#' and two digits end it. */
    FEED("#00");
    CHECK_EQ(FEED("$g#67"), GDB_RX_PACKET);
}

static void test_frame(void)
{
    char out[64];
    size_t n = gdb_frame(out, sizeof(out), "OK", 2);

    CHECK_EQ(n, 6);
    CHECK(!memcmp(out, "$OK#9a", 6));
    /* '#', '$', '}' and '*' are escaped and summed as sent. */
    n = gdb_frame(out, sizeof(out), "a#$}*", 5);
    CHECK_EQ(n, 1 + 9 + 3);
    CHECK(!memcmp(out, "$a}\x03}\x04}]}\x0a#", 11));
    {
        unsigned sum = 0;
        for (size_t i = 1; i < 10; i++)
            sum += (uint8_t)out[i];
        char cs[3];
        snprintf(cs, sizeof(cs), "%02x", sum & 0xff);
        CHECK(!memcmp(out + 11, cs, 2));
    }
    /* Round trip through the receiver. */
    gdb_rx_init(&rx);
    for (size_t i = 0; i < n; i++)
        gdb_rx_feed(&rx, (uint8_t)out[i]);
    CHECK_EQ(rx.len, 5);
    CHECK(!memcmp(rx.buf, "a#$}*", 5));
    /* Too small a buffer. */
    CHECK_EQ(gdb_frame(out, 5, "OK", 2), 0);
}

static void test_hex(void)
{
    uint64_t v;
    uint8_t b[4];
    char s[9];

    CHECK_EQ(gdb_parse_hex("1fF,", &v), 3);
    CHECK_EQ(v, 0x1ff);
    CHECK_EQ(gdb_parse_hex("ffffffffffffffff", &v), 16);
    CHECK_EQ(v, ~0ull);
    CHECK_EQ(gdb_parse_hex("10000000000000000", &v), 0); /* 17 digits */
    CHECK_EQ(gdb_parse_hex("x", &v), 0);
    CHECK(gdb_from_hex(b, "deadBEEF", 4));
    CHECK_EQ(b[0], 0xde);
    CHECK_EQ(b[3], 0xef);
    CHECK(!gdb_from_hex(b, "deadbee", 4));
    CHECK(!gdb_from_hex(b, "deadbeef0", 4));
    CHECK(!gdb_from_hex(b, "dexdbeef", 4));
    gdb_to_hex(s, b, 4);
    CHECK_STREQ(s, "deadbeef");
}

int main(void)
{
    test_packets();
    test_oversize();
    test_garbage();
    test_frame();
    test_hex();
    return check_summary("gdb-packet");
}
