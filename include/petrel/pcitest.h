/*
 * The PCI test device (-device petrel-pci-test, vmm/dev/pcitest.c): a
 * function with an MSI capability (PETREL_PCITEST_MSI_VECTORS vectors) and
 * no MSI-X, INTA, and one 4 KiB memory BAR (BAR 0, 32-bit) of
 * little-endian 32-bit registers, as a guest payload drives it to test the
 * PHB: MSI through ibm,change-msi, INTx, DMA through the TCE table, EEH
 * freezes and recovery.
 *
 *   0x00 ID       (ro) PETREL_PCITEST_MAGIC
 *   0x04 FIRE     (wo) signal vector n (MSI when enabled, else INTA)
 *   0x08 INTX     (rw) INTA's level: 1 asserted, 0 deasserted
 *   0x0c FIRED    (ro) vectors signalled since reset
 *   0x10 DMA_LO, 0x14 DMA_HI  (rw) a bus address
 *   0x18 DMA_LEN  (rw) bytes, at most PETREL_PCITEST_BUF_SIZE
 *   0x1c DMA_CMD  (wo) 1: bus -> buffer, 2: buffer -> bus
 *   0x20 DMA_STATUS (ro) 0 none yet, 1 done, 2 refused by the PHB
 *   0x24 STATUS_WRITES (ro) config writes that reached the PCI status
 *        register since reset (no one should ever make one)
 *   0x800 .. 0xfff  the buffer
 * Config: vendor PETREL_PCITEST_VENDOR, device PETREL_PCITEST_DEVICE,
 * class 0xff0000 (unassigned).
 */
#ifndef PETREL_PCITEST_H
#define PETREL_PCITEST_H

#define PETREL_PCITEST_VENDOR        0x1234u
#define PETREL_PCITEST_DEVICE        0x7e57u
#define PETREL_PCITEST_MAGIC         0x7e57de71u
#define PETREL_PCITEST_BAR_SIZE      0x1000u
#define PETREL_PCITEST_MSI_VECTORS   4u
#define PETREL_PCITEST_ID            0x00u
#define PETREL_PCITEST_FIRE          0x04u
#define PETREL_PCITEST_INTX          0x08u
#define PETREL_PCITEST_FIRED         0x0cu
#define PETREL_PCITEST_DMA_LO        0x10u
#define PETREL_PCITEST_DMA_HI        0x14u
#define PETREL_PCITEST_DMA_LEN       0x18u
#define PETREL_PCITEST_DMA_CMD       0x1cu
#define PETREL_PCITEST_DMA_STATUS    0x20u
#define PETREL_PCITEST_STATUS_WRITES 0x24u
#define PETREL_PCITEST_BUF           0x800u
#define PETREL_PCITEST_BUF_SIZE      0x800u
#define PETREL_PCITEST_DMA_TO_BUF    1u
#define PETREL_PCITEST_DMA_TO_BUS    2u

#endif
