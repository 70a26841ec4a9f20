/*
 * XIVE exploitation mode on PAPR (spec/irq.md §3, hcalls.md §3.8): the
 * H_INT_* hcalls' semantics, the ESB pages of every source with their PQ
 * state machine, event queues in guest memory with the generation bit,
 * and the OS ring of the TIMA.
 *
 * Sources: the IPIs 0 .. n_ipis-1 (ibm,xive-lisn-ranges) and the device
 * sources 0x1000 .. 0x1fff.  Each has two 64 KiB ESB pages (even:
 * trigger, odd: management); LSIs get the same pages (no "use H_INT_ESB"
 * flag: the management-page loads are trapped here, so a still asserted
 * level re-triggers on EOI).  Store EOI is not offered.
 *
 * Event flow: trigger -> PQ (00 -> 10 notifies, 10 -> 11, 11 stays, 01
 * "off" ignores) -> EAS (target, priority, EISN; priority 0xff or the
 * mask flag drop it) -> the (target, priority) queue gets
 * (generation << 31 | EISN) big-endian at its index -> that priority's
 * IPB bit in the target's TIMA -> exception (NSR EO, the vCPU's input)
 * if the priority is more favoured than CPPR.
 *
 * Not emulated: escalation, END ESBs (H_INT_GET_QUEUE_INFO returns no
 * notification page), the user/pool/physical rings (their TIMA pages read
 * as ones), OS reporting lines (H_FUNCTION, as spec/hcalls.md §3.8).
 */
#include <inttypes.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "../vmm/memory.h"
#include "../vmm/trace.h"
#include "internal.h"

#define PQ_P   2u
#define PQ_Q   1u
#define PQ_OFF 1u /* 01 */

#define ESB_PAGE_SHIFT 16

bool xive_lisn_valid(const struct irq_ctl *ctl, uint64_t lisn)
{
    return lisn < ctl->n_ipis || (lisn < PETREL_IRQ_NR && ics_owns((unsigned)lisn));
}

/* Priorities an OS may use: 0 .. 7 less the reserved ones (irq.h). */
static bool prio_usable(uint64_t prio)
{
    return prio < XIVE_PRIOS && prio < PETREL_XIVE_PRIO_RESERVED_BASE;
}

static uint8_t pipr_of(const struct irq_cpu *c)
{
    for (unsigned p = 0; p < XIVE_PRIOS; p++)
        if (c->ipb & (0x80u >> p))
            return (uint8_t)p;
    return 0xff;
}

/* Raise the exception when the most favoured pending priority beats
 * CPPR, drop it when it no longer does. */
static void tima_update(struct irq_ctl *ctl, unsigned server)
{
    struct irq_cpu *c = &ctl->cpu[server];

    if (pipr_of(c) < c->cppr) {
        c->nsr |= XIVE_TM_NSR_EO;
        irq_drive_line(ctl, server, true);
    } else {
        c->nsr &= (uint8_t)~XIVE_TM_NSR_EO;
        irq_drive_line(ctl, server, false);
    }
}

/* The EAS lookup and the queue write of one notification. */
static void notify(struct irq_ctl *ctl, unsigned lisn)
{
    struct irq_source *s = &ctl->src[lisn];
    struct irq_cpu *c;
    struct xive_eq *q;
    uint32_t entry;
    uint64_t addr;
    uint8_t be[4];

    if (s->eas_prio == 0xff || s->eas_masked)
        return;
    c = &ctl->cpu[s->eas_target];
    q = &c->eq[s->eas_prio];
    if (!q->shift)
        return; /* no queue: the event is lost, as with no escalation */
    entry = (uint32_t)q->gen << 31 | (s->eas_eisn & 0x7fffffffu);
    addr = q->page + 4ull * q->index;
    be[0] = (uint8_t)(entry >> 24);
    be[1] = (uint8_t)(entry >> 16);
    be[2] = (uint8_t)(entry >> 8);
    be[3] = (uint8_t)entry;
    /* Checked in RAM when the queue was configured. */
    guest_ram_write(ctl->host.mem, addr, be, 4);
    if (++q->index == (1u << q->shift) / 4) {
        q->index = 0;
        q->gen = !q->gen;
    }
    c->ipb |= (uint8_t)(0x80u >> s->eas_prio);
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, (int)s->eas_target,
                     "xive event 0x%x priority %u EISN 0x%x at queue 0x%" PRIx64, lisn, s->eas_prio,
                     s->eas_eisn, addr);
    tima_update(ctl, s->eas_target);
}

