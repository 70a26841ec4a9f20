/*
 * ibm,change-msi and ibm,query-interrupt-source-number (spec/rtas.md §6,
 * LoPAPR 7.3.10.5) over the PHB's MSI translation table
 * (include/petrel/pci.h): the table is the one record of who owns which
 * MSI, kept by the host, so a reset can never leave RTAS and the PHB
 * disagreeing.
 *
 * The rules petrel holds to, each a bug pseries platforms once had
 * (rtas.md §9 (d)):
 *   - MSI or MSI-X is chosen by the capabilities the function really has:
 *     function 3 needs MSI, function 4 needs MSI-X, function 1 either (MSI
 *     first; MSI-X only for a caller with the 4th output, who can be told
 *     the type, R1-7.3.10.5.1-3) -- else -3;
 *   - every parameter is checked before anything changes: -3 leaves the
 *     table and the function as they were;
 *   - the RTAS writes only the capability it programs (the MSI address,
 *     data and Multiple Message Enable, or the MSI-X table entries through
 *     the BAR), never the status register or an offset it did not find in
 *     the capability list; the enable bits are the OS's;
 *   - a re-request of the same count gets the same numbers (first fit over
 *     entries free or already the function's).
 * Function 5 (MSI with a 32-bit address) is -3: the PHB's MSI window lies
 * above 4 GiB.  Function 0 reports the current assignment, function 2
 * returns the function to INTx.
 */
#include <stdbool.h>
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/pci.h>

#include "rtas.h"

enum { FN_QUERY, FN_CHANGE, FN_RESET, FN_MSI, FN_MSIX, FN_MSI32 };
enum { TYPE_NONE, TYPE_MSI, TYPE_MSIX };

#define CAP_MSI  0x05
#define CAP_MSIX 0x11

struct target {
    int32_t phb;
    uint32_t cfg; /* config address of register 0 */
    uint32_t devfn;
    uint32_t msi, msix;       /* capability offsets, 0: none */
    uint32_t msi_max, msix_n; /* vectors each offers */
};

static uint32_t cfg_read(const struct target *t, uint32_t reg, uint32_t size)
{
    uint32_t v = ~0u;

    rtas_config_read(t->phb, t->cfg | (reg & 0xff) | (reg & 0xf00) << 20, size, &v);
    return v;
}

static void cfg_write(const struct target *t, uint32_t reg, uint32_t size, uint32_t v)
{
    rtas_config_write(t->phb, t->cfg | (reg & 0xff) | (reg & 0xf00) << 20, size, v);
}

/* The function a call names, with its capabilities; -3 if there is none. */
static int32_t find_target(const uint32_t *args, struct target *t)
{
    uint32_t ptr, guard = 0;

    t->phb = rtas_phb_by_buid(args[1], args[2]);
    t->cfg = args[0] & 0x00ffff00; /* bus, devfn */
    t->devfn = (args[0] >> 8) & 0xff;
    t->msi = t->msix = t->msi_max = t->msix_n = 0;
    if (t->phb < 0 || (args[0] >> 16) & 0xff) /* bus 0 only */
        return RTAS_PARAMETER_ERROR;
    if ((cfg_read(t, 0, 2) & 0xffff) == 0xffff)
        return RTAS_PARAMETER_ERROR;
    if (!(cfg_read(t, 0x06, 2) & 0x10))
        return RTAS_SUCCESS;
    for (ptr = cfg_read(t, 0x34, 1) & 0xfc; ptr >= 0x40 && guard < 48;
         ptr = cfg_read(t, ptr + 1, 1) & 0xfc, guard++) {
        uint32_t id = cfg_read(t, ptr, 1), ctl = cfg_read(t, ptr + 2, 2);
        if (id == CAP_MSI && !t->msi) {
            t->msi = ptr;
            t->msi_max = 1u << ((ctl >> 1) & 7);
        } else if (id == CAP_MSIX && !t->msix) {
            t->msix = ptr;
            t->msix_n = (ctl & 0x7ff) + 1;
        }
    }
    return RTAS_SUCCESS;
}

static uint32_t owner_of(const struct target *t, uint32_t vec)
{
    return PETREL_MSI_VALID | t->devfn << 16 | vec;
}

static bool owned_by(uint32_t owner, const struct target *t)
{
    return (owner & PETREL_MSI_VALID) && ((owner >> 16) & 0xff) == t->devfn;
}

/* Entries the function holds now, and their type (an MSI function's
 * entries are found by the message it was given: MSI-X if it has no MSI
 * data programmed). */
static uint32_t held(const struct target *t)
{
    uint32_t n = 0, count = rtas_phb_reg(t->phb, PETREL_PHB_REG_MSI_COUNT);

    for (uint32_t i = 0; i < count; i++)
        if (owned_by(rtas_phb_reg(t->phb, PETREL_PHB_MSI_ENTRY(i) + PETREL_MSI_OWNER), t))
            n++;
    return n;
}

