/*
 * The gdb remote stub (gdb manual, "Remote Protocol").  One connection at
 * a time over TCP, all-stop mode, each vCPU a thread (thread id = vCPU
 * index + 1).
 *
 * Implemented: qSupported (PacketSize, qXfer:features:read for the
 * target description), ?, g/G, p/P, m/M/X (through the vCPU's current
 * translation), Z0/Z1 (both as the backend's breakpoints) and Z2/Z3/Z4
 * (the backend's watchpoints, when it has them), c, s, vCont (c, C, s,
 * S, t), H, T, qfThreadInfo/qsThreadInfo, qC, qAttached,
 * qThreadExtraInfo, D, k and the 0x03 interrupt.  Not implemented:
 * non-stop mode, no-ack mode, signals (C and S resume without one),
 * and memory beyond RAM (no MMIO access from the debugger).  The
 * floating-point and vector registers are served when the backend has
 * them (get_fp_regs), reported unavailable otherwise.
 *
 * A connection halts the machine; detaching or disconnecting removes the
 * debugger's breakpoints and watchpoints and resumes it, even from -S.
 * The connection is untrusted input: every number is range-checked and a
 * malformed packet gets an error reply (E01: malformed, E02: bad thread,
 * E14: no memory there, E22: refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../cpu/cpu.h"
#include "../cli.h"
#include "../machine.h"
#include "../memory.h"
#include "gdb_packet.h"
#include "gdb_regs.h"
#include "gdbstub.h"

#define MAX_POINTS 64 /* breakpoints and watchpoints the debugger may hold */

enum action { ACT_NONE, ACT_CONT, ACT_STEP };

struct debug_point {
    unsigned type; /* 0/1: breakpoint, 2/3/4: watchpoint (the Z packet's type) */
    uint64_t addr, len;
};

struct gdbstub {
    struct machine *m;
    const struct cpu_backend *be;
    unsigned ncpu;
    int listen_fd, conn_fd;
    int notify[2];   /* vCPU threads -> stub: a debug event */
    int shutdown[2]; /* gdbstub_stop -> stub */
    int exit_status;
    pthread_t thread;
    bool running;     /* the vCPUs were resumed: a stop reply is owed */
    bool no_reply;    /* the packet being served is answered later (or never) */
    bool detach;      /* close the connection after this reply */
    enum action *act; /* per vCPU, for resume() */
    bool *run, *named;
    unsigned g_cpu;        /* Hg: registers and memory */
    unsigned c_cpu;        /* Hc: s and c without a vCont */
    struct gdb_regfile rf; /* g/G/p/P: the Hg vCPU's registers */
    struct debug_point points[MAX_POINTS];
    unsigned npoints;
    struct gdb_rx rx;
    char reply[GDB_PACKET_MAX + 1];
    size_t reply_len;
    char out[2 * GDB_PACKET_MAX + 8];
    size_t out_len; /* the last framed reply, resent on '-' */
};

/* ---- the connection ---- */

