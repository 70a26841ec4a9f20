/*
 * The controller's state, shared by irq.c (source API, locking, mode
 * switch), xics.c and xive.c.  Everything here is guarded by ctl->lock.
 */
#ifndef PETREL_IRQ_INTERNAL_H
#define PETREL_IRQ_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

/* XICS ICS source status (spec/irq.md §2.1). */
#define ICS_SENT     0x01 /* LSI presented, not yet EOI'd: not re-presented */
#define ICS_REJECTED 0x02 /* MSI rejected by its ICP: resent on CPPR raise / EOI */
#define ICS_MPENDING 0x04 /* MSI arrived while masked: delivered on unmask */
#define ICS_SERVICE  0x08 /* accepted with H_XIRR, not yet EOI'd */

struct irq_source {
    bool lsi;      /* level-sensitive */
    bool asserted; /* level input high (device state) */
    /* XICS ICS */
    uint32_t server;
    uint8_t prio, saved_prio, status;
    /* XIVE: ESB PQ bits (P = 2, Q = 1) and the EAS */
    uint8_t pq;
    uint8_t eas_prio; /* 0xff: no route */
    bool eas_masked;  /* H_INT_SET_SOURCE_CONFIG mask flag */
    uint32_t eas_target, eas_eisn;
};

struct xive_eq {
    uint64_t page; /* guest real address */
    uint8_t shift; /* log2 bytes; 0 = not configured */
    bool always_notify;
    bool gen; /* generation bit written with the next entry */
    uint32_t index;
};

#define XIVE_PRIOS 8

struct irq_cpu {
    bool line; /* the external interrupt input as last driven */
    /* XICS ICP */
    uint32_t xirr; /* CPPR << 24 | XISR */
    uint8_t pending_prio, mfrr;
    /* XIVE TIMA OS ring */
    uint8_t nsr, cppr, ipb;
    struct xive_eq eq[XIVE_PRIOS];
};

struct irq_ctl {
    pthread_mutex_t lock;
    struct irq_host host;
    unsigned mode;
    unsigned n_servers, n_ipis;
    bool wake_pending; /* an input went up under the lock */
    /* Sources that may need an XICS resend -- asserted level inputs and
     * rejected MSIs -- so EOI and CPPR changes skip the scan of the ICS
     * when there are none. */
    unsigned n_asserted, n_rejected;
    struct irq_cpu *cpu;
    struct irq_source src[PETREL_IRQ_NR];
};

void irq_lock(struct irq_ctl *ctl);
/* Drops the lock, then wakes ceded vCPUs if an input went up. */
void irq_unlock(struct irq_ctl *ctl);
void irq_drive_line(struct irq_ctl *ctl, unsigned server, bool level);

/* Per-mode halves, called with the lock held. */
void xics_reset_state(struct irq_ctl *ctl);
bool xics_live(struct irq_ctl *ctl, unsigned *what);
void xics_source_pulse(struct irq_ctl *ctl, unsigned n);
void xics_source_level(struct irq_ctl *ctl, unsigned n);
void xics_source_changed(struct irq_ctl *ctl, unsigned n);
void xive_reset_state(struct irq_ctl *ctl);
bool xive_live(struct irq_ctl *ctl, unsigned *what);
bool xive_lisn_valid(const struct irq_ctl *ctl, uint64_t lisn);
void xive_source_pulse(struct irq_ctl *ctl, unsigned n);
void xive_source_level(struct irq_ctl *ctl, unsigned n);

static inline bool ics_owns(unsigned n)
{
    return n >= PETREL_XICS_ICS_BASE && n < PETREL_XICS_ICS_BASE + PETREL_XICS_ICS_COUNT;
}

#endif