static uint32_t held_type(const struct target *t)
{
    if (!held(t))
        return TYPE_NONE;
    /* MSI-X entries carry the vector's table index; an MSI function's
     * address register holds the window when MSI was given. */
    if (t->msi && cfg_read(t, t->msi + 8, 4) == (uint32_t)(PETREL_PHB_MSI_ADDR >> 32))
        return TYPE_MSI;
    return t->msix ? TYPE_MSIX : TYPE_MSI;
}

/* First fit of n entries, aligned to align, among entries free or the
 * function's own; the first entry, or -1. */
static int32_t find_block(const struct target *t, uint32_t n, uint32_t align)
{
    uint32_t count = rtas_phb_reg(t->phb, PETREL_PHB_REG_MSI_COUNT);

    for (uint32_t first = 0; first + n <= count; first += align) {
        uint32_t i;
        for (i = 0; i < n; i++) {
            uint32_t o = rtas_phb_reg(t->phb, PETREL_PHB_MSI_ENTRY(first + i) + PETREL_MSI_OWNER);
            if ((o & PETREL_MSI_VALID) && !owned_by(o, t))
                break;
        }
        if (i == n)
            return (int32_t)first;
    }
    return -1;
}

/* The MSI-X table's CPU address, or 0 if its BAR is not placed in a
 * window of this PHB. */
static uint64_t msix_table(const struct target *t)
{
    uint32_t tbl = cfg_read(t, t->msix + 4, 4), bir = tbl & 7, lo, hi = 0;
    uint64_t pci, phb = (uint64_t)t->phb;

    if (bir > 5)
        return 0;
    lo = cfg_read(t, 0x10 + 4 * bir, 4);
    if ((lo & 0x7) == 0x4 && bir < 5)
        hi = cfg_read(t, 0x14 + 4 * bir, 4);
    pci = ((uint64_t)hi << 32 | (lo & ~0xfu)) + (tbl & ~7u);
    if (!(lo & ~0xfu) && !hi)
        return 0;
    if (pci >= PETREL_PHB_MMIO32_PCI && pci - PETREL_PHB_MMIO32_PCI < PETREL_PHB_MMIO32_SIZE)
        return PETREL_PHB_MMIO32_BASE + PETREL_PHB_MMIO32_SIZE * phb +
               (pci - PETREL_PHB_MMIO32_PCI);
    if (pci >= PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * phb &&
        pci < PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * (phb + 1))
        return pci;
    return 0;
}

static void msix_store(uint64_t addr, uint32_t v)
{
    __asm__ volatile("stwbrx %0, 0, %1; eieio" : : "r"(v), "r"(addr) : "memory");
}

/* Clears the function's messages and frees its entries. */
static void release(const struct target *t)
{
    uint32_t count = rtas_phb_reg(t->phb, PETREL_PHB_REG_MSI_COUNT);
    uint64_t table = t->msix ? msix_table(t) : 0;

    if (t->msi) {
        cfg_write(t, t->msi + 4, 4, 0);
        cfg_write(t, t->msi + 8, 4, 0);
        cfg_write(t, t->msi + 12, 2, 0);
    }
    for (uint32_t i = 0; table && i < t->msix_n; i++) {
        msix_store(table + 16 * i, 0);
        msix_store(table + 16 * i + 4, 0);
        msix_store(table + 16 * i + 8, 0);
    }
    for (uint32_t i = 0; i < count; i++)
        if (owned_by(rtas_phb_reg(t->phb, PETREL_PHB_MSI_ENTRY(i) + PETREL_MSI_OWNER), t))
            rtas_phb_set_reg(t->phb, PETREL_PHB_MSI_ENTRY(i) + PETREL_MSI_OWNER, 0);
}

/* Gives the function n entries from `first` and programs its messages. */
static void assign(const struct target *t, uint32_t type, uint32_t first, uint32_t n,
                   uint64_t table)
{
    uint32_t base = rtas_phb_reg(t->phb, PETREL_PHB_REG_MSI_FIRST);

    release(t);
    for (uint32_t i = 0; i < n; i++) {
        rtas_phb_set_reg(t->phb, PETREL_PHB_MSI_ENTRY(first + i) + PETREL_MSI_SOURCE,
                         base + first + i);
        rtas_phb_set_reg(t->phb, PETREL_PHB_MSI_ENTRY(first + i) + PETREL_MSI_OWNER,
                         owner_of(t, i));
    }
    if (type == TYPE_MSI) {
        uint32_t log2 = 0, ctl = cfg_read(t, t->msi + 2, 2);
        while ((1u << log2) < n)
            log2++;
        cfg_write(t, t->msi + 4, 4, (uint32_t)PETREL_PHB_MSI_ADDR);
        cfg_write(t, t->msi + 8, 4, (uint32_t)(PETREL_PHB_MSI_ADDR >> 32));
        cfg_write(t, t->msi + 12, 2, first);
        /* Multiple Message Enable: the vectors given (PCI 3.0 6.8.1.3). */
        cfg_write(t, t->msi + 2, 2, (ctl & ~0x70u) | log2 << 4);
    } else {
        for (uint32_t i = 0; i < n; i++) {
            msix_store(table + 16 * i, (uint32_t)PETREL_PHB_MSI_ADDR);
            msix_store(table + 16 * i + 4, (uint32_t)(PETREL_PHB_MSI_ADDR >> 32));
            msix_store(table + 16 * i + 8, first + i);
        }
    }
}