static void send_raw(struct gdbstub *s, const char *buf, size_t len)
{
    while (len && s->conn_fd >= 0) {
        ssize_t n = send(s->conn_fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the reader sees the connection end */
        buf += n;
        len -= (size_t)n;
    }
}

static void send_reply(struct gdbstub *s)
{
    s->out_len = gdb_frame(s->out, sizeof(s->out), s->reply, s->reply_len);
    send_raw(s, s->out, s->out_len);
}

static void reply(struct gdbstub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(struct gdbstub *s, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(s->reply, sizeof(s->reply), fmt, ap);
    va_end(ap);
    s->reply_len = n < 0 ? 0 : (size_t)n < sizeof(s->reply) ? (size_t)n : sizeof(s->reply) - 1;
}

/* ---- helpers ---- */

static struct cpu *cpu_of(struct gdbstub *s, unsigned index)
{
    return machine_cpu(s->m, index);
}

/* A thread id: "-1" (all), "0" (any: vCPU 0) or index + 1 in hex.
 * Returns the vCPU index, -1 for all, -2 if invalid. */
static long parse_thread(struct gdbstub *s, const char *p, const char **end)
{
    uint64_t v;
    size_t n;

    if (p[0] == '-' && p[1] == '1') {
        *end = p + 2;
        return -1;
    }
    n = gdb_parse_hex(p, &v);
    *end = p + n;
    if (!n)
        return -2;
    if (v == 0)
        return 0;
    return v <= s->ncpu ? (long)(v - 1) : -2;
}

/* "ADDR,LEN" followed by `term` (or the end when term is 0). */
static bool parse_addr_len(const char *p, char term, uint64_t *addr, uint64_t *len,
                           const char **rest)
{
    size_t n = gdb_parse_hex(p, addr);

    if (!n || p[n] != ',')
        return false;
    p += n + 1;
    n = gdb_parse_hex(p, len);
    if (!n || p[n] != term)
        return false;
    *rest = p + n + (term ? 1 : 0);
    return true;
}

/*
 * Copies between the debugger and guest memory at effective address ea
 * as vCPU `cpu` would reach it now, page by page (each page may
 * translate elsewhere).  RAM only.  Returns the bytes done.
 */
static uint64_t access_memory(struct gdbstub *s, unsigned cpu, uint64_t ea, uint8_t *buf,
                              uint64_t len, bool write)
{
    struct guest_mem *mem = machine_mem(s->m);
    struct cpu *c = cpu_of(s, cpu);
    uint64_t done = 0;

    while (done < len) {
        uint64_t at = ea + done, pa;
        uint64_t chunk = GUEST_PAGE_SIZE - (at & (GUEST_PAGE_SIZE - 1));

        if (chunk > len - done)
            chunk = len - done;
        if (s->be->debug_translate) {
            if (s->be->debug_translate(c, at, &pa) != 0)
                break;
        } else {
            pa = at;
        }
        if (!guest_ram_contains(mem, pa, chunk))
            break;
        if (write)
            guest_ram_write(mem, pa, buf + done, chunk);
        else
            memcpy(buf + done, mem->ram + pa, chunk);
        done += chunk;
    }
    return done;
}

/* Inserts (or removes) a point on every vCPU; all or none. */
static int set_point_all(struct gdbstub *s, const struct debug_point *p, bool insert)
{
    for (unsigned i = 0; i < s->ncpu; i++) {
        struct cpu *c = cpu_of(s, i);
        int rc = p->type < 2 ? s->be->set_breakpoint(c, p->addr, insert)
                             : s->be->set_watchpoint(c, p->addr, p->len, p->type - 1, insert);
        if (rc != 0 && insert) {
            while (i--) {
                c = cpu_of(s, i);
                if (p->type < 2)
                    s->be->set_breakpoint(c, p->addr, false);
                else
                    s->be->set_watchpoint(c, p->addr, p->len, p->type - 1, false);
            }
            return -1;
        }
    }
    return 0;
}

static struct debug_point *find_point(struct gdbstub *s, unsigned type, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < s->npoints; i++) {
        struct debug_point *p = &s->points[i];
        /* Z0 and Z1 are one kind of breakpoint here. */
        bool same_kind = p->type < 2 ? type < 2 : p->type == type;
        if (same_kind && p->addr == addr && (type < 2 || p->len == len))
            return p;
    }
    return NULL;
}

static bool breakpoint_at(struct gdbstub *s, uint64_t addr)
{
    return find_point(s, 0, addr & ~3ull, 0) != NULL;
}

static void remove_all_points(struct gdbstub *s)
{
    while (s->npoints)
        set_point_all(s, &s->points[--s->npoints], false);
    if (s->be->set_single_step)
        for (unsigned i = 0; i < s->ncpu; i++)
            s->be->set_single_step(cpu_of(s, i), false);
}

/* ---- stops and resumes ---- */

static const char *const watch_names[] = {
    [CPU_WATCH_WRITE] = "watch", [CPU_WATCH_READ] = "rwatch", [CPU_WATCH_ACCESS] = "awatch"};

static void stop_reply(struct gdbstub *s, const struct machine_debug_event *ev)
{
    s->g_cpu = s->c_cpu = ev->vcpu;
    if (ev->watch >= CPU_WATCH_WRITE && ev->watch <= CPU_WATCH_ACCESS)
        reply(s, "T05%s:%llx;thread:%x;", watch_names[ev->watch], (unsigned long long)ev->addr,
              ev->vcpu + 1);
    else
        reply(s, "T05thread:%x;", ev->vcpu + 1);
}

/* The vCPUs are all parked: stepping is off until the next resume. */
static void halted(struct gdbstub *s)
{
    s->running = false;
    if (s->be->set_single_step)
        for (unsigned i = 0; i < s->ncpu; i++)
            s->be->set_single_step(cpu_of(s, i), false);
}

/*
 * An event left pending by the last all-stop, still worth reporting: a
 * breakpoint the debugger has since removed is dropped (the vCPU runs on
 * into it as if it had not stopped).
 */
static bool take_pending(struct gdbstub *s, struct machine_debug_event *ev)
{
    struct cpu_regs r;

    while (machine_debug_take_event(s->m, ev)) {
        s->be->get_regs(cpu_of(s, ev->vcpu), &r);
        if (ev->watch || s->act[ev->vcpu] == ACT_STEP || breakpoint_at(s, r.nip))
            return true;
    }
    return false;
}

/* Resumes with one action per vCPU; the stop reply comes later. */
static void resume(struct gdbstub *s, const enum action *act)
{
    struct machine_debug_event ev;
    bool *run = s->run;

    if (take_pending(s, &ev)) {
        stop_reply(s, &ev);
        return;
    }
    for (unsigned i = 0; i < s->ncpu; i++) {
        run[i] = act[i] != ACT_NONE;
        if (act[i] == ACT_STEP) {
            if (!s->be->set_single_step) {
                reply(s, "E22");
                return;
            }
            /* A vCPU the platform never started cannot step: it stops
             * where it is. */
            if (!machine_vcpu_runnable(s->m, i)) {
                ev = (struct machine_debug_event){.vcpu = i};
                stop_reply(s, &ev);
                return;
            }
        }
    }
    for (unsigned i = 0; i < s->ncpu; i++)
        if (act[i] == ACT_STEP)
            s->be->set_single_step(cpu_of(s, i), true);
    s->running = true;
    s->no_reply = true;
    machine_debug_resume(s->m, run);
}

/* ---- packet handlers: p is the packet after its name, len its length ---- */

static void h_query_supported(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    reply(s, "PacketSize=%x;qXfer:features:read+;vContSupported+", GDB_PACKET_MAX);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void h_xfer_features(struct gdbstub *s, const char *p, size_t len)
{
    static const char annex[] = "target.xml:";
    uint64_t off, n;
    size_t xml_len;
    const char *xml = gdb_target_xml(&xml_len), *rest;

    (void)len;
    if (strncmp(p, annex, sizeof(annex) - 1)) {
        reply(s, "E00"); /* no such annex */
        return;
    }
    if (!parse_addr_len(p + sizeof(annex) - 1, 0, &off, &n, &rest)) {
        reply(s, "E01");
        return;
    }
    if (off > xml_len) {
        reply(s, "E22");
        return;
    }
    /* Escapes may double the length: keep well inside the packet size. */
    if (n > GDB_PACKET_MAX / 2 - 8)
        n = GDB_PACKET_MAX / 2 - 8;
    if (n > xml_len - off)
        n = xml_len - off;
    s->reply[0] = off + n < xml_len ? 'm' : 'l';
    memcpy(s->reply + 1, xml + off, n);
    s->reply_len = n + 1;
}

static void h_thread_list_first(struct gdbstub *s, const char *p, size_t len)
{
    size_t n = 1;

    (void)p;
    (void)len;
    s->reply[0] = 'm';
    for (unsigned i = 0; i < s->ncpu && n + 12 < sizeof(s->reply); i++)
        n += (size_t)snprintf(s->reply + n, sizeof(s->reply) - n, "%s%x", i ? "," : "", i + 1);
    s->reply_len = n;
}

static void h_thread_list_next(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    reply(s, "l");
}

static void h_current_thread(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    reply(s, "QC%x", s->g_cpu + 1);
}

static void h_attached(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    reply(s, "1"); /* the machine existed before gdb: detach, not kill, on quit */
}

static void h_thread_extra(struct gdbstub *s, const char *p, size_t len)
{
    const char *end;
    long t = parse_thread(s, p, &end);
    char text[64];
    uint8_t *b = (uint8_t *)text;

    (void)len;
    if (t < 0 || *end) {
        reply(s, "E02");
        return;
    }
    snprintf(text, sizeof(text), "vCPU %ld%s", t,
             machine_vcpu_runnable(s->m, (unsigned)t) ? "" : " (not started)");
    gdb_to_hex(s->reply, b, strlen(text));
    s->reply_len = 2 * strlen(text);
}

static void h_halt_reason(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    reply(s, "T05thread:%x;", s->g_cpu + 1);
}

/* The Hg vCPU's registers, both sets. */
static void load_regs(struct gdbstub *s, struct gdb_regfile *rf)
{
    struct cpu *cpu = cpu_of(s, s->g_cpu);

    s->be->get_regs(cpu, &rf->core);
    rf->has_fp = s->be->get_fp_regs && s->be->set_fp_regs;
    if (rf->has_fp)
        s->be->get_fp_regs(cpu, &rf->fp);
}

static void store_regs(struct gdbstub *s, const struct gdb_regfile *rf)
{
    struct cpu *cpu = cpu_of(s, s->g_cpu);

    s->be->set_regs(cpu, &rf->core);
    if (rf->has_fp)
        s->be->set_fp_regs(cpu, &rf->fp);
}

static void h_read_regs(struct gdbstub *s, const char *p, size_t len)
{
    struct gdb_regfile *rf = &s->rf;
    uint8_t buf[GDB_REG_MAX];
    size_t n = 0;

    (void)p;
    (void)len;
    load_regs(s, rf);
    for (unsigned i = 0; i < GDB_NUM_REGS; i++) {
        unsigned size = gdb_reg_size(i);
        if (gdb_reg_get(rf, i, buf)) {
            gdb_to_hex(s->reply + n, buf, size);
        } else {
            memset(s->reply + n, 'x', 2 * size); /* unavailable */
        }
        n += 2 * size;
    }
    s->reply_len = n;
}

/* G: every register in order; the byte order is the one in force before
 * the write.  Registers sent as "xx..." (unavailable) are left alone. */
static void h_write_regs(struct gdbstub *s, const char *p, size_t len)
{
    struct gdb_regfile *rf = &s->rf;
    uint8_t buf[GDB_REG_MAX];
    char hex[2 * GDB_REG_MAX + 1];
    size_t at = 0;
    bool le;

    load_regs(s, rf);
    le = gdb_regs_le(rf);
    for (unsigned i = 0; i < GDB_NUM_REGS && at < len; i++) {
        unsigned size = gdb_reg_size(i);
        if (len - at < 2 * size) {
            reply(s, "E01");
            return;
        }
        memcpy(hex, p + at, 2 * size);
        hex[2 * size] = 0;
        at += 2 * size;
        if (hex[0] == 'x' && hex[1] == 'x')
            continue;
        if (!gdb_from_hex(buf, hex, size)) {
            reply(s, "E01");
            return;
        }
        gdb_reg_set(rf, i, buf, le);
    }
    if (at != len) {
        reply(s, "E01");
        return;
    }
    store_regs(s, rf);
    reply(s, "OK");
}

static void h_read_reg(struct gdbstub *s, const char *p, size_t len)
{
    struct gdb_regfile *rf = &s->rf;
    uint8_t buf[GDB_REG_MAX];
    uint64_t n;
    size_t k = gdb_parse_hex(p, &n);

    if (!k || k != len || n >= GDB_NUM_REGS) {
        reply(s, "E01");
        return;
    }
    load_regs(s, rf);
    if (gdb_reg_get(rf, (unsigned)n, buf)) {
        gdb_to_hex(s->reply, buf, gdb_reg_size((unsigned)n));
    } else {
        memset(s->reply, 'x', 2 * gdb_reg_size((unsigned)n));
    }
    s->reply_len = 2 * gdb_reg_size((unsigned)n);
}

/* P n=value: exactly the register's size in hex digits. */
static void h_write_reg(struct gdbstub *s, const char *p, size_t len)
{
    struct gdb_regfile *rf = &s->rf;
    uint8_t buf[GDB_REG_MAX];
    uint64_t n;
    size_t k = gdb_parse_hex(p, &n);

    if (!k || p[k] != '=' || n >= GDB_NUM_REGS || len != k + 1 + 2 * gdb_reg_size((unsigned)n) ||
        !gdb_from_hex(buf, p + k + 1, gdb_reg_size((unsigned)n))) {
        reply(s, "E01");
        return;
    }
    load_regs(s, rf);
    if (!gdb_reg_set(rf, (unsigned)n, buf, gdb_regs_le(rf))) {
        reply(s, "E22"); /* a register the backend does not hold */
        return;
    }
    store_regs(s, rf);
    reply(s, "OK");
}

static void h_read_mem(struct gdbstub *s, const char *p, size_t len)
{
    static uint8_t buf[GDB_PACKET_MAX / 2];
    uint64_t addr, n, done;
    const char *rest;

    (void)len;
    if (!parse_addr_len(p, 0, &addr, &n, &rest)) {
        reply(s, "E01");
        return;
    }
    if (n > sizeof(buf))
        n = sizeof(buf); /* gdb reads the rest with another packet */
    done = access_memory(s, s->g_cpu, addr, buf, n, false);
    if (!done && n) {
        reply(s, "E14");
        return;
    }
    gdb_to_hex(s->reply, buf, done);
    s->reply_len = 2 * done;
}

/* M addr,len:hex and X addr,len:binary; nothing is written unless all of
 * it can be. */
static void write_mem(struct gdbstub *s, const char *p, size_t len, bool binary)
{
    static uint8_t buf[GDB_PACKET_MAX];
    uint64_t addr, n;
    const char *data;
    size_t data_len;

    if (!parse_addr_len(p, ':', &addr, &n, &data)) {
        reply(s, "E01");
        return;
    }
    data_len = len - (size_t)(data - p);
    if (binary ? data_len != n : (n > sizeof(buf) || data_len != 2 * n)) {
        reply(s, "E01");
        return;
    }
    if (binary)
        memcpy(buf, data, n);
    else if (!gdb_from_hex(buf, data, n)) {
        reply(s, "E01");
        return;
    }
    /* Check every page first: a read of the range must succeed. */
    {
        static uint8_t probe[GDB_PACKET_MAX];
        if (access_memory(s, s->g_cpu, addr, probe, n, false) != n) {
            reply(s, "E14");
            return;
        }
    }
    access_memory(s, s->g_cpu, addr, buf, n, true);
    reply(s, "OK");
}

static void h_write_mem_hex(struct gdbstub *s, const char *p, size_t len)
{
    write_mem(s, p, len, false);
}

static void h_write_mem_bin(struct gdbstub *s, const char *p, size_t len)
{
    write_mem(s, p, len, true);
}

/* Z/z TYPE,ADDR,KIND */
static void point(struct gdbstub *s, const char *p, bool insert)
{
    struct debug_point pt, *old;
    uint64_t type;
    const char *rest;
    size_t k = gdb_parse_hex(p, &type);

    if (!k || p[k] != ',' || type > 4 || !parse_addr_len(p + k + 1, 0, &pt.addr, &pt.len, &rest)) {
        reply(s, "E01");
        return;
    }
    pt.type = (unsigned)type;
    if (pt.type < 2) {
        pt.addr &= ~3ull; /* instructions are word aligned */
        pt.len = 0;
        if (!s->be->set_breakpoint) {
            s->reply_len = 0; /* not supported */
            return;
        }
    } else {
        if (!s->be->set_watchpoint) {
            s->reply_len = 0;
            return;
        }
        if (pt.len < 1 || pt.len > 4096) {
            reply(s, "E22");
            return;
        }
    }
    old = find_point(s, pt.type, pt.addr, pt.len);
    if (insert) {
        if (old) {
            reply(s, "OK"); /* gdb may insert twice */
            return;
        }
        if (s->npoints == MAX_POINTS || set_point_all(s, &pt, true) != 0) {
            reply(s, "E22");
            return;
        }
        s->points[s->npoints++] = pt;
    } else {
        if (!old) {
            reply(s, "E22");
            return;
        }
        set_point_all(s, old, false);
        *old = s->points[--s->npoints];
    }
    reply(s, "OK");
}

static void h_insert_point(struct gdbstub *s, const char *p, size_t len)
{
    (void)len;
    point(s, p, true);
}

static void h_remove_point(struct gdbstub *s, const char *p, size_t len)
{
    (void)len;
    point(s, p, false);
}

/* c [addr] / s [addr]: the Hc thread (vCPU 0 for "any" or "all"); the
 * others stay stopped. */
static void resume_one(struct gdbstub *s, const char *p, size_t len, enum action a)
{
    uint64_t addr;

    if (len) {
        struct cpu_regs r;
        if (gdb_parse_hex(p, &addr) != len) {
            reply(s, "E01");
            return;
        }
        s->be->get_regs(cpu_of(s, s->c_cpu), &r);
        r.nip = addr;
        s->be->set_regs(cpu_of(s, s->c_cpu), &r);
    }
    for (unsigned i = 0; i < s->ncpu; i++)
        s->act[i] = a == ACT_STEP ? (i == s->c_cpu ? ACT_STEP : ACT_NONE) : ACT_CONT;
    resume(s, s->act);
}

static void h_continue(struct gdbstub *s, const char *p, size_t len)
{
    resume_one(s, p, len, ACT_CONT);
}

static void h_step(struct gdbstub *s, const char *p, size_t len)
{
    resume_one(s, p, len, ACT_STEP);
}

static void h_vcont_query(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    reply(s, "vCont;c;C;s;S;t");
}

/*
 * vCont;ACTION[:THREAD]...: the first action naming a vCPU applies to it,
 * an action without a thread to every vCPU not yet named.  t (stop)
 * leaves a vCPU stopped: in all-stop mode they all are.
 */
static void h_vcont(struct gdbstub *s, const char *p, size_t len)
{
    const char *end = p + len;
    for (unsigned i = 0; i < s->ncpu; i++)
        s->act[i] = ACT_NONE;
    memset(s->named, 0, s->ncpu * sizeof(bool));
    while (p < end) {
        enum action a;
        long t = -1;
        uint64_t sig;

        switch (*p) {
        case 'c':
            a = ACT_CONT;
            p++;
            break;
        case 's':
            a = ACT_STEP;
            p++;
            break;
        case 't':
            a = ACT_NONE;
            p++;
            break;
        case 'C':
        case 'S':
            a = *p == 'C' ? ACT_CONT : ACT_STEP;
            p++;
            if (gdb_parse_hex(p, &sig) != 2) {
                reply(s, "E01");
                return;
            }
            p += 2;
            break;
        default: reply(s, "E01"); return;
        }
        if (*p == ':') {
            t = parse_thread(s, p + 1, &p);
            if (t == -2) {
                reply(s, "E02");
                return;
            }
        }
        if (p < end && *p++ != ';') {
            reply(s, "E01");
            return;
        }
        for (unsigned i = 0; i < s->ncpu; i++) {
            if ((t < 0 || (unsigned)t == i) && !s->named[i]) {
                s->act[i] = a;
                s->named[i] = true;
            }
        }
    }
    resume(s, s->act);
}

/* H op thread: the thread later g/m (op g) or c/s (op c) act on. */
static void h_set_thread(struct gdbstub *s, const char *p, size_t len)
{
    const char *end;
    long t;

    (void)len;
    if (p[0] != 'g' && p[0] != 'c') {
        reply(s, "E01");
        return;
    }
    t = parse_thread(s, p + 1, &end);
    if (t == -2 || *end) {
        reply(s, "E02");
        return;
    }
    if (t < 0)
        t = 0; /* "all": registers come from one of them */
    if (p[0] == 'g')
        s->g_cpu = (unsigned)t;
    else
        s->c_cpu = (unsigned)t;
    reply(s, "OK");
}

static void h_thread_alive(struct gdbstub *s, const char *p, size_t len)
{
    const char *end;
    long t = parse_thread(s, p, &end);

    (void)len;
    reply(s, t >= 0 && !*end ? "OK" : "E02");
}

static void h_detach(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    reply(s, "OK");
    s->detach = true;
}

/* k: gdb's "kill" ends the machine, as it would end a process. */
static void h_kill(struct gdbstub *s, const char *p, size_t len)
{
    (void)p;
    (void)len;
    s->no_reply = true;
    s->detach = true;
    machine_power_off(s->m, 0);
}

struct command {
    const char *name;
    bool exact; /* the whole packet, not a prefix */
    void (*handler)(struct gdbstub *s, const char *args, size_t len);
};

/* Longer names first where one is a prefix of another. */
static const struct command commands[] = {
    {"qSupported", false, h_query_supported},
    {"qXfer:features:read:", false, h_xfer_features},
    {"qfThreadInfo", true, h_thread_list_first},
    {"qsThreadInfo", true, h_thread_list_next},
    {"qThreadExtraInfo,", false, h_thread_extra},
    {"qAttached", false, h_attached},
    {"qC", true, h_current_thread},
    {"vCont?", true, h_vcont_query},
    {"vCont;", false, h_vcont},
    {"?", true, h_halt_reason},
    {"g", true, h_read_regs},
    {"G", false, h_write_regs},
    {"p", false, h_read_reg},
    {"P", false, h_write_reg},
    {"m", false, h_read_mem},
    {"M", false, h_write_mem_hex},
    {"X", false, h_write_mem_bin},
    {"Z", false, h_insert_point},
    {"z", false, h_remove_point},
    {"c", false, h_continue},
    {"s", false, h_step},
    {"H", false, h_set_thread},
    {"T", false, h_thread_alive},
    {"D", false, h_detach},
    {"k", true, h_kill},
};

/* Serves one packet; unknown packets get the empty reply (RSP: "not
 * supported"). */
static void serve_packet(struct gdbstub *s, const char *pkt, size_t len)
{
    s->no_reply = false;
    s->reply_len = 0;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct command *c = &commands[i];
        size_t n = strlen(c->name);
        if (c->exact ? (len == n && !memcmp(pkt, c->name, n))
                     : (len >= n && !memcmp(pkt, c->name, n))) {
            c->handler(s, pkt + n, len - n);
            break;
        }
    }
    if (!s->no_reply)
        send_reply(s);
}

/* ---- the connection loop ---- */

static void notify_stub(void *opaque)
{
    struct gdbstub *s = opaque;
    char c = 1;
    /* A full pipe already says "look". */
    if (write(s->notify[1], &c, 1) < 0) {
    }
}

static void drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
}

