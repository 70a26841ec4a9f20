/*
 * The RTAS test kernel: booted with -kernel on the flattened-tree path
 * (RTAS already instantiated, spec/boot-and-cif.md §9.2), it calls every
 * call /rtas publishes the way Linux does (rtas_enter, fwcall.S) with
 * valid and invalid arguments and checks the exact status and outputs
 * (spec/rtas.md §3-§4).  Run with -smp 2 and -M pseries,nvram=FILE.
 *
 * It runs in phases, kept in the NVRAM's last 16 bytes (in the free
 * partition the firmware formatted):
 *   phase 0  every call; sets the clock to 2000-02-29 12:00:00 and
 *            reboots through system-reboot
 *   phase 1  after the reboot: the clock kept its offset, the NVRAM its
 *            bytes; powers off
 *   phase 2  a second petrel run on the same file: the NVRAM persisted,
 *            the clock is the host's again
 * The runner (run_guest_tests.py) checks the lines it prints, the time
 * against the host clock, and the exit status.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/irq.h>
#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/service.h>

#include "hcall.h"
#include "kernel-io.h"

/* fwcall.S, kernel-rtas-smp.S */
void rtas_enter(void *args, uint64_t entry, uint64_t base);
void secondary_entry(void);
void __attribute__((noreturn)) secondary_stop_self(void *args, uint64_t entry);

struct rtas_block {
    uint32_t token, nargs, nret;
    uint32_t cell[16];
};

static const void *fdt;
static int rtas_node;
static uint64_t rtas_base, rtas_entry, rtas_size;
static struct rtas_block blk;
static uint8_t buf[1 << 16] __attribute__((aligned(16)));

static uint32_t token(const char *name)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, rtas_node, name, &len);

    if (!p || len != 4) {
        puts_(name);
        fail(": no token in /rtas");
    }
    return fdt32_to_cpu(*p);
}

/* The call with these args; rets[0] (status) is returned, rets[1..] in
 * out.  The cells after the block's rets hold a canary that must stay. */
static int32_t call_raw(uint32_t tok, uint32_t nargs, uint32_t nret, const uint32_t *in,
                        uint32_t *outv)
{
    blk.token = tok, blk.nargs = nargs, blk.nret = nret;
    for (uint32_t i = 0; i < 16; i++)
        blk.cell[i] = 0x5a5a5a5a;
    for (uint32_t i = 0; i < nargs; i++)
        blk.cell[i] = in[i];
    rtas_enter(&blk, rtas_entry, rtas_base);
    for (uint32_t i = nargs + nret; i < 16; i++)
        if (blk.cell[i] != 0x5a5a5a5a)
            fail("RTAS wrote past the block's rets");
    for (uint32_t i = 1; outv && i < nret; i++)
        outv[i - 1] = blk.cell[nargs + i];
    return nret ? (int32_t)blk.cell[nargs] : 0;
}

static int32_t call(const char *name, uint32_t nargs, uint32_t nret, const uint32_t *in,
                    uint32_t *outv)
{
    return call_raw(token(name), nargs, nret, in, outv);
}

static void expect(const char *what, int32_t got, int32_t want)
{
    if (got != want) {
        puts_("kernel: ");
        puts_(what);
        puts_(": status ");
        put_dec(got);
        puts_(", expected ");
        put_dec(want);
        puts_("\n");
        fail(what);
    }
}

/* Every published call refuses a wrong argument or return count with -3
 * and an unknown token with -1. */
static void check_counts(void)
{
    static const struct {
        const char *name;
        uint32_t nargs, nret;
    } calls[] = {
        {"display-character", 1, 1},
        {"get-time-of-day", 0, 8},
        {"set-time-of-day", 7, 1},
        {"power-off", 2, 1},
        {"system-reboot", 0, 1},
        {"query-cpu-stopped-state", 1, 2},
        {"start-cpu", 3, 1},
        {"stop-self", 0, 1},
        {"ibm,get-system-parameter", 3, 1},
        {"ibm,set-system-parameter", 2, 1},
        {"check-exception", 6, 1},
        {"event-scan", 4, 1},
        {"nvram-fetch", 3, 2},
        {"nvram-store", 3, 2},
        {"set-indicator", 3, 1},
        {"get-sensor-state", 2, 2},
        {"ibm,os-term", 1, 1},
        {"read-pci-config", 2, 2},
        {"write-pci-config", 3, 1},
        {"ibm,read-pci-config", 4, 2},
        {"ibm,write-pci-config", 5, 1},
        {"ibm,set-xive", 3, 1},
        {"ibm,get-xive", 1, 3},
        {"ibm,int-off", 1, 1},
        {"ibm,int-on", 1, 1},
        {"ibm,nmi-register", 2, 1},
        {"ibm,nmi-interlock", 0, 1},
    };
    uint32_t zero[16] = {0};

    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        expect(calls[i].name, call(calls[i].name, calls[i].nargs + 1, calls[i].nret, zero, NULL),
               RTAS_PARAMETER_ERROR);
        expect(calls[i].name, call(calls[i].name, calls[i].nargs, calls[i].nret + 1, zero, NULL),
               RTAS_PARAMETER_ERROR);
    }
    /* check-exception also takes a seventh argument; not five. */
    expect("check-exception nargs 5", call("check-exception", 5, 1, zero, NULL),
           RTAS_PARAMETER_ERROR);
    expect("unknown token", call_raw(0x7777, 0, 1, zero, NULL), RTAS_HARDWARE_ERROR);
    puts_("kernel: counts ok\n");
}

