/*
 * A PCI host bridge (include/petrel/pci.h): its BUID, configuration
 * window, MMIO windows, INTx lines, MSI translation table, TCE table and
 * the EEH state of its PEs.  Functions (function.h) plug in on bus 0 by
 * devfn; the PE of a function is its device number.
 *
 * Locking: one recursive mutex per PHB guards the PHB and every function
 * plugged into it.  Guest accesses (windows, register block, TCE hcalls)
 * take it; a device model that works from a thread of its own (a network
 * back end) takes it with phb_lock around its calls into the function.
 * Device code called from a guest access already holds it and may call
 * back in (DMA, MSI).  Interrupts are raised under it: irq/ never calls
 * back into a PHB.
 */
#ifndef PETREL_PHB_H
#define PETREL_PHB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <petrel/pci.h>

struct guest_mem;
struct irq_ctl;
struct pci_function;

#define PHB_FUNCTIONS 256 /* devfn on bus 0: 32 devices x 8 functions */
#define PHB_TCES      (PETREL_PHB_DMA_SIZE >> PETREL_TCE_PAGE_SHIFT)

struct phb_pe {
    uint32_t state; /* PETREL_PE_* */
    uint32_t error, errors;
    uint64_t err_addr;
    /* The armed error (pci.h TRAP_*): the kind of access, its match. */
    uint32_t trap_op;
    uint64_t trap_addr, trap_mask;
};

struct phb {
    unsigned index;
    uint64_t buid;
    uint32_t liobn;
    struct guest_mem *mem;
    struct irq_ctl *irq; /* NULL: interrupts go nowhere (unit tests) */
    pthread_mutex_t lock;
    struct pci_function *fn[PHB_FUNCTIONS];
    struct {
        uint32_t owner, source;
    } msi[PETREL_PHB_MSI_COUNT];
    struct phb_pe pe[PETREL_PHB_PES];
    uint64_t *tce; /* PHB_TCES entries */
    bool lsi[4];   /* the four LSI lines' levels */
    /* Counters the tests read: MSIs delivered and dropped. */
    uint64_t msi_sent, msi_dropped;
};

/* Sets up PHB index (< PETREL_PHB_MAX) and maps its windows and register
 * block; irq may be NULL. */
int phb_init(struct phb *phb, struct guest_mem *mem, struct irq_ctl *irq, unsigned index);
void phb_destroy(struct phb *phb);
/* Plugs a function in at bus 0, devfn; -1 if the slot is taken. */
int phb_plug(struct phb *phb, unsigned devfn, struct pci_function *fn);
/* Machine reset: every function to power-on state, PEs normal with EEH
 * off, the MSI table and the TCE table empty, INTx low. */
void phb_reset(struct phb *phb);

/*
 * Snapshots (vmm/snapshot.h; pci/snapshot.c): phb_save appends the MSI
 * table, PE states, INTx levels, TCEs in use and every plugged
 * function's config space, MSI-X table and INTx level, in the format
 * phb_state_version.  phb_load checks such a payload (the PHB index, the
 * same functions plugged with the same identity, every index, PE state,
 * MSI route and TCE entry in range): 0, or -1 with one line in err; with
 * apply it then becomes the PHB's state.  Vectors and sources come back
 * as saved: call with the vCPUs stopped, before the device models.
 */
struct snap_writer;
struct snap_reader;
unsigned phb_state_version(void);
void phb_save(struct phb *phb, struct snap_writer *w);
int phb_load(struct phb *phb, struct snap_reader *r, unsigned version, bool apply, char *err,
             size_t errlen);

void phb_lock(struct phb *phb);
void phb_unlock(struct phb *phb);

/* One config access at a window offset (bus << 20 | devfn << 12 | reg),
 * value in the window's byte order as memory.h's MMIO values are. */
uint64_t phb_config_load(struct phb *phb, uint64_t offset, unsigned size);
void phb_config_store(struct phb *phb, uint64_t offset, unsigned size, uint64_t value);
/* The MMIO windows at a PCI address. */
uint64_t phb_mmio_load(struct phb *phb, uint64_t pci_addr, unsigned size);
void phb_mmio_store(struct phb *phb, uint64_t pci_addr, unsigned size, uint64_t value);
/* The register block (pci.h PETREL_PHB_REG_*). */
uint64_t phb_regs_read(void *phb, unsigned vcpu, uint64_t offset, unsigned size);
void phb_regs_write(void *phb, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value);

/*
 * DMA by function fn through the TCE table: false (nothing or all ones
 * read, nothing written) unless bus mastering is on, the PE's DMA is not
 * frozen and every page is mapped with the needed permission; a bad
 * mapping is recorded as the PE's error (and freezes it under EEH).
 */
bool pci_dma_read(struct pci_function *fn, uint64_t addr, void *buf, uint64_t len);
bool pci_dma_write(struct pci_function *fn, uint64_t addr, const void *buf, uint64_t len);

/* The TCE hcalls' table operations (hcall/tce.c does the argument checks
 * shared by all PHBs); each returns a PAPR H_* status. */
int64_t phb_put_tce(struct phb *phb, uint64_t ioba, uint64_t tce);
int64_t phb_get_tce(struct phb *phb, uint64_t ioba, uint64_t *tce);

/* From function.c, with the lock held: a message write by devfn, and an
 * INTx pin level change. */
void phb_msi(struct phb *phb, unsigned devfn, uint64_t addr, uint32_t data);
void phb_intx(struct phb *phb, unsigned devfn, unsigned pin, bool level);

/* The PE a function belongs to, and whether its MMIO is frozen. */
static inline unsigned phb_pe_of(unsigned devfn)
{
    return devfn >> 3;
}

#endif