/* The vCPUs stopped (a debug event, or ^C): tell gdb why. */
static void report_stop(struct gdbstub *s, bool interrupted)
{
    struct machine_debug_event ev;

    machine_debug_halt(s->m);
    halted(s);
    if (take_pending(s, &ev)) {
        stop_reply(s, &ev);
    } else if (interrupted) {
        reply(s, "T02thread:%x;", s->g_cpu + 1);
    } else {
        /* Only dropped events: run on. */
        resume(s, s->act);
        if (s->no_reply)
            return;
    }
    send_reply(s);
}

/* Returns false when the stub must shut down. */
static bool serve_connection(struct gdbstub *s)
{
    bool keep = true;

    gdb_rx_init(&s->rx);
    s->running = false;
    s->detach = false;
    s->g_cpu = s->c_cpu = 0;
    s->out_len = 0;
    machine_debug_attach(s->m, notify_stub, s);
    machine_debug_halt(s->m);
    halted(s);
    drain(s->notify[0]);
    for (unsigned i = 0; i < s->ncpu; i++)
        s->act[i] = ACT_CONT;

    while (!s->detach) {
        struct pollfd fds[3] = {
            {.fd = s->conn_fd, .events = POLLIN},
            {.fd = s->notify[0], .events = POLLIN},
            {.fd = s->shutdown[0], .events = POLLIN},
        };
        uint8_t buf[4096];
        ssize_t n;

        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[2].revents & POLLIN) {
            if (s->running) {
                reply(s, "W%02x", s->exit_status & 0xff);
                send_reply(s);
            }
            keep = false;
            break;
        }
        if (fds[1].revents & POLLIN) {
            drain(s->notify[0]);
            if (s->running)
                report_stop(s, false);
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        n = recv(s->conn_fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* gdb went away */
        for (ssize_t i = 0; i < n && !s->detach; i++) {
            switch (gdb_rx_feed(&s->rx, buf[i])) {
            case GDB_RX_NONE: break;
            case GDB_RX_NAK: send_raw(s, s->out, s->out_len); break;
            case GDB_RX_INTERRUPT:
                if (s->running)
                    report_stop(s, true);
                break;
            case GDB_RX_BAD_CHECKSUM: send_raw(s, "-", 1); break;
            case GDB_RX_OVERSIZE:
                send_raw(s, "+", 1);
                reply(s, "E22");
                send_reply(s);
                break;
            case GDB_RX_PACKET:
                send_raw(s, "+", 1);
                /* All-stop: while the vCPUs run gdb only interrupts. */
                if (!s->running)
                    serve_packet(s, s->rx.buf, s->rx.len);
                break;
            }
        }
    }

    /* Detach or disconnect: the guest runs on without the debugger. */
    if (s->running)
        machine_debug_halt(s->m);
    remove_all_points(s);
    machine_debug_detach(s->m);
    machine_debug_resume(s->m, NULL);
    s->running = false;
    close(s->conn_fd);
    s->conn_fd = -1;
    return keep;
}

static void *stub_thread(void *arg)
{
    struct gdbstub *s = arg;

    for (;;) {
        struct pollfd fds[2] = {
            {.fd = s->listen_fd, .events = POLLIN},
            {.fd = s->shutdown[0], .events = POLLIN},
        };
        int one = 1;

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents & POLLIN)
            break;
        if (!(fds[0].revents & POLLIN))
            continue;
        s->conn_fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (s->conn_fd < 0)
            continue;
        /* Small packets, one at a time: send them now. */
        setsockopt(s->conn_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (!serve_connection(s))
            break;
    }
    return NULL;
}

static int listen_on(const char *host, unsigned port, unsigned *bound, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res, *ai;
    char service[16];
    int fd = -1, rc, one = 1;

    snprintf(service, sizeof(service), "%u", port);
    rc = getaddrinfo(host && *host ? host : NULL, service, &hints, &res);
    if (rc != 0) {
        cli_format_error(err, errlen, "-gdb: cannot resolve '%s': %s", host, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0)
            break;
        rc = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        cli_format_error(err, errlen, "-gdb: cannot listen on %s:%u: %s", host ? host : "", port,
                         strerror(rc ? rc : EADDRNOTAVAIL));
        return -1;
    }
    {
        struct sockaddr_storage sa;
        socklen_t len = sizeof(sa);
        *bound = port;
        if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
            *bound = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                                    : ((struct sockaddr_in *)&sa)->sin_port);
    }
    return fd;
}

