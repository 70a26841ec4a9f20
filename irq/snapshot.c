/*
 * The interrupt controller in and out of a snapshot (irq.h irq_save,
 * irq_load; vmm/snapshot.h).  Mode first, then every source, then every
 * presenter and event queue; the vCPU inputs are re-driven from the
 * restored presenters last, so no source is ever routed through a
 * controller of the wrong mode (spec/irq.md §5: the mode before sources).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/service.h>

#include "../vmm/memory.h"
#include "../vmm/snapshot.h"
#include "internal.h"

/* Version 1: mode, counts, PETREL_IRQ_NR sources, n_servers presenters. */
#define IRQ_STATE_VERSION 1u

unsigned irq_state_version(void)
{
    return IRQ_STATE_VERSION;
}

/* A flag read back: anything but 0 or 1 marks the payload bad. */
static bool get_flag(struct snap_reader *r)
{
    uint8_t v = snap_get_u8(r);
    if (v > 1)
        r->bad = true;
    return v != 0;
}

static void walk_src(struct irq_source *s, struct snap_writer *w, struct snap_reader *r)
{
#define F(x, bits)                                                                                 \
    (w ? snap_put_u##bits(w, (uint##bits##_t)(x))                                                  \
       : (void)((x) = (__typeof__(x))snap_get_u##bits(r)))
#define B(x) (w ? snap_put_u8(w, (uint8_t)(x)) : (void)((x) = get_flag(r)))
    B(s->lsi);
    B(s->asserted);
    F(s->server, 32);
    F(s->prio, 8);
    F(s->saved_prio, 8);
    F(s->status, 8);
    F(s->pq, 8);
    F(s->eas_prio, 8);
    B(s->eas_masked);
    F(s->eas_target, 32);
    F(s->eas_eisn, 32);
}

static void walk_cpu(struct irq_cpu *c, struct snap_writer *w, struct snap_reader *r)
{
    B(c->line);
    F(c->xirr, 32);
    F(c->pending_prio, 8);
    F(c->mfrr, 8);
    F(c->nsr, 8);
    F(c->cppr, 8);
    F(c->ipb, 8);
    for (unsigned p = 0; p < XIVE_PRIOS; p++) {
        F(c->eq[p].page, 64);
        F(c->eq[p].shift, 8);
        B(c->eq[p].always_notify);
        B(c->eq[p].gen);
        F(c->eq[p].index, 32);
    }
#undef F
#undef B
}

void irq_save(struct irq_ctl *ctl, struct snap_writer *w)
{
    irq_lock(ctl);
    snap_put_u32(w, ctl->mode);
    snap_put_u32(w, ctl->n_servers);
    snap_put_u32(w, ctl->n_ipis);
    snap_put_u32(w, PETREL_IRQ_NR);
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++)
        walk_src(&ctl->src[n], w, NULL);
    for (unsigned i = 0; i < ctl->n_servers; i++)
        walk_cpu(&ctl->cpu[i], w, NULL);
    irq_unlock(ctl);
}

static int bad(char *err, size_t errlen, const char *what, unsigned n)
{
    snprintf(err, errlen, "interrupt controller: %s (%u)", what, n);
    return -1;
}

static int check_src(const struct irq_source *s, unsigned n, unsigned n_servers, char *err,
                     size_t errlen)
{
    if (s->asserted && !s->lsi)
        return bad(err, errlen, "an edge source asserted at source", n);
    if (s->server >= n_servers)
        return bad(err, errlen, "XICS server out of range at source", n);
    if (s->eas_target >= n_servers)
        return bad(err, errlen, "XIVE target out of range at source", n);
    if (s->eas_prio != 0xff && s->eas_prio >= XIVE_PRIOS)
        return bad(err, errlen, "XIVE priority out of range at source", n);
    if (s->pq > 3 || s->status > 0x0f)
        return bad(err, errlen, "PQ or ICS status out of range at source", n);
    return 0;
}

static int check_cpu(const struct irq_cpu *c, unsigned i, struct guest_mem *mem, char *err,
                     size_t errlen)
{
    if ((c->xirr & 0xffffffu) >= PETREL_IRQ_NR)
        return bad(err, errlen, "XISR out of range at server", i);
    for (unsigned p = 0; p < XIVE_PRIOS; p++) {
        const struct xive_eq *q = &c->eq[p];
        if (!q->shift) {
            if (q->index)
                return bad(err, errlen, "index in an unconfigured event queue at server", i);
            continue;
        }
        if ((q->shift != 12 && q->shift != 16 && q->shift != 21 && q->shift != 24) ||
            (q->page & ((1ull << q->shift) - 1)) ||
            !guest_ram_contains(mem, q->page, 1ull << q->shift) || q->index >= (1u << q->shift) / 4)
            return bad(err, errlen, "event queue outside guest RAM or malformed at server", i);
    }
    return 0;
}

int irq_load(struct irq_ctl *ctl, struct snap_reader *r, unsigned version, bool apply, char *err,
             size_t errlen)
{
    unsigned mode, n_servers, n_ipis, nr;
    struct irq_source *src = NULL;
    struct irq_cpu *cpu = NULL;
    int ret = -1;

    if (version != IRQ_STATE_VERSION) {
        snprintf(err, errlen, "interrupt controller: state version %u, this petrel reads %u",
                 version, IRQ_STATE_VERSION);
        return -1;
    }
    mode = snap_get_u32(r);
    n_servers = snap_get_u32(r);
    n_ipis = snap_get_u32(r);
    nr = snap_get_u32(r);
    if (r->bad)
        return bad(err, errlen, "truncated header", 0);
    if (mode != PETREL_IC_XICS && mode != PETREL_IC_XIVE)
        return bad(err, errlen, "unknown mode", mode);
    if (n_servers != ctl->n_servers || n_ipis != ctl->n_ipis || nr != PETREL_IRQ_NR)
        return bad(err, errlen, "saved for another number of servers, IPIs or sources", n_servers);
    src = calloc(PETREL_IRQ_NR, sizeof(*src));
    cpu = calloc(n_servers, sizeof(*cpu));
    if (!src || !cpu) {
        snprintf(err, errlen, "interrupt controller: out of memory");
        goto out;
    }
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++)
        walk_src(&src[n], NULL, r);
    for (unsigned i = 0; i < n_servers; i++)
        walk_cpu(&cpu[i], NULL, r);
    if (!snap_reader_done(r)) {
        bad(err, errlen, "a flag is not 0 or 1, or the length does not match version", version);
        goto out;
    }
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++)
        if (check_src(&src[n], n, n_servers, err, errlen))
            goto out;
    for (unsigned i = 0; i < n_servers; i++)
        if (check_cpu(&cpu[i], i, ctl->host.mem, err, errlen))
            goto out;
    ret = 0;
    if (!apply)
        goto out;

    irq_lock(ctl);
    /* The mode before any source (spec/irq.md §5). */
    ctl->mode = mode;
    ctl->n_asserted = ctl->n_rejected = 0;
    for (unsigned n = 0; n < PETREL_IRQ_NR; n++) {
        ctl->src[n] = src[n];
        ctl->n_asserted += src[n].asserted;
        ctl->n_rejected += !!(src[n].status & ICS_REJECTED);
    }
    for (unsigned i = 0; i < n_servers; i++) {
        bool line = cpu[i].line;
        ctl->cpu[i] = cpu[i];
        /* Drive the vCPU input from scratch to the saved level. */
        ctl->cpu[i].line = !line;
        irq_drive_line(ctl, i, line);
    }
    irq_unlock(ctl);
out:
    free(src);
    free(cpu);
    return ret;
}