/* A trigger through the PQ state machine; true if it notified. */
static bool trigger(struct irq_ctl *ctl, unsigned lisn)
{
    struct irq_source *s = &ctl->src[lisn];

    switch (s->pq) {
    case 0:
        s->pq = PQ_P;
        notify(ctl, lisn);
        return true;
    case PQ_P: s->pq = PQ_P | PQ_Q; return false;
    default: return false; /* 11 stays, 01 "off" ignores */
    }
}

/* LSIs have no Q: a level is sampled while PQ = 00. */
static bool lsi_sample(struct irq_ctl *ctl, unsigned lisn)
{
    struct irq_source *s = &ctl->src[lisn];

    if (s->lsi && s->asserted && s->pq == 0)
        return trigger(ctl, lisn);
    return false;
}

/* EOI: 00/10 -> 00, 11 -> 10 with a new notification, 01 stays. */
static bool esb_eoi(struct irq_ctl *ctl, unsigned lisn)
{
    struct irq_source *s = &ctl->src[lisn];
    bool notified = false;

    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, -1, "xive eoi 0x%x, PQ %u%u", lisn, s->pq >> 1, s->pq & 1);
    switch (s->pq) {
    case 0:
    case PQ_P: s->pq = 0; break;
    case PQ_P | PQ_Q:
        s->pq = PQ_P;
        notify(ctl, lisn);
        notified = true;
        break;
    default: break;
    }
    return lsi_sample(ctl, lisn) || notified;
}

/* Setting PQ: 00 is how an OS EOIs an MSI (and unmasks), 01 masks. */
static void esb_set_pq(struct irq_ctl *ctl, unsigned lisn, uint8_t pq)
{
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, -1, "xive set PQ 0x%x: %u%u -> %u%u", lisn,
                     ctl->src[lisn].pq >> 1, ctl->src[lisn].pq & 1, pq >> 1, pq & 1);
    ctl->src[lisn].pq = pq;
    lsi_sample(ctl, lisn);
}

/* A management-page load at `op` (irq.md §3.2): the old PQ, or the EOI
 * result; all ones for an offset with no operation. */
static uint64_t esb_load(struct irq_ctl *ctl, unsigned lisn, uint64_t op)
{
    struct irq_source *s = &ctl->src[lisn];
    uint8_t old = s->pq;

    op &= 0xfff;
    if (op < 0x400)
        return esb_eoi(ctl, lisn);
    if (op >= 0x800 && op < 0xc00)
        return old;
    if (op >= 0xc00) {
        esb_set_pq(ctl, lisn, (uint8_t)((op >> 8) & 3));
        return old;
    }
    return XIVE_ESB_INVALID;
}

/* Management-page stores: set PQ at 0xc00..0xfff; store EOI (0x400) is
 * not offered, so ignored like everything else. */
static void esb_store(struct irq_ctl *ctl, unsigned lisn, uint64_t op)
{
    op &= 0xfff;
    if (op >= 0xc00)
        esb_set_pq(ctl, lisn, (uint8_t)((op >> 8) & 3));
}

void xive_reset_state(struct irq_ctl *ctl)
{
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++) {
        struct irq_source *s = &ctl->src[n];
        s->pq = PQ_OFF;
        s->eas_prio = 0xff;
        s->eas_masked = false;
        s->eas_target = s->eas_eisn = 0;
    }
    for (unsigned i = 0; i < ctl->n_servers; i++) {
        struct irq_cpu *c = &ctl->cpu[i];
        c->nsr = c->cppr = c->ipb = 0;
        for (unsigned p = 0; p < XIVE_PRIOS; p++)
            c->eq[p] = (struct xive_eq){0};
    }
}

bool xive_live(struct irq_ctl *ctl, unsigned *what)
{
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++) {
        if (xive_lisn_valid(ctl, n) && ctl->src[n].pq != PQ_OFF) {
            *what = n;
            return true;
        }
    }
    for (unsigned i = 0; i < ctl->n_servers; i++) {
        if (ctl->cpu[i].ipb || (ctl->cpu[i].nsr & XIVE_TM_NSR_EO)) {
            *what = 0x80000000u | i;
            return true;
        }
    }
    return false;
}

void xive_source_pulse(struct irq_ctl *ctl, unsigned n)
{
    trigger(ctl, n);
}

void xive_source_level(struct irq_ctl *ctl, unsigned n)
{
    lsi_sample(ctl, n);
}

/* ---- hcalls ---- */

static uint64_t esb_page(unsigned lisn, unsigned which)
{
    return PETREL_XIVE_ESB_BASE + ((uint64_t)lisn << PETREL_XIVE_ESB_SHIFT) +
           ((uint64_t)which << ESB_PAGE_SHIFT);
}

