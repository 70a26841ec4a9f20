/*
 * What the PCI test kernels share (kernel-pcilib.c): checks counted and
 * reported, RTAS calls by name from the tree's /rtas tokens, config cycles
 * through ibm,read/write-pci-config, little-endian MMIO from the
 * big-endian CPU, the MSI and EEH calls, XICS routing and acceptance, and
 * functions found in the tree with their BARs translated through the
 * PHB's ranges (so a kernel runs wherever the tree says the windows are).
 */
#ifndef KERNEL_PCILIB_H
#define KERNEL_PCILIB_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel-io.h"

/* The tree the kernel was booted with (set by rtas_init). */
extern const void *fdt;

/* Checks: CHECK counts, and prints "<prefix> FAIL file:line: what" when
 * one does not hold; report() prints the totals and powers off. */
extern unsigned checks, failures;
extern const char *check_prefix;
void check_failed(const char *file, int line, const char *what);
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(c))                                                                                  \
            check_failed(__FILE__, __LINE__, #c);                                                  \
    } while (0)
/* "<prefix>: N checks, F failed", power off with 0 when none failed. */
void __attribute__((noreturn)) report(void);

/* A 32-bit property (0 and *found false when absent or not 4 bytes). */
uint32_t prop_u32(int node, const char *name, bool *found);

/* RTAS: the tree at r3 checked, /rtas found and its base and entry read;
 * fails the kernel otherwise. */
void rtas_init(uint64_t r3);
bool rtas_has(const char *name);
/* The call's token; fails the kernel when /rtas has none. */
uint32_t rtas_token(const char *name);
/* The call with nargs inputs from in; out[0 .. nret - 2] receive the
 * outputs after the status.  Returns the status (0 when nret is 0).
 * Unused cells of the argument block are filled with 0x5a5a5a5a. */
int32_t rtas_call(const char *name, uint32_t nargs, uint32_t nret, const uint32_t *in,
                  uint32_t *out);
/* The argument block rtas_call used (its cells after the call). */
extern struct rtas_block {
    uint32_t token, nargs, nret;
    uint32_t cell[16];
} rtas_blk;

/* A PCI function: its PHB's BUID (hi, lo), its config address
 * (bus << 16 | devfn << 8) and its tree node. */
struct pci_fn {
    uint32_t buid_hi, buid_lo, cfg;
    int node;
};

/* The function at the tree path: BUID from the parent's reg, config
 * address from its own reg.  False when the path is not a PCI function. */
bool pci_find(const char *path, struct pci_fn *fn);
/* The first function under any PHB with this vendor and device id. */
bool pci_find_id(uint32_t vendor, uint32_t device, struct pci_fn *fn);
/* BAR at config register reg from assigned-addresses: its PCI address
 * and (through the PHB's ranges) its CPU address, its size.  False when
 * not assigned or outside every range. */
bool pci_bar(const struct pci_fn *fn, uint32_t reg, uint64_t *cpu, uint64_t *pci, uint64_t *size);

/* Config cycles (each CHECKs the call succeeded). */
uint32_t cfg_read(const struct pci_fn *fn, uint32_t reg, uint32_t size);
void cfg_write(const struct pci_fn *fn, uint32_t reg, uint32_t size, uint32_t v);
/* The capability with this id (0: none). */
uint32_t cfg_find_cap(const struct pci_fn *fn, uint32_t id);

/* Little-endian MMIO registers: byte-reversed accesses, ordered. */
uint32_t rd32(uint64_t a);
void wr32(uint64_t a, uint32_t v);
uint16_t rd16(uint64_t a);
void wr16(uint64_t a, uint16_t v);
uint8_t rd8(uint64_t a);
void wr8(uint64_t a, uint8_t v);
/* Little-endian values in guest memory (rings, headers). */
void put_le(uint8_t *p, unsigned size, uint64_t v);
uint64_t get_le(const uint8_t *p, unsigned size);

/* ibm,change-msi with sequence 1: status; out[0..2] = vectors, next
 * sequence, type (nret 4). */
int32_t change_msi(const struct pci_fn *fn, uint32_t func, uint32_t n, uint32_t nret,
                   uint32_t *out);
/* ibm,query-interrupt-source-number: status; out[0] source, out[1] sense. */
int32_t query_source(const struct pci_fn *fn, uint32_t index, uint32_t *out);

/* EEH: ibm,read-slot-reset-state2's state (CHECKs the call); a PE call
 * with the option opt (none when opt < 0). */
uint32_t slot_state(const struct pci_fn *fn, uint32_t pe);
int32_t pe_call(const char *name, const struct pci_fn *fn, uint32_t pe, int32_t opt);
/* The PE's config address by ibm,get-config-addr-info2 (CHECKed). */
uint32_t pe_of(const struct pci_fn *fn);

/* XICS: route source src to CPU 0 at prio (0xff masks), CHECKed; take
 * the pending interrupt (0: none) and EOI it. */
void xics_route(uint32_t src, uint32_t prio);
uint32_t xics_take(void);

#endif
