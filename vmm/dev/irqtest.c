/*
 * The interrupt test device (include/petrel/irqtest.h): a guest payload
 * drives one level source and fires one edge source through it, so that
 * delivery can be checked end to end under XICS and under XIVE, and
 * requests machine resets from an MMIO store.  Emulated: the five
 * registers; nothing else (no DMA, no device-tree node).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <petrel/irqtest.h>

#include "../../irq/irq.h"
#include "../memory.h"
#include "irqtest.h"

struct irqtest {
    struct irq_ctl *irq;
    void (*request_reset)(void *opaque);
    void *opaque;
    pthread_mutex_t lock; /* orders LEVEL stores from several vCPUs */
    bool level;
    uint32_t fired;
};

static uint64_t irqtest_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    struct irqtest *t = opaque;
    uint64_t v = ~0ull;

    (void)vcpu;
    if (size != 4)
        return v;
    pthread_mutex_lock(&t->lock);
    switch (offset) {
    case PETREL_IRQTEST_ID: v = PETREL_IRQTEST_MAGIC; break;
    case PETREL_IRQTEST_LEVEL: v = t->level; break;
    case PETREL_IRQTEST_FIRED: v = t->fired; break;
    default: v = 0; break;
    }
    pthread_mutex_unlock(&t->lock);
    return v;
}

static void irqtest_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size,
                          uint64_t value)
{
    struct irqtest *t = opaque;

    (void)vcpu;
    if (size != 4)
        return;
    /* Outside the device's lock: the machine's reset takes it (quiesce). */
    if (offset == PETREL_IRQTEST_RESET) {
        if (value == PETREL_IRQTEST_RESET_MAGIC && t->request_reset)
            t->request_reset(t->opaque);
        return;
    }
    pthread_mutex_lock(&t->lock);
    if (offset == PETREL_IRQTEST_LEVEL) {
        t->level = value & 1;
        irq_set_level(t->irq, PETREL_IRQTEST_LSI, t->level);
    } else if (offset == PETREL_IRQTEST_FIRE) {
        t->fired++;
        irq_pulse(t->irq, PETREL_IRQTEST_MSI);
    }
    pthread_mutex_unlock(&t->lock);
}

struct irqtest *irqtest_create(struct guest_mem *mem, struct irq_ctl *irq,
                               void (*request_reset)(void *opaque), void *opaque)
{
    static const struct mmio_ops ops = {irqtest_read, irqtest_write};
    struct irqtest *t = calloc(1, sizeof(*t));
    struct mmio_region r = {PETREL_IRQTEST_BASE, PETREL_IRQTEST_SIZE, &ops, NULL, "irq-test"};

    if (!t)
        return NULL;
    t->irq = irq;
    t->request_reset = request_reset;
    t->opaque = opaque;
    pthread_mutex_init(&t->lock, NULL);
    irq_set_kind(irq, PETREL_IRQTEST_LSI, IRQ_LEVEL);
    irq_set_kind(irq, PETREL_IRQTEST_MSI, IRQ_EDGE);
    r.opaque = t;
    if (guest_mem_add_mmio(mem, &r) != 0) {
        irqtest_destroy(t);
        return NULL;
    }
    return t;
}

void irqtest_reset(struct irqtest *t)
{
    pthread_mutex_lock(&t->lock);
    t->level = false;
    t->fired = 0;
    irq_set_level(t->irq, PETREL_IRQTEST_LSI, false);
    pthread_mutex_unlock(&t->lock);
}

void irqtest_destroy(struct irqtest *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}
