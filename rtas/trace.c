/*
 * -trace rtas: one line per call, "name(0x1, 0x2) -> status [0x..] in
 * N.NNN us", handed to the host with PETREL_H_TRACE.  The image has no C
 * library, so the line is put together by hand, on the caller's stack
 * (calls run concurrently on different CPUs: stop-self is unlocked).
 */
#include <stddef.h>

#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

struct line {
    char text[PETREL_TRACE_MAX];
    size_t len;
};

static void put(struct line *l, char c)
{
    if (l->len < sizeof(l->text))
        l->text[l->len++] = c;
}

static void put_str(struct line *l, const char *s)
{
    while (*s)
        put(l, *s++);
}

static void put_hex(struct line *l, uint32_t v)
{
    int shift = 28;

    put(l, '0');
    put(l, 'x');
    while (shift > 0 && !((v >> shift) & 0xf))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put(l, "0123456789abcdef"[(v >> shift) & 0xf]);
}

/* v in decimal, at least `width` digits. */
static void put_udec(struct line *l, uint64_t v, int width)
{
    char digits[20];
    int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < width);
    while (n)
        put(l, digits[--n]);
}

static void put_dec(struct line *l, int32_t v)
{
    if (v < 0)
        put(l, '-');
    put_udec(l, v < 0 ? -(uint64_t)v : (uint64_t)v, 1);
}

static void emit(const struct line *l)
{
    hcall4(PETREL_H_TRACE, PETREL_TRACE_RTAS, (unsigned long)(uintptr_t)l->text, l->len, 0, NULL);
}

void rtas_trace_call(const char *name, uint32_t token, const uint32_t *args, uint32_t nargs,
                     const uint32_t *rets, uint32_t nret, int32_t status, uint64_t ticks)
{
    struct line l;
    uint64_t ns;

    l.len = 0;
    if (name) {
        put_str(&l, name);
    } else {
        put_str(&l, "token ");
        put_hex(&l, token);
    }
    put(&l, '(');
    for (uint32_t i = 0; args && i < nargs; i++) {
        if (i)
            put_str(&l, ", ");
        put_hex(&l, args[i]);
    }
    if (!args) { /* refused before the arguments were read */
        put_str(&l, "nargs ");
        put_dec(&l, (int32_t)nargs);
        put_str(&l, ", nret ");
        put_dec(&l, (int32_t)nret);
    }
    put_str(&l, ") -> ");
    put_dec(&l, status);
    for (uint32_t i = 1; rets && i < nret; i++) {
        put(&l, ' ');
        put_hex(&l, rets[i]);
    }
    /* Duration in ns from timebase ticks; a stalled call of more than
     * about 30 s would overflow the product and is shown as such. */
    if (rtas_state.tb_freq) {
        put_str(&l, " in ");
        if (ticks > ~0ull / 1000000000ull) {
            put_str(&l, "> 30 s");
        } else {
            ns = ticks * 1000000000ull / rtas_state.tb_freq;
            put_udec(&l, ns / 1000, 1);
            put(&l, '.');
            put_udec(&l, ns % 1000, 3);
            put_str(&l, " us");
        }
    }
    emit(&l);
}

void rtas_trace_text(const char *prefix, const char *text, uint32_t len)
{
    struct line l;

    l.len = 0;
    put_str(&l, prefix);
    for (uint32_t i = 0; i < len; i++)
        put(&l, text[i]);
    emit(&l);
}
