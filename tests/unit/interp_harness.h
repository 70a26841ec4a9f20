/*
 * Runs short instruction sequences on the interpreter for unit tests.
 *
 * A harness owns 16 MiB of guest RAM and one vCPU.  Code is placed at
 * H_CODE; every interrupt vector (0x100..0x1000) holds `sc 1`, and so does
 * the word after the sequence, so a run always ends in an hcall exit:
 * h_run() returns the address the sc 1 was at -- H_END(h) for a clean
 * run, vector for an interrupt (with SRR0/SRR1 telling the rest).
 * The vCPU starts in 64-bit big-endian real mode unless the test sets
 * h->msr (MSR[LE] also selects the byte order code is written in).
 */
#ifndef PETREL_INTERP_HARNESS_H
#define PETREL_INTERP_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cpu/interp/ppc.h"
#include "vmm/memory.h"

#define H_RAM_SIZE (16u << 20)
#define H_CODE     0x10000u
#define H_DATA     0x80000u
#define SC1        0x44000022u

struct harness {
    struct guest_mem mem;
    struct ppc_cpu *cpu;
    uint64_t msr;
    unsigned n; /* instructions placed */
};

#define H_END(h) (H_CODE + 4u * (h)->n)

static inline void h_put32(struct harness *h, uint64_t pa, uint32_t w, int le)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(le ? w >> (8 * i) : w >> (24 - 8 * i));
    guest_ram_write(&h->mem, pa, b, 4);
}

static inline void h_init(struct harness *h)
{
    memset(h, 0, sizeof(*h));
    if (guest_mem_init(&h->mem, H_RAM_SIZE))
        abort();
    h->cpu = (struct ppc_cpu *)cpu_interp_backend.create(&h->mem, 0, 0x004e1202);
    if (!h->cpu)
        abort();
    h->msr = MSR_SF;
}

static inline void h_fini(struct harness *h)
{
    cpu_interp_backend.destroy((struct cpu *)h->cpu);
    guest_mem_destroy(&h->mem);
}

/* Starts a new test: fresh vCPU state, RAM cleared, no code. */
static inline void h_reset(struct harness *h)
{
    memset(h->mem.ram, 0, H_RAM_SIZE);
    guest_ram_note_write(&h->mem, 0, H_RAM_SIZE);
    cpu_interp_backend.reset((struct cpu *)h->cpu);
    h->msr = MSR_SF;
    h->n = 0;
}

static inline void h_code(struct harness *h, uint32_t w)
{
    h_put32(h, H_CODE + 4u * h->n, w, (int)(h->msr & MSR_LE));
    h->n++;
}

/* Runs from H_CODE; returns the address of the sc 1 that stopped it. */
static inline uint64_t h_run(struct harness *h)
{
    struct cpu_exit exit;
    int le = (int)(h->msr & MSR_LE);

    for (unsigned v = 0x100; v < 0x1000; v += 0x20)
        h_put32(h, v, SC1, le);
    h_put32(h, H_END(h), SC1, le);
    ppc_store_msr(h->cpu, h->msr);
    h->cpu->nip = H_CODE;
    cpu_interp_backend.run((struct cpu *)h->cpu, &exit);
    if (exit.reason != CPU_EXIT_HCALL)
        return ~0ull;
    return h->cpu->nip - 4;
}

/* Instruction encoders (Power ISA Book I 1.6 formats). */
static inline uint32_t enc_d(unsigned op, unsigned rt, unsigned ra, uint32_t imm)
{
    return (op << 26) | (rt << 21) | (ra << 16) | (imm & 0xffff);
}
static inline uint32_t enc_ds(unsigned op, unsigned rt, unsigned ra, int32_t ds, unsigned xo)
{
    return (op << 26) | (rt << 21) | (ra << 16) | ((uint32_t)ds & 0xfffc) | xo;
}
static inline uint32_t enc_x(unsigned op, unsigned rt, unsigned ra, unsigned rb, unsigned xo,
                             unsigned rc)
{
    return (op << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (xo << 1) | rc;
}
static inline uint32_t enc_xo(unsigned rt, unsigned ra, unsigned rb, unsigned oe, unsigned xo,
                              unsigned rc)
{
    return (31u << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (oe << 10) | (xo << 1) | rc;
}
static inline uint32_t enc_m(unsigned op, unsigned rs, unsigned ra, unsigned sh, unsigned mb,
                             unsigned me, unsigned rc)
{
    return (op << 26) | (rs << 21) | (ra << 16) | (sh << 11) | (mb << 6) | (me << 1) | rc;
}
static inline uint32_t enc_md(unsigned rs, unsigned ra, unsigned sh, unsigned mbe, unsigned xo,
                              unsigned rc)
{
    return (30u << 26) | (rs << 21) | (ra << 16) | ((sh & 31) << 11) | ((mbe & 31) << 6) |
           ((mbe >> 5) << 5) | (xo << 2) | ((sh >> 5) << 1) | rc;
}
static inline uint32_t enc_spr(unsigned xo, unsigned rt, unsigned spr)
{
    return (31u << 26) | (rt << 21) | ((spr & 31) << 16) | ((spr >> 5) << 11) | (xo << 1);
}
static inline uint32_t enc_b(int32_t off, unsigned aa, unsigned lk)
{
    return (18u << 26) | ((uint32_t)off & 0x03fffffc) | (aa << 1) | lk;
}
static inline uint32_t enc_bc(unsigned bo, unsigned bi, int32_t off, unsigned aa, unsigned lk)
{
    return (16u << 26) | (bo << 21) | (bi << 16) | ((uint32_t)off & 0xfffc) | (aa << 1) | lk;
}

#endif