#define BEGIN_XIVE(ctl)                                                                            \
    do {                                                                                           \
        irq_lock(ctl);                                                                             \
        if ((ctl)->mode != PETREL_IC_XIVE) {                                                       \
            irq_unlock(ctl);                                                                       \
            return H_FUNCTION;                                                                     \
        }                                                                                          \
    } while (0)

int64_t xive_get_source_info(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t out[9])
{
    int64_t rc = H_SUCCESS;

    BEGIN_XIVE(ctl);
    if (flags)
        rc = H_PARAMETER;
    else if (!xive_lisn_valid(ctl, lisn))
        rc = H_P2;
    else {
        out[0] = ctl->src[lisn].lsi ? XIVE_SRC_LSI : 0;
        out[1] = esb_page((unsigned)lisn, 1); /* EOI / management */
        out[2] = esb_page((unsigned)lisn, 0); /* trigger */
        out[3] = ESB_PAGE_SHIFT;
    }
    irq_unlock(ctl);
    return rc;
}

int64_t xive_set_source_config(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t target,
                               uint64_t prio, uint64_t eisn)
{
    struct irq_source *s;
    int64_t rc = H_SUCCESS;

    BEGIN_XIVE(ctl);
    if (flags & ~(XIVE_SRC_SET_EISN | XIVE_SRC_MASK))
        rc = H_PARAMETER;
    else if (!xive_lisn_valid(ctl, lisn))
        rc = H_P2;
    else if (prio != 0xff && target >= ctl->n_servers)
        rc = H_P3;
    else if (prio != 0xff && !prio_usable(prio))
        rc = H_P4;
    else if ((flags & XIVE_SRC_SET_EISN) && eisn > 0x7fffffffu)
        rc = H_P5; /* the queue entry holds 31 bits */
    if (rc == H_SUCCESS) {
        s = &ctl->src[lisn];
        s->eas_masked = flags & XIVE_SRC_MASK;
        if (prio == 0xff) {
            /* Reset the route (irq.md §3.5 item 8 masks first). */
            s->eas_prio = 0xff;
            s->eas_target = 0;
        } else {
            s->eas_prio = (uint8_t)prio;
            s->eas_target = (uint32_t)target;
        }
        if (flags & XIVE_SRC_SET_EISN)
            s->eas_eisn = (uint32_t)eisn;
    }
    irq_unlock(ctl);
    return rc;
}

int64_t xive_get_source_config(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t out[9])
{
    int64_t rc = H_SUCCESS;

    BEGIN_XIVE(ctl);
    if (flags)
        rc = H_PARAMETER;
    else if (!xive_lisn_valid(ctl, lisn))
        rc = H_P2;
    else {
        const struct irq_source *s = &ctl->src[lisn];
        out[0] = s->eas_target;
        out[1] = s->eas_masked ? 0xff : s->eas_prio;
        out[2] = s->eas_eisn;
    }
    irq_unlock(ctl);
    return rc;
}

int64_t xive_get_queue_info(struct irq_ctl *ctl, uint64_t flags, uint64_t target, uint64_t prio,
                            uint64_t out[9])
{
    int64_t rc = H_SUCCESS;

    BEGIN_XIVE(ctl);
    if (flags)
        rc = H_PARAMETER;
    else if (target >= ctl->n_servers)
        rc = H_P2;
    else if (!prio_usable(prio))
        rc = H_P3;
    else {
        out[0] = 0; /* no END ESB notification page (not emulated) */
        out[1] = ctl->cpu[target].eq[prio].shift;
    }
    irq_unlock(ctl);
    return rc;
}

int64_t xive_set_queue_config(struct irq_ctl *ctl, uint64_t flags, uint64_t target, uint64_t prio,
                              uint64_t qpage, uint64_t qshift)
{
    int64_t rc = H_SUCCESS;

    BEGIN_XIVE(ctl);
    if (flags & ~XIVE_EQ_ALWAYS_NOTIFY)
        rc = H_PARAMETER;
    else if (target >= ctl->n_servers)
        rc = H_P2;
    else if (!prio_usable(prio))
        rc = H_P3;
    else if (qshift != 0 && qshift != 12 && qshift != 16 && qshift != 21 && qshift != 24)
        rc = H_P5;
    else if (qshift && ((qpage & ((1ull << qshift) - 1)) ||
                        !guest_ram_contains(ctl->host.mem, qpage, 1ull << qshift)))
        rc = H_P4;
    if (rc == H_SUCCESS) {
        struct xive_eq *q = &ctl->cpu[target].eq[prio];
        /* Hardware writes generation 1 first; the OS's toggle starts at 0
         * (irq.md §3.4).  Size 0 disables and forgets the queue. */
        *q = (struct xive_eq){0};
        if (qshift) {
            q->page = qpage;
            q->shift = (uint8_t)qshift;
            q->always_notify = flags & XIVE_EQ_ALWAYS_NOTIFY;
            q->gen = true;
        }
    }
    irq_unlock(ctl);
    return rc;
}

