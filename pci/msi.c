/*
 * The PHB's MSI window and translation table (include/petrel/pci.h): a
 * device's message write to PETREL_PHB_MSI_ADDR with data d raises the
 * source entry d names -- if d is a valid entry owned by the writing
 * function (the requester id is checked, as a PHB validates MSIs against
 * their PE) and the PE's DMA is not frozen.  Any other message address is
 * an ordinary DMA write of the data word.
 *
 * RTAS ibm,change-msi programs the entries; the host never allocates, so
 * its table is the one truth that reset clears.
 */
#include <string.h>

#include <petrel/irq.h>
#include <petrel/pci.h>

#include "../irq/irq.h"
#include "../vmm/trace.h"
#include "function.h"
#include "internal.h"
#include "phb.h"

uint32_t msi_reg_read(struct phb *phb, unsigned entry, unsigned reg)
{
    return reg == PETREL_MSI_OWNER ? phb->msi[entry].owner : phb->msi[entry].source;
}

void msi_reg_write(struct phb *phb, unsigned entry, unsigned reg, uint32_t value)
{
    uint32_t first = PETREL_PHB_MSI_FIRST(phb->index);

    if (reg == PETREL_MSI_OWNER) {
        /* Valid bit, devfn (bits 16-23) and a vector below 2048. */
        phb->msi[entry].owner = value & (PETREL_MSI_VALID | 0xff0000u | 0x7ffu);
    } else if (value >= first && value - first < PETREL_PHB_MSI_COUNT) {
        phb->msi[entry].source = value;
        if (phb->irq)
            irq_set_kind(phb->irq, value, IRQ_EDGE);
    } else {
        return;
    }
    /* The routes RTAS ibm,change-msi programs. */
    if (trace_on(PETREL_TRACE_PCI))
        trace_printf(PETREL_TRACE_PCI, -1, "phb%u MSI entry %u: owner 0x%x, source 0x%x",
                     phb->index, entry, phb->msi[entry].owner, phb->msi[entry].source);
}

void msi_free_pe(struct phb *phb, int pe)
{
    for (unsigned i = 0; i < PETREL_PHB_MSI_COUNT; i++) {
        uint32_t owner = phb->msi[i].owner;
        if (pe < 0 ||
            ((owner & PETREL_MSI_VALID) && phb_pe_of((owner >> 16) & 0xff) == (unsigned)pe))
            phb->msi[i].owner = phb->msi[i].source = 0;
    }
}

void phb_msi(struct phb *phb, unsigned devfn, uint64_t addr, uint32_t data)
{
    uint32_t owner;

    if (!phb->fn[devfn] || !phb_pe_dma_ok(phb, phb_pe_of(devfn)) ||
        !(pci_cfg_get(phb->fn[devfn], PCI_COMMAND, 2) & PCI_CMD_MASTER)) {
        phb->msi_dropped++;
        return;
    }
    if (addr != PETREL_PHB_MSI_ADDR) {
        uint8_t le[4] = {(uint8_t)data, (uint8_t)(data >> 8), (uint8_t)(data >> 16),
                         (uint8_t)(data >> 24)};
        pci_dma_write(phb->fn[devfn], addr, le, sizeof(le));
        phb->msi_dropped++;
        return;
    }
    owner = data < PETREL_PHB_MSI_COUNT ? phb->msi[data].owner : 0;
    if (!(owner & PETREL_MSI_VALID) || ((owner >> 16) & 0xff) != devfn || !phb->msi[data].source) {
        if (trace_on(PETREL_TRACE_PCI))
            trace_printf(PETREL_TRACE_PCI, -1,
                         "phb%u %02x.%u: MSI data 0x%x not this function's: dropped", phb->index,
                         devfn >> 3, devfn & 7, data);
        phb_pe_error(phb, phb_pe_of(devfn), PETREL_PE_ERR_DMA, addr);
        phb->msi_dropped++;
        return;
    }
    if (trace_on(PETREL_TRACE_PCI))
        trace_printf(PETREL_TRACE_PCI, -1, "phb%u %02x.%u: MSI data 0x%x -> source 0x%x",
                     phb->index, devfn >> 3, devfn & 7, data, phb->msi[data].source);
    phb->msi_sent++;
    if (phb->irq)
        irq_pulse(phb->irq, phb->msi[data].source);
}
