/*
 * A client program for the Open Firmware path that behaves like Linux's
 * prom_init (spec/boot-and-cif.md §2-§8): it runs on the stack the
 * firmware gave it, keeps its argument blocks there, calls the client
 * interface through of_call (fwcall.S, Linux's enter_prom) and RTAS
 * through rtas_enter (enter_rtas).
 *
 * /chosen bootargs picks the mode:
 *   (anything else)  the walk: entry registers, CAS with Linux 6.1's
 *                    request and its result checked (kernel-of-cas.c),
 *                    then the whole tree through
 *                    child/peer/parent/nextprop/getprop/getproplen,
 *                    finddevice, setprop, stdout, read, milliseconds,
 *                    claim/release, instantiate-rtas and RTAS calls,
 *                    quiesce, a write after it, RTAS power-off (status 0)
 *   cif-bad          bad arguments of every kind and CAS requests the
 *                    firmware must refuse, each refused, and the tree
 *                    unchanged afterwards; then Linux's CAS accepted and
 *                    RTAS power-off
 *   cif-exit         the exit service (the firmware powers off, status 1)
 *   rtas-reboot      RTAS system-reboot (run with -no-reboot: status 0)
 * Entered on the flattened-tree path (r5 = 0) it says so and powers off.
 *
 * Output lines start with "of: " (walk, CAS), "of-bad: " (bad arguments);
 * "of FAIL" marks a failed check, and the exit status is then 1.
 */
#include <stdarg.h>
#include <string.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "hcall.h"
#include "kernel-of.h"

/* fwcall.S */
int64_t of_call(void *args, uint64_t entry);
void rtas_enter(void *args, uint64_t entry, uint64_t base);
extern uint64_t of_call_r1_changed, of_call_regs_changed;
/* kernel.lds: the image, bss and stack end here. */
extern char _start[], __stack_top[];

unsigned checks, failures;

void check(bool ok, const char *file, int line, const char *what)
{
    const char *base = strrchr(file, '/');

    checks++;
    if (ok)
        return;
    failures++;
    puts_("of FAIL ");
    puts_(base ? base + 1 : file);
    puts_(":");
    put_dec((uint64_t)line);
    puts_(": ");
    puts_(what);
    puts_("\n");
}
void __attribute__((noreturn)) fatal(const char *why)
{
    puts_("of FAIL: ");
    puts_(why);
    puts_("\n");
    power_off(1);
}

static uint64_t mftb(void)
{
    uint64_t tb;

    __asm__ volatile("mftb %0" : "=r"(tb));
    return tb;
}

/* ---------------------------------------------- the client interface -- */

static uint64_t cif;

/* struct prom_args (§3.3): on the stack, like Linux's call_prom. */
struct ci_args {
    uint32_t service, nargs, nret;
    uint32_t cell[16];
};

int64_t ci_block(void *block)
{
    return of_call(block, cif);
}

/* call_prom: rets[0], or -1 when r3 says the call failed (§3.2). */
uint32_t ci(const char *service, unsigned nargs, unsigned nret, ...)
{
    struct ci_args a = {A(service), nargs, nret, {0}};
    va_list ap;

    va_start(ap, nret);
    for (unsigned i = 0; i < nargs; i++)
        a.cell[i] = va_arg(ap, unsigned);
    va_end(ap);
    if (of_call(&a, cif) < 0)
        return ERR;
    return nret ? a.cell[nargs] : 0;
}

/* r3 of a call (services without results report failure only there). */
int32_t ci_r3(const char *service, unsigned nargs, ...)
{
    struct ci_args a = {A(service), nargs, 0, {0}};
    va_list ap;

    va_start(ap, nargs);
    for (unsigned i = 0; i < nargs; i++)
        a.cell[i] = va_arg(ap, unsigned);
    va_end(ap);
    return (int32_t)of_call(&a, cif);
}

/* call-method with one argument and one result (§4.1). */
uint32_t ci_method(const char *method, uint32_t ih, uint32_t arg, uint32_t *res)
{
    struct ci_args a = {A("call-method"), 3, 2, {A(method), ih, arg, 0x5a5a5a5a, 0x5a5a5a5a}};

    if (of_call(&a, cif) < 0)
        return ERR;
    *res = a.cell[4];
    return a.cell[3];
}

uint32_t getprop32(uint32_t ph, const char *name)
{
    uint32_t v = 0;

    return ci("getprop", 4, 1, ph, A(name), A(&v), 4) == 4 ? v : ERR;
}

