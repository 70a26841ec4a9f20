/*
 * PCI probing (DESIGN.md walk step 3): the firmware walks bus 0 of every
 * PHB through its configuration window (include/petrel/pci.h), sizes each
 * function's memory BARs and assigns them naturally aligned in the PHB's
 * 32- or 64-bit window, turns memory decoding on, and reads the MSI and
 * MSI-X capabilities -- the facts devtree.c turns into the PHB's children
 * (spec/device-tree.md §10.1: ibm,req#msi only where an MSI capability
 * exists, ibm,req#msi-x only where MSI-X does).
 */
#include <stdio.h>

#include <petrel/pci.h>
#include <petrel/virtio.h>

#include "firmware.h"

#define CFG_COMMAND 0x04
#define CFG_STATUS  0x06
#define CFG_HEADER  0x0e
#define CFG_BAR0    0x10
#define CFG_CAP_PTR 0x34
#define CFG_PIN     0x3d
#define STATUS_CAPS 0x10
#define CMD_MEMORY  0x02
#define CAP_MSI     0x05
#define CAP_MSIX    0x11

static uint64_t cfg_addr(unsigned phb, unsigned devfn, unsigned reg)
{
    return PETREL_PHB_CFG_BASE + ((uint64_t)phb << PETREL_PHB_CFG_SHIFT) + ((uint64_t)devfn << 12) +
           reg;
}

/* PCI registers are little-endian: byte-reversed loads and stores. */
static uint32_t cfg_read(unsigned phb, unsigned devfn, unsigned reg, unsigned size)
{
    uint64_t a = cfg_addr(phb, devfn, reg);
    uint32_t v;

    switch (size) {
    case 1: __asm__ volatile("lbzx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory"); break;
    case 2: __asm__ volatile("lhbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory"); break;
    default: __asm__ volatile("lwbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory"); break;
    }
    return v;
}

static void cfg_write(unsigned phb, unsigned devfn, unsigned reg, unsigned size, uint32_t v)
{
    uint64_t a = cfg_addr(phb, devfn, reg);

    switch (size) {
    case 2: __asm__ volatile("sthbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory"); break;
    default: __asm__ volatile("stwbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory"); break;
    }
}

/* Window cursors of one PHB: the next free PCI address in each. */
struct windows {
    uint64_t next32, end32, next64, end64;
};

static uint64_t place(uint64_t *next, uint64_t end, uint64_t size)
{
    uint64_t a = (*next + size - 1) & ~(size - 1);

    if (a < *next || a > end || size > end - a)
        return 0;
    *next = a + size;
    return a;
}

/* Sizes BAR i (PCI 3.0 6.2.5.1: write all ones, read the mask back),
 * places it, and returns how many BAR registers it used. */
static unsigned probe_bar(struct fw_pci_fn *f, unsigned i, struct windows *w)
{
    unsigned reg = CFG_BAR0 + 4 * i;
    uint32_t lo = cfg_read(f->phb, f->devfn, reg, 4), hi = 0, mlo, mhi = 0xffffffff;
    bool mem64 = (lo & 0x7) == 0x4;
    uint64_t mask, size, addr;
    struct fw_pci_bar *b;

    if (lo & 1) /* I/O space: petrel's PHBs have none */
        return 1;
    cfg_write(f->phb, f->devfn, reg, 4, 0xffffffff);
    mlo = cfg_read(f->phb, f->devfn, reg, 4);
    cfg_write(f->phb, f->devfn, reg, 4, lo);
    if (mem64 && i < 5) {
        hi = cfg_read(f->phb, f->devfn, reg + 4, 4);
        cfg_write(f->phb, f->devfn, reg + 4, 4, 0xffffffff);
        mhi = cfg_read(f->phb, f->devfn, reg + 4, 4);
        cfg_write(f->phb, f->devfn, reg + 4, 4, hi);
    }
    mask = (uint64_t)mhi << 32 | (mlo & ~0xfu);
    if (!mem64)
        mask |= 0xffffffff00000000ull;
    if (!(mlo & ~0xfu))
        return mem64 ? 2 : 1; /* not implemented */
    size = ~mask + 1;
    addr = mem64 ? place(&w->next64, w->end64, size) : place(&w->next32, w->end32, size);
    if (f->nbars < 6) {
        b = &f->bar[f->nbars++];
        b->reg = (uint8_t)reg;
        b->mem64 = mem64;
        b->size = size;
        b->addr = addr;
    }
    cfg_write(f->phb, f->devfn, reg, 4, (uint32_t)addr | (lo & 0xf));
    if (mem64)
        cfg_write(f->phb, f->devfn, reg + 4, 4, (uint32_t)(addr >> 32));
    return mem64 ? 2 : 1;
}

