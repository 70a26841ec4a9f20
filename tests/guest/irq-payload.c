/*
 * Interrupt delivery end to end, run with -bios on -smp 2 with
 * -device petrel-irq-test (include/petrel/irqtest.h): vCPU 0 checks, under
 * XICS then XIVE then XICS again, that the test device's level and edge
 * sources and IPIs arrive at the external interrupt vector (0x500) of the
 * vCPU they are routed to, that the external interrupt is taken before a
 * decrementer pending at the same time (Power ISA Book III, "Interrupt
 * Priorities"), and that PETREL_H_SET_IC_MODE refuses (H_BUSY) while a
 * source is live and switches once everything is masked: what was pending
 * at the old mode's masked sources is not delivered there, and what the
 * device raises after the OS configured the new mode arrives.  vCPU 1,
 * started with PETREL_H_START_CPU, cedes and answers commands (H_PROD).
 * Prints "irq: all ok" and powers off 0; "irq FAIL <n>: ..." and status n.
 */
#include <stdint.h>

#include <petrel/irq.h>
#include <petrel/irqtest.h>
#include <petrel/layout.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#define LSI           PETREL_IRQTEST_LSI
#define MSI           PETREL_IRQTEST_MSI
#define PRIO_XICS     5
#define PRIO_XIVE     6
#define XIVE_EQ_SHIFT 12
#define EQ_ENTRIES    (1u << XIVE_EQ_SHIFT) / 4

void on_interrupt(unsigned long vector);
void payload_main(unsigned long cpu);
extern char secondary_start[];

static long hcall(unsigned long op, unsigned long a0, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long out[4])
{
    register unsigned long r3 __asm__("r3") = op;
    register unsigned long r4 __asm__("r4") = a0;
    register unsigned long r5 __asm__("r5") = a1;
    register unsigned long r6 __asm__("r6") = a2;
    register unsigned long r7 __asm__("r7") = a3;
    register unsigned long r8 __asm__("r8") = a4;

    __asm__ volatile("sc 1"
                     : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
                     :
                     : "r0", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "cr1", "cr5", "cr6",
                       "cr7", "memory");
    if (out) {
        out[0] = r4;
        out[1] = r5;
        out[2] = r6;
        out[3] = r7;
    }
    return (long)r3;
}

/* ---- console and failure ---- */

static void puts_(const char *s)
{
    while (*s) {
        unsigned long w[2] = {0, 0};
        unsigned k = 0;
        while (k < 16 && s[k]) {
            w[k / 8] |= (unsigned long)(uint8_t)s[k] << (56 - 8 * (k % 8));
            k++;
        }
        hcall(H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, k, w[0], w[1], 0, 0);
        s += k;
    }
}

static void put_hex(unsigned long v)
{
    char b[19] = "0x";
    int n = 2;

    for (int sh = 60; sh >= 0; sh -= 4)
        if ((v >> sh) || sh == 0 || n > 2)
            b[n++] = "0123456789abcdef"[(v >> sh) & 15];
    b[n] = 0;
    puts_(b);
}

static void __attribute__((noreturn)) fail(unsigned n, const char *why, unsigned long got)
{
    puts_("irq FAIL ");
    put_hex(n);
    puts_(": ");
    puts_(why);
    puts_(", got ");
    put_hex(got);
    puts_("\n");
    hcall(PETREL_H_POWER_OFF, n, 0, 0, 0, 0, 0);
    for (;;)
        ;
}

#define EXPECT(n, cond, why, got)                                                                  \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail(n, why, (unsigned long)(got));                                                    \
    } while (0)

/* ---- MMIO, registers ---- */

static uint32_t rd32(uint64_t a)
{
    return *(volatile uint32_t *)a;
}

