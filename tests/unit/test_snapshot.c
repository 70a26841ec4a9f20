/*
 * Snapshots below the machine (vmm/snapshot.h and the components'
 * save/load): the container round-trips; every truncation (at each
 * section boundary and inside every section), every flipped byte, another
 * format version and another machine fingerprint are refused with their
 * own message; a vCPU's whole state and the interrupt controller's come
 * back exactly, and a bad payload is refused without changing them.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <petrel/irq.h>
#include <petrel/layout.h>
#include <petrel/service.h>

#include "check.h"
#include "irq/internal.h"
#include "irq/irq.h"
#include "vmm/cli.h"
#include "vmm/cpu/cpu.h"
#include "vmm/machine.h"
#include "vmm/memory.h"
#include "vmm/nvram.h"
#include "vmm/snapshot.h"

static const char fp[] = "ram=268435456 cpus=1 cpu=004e1202 ic-mode=dual";

struct file {
    uint8_t *buf;
    size_t len;
    size_t sec_start[4]; /* offset of each section, END last */
};

static void build(struct file *f)
{
    struct snap_file_writer w;
    struct snap_writer p = {0};

    snap_file_begin(&w, fp);
    f->sec_start[0] = w.w.len;
    snap_put_u32(&p, 0x11223344);
    snap_put_string(&p, "hello");
    snap_file_section(&w, SNAP_SEC_CPU, 0, 1, &p);
    snap_writer_free(&p);
    f->sec_start[1] = w.w.len;
    for (unsigned i = 0; i < 1000; i++)
        snap_put_u8(&p, (uint8_t)(i * 7));
    snap_file_section(&w, SNAP_SEC_RAM, 0, 2, &p);
    snap_writer_free(&p);
    f->sec_start[2] = w.w.len;
    snap_file_section(&w, SNAP_SEC_IRQ, 3, 1, &p); /* empty payload */
    f->sec_start[3] = w.w.len;
    CHECK_EQ(snap_file_end(&w), 0);
    f->buf = w.w.buf;
    f->len = w.w.len;
}

static int parse(const uint8_t *b, size_t n, const char *want_fp, char *err, size_t errlen)
{
    struct snap_section *s = NULL;
    unsigned ns = 0;
    int r = snap_file_parse(b, n, want_fp, &s, &ns, err, errlen);
    free(s);
    return r;
}

static void test_round_trip(void)
{
    struct file f;
    struct snap_section *s;
    unsigned n;
    char err[300];

    build(&f);
    CHECK_EQ(snap_file_parse(f.buf, f.len, fp, &s, &n, err, sizeof(err)), 0);
    CHECK_EQ(n, 3);
    CHECK_EQ(s[0].id, SNAP_SEC_CPU);
    CHECK_EQ(s[0].version, 1);
    CHECK_EQ(s[1].id, SNAP_SEC_RAM);
    CHECK_EQ(s[1].version, 2);
    CHECK_EQ(s[1].len, 1000);
    CHECK_EQ(s[1].payload[999], (uint8_t)(999 * 7));
    CHECK_EQ(s[2].instance, 3);
    CHECK_EQ(s[2].len, 0);
    {
        struct snap_reader r = {s[0].payload, (size_t)s[0].len, 0, false};
        char str[6] = {0};
        CHECK_EQ(snap_get_u32(&r), 0x11223344);
        CHECK_EQ(snap_get_u32(&r), 5);
        CHECK(snap_get_bytes(&r, str, 5));
        CHECK_STREQ(str, "hello");
        CHECK(snap_reader_done(&r));
        snap_get_u8(&r); /* past the end: bad, zero */
        CHECK(r.bad && !snap_reader_done(&r));
    }
    free(s);
    free(f.buf);
}