static void cif_write(uint32_t ih, const char *s)
{
    uint32_t n = (uint32_t)strlen(s);

    CHECK(ci("write", 3, 1, ih, A(s), n) == n);
}

/* --------------------------------------------------------------- RTAS -- */

static struct {
    uint32_t token, nargs, nret;
    uint32_t cell[16];
} rtas_args; /* in the kernel image, like Linux's */
static uint64_t rtas_base, rtas_entry;

static int32_t rtas(uint32_t token, unsigned nargs, unsigned nret, ...)
{
    va_list ap;

    rtas_args.token = token, rtas_args.nargs = nargs, rtas_args.nret = nret;
    va_start(ap, nret);
    for (unsigned i = 0; i < nargs; i++)
        rtas_args.cell[i] = va_arg(ap, unsigned);
    va_end(ap);
    for (unsigned i = 0; i < nret; i++)
        rtas_args.cell[nargs + i] = 0x5a5a5a5a;
    rtas_enter(&rtas_args, rtas_entry, rtas_base);
    return nret ? (int32_t)rtas_args.cell[nargs] : 0;
}

/* ---------------------------------------------------------- the tree -- */

static void fnv(uint32_t *h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ ((const uint8_t *)p)[i]) * 16777619u;
}

/* A child's path is its parent's plus one non-empty component. */
static bool child_path_ok(const char *parent, const char *path)
{
    size_t n = strcmp(parent, "/") ? strlen(parent) : 0;

    return !strncmp(path, parent, n) && path[n] == '/' && path[n + 1] && !strchr(path + n + 1, '/');
}

static void walk_props(uint32_t ph, struct walk *w)
{
    char name[64], prev[64] = "";
    /* A PHB's interrupt-map (32 slots x 4 pins x 7 cells) is the
     * largest property. */
    static uint8_t val[4097], part[4097];

    for (;;) {
        uint32_t r = ci("nextprop", 3, 1, ph, A(prev), A(name)), len, got;

        if (r == 0)
            break;
        CHECK(r == 1);
        if (r != 1)
            return;
        len = ci("getproplen", 2, 1, ph, A(name));
        CHECK(len <= 4096);
        if (len > 4096)
            return;
        memset(val, 0xa5, sizeof(val));
        got = ci("getprop", 4, 1, ph, A(name), A(val), 4096);
        CHECK(got == len);
        CHECK(val[len] == 0xa5);
        if (len) {
            /* A short buffer: the full length back, only buflen bytes. */
            memset(part, 0xa5, sizeof(part));
            CHECK(ci("getprop", 4, 1, ph, A(name), A(part), len - 1) == len);
            CHECK(part[len - 1] == 0xa5 && !memcmp(part, val, len - 1));
        }
        fnv(&w->sum, name, strlen(name) + 1);
        fnv(&w->sum, val, len);
        w->props++;
        strcpy(prev, name);
    }
}

static void walk_node(uint32_t ph, uint32_t parent, const char *parent_path, struct walk *w)
{
    char path[256];
    uint32_t len = ci("package-to-path", 3, 1, ph, A(path), sizeof(path)), c;

    CHECK(len < sizeof(path));
    if (len >= sizeof(path))
        return;
    CHECK(path[len] == '\0');
    if (parent_path)
        CHECK(child_path_ok(parent_path, path));
    else
        CHECK(!strcmp(path, "/"));
    CHECK(ci("finddevice", 1, 1, A(path)) == ph);
    CHECK(ci("parent", 1, 1, ph) == parent);
    fnv(&w->sum, path, len + 1);
    w->nodes++;
    walk_props(ph, w);
    for (c = ci("child", 1, 1, ph); c && c != ERR; c = ci("peer", 1, 1, c))
        walk_node(c, ph, path, w);
    CHECK(c == 0);
}

struct walk walk_tree(void)
{
    struct walk w = {0, 0, 2166136261u};
    uint32_t root = ci("peer", 1, 1, 0);

    CHECK(root != 0 && root != ERR);
    CHECK(ci("peer", 1, 1, root) == 0);
    walk_node(root, 0, NULL, &w);
    return w;
}

/* ------------------------------------------------------------ shared -- */

