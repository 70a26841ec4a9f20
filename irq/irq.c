/*
 * The source API, the controller's lock and the mode switch
 * (spec/irq.md §1, §5).  A device raises a global number; this file hands
 * it to the half of the controller in force (xics.c, xive.c).  The level
 * of a level source is kept here, outside either half, because it is the
 * device's state: it survives a mode switch.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/irqtest.h>
#include <petrel/service.h>

#include "../vmm/trace.h"
#include "internal.h"

void irq_lock(struct irq_ctl *ctl)
{
    pthread_mutex_lock(&ctl->lock);
}

void irq_unlock(struct irq_ctl *ctl)
{
    bool wake = ctl->wake_pending;

    ctl->wake_pending = false;
    pthread_mutex_unlock(&ctl->lock);
    if (wake && ctl->host.wake)
        ctl->host.wake(ctl->host.opaque);
}

void irq_drive_line(struct irq_ctl *ctl, unsigned server, bool level)
{
    struct irq_cpu *c = &ctl->cpu[server];

    if (c->line == level)
        return;
    c->line = level;
    if (ctl->host.set_line)
        ctl->host.set_line(ctl->host.opaque, server, level);
    if (level)
        ctl->wake_pending = true;
}

bool irq_is_device_source(unsigned n)
{
    return ics_owns(n);
}

/* The kinds the contract fixes (irq.h): PCI LSIs and the test device's
 * level source are level, everything else edge. */
static bool default_lsi(unsigned n)
{
    return (n >= PETREL_IRQ_PCI_LSI_BASE && n < PETREL_IRQ_MSI_BASE) || n == PETREL_IRQTEST_LSI;
}

static void reset_locked(struct irq_ctl *ctl, unsigned mode)
{
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++) {
        ctl->src[n].asserted = false;
        ctl->src[n].lsi = default_lsi(n);
    }
    ctl->n_asserted = 0;
    ctl->mode = mode;
    xics_reset_state(ctl);
    xive_reset_state(ctl);
    for (unsigned i = 0; i < ctl->n_servers; i++) {
        /* Whatever the CPU's input was, it is low now. */
        ctl->cpu[i].line = true;
        irq_drive_line(ctl, i, false);
    }
}

struct irq_ctl *irq_create(const struct irq_host *host, unsigned n_servers, unsigned n_ipis,
                           unsigned mode)
{
    struct irq_ctl *ctl = calloc(1, sizeof(*ctl));

    if (!ctl)
        return NULL;
    ctl->cpu = calloc(n_servers ? n_servers : 1, sizeof(*ctl->cpu));
    if (!ctl->cpu) {
        free(ctl);
        return NULL;
    }
    pthread_mutex_init(&ctl->lock, NULL);
    ctl->host = *host;
    ctl->n_servers = n_servers;
    ctl->n_ipis = n_ipis < PETREL_IRQ_IPI_COUNT ? n_ipis : PETREL_IRQ_IPI_COUNT;
    reset_locked(ctl, mode);
    return ctl;
}

void irq_destroy(struct irq_ctl *ctl)
{
    if (!ctl)
        return;
    pthread_mutex_destroy(&ctl->lock);
    free(ctl->cpu);
    free(ctl);
}

void irq_set_kind(struct irq_ctl *ctl, unsigned n, enum irq_kind kind)
{
    if (!ics_owns(n))
        return;
    irq_lock(ctl);
    if (ctl->src[n].asserted && kind != IRQ_LEVEL) {
        ctl->src[n].asserted = false;
        ctl->n_asserted--;
    }
    ctl->src[n].lsi = kind == IRQ_LEVEL;
    irq_unlock(ctl);
}

void irq_pulse(struct irq_ctl *ctl, unsigned n)
{
    if (!ics_owns(n))
        return;
    irq_lock(ctl);
    if (!ctl->src[n].lsi) {
        if (ctl->mode == PETREL_IC_XICS)
            xics_source_pulse(ctl, n);
        else
            xive_source_pulse(ctl, n);
    }
    irq_unlock(ctl);
}

void irq_set_level(struct irq_ctl *ctl, unsigned n, bool asserted)
{
    if (!ics_owns(n))
        return;
    irq_lock(ctl);
    if (ctl->src[n].lsi && ctl->src[n].asserted != asserted) {
        ctl->src[n].asserted = asserted;
        ctl->n_asserted += asserted ? 1 : -1u;
        if (ctl->mode == PETREL_IC_XICS)
            xics_source_level(ctl, n);
        else
            xive_source_level(ctl, n);
    }
    irq_unlock(ctl);
}

void irq_reset(struct irq_ctl *ctl, unsigned mode)
{
    irq_lock(ctl);
    reset_locked(ctl, mode);
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, -1, "reset: %s, everything masked",
                     mode == PETREL_IC_XIVE ? "XIVE" : "XICS");
    irq_unlock(ctl);
}

unsigned irq_mode(struct irq_ctl *ctl)
{
    unsigned mode;

    irq_lock(ctl);
    mode = ctl->mode;
    irq_unlock(ctl);
    return mode;
}

unsigned irq_servers(struct irq_ctl *ctl)
{
    return ctl->n_servers; /* fixed at creation */
}

static const char *mode_name(unsigned mode)
{
    return mode == PETREL_IC_XIVE ? "XIVE" : "XICS";
}

int irq_switch_mode(struct irq_ctl *ctl, unsigned mode)
{
    unsigned what = 0;
    bool live;

    irq_lock(ctl);
    if (ctl->mode == mode) {
        irq_unlock(ctl);
        return IRQ_SWITCH_OK;
    }
    live = ctl->mode == PETREL_IC_XICS ? xics_live(ctl, &what) : xive_live(ctl, &what);
    if (live) {
        if (trace_on(PETREL_TRACE_IRQ))
            trace_printf(PETREL_TRACE_IRQ, -1, "switch %s -> %s refused: %s 0x%x live",
                         mode_name(ctl->mode), mode_name(mode),
                         what & 0x80000000u ? "vCPU" : "source", what & 0x7fffffffu);
        irq_unlock(ctl);
        return IRQ_SWITCH_BUSY;
    }
    /* Both halves back to their reset state: the old one's presenters,
     * routes and queues go, the new one starts masked.  Level inputs stay. */
    xics_reset_state(ctl);
    xive_reset_state(ctl);
    for (unsigned i = 0; i < ctl->n_servers; i++)
        irq_drive_line(ctl, i, false);
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, -1, "switch %s -> %s", mode_name(ctl->mode),
                     mode_name(mode));
    ctl->mode = mode;
    irq_unlock(ctl);
    return IRQ_SWITCH_OK;
}