static void test_truncation(void)
{
    struct file f;
    char err[300];

    build(&f);
    /* Every length short of the whole file is refused. */
    for (size_t n = 0; n < f.len; n++) {
        err[0] = 0;
        if (parse(f.buf, n, fp, err, sizeof(err)) == 0) {
            CHECK(!"a truncated file parsed");
            fprintf(stderr, "  at %zu of %zu bytes\n", n, f.len);
        }
        CHECK(strncmp(err, "snapshot: ", 10) == 0);
    }
    /* At a section boundary: the END section is missing. */
    for (unsigned k = 0; k < 4; k++) {
        parse(f.buf, f.sec_start[k], fp, err, sizeof(err));
        CHECK(strstr(err, "no END section") != NULL);
    }
    /* Inside a section's payload: that section is named. */
    parse(f.buf, f.sec_start[1] + 20 + 500, fp, err, sizeof(err));
    CHECK(strstr(err, "truncated in section 1 ('RAM ' 0: 1000 bytes, 500 left)") != NULL);
    parse(f.buf, f.sec_start[0] + 10, fp, err, sizeof(err));
    CHECK(strstr(err, "truncated in the header of section 0") != NULL);
    parse(f.buf, 12, fp, err, sizeof(err));
    CHECK(strstr(err, "truncated in the header") != NULL);
    /* Bytes after END. */
    {
        uint8_t *b = malloc(f.len + 3);
        memcpy(b, f.buf, f.len);
        memset(b + f.len, 0, 3);
        parse(b, f.len + 3, fp, err, sizeof(err));
        CHECK(strstr(err, "3 bytes of garbage after the END section") != NULL);
        free(b);
    }
    free(f.buf);
}

static void test_corruption(void)
{
    struct file f;
    char err[300];
    unsigned header_errs = 0, section_errs = 0;

    build(&f);
    /* Every single flipped bit is refused: nothing is outside a CRC. */
    for (size_t i = 0; i < f.len; i++) {
        for (unsigned bit = 0; bit < 8; bit += 3) {
            f.buf[i] ^= (uint8_t)(1u << bit);
            if (parse(f.buf, f.len, fp, err, sizeof(err)) == 0) {
                CHECK(!"a corrupted file parsed");
                fprintf(stderr, "  byte %zu bit %u\n", i, bit);
            }
            header_errs +=
                i < f.sec_start[0] &&
                (strstr(err, "header checksum") || strstr(err, "bad magic") ||
                 strstr(err, "format version") || strstr(err, "truncated in the header"));
            section_errs += i >= f.sec_start[0] && strstr(err, "section") != NULL;
            f.buf[i] ^= (uint8_t)(1u << bit);
        }
    }
    CHECK(header_errs > 0 && section_errs > 0);
    /* A payload byte names its section's checksum. */
    f.buf[f.sec_start[1] + 20 + 3] ^= 0x10;
    parse(f.buf, f.len, fp, err, sizeof(err));
    CHECK(strstr(err, "checksum mismatch in section 1 ('RAM ' 0): corrupted file") != NULL);
    f.buf[f.sec_start[1] + 20 + 3] ^= 0x10;
    CHECK_EQ(parse(f.buf, f.len, fp, err, sizeof(err)), 0);
    free(f.buf);
}

static void test_version_and_fingerprint(void)
{
    struct file f;
    char err[300];

    build(&f);
    f.buf[8] = 2; /* format version (the header CRC is checked after it) */
    parse(f.buf, f.len, fp, err, sizeof(err));
    CHECK_STREQ(err, "snapshot: format version 2, this petrel reads version 1");
    f.buf[8] = 1;
    parse(f.buf, f.len, "ram=536870912 cpus=1 cpu=004e1202 ic-mode=dual", err, sizeof(err));
    CHECK_STREQ(err, "snapshot: taken on a different machine configuration: ram=268435456 (this "
                     "machine: ram=536870912)");
    parse(f.buf, f.len, "ram=268435456 cpus=1 cpu=004e1202 ic-mode=xics", err, sizeof(err));
    CHECK(strstr(err, "ic-mode=dual (this machine: ic-mode=xics)") != NULL);
    parse(f.buf, f.len, "ram=268435456 cpus=1 cpu=004e1202 ic-mode=dual pci0=x", err, sizeof(err));
    CHECK(strstr(err, "fewer devices") != NULL);
    memcpy(f.buf, "PETRELSX", 8);
    parse(f.buf, f.len, fp, err, sizeof(err));
    CHECK_STREQ(err, "snapshot: not a petrel snapshot (bad magic)");
    free(f.buf);
}

/* ---- components ---- */

static struct guest_mem mem;