static void probe_caps(struct fw_pci_fn *f)
{
    unsigned ptr, guard = 0;

    if (!(cfg_read(f->phb, f->devfn, CFG_STATUS, 2) & STATUS_CAPS))
        return;
    /* A list that loops or leaves 0x40..0xff ends the walk. */
    for (ptr = cfg_read(f->phb, f->devfn, CFG_CAP_PTR, 1) & 0xfc; ptr >= 0x40 && guard < 48;
         ptr = cfg_read(f->phb, f->devfn, ptr + 1, 1) & 0xfc, guard++) {
        unsigned id = cfg_read(f->phb, f->devfn, ptr, 1);
        unsigned ctl = cfg_read(f->phb, f->devfn, ptr + 2, 2);
        if (id == CAP_MSI)
            f->msi = 1u << ((ctl >> 1) & 7); /* Multiple Message Capable */
        else if (id == CAP_MSIX)
            f->msix = (ctl & 0x7ff) + 1; /* Table Size */
    }
}

/* A virtio-net function's MAC from its device configuration (virtio
 * 1.0 §5.1.4; the BAR layout of include/petrel/virtio.h), for the node's
 * local-mac-address.  The 64-bit window's CPU and PCI addresses are the
 * same (pci.h). */
static void read_virtio_mac(struct fw_pci_fn *f)
{
    if (f->vendor != PETREL_VIRTIO_VENDOR ||
        f->device != PETREL_VIRTIO_DEVICE(PETREL_VIRTIO_ID_NET))
        return;
    for (unsigned i = 0; i < f->nbars; i++) {
        const struct fw_pci_bar *bar = &f->bar[i];
        if (bar->reg != CFG_BAR0 + 4 * PETREL_VIRTIO_BAR || !bar->addr || !bar->mem64)
            continue;
        for (unsigned k = 0; k < 6; k++) {
            uint64_t a = bar->addr + PETREL_VIRTIO_DEVCFG + VIRTIO_NET_CFG_MAC + k;
            uint32_t v;
            __asm__ volatile("lbzx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory");
            f->mac[k] = (uint8_t)v;
        }
        f->has_mac = true;
    }
}

void pci_probe(struct hw_facts *hw)
{
    hw->npci = 0;
    for (unsigned phb = 0; phb < hw->phbs && phb < PETREL_PHB_MAX; phb++) {
        struct windows w = {PETREL_PHB_MMIO32_PCI, PETREL_PHB_MMIO32_PCI + PETREL_PHB_MMIO32_SIZE,
                            PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * phb,
                            PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * (phb + 1)};
        for (unsigned devfn = 0; devfn < 256; devfn++) {
            uint32_t id = cfg_read(phb, devfn, 0, 4);
            struct fw_pci_fn *f;

            if (id == 0xffffffff || id == 0)
                continue;
            if (hw->npci == FW_PCI_MAX) {
                printf("  PCI: more than %u functions, %u:%02x.%u and later left out\n", FW_PCI_MAX,
                       phb, devfn >> 3, devfn & 7);
                return;
            }
            f = &hw->pci[hw->npci++];
            *f = (struct fw_pci_fn){.phb = (uint8_t)phb, .devfn = (uint8_t)devfn};
            f->vendor = (uint16_t)id;
            f->device = (uint16_t)(id >> 16);
            f->revision = (uint8_t)cfg_read(phb, devfn, 0x08, 1);
            f->class_code = cfg_read(phb, devfn, 0x08, 4) >> 8;
            f->subsys_vendor = (uint16_t)cfg_read(phb, devfn, 0x2c, 2);
            f->subsys_id = (uint16_t)cfg_read(phb, devfn, 0x2e, 2);
            f->pin = (uint8_t)cfg_read(phb, devfn, CFG_PIN, 1);
            if (f->pin > 4)
                f->pin = 0;
            /* Type 0 headers only: bridges come with bridge support. */
            if ((cfg_read(phb, devfn, CFG_HEADER, 1) & 0x7f) == 0)
                for (unsigned i = 0; i < 6;)
                    i += probe_bar(f, i, &w);
            probe_caps(f);
            cfg_write(phb, devfn, CFG_COMMAND, 2,
                      cfg_read(phb, devfn, CFG_COMMAND, 2) | CMD_MEMORY);
            read_virtio_mac(f);
            printf("  PCI %u:%02x.%u %04x:%04x class %06x%s%s\n", phb, devfn >> 3, devfn & 7,
                   f->vendor, f->device, (unsigned)f->class_code, f->msi ? " MSI" : "",
                   f->msix ? " MSI-X" : "");
        }
    }
}
