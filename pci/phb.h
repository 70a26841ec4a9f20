/*
 * A PCI host bridge (include/petrel/pci.h): its BUID and configuration
 * window.  Functions plug in by bus and devfn with their own config-space
 * accessors; what is not plugged in reads as all ones.
 */
#ifndef PETREL_PHB_H
#define PETREL_PHB_H

#include <stdbool.h>
#include <stdint.h>

struct guest_mem;

/* A function's configuration space: reg is the register offset (0 ..
 * 4095), size 1, 2 or 4 and reg naturally aligned; values are the
 * register's (PCI is little-endian: the PHB orders the bytes). */
struct pci_function_ops {
    uint32_t (*config_read)(void *opaque, unsigned reg, unsigned size);
    void (*config_write)(void *opaque, unsigned reg, unsigned size, uint32_t value);
};

#define PHB_FUNCTIONS 256 /* devfn on bus 0: 32 devices x 8 functions */

struct phb {
    unsigned index;
    uint64_t buid;
    struct {
        const struct pci_function_ops *ops;
        void *opaque;
    } fn[PHB_FUNCTIONS];
};

/* Sets up PHB index (< PETREL_PHB_MAX) and maps its config window. */
int phb_init(struct phb *phb, struct guest_mem *mem, unsigned index);
/* Plugs a function in at bus 0, devfn; -1 if the slot is taken. */
int phb_add_function(struct phb *phb, unsigned devfn, const struct pci_function_ops *ops,
                     void *opaque);
/* One config access at a window offset (bus << 20 | devfn << 12 | reg),
 * value in the window's byte order as memory.h's MMIO values are. */
uint64_t phb_config_load(struct phb *phb, uint64_t offset, unsigned size);
void phb_config_store(struct phb *phb, uint64_t offset, unsigned size, uint64_t value);

#endif
