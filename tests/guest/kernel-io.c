/*
 * Console output and exits for the test kernels (kernel-fdt.c,
 * kernel-rtas.c): the console through H_PUT_TERM_CHAR, power-off through
 * the host service, so they work whatever RTAS does.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "hcall.h"
#include "kernel-io.h"

void out(const char *s, size_t n)
{
    while (n) {
        unsigned long w[2] = {0, 0};
        size_t k = n < 16 ? n : 16;

        for (size_t i = 0; i < k; i++)
            w[i / 8] |= (unsigned long)(uint8_t)s[i] << (56 - 8 * (i % 8));
        hcall4(H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, k, w[0], w[1], NULL);
        s += k, n -= k;
    }
}

void puts_(const char *s)
{
    out(s, strlen(s));
}

void put_hex(uint64_t v)
{
    char b[19] = "0x";
    int n = 2;

    for (int sh = 60; sh >= 0; sh -= 4)
        if ((v >> sh) || sh == 0 || n > 2)
            b[n++] = "0123456789abcdef"[(v >> sh) & 15];
    out(b, (size_t)n);
}

void power_off(unsigned status)
{
    hcall4(PETREL_H_POWER_OFF, status, 0, 0, 0, NULL);
    for (;;)
        ;
}

void fail(const char *why)
{
    puts_("kernel FAIL: ");
    puts_(why);
    puts_("\n");
    power_off(1);
}

void put_dec(int64_t v)
{
    char b[21];
    int n = 0;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

    do {
        b[sizeof(b) - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        b[sizeof(b) - 1 - n++] = '-';
    out(b + sizeof(b) - n, (size_t)n);
}