struct gdbstub *gdbstub_start(struct machine *m, const char *host, unsigned port, char *err,
                              size_t errlen)
{
    struct gdbstub *s = calloc(1, sizeof(*s));
    unsigned bound;

    if (!s) {
        cli_format_error(err, errlen, "out of memory");
        return NULL;
    }
    s->m = m;
    s->be = machine_backend(m);
    s->ncpu = machine_vcpu_count(m);
    s->conn_fd = -1;
    s->notify[0] = s->notify[1] = s->shutdown[0] = s->shutdown[1] = -1;
    s->act = calloc(s->ncpu, sizeof(*s->act));
    s->run = calloc(s->ncpu, sizeof(*s->run));
    s->named = calloc(s->ncpu, sizeof(*s->named));
    if (!s->act || !s->run || !s->named) {
        cli_format_error(err, errlen, "out of memory");
        goto fail;
    }
    if (pipe2(s->notify, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2(s->shutdown, O_CLOEXEC) != 0) {
        cli_format_error(err, errlen, "pipe: %s", strerror(errno));
        goto fail;
    }
    s->listen_fd = listen_on(host, port, &bound, err, errlen);
    if (s->listen_fd < 0)
        goto fail;
    if (pthread_create(&s->thread, NULL, stub_thread, s) != 0) {
        cli_format_error(err, errlen, "cannot start the gdbstub thread");
        close(s->listen_fd);
        goto fail;
    }
    fprintf(stderr, "petrel: gdbstub listening on tcp:%s:%u\n", host ? host : "", bound);
    return s;
fail:
    for (int i = 0; i < 2; i++) {
        if (s->notify[i] >= 0)
            close(s->notify[i]);
        if (s->shutdown[i] >= 0)
            close(s->shutdown[i]);
    }
    free(s->act);
    free(s->run);
    free(s->named);
    free(s);
    return NULL;
}

void gdbstub_stop(struct gdbstub *s, int status)
{
    char c = 1;

    if (!s)
        return;
    s->exit_status = status;
    if (write(s->shutdown[1], &c, 1) < 0) {
    }
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    for (int i = 0; i < 2; i++) {
        close(s->notify[i]);
        close(s->shutdown[i]);
    }
    free(s->act);
    free(s->run);
    free(s->named);
    free(s);
}