static void find_machine(struct machine *m)
{
    uint32_t reg[4], cpus, cpu;

    m->root = ci("finddevice", 1, 1, A("/"));
    m->chosen = ci("finddevice", 1, 1, A("/chosen"));
    m->rtas = ci("finddevice", 1, 1, A("/rtas"));
    m->vty = ci("finddevice", 1, 1, A("/vdevice/vty@71000000"));
    if (m->root == ERR || m->chosen == ERR || m->rtas == ERR || m->vty == ERR)
        fatal("finddevice of /, /chosen, /rtas or the vty failed");
    m->stdout_ih = getprop32(m->chosen, "stdout");
    if (m->stdout_ih == ERR || !m->stdout_ih)
        fatal("no /chosen stdout");
    /* memory@0 is the RMA (§5 step 8); prom_init stays below 768 MiB. */
    if (ci("getprop", 4, 1, ci("finddevice", 1, 1, A("/memory@0")), A("reg"), A(reg), 16) != 16)
        fatal("no memory@0 reg");
    m->ram = (uint64_t)reg[2] << 32 | reg[3];
    m->rmo = m->ram < 0x30000000 ? m->ram : 0x30000000;
    cpus = ci("finddevice", 1, 1, A("/cpus"));
    cpu = ci("child", 1, 1, cpus);
    m->tb_freq = getprop32(cpu, "timebase-frequency");
    if (m->tb_freq == ERR || !m->tb_freq)
        fatal("no timebase-frequency");
}

/* Claims the RTAS region at the top of the RMA, as prom_init's alloc_down
 * does, and instantiates RTAS there (§7). */
static void instantiate_rtas(const struct machine *m)
{
    uint32_t size = getprop32(m->rtas, "rtas-size"), ih, entry = 0;

    CHECK(size != ERR && size >= 0x1000);
    rtas_base = (m->rmo - size) & ~0xfffull;
    CHECK(ci("claim", 3, 1, (unsigned)rtas_base, size, 0) == rtas_base);
    ih = ci("open", 1, 1, A("/rtas"));
    CHECK(ih && ih != ERR);
    CHECK(ci_method("instantiate-rtas", ih, (unsigned)rtas_base, &entry) == 0);
    CHECK(entry >= rtas_base && entry < rtas_base + size);
    rtas_entry = entry;
    if (!entry || entry == 0x5a5a5a5a)
        fatal("no RTAS entry");
    CHECK(ci("setprop", 4, 1, m->rtas, A("linux,rtas-base"), A(&rtas_base) + 4, 4) == 4);
    CHECK(ci("setprop", 4, 1, m->rtas, A("linux,rtas-entry"), A(&rtas_entry) + 4, 4) == 4);
    puts_("of: rtas instantiated at ");
    put_hex(rtas_base);
    puts_(", entry ");
    put_hex(rtas_entry);
    puts_("\n");
}

static void __attribute__((noreturn)) rtas_power_off(const struct machine *m, const char *who)
{
    uint32_t token = getprop32(m->rtas, "power-off");

    puts_(who);
    puts_(": ");
    put_dec(checks);
    puts_(" checks, ");
    put_dec(failures);
    puts_(" failed\n");
    if (failures)
        power_off(1);
    puts_(who);
    puts_(": rtas power-off\n");
    rtas(token, 2, 1, ERR, ERR);
    fatal("RTAS power-off returned");
}

/* -------------------------------------------------------------- walk -- */

static void check_entry(uint64_t r3, uint64_t r4, uint64_t r5, uint64_t msr, uint64_t r1)
{
    /* §2: r5 the interface, r1 a stack in firmware memory below 4 GiB,
     * real mode, EE off, RI on, big-endian (FIXUP_ENDIAN aside), and
     * petrel's choice of 64-bit mode.  ME is the host's to set. */
    CHECK(r5 && r5 < 0x400000 && !(r5 & 3));
    CHECK(r1 > 0x1000 && r1 < 0x400000);
    CHECK(!(msr & (0x1 | 0x10 | 0x20 | 0x8000))); /* LE, DR, IR, EE */
    CHECK((msr & 0x2) && (msr >> 63));            /* RI, SF */
    /* r3/r4: the runner's initrd, byte i = i * 7 + 3 (§2.1). */
    CHECK(r3 && r4 == 70001);
    if (r3 && r4 == 70001) {
        bool same = true;
        for (uint64_t i = 0; i < r4; i++)
            same &= ((const uint8_t *)(uintptr_t)r3)[i] == (uint8_t)(i * 7 + 3);
        CHECK(same);
        puts_("of: initrd in r3/r4, ");
        put_hex(r4);
        puts_(" bytes ok\n");
    }
    puts_("of: entered with r5 = client interface ");
    put_hex(r5);
    puts_(", r1 ");
    put_hex(r1);
    puts_(", MSR ");
    put_hex(msr);
    puts_("\n");
}