static void test_cpu_state(void)
{
    const struct cpu_backend *be = &cpu_interp_backend;
    struct cpu *a = be->create(&mem, 0, 0x004e1202), *b = be->create(&mem, 0, 0x004e1202);
    struct cpu *other = be->create(&mem, 0, 0x004d0200); /* POWER8 */
    struct cpu_regs ra, rb;
    struct cpu_fp_regs fa, fb;
    struct snap_writer w = {0};
    char err[300];

    /* Compared with memcmp: padding included. */
    memset(&ra, 0, sizeof(ra));
    memset(&rb, 0, sizeof(rb));
    be->get_regs(a, &ra);
    for (unsigned i = 0; i < 32; i++)
        ra.gpr[i] = 0x0101010101010101ull * i + 7;
    ra.nip = 0x12340;
    ra.msr = 1ull << 63 | 1ull << 15 | 1ull << 13 | 1ull << 25 | 1ull << 23 |
             1; /* SF EE FP VEC VSX LE */
    ra.lr = 0xdead0;
    ra.ctr = 99;
    ra.xer = 0xe0000000ull | 0x7f;
    ra.cr = 0x12345678;
    ra.srr0 = 0x700;
    ra.srr1 = 0x8000000000001032ull;
    ra.sprg[2] = 0x55;
    ra.dar = 0x1000;
    ra.dsisr = 0x40000000;
    be->set_regs(a, &ra);
    be->get_fp_regs(a, &fa);
    for (unsigned i = 0; i < 64; i++) {
        fa.vsr[i][0] = 0x3ff0000000000000ull + i;
        fa.vsr[i][1] = ~(uint64_t)i;
    }
    fa.fpscr = 0x000000f8;
    fa.vscr = 0x00010000;
    fa.vrsave = 0xffff0000;
    be->set_fp_regs(a, &fa);
    be->set_lpcr(a, CPU_LPCR_ILE | CPU_LPCR_AIL, CPU_LPCR_ILE | CPU_LPCR_AIL);
    be->get_fp_regs(a, &fa);

    be->save_state(a, &w);
    CHECK(!w.failed && w.len > 1000);
    {
        struct snap_reader r = {w.buf, w.len, 0, false};
        CHECK_EQ(be->load_state(b, &r, be->state_version, true, err, sizeof(err)), 0);
    }
    be->get_regs(b, &rb);
    be->get_fp_regs(b, &fb);
    CHECK(memcmp(&ra, &rb, sizeof(ra)) == 0);
    CHECK(memcmp(&fa, &fb, sizeof(fa)) == 0);
    /* The timebase goes on from the saved value, not from zero. */
    CHECK(be->read_tb(b) >= be->read_tb(a) - 512000000ull && be->read_tb(b) > 0);

    /* Refusals leave the vCPU as it was. */
    {
        struct snap_reader r = {w.buf, w.len, 0, false};
        CHECK_EQ(be->load_state(other, &r, be->state_version, true, err, sizeof(err)), -1);
        CHECK(strstr(err, "saved as PVR 0x004e1202") != NULL);
    }
    {
        struct snap_reader r = {w.buf, w.len - 8, 0, false};
        CHECK_EQ(be->load_state(b, &r, be->state_version, true, err, sizeof(err)), -1);
        CHECK(strstr(err, "not what version") != NULL);
    }
    {
        struct snap_reader r = {w.buf, w.len, 0, false};
        CHECK_EQ(be->load_state(b, &r, be->state_version + 1, true, err, sizeof(err)), -1);
        CHECK(strstr(err, "state version 2, this petrel reads 1") != NULL);
    }
    {
        /* MSR[HV] is never a guest's (offset: 32 GPRs, NIP, then MSR). */
        uint8_t *msr = w.buf + 33 * 8;
        struct snap_reader r = {w.buf, w.len, 0, false};
        msr[7] |= 0x10;
        CHECK_EQ(be->load_state(b, &r, be->state_version, true, err, sizeof(err)), -1);
        CHECK(strstr(err, "bits a guest cannot hold") != NULL);
        msr[7] &= (uint8_t)~0x10;
    }
    memset(&rb, 0, sizeof(rb));
    {
        /* An SLB entry with a page size slbmte refuses (LLP 0x010). */
        size_t slb0 = w.len - 8 * (3 + 1 + 64);
        struct snap_reader r = {w.buf, w.len, 0, false};
        w.buf[slb0 + 8] |= 0x10;
        CHECK_EQ(be->load_state(b, &r, be->state_version, true, err, sizeof(err)), -1);
        CHECK(strstr(err, "SLB entry 0 has a form slbmte cannot write") != NULL);
        w.buf[slb0 + 8] &= (uint8_t)~0x10;
    }
    be->get_regs(b, &rb);
    CHECK(memcmp(&ra, &rb, sizeof(ra)) == 0);
    snap_writer_free(&w);
    be->destroy(a);
    be->destroy(b);
    be->destroy(other);
}

