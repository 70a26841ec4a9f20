/*
 * The PCI test kernels' shared part (kernel-pcilib.h): checks, RTAS calls,
 * config cycles, MMIO, the MSI and EEH calls, XICS, and functions found in
 * the tree (spec/device-tree.md §10: a PHB's reg is its BUID, a
 * function's reg and assigned-addresses are PCI addresses, the PHB's
 * ranges map them to CPU addresses).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/papr.h>

#include "hcall.h"
#include "kernel-pcilib.h"

void rtas_enter(void *args, uint64_t entry, uint64_t base);

const void *fdt;
unsigned checks, failures;
const char *check_prefix = "kernel";
struct rtas_block rtas_blk;
static int rtas_node;
static uint64_t rtas_base, rtas_entry;

void check_failed(const char *file, int line, const char *what)
{
    failures++;
    puts_(check_prefix);
    puts_(" FAIL ");
    puts_(file);
    puts_(":");
    put_dec(line);
    puts_(": ");
    puts_(what);
    puts_("\n");
}

void report(void)
{
    puts_(check_prefix);
    puts_(": ");
    put_dec(checks);
    puts_(" checks, ");
    put_dec(failures);
    puts_(" failed\n");
    power_off(failures ? 1 : 0);
}

uint32_t prop_u32(int node, const char *name, bool *found)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    if (found)
        *found = p && len == 4;
    return p && len == 4 ? fdt32_to_cpu(*p) : 0;
}

void rtas_init(uint64_t r3)
{
    fdt = (const void *)(uintptr_t)r3;
    if (fdt_check_header(fdt))
        fail("r3 is not a tree");
    rtas_node = fdt_path_offset(fdt, "/rtas");
    if (rtas_node < 0)
        fail("no /rtas");
    rtas_base = rtas_token("linux,rtas-base");
    rtas_entry = rtas_token("linux,rtas-entry");
}

bool rtas_has(const char *name)
{
    bool found;

    prop_u32(rtas_node, name, &found);
    return found;
}

uint32_t rtas_token(const char *name)
{
    bool found;
    uint32_t t = prop_u32(rtas_node, name, &found);

    if (!found) {
        puts_(name);
        fail(": no token in /rtas");
    }
    return t;
}

int32_t rtas_call(const char *name, uint32_t nargs, uint32_t nret, const uint32_t *in,
                  uint32_t *out)
{
    rtas_blk.token = rtas_token(name), rtas_blk.nargs = nargs, rtas_blk.nret = nret;
    for (uint32_t i = 0; i < 16; i++)
        rtas_blk.cell[i] = 0x5a5a5a5a;
    for (uint32_t i = 0; i < nargs && i < 16; i++)
        rtas_blk.cell[i] = in[i];
    rtas_enter(&rtas_blk, rtas_entry, rtas_base);
    for (uint32_t i = 1; out && i < nret && nargs + i < 16; i++)
        out[i - 1] = rtas_blk.cell[nargs + i];
    return nret && nargs < 16 ? (int32_t)rtas_blk.cell[nargs] : 0;
}

bool pci_find(const char *path, struct pci_fn *fn)
{
    int node = fdt_path_offset(fdt, path);
    int parent, len;
    const fdt32_t *reg, *preg;

    if (node < 0 || (parent = fdt_parent_offset(fdt, node)) < 0)
        return false;
    reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len < 20)
        return false;
    preg = fdt_getprop(fdt, parent, "reg", &len);
    if (!preg || len < 8)
        return false;
    fn->buid_hi = fdt32_to_cpu(preg[0]);
    fn->buid_lo = fdt32_to_cpu(preg[1]);
    fn->cfg = fdt32_to_cpu(reg[0]) & 0x00ffff00u;
    fn->node = node;
    return true;
}

bool pci_find_id(uint32_t vendor, uint32_t device, struct pci_fn *fn)
{
    char path[256];

    for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
         node = fdt_next_node(fdt, node, NULL)) {
        bool v, d;

        if (prop_u32(node, "vendor-id", &v) != vendor || !v ||
            prop_u32(node, "device-id", &d) != device || !d)
            continue;
        if (fdt_get_path(fdt, node, path, sizeof(path)) == 0 && pci_find(path, fn))
            return true;
    }
    return false;
}

bool pci_bar(const struct pci_fn *fn, uint32_t reg, uint64_t *cpu, uint64_t *pci, uint64_t *size)
{
    int len, rlen, parent = fdt_parent_offset(fdt, fn->node);
    const fdt32_t *aa = fdt_getprop(fdt, fn->node, "assigned-addresses", &len);
    const fdt32_t *ranges = fdt_getprop(fdt, parent, "ranges", &rlen);

    if (!aa || !ranges)
        return false;
    for (int i = 0; i + 5 <= len / 4; i += 5) {
        uint32_t hi = fdt32_to_cpu(aa[i]);
        uint64_t a = (uint64_t)fdt32_to_cpu(aa[i + 1]) << 32 | fdt32_to_cpu(aa[i + 2]);
        uint64_t s = (uint64_t)fdt32_to_cpu(aa[i + 3]) << 32 | fdt32_to_cpu(aa[i + 4]);

        if ((hi & 0xff) != reg)
            continue;
        /* ranges: PCI (3 cells), CPU (2 cells), size (2 cells). */
        for (int r = 0; r + 7 <= rlen / 4; r += 7) {
            uint32_t rhi = fdt32_to_cpu(ranges[r]);
            uint64_t rpci =
                (uint64_t)fdt32_to_cpu(ranges[r + 1]) << 32 | fdt32_to_cpu(ranges[r + 2]);
            uint64_t rcpu =
                (uint64_t)fdt32_to_cpu(ranges[r + 3]) << 32 | fdt32_to_cpu(ranges[r + 4]);
            uint64_t rsize =
                (uint64_t)fdt32_to_cpu(ranges[r + 5]) << 32 | fdt32_to_cpu(ranges[r + 6]);

            /* Memory space (32- or 64-bit) only. */
            if (((rhi >> 24) & 3) < 2 || ((hi >> 24) & 3) < 2)
                continue;
            if (a >= rpci && a - rpci < rsize && s <= rsize - (a - rpci)) {
                *cpu = rcpu + (a - rpci);
                if (pci)
                    *pci = a;
                if (size)
                    *size = s;
                return true;
            }
        }
    }
    return false;
}