static void check_paths(const struct machine *m)
{
    static const struct {
        const char *path, *same_as; /* NULL: must not resolve */
    } paths[] = {
        {"/memory", "/memory@0"},
        {"/vdevice/vty", "/vdevice/vty@71000000"},
        {"hvterm", "/vdevice/vty@71000000"},
        {"hvterm:raw", "/vdevice/vty@71000000"},
        {"/vdevice/vty@71000000:raw", "/vdevice/vty@71000000"},
        {"/chosen/", "/chosen"},
        {"/nonexistent", NULL},
        {"/chosen/nothing", NULL},
        {"nosuchalias", NULL},
        {"hvterm/child", NULL},
        {"", NULL},
    };
    char buf[8];

    CHECK(ci("finddevice", 1, 1, A("/")) == ci("peer", 1, 1, 0));
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        uint32_t ph = ci("finddevice", 1, 1, A(paths[i].path));
        if (paths[i].same_as)
            CHECK(ph != ERR && ph == ci("finddevice", 1, 1, A(paths[i].same_as)));
        else
            CHECK(ph == ERR);
    }
    /* package-to-path into a short buffer: the full length, buflen bytes. */
    memset(buf, 0x77, sizeof(buf));
    CHECK(ci("package-to-path", 3, 1, m->chosen, A(buf), 3) == 7);
    CHECK(!memcmp(buf, "/ch", 3) && buf[3] == 0x77);
    CHECK(ci("package-to-path", 3, 1, m->chosen, A(buf), 0) == 7);
    puts_("of: finddevice of paths and aliases ok\n");
}

static void check_setprop(const struct machine *m)
{
    char buf[32];

    CHECK(ci("setprop", 4, 1, m->chosen, A("petrel,test"), A("value"), 6) == 6);
    CHECK(ci("getprop", 4, 1, m->chosen, A("petrel,test"), A(buf), sizeof(buf)) == 6);
    CHECK(!strcmp(buf, "value"));
    CHECK(ci("setprop", 4, 1, m->chosen, A("petrel,test"), A("a longer one"), 13) == 13);
    CHECK(ci("getproplen", 2, 1, m->chosen, A("petrel,test")) == 13);
    CHECK(ci("getprop", 4, 1, m->chosen, A("petrel,test"), A(buf), sizeof(buf)) == 13);
    CHECK(!strcmp(buf, "a longer one"));
    /* Empty properties, as prom_init's linux,iommu-off. */
    CHECK(ci("setprop", 4, 1, m->chosen, A("petrel,empty"), A(buf), 0) == 0);
    CHECK(ci("getproplen", 2, 1, m->chosen, A("petrel,empty")) == 0);
    puts_("of: setprop then getprop ok\n");
}

static void check_console(const struct machine *m)
{
    char path[64], in[16];
    uint32_t ih, n = 0, t0;

    CHECK(ci("instance-to-path", 3, 1, m->stdout_ih, A(path), sizeof(path)) == 21);
    CHECK(!strcmp(path, "/vdevice/vty@71000000"));
    CHECK(ci("instance-to-package", 1, 1, m->stdout_ih) == m->vty);
    /* prom_init writes linux,stdout-path from instance-to-path (§5). */
    CHECK(ci("setprop", 4, 1, m->chosen, A("linux,stdout-path"), A(path), 22) == 22);
    cif_write(m->stdout_ih, "of: hello through the client interface\n");
    ih = ci("open", 1, 1, A("hvterm"));
    CHECK(ih && ih != ERR && ih != m->stdout_ih);
    cif_write(ih, "of: write on an opened instance\n");
    CHECK(ci("seek", 3, 1, ih, 0, 0) == ERR);
    CHECK(ci_r3("close", 1, ih) == 0);
    CHECK(ci("write", 3, 1, ih, A("x"), 1) == ERR); /* closed */
    CHECK(ci("open", 1, 1, A("/cpus")) == 0);       /* nothing to open there */
    /* The runner types "xyz": read returns what is waiting, never blocks. */
    t0 = ci("milliseconds", 0, 1);
    while (n < 3 && ci("milliseconds", 0, 1) - t0 < 5000) {
        uint32_t r = ci("read", 3, 1, getprop32(m->chosen, "stdin"), A(in + n), 3 - n);
        CHECK(r <= 3 - n);
        if (r > 3 - n)
            break;
        n += r;
    }
    in[n] = '\0';
    puts_("of: read [");
    puts_(in);
    puts_("]\n");
}

