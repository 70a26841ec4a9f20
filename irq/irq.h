/*
 * The interrupt controllers behind one source API (DESIGN.md
 * "Interrupts", spec/irq.md).  Devices raise a global source number
 * (include/petrel/irq.h); the controller in force -- XICS (xics.c) or XIVE
 * exploitation mode (xive.c) -- routes it to a vCPU's external interrupt
 * input.  The mode changes only through irq_switch_mode (the firmware's
 * PETREL_H_SET_IC_MODE at CAS) or irq_reset (the machine reset).
 *
 * Locking: one mutex per controller guards every source, presenter and
 * queue.  Every entry point below takes it, so each is atomic against the
 * others and against a mode switch; a device may call the source API from
 * any thread.  The vCPU input is driven through irq_host.set_line (must
 * not block: the CPU backend's set_irq is an atomic store) under the lock;
 * host.wake (which may take the machine's lock, to end an H_CEDE) is
 * called after the lock is dropped, so the machine may call in here with
 * its own lock held as long as it never raises a source then (reset only
 * lowers).
 */
#ifndef PETREL_IRQ_IRQ_H
#define PETREL_IRQ_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <petrel/irq.h>

struct guest_mem;
struct irq_ctl;

struct irq_host {
    /* Drives vCPU `vcpu`'s external interrupt input; called with the
     * controller's lock held: must not block or call back in. */
    void (*set_line)(void *opaque, unsigned vcpu, bool level);
    /* Some input went up: wake vCPUs waiting for an interrupt (H_CEDE).
     * Called without the controller's lock. */
    void (*wake)(void *opaque);
    void *opaque;
    /* Guest RAM, where XIVE event queues live. */
    struct guest_mem *mem;
};

/*
 * A controller for n_servers vCPUs (interrupt servers 0 .. n_servers-1)
 * and n_ipis XIVE IPI numbers (0 .. n_ipis-1, ibm,xive-lisn-ranges), in
 * `mode` (PETREL_IC_XICS or PETREL_IC_XIVE) with everything reset.
 */
struct irq_ctl *irq_create(const struct irq_host *host, unsigned n_servers, unsigned n_ipis,
                           unsigned mode);
void irq_destroy(struct irq_ctl *ctl);

/* ---- the source API (devices) ---- */

enum irq_kind { IRQ_EDGE, IRQ_LEVEL };

/*
 * Whether `n` is a device source (PETREL_XICS_ICS_BASE .. +COUNT-1: the
 * numbers valid in both modes) and its kind: level for the PCI LSI range
 * and the test device's level source, edge otherwise, until a device
 * claims it with irq_set_kind (before it raises it).
 */
bool irq_is_device_source(unsigned n);
void irq_set_kind(struct irq_ctl *ctl, unsigned n, enum irq_kind kind);
/* An edge source fires once (an MSI write, an event). */
void irq_pulse(struct irq_ctl *ctl, unsigned n);
/* A level source's input.  The level is the device's state: it survives
 * a mode switch (the source is masked in the new mode until configured). */
void irq_set_level(struct irq_ctl *ctl, unsigned n, bool asserted);

/*
 * The reset path (DESIGN.md "Reset is firmware re-entry" step 4, after
 * the devices were quiesced): every source masked with nothing pending,
 * level inputs low, every presenter and queue cleared, vCPU inputs low,
 * and `mode` in force.  Never raises an input.
 */
void irq_reset(struct irq_ctl *ctl, unsigned mode);

/* The controller in force (PETREL_IC_XICS or PETREL_IC_XIVE). */
unsigned irq_mode(struct irq_ctl *ctl);

/*
 * The mode switch (PETREL_H_SET_IC_MODE, spec/irq.md §5).  Refused with
 * IRQ_SWITCH_BUSY while a source of the mode in force is live (XICS: a
 * priority other than 0xff, or accepted and not EOI'd; XIVE: ESB PQ other
 * than 01 "off") or a vCPU is inside the controller (XICS: an interrupt
 * presented or an IPI requested; XIVE: a priority pending in its TIMA).
 * Otherwise done under the lock, so atomically for every vCPU: all
 * presenter, source-routing and queue state of the old mode is cleared
 * (what arrived masked is dropped: a device re-raises after the OS
 * configured the new mode), and every source starts masked in the new
 * one.  Switching to the mode in force changes nothing and succeeds.
 */
enum { IRQ_SWITCH_OK = 0, IRQ_SWITCH_BUSY = 1 };
int irq_switch_mode(struct irq_ctl *ctl, unsigned mode);

/*
 * Snapshots (vmm/snapshot.h; irq/snapshot.c): irq_save appends the mode,
 * every source and every presenter and event queue, in the format
 * irq_state_version.  irq_load reads such a payload and checks it (the
 * counts of this controller, every server, priority and flag in range,
 * event queues aligned inside guest RAM): 0, or -1 with one line in err.
 * With apply it then replaces the controller's state -- the mode first,
 * then the sources, then the presenters -- and drives each vCPU input
 * to its saved level.  Call with the vCPUs stopped and devices quiet.
 */