int64_t xive_get_queue_config(struct irq_ctl *ctl, uint64_t flags, uint64_t target, uint64_t prio,
                              uint64_t out[9])
{
    int64_t rc = H_SUCCESS;

    BEGIN_XIVE(ctl);
    if (flags & ~XIVE_EQ_DEBUG)
        rc = H_PARAMETER;
    else if (target >= ctl->n_servers)
        rc = H_P2;
    else if (!prio_usable(prio))
        rc = H_P3;
    else {
        const struct xive_eq *q = &ctl->cpu[target].eq[prio];
        out[0] = q->always_notify ? XIVE_EQ_ALWAYS_NOTIFY : 0;
        out[1] = q->page;
        out[2] = q->shift;
        out[3] = 0;
        if (flags & XIVE_EQ_DEBUG) {
            /* The generation bit and the queue index (hcalls.md §3.8). */
            out[0] |= (uint64_t)q->gen << 62;
            out[3] = q->index;
        }
    }
    irq_unlock(ctl);
    return rc;
}

int64_t xive_esb_hcall(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t offset,
                       uint64_t data, uint64_t out[9])
{
    int64_t rc = H_SUCCESS;

    (void)data;
    BEGIN_XIVE(ctl);
    if (flags & ~XIVE_ESB_STORE)
        rc = H_PARAMETER;
    else if (!xive_lisn_valid(ctl, lisn))
        rc = H_P2;
    else if (offset >= (1ull << ESB_PAGE_SHIFT))
        rc = H_P3;
    else if (flags & XIVE_ESB_STORE)
        esb_store(ctl, (unsigned)lisn, offset);
    else
        out[0] = esb_load(ctl, (unsigned)lisn, offset);
    irq_unlock(ctl);
    return rc;
}

int64_t xive_sync(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn)
{
    int64_t rc = H_SUCCESS;

    BEGIN_XIVE(ctl);
    /* Notifications are written synchronously: nothing is in flight. */
    if (flags)
        rc = H_PARAMETER;
    else if (!xive_lisn_valid(ctl, lisn))
        rc = H_P2;
    irq_unlock(ctl);
    return rc;
}

int64_t xive_reset_all(struct irq_ctl *ctl, uint64_t flags)
{
    BEGIN_XIVE(ctl);
    if (flags) {
        irq_unlock(ctl);
        return H_PARAMETER;
    }
    /* Every source masked, every route and queue gone, nothing pending
     * (hcalls.md §3.8); each CPPR stays the OS's. */
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++) {
        struct irq_source *s = &ctl->src[n];
        s->pq = PQ_OFF;
        s->eas_prio = 0xff;
        s->eas_masked = false;
        s->eas_target = s->eas_eisn = 0;
    }
    for (unsigned i = 0; i < ctl->n_servers; i++) {
        struct irq_cpu *c = &ctl->cpu[i];
        c->ipb = 0;
        for (unsigned p = 0; p < XIVE_PRIOS; p++)
            c->eq[p] = (struct xive_eq){0};
        tima_update(ctl, i);
    }
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, -1, "xive reset: every source masked, queues gone");
    irq_unlock(ctl);
    return H_SUCCESS;
}

/* ---- ESB pages and TIMA (MMIO) ---- */

uint64_t xive_esb_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    struct irq_ctl *ctl = opaque;
    uint64_t lisn = offset >> PETREL_XIVE_ESB_SHIFT, v = XIVE_ESB_INVALID;

    (void)vcpu;
    (void)size;
    irq_lock(ctl);
    /* Loads from a trigger page have no operation. */
    if (ctl->mode == PETREL_IC_XIVE && xive_lisn_valid(ctl, lisn) &&
        ((offset >> ESB_PAGE_SHIFT) & 1))
        v = esb_load(ctl, (unsigned)lisn, offset & ((1u << ESB_PAGE_SHIFT) - 1));
    irq_unlock(ctl);
    return v;
}

