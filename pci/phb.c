/*
 * The PCI host bridge's windows (include/petrel/pci.h, spec/rtas.md §4.5,
 * device-tree.md §10): configuration space, the 32- and 64-bit MMIO
 * windows, INTx, and the register block's dispatch to the MSI table
 * (msi.c) and the PEs (eeh.c).
 *
 * Only bus 0 exists: functions behind bridges come with bridge support.
 * A config access that is not 1, 2 or 4 bytes naturally aligned, or names
 * no function, reads all ones and writes nothing -- the master abort of a
 * real bus -- so the guest can never reach past a function's 4 KiB.  The
 * same holds for the functions of a PE whose MMIO is frozen or held in
 * reset (LoPAPR 7.3.15: a frozen PE's loads return all ones).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/irq.h>
#include <petrel/pci.h>

#include "../irq/irq.h"
#include "../vmm/memory.h"
#include "function.h"
#include "internal.h"
#include "phb.h"

static uint64_t all_ones(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* MMIO values are the big-endian reading of the bytes (memory.h); the
 * register's bytes lie in the window little-endian. */
static uint32_t swap(uint32_t v, unsigned size)
{
    switch (size) {
    case 2: return (uint16_t)(v << 8 | v >> 8);
    case 4: return __builtin_bswap32(v);
    default: return v;
    }
}

void phb_lock(struct phb *phb)
{
    pthread_mutex_lock(&phb->lock);
}

void phb_unlock(struct phb *phb)
{
    pthread_mutex_unlock(&phb->lock);
}

/* The function a config access names, if it may be reached now. */
static struct pci_function *config_target(struct phb *phb, uint64_t offset, unsigned size,
                                          unsigned *reg, uint32_t trap)
{
    unsigned devfn;

    if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1)))
        return NULL;
    if (offset >> 20) /* bus != 0 */
        return NULL;
    devfn = (unsigned)(offset >> 12) & 0xff;
    *reg = (unsigned)offset & 0xfff;
    if (!phb->fn[devfn] || !phb_pe_mmio_ok(phb, phb_pe_of(devfn)) ||
        phb_pe_trap(phb, phb_pe_of(devfn), trap, *reg))
        return NULL;
    return phb->fn[devfn];
}

uint64_t phb_config_load(struct phb *phb, uint64_t offset, unsigned size)
{
    struct pci_function *f;
    unsigned reg;
    uint64_t v;

    phb_lock(phb);
    f = config_target(phb, offset, size, &reg, PETREL_PE_TRAP_LOAD_CFG);
    v = f ? swap(pci_cfg_get(f, reg, size), size) : all_ones(size);
    phb_unlock(phb);
    return v;
}

void phb_config_store(struct phb *phb, uint64_t offset, unsigned size, uint64_t value)
{
    struct pci_function *f;
    unsigned reg;

    phb_lock(phb);
    f = config_target(phb, offset, size, &reg, PETREL_PE_TRAP_STORE_CFG);
    if (f) {
        uint16_t cmd = (uint16_t)pci_cfg_get(f, PCI_COMMAND, 2);
        pci_function_config_write(f, reg, size, swap((uint32_t)value, size));
        /* The INTx disable bit gates the pin (PCI 3.0 6.2.2). */
        if ((cmd ^ pci_cfg_get(f, PCI_COMMAND, 2)) & PCI_CMD_INTX_OFF)
            phb_update_intx(phb);
    }
    phb_unlock(phb);
}

/* The function and BAR whose enabled memory decoder covers [addr, addr +
 * size), with the offset in the BAR. */
static struct pci_function *bar_target(struct phb *phb, uint64_t addr, unsigned size, unsigned *bar,
                                       uint64_t *off)
{
    for (unsigned d = 0; d < PHB_FUNCTIONS; d++) {
        struct pci_function *f = phb->fn[d];
        if (!f || !(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_CMD_MEMORY))
            continue;
        for (unsigned b = 0; b < PCI_BARS; b++) {
            uint64_t base = pci_function_bar_addr(f, b), len = f->bar[b].size;
            if (!len || !base || addr < base || addr - base >= len || size > len - (addr - base))
                continue;
            *bar = b;
            *off = addr - base;
            return f;
        }
    }
    return NULL;
}

