/*
 * Resets from every place a stale completion could hide (issue: reset as
 * firmware re-entry), run with -bios on -smp 2 with -device
 * petrel-irq-test (include/petrel/irqtest.h), driven by
 * run_reset_tests.py.  Each entry at 0x100 is a reset's firmware re-entry:
 * reset-start.S saved the registers vCPU 0 got; here they must be the
 * power-on state (r3 = the hardware description, every other GPR, LR,
 * CTR, CR, XER, MSR 0), vCPU 1 stopped, the test device reset.  Then the
 * next stage requests the next reset (state in RAM a reset keeps):
 *   vCPU 0 alone, by an MMIO store to RESET and by the reboot hcall;
 *   vCPU 0 likewise while vCPU 1 waits in H_CEDE;
 *   vCPU 1, by an MMIO store or the reboot hcall, while vCPU 0 is in a
 *   loop of hcalls, a loop of MMIO loads, or in H_CEDE -- ROUNDS times
 *   each with different delays;
 *   vCPU 0, in XIVE mode while vCPU 1 fires the test device into its
 *   event queue (at entry: XICS again, nothing pending, the cleared
 *   queues still empty);
 *   the host (QMP system_reset) while both loop.
 * Prints "reset: entry N ok after WHAT" per entry, "reset: all ok" and
 * powers off 0 at the end; "reset FAIL ..." and a status >= 2 otherwise.
 */
#include <stdint.h>

#include <petrel/irqtest.h>
#include <petrel/layout.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "reset-payload.h"

#define ROUNDS 6
#define MAGIC  0x7265736574706c64ull /* "resetpld" */

void payload_main(unsigned long cpu);
extern char secondary_start[];

/* Kept across resets (RESET_PERSIST). */
struct persist {
    uint64_t magic;
    uint64_t entries;
    uint64_t stage, round;
    uint64_t last; /* 1 + the stage that requested the reset, 0: power-on */
};
#define P ((volatile struct persist *)RESET_PERSIST)

/* What vCPU 1 does, and vCPU 0's progress it watches (.bss: zero at
 * every entry, the firmware region being cleared by the reset). */
enum { V1_CEDE = 1, V1_STORE_RESET, V1_HCALL_REBOOT, V1_HCALL_LOOP, V1_FIRE };
static volatile struct {
    unsigned cmd;
    uint64_t threshold; /* vCPU 0's iterations before vCPU 1 acts */
    uint64_t count0;    /* vCPU 0's iterations */
    uint64_t ceding1;   /* vCPU 1 entered H_CEDE */
    uint64_t fired1;    /* vCPU 1's FIRE stores */
} sh;

/* XIVE event queues, one per vCPU (.bss: the reset clears them, so one
 * found written at entry was written after the reset). */
#define PRIO_XIVE     6
#define XIVE_EQ_SHIFT 12
static uint32_t eq_mem[2][(1u << XIVE_EQ_SHIFT) / 4] __attribute__((aligned(4096)));

static long hcall(unsigned long op, unsigned long a0, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long out[1])
{
    register unsigned long r3 __asm__("r3") = op;
    register unsigned long r4 __asm__("r4") = a0;
    register unsigned long r5 __asm__("r5") = a1;
    register unsigned long r6 __asm__("r6") = a2;
    register unsigned long r7 __asm__("r7") = a3;

    __asm__ volatile("sc 1"
                     : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
                     :
                     : "r0", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "cr1", "cr5",
                       "cr6", "cr7", "memory");
    if (out)
        out[0] = r4;
    return (long)r3;
}

/* The XIVE hcalls' five arguments (r4..r8). */
static long hcall5(unsigned long op, unsigned long a0, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4)
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
    return (long)r3;
}

static void puts_(const char *s)
{
    while (*s) {
        unsigned long w[2] = {0, 0};
        unsigned k = 0;
        while (k < 16 && s[k]) {
            w[k / 8] |= (unsigned long)(uint8_t)s[k] << (56 - 8 * (k % 8));
            k++;
        }
        hcall(H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, k, w[0], w[1], 0);
        s += k;
    }
}

static void put_hex(unsigned long v)
{
    char b[19] = "0x";
    int n = 2;

    for (int sh_ = 60; sh_ >= 0; sh_ -= 4)
        if ((v >> sh_) || sh_ == 0 || n > 2)
            b[n++] = "0123456789abcdef"[(v >> sh_) & 15];
    b[n] = 0;
    puts_(b);
}

