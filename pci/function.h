/*
 * A PCI function as the PHB sees it (PCI Local Bus 3.0 ch. 6, PCIe 4.0
 * ch. 7): its 4 KiB configuration space with per-byte write masks, its
 * memory BARs, its capability list, MSI and MSI-X, and INTx.  Device models
 * (vmm/dev/) fill one in and plug it into a PHB (phb.h); the guest then
 * reaches it only through the PHB, which enforces the PE's EEH state.
 *
 * Config space is kept in PCI's little-endian byte order.  A config write
 * changes only the bits its mask lets through (BAR size bits, read-only
 * IDs and the status register stay as they are); status bits the device
 * sets are write-one-to-clear.  BAR sizing works as on hardware: the size
 * bits of a BAR read back as zeroes.
 */
#ifndef PETREL_PCI_FUNCTION_H
#define PETREL_PCI_FUNCTION_H

#include <stdbool.h>
#include <stdint.h>

struct phb;

#define PCI_CFG_SIZE 4096u
#define PCI_BARS     6u

/* Config registers (PCI 3.0 6.1, 6.2). */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_REVISION        0x08
#define PCI_CLASS_PROG      0x09
#define PCI_HEADER_TYPE     0x0e
#define PCI_BAR0            0x10
#define PCI_SUBSYS_VENDOR   0x2c
#define PCI_SUBSYS_ID       0x2e
#define PCI_CAP_PTR         0x34
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d
#define PCI_CMD_MEMORY      0x0002u
#define PCI_CMD_MASTER      0x0004u
#define PCI_CMD_INTX_OFF    0x0400u
#define PCI_STATUS_INTX     0x0008u
#define PCI_STATUS_CAP_LIST 0x0010u
#define PCI_BAR_MEM64       0x4u
#define PCI_BAR_PREFETCH    0x8u

/* Capability ids (PCI 3.0 appendix H). */
#define PCI_CAP_MSI    0x05
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_MSIX   0x11

/* MSI capability (PCI 3.0 6.8.1), 64-bit address form. */
#define PCI_MSI_CTL       0x02
#define PCI_MSI_ADDR_LO   0x04
#define PCI_MSI_ADDR_HI   0x08
#define PCI_MSI_DATA      0x0c
#define PCI_MSI_CTL_EN    0x0001u
#define PCI_MSI_CTL_64BIT 0x0080u
/* MSI-X capability (PCI 3.0 6.8.2). */
#define PCI_MSIX_CTL        0x02
#define PCI_MSIX_TABLE      0x04
#define PCI_MSIX_PBA        0x08
#define PCI_MSIX_CTL_EN     0x8000u
#define PCI_MSIX_CTL_MASK   0x4000u
#define PCI_MSIX_ENTRY_SIZE 16u
#define PCI_MSIX_VEC_MASKED 0x1u
#define PCI_MSIX_MAX        64u

/* A BAR's device registers: offset within the BAR, size 1, 2, 4 or 8;
 * values as memory.h's MMIO values (the big-endian reading of the bytes). */
struct pci_bar_ops {
    uint64_t (*read)(void *opaque, unsigned bar, uint64_t offset, unsigned size);
    void (*write)(void *opaque, unsigned bar, uint64_t offset, unsigned size, uint64_t value);
};

struct pci_function {
    uint8_t cfg[PCI_CFG_SIZE];
    uint8_t wmask[PCI_CFG_SIZE]; /* bits a config write may change */
    uint8_t w1c[PCI_CFG_SIZE];   /* bits a config write of one clears */
    struct {
        uint64_t size; /* 0: not implemented */
        bool mem64;
    } bar[PCI_BARS];
    const struct pci_bar_ops *ops;
    void *opaque;
    /* Back to power-on state (EEH slot reset, machine reset): called with
     * the PHB's lock held, after the config space was reset. */
    void (*reset)(void *opaque);
    uint8_t cap_next;          /* where the next capability goes */
    uint8_t *cap_link;         /* the last capability's next pointer */
    uint8_t cfg_reset[64];     /* the header's power-on bytes */
    uint8_t msi_cap, msix_cap; /* capability offsets (in 0x40..0xff), 0: none */
    unsigned msi_max;          /* vectors the MSI capability offers (power of two) */
    unsigned msix_count, msix_bar;
    uint32_t msix_table_off, msix_pba_off;
    /* The MSI-X table's bytes as they lie in the BAR (little-endian
     * words: address lo, address hi, data, vector control). */
    uint8_t msix_table[PCI_MSIX_MAX * PCI_MSIX_ENTRY_SIZE];
    uint64_t msix_pending;
    uint32_t status_writes; /* config writes that reached the status register */
    uint8_t intx_pin;       /* 1 = INTA .. 4 = INTD, 0: none */
    /* DMA addresses are guest physical, not translated by the TCE table:
     * a virtio driver that did not accept VIRTIO_F_ACCESS_PLATFORM.  Bus
     * mastering, PE freezes and armed errors still apply. */
    bool dma_direct;
    bool intx_asserted;
    /* Set by phb_plug. */
    struct phb *phb;
    unsigned devfn;
};

/* An empty type-0 header with these ids and class (24 bits). */
void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
                       uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
                       uint16_t subsys_id);
/* A 32- or 64-bit memory BAR of `size` bytes (a power of two >= 4 KiB). */
void pci_function_add_bar(struct pci_function *f, unsigned bar, uint64_t size, bool mem64);
/* A capability of `len` bytes with id `id`; returns its offset (0 when the
 * space 0x40..0xff is full). */
unsigned pci_function_add_cap(struct pci_function *f, uint8_t id, unsigned len);
/* MSI with up to `max` (1, 2, 4 .. 32) vectors, 64-bit, no per-vector mask. */
unsigned pci_function_add_msi(struct pci_function *f, unsigned max);
/* MSI-X with `count` vectors, table and PBA in memory BAR `bar`. */
unsigned pci_function_add_msix(struct pci_function *f, unsigned count, unsigned bar,
                               uint32_t table_off, uint32_t pba_off);
/* INTx pin 1 (INTA) .. 4. */
void pci_function_set_pin(struct pci_function *f, uint8_t pin);
/* Back to the power-on config space: BARs 0, command 0, MSI and MSI-X off
 * with their messages cleared (phb.c calls it on resets). */
void pci_function_reset_config(struct pci_function *f);

/* Little-endian config register access, reg naturally aligned. */
uint32_t pci_cfg_get(const struct pci_function *f, unsigned reg, unsigned size);
void pci_cfg_set(struct pci_function *f, unsigned reg, unsigned size, uint32_t value);
/* A config write from the bus: through the masks. */
void pci_function_config_write(struct pci_function *f, unsigned reg, unsigned size, uint32_t value);

/* The BAR's PCI address, or 0 if unassigned. */
uint64_t pci_function_bar_addr(const struct pci_function *f, unsigned bar);
/* A BAR access from the PHB: the MSI-X table and PBA are served here, the
 * rest goes to the device's ops. */
uint64_t pci_function_bar_read(struct pci_function *f, unsigned bar, uint64_t off, unsigned size);
void pci_function_bar_write(struct pci_function *f, unsigned bar, uint64_t off, unsigned size,
                            uint64_t value);

/*
 * The device signals vector `vec`: through MSI-X when enabled (held pending
 * while the vector or the function is masked), else MSI when enabled, else
 * it asserts INTx (unless command bit 10 disables it; the device lowers it
 * with pci_intx).  Must be called with the PHB's lock held (phb_lock).
 */
void pci_notify(struct pci_function *f, unsigned vec);
void pci_intx(struct pci_function *f, bool level);

#endif
