/*
 * isa-check: the host side of the differential ISA tests (README.md).
 *
 *   isa-check run --endian be|le --lists DIR [--seed S] [--first I] [--count N]
 *                 [--coverage FILE] [--max-report N] [--verbose] -- QEMU ARGS... HARNESS
 *       Generates vectors [first, first + count) of the run (seed, byte
 *       order), feeds them to the harness under qemu-user from a child
 *       process, replays each in petrel's interpreter as it reads the
 *       harness's result, and compares all user-visible state and the
 *       memory block.  Prints every mismatch (up to --max-report in full)
 *       and exits 1 if there was any.  --coverage writes, per decode-table
 *       row, how many generated instructions it decoded to.  --verbose
 *       prints every vector and the harness's result.
 *   isa-check show --endian be|le --lists DIR [--seed S] --first I [--count N]
 *       Prints vectors without running them.
 *   isa-check directed
 *       Runs the directed tests of directed.c (petrel against the
 *       architecture, for what QEMU cannot check).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/cpu/interp/ppc.h"

#include "gen.h"
#include "isa-petrel.h"

/* ---- byte order of the records ---- */

static void swap_state(struct isa_state *s)
{
    uint64_t *p = (uint64_t *)s;
    for (size_t i = 0; i < sizeof(*s) / 8; i++)
        p[i] = __builtin_bswap64(p[i]);
}

static void vec_to_guest(struct isa_vec *v, int le)
{
    if (le)
        return;
    swap_state(&v->in);
    v->n = __builtin_bswap64(v->n);
    v->at = __builtin_bswap64(v->at);
    for (unsigned i = 0; i < ISA_MAX_INSN; i++)
        v->insn[i] = __builtin_bswap32(v->insn[i]);
}

static void res_from_guest(struct isa_res *r, int le)
{
    if (!le)
        swap_state(&r->out);
}

/* ---- options ---- */

struct opts {
    const char *cmd;
    int le;
    uint64_t seed, first, count;
    const char *lists;
    const char *coverage;
    unsigned max_report;
    int verbose;
    unsigned jit_hot; /* petrel's block compiler: 0 off (default), 1 every block at once */
    char **qemu;
};

static void usage(void)
{
    fprintf(stderr, "usage: isa-check run|show --endian be|le --lists DIR [--seed S] "
                    "[--first I] [--count N] [--coverage FILE] [--max-report N] [--verbose] "
                    "[--jit-hot N] [-- QEMU...]\n"
                    "       isa-check directed\n");
    exit(2);
}

static uint64_t num(const char *s)
{
    char *e;
    errno = 0;
    uint64_t v = strtoull(s, &e, 0);
    if (errno || *e)
        usage();
    return v;
}

static void parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    o->le = -1;
    o->count = 1;
    o->max_report = 10;
    if (argc < 2)
        usage();
    o->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            o->qemu = &argv[i + 1];
            break;
        }
        if (!strcmp(a, "--verbose")) {
            o->verbose = 1;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        if (!strcmp(a, "--endian"))
            o->le = !strcmp(argv[++i], "le") ? 1 : !strcmp(argv[i], "be") ? 0 : -1;
        else if (!strcmp(a, "--seed"))
            o->seed = num(argv[++i]);
        else if (!strcmp(a, "--first"))
            o->first = num(argv[++i]);
        else if (!strcmp(a, "--count"))
            o->count = num(argv[++i]);
        else if (!strcmp(a, "--lists"))
            o->lists = argv[++i];
        else if (!strcmp(a, "--coverage"))
            o->coverage = argv[++i];
        else if (!strcmp(a, "--max-report"))
            o->max_report = (unsigned)num(argv[++i]);
        else if (!strcmp(a, "--jit-hot"))
            o->jit_hot = (unsigned)num(argv[++i]);
        else
            usage();
    }
    if (o->le < 0 || !o->lists)
        usage();
}

/* ---- printing ---- */

static const char *sig_name(uint64_t s)
{
    switch (s) {
    case 0: return "none";
    case 4: return "SIGILL";
    case 5: return "SIGTRAP";
    case 7: return "SIGBUS";
    case 8: return "SIGFPE";
    case 11: return "SIGSEGV";
    default: return "other";
    }
}

