/*
 * The interrupt test device (-device petrel-irq-test, vmm/dev/irqtest.c):
 * a guest payload asks it to drive one level source and to fire one edge
 * (MSI-like) source, so the payload can check delivery through whichever
 * interrupt controller is in force.  Not a PAPR device: no node in the
 * device tree, only this contract.
 *
 * Big-endian 32-bit registers, naturally aligned 4-byte accesses (other
 * sizes read as all ones and are ignored as stores):
 *   0x0 ID     (ro) PETREL_IRQTEST_MAGIC
 *   0x4 LEVEL  (rw) bit 0 = the level source's input (1 asserted); reads
 *              back the input
 *   0x8 FIRE   (wo) any store fires the edge source once
 *   0xc FIRED  (ro) how many times FIRE was stored since reset
 *   0x10 RESET (wo) a store of PETREL_IRQTEST_RESET_MAGIC requests a
 *              machine reset (firmware re-entry, DESIGN.md), as a board's
 *              reset register would.  It takes effect asynchronously, as
 *              on hardware: every vCPU stops soon (the storing one at its
 *              next taken branch at the latest), so a guest spins after
 *              the store.  -no-reboot turns it into an exit with status
 *              0.  Other values are ignored.
 * Reset (machine reset): LEVEL 0, FIRED 0.
 */
#ifndef PETREL_IRQTEST_H
#define PETREL_IRQTEST_H

#include "irq.h"

#define PETREL_IRQTEST_BASE        0x0000600090000000ull /* 96 TiB + 2.25 GiB */
#define PETREL_IRQTEST_SIZE        0x1000ull
#define PETREL_IRQTEST_MAGIC       0x49525154u /* "IRQT" */
#define PETREL_IRQTEST_ID          0x0u
#define PETREL_IRQTEST_LEVEL       0x4u
#define PETREL_IRQTEST_FIRE        0x8u
#define PETREL_IRQTEST_FIRED       0xcu
#define PETREL_IRQTEST_RESET       0x10u
#define PETREL_IRQTEST_RESET_MAGIC 0x52534554u /* "RSET" */
/* Its two sources (irq.h numbering). */
#define PETREL_IRQTEST_LSI (PETREL_IRQ_TEST_BASE + 0)
#define PETREL_IRQTEST_MSI (PETREL_IRQ_TEST_BASE + 1)

#endif
