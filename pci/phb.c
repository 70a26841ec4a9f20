/*
 * The PCI host bridge's configuration window (include/petrel/pci.h,
 * spec/rtas.md §4.5).  Only bus 0 exists: functions behind bridges come
 * with bridge support.  An access that is not 1, 2 or 4 bytes naturally
 * aligned, or names no function, reads all ones and writes nothing -- the
 * master abort of a real bus -- so the guest can never reach past a
 * function's 4 KiB.
 */
#include <stdio.h>
#include <string.h>

#include <petrel/pci.h>

#include "../vmm/memory.h"
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

static bool decode(struct phb *phb, uint64_t offset, unsigned size, unsigned *devfn, unsigned *reg)
{
    if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1)))
        return false;
    if (offset >> 20) /* bus != 0 */
        return false;
    *devfn = (unsigned)(offset >> 12) & 0xff;
    *reg = (unsigned)offset & 0xfff;
    return phb->fn[*devfn].ops != NULL;
}

uint64_t phb_config_load(struct phb *phb, uint64_t offset, unsigned size)
{
    unsigned devfn, reg;

    if (!decode(phb, offset, size, &devfn, &reg))
        return all_ones(size);
    return swap(phb->fn[devfn].ops->config_read(phb->fn[devfn].opaque, reg, size), size);
}

void phb_config_store(struct phb *phb, uint64_t offset, unsigned size, uint64_t value)
{
    unsigned devfn, reg;

    if (decode(phb, offset, size, &devfn, &reg))
        phb->fn[devfn].ops->config_write(phb->fn[devfn].opaque, reg, size,
                                         swap((uint32_t)value, size));
}

static uint64_t window_read(void *opaque, uint64_t offset, unsigned size)
{
    return phb_config_load(opaque, offset, size);
}

static void window_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    phb_config_store(opaque, offset, size, value);
}

static const struct mmio_ops window_ops = {window_read, window_write};

int phb_init(struct phb *phb, struct guest_mem *mem, unsigned index)
{
    static const char *const names[PETREL_PHB_MAX] = {"phb0-config", "phb1-config", "phb2-config",
                                                      "phb3-config", "phb4-config", "phb5-config",
                                                      "phb6-config", "phb7-config"};
    struct mmio_region r;

    if (index >= PETREL_PHB_MAX)
        return -1;
    memset(phb, 0, sizeof(*phb));
    phb->index = index;
    phb->buid = PETREL_PHB_BUID_BASE + index;
    r = (struct mmio_region){
        .base = PETREL_PHB_CFG_BASE + ((uint64_t)index << PETREL_PHB_CFG_SHIFT),
        .size = PETREL_PHB_CFG_SIZE,
        .ops = &window_ops,
        .opaque = phb,
        .name = names[index],
    };
    return guest_mem_add_mmio(mem, &r);
}

int phb_add_function(struct phb *phb, unsigned devfn, const struct pci_function_ops *ops,
                     void *opaque)
{
    if (devfn >= PHB_FUNCTIONS || phb->fn[devfn].ops)
        return -1;
    phb->fn[devfn].ops = ops;
    phb->fn[devfn].opaque = opaque;
    return 0;
}