static void wr32(uint64_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static uint64_t rd64(uint64_t a)
{
    return *(volatile uint64_t *)a;
}

static uint64_t mftb(void)
{
    uint64_t t;
    __asm__ volatile("mftb %0" : "=r"(t));
    return t;
}

static void set_ee(int on)
{
    uint64_t msr;
    __asm__ volatile("mfmsr %0" : "=r"(msr));
    msr = on ? msr | 0x8000 : msr & ~0x8000ull;
    __asm__ volatile("mtmsrd %0, 1" : : "r"(msr) : "memory");
}

static void mtdec(uint32_t v)
{
    __asm__ volatile("mtdec %0" : : "r"((uint64_t)v));
}

/* ---- per-vCPU interrupt records ---- */

#define MAX_EV 32
struct cpu_rec {
    volatile unsigned n;           /* events recorded */
    volatile uint32_t ev[MAX_EV];  /* vector << 24 | source (EISN / XISR) */
    volatile unsigned lsi_repeats; /* LSI deliveries to leave asserted */
    volatile uint32_t *eq;         /* XIVE queue */
    unsigned eq_index, eq_toggle;
};
static struct cpu_rec rec[2];
static volatile unsigned mode; /* PETREL_IC_XICS / _XIVE, as the payload switched */

/* Two 4 KiB event queues, naturally aligned. */
static uint32_t eq_mem[2][EQ_ENTRIES] __attribute__((aligned(4096)));

static void record(unsigned cpu, unsigned vector, uint32_t src)
{
    struct cpu_rec *r = &rec[cpu];
    if (r->n < MAX_EV)
        r->ev[r->n] = vector << 24 | src;
    __atomic_store_n(&r->n, r->n + 1, __ATOMIC_RELEASE);
}

static unsigned my_cpu(void)
{
    uint64_t pir;
    __asm__ volatile("mfspr %0, 1023" : "=r"(pir));
    return (unsigned)pir & 1;
}

static uint64_t esb_mgmt(unsigned lisn)
{
    return PETREL_XIVE_ESB_BASE + ((uint64_t)lisn << PETREL_XIVE_ESB_SHIFT) + 0x10000;
}

static uint64_t esb_trigger(unsigned lisn)
{
    return PETREL_XIVE_ESB_BASE + ((uint64_t)lisn << PETREL_XIVE_ESB_SHIFT);
}

#define TIMA_OS PETREL_XIVE_TIMA_OS_PAGE

/* The device's handler: an LSI is lowered at the device unless a repeat
 * was asked for (then its EOI must re-present it). */
static void service_device(unsigned cpu, uint32_t src)
{
    if (src == LSI) {
        if (rec[cpu].lsi_repeats)
            rec[cpu].lsi_repeats--;
        else
            wr32(PETREL_IRQTEST_BASE + PETREL_IRQTEST_LEVEL, 0);
    }
}

static void xics_external(unsigned cpu)
{
    unsigned long out[4];
    uint32_t xirr, src;

    hcall(H_XIRR, 0xff, 0, 0, 0, 0, out);
    xirr = (uint32_t)out[0];
    src = xirr & 0xffffff;
    record(cpu, 0x5, src);
    if (src == 2)
        hcall(H_IPI, cpu, 0xff, 0, 0, 0, 0);
    else
        service_device(cpu, src);
    if (src)
        hcall(H_EOI, xirr, 0, 0, 0, 0, 0);
}

/* Linux's XIVE entry (irq.md §3.5 item 9): ACK, scan the queue, EOI each
 * source at its ESB, CPPR back to 0xff. */
static void xive_external(unsigned cpu)
{
    struct cpu_rec *r = &rec[cpu];
    uint16_t ack = *(volatile uint16_t *)(TIMA_OS + 0x810);

    if (!(ack >> 8 & 0x80))
        record(cpu, 0x5, 0xffffff); /* spurious */
    for (;;) {
        uint32_t e = r->eq[r->eq_index];
        if ((e >> 31) == r->eq_toggle)
            break;
        if (++r->eq_index == EQ_ENTRIES) {
            r->eq_index = 0;
            r->eq_toggle ^= 1;
        }
        e &= 0x7fffffff;
        record(cpu, 0x5, e);
        service_device(cpu, e);
        if (e == LSI)
            rd64(esb_mgmt(e) + 0x000); /* LSI EOI */
        else
            rd64(esb_mgmt(e) + 0xc00); /* MSI / IPI: PQ 00 */
    }
    *(volatile uint8_t *)(TIMA_OS + 0x11) = 0xff;
}

void on_interrupt(unsigned long vector)
{
    unsigned cpu = my_cpu();

    if (vector == 0x900) {
        record(cpu, 0x9, 0);
        mtdec(0x7fffffff);
    } else if (vector == 0x500) {
        if (mode == PETREL_IC_XIVE)
            xive_external(cpu);
        else
            xics_external(cpu);
    } else {
        fail(99, "unexpected interrupt at vector", vector);
    }
}

/* Waits up to ~1 s for vCPU cpu to have recorded `want` events. */
static void wait_events(unsigned n, unsigned cpu, unsigned want)
{
    uint64_t t0 = mftb();

    while (__atomic_load_n(&rec[cpu].n, __ATOMIC_ACQUIRE) < want)
        if (mftb() - t0 > PETREL_TB_FREQ)
            fail(n, "timed out waiting for interrupts, have", rec[cpu].n);
    /* No more than wanted arrive soon after. */
    t0 = mftb();
    while (mftb() - t0 < PETREL_TB_FREQ / 100)
        ;
    EXPECT(n, rec[cpu].n == want, "interrupt count", rec[cpu].n);
}

static void expect_ev(unsigned n, unsigned cpu, unsigned i, uint32_t ev)
{
    EXPECT(n, rec[cpu].ev[i] == ev, "event", rec[cpu].ev[i]);
}

/* ---- vCPU 1: cede, run commands ---- */

enum { CMD_NONE, CMD_IPI0, CMD_XIVE_CPPR, CMD_STOP };
static volatile unsigned cmd_seq, cmd_op, cmd_done;

static void secondary_main(void)
{
    unsigned seen = 0;

    hcall(H_CPPR, 0xff, 0, 0, 0, 0, 0);
    set_ee(1);
    for (;;) {
        unsigned seq = __atomic_load_n(&cmd_seq, __ATOMIC_ACQUIRE);
        if (seq != seen) {
            seen = seq;
            switch (cmd_op) {
            case CMD_IPI0:
                if (mode == PETREL_IC_XIVE)
                    wr32(esb_trigger(0), 0);
                else
                    hcall(H_IPI, 0, 4, 0, 0, 0, 0);
                break;
            case CMD_XIVE_CPPR: *(volatile uint8_t *)(TIMA_OS + 0x11) = 0xff; break;
            case CMD_STOP:
                __atomic_store_n(&cmd_done, seq, __ATOMIC_RELEASE);
                set_ee(0);
                hcall(PETREL_H_STOP_SELF, 0, 0, 0, 0, 0, 0);
                break;
            }
            __atomic_store_n(&cmd_done, seq, __ATOMIC_RELEASE);
        }
        hcall(H_CEDE, 0, 0, 0, 0, 0, 0); /* returns with EE on */
    }
}

static void command(unsigned n, unsigned op)
{
    uint64_t t0 = mftb();
    unsigned seq = cmd_seq + 1;

    cmd_op = op;
    __atomic_store_n(&cmd_seq, seq, __ATOMIC_RELEASE);
    hcall(H_PROD, 1, 0, 0, 0, 0, 0);
    while (__atomic_load_n(&cmd_done, __ATOMIC_ACQUIRE) != seq)
        if (mftb() - t0 > PETREL_TB_FREQ)
            fail(n, "vCPU 1 does not answer command", op);
}

/* ---- the checks ---- */

static void ics_route(unsigned n, unsigned server, unsigned prio)
{
    uint64_t s = PETREL_XICS_ICS_REGS + PETREL_XICS_ICS_SRC(n);
    wr32(s + PETREL_ICS_SERVER, server);
    wr32(s + PETREL_ICS_SAVED, prio);
    wr32(s + PETREL_ICS_PRIORITY, prio);
}

static void ics_off(unsigned n)
{
    wr32(PETREL_XICS_ICS_REGS + PETREL_XICS_ICS_SRC(n) + PETREL_ICS_CONTROL,
         PETREL_ICS_CTL_INT_OFF);
}

static void fire(void)
{
    wr32(PETREL_IRQTEST_BASE + PETREL_IRQTEST_FIRE, 1);
}

static void level(unsigned v)
{
    wr32(PETREL_IRQTEST_BASE + PETREL_IRQTEST_LEVEL, v);
}

static void reset_rec(void)
{
    for (unsigned c = 0; c < 2; c++)
        rec[c].n = 0;
}

static void test_xics(void)
{
    puts_("irq: XICS on vCPU 0\n");
    EXPECT(1, rd32(PETREL_IRQTEST_BASE) == PETREL_IRQTEST_MAGIC, "test device id",
           rd32(PETREL_IRQTEST_BASE));
    EXPECT(2, rd32(PETREL_XICS_ICS_REGS + PETREL_ICS_MODE) == PETREL_IC_XICS, "ICS mode",
           rd32(PETREL_XICS_ICS_REGS + PETREL_ICS_MODE));
    hcall(H_CPPR, 0xff, 0, 0, 0, 0, 0);
    set_ee(1);
    /* The edge source, routed to vCPU 0 at priority 5. */
    ics_route(MSI, 0, PRIO_XICS);
    fire();
    wait_events(3, 0, 1);
    expect_ev(3, 0, 0, 0x5u << 24 | MSI);
    /* The level source: presented again after EOI while still asserted. */
    reset_rec();
    ics_route(LSI, 0, PRIO_XICS);
    rec[0].lsi_repeats = 2;
    level(1);
    wait_events(4, 0, 3);
    expect_ev(4, 0, 2, 0x5u << 24 | LSI);
    EXPECT(4, rd32(PETREL_IRQTEST_BASE + PETREL_IRQTEST_LEVEL) == 0, "level lowered", 1);
    /* An IPI to itself. */
    reset_rec();
    hcall(H_IPI, 0, 4, 0, 0, 0, 0);
    wait_events(5, 0, 1);
    expect_ev(5, 0, 0, 0x5u << 24 | 2);
    /* CPPR equal to the source's priority holds it back. */
    reset_rec();
    hcall(H_CPPR, PRIO_XICS, 0, 0, 0, 0, 0);
    fire();
    wait_events(6, 0, 0);
    hcall(H_CPPR, 0xff, 0, 0, 0, 0, 0);
    wait_events(6, 0, 1);
    /* External and decrementer pending together: external first. */
    reset_rec();
    set_ee(0);
    mtdec(0);
    fire();
    for (volatile int i = 0; i < 1000; i++)
        ;
    set_ee(1);
    wait_events(7, 0, 2);
    expect_ev(7, 0, 0, 0x5u << 24 | MSI);
    expect_ev(7, 0, 1, 0x9u << 24);
}

static void test_switch_to_xive(void)
{
    long rc;

    puts_("irq: switch to XIVE\n");
    rc = hcall(PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, 0, 0);
    EXPECT(10, rc == H_BUSY, "switch with live sources", rc);
    ics_off(MSI);
    ics_off(LSI);
    /* Pending at masked sources: the edge fired, the level up. */
    fire();
    level(1);
    EXPECT(11,
           rd32(PETREL_XICS_ICS_REGS + PETREL_XICS_ICS_SRC(MSI) + PETREL_ICS_STATUS) &
               PETREL_ICS_STATUS_PENDING,
           "masked MSI pending", 0);
    reset_rec();
    rc = hcall(PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, 0, 0);
    EXPECT(12, rc == H_SUCCESS, "switch once masked", rc);
    mode = PETREL_IC_XIVE;
    EXPECT(12, rd32(PETREL_XICS_ICS_REGS + PETREL_ICS_MODE) == PETREL_IC_XIVE, "ICS mode",
           rd32(PETREL_XICS_ICS_REGS + PETREL_ICS_MODE));
    rc = hcall(H_XIRR, 0xff, 0, 0, 0, 0, 0);
    EXPECT(13, rc == H_FUNCTION, "H_XIRR in XIVE mode", rc);
    wait_events(13, 0, 0); /* nothing delivered into the new mode */
}

static void xive_route(unsigned n, unsigned lisn, unsigned target)
{
    unsigned long out[4];
    long rc = hcall(H_INT_GET_SOURCE_INFO, 0, lisn, 0, 0, 0, out);

    EXPECT(n, rc == H_SUCCESS && out[1] == esb_mgmt(lisn) && out[2] == esb_trigger(lisn),
           "H_INT_GET_SOURCE_INFO", rc ? (unsigned long)rc : out[1]);
    rc = hcall(H_INT_SET_SOURCE_CONFIG, 2 /* SET_EISN */, lisn, target, PRIO_XIVE, lisn, 0);
    EXPECT(n, rc == H_SUCCESS, "H_INT_SET_SOURCE_CONFIG", rc);
}

static void xive_queue(unsigned n, unsigned cpu)
{
    long rc;

    for (unsigned i = 0; i < EQ_ENTRIES; i++)
        eq_mem[cpu][i] = 0;
    rec[cpu].eq = eq_mem[cpu];
    rec[cpu].eq_index = rec[cpu].eq_toggle = 0;
    rc = hcall(H_INT_SET_QUEUE_CONFIG, 1, cpu, PRIO_XIVE, (unsigned long)eq_mem[cpu], XIVE_EQ_SHIFT,
               0);
    EXPECT(n, rc == H_SUCCESS, "H_INT_SET_QUEUE_CONFIG", rc);
}

static void test_xive(void)
{
    puts_("irq: XIVE on vCPU 0\n");
    xive_queue(20, 0);
    xive_route(21, LSI, 0);
    xive_route(21, MSI, 0);
    *(volatile uint8_t *)(TIMA_OS + 0x11) = 0xff;
    /* The level still up from before the switch arrives once unmasked. */
    rd64(esb_mgmt(LSI) + 0xc00);
    wait_events(22, 0, 1);
    expect_ev(22, 0, 0, 0x5u << 24 | LSI);
    /* The MSI that fired under XICS is gone; fired again, it arrives. */
    reset_rec();
    EXPECT(23, (rd64(esb_mgmt(MSI) + 0xc00) & 3) == 1, "MSI PQ before unmask", 0);
    wait_events(23, 0, 0);
    fire();
    wait_events(23, 0, 1);
    expect_ev(23, 0, 0, 0x5u << 24 | MSI);
    /* Level re-presented after EOI while still asserted. */
    reset_rec();
    rec[0].lsi_repeats = 1;
    level(1);
    wait_events(24, 0, 2);
    /* An IPI to itself through its trigger page. */
    reset_rec();
    xive_route(25, 0, 0);
    rd64(esb_mgmt(0) + 0xc00);
    wr32(esb_trigger(0), 0);
    wait_events(25, 0, 1);
    expect_ev(25, 0, 0, 0x5u << 24 | 0);
}

static void test_two_cpus(void)
{
    long rc;

    puts_("irq: vCPU 1 under XICS\n");
    reset_rec();
    hcall(H_CPPR, 0xff, 0, 0, 0, 0, 0); /* the switch reset CPPR to 0 */
    rc = hcall(PETREL_H_START_CPU, 1, (unsigned long)secondary_start, 1, 0, 0, 0);
    EXPECT(30, rc == H_SUCCESS, "start-cpu", rc);
    command(30, CMD_NONE);
    hcall(H_IPI, 1, 4, 0, 0, 0, 0);
    wait_events(31, 1, 1);
    expect_ev(31, 1, 0, 0x5u << 24 | 2);
    ics_route(MSI, 1, PRIO_XICS);
    fire();
    wait_events(32, 1, 2);
    expect_ev(32, 1, 1, 0x5u << 24 | MSI);
    command(33, CMD_IPI0);
    wait_events(33, 0, 1);
    expect_ev(33, 0, 0, 0x5u << 24 | 2);
    EXPECT(34, rec[1].n == 2, "vCPU 1 count", rec[1].n);
}

static void test_two_cpus_xive(void)
{
    long rc;

    puts_("irq: vCPU 1 under XIVE (switched while it runs)\n");
    ics_off(MSI);
    ics_off(LSI);
    rc = hcall(PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, 0, 0);
    EXPECT(40, rc == H_SUCCESS, "switch to XIVE", rc);
    mode = PETREL_IC_XIVE;
    reset_rec();
    xive_queue(41, 0);
    xive_queue(41, 1);
    xive_route(41, 0, 0);
    xive_route(41, 1, 1);
    xive_route(41, MSI, 1);
    rd64(esb_mgmt(0) + 0xc00);
    rd64(esb_mgmt(1) + 0xc00);
    rd64(esb_mgmt(MSI) + 0xc00);
    *(volatile uint8_t *)(TIMA_OS + 0x11) = 0xff;
    command(42, CMD_XIVE_CPPR);
    wr32(esb_trigger(1), 0); /* IPI to vCPU 1 */
    wait_events(43, 1, 1);
    expect_ev(43, 1, 0, 0x5u << 24 | 1);
    fire();
    wait_events(44, 1, 2);
    expect_ev(44, 1, 1, 0x5u << 24 | MSI);
    command(45, CMD_IPI0);
    wait_events(45, 0, 1);
    expect_ev(45, 0, 0, 0x5u << 24 | 0);
    EXPECT(46, rec[0].eq_index == 1, "vCPU 0 queue index", rec[0].eq_index);
}

static void test_switch_back(void)
{
    unsigned long out[4];
    unsigned idx0 = rec[0].eq_index, idx1 = rec[1].eq_index;
    long rc;

    puts_("irq: switch back to XICS\n");
    rc = hcall(PETREL_H_SET_IC_MODE, PETREL_IC_XICS, 0, 0, 0, 0, 0);
    EXPECT(50, rc == H_BUSY, "switch with live XIVE sources", rc);
    for (unsigned lisn = 0; lisn < 2; lisn++)
        rd64(esb_mgmt(lisn) + 0xd00);
    rd64(esb_mgmt(MSI) + 0xd00);
    rd64(esb_mgmt(LSI) + 0xd00);
    reset_rec();
    rc = hcall(PETREL_H_SET_IC_MODE, PETREL_IC_XICS, 0, 0, 0, 0, 0);
    EXPECT(51, rc == H_SUCCESS, "switch once masked", rc);
    mode = PETREL_IC_XICS;
    rc = hcall(H_INT_GET_QUEUE_CONFIG, 0, 0, PRIO_XIVE, 0, 0, out);
    EXPECT(52, rc == H_FUNCTION, "H_INT_* in XICS mode", rc);
    /* Raised now: nothing lands in the old queues or arrives before the
     * OS configures XICS; then it arrives. */
    fire();
    wait_events(53, 0, 0);
    wait_events(53, 1, 0);
    EXPECT(53, eq_mem[0][idx0] == 0 && eq_mem[1][idx1] == 0, "old queue written", eq_mem[1][idx1]);
    hcall(H_CPPR, 0xff, 0, 0, 0, 0, 0);
    ics_route(MSI, 0, PRIO_XICS);
    wait_events(54, 0, 1);
    expect_ev(54, 0, 0, 0x5u << 24 | MSI);
    /* vCPU 1's presenter was reset (CPPR 0): an IPI waits for it. */
    hcall(H_IPOLL, 1, 0, 0, 0, 0, out);
    EXPECT(55, out[0] == 0 && out[1] == 0xff, "vCPU 1 ICP after the switch", out[0]);
    command(56, CMD_STOP);
    {
        uint64_t t0 = mftb();
        do
            hcall(PETREL_H_QUERY_CPU, 1, 0, 0, 0, 0, out);
        while (out[0] != PETREL_CPU_STOPPED && mftb() - t0 < PETREL_TB_FREQ);
    }
    EXPECT(56, out[0] == PETREL_CPU_STOPPED, "vCPU 1 stopped", out[0]);
}

void payload_main(unsigned long cpu)
{
    if (cpu != 0)
        secondary_main();
    mode = PETREL_IC_XICS;
    test_xics();
    test_switch_to_xive();
    test_xive();
    /* Back to XICS for the two-vCPU part. */
    rd64(esb_mgmt(0) + 0xd00);
    rd64(esb_mgmt(MSI) + 0xd00);
    rd64(esb_mgmt(LSI) + 0xd00);
    if (hcall(PETREL_H_SET_IC_MODE, PETREL_IC_XICS, 0, 0, 0, 0, 0) != H_SUCCESS)
        fail(29, "switch back to XICS", 0);
    mode = PETREL_IC_XICS;
    test_two_cpus();
    test_two_cpus_xive();
    test_switch_back();
    puts_("irq: all ok\n");
    hcall(PETREL_H_POWER_OFF, 0, 0, 0, 0, 0, 0);
    for (;;)
        ;
}