static void check_time(const struct machine *m)
{
    uint32_t t0, t1, prev, now;
    uint64_t tb;
    bool monotonic = true;

    t0 = ci("milliseconds", 0, 1);
    tb = mftb();
    while (mftb() - tb < m->tb_freq / 50) /* 20 ms */
        ;
    t1 = ci("milliseconds", 0, 1);
    CHECK(t1 - t0 >= 19 && t1 - t0 < 2000);
    prev = t1;
    for (int i = 0; i < 200; i++) {
        now = ci("milliseconds", 0, 1);
        monotonic &= now >= prev;
        prev = now;
    }
    CHECK(monotonic);
    puts_("of: milliseconds advanced ");
    put_dec(t1 - t0);
    puts_(" over 20 ms of timebase\n");
}

static void check_claim(const struct machine *m, uint64_t initrd)
{
    const uint32_t a = 0x10000000, kend = A(__stack_top);
    uint32_t b;

    CHECK(ci("claim", 3, 1, a, 0x100000, 0) == a);
    CHECK(ci("claim", 3, 1, a, 0x1000, 0) == ERR);                         /* taken */
    CHECK(ci("claim", 3, 1, a + 0xff000, 0x2000, 0) == ERR);               /* overlaps its end */
    CHECK(ci("claim", 3, 1, a - 0x1000, 0x2000, 0) == ERR);                /* overlaps its start */
    CHECK(ci("claim", 3, 1, 0x100000, 0x1000, 0) == ERR);                  /* the firmware */
    CHECK(ci("claim", 3, 1, A(_start), 0x1000, 0) == ERR);                 /* this kernel */
    CHECK(ci("claim", 3, 1, (unsigned)initrd, 0x1000, 0) == ERR);          /* the initrd */
    CHECK(ci("claim", 3, 1, (unsigned)m->ram - 0x1000, 0x2000, 0) == ERR); /* past RAM */
    /* Aligned: anywhere free, on the boundary. */
    b = ci("claim", 3, 1, 0, 0x10000, 0x100000);
    CHECK(b != ERR && !(b & 0xfffff) && b >= kend && b + 0x10000 <= m->ram);
    CHECK(b + 0x10000 <= a || b >= a + 0x100000);
    CHECK(b >= initrd + 70001 || b + 0x10000 <= initrd);
    CHECK(ci("claim", 3, 1, b, 0x1000, 0) == ERR);
    /* Released memory can be claimed again; part of a claim can go. */
    CHECK(ci_r3("release", 2, a, 0x100000) == 0);
    CHECK(ci("claim", 3, 1, a + 0x1000, 0x1000, 0) == a + 0x1000);
    CHECK(ci_r3("release", 2, b + 0x8000, 0x1000) == 0);
    CHECK(ci("claim", 3, 1, b + 0x8000, 0x1000, 0) == b + 0x8000);
    CHECK(ci("claim", 3, 1, b + 0x7000, 0x1000, 0) == ERR);
    puts_("of: claim and release ok\n");
}

static void __attribute__((noreturn)) walk_mode(const struct machine *m, uint64_t initrd)
{
    struct walk w = walk_tree();
    static const char msg[] = "[via rtas]\n";
    uint32_t dc = getprop32(m->rtas, "display-character"), stdin_ih;

    puts_("of: walked ");
    put_dec(w.nodes);
    puts_(" nodes, ");
    put_dec(w.props);
    puts_(" properties\n");
    check_paths(m);
    check_setprop(m);
    check_console(m);
    check_time(m);
    check_claim(m, initrd);
    CHECK(ci("test", 1, 1, A("finddevice")) == 0);
    CHECK(ci("test", 1, 1, A("interpret")) == ERR);

    instantiate_rtas(m);
    puts_("of: rtas display-character: ");
    for (const char *p = msg; *p; p++)
        CHECK(rtas(dc, 1, 1, (unsigned)*p) == RTAS_SUCCESS);
    CHECK(rtas(0x7777, 1, 1, 'x') == RTAS_HARDWARE_ERROR); /* unknown token */
    CHECK(rtas(dc, 2, 1, 'x', 0) == RTAS_PARAMETER_ERROR); /* wrong nargs */
    CHECK(rtas(dc, 1, 2, 'x') == RTAS_PARAMETER_ERROR);    /* wrong nret */
    /* A block inside RTAS's own region (over its header, which nothing
     * reads at run time) gets no answer: no character, no status. */
    {
        volatile uint32_t *blk = (volatile uint32_t *)(uintptr_t)(rtas_base + 8);
        blk[0] = dc, blk[1] = 1, blk[2] = 1, blk[3] = '!', blk[4] = 0x5a5a5a5a;
        rtas_enter((void *)(uintptr_t)(rtas_base + 8), rtas_entry, rtas_base);
        CHECK(blk[4] == 0x5a5a5a5a);
    }
    /* Nor one outside RAM (nothing to write, nothing to fault on). */
    rtas_enter((void *)(uintptr_t)(m->ram + 0x1000), rtas_entry, rtas_base);

    /* The end of prom_init (§5 steps 16-17). */
    stdin_ih = getprop32(m->chosen, "stdin");
    CHECK(ci_r3("close", 1, stdin_ih) == 0);
    cif_write(m->stdout_ih, "of: quiescing\n");
    CHECK(ci_r3("quiesce", 0) == 0);
    cif_write(m->stdout_ih, "of: write after quiesce\n");
    CHECK(!of_call_r1_changed);
    CHECK(!of_call_regs_changed);
    rtas_power_off(m, "of");
}

