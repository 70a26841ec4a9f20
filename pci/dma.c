/*
 * DMA through the PHB's TCE table (include/petrel/pci.h, LoPAPR 16.4.1):
 * the OS maps 4 KiB I/O pages of its DMA window with H_PUT_TCE & co
 * (hcall/tce.c); a device reaches guest memory only through a mapping
 * that grants the access, page by page.  Anything else -- bus mastering
 * off, a frozen PE, an unmapped or read-only page, an address outside the
 * window -- moves no byte into guest memory, and the PE's error log
 * records the bad address.  A function marked dma_direct (a virtio driver
 * that did not accept VIRTIO_F_ACCESS_PLATFORM) uses guest physical
 * addresses instead, checked against RAM; the PE's state still applies.
 */
#include <string.h>

#include <petrel/papr.h>
#include <petrel/pci.h>

#include "../vmm/memory.h"
#include "function.h"
#include "internal.h"
#include "phb.h"

int64_t phb_put_tce(struct phb *phb, uint64_t ioba, uint64_t tce)
{
    uint64_t ra = tce & ~((1ull << PETREL_TCE_PAGE_SHIFT) - 1);

    if (ioba >= PETREL_PHB_DMA_SIZE || (ioba & ((1ull << PETREL_TCE_PAGE_SHIFT) - 1)))
        return H_PARAMETER;
    /* Only the permission bits are defined below the page address; a
     * mapping must name a page of RAM. */
    if (tce & ((1ull << PETREL_TCE_PAGE_SHIFT) - 1) & ~(PETREL_TCE_READ | PETREL_TCE_WRITE))
        return H_PARAMETER;
    if ((tce & (PETREL_TCE_READ | PETREL_TCE_WRITE)) &&
        !guest_ram_contains(phb->mem, ra, 1ull << PETREL_TCE_PAGE_SHIFT))
        return H_PARAMETER;
    phb_lock(phb);
    phb->tce[ioba >> PETREL_TCE_PAGE_SHIFT] = tce & (PETREL_TCE_READ | PETREL_TCE_WRITE) ? tce : 0;
    phb_unlock(phb);
    return H_SUCCESS;
}

int64_t phb_get_tce(struct phb *phb, uint64_t ioba, uint64_t *tce)
{
    if (ioba >= PETREL_PHB_DMA_SIZE || (ioba & ((1ull << PETREL_TCE_PAGE_SHIFT) - 1)))
        return H_PARAMETER;
    phb_lock(phb);
    *tce = phb->tce[ioba >> PETREL_TCE_PAGE_SHIFT];
    phb_unlock(phb);
    return H_SUCCESS;
}

/* The RAM address of bus address addr for an access needing `perm`, with
 * the bytes left in its page, or false. */
static bool translate(struct phb *phb, uint64_t addr, uint64_t perm, uint64_t *ra, uint64_t *room)
{
    uint64_t page = 1ull << PETREL_TCE_PAGE_SHIFT, tce;

    if (addr >= PETREL_PHB_DMA_SIZE)
        return false;
    tce = phb->tce[addr >> PETREL_TCE_PAGE_SHIFT];
    if (!(tce & perm))
        return false;
    *ra = (tce & ~(page - 1)) + (addr & (page - 1));
    *room = page - (addr & (page - 1));
    return guest_ram_contains(phb->mem, *ra, *room);
}

static bool dma(struct pci_function *fn, uint64_t addr, void *rbuf, const void *wbuf, uint64_t len)
{
    struct phb *phb = fn->phb;
    unsigned pe = phb_pe_of(fn->devfn);
    uint64_t done = 0;
    bool ok = false;

    phb_lock(phb);
    if (!(pci_cfg_get(fn, PCI_COMMAND, 2) & PCI_CMD_MASTER) || !phb_pe_dma_ok(phb, pe))
        goto out;
    /* An armed error springs on the transfer's first address. */
    if (phb_pe_trap(phb, pe, wbuf ? PETREL_PE_TRAP_DMA_WRITE : PETREL_PE_TRAP_DMA_READ, addr))
        goto out;
    if (fn->dma_direct) {
        /* Guest physical addresses (virtio without ACCESS_PLATFORM). */
        if (!guest_ram_contains(phb->mem, addr, len)) {
            phb_pe_error(phb, pe, PETREL_PE_ERR_DMA, addr);
            goto out;
        }
        if (wbuf)
            guest_ram_write(phb->mem, addr, wbuf, len);
        else
            memcpy(rbuf, phb->mem->ram + addr, len);
        ok = true;
        goto out;
    }
    /* Every page is checked before a byte moves: a write is all or
     * nothing. */
    for (done = 0; done < len;) {
        uint64_t ra, room;
        if (!translate(phb, addr + done, wbuf ? PETREL_TCE_WRITE : PETREL_TCE_READ, &ra, &room)) {
            phb_pe_error(phb, pe, PETREL_PE_ERR_DMA, addr + done);
            goto out;
        }
        done += room < len - done ? room : len - done;
    }
    for (done = 0; done < len;) {
        uint64_t ra = 0, room = 0, n;
        translate(phb, addr + done, wbuf ? PETREL_TCE_WRITE : PETREL_TCE_READ, &ra, &room);
        n = room < len - done ? room : len - done;
        if (wbuf)
            guest_ram_write(phb->mem, ra, (const uint8_t *)wbuf + done, n);
        else
            memcpy((uint8_t *)rbuf + done, phb->mem->ram + ra, n);
        done += n;
    }
    ok = true;
out:
    if (!ok && rbuf)
        memset(rbuf, 0xff, len);
    phb_unlock(phb);
    return ok;
}

bool pci_dma_read(struct pci_function *fn, uint64_t addr, void *buf, uint64_t len)
{
    if (addr + len < addr)
        return false;
    return dma(fn, addr, buf, NULL, len);
}

bool pci_dma_write(struct pci_function *fn, uint64_t addr, const void *buf, uint64_t len)
{
    if (addr + len < addr)
        return false;
    return dma(fn, addr, NULL, buf, len);
}
