/*
 * A PCI function's configuration space, BARs, capabilities, MSI, MSI-X
 * and INTx (function.h).  Device models describe themselves with the
 * pci_function_add_* calls once; everything the guest does afterwards goes
 * through the masks set here, so no config write can change what the
 * device did not make writable -- in particular the status register
 * (PCI 3.0 6.2.3), whose bits are read-only or write-one-to-clear.
 */
#include <string.h>

#include "function.h"
#include "phb.h"

uint32_t pci_cfg_get(const struct pci_function *f, unsigned reg, unsigned size)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < size && reg + i < PCI_CFG_SIZE; i++)
        v |= (uint32_t)f->cfg[reg + i] << (8 * i);
    return v;
}

void pci_cfg_set(struct pci_function *f, unsigned reg, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size && reg + i < PCI_CFG_SIZE; i++)
        f->cfg[reg + i] = (uint8_t)(value >> (8 * i));
}

static void deliver_pending_msix(struct pci_function *f);
static void msix_set_word(struct pci_function *f, unsigned vec, unsigned word, uint32_t v);

static void set_mask(uint8_t *mask, unsigned reg, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size; i++)
        mask[reg + i] = (uint8_t)(value >> (8 * i));
}

void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
                       uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
                       uint16_t subsys_id)
{
    memset(f, 0, sizeof(*f));
    pci_cfg_set(f, PCI_VENDOR_ID, 2, vendor);
    pci_cfg_set(f, PCI_DEVICE_ID, 2, device);
    pci_cfg_set(f, PCI_REVISION, 1, revision);
    pci_cfg_set(f, PCI_CLASS_PROG, 3, class_code);
    pci_cfg_set(f, PCI_SUBSYS_VENDOR, 2, subsys_vendor);
    pci_cfg_set(f, PCI_SUBSYS_ID, 2, subsys_id);
    /* Memory space, bus master, INTx disable: what the OS may set. */
    set_mask(f->wmask, PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    set_mask(f->wmask, PCI_INTERRUPT_LINE, 1, 0xff);
    f->cap_next = 0x40;
    memcpy(f->cfg_reset, f->cfg, sizeof(f->cfg_reset));
}

void pci_function_add_bar(struct pci_function *f, unsigned bar, uint64_t size, bool mem64)
{
    unsigned reg = PCI_BAR0 + 4 * bar;
    uint64_t mask = ~(size - 1);

    if (bar >= PCI_BARS || size < 4096 || (size & (size - 1)) || (mem64 && bar + 1 >= PCI_BARS))
        return;
    f->bar[bar].size = size;
    f->bar[bar].mem64 = mem64;
    pci_cfg_set(f, reg, 4, mem64 ? PCI_BAR_MEM64 : 0);
    set_mask(f->wmask, reg, 4, (uint32_t)mask & ~0xfu);
    if (mem64)
        set_mask(f->wmask, reg + 4, 4, (uint32_t)(mask >> 32));
    memcpy(f->cfg_reset, f->cfg, sizeof(f->cfg_reset));
}

unsigned pci_function_add_cap(struct pci_function *f, uint8_t id, unsigned len)
{
    unsigned off = f->cap_next;

    len = (len + 3) & ~3u;
    if (len < 4 || off + len > 0x100)
        return 0;
    f->cfg[off] = id;
    f->cfg[off + 1] = 0;
    if (f->cap_link)
        *f->cap_link = (uint8_t)off;
    else
        f->cfg[PCI_CAP_PTR] = (uint8_t)off;
    f->cap_link = &f->cfg[off + 1];
    f->cap_next = (uint8_t)(off + len == 0x100 ? 0 : off + len);
    pci_cfg_set(f, PCI_STATUS, 2, pci_cfg_get(f, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
    memcpy(f->cfg_reset, f->cfg, sizeof(f->cfg_reset));
    return off;
}

unsigned pci_function_add_msi(struct pci_function *f, unsigned max)
{
    unsigned off, mmc = 0;

    if (!max || max > 32 || (max & (max - 1)) || f->msi_cap)
        return 0;
    off = pci_function_add_cap(f, PCI_CAP_MSI, 0x10);
    if (!off)
        return 0;
    while ((1u << mmc) < max)
        mmc++;
    f->msi_cap = (uint8_t)off;
    f->msi_max = max;
    /* Multiple Message Capable in bits 1-3; the OS writes Enable and
     * Multiple Message Enable (bits 4-6). */
    pci_cfg_set(f, off + PCI_MSI_CTL, 2, PCI_MSI_CTL_64BIT | mmc << 1);
    set_mask(f->wmask, off + PCI_MSI_CTL, 2, PCI_MSI_CTL_EN | 0x70);
    set_mask(f->wmask, off + PCI_MSI_ADDR_LO, 4, 0xfffffffc);
    set_mask(f->wmask, off + PCI_MSI_ADDR_HI, 4, 0xffffffff);
    set_mask(f->wmask, off + PCI_MSI_DATA, 2, 0xffff);
    return off;
}

unsigned pci_function_add_msix(struct pci_function *f, unsigned count, unsigned bar,
                               uint32_t table_off, uint32_t pba_off)
{
    unsigned off;

    if (!count || count > PCI_MSIX_MAX || bar >= PCI_BARS || !f->bar[bar].size || f->msix_cap ||
        (table_off & 7) || (pba_off & 7) ||
        table_off + count * PCI_MSIX_ENTRY_SIZE > f->bar[bar].size ||
        pba_off + 8 > f->bar[bar].size)
        return 0;
    off = pci_function_add_cap(f, PCI_CAP_MSIX, 12);
    if (!off)
        return 0;
    f->msix_cap = (uint8_t)off;
    f->msix_count = count;
    f->msix_bar = bar;
    f->msix_table_off = table_off;
    f->msix_pba_off = pba_off;
    pci_cfg_set(f, off + PCI_MSIX_CTL, 2, count - 1);
    pci_cfg_set(f, off + PCI_MSIX_TABLE, 4, table_off | bar);
    pci_cfg_set(f, off + PCI_MSIX_PBA, 4, pba_off | bar);
    set_mask(f->wmask, off + PCI_MSIX_CTL, 2, PCI_MSIX_CTL_EN | PCI_MSIX_CTL_MASK);
    for (unsigned i = 0; i < count; i++)
        msix_set_word(f, i, 3, PCI_MSIX_VEC_MASKED);
    return off;
}

void pci_function_set_pin(struct pci_function *f, uint8_t pin)
{
    if (pin < 1 || pin > 4)
        return;
    f->intx_pin = pin;
    f->cfg[PCI_INTERRUPT_PIN] = pin;
    memcpy(f->cfg_reset, f->cfg, sizeof(f->cfg_reset));
}

void pci_function_reset_config(struct pci_function *f)
{
    memcpy(f->cfg, f->cfg_reset, sizeof(f->cfg_reset));
    if (f->msi_cap) {
        unsigned mmc = pci_cfg_get(f, f->msi_cap + PCI_MSI_CTL, 2) & 0x0e;
        pci_cfg_set(f, f->msi_cap + PCI_MSI_CTL, 2, PCI_MSI_CTL_64BIT | mmc);
        pci_cfg_set(f, f->msi_cap + PCI_MSI_ADDR_LO, 4, 0);
        pci_cfg_set(f, f->msi_cap + PCI_MSI_ADDR_HI, 4, 0);
        pci_cfg_set(f, f->msi_cap + PCI_MSI_DATA, 4, 0);
    }
    if (f->msix_cap) {
        pci_cfg_set(f, f->msix_cap + PCI_MSIX_CTL, 2, f->msix_count - 1);
        memset(f->msix_table, 0, sizeof(f->msix_table));
        for (unsigned i = 0; i < f->msix_count; i++)
            msix_set_word(f, i, 3, PCI_MSIX_VEC_MASKED);
        f->msix_pending = 0;
    }
    f->intx_asserted = false;
    f->status_writes = 0;
}

void pci_function_config_write(struct pci_function *f, unsigned reg, unsigned size, uint32_t value)
{
    uint16_t msix_ctl_before = f->msix_cap ? (uint16_t)pci_cfg_get(f, f->msix_cap + 2, 2) : 0;

    /* Counted so tests can prove nobody writes it (rtas.md §9 (d)). */
    if (reg < PCI_STATUS + 2 && reg + size > PCI_STATUS)
        f->status_writes++;
    for (unsigned i = 0; i < size && reg + i < PCI_CFG_SIZE; i++) {
        uint8_t b = (uint8_t)(value >> (8 * i)), *c = &f->cfg[reg + i];
        *c = (uint8_t)((*c & ~f->wmask[reg + i]) | (b & f->wmask[reg + i]));
        *c &= (uint8_t) ~(b & f->w1c[reg + i]);
    }
    /* Unmasking the function lets pending MSI-X vectors through. */
    if (f->msix_cap && (msix_ctl_before & PCI_MSIX_CTL_MASK) &&
        !(pci_cfg_get(f, f->msix_cap + 2, 2) & PCI_MSIX_CTL_MASK))
        deliver_pending_msix(f);
}

uint64_t pci_function_bar_addr(const struct pci_function *f, unsigned bar)
{
    uint64_t a;

    if (bar >= PCI_BARS || !f->bar[bar].size)
        return 0;
    a = pci_cfg_get(f, PCI_BAR0 + 4 * bar, 4) & ~0xfull;
    if (f->bar[bar].mem64)
        a |= (uint64_t)pci_cfg_get(f, PCI_BAR0 + 4 * bar + 4, 4) << 32;
    return a;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t msix_word(const struct pci_function *f, unsigned vec, unsigned word)
{
    return le32(&f->msix_table[vec * PCI_MSIX_ENTRY_SIZE + 4 * word]);
}

static void msix_set_word(struct pci_function *f, unsigned vec, unsigned word, uint32_t v)
{
    uint8_t *p = &f->msix_table[vec * PCI_MSIX_ENTRY_SIZE + 4 * word];

    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

static bool in_range(uint64_t off, unsigned size, uint64_t start, uint64_t len)
{
    return off >= start && off - start < len && size <= len - (off - start);
}

/* MMIO values are the big-endian reading of the bytes in memory order
 * (memory.h). */
static uint64_t bytes_value(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v = v << 8 | p[i];
    return v;
}

uint64_t pci_function_bar_read(struct pci_function *f, unsigned bar, uint64_t off, unsigned size)
{
    if (f->msix_cap && bar == f->msix_bar) {
        if (in_range(off, size, f->msix_table_off, f->msix_count * PCI_MSIX_ENTRY_SIZE)) {
            if (size != 4 && size != 8)
                return ~0ull;
            return bytes_value(&f->msix_table[off - f->msix_table_off], size);
        }
        if (in_range(off, size, f->msix_pba_off, 8)) {
            uint8_t pba[8];
            for (unsigned i = 0; i < 8; i++)
                pba[i] = (uint8_t)(f->msix_pending >> (8 * i));
            return bytes_value(&pba[off - f->msix_pba_off], size);
        }
    }
    return f->ops && f->ops->read ? f->ops->read(f->opaque, bar, off, size) : ~0ull;
}

static bool msix_masked(const struct pci_function *f, unsigned vec)
{
    return (pci_cfg_get(f, f->msix_cap + PCI_MSIX_CTL, 2) & PCI_MSIX_CTL_MASK) ||
           (msix_word(f, vec, 3) & PCI_MSIX_VEC_MASKED);
}

static void msix_send(struct pci_function *f, unsigned vec)
{
    uint64_t addr = (uint64_t)msix_word(f, vec, 1) << 32 | msix_word(f, vec, 0);

    phb_msi(f->phb, f->devfn, addr, msix_word(f, vec, 2));
}

static void deliver_pending_msix(struct pci_function *f)
{
    if (!(pci_cfg_get(f, f->msix_cap + PCI_MSIX_CTL, 2) & PCI_MSIX_CTL_EN))
        return;
    for (unsigned i = 0; i < f->msix_count; i++)
        if ((f->msix_pending >> i & 1) && !msix_masked(f, i)) {
            f->msix_pending &= ~(1ull << i);
            msix_send(f, i);
        }
}

void pci_function_bar_write(struct pci_function *f, unsigned bar, uint64_t off, unsigned size,
                            uint64_t value)
{
    if (f->msix_cap && bar == f->msix_bar) {
        if (in_range(off, size, f->msix_table_off, f->msix_count * PCI_MSIX_ENTRY_SIZE)) {
            uint64_t t = off - f->msix_table_off;
            unsigned vec = (unsigned)(t / PCI_MSIX_ENTRY_SIZE);
            if (size != 4 && size != 8)
                return;
            for (unsigned i = 0; i < size; i++)
                f->msix_table[t + i] = (uint8_t)(value >> (8 * (size - 1 - i)));
            /* Vector control: bits other than the mask are reserved. */
            msix_set_word(f, vec, 3, msix_word(f, vec, 3) & PCI_MSIX_VEC_MASKED);
            if ((f->msix_pending >> vec & 1) && !msix_masked(f, vec))
                deliver_pending_msix(f);
            return;
        }
        if (in_range(off, size, f->msix_pba_off, 8))
            return; /* the PBA is read-only */
    }
    if (f->ops && f->ops->write)
        f->ops->write(f->opaque, bar, off, size, value);
}

void pci_intx(struct pci_function *f, bool level)
{
    bool out;

    if (!f->intx_pin)
        return;
    f->intx_asserted = level;
    pci_cfg_set(f, PCI_STATUS, 2,
                (pci_cfg_get(f, PCI_STATUS, 2) & ~PCI_STATUS_INTX) | (level ? PCI_STATUS_INTX : 0));
    out = level && !(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_CMD_INTX_OFF);
    phb_intx(f->phb, f->devfn, f->intx_pin, out);
}

void pci_notify(struct pci_function *f, unsigned vec)
{
    if (f->msix_cap && (pci_cfg_get(f, f->msix_cap + PCI_MSIX_CTL, 2) & PCI_MSIX_CTL_EN)) {
        if (vec >= f->msix_count)
            return;
        if (msix_masked(f, vec))
            f->msix_pending |= 1ull << vec;
        else
            msix_send(f, vec);
        return;
    }
    if (f->msi_cap) {
        unsigned ctl = pci_cfg_get(f, f->msi_cap + PCI_MSI_CTL, 2);
        if (ctl & PCI_MSI_CTL_EN) {
            unsigned enabled = 1u << ((ctl >> 4) & 7);
            uint64_t addr = (uint64_t)pci_cfg_get(f, f->msi_cap + PCI_MSI_ADDR_HI, 4) << 32 |
                            pci_cfg_get(f, f->msi_cap + PCI_MSI_ADDR_LO, 4);
            uint32_t data = pci_cfg_get(f, f->msi_cap + PCI_MSI_DATA, 2);
            if (enabled > f->msi_max)
                enabled = f->msi_max;
            /* The function replaces the low bits of data with the vector
             * (PCI 3.0 6.8.1.5). */
            if (vec >= enabled)
                vec = 0;
            phb_msi(f->phb, f->devfn, addr, (data & ~(enabled - 1)) | vec);
            return;
        }
    }
    pci_intx(f, true);
}