/* An argument block outside RAM or over the RTAS region gets no answer
 * and changes nothing; RTAS still works afterwards. */
static void check_blocks(uint64_t ram_size)
{
    volatile uint32_t *in_rtas = (volatile uint32_t *)(uintptr_t)(rtas_base + rtas_size - 64);
    volatile uint32_t *before = (volatile uint32_t *)(uintptr_t)(rtas_base - 16);
    uint32_t code[256], saved[4], dot[1] = {'.'};

    memcpy(code, (const void *)(uintptr_t)rtas_base, sizeof(code));
    /* Past the end of RAM (32-bit real addresses: RAM is smaller). */
    rtas_enter((void *)(uintptr_t)(ram_size + 0x1000), rtas_entry, rtas_base);
    /* Inside the region: a block that names get-time-of-day. */
    in_rtas[0] = token("get-time-of-day"), in_rtas[1] = 0, in_rtas[2] = 8;
    for (int i = 3; i < 11; i++)
        in_rtas[i] = 0xa5a5a5a5;
    rtas_enter((void *)in_rtas, rtas_entry, rtas_base);
    for (int i = 3; i < 11; i++)
        if (in_rtas[i] != 0xa5a5a5a5)
            fail("RTAS answered a block inside its region");
    /* Straddling the region's start: its rets would land in RTAS. */
    memcpy(saved, (const void *)(uintptr_t)rtas_base, sizeof(saved));
    before[0] = token("get-time-of-day"), before[1] = 0, before[2] = 8;
    rtas_enter((void *)before, rtas_entry, rtas_base);
    if (memcmp(saved, (const void *)(uintptr_t)rtas_base, sizeof(saved)))
        fail("a straddling block wrote into RTAS");
    if (memcmp(code, (const void *)(uintptr_t)rtas_base, sizeof(code)))
        fail("the RTAS image changed");
    expect("a call after the bad blocks", call("display-character", 1, 1, dot, NULL), 0);
    puts_("kernel: bad argument blocks refused\n");
}

static void print_time(const uint32_t *t)
{
    puts_("kernel: time ");
    put_dec(t[0]);
    for (int i = 1; i < 6; i++) {
        puts_(i < 3 ? "-" : i == 3 ? " " : ":");
        if (t[i] < 10)
            puts_("0");
        put_dec(t[i]);
    }
    puts_("\n");
}

static void get_time(uint32_t *t)
{
    uint32_t zero[1] = {0};

    expect("get-time-of-day", call("get-time-of-day", 0, 8, zero, t), 0);
    if (t[1] < 1 || t[1] > 12 || t[2] < 1 || t[2] > 31 || t[3] > 23 || t[4] > 59 || t[5] > 59 ||
        t[6] > 999999999)
        fail("get-time-of-day: a field out of range");
}