static void print_vec(FILE *f, const struct isa_config *c, uint64_t index, const struct isa_vec *v,
                      const struct isa_meta *m)
{
    char buf[96];
    fprintf(f, "vector %" PRIu64 " (seed %" PRIu64 ", %s%s):\n", index, c->seed,
            c->le ? "le" : "be", m->directed ? ", directed" : "");
    for (unsigned i = 0; i < v->n; i++)
        fprintf(f, "  %08" PRIx64 ": %08x  %s\n", v->at + 4 * i, v->insn[i],
                ppc_disasm(v->insn[i], buf, sizeof(buf)));
    for (unsigned i = 0; i < 32; i += 4)
        fprintf(f, "  r%-2u %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n", i,
                v->in.gpr[i], v->in.gpr[i + 1], v->in.gpr[i + 2], v->in.gpr[i + 3]);
    fprintf(f,
            "  cr %08" PRIx64 " xer %016" PRIx64 " lr %016" PRIx64 " ctr %016" PRIx64
            " tar %016" PRIx64 " vrsave %08" PRIx64 "\n",
            v->in.cr, v->in.xer, v->in.lr, v->in.ctr, v->in.tar, v->in.vrsave);
    fprintf(f, "  fpscr %016" PRIx64 " vscr %08" PRIx64 "\n", v->in.fpscr, v->in.vscr);
    for (unsigned i = 0; i < 64; i++)
        fprintf(f, "%s vs%-2u %016" PRIx64 " %016" PRIx64, i % 2 ? "" : "  ", i, v->in.vsr[i][0],
                v->in.vsr[i][1]),
            fprintf(f, i % 2 ? "\n" : "  ");
    fprintf(f, "  mem");
    for (unsigned i = 0; i < ISA_MEM_SIZE; i++)
        fprintf(f, "%s%02x", i % 32 ? (i % 8 ? "" : " ") : "\n    ", v->mem[i]);
    fprintf(f, "\n");
    if (m->kd_used) {
        fprintf(f, "  masked (known differences):");
        for (unsigned k = 0; k < KD_COUNT; k++)
            if (m->kd_used & (1ull << k))
                fprintf(f, " %s", isa_kd_names[k]);
        fprintf(f, "\n");
    }
}

/* The harness's result (for --verbose): what changed from the inputs. */
static void print_res(FILE *f, const struct isa_vec *v, const struct isa_res *q)
{
    fprintf(f, "  result:");
    for (unsigned i = 0; i < 32; i++)
        if (q->out.gpr[i] != v->in.gpr[i])
            fprintf(f, " r%u=%" PRIx64, i, q->out.gpr[i]);
    fprintf(f, " cr=%08" PRIx64 " xer=%" PRIx64 " lr=%" PRIx64 " ctr=%" PRIx64, q->out.cr,
            q->out.xer, q->out.lr, q->out.ctr);
    if (q->out.tar != v->in.tar)
        fprintf(f, " tar=%" PRIx64, q->out.tar);
    if (q->out.vrsave != v->in.vrsave)
        fprintf(f, " vrsave=%" PRIx64, q->out.vrsave);
    if (q->out.signo)
        fprintf(f, " signal=%s at %" PRIx64, sig_name(q->out.signo), q->out.nip);
    if (q->out.fpscr != v->in.fpscr)
        fprintf(f, " fpscr=%" PRIx64, q->out.fpscr);
    if (q->out.vscr != v->in.vscr)
        fprintf(f, " vscr=%" PRIx64, q->out.vscr);
    for (unsigned i = 0; i < 64; i++)
        if (q->out.vsr[i][0] != v->in.vsr[i][0] || q->out.vsr[i][1] != v->in.vsr[i][1])
            fprintf(f, " vs%u=%016" PRIx64 ":%016" PRIx64, i, q->out.vsr[i][0], q->out.vsr[i][1]);
    for (unsigned i = 0; i < ISA_MEM_SIZE; i++)
        if (q->mem[i] != v->mem[i])
            fprintf(f, " mem+%u=%02x", i, q->mem[i]);
    fprintf(f, "\n");
}