static uint32_t round_pow2(uint32_t n)
{
    uint32_t p = 1;

    while (p < n)
        p <<= 1;
    return p;
}

/*
 * args: config address, BUID hi, lo, function, vectors requested,
 * sequence number.  rets: vectors, next sequence number[, type].
 */
int32_t rtas_change_msi(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    uint32_t fn = args[3], want = args[4], type, max, n, align;
    uint64_t table = 0;
    struct target t;
    int32_t st = find_target(args, &t), first;

    (void)nargs;
    if (st != RTAS_SUCCESS)
        return st;
    switch (fn) {
    case FN_QUERY:
        rets[1] = held(&t);
        rets[2] = args[5] + 1;
        if (nret > 3)
            rets[3] = held_type(&t);
        return RTAS_SUCCESS;
    case FN_RESET:
        if (want)
            return RTAS_PARAMETER_ERROR;
        release(&t);
        rets[1] = 0;
        rets[2] = args[5] + 1;
        if (nret > 3)
            rets[3] = TYPE_NONE;
        return RTAS_SUCCESS;
    case FN_CHANGE:
        /* A caller without the type output is told nothing of MSI-X. */
        type = t.msi ? TYPE_MSI : t.msix && nret > 3 ? TYPE_MSIX : TYPE_NONE;
        break;
    case FN_MSI: type = t.msi ? TYPE_MSI : TYPE_NONE; break;
    case FN_MSIX: type = t.msix ? TYPE_MSIX : TYPE_NONE; break;
    default: return RTAS_PARAMETER_ERROR; /* FN_MSI32: no 32-bit window */
    }
    if (type == TYPE_NONE)
        return RTAS_PARAMETER_ERROR;
    if (!want) {
        if (!held(&t))
            return RTAS_HARDWARE_ERROR;
        release(&t);
        rets[1] = 0;
        rets[2] = args[5] + 1;
        if (nret > 3)
            rets[3] = type;
        return RTAS_SUCCESS;
    }
    max = type == TYPE_MSI ? t.msi_max : t.msix_n;
    n = type == TYPE_MSI ? round_pow2(want) : want;
    rets[2] = args[5] + 1;
    if (nret > 3)
        rets[3] = type;
    if (want > max || n > max) {
        /* The most the function can take; nothing allocated (rtas.md §6.1). */
        rets[1] = max;
        return RTAS_SUCCESS;
    }
    if (type == TYPE_MSIX && !(table = msix_table(&t)))
        return RTAS_HARDWARE_ERROR; /* the table's BAR is not placed */
    align = type == TYPE_MSI ? n : 1;
    first = find_block(&t, n, align);
    if (first < 0)
        return RTAS_HARDWARE_ERROR;
    assign(&t, type, (uint32_t)first, n, table);
    rets[1] = n;
    return RTAS_SUCCESS;
}

/* args: config address, BUID hi, lo, vector index.  rets: interrupt
 * number, trigger (1: edge, as every MSI is). */
int32_t rtas_query_interrupt_source_number(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                           uint32_t nret)
{
    struct target t;
    int32_t st = find_target(args, &t);
    uint32_t count;

    (void)nargs, (void)nret;
    if (st != RTAS_SUCCESS)
        return st;
    count = rtas_phb_reg(t.phb, PETREL_PHB_REG_MSI_COUNT);
    for (uint32_t i = 0; i < count; i++)
        if (rtas_phb_reg(t.phb, PETREL_PHB_MSI_ENTRY(i) + PETREL_MSI_OWNER) ==
            owner_of(&t, args[3] & 0x7ff)) {
            if (args[3] > 0x7ff)
                break;
            rets[1] = rtas_phb_reg(t.phb, PETREL_PHB_MSI_ENTRY(i) + PETREL_MSI_SOURCE);
            rets[2] = 1;
            return RTAS_SUCCESS;
        }
    return RTAS_HARDWARE_ERROR;
}
