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
 *   0x10f0 .. 0x10ff  the test device (-device petrel-irq-test,
 *                     irqtest.h): 0x10f0 level, 0x10f1 edge
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
#define PETREL_IRQ_TEST_BASE    0x10f0u
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
 * The ICS register block: what RTAS ibm,set-xive, ibm,get-xive,
 * ibm,int-on and ibm,int-off (spec/rtas.md §5, irq.md §2.1) program.  A
 * 128 KiB MMIO window of big-endian 32-bit registers, accessed with
 * naturally aligned 4-byte loads and stores only (other sizes read as
 * all ones and are ignored as stores).
 *
 * Header:
 *   0x00 MODE     (ro) the controller in force: PETREL_IC_XICS or _XIVE
 *                 (service.h).  Outside XICS every per-source register
 *                 reads 0 and ignores stores: RTAS answers -1 (hardware
 *                 error) then.
 *   0x04 FIRST    (ro) first source number, PETREL_XICS_ICS_BASE
 *   0x08 COUNT    (ro) number of sources, PETREL_XICS_ICS_COUNT
 *   0x0c SERVERS  (ro) interrupt servers: valid servers are 0 .. SERVERS-1
 *
 * Source n (FIRST <= n < FIRST + COUNT) has 16 bytes at
 * PETREL_XICS_ICS_SRC(n):
 *   +0x0 SERVER   (rw) the server it is presented to; a store of a
 *                 server >= SERVERS is ignored (reads back unchanged)
 *   +0x4 PRIORITY (rw) current priority, 0 (most favoured) .. 0xff
 *                 (masked); a store of more than 0xff is ignored.  A
 *                 store that unmasks delivers what arrived while masked
 *                 (irq.md §2.2) at once.
 *   +0x8 SAVED    (rw) saved priority, what int-on restores
 *   +0xc STATUS   (ro) PETREL_ICS_STATUS_* bits
 *        CONTROL  (wo, same offset) PETREL_ICS_CTL_INT_ON: PRIORITY :=
 *                 SAVED; PETREL_ICS_CTL_INT_OFF: SAVED := PRIORITY,
 *                 PRIORITY := 0xff; other values are ignored
 *
 * The RTAS calls over it (each a few accesses; RTAS calls are serialised
 * by the OS):
 *   set-xive(n, s, p): n not a source (STATUS VALID clear) -> -3; s >=
 *     SERVERS or p > 0xff -> -3; else SERVER := s, SAVED := p,
 *     PRIORITY := p (last: it may deliver).
 *   get-xive(n): server = SERVER, priority = PRIORITY.
 *   int-off(n): CONTROL := INT_OFF.   int-on(n): CONTROL := INT_ON.
 * Reset and mode-switch value of every source: SERVER 0, PRIORITY and
 * SAVED 0xff.
 */
#define PETREL_XICS_ICS_REGS       0x0000600080000000ull /* 96 TiB + 2 GiB */
#define PETREL_XICS_ICS_REGS_SIZE  0x20000ull
#define PETREL_ICS_MODE            0x00u
#define PETREL_ICS_FIRST           0x04u
#define PETREL_ICS_COUNT           0x08u
#define PETREL_ICS_SERVERS         0x0cu
#define PETREL_XICS_ICS_SRC(n)     (0x1000u + 16u * ((n)-PETREL_XICS_ICS_BASE))
#define PETREL_ICS_SERVER          0x0u
#define PETREL_ICS_PRIORITY        0x4u
#define PETREL_ICS_SAVED           0x8u
#define PETREL_ICS_STATUS          0xcu
#define PETREL_ICS_CONTROL         0xcu
#define PETREL_ICS_STATUS_VALID    0x01u /* a source this machine has */
#define PETREL_ICS_STATUS_LSI      0x02u /* level-sensitive (else edge/MSI) */
#define PETREL_ICS_STATUS_ASSERTED 0x04u /* level input high */
#define PETREL_ICS_STATUS_PENDING  0x08u /* arrived masked or rejected: resent later */
#define PETREL_ICS_STATUS_SERVICE  0x10u /* accepted (H_XIRR), not yet EOI'd */
#define PETREL_ICS_CTL_INT_ON      1u
#define PETREL_ICS_CTL_INT_OFF     2u

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
