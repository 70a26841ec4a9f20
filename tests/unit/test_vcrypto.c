/*
 * The VMX crypto primitives (vmm/cpu/interp/vcrypto.c) against the
 * standards' own examples: AES-128 (FIPS 197 appendix C.1) encrypted
 * with vcipher/vcipherlast rounds and decrypted with vncipher/
 * vncipherlast, the S-box's fixed points of the definition, and the
 * SHA-256 / SHA-512 sigma functions on values worked by hand.  The
 * instruction level is checked against QEMU by tests/isa.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "vmm/cpu/interp/vcrypto.h"

static void hex(uint8_t *out, const char *s)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* FIPS 197 5.2 key expansion, with the S-box taken from vcrypto_sbox. */
static void expand(const uint8_t key[16], uint8_t rk[11][16])
{
    uint8_t rcon = 1;
    for (unsigned i = 0; i < 16; i++)
        rk[0][i] = key[i];
    for (unsigned r = 1; r <= 10; r++) {
        uint8_t t[16] = {0};
        t[0] = rk[r - 1][13], t[1] = rk[r - 1][14], t[2] = rk[r - 1][15], t[3] = rk[r - 1][12];
        vcrypto_sbox(t); /* only bytes 0-3 matter */
        t[0] ^= rcon;
        rcon = (uint8_t)((rcon << 1) ^ ((rcon & 0x80) ? 0x1b : 0));
        for (unsigned i = 0; i < 4; i++)
            rk[r][i] = rk[r - 1][i] ^ t[i];
        for (unsigned i = 4; i < 16; i++)
            rk[r][i] = rk[r - 1][i] ^ rk[r][i - 4];
    }
}

static void test_aes(void)
{
    uint8_t key[16], pt[16], ct[16], rk[11][16], s[16];
    hex(key, "000102030405060708090a0b0c0d0e0f");
    hex(pt, "00112233445566778899aabbccddeeff");
    hex(ct, "69c4e0d86a7b0430d8cdb78070b4c55a");
    expand(key, rk);
    for (unsigned i = 0; i < 16; i++)
        s[i] = pt[i] ^ rk[0][i];
    for (unsigned r = 1; r < 10; r++)
        vcrypto_cipher(s, rk[r], false);
    vcrypto_cipher(s, rk[10], true);
    CHECK(!memcmp(s, ct, 16));
    for (unsigned i = 0; i < 16; i++)
        s[i] ^= rk[10][i];
    for (unsigned r = 9; r >= 1; r--)
        vcrypto_ncipher(s, rk[r], false);
    vcrypto_ncipher(s, rk[0], true);
    CHECK(!memcmp(s, pt, 16));
    /* S-box: 0x00 -> 0x63, 0x53 -> 0xed (FIPS 197 figure 7). */
    uint8_t b[16] = {0x00, 0x53};
    vcrypto_sbox(b);
    CHECK_EQ(b[0], 0x63);
    CHECK_EQ(b[1], 0xed);
}

static void test_sigma(void)
{
    /* sigma0(1) = ror7 ^ ror18 ^ shr3 of 1 */
    CHECK_EQ(vcrypto_sigma32(1, false, false), (1u << 25) ^ (1u << 14));
    CHECK_EQ(vcrypto_sigma32(1, false, true), (1u << 15) ^ (1u << 13));
    CHECK_EQ(vcrypto_sigma32(1, true, false), (1u << 30) ^ (1u << 19) ^ (1u << 10));
    CHECK_EQ(vcrypto_sigma32(1, true, true), (1u << 26) ^ (1u << 21) ^ (1u << 7));
    CHECK_EQ(vcrypto_sigma64(1, false, false), (1ull << 63) ^ (1ull << 56));
    CHECK_EQ(vcrypto_sigma64(1, false, true), (1ull << 45) ^ (1ull << 3));
    CHECK_EQ(vcrypto_sigma64(1, true, false), (1ull << 36) ^ (1ull << 30) ^ (1ull << 25));
    CHECK_EQ(vcrypto_sigma64(1, true, true), (1ull << 50) ^ (1ull << 46) ^ (1ull << 23));
}

int main(void)
{
    test_aes();
    test_sigma();
    return check_summary("vcrypto");
}