uint64_t phb_mmio_load(struct phb *phb, uint64_t pci_addr, unsigned size)
{
    struct pci_function *f;
    unsigned bar;
    uint64_t off, v = all_ones(size);

    phb_lock(phb);
    f = bar_target(phb, pci_addr, size, &bar, &off);
    if (f && phb_pe_mmio_ok(phb, phb_pe_of(f->devfn)) &&
        !phb_pe_trap(phb, phb_pe_of(f->devfn), PETREL_PE_TRAP_LOAD_MEM, pci_addr))
        v = pci_function_bar_read(f, bar, off, size);
    phb_unlock(phb);
    return v;
}

void phb_mmio_store(struct phb *phb, uint64_t pci_addr, unsigned size, uint64_t value)
{
    struct pci_function *f;
    unsigned bar;
    uint64_t off;

    phb_lock(phb);
    f = bar_target(phb, pci_addr, size, &bar, &off);
    if (f && phb_pe_mmio_ok(phb, phb_pe_of(f->devfn)) &&
        !phb_pe_trap(phb, phb_pe_of(f->devfn), PETREL_PE_TRAP_STORE_MEM, pci_addr))
        pci_function_bar_write(f, bar, off, size, value);
    phb_unlock(phb);
}

static uint64_t config_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    (void)vcpu;
    return phb_config_load(opaque, offset, size);
}

static void config_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size,
                         uint64_t value)
{
    (void)vcpu;
    phb_config_store(opaque, offset, size, value);
}

static uint64_t mmio32_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    (void)vcpu;
    return phb_mmio_load(opaque, PETREL_PHB_MMIO32_PCI + offset, size);
}

static void mmio32_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size,
                         uint64_t value)
{
    (void)vcpu;
    phb_mmio_store(opaque, PETREL_PHB_MMIO32_PCI + offset, size, value);
}

static uint64_t mmio64_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    struct phb *phb = opaque;

    (void)vcpu;
    return phb_mmio_load(phb, PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * phb->index + offset,
                         size);
}

static void mmio64_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size,
                         uint64_t value)
{
    struct phb *phb = opaque;

    (void)vcpu;
    phb_mmio_store(phb, PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * phb->index + offset, size,
                   value);
}

uint64_t phb_regs_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    struct phb *phb = opaque;
    uint32_t v = 0;

    (void)vcpu;
    if (size != 4 || (offset & 3))
        return all_ones(size);
    phb_lock(phb);
    if (offset == PETREL_PHB_REG_MSI_COUNT)
        v = PETREL_PHB_MSI_COUNT;
    else if (offset == PETREL_PHB_REG_MSI_FIRST)
        v = PETREL_PHB_MSI_FIRST(phb->index);
    else if (offset == PETREL_PHB_REG_PES)
        v = PETREL_PHB_PES;
    else if (offset >= PETREL_PHB_MSI_ENTRY(0) &&
             offset < PETREL_PHB_MSI_ENTRY(PETREL_PHB_MSI_COUNT))
        v = msi_reg_read(phb, (unsigned)(offset - PETREL_PHB_MSI_ENTRY(0)) / 8, offset & 7);
    else if (offset >= PETREL_PHB_PE(0) && offset < PETREL_PHB_PE(PETREL_PHB_PES))
        v = eeh_reg_read(phb, (unsigned)(offset - PETREL_PHB_PE(0)) / 0x40,
                         (unsigned)(offset - PETREL_PHB_PE(0)) % 0x40);
    phb_unlock(phb);
    return v;
}

void phb_regs_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    struct phb *phb = opaque;

    (void)vcpu;
    if (size != 4 || (offset & 3))
        return;
    phb_lock(phb);
    if (offset >= PETREL_PHB_MSI_ENTRY(0) && offset < PETREL_PHB_MSI_ENTRY(PETREL_PHB_MSI_COUNT))
        msi_reg_write(phb, (unsigned)(offset - PETREL_PHB_MSI_ENTRY(0)) / 8, offset & 7,
                      (uint32_t)value);
    else if (offset >= PETREL_PHB_PE(0) && offset < PETREL_PHB_PE(PETREL_PHB_PES))
        eeh_reg_write(phb, (unsigned)(offset - PETREL_PHB_PE(0)) / 0x40,
                      (unsigned)(offset - PETREL_PHB_PE(0)) % 0x40, (uint32_t)value);
    phb_unlock(phb);
}

/* LSI line of a device's pin, swizzled as the node's interrupt-map says. */
static unsigned lsi_line(unsigned devfn, unsigned pin)
{
    return ((devfn >> 3) + pin - 1) & 3;
}

