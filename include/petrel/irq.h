/*
 * The interrupt controllers' contract: the numbers the firmware publishes
 * in the device tree (spec/device-tree.md §8, §9) and the host's irq/
 * models must implement, in either mode (spec/irq.md).
 *
 * One global interrupt-number space serves XICS and XIVE alike (irq.md
 * §1), so every interrupt specifier in the tree stays valid across the
 * mode switch at CAS:
 *
 *   0x0000 .. 0x0fff  IPIs, one per interrupt server (XIVE mode only:
 *                     ibm,xive-lisn-ranges; XICS IPIs are the MFRR)
 *   0x1000            EPOW event source            edge
 *   0x1001            hot-plug event source        edge
 *   0x1100 .. 0x11ff  VIO devices: 0x1100 + (unit address & 0xff), edge
 *   0x1200 .. 0x12ff  PCI LSIs: PHB n, pin p (0..3) -> 0x1200 + 4n + p, level
 *   0x1300 .. 0x1fff  MSIs, allocated by RTAS ibm,change-msi, edge
 *
 * Interrupt servers (XIVE targets) are the hardware thread ids of
 * ibm,ppc-interrupt-server#s: the vCPU ids 0 .. max-cpus - 1.
 */
#ifndef PETREL_IRQ_H
#define PETREL_IRQ_H

#define PETREL_IRQ_IPI_BASE     0x0000u
#define PETREL_IRQ_IPI_COUNT    0x1000u
#define PETREL_IRQ_EPOW         0x1000u
#define PETREL_IRQ_HOTPLUG      0x1001u
#define PETREL_IRQ_VIO_BASE     0x1100u
#define PETREL_IRQ_PCI_LSI_BASE 0x1200u
#define PETREL_IRQ_MSI_BASE     0x1300u
/* Numbers 0 .. PETREL_IRQ_NR - 1 exist; nothing above. */
#define PETREL_IRQ_NR 0x2000u

/*
 * XICS (irq.md §2).  The ICP is reached through hcalls only (no reg in
 * the node); the one ICS covers the device sources 0x1000 .. 0x1fff and is
 * programmed by RTAS ibm,set-xive & co.  The node's
 * ibm,interrupt-server-ranges is (0, number of servers).
 */
#define PETREL_XICS_ICS_BASE  0x1000u
#define PETREL_XICS_ICS_COUNT 0x1000u

/*
 * XIVE exploitation mode (irq.md §3), in guest physical memory above the
 * largest RAM petrel gives a guest (layout.h RAM_MAX_SIZE):
 *
 * ESB pages: source n has two 64 KiB pages at PETREL_XIVE_ESB_BASE +
 * (n << PETREL_XIVE_ESB_SHIFT): the even page triggers, the odd one is the
 * management (EOI, PQ) page.  H_INT_GET_SOURCE_INFO returns these.
 */
#define PETREL_XIVE_ESB_BASE  0x0000600000000000ull /* 96 TiB */
#define PETREL_XIVE_ESB_SHIFT 17
#define PETREL_XIVE_ESB_SIZE  ((unsigned long long)PETREL_IRQ_NR << PETREL_XIVE_ESB_SHIFT)

/*
 * The thread interrupt management area: four 64 KiB pages in the
 * architected order (hardware, hypervisor, OS, user), each showing the
 * accessing vCPU's registers.  The node's reg lists the user page, then
 * the OS page, which is the one Linux maps (device-tree.md §9).
 */
#define PETREL_XIVE_TIMA_BASE       (PETREL_XIVE_ESB_BASE + PETREL_XIVE_ESB_SIZE)
#define PETREL_XIVE_TIMA_PAGE_SHIFT 16
#define PETREL_XIVE_TIMA_PAGE_SIZE  (1ull << PETREL_XIVE_TIMA_PAGE_SHIFT)
#define PETREL_XIVE_TIMA_OS_PAGE    (PETREL_XIVE_TIMA_BASE + 2 * PETREL_XIVE_TIMA_PAGE_SIZE)
#define PETREL_XIVE_TIMA_USER_PAGE  (PETREL_XIVE_TIMA_BASE + 3 * PETREL_XIVE_TIMA_PAGE_SIZE)

/*
 * Priorities the platform keeps for itself (root ibm,plat-res-int-
 * priorities, irq.md §3.5): 7 .. 254, so the OS uses 0 .. 6 (Linux takes
 * 6); 0xff is the mask value.
 */
#define PETREL_XIVE_PRIO_RESERVED_BASE  7u
#define PETREL_XIVE_PRIO_RESERVED_COUNT 0xf8u

/*
 * Event-queue sizes H_INT_SET_QUEUE_CONFIG accepts, as log2 bytes (the
 * node's ibm,xive-eq-sizes): 4 KiB and 64 KiB, so a kernel with either
 * page size finds its own (Linux prefers PAGE_SHIFT, else the last one).
 */
#define PETREL_XIVE_EQ_SHIFT_4K  12u
#define PETREL_XIVE_EQ_SHIFT_64K 16u

#endif
