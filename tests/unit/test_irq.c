/*
 * The interrupt controllers (irq/) on their own: a fake host records each
 * vCPU's external interrupt input.  XICS: priority masking against CPPR,
 * reject and resend, EOI ordering, IPIs through MFRR, LSI re-presentation
 * after EOI against MSI delivery, the ICS register block.  XIVE: the PQ
 * state machine through ESB loads, stores and H_INT_ESB, queue writes and
 * the generation bit across a wrap, the TIMA OS ring (CPPR, ACK, PIPR),
 * LSIs, the H_INT_* argument checks.  The mode switch: refused while live,
 * clearing the old mode, keeping level inputs, dropping masked pendings.
 */
#include <stdlib.h>

#include <petrel/irqtest.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "check.h"
#include "irq/irq.h"
#include "vmm/memory.h"

#define NCPU 2
#define RAM  (16u << 20)
#define MSI  0x1300u
#define MSI2 0x1301u
#define MSI3 0x1302u
#define LSI  0x1200u

static bool line[NCPU];
static unsigned wakes;
static struct guest_mem mem;

static void set_line(void *o, unsigned vcpu, bool level)
{
    (void)o;
    CHECK(vcpu < NCPU);
    line[vcpu] = level;
}

static void wake(void *o)
{
    (void)o;
    wakes++;
}

static struct irq_ctl *make(unsigned mode)
{
    const struct irq_host host = {set_line, wake, NULL, &mem};
    struct irq_ctl *ctl = irq_create(&host, NCPU, 4, mode);

    if (!ctl)
        abort();
    return ctl;
}

/* ---- XICS ---- */

static uint32_t ics_reg(struct irq_ctl *ctl, unsigned n, unsigned reg)
{
    return (uint32_t)ics_regs_read(ctl, 0, PETREL_XICS_ICS_SRC(n) + reg, 4);
}

static void ics_set(struct irq_ctl *ctl, unsigned n, unsigned server, unsigned prio)
{
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(n) + PETREL_ICS_SERVER, 4, server);
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(n) + PETREL_ICS_SAVED, 4, prio);
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(n) + PETREL_ICS_PRIORITY, 4, prio);
}