static void check_time(void)
{
    static const uint32_t bad[][7] = {
        {1899, 12, 31, 23, 59, 59, 0}, {2001, 2, 29, 0, 0, 0, 0}, {2000, 13, 1, 0, 0, 0, 0},
        {2000, 0, 1, 0, 0, 0, 0},      {2000, 4, 31, 0, 0, 0, 0}, {2000, 1, 1, 24, 0, 0, 0},
        {2000, 1, 1, 0, 60, 0, 0},     {2000, 1, 1, 0, 0, 60, 0}, {2000, 1, 1, 0, 0, 0, 1000000000},
        {10000, 1, 1, 0, 0, 0, 0},
    };
    static const uint32_t leap[7] = {2000, 2, 29, 12, 0, 0, 0};
    uint32_t t[7];

    get_time(t);
    print_time(t); /* the runner compares it with the host clock */
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect("set-time-of-day with a bad field", call("set-time-of-day", 7, 1, bad[i], NULL),
               RTAS_PARAMETER_ERROR);
    get_time(t);
    if (t[0] < 2020)
        fail("a refused set-time-of-day changed the clock");
    expect("set-time-of-day", call("set-time-of-day", 7, 1, leap, NULL), 0);
    get_time(t);
    if (t[0] != 2000 || t[1] != 2 || t[2] != 29 || t[3] != 12 || t[4] != 0 || t[5] > 2)
        fail("set-time-of-day does not read back");
    puts_("kernel: set-time-of-day reads back ");
    print_time(t);
}

static uint32_t nvram_size(void)
{
    int node = fdt_path_offset(fdt, "/vdevice/nvram@71000001"), len;
    const fdt32_t *p = node >= 0 ? fdt_getprop(fdt, node, "#bytes", &len) : NULL;

    if (!p || len != 4)
        fail("no /vdevice/nvram #bytes");
    return fdt32_to_cpu(*p);
}

static int32_t nvram(const char *name, uint32_t off, uint64_t addr, uint32_t len, uint32_t *moved)
{
    uint32_t in[3] = {off, (uint32_t)addr, len}, o[1] = {0xdead};
    int32_t st = call(name, 3, 2, in, o);

    *moved = o[0];
    return st;
}

static void check_nvram(uint32_t size, uint64_t ram_size)
{
    uint32_t moved;

    /* The firmware's format: a "common" system partition first. */
    expect("nvram-fetch header", nvram("nvram-fetch", 0, (uintptr_t)buf, 16, &moved), 0);
    if (moved != 16 || buf[0] != 0x70 || memcmp(buf + 4, "common", 7))
        fail("nvram: no common partition first");
    if (size > sizeof(buf))
        fail("the NVRAM is larger than the test's buffer");
    expect("nvram-fetch all", nvram("nvram-fetch", 0, (uintptr_t)buf, size, &moved), 0);
    if (moved != size)
        fail("nvram-fetch: wrong count");
    expect("nvram-fetch none", nvram("nvram-fetch", size, (uintptr_t)buf, 0, &moved), 0);
    expect("nvram-fetch past the end", nvram("nvram-fetch", size - 8, (uintptr_t)buf, 16, &moved),
           RTAS_PARAMETER_ERROR);
    expect("nvram-store past the end", nvram("nvram-store", size + 1, (uintptr_t)buf, 0, &moved),
           RTAS_PARAMETER_ERROR);
    expect("nvram-fetch wrapping", nvram("nvram-fetch", 16, (uintptr_t)buf, 0xfffffff8, &moved),
           RTAS_PARAMETER_ERROR);
    expect("nvram-fetch to no RAM", nvram("nvram-fetch", 0, ram_size - 8, 16, &moved),
           RTAS_PARAMETER_ERROR);
    expect("nvram-fetch into RTAS", nvram("nvram-fetch", 0, rtas_base + 0x100, 16, &moved),
           RTAS_PARAMETER_ERROR);
    if (moved != 0)
        fail("a refused nvram call reports bytes moved");
    puts_("kernel: nvram ");
    put_dec(size);
    puts_(" bytes ok\n");
}

/* The test's record at the NVRAM's end: "RTAS" and the phase. */
static unsigned nvram_phase(uint32_t size)
{
    uint32_t moved;

    expect("nvram-fetch phase", nvram("nvram-fetch", size - 16, (uintptr_t)buf, 16, &moved), 0);
    if (memcmp(buf, "RTAS", 4))
        return 0;
    for (unsigned i = 8; i < 16; i++)
        if (buf[i] != (uint8_t)(i * 13))
            fail("nvram: the record's pattern changed");
    return buf[4];
}

static void nvram_set_phase(uint32_t size, unsigned phase)
{
    uint32_t moved;

    memcpy(buf, "RTAS", 4);
    buf[4] = (uint8_t)phase, buf[5] = buf[6] = buf[7] = 0;
    for (unsigned i = 8; i < 16; i++)
        buf[i] = (uint8_t)(i * 13);
    expect("nvram-store phase", nvram("nvram-store", size - 16, (uintptr_t)buf, 16, &moved), 0);
    if (moved != 16)
        fail("nvram-store: wrong count");
}

