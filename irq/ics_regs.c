/*
 * The ICS register block (include/petrel/irq.h PETREL_XICS_ICS_REGS): the
 * host half of RTAS ibm,set-xive, ibm,get-xive, ibm,int-on and
 * ibm,int-off (spec/rtas.md §5), which run in the guest's RTAS image and
 * program each source's server and priorities here.  Every value is
 * checked: a bad server or priority is ignored, so a register never holds
 * what the ICS cannot act on.
 */
#include <petrel/service.h>

#include "internal.h"

static uint32_t source_status(const struct irq_source *s)
{
    uint32_t st = PETREL_ICS_STATUS_VALID;

    if (s->lsi)
        st |= PETREL_ICS_STATUS_LSI;
    if (s->asserted)
        st |= PETREL_ICS_STATUS_ASSERTED;
    if (s->status & (ICS_REJECTED | ICS_MPENDING))
        st |= PETREL_ICS_STATUS_PENDING;
    if (s->status & ICS_SERVICE)
        st |= PETREL_ICS_STATUS_SERVICE;
    return st;
}

/* The source a per-source offset names, or -1 (header, hole, bad size). */
static int source_at(uint64_t offset, unsigned *reg)
{
    uint64_t first = PETREL_XICS_ICS_SRC(PETREL_XICS_ICS_BASE);

    if (offset < first || offset >= first + 16ull * PETREL_XICS_ICS_COUNT)
        return -1;
    *reg = (unsigned)(offset & 0xf);
    return (int)(PETREL_XICS_ICS_BASE + (offset - first) / 16);
}

uint64_t ics_regs_read(void *opaque, unsigned vcpu, uint64_t offset, unsigned size)
{
    struct irq_ctl *ctl = opaque;
    uint64_t v = 0;
    unsigned reg;
    int n;

    (void)vcpu;
    if (size != 4 || (offset & 3))
        return ~0ull;
    irq_lock(ctl);
    switch (offset) {
    case PETREL_ICS_MODE: v = ctl->mode; break;
    case PETREL_ICS_FIRST: v = PETREL_XICS_ICS_BASE; break;
    case PETREL_ICS_COUNT: v = PETREL_XICS_ICS_COUNT; break;
    case PETREL_ICS_SERVERS: v = ctl->n_servers; break;
    default:
        n = source_at(offset, &reg);
        if (n < 0 || ctl->mode != PETREL_IC_XICS)
            break;
        switch (reg) {
        case PETREL_ICS_SERVER: v = ctl->src[n].server; break;
        case PETREL_ICS_PRIORITY: v = ctl->src[n].prio; break;
        case PETREL_ICS_SAVED: v = ctl->src[n].saved_prio; break;
        default: v = source_status(&ctl->src[n]); break;
        }
    }
    irq_unlock(ctl);
    return v;
}

void ics_regs_write(void *opaque, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    struct irq_ctl *ctl = opaque;
    struct irq_source *s;
    unsigned reg;
    int n;

    (void)vcpu;
    if (size != 4 || (offset & 3))
        return;
    n = source_at(offset, &reg);
    if (n < 0)
        return;
    irq_lock(ctl);
    s = &ctl->src[n];
    if (ctl->mode != PETREL_IC_XICS)
        goto out;
    switch (reg) {
    case PETREL_ICS_SERVER:
        if (value < ctl->n_servers)
            s->server = (uint32_t)value;
        break;
    case PETREL_ICS_PRIORITY:
        if (value <= 0xff) {
            s->prio = (uint8_t)value;
            xics_source_changed(ctl, (unsigned)n);
        }
        break;
    case PETREL_ICS_SAVED:
        if (value <= 0xff)
            s->saved_prio = (uint8_t)value;
        break;
    default:
        if (value == PETREL_ICS_CTL_INT_ON) {
            s->prio = s->saved_prio;
            xics_source_changed(ctl, (unsigned)n);
        } else if (value == PETREL_ICS_CTL_INT_OFF) {
            s->saved_prio = s->prio;
            s->prio = 0xff;
        }
        break;
    }
out:
    irq_unlock(ctl);
}