static void test_xics_masking(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XICS);
    uint32_t xirr;
    uint8_t mfrr;

    /* Reset: CPPR 0 and every source masked. */
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0);
    CHECK_EQ(mfrr, 0xff);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_PRIORITY), 0xff);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_STATUS), PETREL_ICS_STATUS_VALID);
    CHECK_EQ(ics_reg(ctl, LSI, PETREL_ICS_STATUS), PETREL_ICS_STATUS_VALID | PETREL_ICS_STATUS_LSI);

    /* A masked MSI waits at the source; unmasking with CPPR 0 rejects it,
     * so it still waits; opening CPPR delivers it. */
    irq_pulse(ctl, MSI);
    CHECK(!line[0]);
    CHECK(ics_reg(ctl, MSI, PETREL_ICS_STATUS) & PETREL_ICS_STATUS_PENDING);
    ics_set(ctl, MSI, 0, 5);
    CHECK(!line[0]);
    CHECK(ics_reg(ctl, MSI, PETREL_ICS_STATUS) & PETREL_ICS_STATUS_PENDING);
    wakes = 0;
    xics_set_cppr(ctl, 0, 0xff);
    CHECK(line[0]);
    CHECK_EQ(wakes, 1);
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0xff000000u | MSI);

    /* Lowering CPPR to the pending priority rejects it (line drops);
     * raising it again re-presents it. */
    xics_set_cppr(ctl, 0, 5);
    CHECK(!line[0]);
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0x05000000u);
    xics_set_cppr(ctl, 0, 6);
    CHECK(line[0]);
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0x06000000u | MSI);

    /* A source at exactly CPPR is not presented either. */
    ics_set(ctl, MSI3, 0, 6);
    irq_pulse(ctl, MSI3);
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0x06000000u | MSI);
    ics_set(ctl, MSI3, 0, 0xff); /* it waits there, masked, from now on */
    /* A more favoured source displaces it; the displaced one comes back
     * after the EOI of the first, not before. */
    ics_set(ctl, MSI2, 0, 3);
    irq_pulse(ctl, MSI2);
    xirr = xics_accept(ctl, 0);
    CHECK_EQ(xirr, 0x06000000u | MSI2);
    CHECK(!line[0]);
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0x03000000u); /* CPPR = the accepted priority */
    CHECK(ics_reg(ctl, MSI2, PETREL_ICS_STATUS) & PETREL_ICS_STATUS_SERVICE);
    xics_eoi(ctl, 0, 0x06000000u | MSI2);
    CHECK(!(ics_reg(ctl, MSI2, PETREL_ICS_STATUS) & PETREL_ICS_STATUS_SERVICE));
    CHECK(line[0]);
    CHECK_EQ(xics_accept(ctl, 0), 0x06000000u | MSI);
    xics_eoi(ctl, 0, 0xff000000u | MSI);
    CHECK(!line[0]);
    /* A spurious accept returns XISR 0 and keeps CPPR. */
    CHECK_EQ(xics_accept(ctl, 0), 0xff000000u);
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0xff000000u);

    /* Routing to server 1; a bad server or priority is ignored. */
    ics_set(ctl, MSI, 1, 4);
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(MSI) + PETREL_ICS_SERVER, 4, NCPU);
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(MSI) + PETREL_ICS_PRIORITY, 4, 0x100);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_SERVER), 1);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_PRIORITY), 4);
    xics_set_cppr(ctl, 1, 0xff);
    irq_pulse(ctl, MSI);
    CHECK(line[1] && !line[0]);
    CHECK_EQ(xics_accept(ctl, 1), 0xff000000u | MSI);
    xics_eoi(ctl, 1, 0xff000000u | MSI);

    /* int-off saves the priority and masks; int-on restores it. */
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(MSI) + PETREL_ICS_CONTROL, 4,
                   PETREL_ICS_CTL_INT_OFF);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_PRIORITY), 0xff);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_SAVED), 4);
    irq_pulse(ctl, MSI);
    CHECK(!line[1]);
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(MSI) + PETREL_ICS_CONTROL, 4, PETREL_ICS_CTL_INT_ON);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_PRIORITY), 4);
    CHECK(line[1]); /* what arrived masked is delivered on unmask */
    CHECK_EQ(xics_accept(ctl, 1), 0xff000000u | MSI);
    xics_eoi(ctl, 1, 0xff000000u | MSI);

    /* The header, bad sizes and numbers outside the ICS. */
    CHECK_EQ(ics_regs_read(ctl, 0, PETREL_ICS_MODE, 4), PETREL_IC_XICS);
    CHECK_EQ(ics_regs_read(ctl, 0, PETREL_ICS_FIRST, 4), PETREL_XICS_ICS_BASE);
    CHECK_EQ(ics_regs_read(ctl, 0, PETREL_ICS_COUNT, 4), PETREL_XICS_ICS_COUNT);
    CHECK_EQ(ics_regs_read(ctl, 0, PETREL_ICS_SERVERS, 4), NCPU);
    CHECK_EQ(ics_regs_read(ctl, 0, PETREL_XICS_ICS_SRC(MSI), 8), ~0ull);
    CHECK_EQ(ics_regs_read(ctl, 0, PETREL_XICS_ICS_SRC(MSI) + 2, 4), ~0ull);
    CHECK_EQ(ics_regs_read(ctl, 0, 0x800, 4), 0);
    irq_destroy(ctl);
}

