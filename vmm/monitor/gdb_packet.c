/*
 * gdb Remote Serial Protocol framing: the receive state machine, framing
 * of replies, and hex conversions (gdb_packet.h).
 */
#include <string.h>

#include "gdb_packet.h"

static const char hex_digits[] = "0123456789abcdef";

int gdb_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t gdb_parse_hex(const char *s, uint64_t *v)
{
    size_t n = 0;
    uint64_t x = 0;

    while (gdb_hex_digit(s[n]) >= 0) {
        if (n == 16)
            return 0;
        x = x << 4 | (uint64_t)gdb_hex_digit(s[n]);
        n++;
    }
    *v = x;
    return n;
}

void gdb_to_hex(char *out, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_digits[bytes[i] >> 4];
        out[2 * i + 1] = hex_digits[bytes[i] & 15];
    }
    out[2 * n] = 0;
}

bool gdb_from_hex(uint8_t *bytes, const char *hex, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = gdb_hex_digit(hex[2 * i]), lo;
        if (hi < 0)
            return false;
        lo = gdb_hex_digit(hex[2 * i + 1]);
        if (lo < 0)
            return false;
        bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    return hex[2 * n] == 0;
}

void gdb_rx_init(struct gdb_rx *rx)
{
    rx->state = RX_IDLE;
    rx->len = 0;
    rx->buf[0] = 0;
}

static void rx_store(struct gdb_rx *rx, uint8_t byte)
{
    if (rx->len < GDB_PACKET_MAX)
        rx->buf[rx->len++] = (char)byte;
    else
        rx->overflow = true;
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t byte)
{
    int d;

    switch (rx->state) {
    case RX_IDLE:
        /* Acks, and noise between packets, are dropped. */
        if (byte == 0x03)
            return GDB_RX_INTERRUPT;
        if (byte == '-')
            return GDB_RX_NAK;
        if (byte == '$') {
            rx->state = RX_DATA;
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
            rx->bad_digit = false;
        }
        return GDB_RX_NONE;
    case RX_DATA:
        if (byte == '#') {
            rx->state = RX_CSUM1;
            return GDB_RX_NONE;
        }
        if (byte == '$') {
            /* A new packet start: the previous one was truncated. */
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
            return GDB_RX_NONE;
        }
        rx->sum += byte;
        if (byte == '}')
            rx->state = RX_ESCAPE;
        else
            rx_store(rx, byte);
        return GDB_RX_NONE;
    case RX_ESCAPE:
        rx->sum += byte;
        rx_store(rx, byte ^ 0x20);
        rx->state = RX_DATA;
        return GDB_RX_NONE;
    case RX_CSUM1:
        d = gdb_hex_digit((char)byte);
        rx->bad_digit = d < 0;
        rx->csum = (uint8_t)(d < 0 ? 0 : d << 4);
        rx->state = RX_CSUM2;
        return GDB_RX_NONE;
    case RX_CSUM2:
        d = gdb_hex_digit((char)byte);
        rx->state = RX_IDLE;
        rx->buf[rx->len] = 0;
        if (d < 0 || rx->bad_digit || (uint8_t)(rx->csum | d) != rx->sum)
            return GDB_RX_BAD_CHECKSUM;
        return rx->overflow ? GDB_RX_OVERSIZE : GDB_RX_PACKET;
    }
    return GDB_RX_NONE;
}

size_t gdb_frame(char *out, size_t cap, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t n = 0;
    uint8_t sum = 0;

    if (cap < 4)
        return 0;
    out[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        bool esc = c == '#' || c == '$' || c == '}' || c == '*';
        if (n + (esc ? 2 : 1) + 3 > cap)
            return 0;
        if (esc) {
            out[n++] = '}';
            sum += '}';
            c ^= 0x20;
        }
        out[n++] = (char)c;
        sum += c;
    }
    out[n++] = '#';
    out[n++] = hex_digits[sum >> 4];
    out[n++] = hex_digits[sum & 15];
    return n;
}