static void check_events(uint64_t ram_size)
{
    uint32_t scan[4] = {0xffffffff, 0, (uint32_t)(uintptr_t)buf, RTAS_ERROR_LOG_MAX};
    uint32_t exc[7] = {0x500, 0x1000, 0x40000000, 0, (uint32_t)(uintptr_t)buf, 2048, 0};

    memset(buf, 0xcc, 16);
    expect("event-scan", call("event-scan", 4, 1, scan, NULL), RTAS_NO_ERRORS);
    expect("check-exception", call("check-exception", 6, 1, exc, NULL), RTAS_NO_ERRORS);
    expect("check-exception, 7 args", call("check-exception", 7, 1, exc, NULL), RTAS_NO_ERRORS);
    if (buf[0] != 0xcc)
        fail("no event, yet the buffer changed");
    scan[3] = 0;
    expect("event-scan empty buffer", call("event-scan", 4, 1, scan, NULL), RTAS_PARAMETER_ERROR);
    scan[2] = (uint32_t)ram_size - 16, scan[3] = 2048;
    expect("event-scan buffer past RAM", call("event-scan", 4, 1, scan, NULL),
           RTAS_PARAMETER_ERROR);
    exc[4] = (uint32_t)rtas_base;
    expect("check-exception buffer in RTAS", call("check-exception", 6, 1, exc, NULL),
           RTAS_PARAMETER_ERROR);
    puts_("kernel: events ok\n");
}

static void check_sensors(void)
{
    uint32_t in[3], o[1];

    in[0] = 9, in[1] = 0, o[0] = 0xdead;
    expect("get-sensor-state EPOW", call("get-sensor-state", 2, 2, in, o), 0);
    if (o[0] != 0)
        fail("EPOW sensor not normal");
    in[1] = 1;
    expect("get-sensor-state EPOW 1", call("get-sensor-state", 2, 2, in, o), RTAS_PARAMETER_ERROR);
    in[0] = 9003, in[1] = 0x10000000;
    expect("get-sensor-state DR", call("get-sensor-state", 2, 2, in, o), RTAS_PARAMETER_ERROR);
    in[0] = 9000, in[1] = 0, in[2] = 1;
    expect("set-indicator surveillance", call("set-indicator", 3, 1, in, NULL), 0);
    in[0] = 9001, in[1] = 0x10000000, in[2] = 1;
    expect("set-indicator isolation", call("set-indicator", 3, 1, in, NULL), RTAS_PARAMETER_ERROR);
    puts_("kernel: sensors ok\n");
}