static void test_xics_ipi(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XICS);
    uint32_t xirr;
    uint8_t mfrr;

    xics_set_cppr(ctl, 1, 0xff);
    /* The IPI with CPPR 0 on server 0 is held; server 1 takes it. */
    xics_set_mfrr(ctl, 0, 4);
    CHECK(!line[0]);
    xics_set_mfrr(ctl, 1, 4);
    CHECK(line[1]);
    xics_poll(ctl, 1, &xirr, &mfrr);
    CHECK_EQ(xirr, 0xff000002u);
    CHECK_EQ(mfrr, 4);
    CHECK(line[1]); /* poll accepted nothing */
    /* A less favoured source does not displace it; it is rejected. */
    ics_set(ctl, MSI, 1, 5);
    irq_pulse(ctl, MSI);
    xics_poll(ctl, 1, &xirr, &mfrr);
    CHECK_EQ(xirr, 0xff000002u);
    CHECK_EQ(xics_accept(ctl, 1), 0xff000002u);
    /* The handler clears MFRR, then EOIs with the old CPPR: the rejected
     * source comes back. */
    xics_set_mfrr(ctl, 1, 0xff);
    CHECK(!line[1]);
    xics_eoi(ctl, 1, 0xff000002u);
    CHECK(line[1]);
    CHECK_EQ(xics_accept(ctl, 1), 0xff000000u | MSI);
    /* An IPI more favoured than the CPPR of the source in service. */
    xics_set_mfrr(ctl, 1, 2);
    CHECK(line[1]);
    CHECK_EQ(xics_accept(ctl, 1), 0x05000002u);
    xics_set_mfrr(ctl, 1, 0xff);
    xics_eoi(ctl, 1, 0x05000002u);
    xics_eoi(ctl, 1, 0xff000000u | MSI);
    CHECK(!line[1]);
    /* Server 0 gets its IPI once it opens CPPR. */
    xics_set_cppr(ctl, 0, 0xff);
    CHECK(line[0]);
    irq_destroy(ctl);
}

static void test_xics_lsi(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XICS);

    xics_set_cppr(ctl, 0, 0xff);
    ics_set(ctl, LSI, 0, 5);
    irq_set_level(ctl, LSI, true);
    CHECK(line[0]);
    CHECK(ics_reg(ctl, LSI, PETREL_ICS_STATUS) & PETREL_ICS_STATUS_ASSERTED);
    CHECK_EQ(xics_accept(ctl, 0), 0xff000000u | LSI);
    /* In service: not presented again before its EOI, even with CPPR
     * opened. */
    xics_set_cppr(ctl, 0, 0xff);
    CHECK(!line[0]);
    /* EOI while still asserted: presented again. */
    xics_eoi(ctl, 0, 0xff000000u | LSI);
    CHECK(line[0]);
    CHECK_EQ(xics_accept(ctl, 0), 0xff000000u | LSI);
    irq_set_level(ctl, LSI, false);
    xics_eoi(ctl, 0, 0xff000000u | LSI);
    CHECK(!line[0]);
    /* Pulsing a level source does nothing; levels on an edge source
     * neither. */
    irq_pulse(ctl, LSI);
    irq_set_level(ctl, MSI, true);
    CHECK(!line[0]);
    /* An MSI fires once per pulse: accepted and EOI'd, it stays quiet. */
    ics_set(ctl, MSI, 0, 5);
    irq_pulse(ctl, MSI);
    CHECK_EQ(xics_accept(ctl, 0), 0xff000000u | MSI);
    xics_eoi(ctl, 0, 0xff000000u | MSI);
    CHECK(!line[0]);
    /* Reset: the input goes low, the level is forgotten. */
    irq_set_level(ctl, LSI, true);
    CHECK(line[0]);
    irq_reset(ctl, PETREL_IC_XICS);
    CHECK(!line[0]);
    CHECK_EQ(ics_reg(ctl, LSI, PETREL_ICS_STATUS), PETREL_ICS_STATUS_VALID | PETREL_ICS_STATUS_LSI);
    irq_destroy(ctl);
}

/* ---- XIVE ---- */

#define EQ_PAGE  0x100000u
#define EQ_PAGE2 0x200000u

static uint64_t esb_mgmt(struct irq_ctl *ctl, unsigned lisn, unsigned op)
{
    return xive_esb_read(ctl, 0, ((uint64_t)lisn << PETREL_XIVE_ESB_SHIFT) + 0x10000 + op, 8);
}

static void esb_trigger(struct irq_ctl *ctl, unsigned lisn)
{
    xive_esb_write(ctl, 0, (uint64_t)lisn << PETREL_XIVE_ESB_SHIFT, 8, 0);
}

static uint64_t tima_read(struct irq_ctl *ctl, unsigned vcpu, unsigned off, unsigned size)
{
    return xive_tima_read(ctl, vcpu, 2 * PETREL_XIVE_TIMA_PAGE_SIZE + off, size);
}

static void tima_cppr(struct irq_ctl *ctl, unsigned vcpu, uint8_t cppr)
{
    xive_tima_write(ctl, vcpu, 2 * PETREL_XIVE_TIMA_PAGE_SIZE + XIVE_TM_QW1_OS + XIVE_TM_CPPR, 1,
                    cppr);
}

