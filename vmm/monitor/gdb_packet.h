/*
 * gdb Remote Serial Protocol framing (gdb manual, "Remote Protocol",
 * "Overview"): packets are $data#cs with a two-digit hex modulo-256 sum
 * of the data bytes, acknowledged with '+' or '-'; a bare 0x03 outside a
 * packet is an interrupt request.  '}' escapes the next byte (XOR 0x20);
 * gdb uses it for '#', '$', '}' and '*' inside binary data.
 *
 * The connection is untrusted input: the receiver is a byte-at-a-time
 * state machine with a fixed buffer; a packet longer than the buffer is
 * read to its end and reported as oversized rather than stored.
 */
#ifndef PETREL_GDB_PACKET_H
#define PETREL_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet the stub accepts (advertised as PacketSize). */
#define GDB_PACKET_MAX 16384

enum gdb_rx_event {
    GDB_RX_NONE,         /* byte consumed, nothing complete yet */
    GDB_RX_PACKET,       /* rx->buf[0..len) holds a packet, unescaped, NUL-terminated */
    GDB_RX_BAD_CHECKSUM, /* a packet ended with a wrong or malformed checksum: send '-' */
    GDB_RX_OVERSIZE,     /* a packet with a good checksum did not fit: refuse it */
    GDB_RX_INTERRUPT,    /* 0x03 between packets */
    GDB_RX_NAK,          /* '-' between packets: resend the last reply */
};

struct gdb_rx {
    enum { RX_IDLE, RX_DATA, RX_ESCAPE, RX_CSUM1, RX_CSUM2 } state;
    uint8_t sum;    /* running sum of the raw data bytes */
    uint8_t csum;   /* the received checksum's high digit */
    bool overflow;  /* data was dropped: the packet is oversized */
    bool bad_digit; /* a checksum character was not hex */
    size_t len;
    char buf[GDB_PACKET_MAX + 1];
};

void gdb_rx_init(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t byte);

/*
 * Frames data[0..len) as a packet into out (escaping '#', '$', '}', '*');
 * returns the framed length, or 0 if out (of size cap) is too small.
 */
size_t gdb_frame(char *out, size_t cap, const void *data, size_t len);

/* Hex helpers: value of a digit or -1; parse a run of hex digits (at most
 * 16) into *v, returning the characters consumed (0: none or too long). */
int gdb_hex_digit(char c);
size_t gdb_parse_hex(const char *s, uint64_t *v);
/* bytes -> 2*n hex digits (NUL-terminated); hex -> bytes, false if not
 * exactly 2*n hex digits. */
void gdb_to_hex(char *out, const uint8_t *bytes, size_t n);
bool gdb_from_hex(uint8_t *bytes, const char *hex, size_t n);

#endif
