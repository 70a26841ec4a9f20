/*
 * The PCI host bridges' contract: the numbers the firmware and RTAS use to
 * reach a PHB the host models (pci/), spec/device-tree.md §10,
 * spec/rtas.md §4.5.
 *
 * PHB n (0 .. PETREL_PHB_MAX - 1) has BUID PETREL_PHB_BUID_BASE + n, the
 * first cell pair of its node's reg and the (hi, lo) pair RTAS calls name
 * it by.  Its configuration space is a window of guest physical memory,
 * one 4 KiB page per function, ECAM's layout:
 *
 *   PETREL_PHB_CFG_BASE + (n << PETREL_PHB_CFG_SHIFT)
 *       + (bus << 20) + (devfn << 12) + register
 *
 * Accesses of 1, 2 or 4 bytes, naturally aligned.  Register bytes lie in
 * the window in PCI's little-endian order, so a big-endian guest uses the
 * byte-reversed loads and stores (lwbrx, sthbrx...).  A function that is
 * not there reads as all ones and drops writes, as on a PCI bus.
 */
#ifndef PETREL_PCI_H
#define PETREL_PCI_H

#define PETREL_PHB_MAX       8u
#define PETREL_PHB_BUID_BASE 0x800000020000000ull
/* Above the XIVE pages (irq.h), below 100 TiB. */
#define PETREL_PHB_CFG_BASE  0x0000610000000000ull
#define PETREL_PHB_CFG_SHIFT 28
#define PETREL_PHB_CFG_SIZE  (1ull << PETREL_PHB_CFG_SHIFT)

/*
 * MMIO windows (the node's ranges, device-tree.md §10).  Memory BARs only:
 * no I/O space.  A load or store in a window reaches the function whose
 * enabled memory BAR (command bit 1) covers the PCI address; anything else
 * reads all ones and drops stores.
 *   32-bit: CPU PETREL_PHB_MMIO32_BASE + n * PETREL_PHB_MMIO32_SIZE
 *           = PCI PETREL_PHB_MMIO32_PCI .. + PETREL_PHB_MMIO32_SIZE
 *   64-bit: CPU = PCI PETREL_PHB_MMIO64_BASE + n * PETREL_PHB_MMIO64_SIZE
 */
#define PETREL_PHB_MMIO32_BASE 0x0000620000000000ull
#define PETREL_PHB_MMIO32_PCI  0x80000000ull
#define PETREL_PHB_MMIO32_SIZE 0x80000000ull
#define PETREL_PHB_MMIO64_BASE 0x0000640000000000ull
#define PETREL_PHB_MMIO64_SIZE 0x0000001000000000ull /* 64 GiB */

/*
 * Interrupts.  INTx pin p (0 = INTA .. 3 = INTD) of PHB n is the level
 * source PETREL_IRQ_PCI_LSI_BASE + 4n + p (irq.h); device d's pin is
 * swizzled, (d + p) mod 4, in the node's interrupt-map.  MSIs: PHB n hands
 * out the edge sources PETREL_PHB_MSI_FIRST(n) .. + PETREL_PHB_MSI_COUNT - 1
 * (its ibm,pe-total-#msi).  A device signals one by writing the data value
 * d (0 .. PETREL_PHB_MSI_COUNT - 1) to PCI address PETREL_PHB_MSI_ADDR:
 * translation-table entry d names the source (register block below).
 */
#define PETREL_PHB_MSI_COUNT    256u
#define PETREL_PHB_MSI_FIRST(n) (0x1300u + PETREL_PHB_MSI_COUNT * (n))
#define PETREL_PHB_MSI_ADDR     0x0000040000000000ull

/*
 * DMA (LoPAPR 16.4, the node's ibm,dma-window): one 32-bit window per PHB
 * at bus address 0, PETREL_PHB_DMA_SIZE bytes of 4 KiB I/O pages, named by
 * LIOBN PETREL_PHB_LIOBN(n) in H_PUT_TCE & co.  A TCE is the real page
 * address | PETREL_TCE_READ (the device may read it) | PETREL_TCE_WRITE
 * (the device may write it); 0 is no mapping.  A device reaches only what
 * a TCE grants; any other access is an error (the PE freezes when EEH is
 * enabled, below).
 */
#define PETREL_PHB_LIOBN(n)   (0x80000000u + 0x100u * (n))
#define PETREL_PHB_DMA_SIZE   0x40000000ull /* 1 GiB */
#define PETREL_TCE_PAGE_SHIFT 12
#define PETREL_TCE_READ       0x1ull
#define PETREL_TCE_WRITE      0x2ull