static uint32_t eq_entry(uint64_t page, unsigned i)
{
    const uint8_t *p = mem.ram + page + 4 * i;
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void test_xive_pq(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XIVE);
    uint64_t out[9] = {0};

    /* Reset 01: triggers ignored. */
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 1);
    irq_pulse(ctl, MSI);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 1);
    /* 0xc00: 00, returns the old 01. */
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_00), 1);
    irq_pulse(ctl, MSI);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 2); /* 10 */
    irq_pulse(ctl, MSI);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 3); /* 11 */
    irq_pulse(ctl, MSI);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 3);
    /* EOI from 11: 10 and a new notification (returns 1). */
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_LOAD_EOI), 1);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 2);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_LOAD_EOI), 0);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 0);
    /* The LD_ST_MO variant (offset bit 0x40) is the same operation. */
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_11 | 0x40), 0);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_10), 3);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_01), 2);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_LOAD_EOI), 0);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_GET), 1); /* EOI leaves 01 */
    /* The same through H_INT_ESB; stores set PQ at 0xc00.. too. */
    CHECK_EQ(xive_esb_hcall(ctl, XIVE_ESB_STORE, MSI, XIVE_ESB_SET_PQ_00, 0, out), H_SUCCESS);
    CHECK_EQ(xive_esb_hcall(ctl, 0, MSI, XIVE_ESB_GET, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0);
    esb_trigger(ctl, MSI);
    CHECK_EQ(xive_esb_hcall(ctl, 0, MSI, XIVE_ESB_GET, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 2);
    CHECK_EQ(xive_esb_hcall(ctl, 2, MSI, 0, 0, out), H_PARAMETER);
    CHECK_EQ(xive_esb_hcall(ctl, 0, 0x20, 0, 0, out), H_P2); /* not an IPI, not a device */
    CHECK_EQ(xive_esb_hcall(ctl, 0, MSI, 0x10000, 0, out), H_P3);
    /* Loads from a trigger page, an invalid LISN, an offset with no
     * operation: all ones. */
    CHECK_EQ(xive_esb_read(ctl, 0, (uint64_t)MSI << PETREL_XIVE_ESB_SHIFT, 8), XIVE_ESB_INVALID);
    CHECK_EQ(esb_mgmt(ctl, 0x20, XIVE_ESB_GET), XIVE_ESB_INVALID);
    CHECK_EQ(esb_mgmt(ctl, MSI, 0x500), XIVE_ESB_INVALID);
    irq_destroy(ctl);
}

static void test_xive_queue(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XIVE);
    uint64_t out[9] = {0};
    const unsigned n = 4096 / 4;

    memset(mem.ram + EQ_PAGE, 0, 4096);
    CHECK_EQ(xive_set_queue_config(ctl, XIVE_EQ_ALWAYS_NOTIFY, 1, 6, EQ_PAGE, 12), H_SUCCESS);
    CHECK_EQ(xive_get_queue_config(ctl, 0, 1, 6, out), H_SUCCESS);
    CHECK_EQ(out[0], XIVE_EQ_ALWAYS_NOTIFY);
    CHECK_EQ(out[1], EQ_PAGE);
    CHECK_EQ(out[2], 12);
    CHECK_EQ(xive_get_queue_info(ctl, 0, 1, 6, out), H_SUCCESS);
    CHECK_EQ(out[1], 12);
    CHECK_EQ(xive_set_source_config(ctl, XIVE_SRC_SET_EISN, MSI, 1, 6, 0x1234), H_SUCCESS);
    CHECK_EQ(xive_get_source_config(ctl, 0, MSI, out), H_SUCCESS);
    CHECK_EQ(out[0], 1);
    CHECK_EQ(out[1], 6);
    CHECK_EQ(out[2], 0x1234);
    esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_00);
    /* Fill the queue once and three more: generation 1 first, 0 after
     * the wrap (irq.md §3.4). */
    for (unsigned i = 0; i < n + 3; i++) {
        irq_pulse(ctl, MSI);
        CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_00), 2);
    }
    CHECK_EQ(eq_entry(EQ_PAGE, 0), 0x1234); /* overwritten, gen 0 */
    CHECK_EQ(eq_entry(EQ_PAGE, 2), 0x1234);
    CHECK_EQ(eq_entry(EQ_PAGE, 3), 0x80001234u); /* first pass, gen 1 */
    CHECK_EQ(eq_entry(EQ_PAGE, n - 1), 0x80001234u);
    CHECK_EQ(xive_get_queue_config(ctl, XIVE_EQ_DEBUG, 1, 6, out), H_SUCCESS);
    CHECK_EQ(out[3], 3);                /* index */
    CHECK_EQ(out[0] & (1ull << 62), 0); /* generation now 0 */
    /* Nothing on vCPU 0; vCPU 1 has priority 6 pending but CPPR 0. */
    CHECK(!line[0] && !line[1]);
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_QW1_OS + XIVE_TM_IPB, 1), 0x80 >> 6);
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_QW1_OS + XIVE_TM_PIPR, 1), 6);
    CHECK_EQ(tima_read(ctl, 0, XIVE_TM_QW1_OS + XIVE_TM_IPB, 1), 0);
    /* CPPR 6 still masks priority 6; 7 lets it through. */
    tima_cppr(ctl, 1, 6);
    CHECK(!line[1]);
    tima_cppr(ctl, 1, 0xff);
    CHECK(line[1]);
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_QW1_OS + XIVE_TM_NSR, 1), XIVE_TM_NSR_EO);
    /* ACK: old NSR, new CPPR = 6; IPB bit and NSR cleared, input low. */
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_ACK_OS_REG, 2), 0x8006);
    CHECK(!line[1]);
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_QW1_OS, 4), 0x00060000u); /* NSR CPPR IPB LSMFB */
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_ACK_OS_REG, 2), 0x0006);  /* nothing more */
    tima_cppr(ctl, 1, 0xff);
    CHECK(!line[1]);
    /* WORD2: the CAM line, valid, the vCPU. */
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_QW1_OS + XIVE_TM_WORD2, 4), 0x80000001u);
    /* The user page and a bad ACK size read as ones. */
    CHECK_EQ(xive_tima_read(ctl, 1, 3 * PETREL_XIVE_TIMA_PAGE_SIZE + 0x10, 1), ~0ull);
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_ACK_OS_REG, 8), ~0ull);

    /* A masked route drops events; priority 0xff resets it. */
    CHECK_EQ(xive_set_source_config(ctl, XIVE_SRC_MASK, MSI, 1, 6, 0), H_SUCCESS);
    irq_pulse(ctl, MSI);
    CHECK_EQ(tima_read(ctl, 1, XIVE_TM_QW1_OS + XIVE_TM_IPB, 1), 0);
    CHECK_EQ(xive_get_source_config(ctl, 0, MSI, out), H_SUCCESS);
    CHECK_EQ(out[1], 0xff);
    CHECK_EQ(out[2], 0x1234); /* EISN kept without SET_EISN */

    /* IPIs: LISN 1, triggered through its trigger page. */
    memset(mem.ram + EQ_PAGE2, 0, 65536);
    CHECK_EQ(xive_set_queue_config(ctl, 1, 0, 6, EQ_PAGE2, 16), H_SUCCESS);
    CHECK_EQ(xive_set_source_config(ctl, XIVE_SRC_SET_EISN, 1, 0, 6, 77), H_SUCCESS);
    esb_mgmt(ctl, 1, XIVE_ESB_SET_PQ_00);
    tima_cppr(ctl, 0, 0xff);
    esb_trigger(ctl, 1);
    CHECK(line[0]);
    CHECK_EQ(eq_entry(EQ_PAGE2, 0), 0x80000000u | 77);
    /* H_INT_RESET: masked, unrouted, no queue, nothing pending. */
    CHECK_EQ(xive_reset_all(ctl, 1), H_PARAMETER);
    CHECK_EQ(xive_reset_all(ctl, 0), H_SUCCESS);
    CHECK(!line[0]);
    CHECK_EQ(esb_mgmt(ctl, 1, XIVE_ESB_GET), 1);
    CHECK_EQ(xive_get_queue_config(ctl, 0, 0, 6, out), H_SUCCESS);
    CHECK_EQ(out[2], 0);
    CHECK_EQ(tima_read(ctl, 0, XIVE_TM_QW1_OS + XIVE_TM_CPPR, 1), 0xff); /* the OS's */
    irq_destroy(ctl);
}

