/*
 * The interrupt test device (-device petrel-irq-test): its registers are
 * the contract in include/petrel/irqtest.h.  Created and reset by the
 * machine (vmm/machine.c), which quiesces it before resetting the
 * interrupt controller.
 */
#ifndef PETREL_DEV_IRQTEST_H
#define PETREL_DEV_IRQTEST_H

struct guest_mem;
struct irq_ctl;
struct irqtest;

/* Maps the register block and claims the two sources; NULL on failure.
 * A RESET store calls request_reset(opaque) from the storing vCPU's
 * thread, holding none of the device's locks. */
struct irqtest *irqtest_create(struct guest_mem *mem, struct irq_ctl *irq,
                               void (*request_reset)(void *opaque), void *opaque);
/* Quiesce: the level source low, the fire count 0. */
void irqtest_reset(struct irqtest *t);
void irqtest_destroy(struct irqtest *t);

#endif
