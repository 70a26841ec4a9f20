/*
 * What the PHB's files share (phb.c, msi.c, eeh.c, dma.c); everything
 * here is called with the PHB's lock held.
 */
#ifndef PETREL_PCI_INTERNAL_H
#define PETREL_PCI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "phb.h"

/* eeh.c: an error by a function of PE pe at addr (PETREL_PE_ERR_*):
 * recorded, and the PE frozen when EEH is enabled on it. */
void phb_pe_error(struct phb *phb, unsigned pe, uint32_t kind, uint64_t addr);
bool phb_pe_mmio_ok(const struct phb *phb, unsigned pe);
bool phb_pe_dma_ok(const struct phb *phb, unsigned pe);
/* An access of kind op (PETREL_PE_TRAP_*) by PE pe at addr: true when it
 * sprang the PE's armed error (recorded, the trap disarmed), and the
 * access must then fail. */
bool phb_pe_trap(struct phb *phb, unsigned pe, uint32_t op, uint64_t addr);
uint32_t eeh_reg_read(struct phb *phb, unsigned pe, unsigned reg);
void eeh_reg_write(struct phb *phb, unsigned pe, unsigned reg, uint32_t value);
/* Resets the functions of PE pe (slot reset) or every PE (pe < 0). */
void phb_reset_functions(struct phb *phb, int pe);

/* msi.c: the translation table's registers and reset. */
uint32_t msi_reg_read(struct phb *phb, unsigned entry, unsigned reg);
void msi_reg_write(struct phb *phb, unsigned entry, unsigned reg, uint32_t value);
/* Frees the entries owned by functions of PE pe (every entry: pe < 0). */
void msi_free_pe(struct phb *phb, int pe);

/* phb.c: re-evaluates the INTx lines after functions changed. */
void phb_update_intx(struct phb *phb);

#endif