static void test_xive_lsi(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XIVE);
    uint64_t out[9] = {0};

    memset(mem.ram + EQ_PAGE, 0, 4096);
    CHECK_EQ(xive_get_source_info(ctl, 0, LSI, out), H_SUCCESS);
    CHECK_EQ(out[0], XIVE_SRC_LSI);
    CHECK_EQ(out[1], PETREL_XIVE_ESB_BASE + ((uint64_t)LSI << 17) + 0x10000);
    CHECK_EQ(out[2], PETREL_XIVE_ESB_BASE + ((uint64_t)LSI << 17));
    CHECK_EQ(out[3], 16);
    CHECK_EQ(xive_get_source_info(ctl, 0, MSI, out), H_SUCCESS);
    CHECK_EQ(out[0], 0);
    CHECK_EQ(xive_set_queue_config(ctl, 1, 0, 5, EQ_PAGE, 12), H_SUCCESS);
    CHECK_EQ(xive_set_source_config(ctl, XIVE_SRC_SET_EISN, LSI, 0, 5, 9), H_SUCCESS);
    tima_cppr(ctl, 0, 0xff);
    /* Asserted while masked: nothing; unmasking samples the level. */
    irq_set_level(ctl, LSI, true);
    CHECK(!line[0]);
    esb_mgmt(ctl, LSI, XIVE_ESB_SET_PQ_00);
    CHECK(line[0]);
    CHECK_EQ(tima_read(ctl, 0, XIVE_TM_ACK_OS_REG, 2), 0x8005);
    /* A software trigger on a level source does nothing. */
    esb_trigger(ctl, LSI);
    CHECK_EQ(esb_mgmt(ctl, LSI, XIVE_ESB_GET), 2);
    /* EOI while still asserted: a new event. */
    CHECK_EQ(esb_mgmt(ctl, LSI, XIVE_ESB_LOAD_EOI), 1);
    CHECK_EQ(eq_entry(EQ_PAGE, 1), 0x80000009u);
    irq_set_level(ctl, LSI, false);
    CHECK_EQ(esb_mgmt(ctl, LSI, XIVE_ESB_LOAD_EOI), 0);
    CHECK_EQ(eq_entry(EQ_PAGE, 2), 0);
    irq_destroy(ctl);
}