/* Compares; prints the differing fields if f; returns the number. */
static unsigned compare(FILE *f, const struct isa_meta *m, const struct isa_res *q,
                        const struct isa_res *p)
{
    unsigned n = 0;
#define FIELD(name, a, b, mask)                                                                    \
    do {                                                                                           \
        if (((a) ^ (b)) & (mask)) {                                                                \
            n++;                                                                                   \
            if (f)                                                                                 \
                fprintf(f, "  %-7s qemu %016" PRIx64 "  petrel %016" PRIx64 "\n", name,            \
                        (uint64_t)(a), (uint64_t)(b));                                             \
        }                                                                                          \
    } while (0)
    for (unsigned i = 0; i < 32; i++) {
        char nm[8];
        snprintf(nm, sizeof(nm), "r%u", i);
        FIELD(nm, q->out.gpr[i], p->out.gpr[i], ~m->ign_gpr[i]);
    }
    FIELD("cr", q->out.cr, p->out.cr, ~(uint64_t)m->ign_cr);
    FIELD("xer", q->out.xer, p->out.xer, ~m->ign_xer);
    FIELD("lr", q->out.lr, p->out.lr, ~0ull);
    FIELD("ctr", q->out.ctr, p->out.ctr, ~0ull);
    FIELD("tar", q->out.tar, p->out.tar, ~0ull);
    FIELD("vrsave", q->out.vrsave, p->out.vrsave, ~0ull);
    if (q->out.signo != p->out.signo) {
        n++;
        if (f)
            fprintf(f, "  signal  qemu %s (%" PRIu64 ")  petrel %s (%" PRIu64 ")\n",
                    sig_name(q->out.signo), q->out.signo, sig_name(p->out.signo), p->out.signo);
    }
    if (q->out.signo)
        FIELD("nip", q->out.nip, p->out.nip, ~0ull);
    /* The harness's signal handler does not record FP and vector state. */
    if (!q->out.signo) {
        FIELD("fpscr", q->out.fpscr, p->out.fpscr, ~m->ign_fpscr);
        FIELD("vscr", q->out.vscr, p->out.vscr, ~m->ign_vscr);
        for (unsigned i = 0; i < 64; i++)
            for (unsigned d = 0; d < 2; d++) {
                char nm[16];
                snprintf(nm, sizeof(nm), "vs%u.%u", i, d);
                FIELD(nm, q->out.vsr[i][d], p->out.vsr[i][d], ~m->ign_vsr[i][d]);
            }
    }
#undef FIELD
    for (unsigned i = 0; i < ISA_MEM_SIZE; i += 8)
        if (memcmp(q->mem + i, p->mem + i, 8)) {
            n++;
            if (f) {
                fprintf(f, "  mem+%-3u qemu ", i);
                for (unsigned k = 0; k < 8; k++)
                    fprintf(f, "%02x", q->mem[i + k]);
                fprintf(f, "  petrel ");
                for (unsigned k = 0; k < 8; k++)
                    fprintf(f, "%02x", p->mem[i + k]);
                fprintf(f, "\n");
            }
        }
    return n;
}

/* ---- I/O ---- */

