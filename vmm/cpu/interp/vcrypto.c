/*
 * The VMX crypto group (Power ISA 2.07, Book I 6.11): one AES round
 * (vcipher, vcipherlast, vncipher, vncipherlast), the S-box (vsbox) and
 * the SHA-256/SHA-512 sigma functions (vshasigmaw, vshasigmad).  The
 * state is the VR's 16 bytes in element order; AES reads them column by
 * column (FIPS 197 section 3.4: byte i is row i % 4, column i / 4).
 */
#include <stdbool.h>
#include <stdint.h>

#include "vcrypto.h"

static uint8_t sbox[256], inv_sbox[256];

/* GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1. */
static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t p = 0;
    while (b) {
        if (b & 1)
            p ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return p;
}

/* The S-box from its definition (FIPS 197 5.1.1): the multiplicative
 * inverse, then the affine map. */
static void sbox_init(void)
{
    static bool done;
    if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
        return;
    for (unsigned x = 0; x < 256; x++) {
        uint8_t inv = 0;
        for (unsigned y = 1; x && y < 256; y++)
            if (gmul((uint8_t)x, (uint8_t)y) == 1) {
                inv = (uint8_t)y;
                break;
            }
        uint8_t s = inv;
        for (unsigned k = 1; k < 5; k++)
            s ^= (uint8_t)((inv << k) | (inv >> (8 - k)));
        s ^= 0x63;
        sbox[x] = s;
        inv_sbox[s] = (uint8_t)x;
    }
    __atomic_store_n(&done, true, __ATOMIC_RELEASE);
}

static void sub_bytes(uint8_t s[16], const uint8_t *box)
{
    for (unsigned i = 0; i < 16; i++)
        s[i] = box[s[i]];
}

/* Row r rotates left by r columns (right by r for the inverse). */
static void shift_rows(uint8_t s[16], bool inverse)
{
    uint8_t t[16];
    for (unsigned c = 0; c < 4; c++)
        for (unsigned r = 0; r < 4; r++) {
            unsigned from = inverse ? (c + 4 - r) % 4 : (c + r) % 4;
            t[r + 4 * c] = s[r + 4 * from];
        }
    for (unsigned i = 0; i < 16; i++)
        s[i] = t[i];
}

static void mix_columns(uint8_t s[16], bool inverse)
{
    static const uint8_t fwd[4] = {2, 3, 1, 1}, inv[4] = {14, 11, 13, 9};
    const uint8_t *m = inverse ? inv : fwd;
    for (unsigned c = 0; c < 4; c++) {
        uint8_t col[4], *p = s + 4 * c;
        for (unsigned r = 0; r < 4; r++)
            col[r] = p[r];
        for (unsigned r = 0; r < 4; r++)
            p[r] = gmul(col[0], m[(4 - r) % 4]) ^ gmul(col[1], m[(5 - r) % 4]) ^
                   gmul(col[2], m[(6 - r) % 4]) ^ gmul(col[3], m[(7 - r) % 4]);
    }
}

void vcrypto_cipher(uint8_t s[16], const uint8_t key[16], bool last)
{
    sbox_init();
    sub_bytes(s, sbox);
    shift_rows(s, false);
    if (!last)
        mix_columns(s, false);
    for (unsigned i = 0; i < 16; i++)
        s[i] ^= key[i];
}

/* vncipher: InvShiftRows, InvSubBytes, AddRoundKey, then InvMixColumns
 * (the equivalent inverse cipher's order, Book I 6.11.1). */
void vcrypto_ncipher(uint8_t s[16], const uint8_t key[16], bool last)
{
    sbox_init();
    shift_rows(s, true);
    sub_bytes(s, inv_sbox);
    for (unsigned i = 0; i < 16; i++)
        s[i] ^= key[i];
    if (!last)
        mix_columns(s, true);
}

void vcrypto_sbox(uint8_t s[16])
{
    sbox_init();
    sub_bytes(s, sbox);
}

static uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}
static uint64_t ror64(uint64_t x, unsigned n)
{
    return (x >> n) | (x << (64 - n));
}

/* FIPS 180-4 4.1.2: sigma0/1 (st = 0) and Sigma0/1 (st = 1). */
uint32_t vcrypto_sigma32(uint32_t x, bool st, bool one)
{
    if (!st)
        return one ? ror32(x, 17) ^ ror32(x, 19) ^ (x >> 10)
                   : ror32(x, 7) ^ ror32(x, 18) ^ (x >> 3);
    return one ? ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25)
               : ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22);
}

/* FIPS 180-4 4.1.3. */
uint64_t vcrypto_sigma64(uint64_t x, bool st, bool one)
{
    if (!st)
        return one ? ror64(x, 19) ^ ror64(x, 61) ^ (x >> 6) : ror64(x, 1) ^ ror64(x, 8) ^ (x >> 7);
    return one ? ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41)
               : ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39);
}