void phb_update_intx(struct phb *phb)
{
    bool level[4] = {false, false, false, false};

    for (unsigned d = 0; d < PHB_FUNCTIONS; d++) {
        struct pci_function *f = phb->fn[d];
        if (f && f->intx_pin && f->intx_asserted &&
            !(pci_cfg_get(f, PCI_COMMAND, 2) & PCI_CMD_INTX_OFF))
            level[lsi_line(d, f->intx_pin)] = true;
    }
    for (unsigned l = 0; l < 4; l++) {
        if (level[l] == phb->lsi[l])
            continue;
        phb->lsi[l] = level[l];
        if (phb->irq)
            irq_set_level(phb->irq, PETREL_IRQ_PCI_LSI_BASE + 4 * phb->index + l, level[l]);
    }
}

void phb_intx(struct phb *phb, unsigned devfn, unsigned pin, bool level)
{
    (void)devfn, (void)pin, (void)level;
    phb_update_intx(phb);
}

int phb_init(struct phb *phb, struct guest_mem *mem, struct irq_ctl *irq, unsigned index)
{
    static const struct mmio_ops config_ops = {config_read, config_write};
    static const struct mmio_ops mmio32_ops = {mmio32_read, mmio32_write};
    static const struct mmio_ops mmio64_ops = {mmio64_read, mmio64_write};
    static const struct mmio_ops regs_ops = {phb_regs_read, phb_regs_write};
    static const char *const names[PETREL_PHB_MAX][4] = {
#define PHB_NAMES(n) {"phb" #n "-config", "phb" #n "-mmio32", "phb" #n "-mmio64", "phb" #n "-regs"}
        PHB_NAMES(0), PHB_NAMES(1), PHB_NAMES(2), PHB_NAMES(3),
        PHB_NAMES(4), PHB_NAMES(5), PHB_NAMES(6), PHB_NAMES(7),
#undef PHB_NAMES
    };
    pthread_mutexattr_t attr;

    if (index >= PETREL_PHB_MAX)
        return -1;
    memset(phb, 0, sizeof(*phb));
    phb->index = index;
    phb->buid = PETREL_PHB_BUID_BASE + index;
    phb->liobn = PETREL_PHB_LIOBN(index);
    phb->mem = mem;
    phb->irq = irq;
    phb->tce = calloc(PHB_TCES, sizeof(*phb->tce));
    if (!phb->tce)
        return -1;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&phb->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (irq)
        for (unsigned l = 0; l < 4; l++)
            irq_set_kind(irq, PETREL_IRQ_PCI_LSI_BASE + 4 * index + l, IRQ_LEVEL);

    const struct mmio_region r[] = {
        {PETREL_PHB_CFG_BASE + ((uint64_t)index << PETREL_PHB_CFG_SHIFT), PETREL_PHB_CFG_SIZE,
         &config_ops, phb, names[index][0]},
        {PETREL_PHB_MMIO32_BASE + PETREL_PHB_MMIO32_SIZE * index, PETREL_PHB_MMIO32_SIZE,
         &mmio32_ops, phb, names[index][1]},
        {PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * index, PETREL_PHB_MMIO64_SIZE,
         &mmio64_ops, phb, names[index][2]},
        {PETREL_PHB_REGS(index), PETREL_PHB_REGS_SIZE, &regs_ops, phb, names[index][3]},
    };
    for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
        if (guest_mem_add_mmio(mem, &r[i]) != 0)
            return -1;
    return 0;
}

void phb_destroy(struct phb *phb)
{
    free(phb->tce);
    phb->tce = NULL;
    pthread_mutex_destroy(&phb->lock);
}

int phb_plug(struct phb *phb, unsigned devfn, struct pci_function *fn)
{
    int ret = -1;

    phb_lock(phb);
    if (devfn < PHB_FUNCTIONS && !phb->fn[devfn]) {
        fn->phb = phb;
        fn->devfn = devfn;
        phb->fn[devfn] = fn;
        phb->pe[phb_pe_of(devfn)].state |= PETREL_PE_PRESENT;
        ret = 0;
    }
    phb_unlock(phb);
    return ret;
}

void phb_reset(struct phb *phb)
{
    phb_lock(phb);
    for (unsigned p = 0; p < PETREL_PHB_PES; p++)
        phb->pe[p] = (struct phb_pe){.state = phb->pe[p].state & PETREL_PE_PRESENT};
    phb_reset_functions(phb, -1);
    memset(phb->tce, 0, PHB_TCES * sizeof(*phb->tce));
    phb_unlock(phb);
}
