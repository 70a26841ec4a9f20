/*
 * XICS on PAPR (spec/irq.md §2; LoPAPR "Interrupt Presentation"): one ICP
 * per vCPU (CPPR, XISR, pending priority, MFRR) driven by H_XIRR, H_EOI,
 * H_CPPR, H_IPI and H_IPOLL, and one ICS over the device sources
 * 0x1000..0x1fff with a server, a priority and a saved priority each
 * (programmed through the ICS register block, ics_regs.c).
 *
 * Emulated: priority masking against CPPR and the pending interrupt, the
 * reject of a displaced source and its resend when CPPR is raised or an
 * EOI leaves nothing pending, MSIs arriving masked delivered on unmask,
 * LSIs re-presented after EOI while still asserted, IPIs through MFRR
 * (XISR 2).  Not emulated: the global distribution server (every source
 * goes to its one server), ICS "presented to another server" bookkeeping
 * across several ICSs (there is one).
 *
 * Priorities: 0 is the most favoured, 0xff the least; a source is
 * presented only if its priority is numerically below CPPR and below the
 * one already pending.
 */
#include <inttypes.h>

#include <petrel/service.h>

#include "../vmm/trace.h"
#include "internal.h"

#define XISR_MASK 0x00ffffffu
#define XICS_IPI  2u

static uint8_t cppr_of(const struct irq_cpu *c)
{
    return (uint8_t)(c->xirr >> 24);
}

static uint32_t xisr_of(const struct irq_cpu *c)
{
    return c->xirr & XISR_MASK;
}

/* A presented source was displaced or not favoured enough: it goes back
 * to the ICS, which resends it later (LSI: "not sent", so a still
 * asserted level is presented again). */
static void ics_reject(struct irq_ctl *ctl, uint32_t nr)
{
    struct irq_source *s;

    if (!ics_owns(nr))
        return; /* the IPI: MFRR still holds it */
    s = &ctl->src[nr];
    if (s->lsi) {
        s->status &= (uint8_t)~ICS_SENT;
    } else if (!(s->status & ICS_REJECTED)) {
        s->status |= ICS_REJECTED;
        ctl->n_rejected++;
    }
}

/* icp "deliver": present nr at prio to the server, or reject it. */
static void icp_present(struct irq_ctl *ctl, unsigned server, uint32_t nr, uint8_t prio)
{
    struct irq_cpu *c = &ctl->cpu[server];

    if (prio >= cppr_of(c) || (xisr_of(c) && c->pending_prio <= prio)) {
        ics_reject(ctl, nr);
        return;
    }
    if (xisr_of(c))
        ics_reject(ctl, xisr_of(c));
    c->xirr = (c->xirr & ~XISR_MASK) | nr;
    c->pending_prio = prio;
    irq_drive_line(ctl, server, true);
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, (int)server, "xics present 0x%x priority %u", nr, prio);
}

/* An LSI is presented when asserted, unmasked and not already sent. */
static void ics_resend_lsi(struct irq_ctl *ctl, unsigned n)
{
    struct irq_source *s = &ctl->src[n];

    if (s->asserted && s->prio != 0xff && !(s->status & ICS_SENT)) {
        s->status |= ICS_SENT;
        icp_present(ctl, s->server, n, s->prio);
    }
}

/* A rejected or masked-pending MSI: present it if unmasked now; a masked
 * one keeps waiting for its unmask instead of being lost. */
static void ics_resend_msi(struct irq_ctl *ctl, unsigned n)
{
    struct irq_source *s = &ctl->src[n];

    if (!(s->status & (ICS_REJECTED | ICS_MPENDING)))
        return;
    if (s->status & ICS_REJECTED)
        ctl->n_rejected--;
    s->status &= (uint8_t) ~(ICS_REJECTED | ICS_MPENDING);
    if (s->prio == 0xff)
        s->status |= ICS_MPENDING;
    else
        icp_present(ctl, s->server, n, s->prio);
}

static void ics_resend(struct irq_ctl *ctl)
{
    if (!ctl->n_asserted && !ctl->n_rejected)
        return;
    for (unsigned n = PETREL_XICS_ICS_BASE; n < PETREL_XICS_ICS_BASE + PETREL_XICS_ICS_COUNT; n++) {
        if (ctl->src[n].lsi)
            ics_resend_lsi(ctl, n);
        else if (ctl->src[n].status & ICS_REJECTED)
            ics_resend_msi(ctl, n);
    }
}

/* The IPI (MFRR) competes like a source with XISR 2. */
static void icp_check_ipi(struct irq_ctl *ctl, unsigned server)
{
    struct irq_cpu *c = &ctl->cpu[server];

    if (xisr_of(c) && c->pending_prio <= c->mfrr)
        return;
    if (xisr_of(c))
        ics_reject(ctl, xisr_of(c));
    c->xirr = (c->xirr & ~XISR_MASK) | XICS_IPI;
    c->pending_prio = c->mfrr;
    irq_drive_line(ctl, server, true);
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, (int)server, "xics present IPI priority %u", c->mfrr);
}

static void icp_resend(struct irq_ctl *ctl, unsigned server)
{
    struct irq_cpu *c = &ctl->cpu[server];

    if (c->mfrr < cppr_of(c))
        icp_check_ipi(ctl, server);
    ics_resend(ctl);
}