uint32_t cfg_read(const struct pci_fn *fn, uint32_t reg, uint32_t size)
{
    uint32_t in[4] = {fn->cfg | reg, fn->buid_hi, fn->buid_lo, size}, out[1] = {0};

    CHECK(rtas_call("ibm,read-pci-config", 4, 2, in, out) == 0);
    return out[0];
}

void cfg_write(const struct pci_fn *fn, uint32_t reg, uint32_t size, uint32_t v)
{
    uint32_t in[5] = {fn->cfg | reg, fn->buid_hi, fn->buid_lo, size, v};

    CHECK(rtas_call("ibm,write-pci-config", 5, 1, in, NULL) == 0);
}

uint32_t cfg_find_cap(const struct pci_fn *fn, uint32_t id)
{
    unsigned hops = 0;

    if (!(cfg_read(fn, 0x06, 2) & 0x10))
        return 0;
    for (uint32_t cap = cfg_read(fn, 0x34, 1) & 0xfc; cap && hops < 48;
         cap = cfg_read(fn, cap + 1, 1) & 0xfc, hops++)
        if (cfg_read(fn, cap, 1) == id)
            return cap;
    return 0;
}

uint32_t rd32(uint64_t a)
{
    uint32_t v;

    __asm__ volatile("sync; lwbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory");
    return v;
}

void wr32(uint64_t a, uint32_t v)
{
    __asm__ volatile("sync; stwbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory");
}

uint16_t rd16(uint64_t a)
{
    uint16_t v;

    __asm__ volatile("sync; lhbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory");
    return v;
}

void wr16(uint64_t a, uint16_t v)
{
    __asm__ volatile("sync; sthbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory");
}

uint8_t rd8(uint64_t a)
{
    uint8_t v;

    __asm__ volatile("sync" ::: "memory");
    v = *(volatile uint8_t *)(uintptr_t)a;
    __asm__ volatile("eieio" ::: "memory");
    return v;
}

void wr8(uint64_t a, uint8_t v)
{
    __asm__ volatile("sync" ::: "memory");
    *(volatile uint8_t *)(uintptr_t)a = v;
    __asm__ volatile("eieio" ::: "memory");
}

void put_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t get_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int32_t change_msi(const struct pci_fn *fn, uint32_t func, uint32_t n, uint32_t nret, uint32_t *out)
{
    uint32_t in[6] = {fn->cfg, fn->buid_hi, fn->buid_lo, func, n, 1};

    return rtas_call("ibm,change-msi", 6, nret, in, out);
}

int32_t query_source(const struct pci_fn *fn, uint32_t index, uint32_t *out)
{
    uint32_t in[4] = {fn->cfg, fn->buid_hi, fn->buid_lo, index};

    return rtas_call("ibm,query-interrupt-source-number", 4, 3, in, out);
}

uint32_t slot_state(const struct pci_fn *fn, uint32_t pe)
{
    uint32_t in[3] = {pe, fn->buid_hi, fn->buid_lo}, out[3] = {9, 9, 9};

    CHECK(rtas_call("ibm,read-slot-reset-state2", 3, 4, in, out) == 0);
    CHECK(out[1] == 1); /* EEH capable */
    return out[0];
}

int32_t pe_call(const char *name, const struct pci_fn *fn, uint32_t pe, int32_t opt)
{
    uint32_t in[4] = {pe, fn->buid_hi, fn->buid_lo, (uint32_t)opt};

    return rtas_call(name, opt < 0 ? 3 : 4, 1, in, NULL);
}

uint32_t pe_of(const struct pci_fn *fn)
{
    uint32_t in[4] = {fn->cfg, fn->buid_hi, fn->buid_lo, 0}, out[1] = {0};

    CHECK(rtas_call("ibm,get-config-addr-info2", 4, 2, in, out) == 0);
    return out[0];
}

void xics_route(uint32_t src, uint32_t prio)
{
    uint32_t in[3] = {src, 0, prio};

    CHECK(rtas_call("ibm,set-xive", 3, 1, in, NULL) == 0);
}

uint32_t xics_take(void)
{
    unsigned long out[4];

    hcall4(H_XIRR, 0, 0, 0, 0, out);
    if ((out[0] & 0xffffff) != 0)
        hcall4(H_EOI, out[0], 0, 0, 0, NULL);
    return (uint32_t)(out[0] & 0xffffff);
}