static void test_xive_hcall_checks(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XIVE), *xics = make(PETREL_IC_XICS);
    uint64_t out[9] = {0};

    /* Every H_INT_* is H_FUNCTION outside XIVE. */
    CHECK_EQ(xive_get_source_info(xics, 0, MSI, out), H_FUNCTION);
    CHECK_EQ(xive_set_source_config(xics, 0, MSI, 0, 5, 0), H_FUNCTION);
    CHECK_EQ(xive_get_source_config(xics, 0, MSI, out), H_FUNCTION);
    CHECK_EQ(xive_get_queue_info(xics, 0, 0, 5, out), H_FUNCTION);
    CHECK_EQ(xive_set_queue_config(xics, 0, 0, 5, EQ_PAGE, 12), H_FUNCTION);
    CHECK_EQ(xive_get_queue_config(xics, 0, 0, 5, out), H_FUNCTION);
    CHECK_EQ(xive_esb_hcall(xics, 0, MSI, 0x800, 0, out), H_FUNCTION);
    CHECK_EQ(xive_sync(xics, 0, MSI), H_FUNCTION);
    CHECK_EQ(xive_reset_all(xics, 0), H_FUNCTION);
    CHECK_EQ(esb_mgmt(xics, MSI, XIVE_ESB_GET), XIVE_ESB_INVALID);
    CHECK_EQ(tima_read(xics, 0, XIVE_TM_QW1_OS, 1), ~0ull);

    CHECK_EQ(xive_get_source_info(ctl, 1, MSI, out), H_PARAMETER);
    CHECK_EQ(xive_get_source_info(ctl, 0, 4, out), H_P2); /* 4 IPIs: 0..3 */
    CHECK_EQ(xive_get_source_info(ctl, 0, PETREL_IRQ_NR, out), H_P2);
    CHECK_EQ(xive_get_source_info(ctl, 0, ~0ull, out), H_P2);
    CHECK_EQ(xive_get_source_info(ctl, 0, 3, out), H_SUCCESS);
    CHECK_EQ(xive_set_source_config(ctl, 4, MSI, 0, 5, 0), H_PARAMETER);
    CHECK_EQ(xive_set_source_config(ctl, 0, 0x0fff, 0, 5, 0), H_P2);
    CHECK_EQ(xive_set_source_config(ctl, 0, MSI, NCPU, 5, 0), H_P3);
    CHECK_EQ(xive_set_source_config(ctl, 0, MSI, 0, 7, 0), H_P4); /* reserved */
    CHECK_EQ(xive_set_source_config(ctl, 0, MSI, 0, 8, 0), H_P4);
    CHECK_EQ(xive_set_source_config(ctl, XIVE_SRC_SET_EISN, MSI, 0, 5, 1ull << 31), H_P5);
    CHECK_EQ(xive_set_source_config(ctl, 0, MSI, NCPU, 0xff, 0), H_SUCCESS); /* reset */
    CHECK_EQ(xive_get_queue_info(ctl, 0, NCPU, 5, out), H_P2);
    CHECK_EQ(xive_get_queue_info(ctl, 0, 0, 7, out), H_P3);
    CHECK_EQ(xive_set_queue_config(ctl, 2, 0, 5, EQ_PAGE, 12), H_PARAMETER);
    CHECK_EQ(xive_set_queue_config(ctl, 0, NCPU, 5, EQ_PAGE, 12), H_P2);
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 7, EQ_PAGE, 12), H_P3);
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 5, EQ_PAGE + 0x800, 12), H_P4);
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 5, RAM - 0x1000, 16), H_P4);
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 5, RAM, 12), H_P4);       /* not RAM */
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 5, ~0xfffull, 12), H_P4); /* wraps */
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 5, EQ_PAGE, 13), H_P5);
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 5, EQ_PAGE, 64), H_P5);
    CHECK_EQ(xive_set_queue_config(ctl, 0, 0, 5, 0, 0), H_SUCCESS);
    CHECK_EQ(xive_get_queue_config(ctl, 2, 0, 5, out), H_PARAMETER);
    CHECK_EQ(xive_sync(ctl, 1, MSI), H_PARAMETER);
    CHECK_EQ(xive_sync(ctl, 0, 0x20), H_P2);
    CHECK_EQ(xive_sync(ctl, 0, MSI), H_SUCCESS);
    /* The TIMA of a vCPU that does not exist. */
    CHECK_EQ(tima_read(ctl, NCPU, XIVE_TM_QW1_OS, 1), ~0ull);
    irq_destroy(ctl);
    irq_destroy(xics);
}

