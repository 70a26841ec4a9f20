/*
 * The firmware console: picolibc's stdout, stderr and stdin on the hvterm
 * vty through H_PUT_TERM_CHAR (LoPAPR 14.6.4.2; spec/hcalls.md §3.1).
 * Output is buffered up to the 16 bytes one hcall carries and flushed at
 * each newline, so a line costs a few hcalls instead of one per byte.
 */
#include <stdio.h>
#include <string.h>

#include <petrel/papr.h>

#include "firmware.h"
#include "hcall.h"

/* Until the hardware description is read, use the platform's default unit. */
static uint32_t console_vterm = PAPR_VTERM_UNIT;
static char console_buf[PAPR_TERM_MAX_CHARS];
static unsigned console_len;

void console_init(uint32_t vterm)
{
    console_flush();
    console_vterm = vterm;
}

void console_flush(void)
{
    unsigned long w[2] = {0, 0};

    if (!console_len)
        return;
    /* Bytes travel packed big-endian in r6:r7, first byte in the MSB of r6. */
    for (unsigned i = 0; i < console_len; i++)
        w[i / 8] |= (unsigned long)(unsigned char)console_buf[i] << (56 - 8 * (i % 8));
    hcall4(H_PUT_TERM_CHAR, console_vterm, console_len, w[0], w[1], NULL);
    console_len = 0;
}

static int console_putc(char c, FILE *f)
{
    (void)f;
    console_buf[console_len++] = c;
    if (c == '\n' || console_len == sizeof(console_buf))
        console_flush();
    return (unsigned char)c;
}

/* Input the host handed over beyond what was asked for: H_GET_TERM_CHAR
 * returns up to 16 bytes at once. */
static char console_in[PAPR_TERM_MAX_CHARS];
static unsigned console_in_len, console_in_at;

size_t console_read_raw(void *buf, size_t len)
{
    unsigned long out[4];
    size_t n = 0;

    console_flush();
    if (console_in_at == console_in_len) {
        console_in_at = console_in_len = 0;
        if (hcall4(H_GET_TERM_CHAR, console_vterm, 0, 0, 0, out) != H_SUCCESS || !out[0])
            return 0;
        console_in_len = out[0] < sizeof(console_in) ? (unsigned)out[0] : sizeof(console_in);
        for (unsigned i = 0; i < console_in_len; i++)
            console_in[i] = (char)(out[1 + i / 8] >> (56 - 8 * (i % 8)));
    }
    while (n < len && console_in_at < console_in_len)
        ((char *)buf)[n++] = console_in[console_in_at++];
    return n;
}

void console_write_raw(const void *buf, size_t len)
{
    const char *p = buf;

    console_flush();
    while (len) {
        size_t n = len < sizeof(console_buf) ? len : sizeof(console_buf);
        memcpy(console_buf, p, n);
        console_len = (unsigned)n;
        console_flush();
        p += n, len -= n;
    }
}

static int console_getc(FILE *f)
{
    char c;

    (void)f;
    /* One character at a time is enough for a firmware prompt. */
    while (!console_read_raw(&c, 1))
        ;
    return (unsigned char)c;
}

static int console_flush_stream(FILE *f)
{
    (void)f;
    console_flush();
    return 0;
}

static FILE console_stream =
    FDEV_SETUP_STREAM(console_putc, console_getc, console_flush_stream, _FDEV_SETUP_RW);

FILE *const stdin = &console_stream;
FILE *const stdout = &console_stream;
FILE *const stderr = &console_stream;
