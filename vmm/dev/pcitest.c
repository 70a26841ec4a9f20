/*
 * The PCI test device (include/petrel/pcitest.h): MSI without MSI-X, INTA,
 * DMA on request -- what the PHB's regression payload needs to check MSI
 * selection (an MSI-only function gets MSI, never MSI-X), INTx, the TCE
 * table and EEH recovery.  Its state is reset by the PHB (slot reset,
 * machine reset) through the function's reset hook.
 */
#include <stdlib.h>
#include <string.h>

#include <petrel/pcitest.h>

#include "../../pci/function.h"
#include "../../pci/phb.h"
#include "pcitest.h"

struct pcitest {
    struct pci_function fn;
    uint32_t fired, dma_lo, dma_hi, dma_len, dma_status;
    uint8_t buf[PETREL_PCITEST_BUF_SIZE];
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Registers are little-endian: the MMIO value (memory.h) is the bytes'
 * big-endian reading. */
static uint64_t pcitest_read(void *opaque, unsigned bar, uint64_t off, unsigned size)
{
    struct pcitest *t = opaque;
    uint32_t v;

    (void)bar;
    if (size != 4 || (off & 3))
        return ~0ull;
    if (off >= PETREL_PCITEST_BUF)
        v = le32(&t->buf[off - PETREL_PCITEST_BUF]);
    else
        switch (off) {
        case PETREL_PCITEST_ID: v = PETREL_PCITEST_MAGIC; break;
        case PETREL_PCITEST_INTX: v = t->fn.intx_asserted; break;
        case PETREL_PCITEST_FIRED: v = t->fired; break;
        case PETREL_PCITEST_DMA_LO: v = t->dma_lo; break;
        case PETREL_PCITEST_DMA_HI: v = t->dma_hi; break;
        case PETREL_PCITEST_DMA_LEN: v = t->dma_len; break;
        case PETREL_PCITEST_DMA_STATUS: v = t->dma_status; break;
        case PETREL_PCITEST_STATUS_WRITES: v = t->fn.status_writes; break;
        default: v = 0; break;
        }
    return __builtin_bswap32(v);
}

static void pcitest_write(void *opaque, unsigned bar, uint64_t off, unsigned size, uint64_t value)
{
    struct pcitest *t = opaque;
    uint32_t v = __builtin_bswap32((uint32_t)value);
    uint64_t addr;

    (void)bar;
    if (size != 4 || (off & 3))
        return;
    if (off >= PETREL_PCITEST_BUF) {
        uint8_t *p = &t->buf[off - PETREL_PCITEST_BUF];
        p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)(v >> 24);
        return;
    }
    switch (off) {
    case PETREL_PCITEST_FIRE:
        t->fired++;
        pci_notify(&t->fn, v);
        break;
    case PETREL_PCITEST_INTX: pci_intx(&t->fn, v & 1); break;
    case PETREL_PCITEST_DMA_LO: t->dma_lo = v; break;
    case PETREL_PCITEST_DMA_HI: t->dma_hi = v; break;
    case PETREL_PCITEST_DMA_LEN: t->dma_len = v; break;
    case PETREL_PCITEST_DMA_CMD:
        addr = (uint64_t)t->dma_hi << 32 | t->dma_lo;
        if (t->dma_len > sizeof(t->buf))
            t->dma_status = 2;
        else if (v == PETREL_PCITEST_DMA_TO_BUF)
            t->dma_status = pci_dma_read(&t->fn, addr, t->buf, t->dma_len) ? 1 : 2;
        else if (v == PETREL_PCITEST_DMA_TO_BUS)
            t->dma_status = pci_dma_write(&t->fn, addr, t->buf, t->dma_len) ? 1 : 2;
        break;
    default: break;
    }
}

static void pcitest_reset(void *opaque)
{
    struct pcitest *t = opaque;

    t->fired = t->dma_lo = t->dma_hi = t->dma_len = t->dma_status = 0;
    memset(t->buf, 0, sizeof(t->buf));
}

struct pcitest *pcitest_create(struct phb *phb, unsigned slot)
{
    static const struct pci_bar_ops ops = {pcitest_read, pcitest_write};
    struct pcitest *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    pci_function_init(&t->fn, PETREL_PCITEST_VENDOR, PETREL_PCITEST_DEVICE, 0xff0000, 1, 0, 0);
    pci_function_add_bar(&t->fn, 0, PETREL_PCITEST_BAR_SIZE, false);
    pci_function_add_msi(&t->fn, PETREL_PCITEST_MSI_VECTORS);
    pci_function_set_pin(&t->fn, 1);
    t->fn.ops = &ops;
    t->fn.opaque = t;
    t->fn.reset = pcitest_reset;
    if (phb_plug(phb, slot << 3, &t->fn) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void pcitest_destroy(struct pcitest *t)
{
    free(t);
}
