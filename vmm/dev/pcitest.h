/* The PCI test device (include/petrel/pcitest.h). */
#ifndef PETREL_DEV_PCITEST_H
#define PETREL_DEV_PCITEST_H

struct phb;
struct pcitest;

/* Plugs a test device into the PHB at device number slot; NULL on failure. */
struct pcitest *pcitest_create(struct phb *phb, unsigned slot);
void pcitest_destroy(struct pcitest *t);

#endif