static int write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t r = write(fd, p, len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* The writer: generates the vectors and feeds qemu's stdin. */
static void writer(const struct isa_config *c, const struct opts *o, int fd)
{
    enum { BATCH = 256 };
    static struct isa_vec buf[BATCH];
    struct isa_meta m;
    unsigned k = 0;

    for (uint64_t i = o->first; i < o->first + o->count; i++) {
        isa_gen(c, i, &buf[k], &m);
        vec_to_guest(&buf[k], c->le);
        if (++k == BATCH) {
            if (write_all(fd, buf, sizeof(buf[0]) * k))
                _exit(1);
            k = 0;
        }
    }
    if (k && write_all(fd, buf, sizeof(buf[0]) * k))
        _exit(1);
    _exit(0);
}

/* ---- run ---- */

/* Runs vector i alone in a fresh harness into *q (guest byte order);
 * 0 when the harness produced no result for it. */
static int harness_run_alone(const struct opts *o, const struct isa_config *c, uint64_t i,
                             struct isa_res *q)
{
    int to_q[2], from_q[2], status;
    struct isa_vec v;
    struct isa_meta m;
    pid_t pid;
    size_t got = 0;

    if (pipe(to_q) || pipe(from_q))
        return 0;
    pid = fork();
    if (pid == 0) {
        dup2(to_q[0], 0);
        dup2(from_q[1], 1);
        close(to_q[1]);
        close(from_q[0]);
        if (freopen("/dev/null", "w", stderr) == NULL)
            _exit(127);
        execvp(o->qemu[0], o->qemu);
        _exit(127);
    }
    close(to_q[0]);
    close(from_q[1]);
    isa_gen(c, i, &v, &m);
    vec_to_guest(&v, c->le);
    if (write_all(to_q[1], &v, sizeof(v)))
        got = 0;
    close(to_q[1]);
    for (;;) {
        ssize_t r = read(from_q[0], (char *)q + got, sizeof(*q) - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        if (got == sizeof(*q))
            break;
    }
    close(from_q[0]);
    waitpid(pid, &status, 0);
    return got == sizeof(*q);
}

/* 1 if the harness produced no result for vector i alone (to find the
 * vector that killed a harness). */
static int harness_dies_on(const struct opts *o, const struct isa_config *c, uint64_t i)
{
    struct isa_res q;
    return !harness_run_alone(o, c, i, &q);
}

static int cmd_run(const struct opts *o, const struct isa_config *c)
{
    int to_q[2], from_q[2];
    pid_t wpid, qpid;
    struct petrel_replay *pr;
    uint64_t mismatches = 0, errors = 0, sigs[16] = {0}, kd_count[KD_COUNT] = {0};
    uint64_t directed = 0, insns = 0, refctx = 0;
    static uint64_t cover[OP_COUNT], in_vecs[OP_COUNT], in_bad[OP_COUNT];
    FILE *in;
    int status, rc = 0;
    struct timespec t0, t1;

    if (!o->qemu || !o->qemu[0])
        usage();
    pr = petrel_replay_new(c->le);
    if (o->jit_hot > 255)
        usage();
    petrel_replay_cpu(pr)->jit_hot = (uint8_t)o->jit_hot;
    if (pipe(to_q) || pipe(from_q)) {
        perror("pipe");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fflush(NULL);
    wpid = fork();
    if (wpid == 0) {
        close(to_q[0]);
        close(from_q[0]);
        close(from_q[1]);
        writer(c, o, to_q[1]);
    }
    qpid = fork();
    if (qpid == 0) {
        dup2(to_q[0], 0);
        dup2(from_q[1], 1);
        close(to_q[0]);
        close(to_q[1]);
        close(from_q[0]);
        close(from_q[1]);
        execvp(o->qemu[0], o->qemu);
        perror(o->qemu[0]);
        _exit(127);
    }
    close(to_q[0]);
    close(to_q[1]);
    close(from_q[1]);
    in = fdopen(from_q[0], "rb");
    setvbuf(in, NULL, _IOFBF, 1 << 16);

    for (uint64_t i = o->first; i < o->first + o->count; i++) {
        struct isa_vec v;
        struct isa_meta m;
        struct isa_res q, p;
        const char *err;

        isa_gen(c, i, &v, &m);
        if (fread(&q, sizeof(q), 1, in) != 1) {
            fprintf(stderr,
                    "isa-check: the harness stopped after %" PRIu64 " of %" PRIu64 " vectors\n",
                    i - o->first, o->count);
            /* Its output is buffered: find the vector that killed it. */
            for (uint64_t j = i; j < i + 1024 && j < o->first + o->count; j++)
                if (harness_dies_on(o, c, j)) {
                    struct isa_vec vj;
                    struct isa_meta mj;
                    isa_gen(c, j, &vj, &mj);
                    fprintf(stderr, "isa-check: the harness dies on this vector alone:\n");
                    print_vec(stderr, c, j, &vj, &mj);
                    break;
                }
            errors++;
            break;
        }
        res_from_guest(&q, c->le);
        err = petrel_replay_run(pr, &v, &p);
        uint8_t seen[OP_COUNT] = {0};
        for (unsigned k = 0; k < v.n; k++) {
            struct insn d;
            ppc_decode(v.insn[k], &d);
            cover[d.op]++;
            seen[d.op] = 1;
        }
        for (unsigned k = 0; k < OP_COUNT; k++)
            in_vecs[k] += seen[k];
        insns += v.n;
        directed += (uint64_t)m.directed;
        sigs[q.out.signo & 15]++;
        for (unsigned k = 0; k < KD_COUNT; k++)
            kd_count[k] += (m.kd_used >> k) & 1;
        if (o->verbose) {
            print_vec(stdout, c, i, &v, &m);
            print_res(stdout, &v, &q);
        }
        if (!err && c->kd_enabled[KD_REF_CONTEXT] && compare(NULL, &m, &q, &p)) {
            /* The reference's answer can depend on what the same QEMU
             * process ran before (known-differences.txt,
             * reference-context): a mismatch is run again alone in a
             * fresh harness, and when that answer agrees with petrel the
             * vector is counted and listed, not failed. */
            struct isa_res fresh;
            if (harness_run_alone(o, c, i, &fresh)) {
                res_from_guest(&fresh, c->le);
                if (!compare(NULL, &m, &fresh, &p)) {
                    refctx++;
                    kd_count[KD_REF_CONTEXT]++;
                    fprintf(stderr,
                            "isa-check: vector %" PRIu64 " (%s, seed %" PRIu64
                            "): the reference answered differently in context; alone it "
                            "agrees with petrel\n",
                            i, c->le ? "le" : "be", c->seed);
                    if (refctx <= o->max_report)
                        compare(stderr, &m, &q, &p);
                    continue;
                }
            }
        }
        if (err || compare(NULL, &m, &q, &p)) {
            mismatches++;
            for (unsigned k = 0; k < OP_COUNT; k++)
                in_bad[k] += seen[k];
            if (mismatches <= o->max_report) {
                fprintf(stderr, "MISMATCH ");
                print_vec(stderr, c, i, &v, &m);
                if (err)
                    fprintf(stderr, "  petrel: %s\n", err);
                compare(stderr, &m, &q, &p);
                fprintf(stderr,
                        "  reproduce: isa-check run --endian %s --seed %" PRIu64 " --first %" PRIu64
                        " --count 1 ...\n\n",
                        c->le ? "le" : "be", c->seed, i);
            }
        }
    }
    fclose(in);
    waitpid(wpid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        /* The writer dies of SIGPIPE when the harness stopped early. */
        if (!errors)
            fprintf(stderr, "isa-check: the vector writer failed\n");
        errors++;
    }
    waitpid(qpid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "isa-check: %s exited with status 0x%x\n", o->qemu[0], status);
        errors++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    petrel_replay_free(pr);

    printf("isa %s seed %" PRIu64 " vectors [%" PRIu64 ", %" PRIu64 "): %" PRIu64
           " directed, %" PRIu64 " instructions, %.1f s\n",
           c->le ? "le" : "be", c->seed, o->first, o->first + o->count, directed, insns,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    printf("  ended by signal: SIGILL %" PRIu64 ", SIGTRAP %" PRIu64 ", SIGBUS %" PRIu64
           ", SIGSEGV %" PRIu64 "\n",
           sigs[4], sigs[5], sigs[7], sigs[11]);
    for (unsigned k = 0; k < KD_COUNT; k++)
        if (c->kd_enabled[k])
            printf("  masked %-12s in %" PRIu64 " vectors\n", isa_kd_names[k], kd_count[k]);
    printf("  reference-context vectors (fresh reference agrees): %" PRIu64 "\n", refctx);
    printf("  mismatches: %" PRIu64 "\n", mismatches);
    if (mismatches) {
        /* Rows by how often the vectors holding them mismatched. */
        printf("  rows in mismatching vectors (mismatching/all vectors holding the row):\n");
        for (unsigned i = 0; i < isa_nrows; i++) {
            unsigned op = isa_rows[i].op;
            if (in_bad[op] && in_bad[op] * 100 >= in_vecs[op])
                printf("    %-10s %" PRIu64 "/%" PRIu64 "\n", isa_rows[i].name, in_bad[op],
                       in_vecs[op]);
        }
    }
    if (o->coverage) {
        FILE *f = fopen(o->coverage, "w");
        if (!f) {
            perror(o->coverage);
            return 1;
        }
        for (unsigned i = 0; i < isa_nrows; i++)
            fprintf(f, "%s %d %" PRIu64 "\n", isa_rows[i].name,
                    c->row_enabled[isa_rows[i].op] ? 1 : 0, cover[isa_rows[i].op]);
        fclose(f);
    }
    if (mismatches || errors)
        rc = 1;
    return rc;
}

static int cmd_show(const struct opts *o, const struct isa_config *c)
{
    for (uint64_t i = o->first; i < o->first + o->count; i++) {
        struct isa_vec v;
        struct isa_meta m;
        isa_gen(c, i, &v, &m);
        print_vec(stdout, c, i, &v, &m);
    }
    return 0;
}

int isa_directed_main(void);

int main(int argc, char **argv)
{
    struct opts o;
    static struct isa_config c;

    if (argc >= 2 && !strcmp(argv[1], "directed"))
        return isa_directed_main();
    parse(argc, argv, &o);
    if (isa_config_load(&c, o.lists, o.le))
        return 2;
    c.seed = o.seed;
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(o.cmd, "run"))
        return cmd_run(&o, &c);
    if (!strcmp(o.cmd, "show"))
        return cmd_show(&o, &c);
    usage();
    return 2;
}
