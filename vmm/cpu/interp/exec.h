/*
 * Helpers shared by the executor's handler files (exec_*.inc).  Only
 * exec.c includes this, after it has declared the handler-local state
 * (cpu, gpr, page, page_ea, rec, exit).
 */
#ifndef PETREL_INTERP_EXEC_H
#define PETREL_INTERP_EXEC_H

#include <stdint.h>
#include <string.h>

#include "ppc.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* CR field values: LT GT EQ SO = 8 4 2 1 (Book I 2.3.1). */
#define CR_LT 8
#define CR_GT 4
#define CR_EQ 2
#define CR_SO 1

static inline uint8_t cr_cmp_s(int64_t a, int64_t b, uint8_t so)
{
    return (uint8_t)((a < b ? CR_LT : a > b ? CR_GT : CR_EQ) | so);
}

static inline uint8_t cr_cmp_u(uint64_t a, uint64_t b, uint8_t so)
{
    return (uint8_t)((a < b ? CR_LT : a > b ? CR_GT : CR_EQ) | so);
}

/* CR0 of a record form: signed compare with 0 of the result, of its low
 * word in 32-bit mode (Book I 3.3.1 and 3.3.2; spec/cpu.md §4.2). */
static inline uint8_t cr0_of(const struct ppc_cpu *c, uint64_t r)
{
    int64_t v = c->mode32 ? (int64_t)(int32_t)r : (int64_t)r;
    return cr_cmp_s(v, 0, c->so);
}

/* Reads CR bit `bi` (0 = CR0[LT] ... 31 = CR7[SO]). */
static inline unsigned cr_bit(const struct ppc_cpu *c, unsigned bi)
{
    return (c->cr[bi >> 2] >> (3 - (bi & 3))) & 1;
}

static inline void cr_set_bit(struct ppc_cpu *c, unsigned bi, unsigned v)
{
    uint8_t m = (uint8_t)(1u << (3 - (bi & 3)));
    c->cr[bi >> 2] = (uint8_t)((c->cr[bi >> 2] & ~m) | (v ? m : 0));
}

static inline uint64_t rotl64(uint64_t v, unsigned n)
{
    n &= 63;
    return n ? (v << n) | (v >> (64 - n)) : v;
}

/* ROTL32: the low word replicated into both halves, then rotated. */
static inline uint64_t rotl32(uint64_t v, unsigned n)
{
    uint64_t x = (uint32_t)v;
    return rotl64(x | (x << 32), n & 31);
}

/* Host access to guest RAM in the guest's byte order (host is x86: LE). */
static inline uint64_t host_load1(const void *p, int le)
{
    (void)le;
    return *(const uint8_t *)p;
}
static inline uint64_t host_load2(const void *p, int le)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return le ? v : __builtin_bswap16(v);
}
static inline uint64_t host_load4(const void *p, int le)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return le ? v : __builtin_bswap32(v);
}
static inline uint64_t host_load8(const void *p, int le)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return le ? v : __builtin_bswap64(v);
}
static inline void host_store1(void *p, uint64_t v, int le)
{
    (void)le;
    *(uint8_t *)p = (uint8_t)v;
}
static inline void host_store2(void *p, uint64_t v, int le)
{
    uint16_t x = le ? (uint16_t)v : __builtin_bswap16((uint16_t)v);
    memcpy(p, &x, 2);
}
static inline void host_store4(void *p, uint64_t v, int le)
{
    uint32_t x = le ? (uint32_t)v : __builtin_bswap32((uint32_t)v);
    memcpy(p, &x, 4);
}
static inline void host_store8(void *p, uint64_t v, int le)
{
    uint64_t x = le ? v : __builtin_bswap64(v);
    memcpy(p, &x, 8);
}

/*
 * Soft-TLB probe: host pointer when the whole access is inside one mapped
 * page, else NULL (then the slow path decides).  One compare does both
 * checks: the slot is chosen by the first byte's page and compared with
 * the last byte's page, and an access that crosses into the next page can
 * never match because that page maps to the next slot.
 */
static inline void *tlb_probe(const struct tlb_entry *tlb, uint64_t ea, unsigned size)
{
    const struct tlb_entry *e = &tlb[(ea >> 12) & (TLB_SIZE - 1)];
    if (likely(e->tag == ((ea + size - 1) & ~0xfffull)))
        return (void *)(e->addend + (uintptr_t)ea);
    return NULL;
}

#endif