void xive_esb_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    struct irq_ctl *ctl = opaque;
    uint64_t lisn = offset >> PETREL_XIVE_ESB_SHIFT;

    (void)vcpu;
    (void)size;
    (void)value;
    irq_lock(ctl);
    if (ctl->mode == PETREL_IC_XIVE && xive_lisn_valid(ctl, lisn)) {
        if ((offset >> ESB_PAGE_SHIFT) & 1)
            esb_store(ctl, (unsigned)lisn, offset & ((1u << ESB_PAGE_SHIFT) - 1));
        else if (!ctl->src[lisn].lsi)
            trigger(ctl, (unsigned)lisn); /* a level cannot be triggered by software */
    }
    irq_unlock(ctl);
}

#define TIMA_OS_PAGE 2u

/* The OS ring's 16 bytes (QW1) as the TIMA shows them. */
static uint8_t qw1_byte(const struct irq_cpu *c, unsigned server, unsigned i)
{
    switch (i) {
    case XIVE_TM_NSR: return c->nsr;
    case XIVE_TM_CPPR: return c->cppr;
    case XIVE_TM_IPB: return c->ipb;
    case XIVE_TM_LSMFB: return 0;
    case XIVE_TM_PIPR: return pipr_of(c);
    /* WORD2: the OS CAM line, valid bit 31, the vCPU as its thread. */
    case XIVE_TM_WORD2: return 0x80;
    case XIVE_TM_WORD2 + 1: return (uint8_t)(server >> 16);
    case XIVE_TM_WORD2 + 2: return (uint8_t)(server >> 8);
    case XIVE_TM_WORD2 + 3: return (uint8_t)server;
    default: return 0;
    }
}

/* ACK_OS_REG (irq.md §3.3): returns the old NSR and the new CPPR; CPPR
 * takes the most favoured pending priority, whose IPB bit clears. */
static uint16_t tima_ack(struct irq_ctl *ctl, unsigned server)
{
    struct irq_cpu *c = &ctl->cpu[server];
    uint8_t nsr = c->nsr;

    if (nsr & XIVE_TM_NSR_EO) {
        uint8_t p = pipr_of(c);
        c->cppr = p;
        c->ipb &= (uint8_t) ~(0x80u >> p);
        c->nsr &= (uint8_t)~XIVE_TM_NSR_EO;
    }
    irq_drive_line(ctl, server, false);
    if (trace_on(PETREL_TRACE_IRQ))
        trace_printf(PETREL_TRACE_IRQ, (int)server, "xive ack: NSR 0x%02x, CPPR %u", nsr, c->cppr);
    return (uint16_t)(nsr << 8 | c->cppr);
}

uint64_t xive_tima_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    struct irq_ctl *ctl = opaque;
    uint64_t page = offset >> PETREL_XIVE_TIMA_PAGE_SHIFT;
    uint64_t off = offset & (PETREL_XIVE_TIMA_PAGE_SIZE - 1), v = ~0ull;

    irq_lock(ctl);
    if (ctl->mode != PETREL_IC_XIVE || vcpu >= ctl->n_servers || page != TIMA_OS_PAGE)
        goto out;
    if (off == XIVE_TM_ACK_OS_REG && size == 2) {
        v = tima_ack(ctl, vcpu);
    } else if (off + size <= 0x40) {
        /* The register quadwords: only QW1 (OS) is ours to show. */
        v = 0;
        for (unsigned i = 0; i < size; i++) {
            unsigned b = (unsigned)off + i;
            uint8_t byte = b >= XIVE_TM_QW1_OS && b < XIVE_TM_QW1_OS + 16
                               ? qw1_byte(&ctl->cpu[vcpu], vcpu, b - XIVE_TM_QW1_OS)
                               : 0;
            v = v << 8 | byte;
        }
    }
out:
    irq_unlock(ctl);
    return v;
}

void xive_tima_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    struct irq_ctl *ctl = opaque;
    uint64_t page = offset >> PETREL_XIVE_TIMA_PAGE_SHIFT;
    uint64_t off = offset & (PETREL_XIVE_TIMA_PAGE_SIZE - 1);

    irq_lock(ctl);
    if (ctl->mode != PETREL_IC_XIVE || vcpu >= ctl->n_servers || page != TIMA_OS_PAGE || size != 1)
        goto out;
    if (off == XIVE_TM_QW1_OS + XIVE_TM_CPPR) {
        ctl->cpu[vcpu].cppr = (uint8_t)value;
        tima_update(ctl, vcpu);
    } else if (off == XIVE_TM_SET_OS_PEND && (value & 0xff) < XIVE_PRIOS) {
        ctl->cpu[vcpu].ipb |= (uint8_t)(0x80u >> (value & 0xff));
        tima_update(ctl, vcpu);
    }
out:
    irq_unlock(ctl);
}