/* ------------------------------------------------------ bad arguments -- */

/* A block the interface must refuse outright: r3 = -1, no cell written. */
static void refused(const char *service, unsigned nargs, unsigned nret, int line)
{
    struct ci_args a = {A(service), nargs, nret, {0}};

    for (unsigned i = 0; i < 16; i++)
        a.cell[i] = 0x5a5a5a5a;
    check(of_call(&a, cif) == -1, __FILE__, line, service);
    for (unsigned i = 0; i < 16; i++)
        check(a.cell[i] == 0x5a5a5a5a, __FILE__, line, "a refused call wrote its block");
}

static void __attribute__((noreturn)) bad_mode(const struct machine *m)
{
    /* Addresses no client buffer may name. */
    const uint32_t past_ram = (uint32_t)m->ram + 0x1000, fw = 0x2000;
    const uint32_t bad_ph[] = {0, ERR, 0x12345678, m->stdout_ih};
    uint32_t bad_ih[] = {0, ERR, m->root, m->stdout_ih ^ 0x100, 0};
    static char noterm[300], longname[80];
    char buf[64];
    uint32_t ph, catch_, res, ih;
    struct walk before = walk_tree(), after;
    struct ci_args a;

    memset(noterm, 'a', sizeof(noterm));
    memset(longname, 'n', sizeof(longname) - 1);
    puts_("of-bad: tree walked, checksum ");
    put_hex(before.sum);
    puts_("\n");

    /* The block itself: unknown service, wrong counts, bad pointers. */
    refused("frobnicate", 1, 1, __LINE__);
    refused("interpret", 1, 1, __LINE__);
    refused("getprop", 3, 1, __LINE__);
    refused("getprop", 4, 2, __LINE__);
    refused("finddevice", 0, 1, __LINE__);
    refused("quiesce", 1, 0, __LINE__);
    refused("milliseconds", 0, 0, __LINE__);
    refused("call-method", 1, 1, __LINE__);
    refused("call-method", 2, 0, __LINE__);
    refused("peer", 17, 1, __LINE__);
    refused(noterm, 1, 1, __LINE__); /* no NUL within a name's length */
    refused((const char *)(uintptr_t)past_ram, 1, 1, __LINE__);
    refused((const char *)(uintptr_t)fw, 1, 1, __LINE__);
    CHECK(of_call((void *)(uintptr_t)past_ram, cif) == -1);
    CHECK(of_call((void *)(uintptr_t)fw, cif) == -1);
    CHECK(of_call((void *)(uintptr_t)(m->ram - 8), cif) == -1); /* header past RAM */
    a = (struct ci_args){A("peer"), 1, 1, {0}};
    CHECK(of_call((char *)&a + 2, cif) == -1); /* misaligned */

    /* Bad package handles. */
    for (unsigned i = 0; i < sizeof(bad_ph) / sizeof(bad_ph[0]); i++) {
        ph = bad_ph[i];
        if (ph)
            CHECK(ci("peer", 1, 1, ph) == ERR);
        CHECK(ci("child", 1, 1, ph) == ERR);
        CHECK(ci("parent", 1, 1, ph) == ERR);
        CHECK(ci("getprop", 4, 1, ph, A("name"), A(buf), sizeof(buf)) == ERR);
        CHECK(ci("getproplen", 2, 1, ph, A("reg")) == ERR);
        CHECK(ci("nextprop", 3, 1, ph, A(""), A(buf)) == ERR);
        CHECK(ci("setprop", 4, 1, ph, A("petrel,x"), A(buf), 4) == ERR);
        CHECK(ci("package-to-path", 3, 1, ph, A(buf), sizeof(buf)) == ERR);
    }
    /* Bad instance handles; the last one was closed. */
    bad_ih[4] = ci("open", 1, 1, A("/rtas"));
    CHECK(ci_r3("close", 1, bad_ih[4]) == 0);
    for (unsigned i = 0; i < sizeof(bad_ih) / sizeof(bad_ih[0]); i++) {
        ih = bad_ih[i];
        CHECK(ci("write", 3, 1, ih, A("x"), 1) == ERR);
        CHECK(ci("read", 3, 1, ih, A(buf), 1) == ERR);
        CHECK(ci("seek", 3, 1, ih, 0, 0) == ERR);
        CHECK(ci("instance-to-package", 1, 1, ih) == ERR);
        CHECK(ci("instance-to-path", 3, 1, ih, A(buf), sizeof(buf)) == ERR);
        CHECK(ci_r3("close", 1, ih) == -1);
        CHECK(ci_method("instantiate-rtas", ih, 0x1000000, &res) == ERR);
    }

    /* Buffers, strings and lengths outside client memory. */
    CHECK(ci("getprop", 4, 1, m->chosen, A("bootargs"), past_ram, 16) == ERR);
    CHECK(ci("getprop", 4, 1, m->chosen, A("bootargs"), fw, 16) == ERR);
    CHECK(ci("getprop", 4, 1, m->chosen, A("bootargs"), (uint32_t)m->ram - 4, 16) == ERR);
    CHECK(ci("getprop", 4, 1, m->chosen, A("bootargs"), A(buf), ERR) == ERR);
    CHECK(ci("getprop", 4, 1, m->chosen, past_ram, A(buf), sizeof(buf)) == ERR);
    CHECK(ci("getprop", 4, 1, m->chosen, fw, A(buf), sizeof(buf)) == ERR);
    CHECK(ci("getprop", 4, 1, m->chosen, A(noterm), A(buf), sizeof(buf)) == ERR);
    CHECK(ci("getproplen", 2, 1, m->chosen, past_ram) == ERR);
    CHECK(ci("nextprop", 3, 1, m->chosen, A(""), past_ram) == ERR);
    CHECK(ci("nextprop", 3, 1, m->chosen, A(""), fw) == ERR);
    CHECK(ci("nextprop", 3, 1, m->chosen, A("no-such-property"), A(buf)) == ERR);
    CHECK(ci("nextprop", 3, 1, m->chosen, A(noterm), A(buf)) == ERR);
    CHECK(ci("package-to-path", 3, 1, m->chosen, fw, 16) == ERR);
    CHECK(ci("package-to-path", 3, 1, m->chosen, A(buf), ERR) == ERR);
    CHECK(ci("instance-to-path", 3, 1, m->stdout_ih, past_ram, 16) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, A("petrel,x"), past_ram, 4) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, A("petrel,x"), fw, 4) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, A("petrel,x"), A(buf), ERR) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, A("petrel,x"), A(noterm), 0x100000) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, A(longname), A(buf), 4) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, A(""), A(buf), 4) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, A("phandle"), A(buf), 4) == ERR);
    CHECK(ci("setprop", 4, 1, m->chosen, fw, A(buf), 4) == ERR);
    CHECK(ci("write", 3, 1, m->stdout_ih, past_ram, 4) == ERR);
    CHECK(ci("write", 3, 1, m->stdout_ih, fw, 4) == ERR);
    CHECK(ci("write", 3, 1, m->stdout_ih, A(buf), ERR) == ERR);
    CHECK(ci("read", 3, 1, m->stdout_ih, fw, 4) == ERR);
    CHECK(ci("read", 3, 1, m->stdout_ih, A(buf), 0x7fffffff) == ERR);
    CHECK(ci("finddevice", 1, 1, past_ram) == ERR);
    CHECK(ci("finddevice", 1, 1, fw) == ERR);
    CHECK(ci("finddevice", 1, 1, A(noterm)) == ERR);
    CHECK(ci("open", 1, 1, fw) == 0); /* open fails with 0 (§4) */
    CHECK(ci("open", 1, 1, A("/nonexistent")) == 0);
    CHECK(ci("test", 1, 1, fw) == ERR);

    /* Memory: zero and huge sizes, bad alignment, what is not free. */
    CHECK(ci("claim", 3, 1, 0x10000000, 0, 0) == ERR);
    CHECK(ci("claim", 3, 1, 0x10000000, 0xfffff000, 0) == ERR);
    CHECK(ci("claim", 3, 1, 0, 0xfffff000, 0x1000) == ERR);
    CHECK(ci("claim", 3, 1, 0, 0x1000, 0x3000) == ERR);
    CHECK(ci("claim", 3, 1, 0xfffff000, 0x1000, 0) == ERR);
    CHECK(ci("claim", 3, 1, 0, 0x1000, 0) == ERR);
    CHECK(ci_r3("release", 2, 0x10000000, 0x1000) == -1); /* never claimed */
    CHECK(ci_r3("release", 2, 0x100000, 0x1000) == -1);   /* the firmware */
    CHECK(ci_r3("release", 2, A(_start), 0x1000) == -1);  /* this kernel */
    CHECK(ci("claim", 3, 1, 0x10000000, 0x2000, 0) == 0x10000000);
    CHECK(ci_r3("release", 2, 0x10000000, 0) == -1);
    CHECK(ci_r3("release", 2, 0x10001000, 0x2000) == -1); /* runs past the claim */
    CHECK(ci_r3("release", 2, 0x10000000, 0x2000) == 0);
    CHECK(ci_r3("release", 2, 0x10000000, 0x2000) == -1); /* twice */

    /* call-method: unknown methods, wrong counts, bad RTAS bases. */
    ih = ci("open", 1, 1, A("/rtas"));
    CHECK(ci_method("no-such-method", ih, 0, &res) == ERR);
    CHECK(ci_method("ibm,client-architecture-support", ih, 0, &res) == ERR); /* not /rtas's */
    CHECK(ci_method("instantiate-rtas", ih, 0x10000000, &res) == ERR);       /* not claimed */
    CHECK(ci_method("instantiate-rtas", ih, fw, &res) == ERR);
    CHECK(ci_method("instantiate-rtas", ih, past_ram, &res) == ERR);
    CHECK(ci("claim", 3, 1, 0x10000000, 0x10000, 0) == 0x10000000);
    CHECK(ci_method("instantiate-rtas", ih, 0x10000004, &res) == ERR); /* misaligned */
    CHECK(ci_method("instantiate-rtas", ih, 0x1000f000, &res) == ERR); /* claim too short */
    a = (struct ci_args){A("call-method"), 4, 2, {A("instantiate-rtas"), ih, 0x10000000, 0}};
    CHECK(of_call(&a, cif) == 0 && a.cell[4] == ERR); /* one argument too many */
    catch_ = ci_method("instantiate-rtas", ih, 0x10000000, &res);
    CHECK(catch_ == 0 && res == 0x10000000); /* and the right call works */

    /* CAS requests the firmware must refuse (kernel-of-cas.c). */
    of_cas_refusals(m);

    after = walk_tree();
    CHECK(after.nodes == before.nodes && after.props == before.props && after.sum == before.sum);
    puts_("of-bad: tree unchanged, checksum ");
    put_hex(after.sum);
    puts_("\n");
    cif_write(m->stdout_ih, "of-bad: stdout still works\n");
    /* None of the refusals left anything behind: Linux's request is
     * accepted and negotiates what it would have. */
    of_cas(m);
    rtas_base = 0x10000000, rtas_entry = res;
    rtas_power_off(m, "of-bad");
}