static void check_sysparm(uint64_t ram_size)
{
    uint32_t in[3] = {20, (uint32_t)(uintptr_t)buf, 4096};
    const char *want = "MaxEntCap=200,DesMem=512,DesProcs=2,MaxPlatProcs=2";
    uint32_t n;

    memset(buf, 0xcc, 64);
    expect("get-system-parameter 20", call("ibm,get-system-parameter", 3, 1, in, NULL), 0);
    n = (uint32_t)(buf[0] << 8 | buf[1]);
    if (n != strlen(want) + 1 || memcmp(buf + 2, want, n))
        fail("SPLPAR characteristics differ");
    puts_("kernel: splpar ");
    puts_((const char *)buf + 2);
    puts_("\n");
    memset(buf, 0xcc, 64);
    in[2] = 10; /* cut to the buffer */
    expect("get-system-parameter short", call("ibm,get-system-parameter", 3, 1, in, NULL), 0);
    if (buf[0] != 0 || buf[1] != 8 || memcmp(buf + 2, want, 8) || buf[10] != 0xcc)
        fail("a short buffer is not cut to its size");
    in[0] = 42, in[2] = 4096;
    expect("get-system-parameter 42", call("ibm,get-system-parameter", 3, 1, in, NULL), 0);
    if (buf[0] != 0 || buf[1] != 1 || buf[2] != 0)
        fail("diagnostics run mode is not one byte 0");
    in[0] = 44;
    expect("get-system-parameter 44", call("ibm,get-system-parameter", 3, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    in[0] = 20, in[2] = 1;
    expect("get-system-parameter tiny", call("ibm,get-system-parameter", 3, 1, in, NULL),
           RTAS_SYSPARM_PARAM_ERROR);
    in[1] = (uint32_t)ram_size - 8, in[2] = 64;
    expect("get-system-parameter past RAM", call("ibm,get-system-parameter", 3, 1, in, NULL),
           RTAS_SYSPARM_PARAM_ERROR);
    in[1] = (uint32_t)rtas_base;
    expect("get-system-parameter into RTAS", call("ibm,get-system-parameter", 3, 1, in, NULL),
           RTAS_SYSPARM_PARAM_ERROR);
    in[0] = 20, in[1] = (uint32_t)(uintptr_t)buf;
    expect("set-system-parameter 20", call("ibm,set-system-parameter", 2, 1, in, NULL),
           RTAS_NOT_AUTHORIZED);
    in[0] = 44;
    expect("set-system-parameter 44", call("ibm,set-system-parameter", 2, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    puts_("kernel: system parameters ok\n");
}

static void check_os_term(uint64_t ram_size)
{
    static const char msg[] = "test kernel says goodbye";
    uint32_t in[1] = {(uint32_t)(uintptr_t)msg};

    expect("ibm,os-term", call("ibm,os-term", 1, 1, in, NULL), 0);
    in[0] = (uint32_t)ram_size;
    expect("ibm,os-term outside RAM", call("ibm,os-term", 1, 1, in, NULL), RTAS_PARAMETER_ERROR);
    puts_("kernel: os-term ok\n");
}

/* PHB 0 (petrel/pci.h) has no functions yet: config reads of any
 * function are all ones, writes vanish; malformed accesses are -3. */
static void check_pci(void)
{
    static const struct {
        uint32_t cfg, size, value;
    } reads[] = {
        {0x00000000, 4, 0xffffffff}, {0x00000802, 2, 0xffff},     {0x00000003, 1, 0xff},
        {0x00ff0000, 4, 0xffffffff}, {0x10000100, 4, 0xffffffff}, {0xf00000fc, 4, 0xffffffff},
    };
    static const struct {
        uint32_t cfg, size;
    } bad[] = {{0x00000001, 2}, {0x00000002, 4}, {0x00000000, 3}, {0x00000000, 0}, {0x0, 8}};
    uint32_t hi = (uint32_t)(PETREL_PHB_BUID_BASE >> 32), lo = (uint32_t)PETREL_PHB_BUID_BASE;
    uint32_t in[5], o[1];

    for (unsigned i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        in[0] = reads[i].cfg, in[1] = hi, in[2] = lo, in[3] = reads[i].size, o[0] = 0;
        expect("ibm,read-pci-config", call("ibm,read-pci-config", 4, 2, in, o), 0);
        if (o[0] != reads[i].value)
            fail("an absent function does not read all ones");
        in[1] = reads[i].size;
        expect("read-pci-config", call("read-pci-config", 2, 2, in, o), 0);
        if (o[0] != reads[i].value)
            fail("read-pci-config: an absent function does not read all ones");
    }
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        in[0] = bad[i].cfg, in[1] = hi, in[2] = lo, in[3] = bad[i].size, in[4] = 0;
        expect("ibm,read-pci-config malformed", call("ibm,read-pci-config", 4, 2, in, o),
               RTAS_PARAMETER_ERROR);
        expect("ibm,write-pci-config malformed", call("ibm,write-pci-config", 5, 1, in, NULL),
               RTAS_PARAMETER_ERROR);
    }
    in[0] = 0x0004, in[1] = hi, in[2] = lo, in[3] = 2, in[4] = 0x0006;
    expect("ibm,write-pci-config", call("ibm,write-pci-config", 5, 1, in, NULL), 0);
    in[1] = 2, in[2] = 6;
    expect("write-pci-config", call("write-pci-config", 3, 1, in, NULL), 0);
    in[1] = hi, in[2] = lo + 1, in[3] = 4;
    expect("ibm,read-pci-config, a BUID of no PHB", call("ibm,read-pci-config", 4, 2, in, o),
           RTAS_PARAMETER_ERROR);
    in[1] = 0, in[2] = 0;
    expect("ibm,read-pci-config, BUID 0", call("ibm,read-pci-config", 4, 2, in, o),
           RTAS_PARAMETER_ERROR);
    puts_("kernel: pci config ok\n");
}

/* The XICS source calls: they program the ICS under XICS and are refused
 * with -1 under XIVE (spec/rtas.md §5). */
static void check_xics(void)
{
    bool xics = fdt_node_offset_by_compatible(fdt, -1, "IBM,ppc-xicp") >= 0;
    uint32_t in[3] = {PETREL_IRQ_EPOW, 0, 0}, o[2];

    if (!xics) {
        expect("ibm,get-xive under XIVE", call("ibm,get-xive", 1, 3, in, o), RTAS_HARDWARE_ERROR);
        in[1] = 0, in[2] = 5;
        expect("ibm,set-xive under XIVE", call("ibm,set-xive", 3, 1, in, NULL),
               RTAS_HARDWARE_ERROR);
        expect("ibm,int-on under XIVE", call("ibm,int-on", 1, 1, in, NULL), RTAS_HARDWARE_ERROR);
        puts_("kernel: xive in force: the xics calls are refused\n");
        return;
    }
    expect("ibm,get-xive", call("ibm,get-xive", 1, 3, in, o), 0);
    if (o[0] != 0 || o[1] != 0xff)
        fail("a source is not masked to server 0 at boot");
    in[1] = 1, in[2] = 5;
    expect("ibm,set-xive", call("ibm,set-xive", 3, 1, in, NULL), 0);
    expect("ibm,get-xive", call("ibm,get-xive", 1, 3, in, o), 0);
    if (o[0] != 1 || o[1] != 5)
        fail("ibm,set-xive does not read back");
    expect("ibm,int-off", call("ibm,int-off", 1, 1, in, NULL), 0);
    expect("ibm,get-xive", call("ibm,get-xive", 1, 3, in, o), 0);
    if (o[0] != 1 || o[1] != 0xff)
        fail("ibm,int-off does not mask");
    expect("ibm,int-on", call("ibm,int-on", 1, 1, in, NULL), 0);
    expect("ibm,get-xive", call("ibm,get-xive", 1, 3, in, o), 0);
    if (o[1] != 5)
        fail("ibm,int-on does not restore the priority");
    in[1] = 2; /* -smp 2: servers 0 and 1 */
    expect("ibm,set-xive, no such server", call("ibm,set-xive", 3, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    in[1] = 0, in[2] = 0x100;
    expect("ibm,set-xive, priority > 0xff", call("ibm,set-xive", 3, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    expect("ibm,get-xive", call("ibm,get-xive", 1, 3, in, o), 0);
    if (o[0] != 1 || o[1] != 5)
        fail("a refused ibm,set-xive changed the source");
    for (uint32_t n = 0; n < 3; n++) {
        uint32_t bad[3] = {n == 0 ? 0 : n == 1 ? PETREL_IRQ_EPOW - 1 : PETREL_IRQ_NR, 0, 5};
        expect("ibm,set-xive, no such source", call("ibm,set-xive", 3, 1, bad, NULL),
               RTAS_PARAMETER_ERROR);
        expect("ibm,get-xive, no such source", call("ibm,get-xive", 1, 3, bad, o),
               RTAS_PARAMETER_ERROR);
        expect("ibm,int-off, no such source", call("ibm,int-off", 1, 1, bad, NULL),
               RTAS_PARAMETER_ERROR);
    }
    in[1] = 0, in[2] = 0xff; /* masked again, as the OS found it */
    expect("ibm,set-xive", call("ibm,set-xive", 3, 1, in, NULL), 0);
    puts_("kernel: xics calls ok\n");
}

/*
 * With -append epow (tests/monitor/test_epow.py): waits for the host's
 * power-down request (QMP system_powerdown), sees the EPOW sensor report
 * it, takes the event log through check-exception exactly once, checks
 * it is "system shutdown, normal" in an EP section, and powers off.
 */
static void __attribute__((noreturn)) await_epow(void)
{
    uint32_t sensor[2] = {9, 0}, st[1] = {0};
    uint32_t exc[6] = {0x500, PETREL_IRQ_EPOW, 0x40000000, 0, (uint32_t)(uintptr_t)buf, 2048};
    uint32_t off[2] = {0xffffffff, 0xffffffff};
    const uint8_t *sec;

    puts_("kernel: waiting for a power-down request\n");
    do
        expect("get-sensor-state EPOW", call("get-sensor-state", 2, 2, sensor, st), 0);
    while (st[0] == 0);
    if (st[0] != 3)
        fail("the EPOW sensor is not 3, system shutdown");
    exc[2] = 0x80000000; /* internal errors only: not the EPOW log */
    expect("check-exception, other classes", call("check-exception", 6, 1, exc, NULL),
           RTAS_NO_ERRORS);
    exc[2] = 0x40000000;
    expect("check-exception EPOW", call("check-exception", 6, 1, exc, NULL), 0);
    /* Summary: version 6; severity event, not recovered, extended; type
     * EPOW.  Then a v6 header from IBM. */
    if (buf[0] != 6 || buf[1] != 0x34 || buf[3] != 0x40 || memcmp(buf + 8 + 12, "IBM", 4))
        fail("the EPOW log's headers are wrong");
    sec = buf + 8 + 16;
    if (sec[0] != 'E' || sec[1] != 'P' || sec[8] != 3 || sec[9] != 1)
        fail("no EP section saying system shutdown, normal");
    expect("check-exception again", call("check-exception", 6, 1, exc, NULL), RTAS_NO_ERRORS);
    expect("get-sensor-state EPOW", call("get-sensor-state", 2, 2, sensor, st), 0);
    if (st[0] != 0)
        fail("the EPOW sensor still reports the taken event");
    puts_("kernel: epow: system shutdown, normal\n");
    call("power-off", 2, 1, off, NULL);
    fail("power-off returned");
}

/* kernel-rtas-nmi.S */
void trigger_mce(uint64_t addr);
void mce_handler(void);
extern volatile struct {
    uint64_t r3, saved_r3, srr0, srr1, log0, count;
} mce_record;

/* FWNMI: after ibm,nmi-register a machine check reaches the handler with
 * r3 = a save area in the RTAS region holding the interrupted r3 and an
 * error log; the area is the OS's until ibm,nmi-interlock. */
static void check_nmi(uint64_t ram_size)
{
    uint32_t h = (uint32_t)(uintptr_t)mce_handler, zero[1] = {0};
    uint32_t in[2] = {32u << 20, h};

    expect("ibm,nmi-register above 32 MiB", call("ibm,nmi-register", 2, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    in[0] = h, in[1] = h + 2;
    expect("ibm,nmi-register misaligned", call("ibm,nmi-register", 2, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    in[1] = (uint32_t)rtas_base;
    expect("ibm,nmi-register into RTAS", call("ibm,nmi-register", 2, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    expect("ibm,nmi-interlock before any", call("ibm,nmi-interlock", 0, 1, zero, NULL),
           RTAS_PARAMETER_ERROR);
    in[0] = h, in[1] = h;
    expect("ibm,nmi-register", call("ibm,nmi-register", 2, 1, in, NULL), 0);
    for (uint64_t n = 1; n <= 2; n++) {
        trigger_mce(ram_size + 0x1000);
        if (mce_record.count != n)
            fail("the machine check did not reach the registered handler");
        if (mce_record.r3 < rtas_base || mce_record.r3 >= rtas_base + rtas_size - 16)
            fail("FWNMI r3 is not a save area in the RTAS region");
        if (mce_record.saved_r3 != 0x51515151 || mce_record.srr0 != (uintptr_t)trigger_mce + 12)
            fail("the save area or SRR0 is wrong");
        if (mce_record.log0 >> 24 != 6)
            fail("the save area holds no version 6 error log");
        expect("ibm,nmi-interlock", call("ibm,nmi-interlock", 0, 1, zero, NULL), 0);
        expect("ibm,nmi-interlock again", call("ibm,nmi-interlock", 0, 1, zero, NULL),
               RTAS_PARAMETER_ERROR);
    }
    puts_("kernel: fwnmi ok\n");
}

/* What the second CPU saw when start-cpu entered it. */
static volatile uint64_t sec_r3, sec_msr, sec_pir, sec_runs;
static volatile uint32_t sec_go;
static struct rtas_block sec_blk;

void secondary_main(uint64_t r3, uint64_t msr);
void secondary_main(uint64_t r3, uint64_t msr)
{
    uint64_t pir;

    __asm__ volatile("mfspr %0, 1023" : "=r"(pir));
    sec_r3 = r3, sec_msr = msr, sec_pir = pir;
    __atomic_add_fetch(&sec_runs, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&sec_go, __ATOMIC_SEQ_CST))
        ;
    sec_go = 0;
    sec_blk.token = token("stop-self"), sec_blk.nargs = 0, sec_blk.nret = 1;
    secondary_stop_self(&sec_blk, rtas_entry);
}

static uint32_t cpu_state(uint32_t cpu)
{
    uint32_t in[1] = {cpu}, o[1] = {0xdead};

    expect("query-cpu-stopped-state", call("query-cpu-stopped-state", 1, 2, in, o), 0);
    return o[0];
}

/* Polls until the CPU reports stopped. */
static void wait_stopped(uint32_t cpu)
{
    for (unsigned i = 0; cpu_state(cpu) != 0; i++)
        if (i > 1000000)
            fail("the second CPU never stopped");
}

static void start_secondary(uint64_t r3, unsigned run)
{
    uint32_t in[3] = {1, (uint32_t)(uintptr_t)secondary_entry, (uint32_t)r3};

    expect("start-cpu", call("start-cpu", 3, 1, in, NULL), 0);
    for (unsigned i = 0; __atomic_load_n(&sec_runs, __ATOMIC_SEQ_CST) < run; i++)
        if (i > 100000000)
            fail("the second CPU never ran");
    /* It waits for sec_go: it is running now, and cannot be started. */
    if (cpu_state(1) != 2)
        fail("a started CPU is not reported running");
    expect("start-cpu on a running CPU", call("start-cpu", 3, 1, in, NULL), RTAS_HARDWARE_ERROR);
    if (sec_r3 != r3 || sec_pir != 1 || sec_msr != (1ull << 63 | 1ull << 12))
        fail("the second CPU started with the wrong r3, PIR or MSR");
    __atomic_store_n(&sec_go, 1, __ATOMIC_SEQ_CST);
    wait_stopped(1);
}

static void check_cpus(uint64_t ram_size)
{
    uint32_t in[3] = {2, (uint32_t)(uintptr_t)secondary_entry, 0};

    if (cpu_state(0) != 2)
        fail("the boot CPU is not reported running");
    if (cpu_state(1) != 0)
        fail("the second CPU is not stopped at boot");
    expect("start-cpu of a CPU that is not there", call("start-cpu", 3, 1, in, NULL),
           RTAS_PARAMETER_ERROR);
    in[0] = 1, in[1] = (uint32_t)ram_size;
    expect("start-cpu outside RAM", call("start-cpu", 3, 1, in, NULL), RTAS_PARAMETER_ERROR);
    in[1] = (uint32_t)(uintptr_t)secondary_entry + 2;
    expect("start-cpu misaligned", call("start-cpu", 3, 1, in, NULL), RTAS_PARAMETER_ERROR);
    in[0] = 99;
    expect("query-cpu-stopped-state 99", call("query-cpu-stopped-state", 1, 2, in, in + 1),
           RTAS_PARAMETER_ERROR);
    start_secondary(0x1234abcd, 1);
    /* Once stopped, it can be started again: stop-self is not the end. */
    start_secondary(0x600df00d, 2);
    puts_("kernel: start-cpu and stop-self ok, 2 runs of cpu 1\n");
}

void kernel_main(uint64_t r3)
{
    uint64_t ram_size = 0;
    uint32_t size, t[7], zero[1] = {0};
    unsigned phase;
    int node, len;
    const fdt64_t *reg;

    fdt = (const void *)(uintptr_t)r3;
    if (fdt_check_header(fdt))
        fail("r3 is not a tree");
    node = fdt_path_offset(fdt, "/memory@0");
    reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
    if (!reg || len != 16)
        fail("no /memory@0");
    ram_size = fdt64_to_cpu(reg[1]);
    rtas_node = fdt_path_offset(fdt, "/rtas");
    if (rtas_node < 0)
        fail("no /rtas");
    rtas_base = token("linux,rtas-base");
    rtas_entry = token("linux,rtas-entry");
    rtas_size = token("rtas-size");
    {
        int chosen = fdt_path_offset(fdt, "/chosen");
        const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
        if (args && !strcmp(args, "epow"))
            await_epow();
    }
    size = nvram_size();
    phase = nvram_phase(size);
    puts_("kernel: phase ");
    put_dec(phase);
    puts_("\n");
    switch (phase) {
    case 0:
        check_counts();
        check_blocks(ram_size);
        check_nvram(size, ram_size);
        check_events(ram_size);
        check_sensors();
        check_sysparm(ram_size);
        check_os_term(ram_size);
        check_pci();
        check_xics();
        check_nmi(ram_size);
        check_cpus(ram_size);
        check_time();
        nvram_set_phase(size, 1);
        puts_("kernel: rebooting\n");
        call("system-reboot", 0, 1, zero, NULL);
        fail("system-reboot returned");
    case 1:
        get_time(t);
        if (t[0] != 2000 || t[1] != 2 || t[2] != 29)
            fail("the clock lost its offset in the reboot");
        puts_("kernel: after reboot ");
        print_time(t);
        nvram_set_phase(size, 2);
        break;
    case 2:
        get_time(t);
        print_time(t);
        nvram_set_phase(size, 3);
        break;
    default: fail("unexpected phase");
    }
    puts_("kernel ok\n");
    {
        uint32_t off[2] = {0xffffffff, 0xffffffff};
        call("power-off", 2, 1, off, NULL);
    }
    fail("power-off returned");
}