static void put_dec(unsigned long v)
{
    char b[21];
    int n = 20;

    b[n] = 0;
    do {
        b[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts_(b + n);
}

static void __attribute__((noreturn)) power_off(unsigned status)
{
    hcall(PETREL_H_POWER_OFF, status, 0, 0, 0, 0);
    for (;;)
        ;
}

static void __attribute__((noreturn)) fail(unsigned status, const char *why, unsigned long got)
{
    puts_("reset FAIL: ");
    puts_(why);
    puts_(", got ");
    put_hex(got);
    puts_("\n");
    power_off(status);
}

static uint32_t rd32(uint64_t a)
{
    return *(volatile uint32_t *)a;
}

static void wr32(uint64_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

#define IRQTEST(r) (PETREL_IRQTEST_BASE + (r))

/* The reset register: the reset takes effect soon; spin until it does. */
static void __attribute__((noreturn)) store_reset(void)
{
    wr32(IRQTEST(PETREL_IRQTEST_RESET), PETREL_IRQTEST_RESET_MAGIC);
    for (;;)
        ;
}

static void __attribute__((noreturn)) hcall_reboot(void)
{
    hcall(PETREL_H_REBOOT, 0, 0, 0, 0, 0);
    fail(3, "the reboot hcall returned", 0);
}

/* vCPU 0's busy loops while vCPU 1 resets the machine. */
static void __attribute__((noreturn)) loop_hcalls(void)
{
    unsigned long out[1];

    for (;;) {
        if (hcall(PETREL_H_QUERY_CPU, 1, 0, 0, 0, out) != H_SUCCESS)
            fail(4, "query-cpu failed", 0);
        sh.count0++;
    }
}

static void __attribute__((noreturn)) loop_mmio_loads(void)
{
    for (;;) {
        uint32_t id = rd32(IRQTEST(PETREL_IRQTEST_ID));
        if (id != PETREL_IRQTEST_MAGIC)
            fail(5, "the test device's ID", id);
        sh.count0++;
    }
}

static void __attribute__((noreturn)) loop_cede(void)
{
    for (;;) {
        hcall(H_CEDE, 0, 0, 0, 0, 0);
        sh.count0++;
    }
}

/* The power-on state of the entry registers (reset-start.S saved them). */
static void check_entry_registers(void)
{
    const volatile uint64_t *r = (const volatile uint64_t *)RESET_ENTRY_SAVE;
    static const char *const names[] = {"lr", "ctr", "cr", "xer", "msr"};

    if (r[3] != HWDESC_ADDR)
        fail(6, "r3 at the firmware entry is not the hardware description", r[3]);
    for (unsigned i = 0; i < RESET_SAVE_WORDS; i++) {
        if (i == 3 || r[i] == 0)
            continue;
        puts_("reset FAIL: at the firmware entry ");
        if (i < 32) {
            puts_("r");
            put_dec(i);
        } else {
            puts_(names[i - 32]);
        }
        puts_(" = ");
        put_hex(r[i]);
        puts_(", not its power-on 0\n");
        power_off(7);
    }
}

static void start_vcpu1(unsigned cmd, uint64_t threshold)
{
    sh.cmd = cmd;
    sh.threshold = threshold;
    __asm__ volatile("sync" ::: "memory");
    if (hcall(PETREL_H_START_CPU, 1, (unsigned long)secondary_start, 1, 0, 0) != H_SUCCESS)
        fail(8, "start-cpu of vCPU 1", 0);
}

static void wait_vcpu1_ceding(void)
{
    while (!sh.ceding1)
        ;
    /* It set the flag just before its H_CEDE: give it time to get in. */
    for (volatile unsigned i = 0; i < 20000; i++)
        ;
}

/* A source's ESB management page; a load at +0xc00 sets PQ to 00 (on,
 * nothing pending): the unmask, and the EOI of an edge source. */
static uint64_t esb_mgmt(unsigned lisn)
{
    return PETREL_XIVE_ESB_BASE + ((uint64_t)lisn << PETREL_XIVE_ESB_SHIFT) + 0x10000;
}

static void esb_pq00(unsigned lisn)
{
    (void)*(volatile uint64_t *)(esb_mgmt(lisn) + 0xc00);
}

/* XIVE exploitation mode with both test sources routed to vCPU 1's
 * queue, so the device's interrupts land in guest memory. */
static void enter_xive(void)
{
    long rc = hcall(PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, 0);

    if (rc != H_SUCCESS)
        fail(14, "switching to XIVE", (unsigned long)rc);
    for (unsigned cpu = 0; cpu < 2; cpu++) {
        rc = hcall5(H_INT_SET_QUEUE_CONFIG, 1, cpu, PRIO_XIVE, (unsigned long)eq_mem[cpu],
                    XIVE_EQ_SHIFT);
        if (rc != H_SUCCESS)
            fail(15, "H_INT_SET_QUEUE_CONFIG", (unsigned long)rc);
    }
    for (unsigned lisn = PETREL_IRQTEST_LSI; lisn <= PETREL_IRQTEST_MSI; lisn++) {
        rc = hcall5(H_INT_SET_SOURCE_CONFIG, 2 /* SET_EISN */, lisn, 1, PRIO_XIVE, lisn);
        if (rc != H_SUCCESS)
            fail(16, "H_INT_SET_SOURCE_CONFIG", (unsigned long)rc);
        esb_pq00(lisn);
    }
}

static void vcpu1_main(void)
{
    if (sh.cmd == V1_FIRE) {
        for (;;) {
            wr32(IRQTEST(PETREL_IRQTEST_FIRE), 1);
            wr32(IRQTEST(PETREL_IRQTEST_LEVEL), (uint32_t)(sh.fired1 & 1));
            /* EOI both, so that every firing queues an event. */
            esb_pq00(PETREL_IRQTEST_MSI);
            (void)*(volatile uint64_t *)esb_mgmt(PETREL_IRQTEST_LSI);
            sh.fired1++;
        }
    }
    while (sh.cmd == V1_CEDE) {
        sh.ceding1 = 1;
        hcall(H_CEDE, 0, 0, 0, 0, 0);
    }
    if (sh.cmd == V1_HCALL_LOOP) {
        unsigned long out[1];
        for (;;)
            hcall(PETREL_H_QUERY_CPU, 0, 0, 0, 0, out);
    }
    while (sh.count0 < sh.threshold)
        ;
    if (sh.cmd == V1_STORE_RESET)
        store_reset();
    hcall_reboot();
}

/* The stages: what requests the reset after this entry. */
enum {
    ST_STORE_ALONE,
    ST_HCALL_ALONE,
    ST_HCALL_V1_CEDED,
    ST_STORE_V1_CEDED,
    ST_RACE_FIRST, /* vCPU 1 resets while vCPU 0 is busy, ROUNDS times each */
    ST_V1_STORE_V0_HCALLS = ST_RACE_FIRST,
    ST_V1_STORE_V0_LOADS,
    ST_V1_STORE_V0_CEDED,
    ST_V1_HCALL_V0_HCALLS,
    ST_V1_HCALL_V0_LOADS,
    ST_V1_HCALL_V0_CEDED,
    ST_XIVE_FIRING, /* even rounds: vCPU 0's MMIO store, odd: its reboot hcall */
    ST_RACE_END,
    ST_HOST = ST_RACE_END,
    ST_DONE,
};

static const char *const stage_names[] = {
    [ST_STORE_ALONE] = "an MMIO store to the reset register",
    [ST_HCALL_ALONE] = "the reboot hcall",
    [ST_HCALL_V1_CEDED] = "the reboot hcall, vCPU 1 in H_CEDE",
    [ST_STORE_V1_CEDED] = "an MMIO store, vCPU 1 in H_CEDE",
    [ST_V1_STORE_V0_HCALLS] = "vCPU 1's MMIO store, vCPU 0 in hcalls",
    [ST_V1_STORE_V0_LOADS] = "vCPU 1's MMIO store, vCPU 0 in MMIO loads",
    [ST_V1_STORE_V0_CEDED] = "vCPU 1's MMIO store, vCPU 0 in H_CEDE",
    [ST_V1_HCALL_V0_HCALLS] = "vCPU 1's reboot hcall, vCPU 0 in hcalls",
    [ST_V1_HCALL_V0_LOADS] = "vCPU 1's reboot hcall, vCPU 0 in MMIO loads",
    [ST_V1_HCALL_V0_CEDED] = "vCPU 1's reboot hcall, vCPU 0 in H_CEDE",
    [ST_XIVE_FIRING] = "vCPU 0's reset in XIVE mode, vCPU 1 firing the device",
    [ST_HOST] = "the host's system_reset",
};

static void run_stage(uint64_t stage, uint64_t round)
{
    /* vCPU 1 waits for a varying number of vCPU 0's iterations. */
    uint64_t threshold = 200 + (round * 7919) % 5000;

    switch (stage) {
    case ST_STORE_ALONE: store_reset();
    case ST_HCALL_ALONE: hcall_reboot();
    case ST_HCALL_V1_CEDED:
        start_vcpu1(V1_CEDE, 0);
        wait_vcpu1_ceding();
        hcall_reboot();
    case ST_STORE_V1_CEDED:
        start_vcpu1(V1_CEDE, 0);
        wait_vcpu1_ceding();
        store_reset();
    case ST_V1_STORE_V0_HCALLS: start_vcpu1(V1_STORE_RESET, threshold); loop_hcalls();
    case ST_V1_STORE_V0_LOADS: start_vcpu1(V1_STORE_RESET, threshold); loop_mmio_loads();
    case ST_V1_STORE_V0_CEDED: start_vcpu1(V1_STORE_RESET, 0); loop_cede();
    case ST_V1_HCALL_V0_HCALLS: start_vcpu1(V1_HCALL_REBOOT, threshold); loop_hcalls();
    case ST_V1_HCALL_V0_LOADS: start_vcpu1(V1_HCALL_REBOOT, threshold); loop_mmio_loads();
    case ST_V1_HCALL_V0_CEDED: start_vcpu1(V1_HCALL_REBOOT, 0); loop_cede();
    case ST_XIVE_FIRING:
        enter_xive();
        start_vcpu1(V1_FIRE, 0);
        /* Until the queue has entries: interrupts are being delivered. */
        while (sh.fired1 < threshold || !eq_mem[1][0])
            ;
        if (round & 1)
            hcall_reboot();
        store_reset();
    case ST_HOST:
        start_vcpu1(V1_HCALL_LOOP, 0);
        puts_("reset: waiting for the host's system_reset\n");
        for (;;) {
            if (rd32(IRQTEST(PETREL_IRQTEST_ID)) != PETREL_IRQTEST_MAGIC)
                fail(5, "the test device's ID", 0);
            if (hcall(PETREL_H_QUERY_CPU, 1, 0, 0, 0, 0) != H_SUCCESS)
                fail(4, "query-cpu failed", 0);
        }
    default: break;
    }
}

void payload_main(unsigned long cpu)
{
    unsigned long out[1];
    uint64_t stage, round;
    uint32_t v;

    if (cpu != 0) {
        vcpu1_main();
        fail(9, "vCPU 1 ran out of work", 0);
    }
    check_entry_registers();
    if (P->magic != MAGIC) {
        P->magic = MAGIC;
        P->entries = 0;
        P->stage = 0;
        P->round = 0;
        P->last = 0;
    }
    P->entries++;
    stage = P->stage;
    round = P->round;
    if (hcall(PETREL_H_QUERY_CPU, 1, 0, 0, 0, out) != H_SUCCESS || out[0] != PETREL_CPU_STOPPED)
        fail(10, "vCPU 1 is not stopped after the reset", out[0]);
    /* The controller is back in its power-on mode (XICS: H_XIRR works)
     * with nothing pending, and nothing was delivered into the cleared
     * event queues after the reset. */
    if (hcall(H_XIRR, 0, 0, 0, 0, out) != H_SUCCESS || out[0] != 0)
        fail(17, "H_XIRR at entry (XICS, nothing pending)", out[0]);
    for (unsigned cpu = 0; cpu < 2; cpu++)
        for (unsigned i = 0; i < (1u << XIVE_EQ_SHIFT) / 4; i++)
            if (eq_mem[cpu][i])
                fail(18, "an event queue written after the reset", eq_mem[cpu][i]);
    /* The test device was reset (the previous entry left it raised). */
    v = rd32(IRQTEST(PETREL_IRQTEST_LEVEL));
    if (v != 0)
        fail(11, "the test device's level survived the reset", v);
    v = rd32(IRQTEST(PETREL_IRQTEST_FIRED));
    if (v != 0)
        fail(12, "the test device's fire count survived the reset", v);
    puts_("reset: entry ");
    put_dec(P->entries);
    puts_(" ok");
    if (P->last) {
        puts_(" after ");
        puts_(stage_names[P->last - 1]);
    }
    puts_("\n");
    if (stage == ST_DONE) {
        puts_("reset: all ok\n");
        power_off(0);
    }
    /* The next entry's stage. */
    if (stage >= ST_RACE_FIRST && stage < ST_RACE_END && round + 1 < ROUNDS) {
        P->round = round + 1;
    } else {
        P->stage = stage + 1;
        P->round = 0;
    }
    P->last = stage + 1;
    /* Leave the device raised: the reset must lower it. */
    wr32(IRQTEST(PETREL_IRQTEST_LEVEL), 1);
    wr32(IRQTEST(PETREL_IRQTEST_FIRE), 1);
    run_stage(stage, round);
    fail(13, "no stage", stage);
}