/* ---- mode switch ---- */

static void test_switch(void)
{
    struct irq_ctl *ctl = make(PETREL_IC_XICS);
    uint64_t out[9] = {0};
    uint32_t xirr;
    uint8_t mfrr;

    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XICS), IRQ_SWITCH_OK); /* already */
    /* An unmasked source is live. */
    xics_set_cppr(ctl, 0, 0xff);
    ics_set(ctl, MSI, 0, 5);
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XIVE), IRQ_SWITCH_BUSY);
    CHECK_EQ(irq_mode(ctl), PETREL_IC_XICS);
    /* Accepted and not EOI'd, even masked since: a vCPU is inside. */
    irq_pulse(ctl, MSI);
    CHECK_EQ(xics_accept(ctl, 0), 0xff000000u | MSI);
    ics_regs_write(ctl, 0, PETREL_XICS_ICS_SRC(MSI) + PETREL_ICS_CONTROL, 4,
                   PETREL_ICS_CTL_INT_OFF);
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XIVE), IRQ_SWITCH_BUSY);
    xics_eoi(ctl, 0, 0xff000000u | MSI);
    /* An IPI requested. */
    xics_set_mfrr(ctl, 1, 0x10);
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XIVE), IRQ_SWITCH_BUSY);
    xics_set_mfrr(ctl, 1, 0xff);
    /* Quiescent with things pending at masked sources: accepted; the
     * pending MSI is dropped, the level stays. */
    irq_pulse(ctl, MSI);
    irq_set_level(ctl, LSI, true);
    CHECK(ics_reg(ctl, MSI, PETREL_ICS_STATUS) & PETREL_ICS_STATUS_PENDING);
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XIVE), IRQ_SWITCH_OK);
    CHECK_EQ(irq_mode(ctl), PETREL_IC_XIVE);
    CHECK(!line[0] && !line[1]);
    /* The ICS registers show nothing outside XICS and take no stores. */
    CHECK_EQ(ics_regs_read(ctl, 0, PETREL_ICS_MODE, 4), PETREL_IC_XIVE);
    CHECK_EQ(ics_reg(ctl, MSI, PETREL_ICS_STATUS), 0);
    ics_set(ctl, MSI, 0, 5);
    /* XICS hcalls' state is gone: nothing from the old MSI arrives. */
    memset(mem.ram + EQ_PAGE, 0, 4096);
    CHECK_EQ(xive_set_queue_config(ctl, 1, 0, 6, EQ_PAGE, 12), H_SUCCESS);
    CHECK_EQ(xive_set_source_config(ctl, XIVE_SRC_SET_EISN, MSI, 0, 6, 0x51), H_SUCCESS);
    CHECK_EQ(xive_set_source_config(ctl, XIVE_SRC_SET_EISN, LSI, 0, 6, 0x52), H_SUCCESS);
    tima_cppr(ctl, 0, 0xff);
    CHECK_EQ(esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_00), 1);
    CHECK(!line[0]);
    CHECK_EQ(eq_entry(EQ_PAGE, 0), 0);
    /* The still-asserted level is delivered once its source is unmasked;
     * the MSI once the device re-raises it. */
    esb_mgmt(ctl, LSI, XIVE_ESB_SET_PQ_00);
    CHECK(line[0]);
    CHECK_EQ(eq_entry(EQ_PAGE, 0), 0x80000052u);
    irq_pulse(ctl, MSI);
    CHECK_EQ(eq_entry(EQ_PAGE, 1), 0x80000051u);
    /* Live XIVE sources (PQ not 01) and pending priorities refuse. */
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XICS), IRQ_SWITCH_BUSY);
    esb_mgmt(ctl, MSI, XIVE_ESB_SET_PQ_01);
    esb_mgmt(ctl, LSI, XIVE_ESB_SET_PQ_01);
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XICS), IRQ_SWITCH_BUSY); /* IPB */
    CHECK_EQ(tima_read(ctl, 0, XIVE_TM_ACK_OS_REG, 2), 0x8006);
    esb_mgmt(ctl, MSI2, XIVE_ESB_SET_PQ_00); /* an unrouted source, but on */
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XICS), IRQ_SWITCH_BUSY);
    esb_mgmt(ctl, MSI2, XIVE_ESB_SET_PQ_01);
    CHECK_EQ(irq_switch_mode(ctl, PETREL_IC_XICS), IRQ_SWITCH_OK);
    /* Back in XICS: a raise reaches neither the old queue nor the TIMA. */
    CHECK_EQ(xive_get_queue_config(ctl, 0, 0, 6, out), H_FUNCTION);
    irq_pulse(ctl, MSI);
    CHECK_EQ(eq_entry(EQ_PAGE, 2), 0);
    CHECK(!line[0]);
    xics_poll(ctl, 0, &xirr, &mfrr);
    CHECK_EQ(xirr, 0); /* CPPR 0 again */
    /* That raise waits, masked, in the new mode's ICS and arrives when the
     * OS configures the source. */
    CHECK(ics_reg(ctl, MSI, PETREL_ICS_STATUS) & PETREL_ICS_STATUS_PENDING);
    xics_set_cppr(ctl, 0, 0xff);
    ics_set(ctl, MSI, 0, 5);
    CHECK(line[0]);
    CHECK_EQ(xics_accept(ctl, 0), 0xff000000u | MSI);
    irq_destroy(ctl);
}

int main(void)
{
    if (guest_mem_init(&mem, RAM) != 0)
        return 2;
    test_xics_masking();
    test_xics_ipi();
    test_xics_lsi();
    test_xive_pq();
    test_xive_queue();
    test_xive_lsi();
    test_xive_hcall_checks();
    test_switch();
    guest_mem_destroy(&mem);
    return check_summary("irq");
}