struct snap_writer;
struct snap_reader;
unsigned irq_state_version(void);
void irq_save(struct irq_ctl *ctl, struct snap_writer *w);
int irq_load(struct irq_ctl *ctl, struct snap_reader *r, unsigned version, bool apply, char *err,
             size_t errlen);

/* ---- XICS presenter (hcall/xics.c; spec/irq.md §2.2) ----
 * Servers are checked by the caller (irq_servers). */
unsigned irq_servers(struct irq_ctl *ctl);
/* H_XIRR: accept; returns the XIRR (CPPR << 24 | XISR) before it. */
uint32_t xics_accept(struct irq_ctl *ctl, unsigned server);
void xics_eoi(struct irq_ctl *ctl, unsigned server, uint32_t xirr);
void xics_set_cppr(struct irq_ctl *ctl, unsigned server, uint8_t cppr);
void xics_set_mfrr(struct irq_ctl *ctl, unsigned server, uint8_t mfrr);
/* H_IPOLL: XIRR and MFRR without side effects. */
void xics_poll(struct irq_ctl *ctl, unsigned server, uint32_t *xirr, uint8_t *mfrr);

/* The ICS register block (irq.h PETREL_XICS_ICS_REGS), as MMIO. */
uint64_t ics_regs_read(void *ctl, unsigned vcpu, uint64_t offset, unsigned size);
void ics_regs_write(void *ctl, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value);

/* ---- XIVE exploitation mode (hcall/xive.c; spec/irq.md §3) ----
 * The hcalls' whole semantics, argument checks included: each returns a
 * PAPR status (H_SUCCESS, H_P2 ...) and fills out[] (r4 ...). */
int64_t xive_get_source_info(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t out[9]);
int64_t xive_set_source_config(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t target,
                               uint64_t prio, uint64_t eisn);
int64_t xive_get_source_config(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t out[9]);
int64_t xive_get_queue_info(struct irq_ctl *ctl, uint64_t flags, uint64_t target, uint64_t prio,
                            uint64_t out[9]);
int64_t xive_set_queue_config(struct irq_ctl *ctl, uint64_t flags, uint64_t target, uint64_t prio,
                              uint64_t qpage, uint64_t qshift);
int64_t xive_get_queue_config(struct irq_ctl *ctl, uint64_t flags, uint64_t target, uint64_t prio,
                              uint64_t out[9]);
int64_t xive_esb_hcall(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn, uint64_t offset,
                       uint64_t data, uint64_t out[9]);
int64_t xive_sync(struct irq_ctl *ctl, uint64_t flags, uint64_t lisn);
int64_t xive_reset_all(struct irq_ctl *ctl, uint64_t flags);

/* The ESB pages and the TIMA (irq.h), as MMIO; the TIMA shows the
 * accessing vCPU's registers. */
uint64_t xive_esb_read(void *ctl, unsigned vcpu, uint64_t offset, unsigned size);
void xive_esb_write(void *ctl, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value);
uint64_t xive_tima_read(void *ctl, unsigned vcpu, uint64_t offset, unsigned size);
void xive_tima_write(void *ctl, unsigned vcpu, uint64_t offset, unsigned size, uint64_t value);

/* XIVE H_INT_GET_SOURCE_INFO flags (spec/hcalls.md §3.8, PAPR bit 63 = 1). */
#define XIVE_SRC_H_INT_ESB 0x8ull
#define XIVE_SRC_LSI       0x4ull
#define XIVE_SRC_TRIGGER   0x2ull
#define XIVE_SRC_STORE_EOI 0x1ull
/* H_INT_SET_SOURCE_CONFIG flags. */
#define XIVE_SRC_SET_EISN 0x2ull
#define XIVE_SRC_MASK     0x1ull
/* H_INT_SET_QUEUE_CONFIG / GET flags. */
#define XIVE_EQ_ALWAYS_NOTIFY 0x1ull
#define XIVE_EQ_DEBUG         0x1ull
/* H_INT_ESB flags. */
#define XIVE_ESB_STORE 0x1ull

/* ESB management-page operations (spec/irq.md §3.2). */
#define XIVE_ESB_LOAD_EOI  0x000u
#define XIVE_ESB_STORE_EOI 0x400u
#define XIVE_ESB_GET       0x800u
#define XIVE_ESB_SET_PQ_00 0xc00u
#define XIVE_ESB_SET_PQ_01 0xd00u
#define XIVE_ESB_SET_PQ_10 0xe00u
#define XIVE_ESB_SET_PQ_11 0xf00u
#define XIVE_ESB_INVALID   (~0ull)

/* TIMA OS ring (spec/irq.md §3.3): offsets in the OS page. */
#define XIVE_TM_QW1_OS      0x10u
#define XIVE_TM_NSR         0x0u
#define XIVE_TM_CPPR        0x1u
#define XIVE_TM_IPB         0x2u
#define XIVE_TM_LSMFB       0x3u
#define XIVE_TM_PIPR        0x7u
#define XIVE_TM_WORD2       0x8u
#define XIVE_TM_ACK_OS_REG  0x810u
#define XIVE_TM_SET_OS_PEND 0x812u
#define XIVE_TM_NSR_EO      0x80u

#endif