/* ------------------------------------------------------------- entry -- */

void of_main(uint64_t r3, uint64_t r4, uint64_t r5, uint64_t msr, uint64_t r1)
{
    struct machine m;
    char args[64] = "";

    if (!r5) {
        /* The flattened-tree path: r3 is a tree, nothing else to do. */
        puts_("of-client: entered on the flat-tree path, r3 ");
        put_hex(r3);
        puts_(*(const uint32_t *)(uintptr_t)r3 == 0xd00dfeed ? " is a tree\n" : " is NOT a tree\n");
        power_off(*(const uint32_t *)(uintptr_t)r3 == 0xd00dfeed ? 0 : 1);
    }
    cif = r5;
    find_machine(&m);
    ci("getprop", 4, 1, m.chosen, A("bootargs"), A(args), sizeof(args) - 1);
    if (!strcmp(args, "cif-exit")) {
        puts_("of: calling exit\n");
        ci_r3("exit", 0);
        fatal("exit returned");
    }
    if (!strcmp(args, "rtas-reboot")) {
        instantiate_rtas(&m);
        puts_("of: rtas system-reboot\n");
        rtas(getprop32(m.rtas, "system-reboot"), 0, 1);
        fatal("RTAS system-reboot returned");
    }
    if (!strcmp(args, "cif-bad"))
        bad_mode(&m);
    check_entry(r3, r4, r5, msr, r1);
    /* prom_init's order (§5): CAS, then everything else reads the tree CAS
     * left. */
    of_cas(&m);
    walk_mode(&m, r3);
}