void xics_reset_state(struct irq_ctl *ctl)
{
    for (unsigned n = PETREL_XICS_ICS_BASE; n < PETREL_XICS_ICS_BASE + PETREL_XICS_ICS_COUNT; n++) {
        struct irq_source *s = &ctl->src[n];
        s->server = 0;
        s->prio = s->saved_prio = 0xff;
        s->status = 0;
    }
    ctl->n_rejected = 0;
    for (unsigned i = 0; i < ctl->n_servers; i++) {
        /* CPPR 0: nothing deliverable until the OS opens it. */
        ctl->cpu[i].xirr = 0;
        ctl->cpu[i].pending_prio = 0xff;
        ctl->cpu[i].mfrr = 0xff;
    }
}

bool xics_live(struct irq_ctl *ctl, unsigned *what)
{
    for (unsigned n = PETREL_XICS_ICS_BASE; n < PETREL_XICS_ICS_BASE + PETREL_XICS_ICS_COUNT; n++) {
        if (ctl->src[n].prio != 0xff || (ctl->src[n].status & (ICS_SERVICE | ICS_SENT))) {
            *what = n;
            return true;
        }
    }
    for (unsigned i = 0; i < ctl->n_servers; i++) {
        if (xisr_of(&ctl->cpu[i]) || ctl->cpu[i].mfrr != 0xff) {
            *what = 0x80000000u | i;
            return true;
        }
    }
    return false;
}

void xics_source_pulse(struct irq_ctl *ctl, unsigned n)
{
    struct irq_source *s = &ctl->src[n];

    if (s->prio == 0xff) {
        s->status |= ICS_MPENDING;
        return;
    }
    icp_present(ctl, s->server, n, s->prio);
}

void xics_source_level(struct irq_ctl *ctl, unsigned n)
{
    /* Lowering changes nothing already presented (irq.md §2.2). */
    if (ctl->src[n].asserted)
        ics_resend_lsi(ctl, n);
}

/* A source's routing changed (ibm,set-xive, int-on): deliver what waits. */
void xics_source_changed(struct irq_ctl *ctl, unsigned n)
{
    if (ctl->src[n].lsi)
        ics_resend_lsi(ctl, n);
    else
        ics_resend_msi(ctl, n);
}

uint32_t xics_accept(struct irq_ctl *ctl, unsigned server)
{
    struct irq_cpu *c;
    uint32_t xirr;

    irq_lock(ctl);
    c = &ctl->cpu[server];
    xirr = c->xirr;
    /* Nothing pending: a spurious accept leaves CPPR as it was. */
    if (xisr_of(c)) {
        irq_drive_line(ctl, server, false);
        c->xirr = (uint32_t)c->pending_prio << 24;
        c->pending_prio = 0xff;
        if (ics_owns(xirr & XISR_MASK))
            ctl->src[xirr & XISR_MASK].status |= ICS_SERVICE;
        if (trace_on(PETREL_TRACE_IRQ))
            trace_printf(PETREL_TRACE_IRQ, (int)server, "xics accept 0x%x, CPPR %u",
                         xirr & XISR_MASK, cppr_of(c));
    }
    irq_unlock(ctl);
    return xirr;
}

/* CPPR more favoured than what is pending: reject it back to its ICS. */
static void icp_drop_unfavoured(struct irq_ctl *ctl, unsigned server)
{
    struct irq_cpu *c = &ctl->cpu[server];
    uint32_t old = xisr_of(c);

    if (old && cppr_of(c) <= c->pending_prio) {
        c->xirr &= ~XISR_MASK;
        c->pending_prio = 0xff;
        irq_drive_line(ctl, server, false);
        ics_reject(ctl, old);
    }
}

void xics_eoi(struct irq_ctl *ctl, unsigned server, uint32_t xirr)
{
    struct irq_cpu *c;
    uint32_t nr = xirr & XISR_MASK;

    irq_lock(ctl);
    c = &ctl->cpu[server];
    c->xirr = (c->xirr & XISR_MASK) | (xirr & ~XISR_MASK);
    icp_drop_unfavoured(ctl, server);
    if (ics_owns(nr)) {
        struct irq_source *s = &ctl->src[nr];
        s->status &= (uint8_t) ~(ICS_SERVICE | (s->lsi ? ICS_SENT : 0));
    }
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, (int)server, "xics eoi 0x%x, CPPR %u", nr, cppr_of(c));
    /* An LSI still asserted, a rejected MSI or the IPI comes back now. */
    if (!xisr_of(c))
        icp_resend(ctl, server);
    irq_unlock(ctl);
}

void xics_set_cppr(struct irq_ctl *ctl, unsigned server, uint8_t cppr)
{
    struct irq_cpu *c;
    uint8_t old;

    irq_lock(ctl);
    c = &ctl->cpu[server];
    old = cppr_of(c);
    c->xirr = (c->xirr & XISR_MASK) | (uint32_t)cppr << 24;
    if (cppr < old)
        icp_drop_unfavoured(ctl, server);
    else if (cppr > old && !xisr_of(c))
        icp_resend(ctl, server);
    irq_unlock(ctl);
}

void xics_set_mfrr(struct irq_ctl *ctl, unsigned server, uint8_t mfrr)
{
    struct irq_cpu *c;

    irq_lock(ctl);
    c = &ctl->cpu[server];
    c->mfrr = mfrr;
    if (mfrr < cppr_of(c))
        icp_check_ipi(ctl, server);
    irq_unlock(ctl);
}

void xics_poll(struct irq_ctl *ctl, unsigned server, uint32_t *xirr, uint8_t *mfrr)
{
    irq_lock(ctl);
    *xirr = ctl->cpu[server].xirr;
    *mfrr = ctl->cpu[server].mfrr;
    irq_unlock(ctl);
}
