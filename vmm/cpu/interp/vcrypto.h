/* The VMX crypto group's primitives (vcrypto.c; Power ISA 2.07 6.11). */
#ifndef PETREL_INTERP_VCRYPTO_H
#define PETREL_INTERP_VCRYPTO_H

#include <stdbool.h>
#include <stdint.h>

void vcrypto_cipher(uint8_t s[16], const uint8_t key[16], bool last);
void vcrypto_ncipher(uint8_t s[16], const uint8_t key[16], bool last);
void vcrypto_sbox(uint8_t s[16]);
uint32_t vcrypto_sigma32(uint32_t x, bool st, bool one);
uint64_t vcrypto_sigma64(uint64_t x, bool st, bool one);

#endif