static bool lines[2];
static void set_line(void *o, unsigned vcpu, bool level)
{
    (void)o;
    lines[vcpu] = level;
}
static void wake(void *o)
{
    (void)o;
}

static void test_irq_state(void)
{
    const struct irq_host host = {set_line, wake, NULL, &mem};
    struct irq_ctl *a = irq_create(&host, 2, 4, PETREL_IC_XICS);
    struct irq_ctl *b = irq_create(&host, 2, 4, PETREL_IC_XICS);
    struct snap_writer w = {0};
    uint64_t out[9];
    char err[300];
    unsigned n = PETREL_XICS_ICS_BASE + 5;

    /* XIVE in force, a source routed and fired into a queue: vCPU 1's
     * input goes up. */
    CHECK_EQ(irq_switch_mode(a, PETREL_IC_XIVE), IRQ_SWITCH_OK);
    CHECK_EQ(xive_set_queue_config(a, 0, 1, 3, 0x10000, 12), 0);
    CHECK_EQ(xive_set_source_config(a, XIVE_SRC_SET_EISN, n, 1, 3, 0x77), 0);
    xive_esb_read(a, 1, ((uint64_t)n << PETREL_XIVE_ESB_SHIFT) + 0x10000 + XIVE_ESB_SET_PQ_00, 8);
    xive_tima_write(a, 1, 2 * PETREL_XIVE_TIMA_PAGE_SIZE + XIVE_TM_QW1_OS + XIVE_TM_CPPR, 1, 0xff);
    irq_pulse(a, n);
    CHECK(lines[1]);
    irq_save(a, &w);

    lines[1] = false;
    {
        struct snap_reader r = {w.buf, w.len, 0, false};
        CHECK_EQ(irq_load(b, &r, irq_state_version(), true, err, sizeof(err)), 0);
    }
    CHECK_EQ(irq_mode(b), PETREL_IC_XIVE);
    CHECK(lines[1]); /* the input driven to its saved level */
    CHECK_EQ(xive_get_source_config(b, 0, n, out), 0);
    CHECK_EQ(out[0], 1);
    CHECK_EQ(out[1], 3);
    CHECK_EQ(out[2], 0x77);
    CHECK_EQ(xive_get_queue_config(b, 0, 1, 3, out), 0);
    CHECK_EQ(out[1], 0x10000);
    CHECK_EQ(out[2], 12);
    CHECK(memcmp(a->src, b->src, sizeof(a->src)) == 0);
    CHECK(memcmp(a->cpu, b->cpu, 2 * sizeof(*a->cpu)) == 0);

    /* A target past the servers: refused, the controller unchanged. */
    {
        struct irq_ctl *c = irq_create(&host, 2, 4, PETREL_IC_XICS);
        struct snap_reader r = {w.buf, w.len, 0, false};
        /* Header 16 bytes, then sources of 20 bytes: eas_target at +12. */
        uint8_t *t = w.buf + 16 + 20 * n + 12;
        t[0] = 9;
        CHECK_EQ(irq_load(c, &r, irq_state_version(), true, err, sizeof(err)), -1);
        CHECK(strstr(err, "XIVE target out of range at source") != NULL);
        CHECK_EQ(irq_mode(c), PETREL_IC_XICS);
        t[0] = 1;
        /* An event queue past guest RAM. */
        r.pos = 0;
        {
            size_t q = 16 + 20 * PETREL_IRQ_NR + 1 * (10 + 8 * 15) + 10 + 3 * 15;
            uint8_t save = w.buf[q + 3];
            w.buf[q + 3] = 0x7f; /* page 0x7f010000 */
            CHECK_EQ(irq_load(c, &r, irq_state_version(), true, err, sizeof(err)), -1);
            CHECK(strstr(err, "event queue outside guest RAM") != NULL);
            w.buf[q + 3] = save;
        }
        r.pos = 0;
        w.buf[0] = 7; /* mode */
        CHECK_EQ(irq_load(c, &r, irq_state_version(), true, err, sizeof(err)), -1);
        CHECK(strstr(err, "unknown mode") != NULL);
        CHECK_EQ(irq_mode(c), PETREL_IC_XICS);
        irq_destroy(c);
    }
    snap_writer_free(&w);
    irq_destroy(a);
    irq_destroy(b);
}

