/*
 * -trace rtas: one line per call, "name(0x1, 0x2) -> status [0x..]",
 * handed to the host with PETREL_H_TRACE.  The image has no C library,
 * so the line is put together by hand, in the image's own data.
 */
#include <stddef.h>

#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

static char line[PETREL_TRACE_MAX];
static size_t len;

static void put(char c)
{
    if (len < sizeof(line))
        line[len++] = c;
}

static void put_str(const char *s)
{
    while (*s)
        put(*s++);
}

static void put_hex(uint32_t v)
{
    int shift = 28;

    put('0');
    put('x');
    while (shift > 0 && !((v >> shift) & 0xf))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void put_dec(int32_t v)
{
    char digits[12];
    int n = 0;
    uint32_t u = v < 0 ? -(uint32_t)v : (uint32_t)v;

    if (v < 0)
        put('-');
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        put(digits[--n]);
}

void rtas_trace_call(const char *name, uint32_t token, const uint32_t *args, uint32_t nargs,
                     const uint32_t *rets, uint32_t nret, int32_t status)
{
    len = 0;
    if (name) {
        put_str(name);
    } else {
        put_str("token ");
        put_hex(token);
    }
    put('(');
    for (uint32_t i = 0; args && i < nargs; i++) {
        if (i)
            put_str(", ");
        put_hex(args[i]);
    }
    if (!args) { /* refused before the arguments were read */
        put_str("nargs ");
        put_dec((int32_t)nargs);
        put_str(", nret ");
        put_dec((int32_t)nret);
    }
    put_str(") -> ");
    put_dec(status);
    for (uint32_t i = 1; rets && i < nret; i++) {
        put(' ');
        put_hex(rets[i]);
    }
    hcall4(PETREL_H_TRACE, PETREL_TRACE_RTAS, (unsigned long)(uintptr_t)line, len, 0, NULL);
}
