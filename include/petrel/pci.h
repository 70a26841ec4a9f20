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

#endif