/* ---- a whole machine (machine.h, machine_snapshot.c) ---- */

/* cli_parse edits option strings in place: copies, freed at the end. */
static char *kept[8];
static unsigned n_kept;

static struct machine *make_machine(const char *ram)
{
    char *argv[] = {"petrel", "-m", strdup(ram), "-nographic"};
    struct machine_config cfg;
    struct machine *m;
    char err[256];
    int null = open("/dev/null", O_RDWR); /* the console: left open, as stdio is */

    if (n_kept < 8)
        kept[n_kept++] = argv[2];
    if (cli_parse(4, argv, &cfg, err, sizeof(err)) != CLI_RUN ||
        machine_create(&m, &cfg, null, null, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
    return m;
}

static void test_machine(void)
{
    struct machine *a = make_machine("256M"), *b = make_machine("256M"), *c;
    char path[] = "/tmp/petrel-test-snapshot-XXXXXX", err[300], uri[64];
    struct cpu_mmu mmu;
    struct cpu_regs r;
    uint64_t lpcr;
    uint8_t *ram;
    int fd = mkstemp(path);

    close(fd);
    snprintf(uri, sizeof(uri), "file:%s", path);
    /* Partition state CAS would negotiate: POWER8 compat on this POWER9,
     * XIVE (power-on is XICS), a hash table; RAM; vCPU 0's registers. */
    machine_set_compat_pvr(a, PVR_COMPAT_POWER8);
    CHECK_EQ(irq_switch_mode(machine_irq(a), PETREL_IC_XIVE), IRQ_SWITCH_OK);
    CHECK_EQ(machine_alloc_hpt(a, 18), 0);
    machine_mmu(a, &mmu, NULL);
    mmu.hpt[4096 * 3 + 5] = 0xa5;
    ram = machine_mem(a)->ram;
    memcpy(ram + 0x123000, "petrel snapshot", 16);
    CHECK_EQ(nvram_write(machine_nvram(a), 100, "nvram bytes", 12), 0);
    ram[(256 << 20) - 1] = 0x5a;
    machine_backend(a)->get_regs(machine_cpu(a, 0), &r);
    r.nip = 0x4000;
    r.gpr[7] = 0x77;
    machine_backend(a)->set_regs(machine_cpu(a, 0), &r);

    CHECK_EQ(machine_save_snapshot(a, uri, false, err, sizeof(err)), 0);
    CHECK_EQ(machine_load_snapshot(b, uri, err, sizeof(err)), 0);
    CHECK_EQ(machine_compat_pvr(b), PVR_COMPAT_POWER8);
    CHECK_EQ(machine_ic_mode(b), PETREL_IC_XIVE);
    machine_mmu(b, &mmu, &lpcr);
    CHECK(mmu.hpt && mmu.hpt_shift == 18 && mmu.hpt[4096 * 3 + 5] == 0xa5);
    CHECK(memcmp(machine_mem(b)->ram + 0x123000, "petrel snapshot", 16) == 0);
    CHECK_EQ(machine_mem(b)->ram[(256 << 20) - 1], 0x5a);
    {
        char nv[12];
        nvram_read(machine_nvram(b), 100, nv, sizeof(nv));
        CHECK(memcmp(nv, "nvram bytes", 12) == 0);
    }
    memset(&r, 0, sizeof(r));
    machine_backend(b)->get_regs(machine_cpu(b, 0), &r);
    CHECK_EQ(r.nip, 0x4000);
    CHECK_EQ(r.gpr[7], 0x77);
    CHECK(machine_vcpu_runnable(b, 0));

    /* The restore order is the loader's, not the file's: the same
     * sections in reverse order give the same machine. */
    {
        uint8_t *buf;
        size_t len;
        struct snap_section *secs;
        unsigned n;
        uint32_t fp_len;
        char *fpr;
        struct snap_file_writer w;

        CHECK_EQ(snap_read_file(path, &buf, &len, err, sizeof(err)), 0);
        fp_len = (uint32_t)buf[12] | (uint32_t)buf[13] << 8 | (uint32_t)buf[14] << 16 |
                 (uint32_t)buf[15] << 24;
        fpr = strndup((const char *)buf + 16, fp_len);
        CHECK_EQ(snap_file_parse(buf, len, fpr, &secs, &n, err, sizeof(err)), 0);
        CHECK(n >= 6 && secs[0].id == SNAP_SEC_MACHINE);
        snap_file_begin(&w, fpr);
        for (unsigned k = n; k-- > 0;) {
            struct snap_writer p = {(uint8_t *)secs[k].payload, (size_t)secs[k].len,
                                    (size_t)secs[k].len, false};
            snap_file_section(&w, secs[k].id, secs[k].instance, secs[k].version, &p);
        }
        CHECK_EQ(snap_file_end(&w), 0);
        CHECK_EQ(snap_write_file(path, w.w.buf, w.w.len, err, sizeof(err)), 0);
        c = make_machine("256M");
        CHECK_EQ(machine_load_snapshot(c, uri, err, sizeof(err)), 0);
        CHECK_EQ(machine_compat_pvr(c), PVR_COMPAT_POWER8);
        CHECK_EQ(machine_ic_mode(c), PETREL_IC_XIVE);
        CHECK(memcmp(machine_mem(c)->ram + 0x123000, "petrel snapshot", 16) == 0);
        memset(&r, 0, sizeof(r));
        machine_backend(c)->get_regs(machine_cpu(c, 0), &r);
        CHECK_EQ(r.nip, 0x4000);
        machine_destroy(c);
        snap_writer_free(&w.w);
        free(secs);
        free(fpr);
        free(buf);
    }

    /* A bad file changes nothing: c keeps its power-on state. */
    CHECK_EQ(machine_save_snapshot(a, uri, false, err, sizeof(err)), 0);
    c = make_machine("256M");
    {
        FILE *f = fopen(path, "r+b");
        long end;
        fseek(f, 0, SEEK_END);
        end = ftell(f);
        fseek(f, end - 100, SEEK_SET); /* inside RAM's last page */
        fputc(0xee, f);
        fclose(f);
    }
    CHECK_EQ(machine_load_snapshot(c, uri, err, sizeof(err)), -1);
    CHECK(strstr(err, "checksum mismatch in section") && strstr(err, "'RAM '"));
    CHECK_EQ(machine_compat_pvr(c), 0);
    CHECK_EQ(machine_ic_mode(c), PETREL_IC_XICS);
    machine_mmu(c, &mmu, NULL);
    CHECK(mmu.hpt == NULL);
    CHECK(machine_mem(c)->ram[0x123000] == 0);
    machine_destroy(c);

    /* Through a command's stdin and stdout (exec:). */
    {
        char cmd[128];
        c = make_machine("256M");
        snprintf(cmd, sizeof(cmd), "exec:cat > %s", path);
        CHECK_EQ(machine_save_snapshot(a, cmd, false, err, sizeof(err)), 0);
        snprintf(cmd, sizeof(cmd), "exec:cat %s", path);
        CHECK_EQ(machine_load_snapshot(c, cmd, err, sizeof(err)), 0);
        CHECK_EQ(machine_compat_pvr(c), PVR_COMPAT_POWER8);
        CHECK_EQ(machine_load_snapshot(c, "exec:exit 3", err, sizeof(err)), -1);
        CHECK_STREQ(err, "snapshot: 'exit 3' failed (exit status 3)");
        CHECK_EQ(machine_save_snapshot(a, "tcp:1.2.3.4:5", false, err, sizeof(err)), -1);
        machine_destroy(c);
    }

    /* Another configuration: refused by name. */
    c = make_machine("512M");
    CHECK_EQ(machine_save_snapshot(a, uri, false, err, sizeof(err)), 0);
    CHECK_EQ(machine_load_snapshot(c, uri, err, sizeof(err)), -1);
    CHECK(strstr(err, "ram=268435456 (this machine: ram=536870912)") != NULL);
    machine_destroy(c);
    unlink(path);
    machine_destroy(a);
    machine_destroy(b);
    while (n_kept)
        free(kept[--n_kept]);
}

int main(void)
{
    if (guest_mem_init(&mem, 16 << 20) != 0)
        return 1;
    test_round_trip();
    test_truncation();
    test_corruption();
    test_version_and_fingerprint();
    test_cpu_state();
    test_irq_state();
    test_machine();
    guest_mem_destroy(&mem);
    return check_summary("snapshot");
}
