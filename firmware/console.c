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

static int console_getc(FILE *f)
{
    unsigned long out[4];

    (void)f;
    console_flush();
    for (;;) {
        /* One character at a time is enough for a firmware prompt. */
        if (hcall4(H_GET_TERM_CHAR, console_vterm, 0, 0, 0, out) == H_SUCCESS && out[0])
            return (int)(out[1] >> 56);
    }
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