/*
 * The register block RTAS programs (ibm,change-msi, the EEH calls): 64 KiB
 * per PHB at PETREL_PHB_REGS(n), big-endian 32-bit registers, naturally
 * aligned 4-byte accesses only (others read all ones and are dropped).
 *
 *   0x0000 MSI_COUNT (ro) PETREL_PHB_MSI_COUNT
 *   0x0004 MSI_FIRST (ro) PETREL_PHB_MSI_FIRST(n)
 *   0x0008 PES       (ro) PEs on the PHB: one per device number, 32
 *
 * MSI translation entry d (the data value d) at PETREL_PHB_MSI_ENTRY(d):
 *   +0 OWNER  (rw) VALID | devfn << 16 | vector: the entry is the
 *          function's vector-th; a signal from any other requester is
 *          dropped.  0: free.
 *   +4 SOURCE (rw) the source it raises: a store outside this PHB's MSI
 *          range is ignored.
 * The host never allocates: RTAS finds free entries by OWNER.  Reset, and
 * a PE's slot reset, free the entries of the functions reset.
 *
 * PE p (device number p, PE config address p << 11) at PETREL_PHB_PE(p):
 *   +0x00 STATE   (ro) PETREL_PE_* bits
 *   +0x04 CONTROL (wo) PETREL_PE_CTL_* commands
 *   +0x08 ERROR   (ro) the first error since the last clear: PETREL_PE_ERR_*
 *   +0x0c ERRORS  (ro) errors counted since the last clear
 *   +0x10 ERR_ADDR_HI, +0x14 ERR_ADDR_LO (ro) the address of the first
 *   +0x18 INJECT  (wo) PETREL_PE_ERR_MMIO or _DMA: record that error and
 *          freeze the PE as the hardware would, at once
 *   +0x1c TRAP_OP (rw) an armed error (ibm,errinjct ioa-bus-error, LoPAPR
 *          7.3.15): PETREL_PE_TRAP_* names the kind of access that fails;
 *          the PE's next access of that kind whose address a satisfies
 *          (a & mask) == (addr & mask) fails -- loads read all ones,
 *          stores and DMA are dropped -- and is recorded as the PE's
 *          error (MMIO for loads and stores, DMA for DMA) at a, freezing
 *          the PE under EEH; the trap then disarms (reads 0).  0 disarms.
 *          Addresses: PCI memory addresses for memory loads and stores,
 *          the register offset in the function's config space for config
 *          cycles (any function of the PE), bus addresses for DMA.
 *          A PE reset or a machine reset disarms it.
 *   +0x20 TRAP_ADDR_HI, +0x24 TRAP_ADDR_LO, +0x28 TRAP_MASK_HI,
 *   +0x2c TRAP_MASK_LO (rw) its address and mask, written before TRAP_OP
 * Frozen MMIO: the PE's BARs and config space read all ones and drop
 * stores.  Frozen DMA: its DMA is dropped (reads give all ones) and it
 * signals no MSI.  An error freezes both only when EEH is enabled;
 * otherwise the access is dropped and recorded.
 */
#define PETREL_PHB_REGS_BASE      0x0000610080000000ull
#define PETREL_PHB_REGS_SIZE      0x10000ull
#define PETREL_PHB_REGS(n)        (PETREL_PHB_REGS_BASE + PETREL_PHB_REGS_SIZE * (n))
#define PETREL_PHB_REG_MSI_COUNT  0x0000u
#define PETREL_PHB_REG_MSI_FIRST  0x0004u
#define PETREL_PHB_REG_PES        0x0008u
#define PETREL_PHB_MSI_ENTRY(d)   (0x1000u + 8u * (d))
#define PETREL_MSI_OWNER          0x0u
#define PETREL_MSI_SOURCE         0x4u
#define PETREL_MSI_VALID          0x80000000u
#define PETREL_PHB_PES            32u
#define PETREL_PHB_PE(p)          (0x2000u + 0x40u * (p))
#define PETREL_PE_STATE           0x00u
#define PETREL_PE_CONTROL         0x04u
#define PETREL_PE_ERROR           0x08u
#define PETREL_PE_ERRORS          0x0cu
#define PETREL_PE_ERR_ADDR_HI     0x10u
#define PETREL_PE_ERR_ADDR_LO     0x14u
#define PETREL_PE_INJECT          0x18u
#define PETREL_PE_TRAP_OP         0x1cu
#define PETREL_PE_TRAP_ADDR_HI    0x20u
#define PETREL_PE_TRAP_ADDR_LO    0x24u
#define PETREL_PE_TRAP_MASK_HI    0x28u
#define PETREL_PE_TRAP_MASK_LO    0x2cu
#define PETREL_PE_MMIO_FROZEN     0x01u
#define PETREL_PE_DMA_FROZEN      0x02u
#define PETREL_PE_RESET           0x04u /* reset asserted */
#define PETREL_PE_PRESENT         0x10u /* a device is plugged in */
#define PETREL_PE_EEH_ENABLED     0x20u
#define PETREL_PE_CTL_ENABLE      1u /* EEH on */
#define PETREL_PE_CTL_DISABLE     2u /* EEH off (thaws) */
#define PETREL_PE_CTL_THAW_MMIO   3u
#define PETREL_PE_CTL_THAW_DMA    4u
#define PETREL_PE_CTL_RESET       5u /* assert reset: the functions return to power-on state */
#define PETREL_PE_CTL_UNRESET     6u /* deassert: the PE runs again, thawed */
#define PETREL_PE_CTL_CLEAR_ERROR 7u
#define PETREL_PE_ERR_NONE        0u
#define PETREL_PE_ERR_MMIO        1u
#define PETREL_PE_ERR_DMA         2u
#define PETREL_PE_TRAP_NONE       0u
#define PETREL_PE_TRAP_LOAD_MEM   1u /* MMIO load through a BAR */
#define PETREL_PE_TRAP_STORE_MEM  2u
#define PETREL_PE_TRAP_LOAD_CFG   3u /* config read */
#define PETREL_PE_TRAP_STORE_CFG  4u
#define PETREL_PE_TRAP_DMA_READ   5u /* the device reads memory */
#define PETREL_PE_TRAP_DMA_WRITE  6u
#define PETREL_PE_TRAP_MAX        6u

#endif
