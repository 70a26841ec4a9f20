/*
 * hcall dispatch on a real machine (vCPUs created, not running): the
 * table, bad opcodes, the console hcalls with good and bad terminal
 * numbers and lengths, the console's escapes, the private services, and
 * every processor hcall with its argument checks.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>
#include <petrel/layout.h>

#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/service.h>

#include "check.h"
#include "vmm/trace.h"
#include "hcall/hcall.h"
#include "irq/irq.h"
#include "vmm/cli.h"
#include "vmm/console.h"
#include "vmm/cpu/interp/ppc.h"
#include "vmm/machine.h"
#include "vmm/memory.h"

static int out_rd;

static struct machine *make_machine(const char *const *extra, int n_extra, int in_fd, int out_fd)
{
    char *argv[16] = {"petrel", "-smp", "2"};
    int argc = 3;
    struct machine_config cfg;
    struct machine *m;
    char err[256];

    /* cli_parse edits option strings in place: give it copies.  The
     * configuration points into them (dumpdtb=, -name, file names), as
     * into main's argv, so they live as long as the test. */
    static char *kept[64];
    static unsigned n_kept;

    for (int i = 0; i < n_extra; i++) {
        argv[argc++] = strdup(extra[i]);
        if (n_kept < sizeof(kept) / sizeof(kept[0]))
            kept[n_kept++] = argv[argc - 1];
    }
    if (cli_parse(argc, argv, &cfg, err, sizeof(err)) != CLI_RUN ||
        machine_create(&m, &cfg, in_fd, out_fd, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
    return m;
}

static int64_t call(struct hcall_env *env, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
                    uint64_t a3, uint64_t out[9])
{
    uint64_t args[9] = {a0, a1, a2, a3};
    return hcall_dispatch(env, op, args, out);
}

static struct ppc_cpu *cpu_of(struct hcall_env *env, unsigned i)
{
    return (struct ppc_cpu *)machine_cpu(env->machine, i);
}

static size_t drain(char *buf, size_t max)
{
    ssize_t n = read(out_rd, buf, max);
    return n > 0 ? (size_t)n : 0;
}

static uint64_t pack(const char *s, unsigned off)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8 && s[off + i]; i++)
        v |= (uint64_t)(uint8_t)s[off + i] << (56 - 8 * i);
    return v;
}

static void test_unknown_opcodes(struct hcall_env *env)
{
    static const uint64_t bad[] = {
        0x0,    0x30,   0x5,    0x56,   0x5a,    0x500, 0x1000,
        0xf000, 0xf005, 0xf102, 0xfffc, 0x10000, ~0ull, 1ull << 32 | H_PUT_TERM_CHAR};
    uint64_t args[9] = {PAPR_VTERM_UNIT, 1, pack("x", 0)}, out[9];
    char list[256];
    size_t n;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(out, 0xff, sizeof(out));
        CHECK_EQ(hcall_dispatch(env, bad[i], args, out), (uint64_t)H_FUNCTION);
        CHECK_EQ(out[0], 0);
        CHECK(hcall_lookup(bad[i]) == NULL);
    }
    CHECK_STREQ(hcall_lookup(H_PUT_TERM_CHAR)->name, "H_PUT_TERM_CHAR");
    CHECK_STREQ(hcall_lookup(PETREL_H_POWER_OFF)->name, "PETREL_H_POWER_OFF");

    /* The hypertas list names each group once. */
    n = hcall_hypertas_list(list, sizeof(list));
    CHECK(n > 0);
    CHECK_STREQ(list, "hcall-pft");
    CHECK(memmem(list, n, "hcall-bulk\0", 11) != NULL);
    CHECK(memmem(list, n, "hcall-splpar\0", 13) != NULL);
    CHECK(memmem(list, n, "hcall-set-mode\0", 15) != NULL);
    CHECK(memmem(list, n, "hcall-splpar\0hcall-splpar", 25) == NULL);
    CHECK_EQ(hcall_hypertas_list(list, 8), 0);
}

static void test_put_term_char(struct hcall_env *env)
{
    const char *msg = "0123456789abcdefXYZ";
    uint64_t out[9];
    char buf[64];

    CHECK_EQ(call(env, H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, 5, pack("hello", 0), 0, out), H_SUCCESS);
    CHECK_EQ(drain(buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(call(env, H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, 16, pack(msg, 0), pack(msg, 8), out),
             H_SUCCESS);
    CHECK_EQ(drain(buf, sizeof(buf)), 16);
    CHECK(memcmp(buf, msg, 16) == 0);
    CHECK_EQ(call(env, H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, 0, 0, 0, out), H_SUCCESS);

    /* Too long, or a terminal that does not exist: H_PARAMETER, no output. */
    CHECK_EQ(call(env, H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, 17, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TERM_CHAR, PAPR_VTERM_UNIT, ~0ull, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TERM_CHAR, 0, 1, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TERM_CHAR, PAPR_VTERM_UNIT + 1, 1, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TERM_CHAR, (1ull << 32) | PAPR_VTERM_UNIT, 1, 0, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(drain(buf, sizeof(buf)), 0);
}

static void test_get_term_char(struct hcall_env *env)
{
    struct console *con = machine_console(env->machine);
    const char *in = "abcdefghijklmnopqrst"; /* 20 bytes */
    uint64_t out[9];

    CHECK_EQ(call(env, H_GET_TERM_CHAR, PAPR_VTERM_UNIT, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0);
    CHECK_EQ(console_feed(con, (const uint8_t *)in, 20), CONSOLE_EV_NONE);
    CHECK_EQ(call(env, H_GET_TERM_CHAR, PAPR_VTERM_UNIT, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 16);
    CHECK_EQ(out[1], pack(in, 0));
    CHECK_EQ(out[2], pack(in, 8));
    CHECK_EQ(call(env, H_GET_TERM_CHAR, PAPR_VTERM_UNIT, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 4);
    CHECK_EQ(out[1], pack("qrst", 0));
    CHECK_EQ(out[2], 0);
    CHECK_EQ(call(env, H_GET_TERM_CHAR, 0x30000000, 0, 0, 0, out), (uint64_t)H_PARAMETER);

    /* Ctrl-A Ctrl-A is one literal Ctrl-A; Ctrl-A c and x are commands. */
    CHECK_EQ(console_feed(con, (const uint8_t *)"\x01\x01z", 3), CONSOLE_EV_NONE);
    CHECK_EQ(console_feed(con, (const uint8_t *)"\x01", 1), CONSOLE_EV_NONE);
    CHECK_EQ(console_feed(con, (const uint8_t *)"c", 1), CONSOLE_EV_CONTINUE);
    CHECK_EQ(console_feed(con,
                          (const uint8_t *)"\x01x\x01"
                                           "c",
                          4),
             CONSOLE_EV_QUIT);
    CHECK_EQ(call(env, H_GET_TERM_CHAR, PAPR_VTERM_UNIT, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 2);
    CHECK_EQ(out[1], pack("\x01z", 0));
}

static void test_set_mode(struct hcall_env *env)
{
    uint64_t out[9];

    CHECK_EQ(call(env, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0, out), H_SUCCESS);
    CHECK(cpu_of(env, 0)->lpcr & LPCR_ILE);
    CHECK(cpu_of(env, 1)->lpcr & LPCR_ILE); /* partition-wide */
    CHECK_EQ(call(env, H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0, out), H_SUCCESS);
    CHECK(!(cpu_of(env, 1)->lpcr & LPCR_ILE));
    CHECK_EQ(call(env, H_SET_MODE, 2, H_SET_MODE_RESOURCE_LE, 0, 0, out),
             (uint64_t)H_UNSUPPORTED_FLAG);
    CHECK_EQ(call(env, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 5, 0, out), (uint64_t)H_P3);
    CHECK_EQ(call(env, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 5, out), (uint64_t)H_P4);
    CHECK(!(cpu_of(env, 0)->lpcr & LPCR_ILE));

    CHECK_EQ(call(env, H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 0, out), H_SUCCESS);
    CHECK_EQ(cpu_of(env, 1)->lpcr & LPCR_AIL, LPCR_AIL);
    CHECK_EQ(call(env, H_SET_MODE, 1, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 0, out),
             (uint64_t)H_UNSUPPORTED_FLAG);
    CHECK_EQ(call(env, H_SET_MODE, 4, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 0, out),
             (uint64_t)H_UNSUPPORTED_FLAG);
    CHECK_EQ(cpu_of(env, 1)->lpcr & LPCR_AIL, LPCR_AIL);
    CHECK_EQ(call(env, H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS, 0, 0, out), H_SUCCESS);
    CHECK_EQ(cpu_of(env, 0)->lpcr & LPCR_AIL, 0);

    /* No breakpoint registers: the resources are not there. */
    CHECK_EQ(call(env, H_SET_MODE, 0, H_SET_MODE_RESOURCE_SET_CIABR, 0x1000, 0, out),
             (uint64_t)H_P2);
    CHECK_EQ(call(env, H_SET_MODE, 0, H_SET_MODE_RESOURCE_SET_DAWR0, 0x1000, 0, out),
             (uint64_t)H_P2);
    CHECK_EQ(call(env, H_SET_MODE, 0, 0, 0, 0, out), (uint64_t)H_P2);
    CHECK_EQ(call(env, H_SET_MODE, 0, 99, 0, 0, out), (uint64_t)H_P2);
    CHECK_EQ(call(env, H_SET_DABR, 0x1000, 0, 0, 0, out), (uint64_t)H_HARDWARE);
    CHECK_EQ(call(env, H_SET_XDABR, 0x1000, 3, 0, 0, out), (uint64_t)H_HARDWARE);

    CHECK_EQ(call(env, H_SET_SPRG0, 0x1234567890ull, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(cpu_of(env, 0)->sprg[0], 0x1234567890ull);
    CHECK_EQ(cpu_of(env, 1)->sprg[0], 0);
}

static void test_cpu_characteristics(struct hcall_env *env)
{
    static const char *const workaround[] = {
        "-M", "pseries,cap-cfpc=workaround,cap-sbbc=workaround,cap-ibs=workaround,"
              "cap-ccf-assist=on"};
    static const char *const ibs[] = {"-M", "pseries,cap-ibs=fixed-ibs,cap-cfpc=broken"};
    uint64_t out[9];
    struct machine *m;
    struct hcall_env e2 = {0};

    /* petrel's defaults: nothing to mitigate. */
    CHECK_EQ(call(env, H_GET_CPU_CHARACTERISTICS, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], H_CPU_CHAR_BRANCH_HINTS_HONORED | H_CPU_CHAR_THREAD_RECONFIG_CTRL);
    CHECK_EQ(out[1], H_CPU_BEHAV_FAVOUR_SECURITY | H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY |
                         H_CPU_BEHAV_NO_L1D_FLUSH_UACCESS | H_CPU_BEHAV_NO_STF_BARRIER);

    m = make_machine(workaround, 2, -1, -1);
    e2.machine = m;
    CHECK_EQ(call(&e2, H_GET_CPU_CHARACTERISTICS, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], H_CPU_CHAR_BRANCH_HINTS_HONORED | H_CPU_CHAR_THREAD_RECONFIG_CTRL |
                         H_CPU_CHAR_L1D_FLUSH_ORI30 | H_CPU_CHAR_L1D_FLUSH_TRIG2 |
                         H_CPU_CHAR_L1D_THREAD_PRIV | H_CPU_CHAR_SPEC_BAR_ORI31 |
                         H_CPU_CHAR_BCCTR_FLUSH_ASSIST);
    CHECK_EQ(out[1], H_CPU_BEHAV_FAVOUR_SECURITY | H_CPU_BEHAV_L1D_FLUSH_PR |
                         H_CPU_BEHAV_BNDS_CHK_SPEC_BAR | H_CPU_BEHAV_FLUSH_COUNT_CACHE);
    machine_destroy(m);

    m = make_machine(ibs, 2, -1, -1);
    e2.machine = m;
    CHECK_EQ(call(&e2, H_GET_CPU_CHARACTERISTICS, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK(out[0] & H_CPU_CHAR_BCCTRL_SERIALISED);
    CHECK_EQ(out[1], H_CPU_BEHAV_FAVOUR_SECURITY | H_CPU_BEHAV_L1D_FLUSH_PR);
    machine_destroy(m);
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

struct prod_later {
    struct machine *m;
    unsigned target;
};

static void *prod_after_50ms(void *arg)
{
    struct prod_later *p = arg;
    struct timespec d = {0, 50 * 1000 * 1000};
    nanosleep(&d, NULL);
    machine_prod(p->m, p->target);
    return NULL;
}

static void *irq_after_50ms(void *arg)
{
    struct prod_later *p = arg;
    struct timespec d = {0, 50 * 1000 * 1000};
    nanosleep(&d, NULL);
    machine_set_irq(p->m, p->target, true);
    return NULL;
}

static void test_cede_prod_confer(struct hcall_env *env)
{
    const struct cpu_backend *be = machine_backend(env->machine);
    struct ppc_cpu *c0 = cpu_of(env, 0);
    struct prod_later p = {env->machine, 0};
    struct timespec t0;
    pthread_t th;
    uint64_t out[9];

    /* A pending interrupt: cede returns at once, with MSR[EE] set. */
    CHECK(!(c0->msr & MSR_EE));
    be->set_irq((struct cpu *)c0, true);
    CHECK_EQ(call(env, H_CEDE, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK(c0->msr & MSR_EE);
    be->set_irq((struct cpu *)c0, false);

    /* Prodded before: returns at once, and the prod is used up. */
    CHECK_EQ(call(env, H_PROD, 0, 0, 0, 0, out), H_SUCCESS);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(call(env, H_CEDE, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK(since(&t0) < 0.5);

    /* Woken by the decrementer: about 20 ms. */
    ppc_mtspr(c0, SPR_DEC, 512000000 / 50);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(call(env, H_CEDE, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK(since(&t0) >= 0.015 && since(&t0) < 2.0);
    CHECK(ppc_dec_value(c0) < 0);
    ppc_mtspr(c0, SPR_DEC, (1ull << 55) - 1);

    /* Woken by H_PROD from another thread. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_create(&th, NULL, prod_after_50ms, &p);
    CHECK_EQ(call(env, H_CEDE, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK(since(&t0) >= 0.04 && since(&t0) < 2.0);
    pthread_join(th, NULL);

    /* Woken by an external interrupt raised from another thread. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_create(&th, NULL, irq_after_50ms, &p);
    CHECK_EQ(call(env, H_CEDE, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK(since(&t0) >= 0.04 && since(&t0) < 2.0);
    pthread_join(th, NULL);
    machine_set_irq(env->machine, 0, false);

    CHECK_EQ(call(env, H_PROD, 2, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PROD, ~0ull, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_CONFER, ~0ull, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(env, H_CONFER, 1, 7, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(env, H_CONFER, 2, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_CONFER, (uint64_t)-5, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    /* Conferring to oneself waits for a prod. */
    CHECK_EQ(call(env, H_PROD, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(env, H_CONFER, 0, 0, 0, 0, out), H_SUCCESS);
}

static void put_be(struct guest_mem *mem, uint64_t pa, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        mem->ram[pa + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

#define VPA_FN(f) ((uint64_t)(f) << H_VPA_FUNC_SHIFT)

static void test_register_vpa(struct hcall_env *env)
{
    struct guest_mem *mem = machine_mem(env->machine);
    struct papr_vcpu *p1 = machine_papr_vcpu(env->machine, 1);
    const uint64_t vpa = 0x100000, dtl = 0x200000, slb = 0x300000;
    const uint64_t ram = mem->ram_size;
    uint64_t out[9];

    put_be(mem, vpa + VPA_SIZE_OFFSET, 640, 2);
    put_be(mem, dtl + VPA_SIZE_OFFSET, 48 * 4, 4);
    put_be(mem, slb + VPA_SIZE_OFFSET, 0x100, 4);

    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 2, vpa, 0, out),
             (uint64_t)H_PARAMETER); /* no such vCPU */
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(0), 1, vpa, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(4), 1, vpa, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, 0, 0, out), (uint64_t)H_HARDWARE);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, vpa + 8, 0, out),
             (uint64_t)H_PARAMETER); /* not cache-line aligned */
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, ram - 128, 0, out),
             (uint64_t)H_PARAMETER); /* runs off RAM */
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, ram + 0x1000, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, ~0ull - 127, 0, out),
             (uint64_t)H_PARAMETER);
    put_be(mem, vpa + 0xf00 + VPA_SIZE_OFFSET, 640, 2);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, vpa + 0xf00, 0, out),
             (uint64_t)H_PARAMETER); /* crosses a 4 KiB page */
    put_be(mem, vpa + 0x80 + VPA_SIZE_OFFSET, 639, 2);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, vpa + 0x80, 0, out),
             (uint64_t)H_PARAMETER); /* too small */
    CHECK_EQ(p1->vpa, 0);

    /* DTL and SLB shadow need a VPA first. */
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 1, dtl, 0, out),
             (uint64_t)H_RESOURCE);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_VPA), 1, vpa, 0, out), H_SUCCESS);
    CHECK_EQ(p1->vpa, vpa);
    CHECK(mem->ram[vpa + VPA_SHARED_PROC_OFFSET] & VPA_SHARED_PROC_VAL);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_DTL), 1, dtl, 0, out), H_SUCCESS);
    put_be(mem, slb + VPA_SIZE_OFFSET, 4, 4);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_SLB), 1, slb, 0, out),
             (uint64_t)H_PARAMETER);
    put_be(mem, slb + VPA_SIZE_OFFSET, 0x100, 4);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_REG_SLB), 1, slb, 0, out), H_SUCCESS);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 1, 0, 0, out),
             (uint64_t)H_RESOURCE);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_DTL), 1, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_SLB), 1, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(env, H_REGISTER_VPA, VPA_FN(H_VPA_DEREG_VPA), 1, 0, 0, out), H_SUCCESS);
    CHECK_EQ(p1->vpa | p1->dtl | p1->slb_shadow, 0);
}

static void test_page_init(struct hcall_env *env)
{
    struct guest_mem *mem = machine_mem(env->machine);
    const uint64_t src = 0x500000, dst = 0x600000;
    uint32_t gen;
    uint64_t out[9];

    memset(mem->ram + src, 0x5a, 4096);
    memset(mem->ram + dst, 0x11, 4096);
    mem->page_code[dst >> 12] = 1; /* pretend decoded code lives there */
    gen = mem->page_gen[dst >> 12];
    CHECK_EQ(call(env, H_PAGE_INIT, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE, dst, src, 0, out),
             H_SUCCESS);
    CHECK(mem->ram[dst] == 0x5a && mem->ram[dst + 4095] == 0x5a);
    CHECK(mem->page_gen[dst >> 12] != gen);
    CHECK_EQ(call(env, H_PAGE_INIT, H_ZERO_PAGE, dst, 0, 0, out), H_SUCCESS);
    CHECK(mem->ram[dst] == 0 && mem->ram[dst + 4095] == 0);
    CHECK_EQ(call(env, H_PAGE_INIT, H_ZERO_PAGE, dst + 8, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PAGE_INIT, H_ZERO_PAGE, mem->ram_size, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PAGE_INIT, H_ZERO_PAGE, ~0ull & ~4095ull, 0, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PAGE_INIT, H_COPY_PAGE, dst, src + 1, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PAGE_INIT, H_COPY_PAGE, dst, mem->ram_size, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PAGE_INIT, 1, dst, src, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PAGE_INIT, 0, dst, 0, 0, out), H_SUCCESS);
}

/* The TCE hcalls on the default PHB's window (include/petrel/pci.h). */
static void test_tce(struct hcall_env *env)
{
    struct guest_mem *mem = machine_mem(env->machine);
    const uint64_t liobn = PETREL_PHB_LIOBN(0), list = 0x700000;
    const uint64_t rw = PETREL_TCE_READ | PETREL_TCE_WRITE;
    uint64_t out[9];

    CHECK_EQ(call(env, H_PUT_TCE, liobn, 0x3000, 0x500000 | rw, 0, out), H_SUCCESS);
    CHECK_EQ(call(env, H_GET_TCE, liobn, 0x3000, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0x500000 | rw);
    /* Wrong LIOBN, IOBA unaligned or past the window, TCE past RAM or
     * with undefined bits: H_PARAMETER, nothing changed. */
    CHECK_EQ(call(env, H_PUT_TCE, PETREL_PHB_LIOBN(1), 0x3000, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_GET_TCE, liobn + 1, 0x3000, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TCE, liobn, 0x3008, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TCE, liobn, PETREL_PHB_DMA_SIZE, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TCE, liobn, 0x3000, mem->ram_size | rw, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_PUT_TCE, liobn, 0x3000, 0x500000 | 0x100 | rw, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_GET_TCE, liobn, 0x3000, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0x500000 | rw);
    /* H_STUFF_TCE: a range, checked whole. */
    CHECK_EQ(call(env, H_STUFF_TCE, liobn, 0x2000, 0x600000 | PETREL_TCE_READ, 3, out), H_SUCCESS);
    CHECK_EQ(call(env, H_GET_TCE, liobn, 0x4000, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0x600000 | PETREL_TCE_READ);
    CHECK_EQ(call(env, H_STUFF_TCE, liobn, PETREL_PHB_DMA_SIZE - 0x1000, 0, 2, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_STUFF_TCE, liobn, 0x2000, 0, 3, out), H_SUCCESS);
    CHECK_EQ(call(env, H_GET_TCE, liobn, 0x3000, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0);
    /* H_PUT_TCE_INDIRECT: a big-endian list; one bad entry refuses all. */
    for (unsigned i = 0; i < 4; i++) {
        uint64_t tce = (0x800000 + 0x1000ull * i) | rw;
        for (unsigned b = 0; b < 8; b++)
            mem->ram[list + 8 * i + b] = (uint8_t)(tce >> (56 - 8 * b));
    }
    CHECK_EQ(call(env, H_PUT_TCE_INDIRECT, liobn, 0x10000, list, 4, out), H_SUCCESS);
    CHECK_EQ(call(env, H_GET_TCE, liobn, 0x13000, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0x803000 | rw);
    CHECK_EQ(call(env, H_PUT_TCE_INDIRECT, liobn, 0x10000, list + 8, 2, out),
             (uint64_t)H_PARAMETER); /* list not page aligned */
    CHECK_EQ(call(env, H_PUT_TCE_INDIRECT, liobn, 0x10000, list, 513, out), (uint64_t)H_PARAMETER);
    mem->ram[list + 8 * 3 + 7] |= 0x40; /* undefined bit in entry 3 */
    CHECK_EQ(call(env, H_PUT_TCE_INDIRECT, liobn, 0x20000, list, 4, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, H_GET_TCE, liobn, 0x20000, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0);
}

static void test_random(struct hcall_env *env)
{
    uint64_t a[9], b[9];

    CHECK_EQ(call(env, H_RANDOM, 0, 0, 0, 0, a), H_SUCCESS);
    CHECK_EQ(call(env, H_RANDOM, 0, 0, 0, 0, b), H_SUCCESS);
    CHECK(a[0] != b[0]); /* fails with probability 2^-64 */
}

static void test_services(struct hcall_env *env)
{
    uint64_t out[9];
    int status = -1;

    CHECK_EQ(call(env, PETREL_H_POWER_OFF, 256, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(env, PETREL_H_POWER_OFF, ~0ull, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK(!machine_quit_requested(env->machine, NULL));
    CHECK(!machine_reset_requested(env->machine));
    CHECK_EQ(call(env, PETREL_H_REBOOT, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK(machine_reset_requested(env->machine));
    CHECK_EQ(call(env, PETREL_H_POWER_OFF, 7, 0, 0, 0, out), H_SUCCESS);
    CHECK(machine_quit_requested(env->machine, &status));
    CHECK_EQ(status, 7);
}

/* PETREL_H_SET_IC_MODE: the modes ic-mode offers; reset to power-on. */
static void test_set_ic_mode(void)
{
    static const char *const xics[] = {"-M", "pseries,ic-mode=xics"};
    static const char *const xive[] = {"-M", "pseries,ic-mode=xive"};
    static const uint64_t bad[] = {2, 3, ~0ull, 1ull << 32, (1ull << 32) | PETREL_IC_XIVE};
    struct hcall_env e = {0};
    uint64_t out[9];

    /* dual: XICS at power-on, either on request. */
    e.machine = make_machine(NULL, 0, -1, -1);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XICS);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XIVE);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, out), H_SUCCESS);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, bad[i], 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XIVE);
    /* A reset returns to power-on. */
    machine_reset(e.machine);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XICS);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XICS, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XICS);
    /* A live source refuses the switch with H_BUSY; masked, it goes. */
    ics_regs_write(machine_irq(e.machine), 0, PETREL_XICS_ICS_SRC(0x1300) + PETREL_ICS_PRIORITY, 4,
                   5);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, out), H_BUSY);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XICS);
    ics_regs_write(machine_irq(e.machine), 0, PETREL_XICS_ICS_SRC(0x1300) + PETREL_ICS_PRIORITY, 4,
                   0xff);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, out), H_SUCCESS);
    /* The XICS hcalls are gone in XIVE mode, the XIVE ones answer. */
    CHECK_EQ(call(&e, H_XIRR, 0, 0, 0, 0, out), (uint64_t)H_FUNCTION);
    CHECK_EQ(call(&e, H_CPPR, 0xff, 0, 0, 0, out), (uint64_t)H_FUNCTION);
    CHECK_EQ(call(&e, H_INT_GET_SOURCE_INFO, 0, 0x1300, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[3], 16);
    CHECK_EQ(call(&e, H_INT_SET_OS_REPORTING_LINE, 0, 0, 0, 0, out), (uint64_t)H_FUNCTION);
    machine_reset(e.machine);
    /* XICS again: argument checks of the presenter hcalls. */
    CHECK_EQ(call(&e, H_INT_GET_SOURCE_INFO, 0, 0x1300, 0, 0, out), (uint64_t)H_FUNCTION);
    CHECK_EQ(call(&e, H_CPPR, 0x100, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, H_IPI, 2, 4, 0, 0, out), (uint64_t)H_PARAMETER); /* -smp 2 */
    CHECK_EQ(call(&e, H_IPI, 1, 0x100, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, H_IPOLL, ~0ull, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, H_EOI, 1ull << 32, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, H_IPI, 1, 4, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(&e, H_IPOLL, 1, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0); /* CPPR 0: held */
    CHECK_EQ(out[1], 4);
    e.vcpu = 1;
    CHECK_EQ(call(&e, H_CPPR, 0xff, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(&e, H_XIRR_X, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(out[0], 0xff000002u);
    CHECK(out[1] != 0); /* the timebase */
    e.vcpu = 0;
    machine_destroy(e.machine);

    /* ic-mode=xics: XIVE is not there. */
    e.machine = make_machine(xics, 2, -1, -1);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XIVE, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XICS);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XICS, 0, 0, 0, out), H_SUCCESS);
    machine_destroy(e.machine);

    /* ic-mode=xive: XIVE from power-on, after reset too; no XICS. */
    e.machine = make_machine(xive, 2, -1, -1);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XIVE);
    CHECK_EQ(call(&e, PETREL_H_SET_IC_MODE, PETREL_IC_XICS, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XIVE);
    machine_reset(e.machine);
    CHECK_EQ(machine_ic_mode(e.machine), PETREL_IC_XIVE);
    machine_destroy(e.machine);
}

/* PETREL_H_SET_COMPAT: the levels the CPU and max-cpu-compat allow. */
static void test_set_compat(void)
{
    static const char *const limit8[] = {"-M", "pseries,max-cpu-compat=power8"};
    static const char *const limit9[] = {"-M", "pseries,max-cpu-compat=power9"};
    static const char *const cpu8[] = {"-cpu", "power8"};
    static const uint64_t never[] = {0x0f000006, 0x0f000003, 0x0f000001,
                                     PVR_POWER9, PVR_POWER8, (1ull << 32) | PVR_COMPAT_POWER9,
                                     ~0ull,      1};
    struct hcall_env e = {0};
    uint64_t out[9];

    /* POWER9, no limit: raw at power-on; either level or raw. */
    e.machine = make_machine(NULL, 0, -1, -1);
    CHECK_EQ(machine_compat_pvr(e.machine), 0);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER9, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(machine_compat_pvr(e.machine), PVR_COMPAT_POWER9);
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, never[i], 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(machine_compat_pvr(e.machine), PVR_COMPAT_POWER9);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER8, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(machine_compat_pvr(e.machine), PVR_COMPAT_POWER8);
    /* Cleared by a reset. */
    machine_reset(e.machine);
    CHECK_EQ(machine_compat_pvr(e.machine), 0);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER9, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, 0, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(machine_compat_pvr(e.machine), 0);
    machine_destroy(e.machine);

    /* max-cpu-compat=power8: that level from power-on, nothing newer, no
     * raw; back to it at reset. */
    e.machine = make_machine(limit8, 2, -1, -1);
    CHECK_EQ(machine_compat_pvr(e.machine), PVR_COMPAT_POWER8);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, 0, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER9, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER8, 0, 0, 0, out), H_SUCCESS);
    machine_reset(e.machine);
    CHECK_EQ(machine_compat_pvr(e.machine), PVR_COMPAT_POWER8);
    machine_destroy(e.machine);

    /* max-cpu-compat=power9 on a POWER9: no raw either. */
    e.machine = make_machine(limit9, 2, -1, -1);
    CHECK_EQ(machine_compat_pvr(e.machine), PVR_COMPAT_POWER9);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, 0, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER8, 0, 0, 0, out), H_SUCCESS);
    machine_destroy(e.machine);

    /* A POWER8 CPU cannot run at ISA 3.00. */
    e.machine = make_machine(cpu8, 2, -1, -1);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER9, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, PVR_COMPAT_POWER8, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(&e, PETREL_H_SET_COMPAT, 0, 0, 0, 0, out), H_SUCCESS);
    machine_destroy(e.machine);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* PETREL_H_DUMP_TREE: only with dumpdtb=, only a whole valid tree in RAM,
 * written exactly; power-off 0, or 1 when the file cannot be written. */
static void test_dump_tree(void)
{
    char dir[] = "/tmp/petrel-test-dump-XXXXXX", path[128], arg[160];
    const char *argv[2] = {"-M", arg};
    static uint8_t blob[4096], got[8192];
    struct hcall_env e = {0};
    struct guest_mem *mem;
    const uint64_t at = 0x200000;
    uint64_t out[9], size;
    int status = -1, fd, n;

    /* Without dumpdtb= the service is not there. */
    e.machine = make_machine(NULL, 0, -1, -1);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, 64, 0, 0, out), (uint64_t)H_FUNCTION);
    machine_destroy(e.machine);

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/tree.dtb", dir);
    snprintf(arg, sizeof(arg), "pseries,dumpdtb=%s", path);
    e.machine = make_machine(argv, 2, -1, -1);
    mem = machine_mem(e.machine);
    CHECK_EQ(fdt_create_empty_tree(blob, sizeof(blob)), 0);
    CHECK_EQ(fdt_setprop_string(blob, 0, "model", "dump test"), 0);
    CHECK_EQ(fdt_pack(blob), 0);
    size = fdt_totalsize(blob);
    memcpy(mem->ram + at, blob, size);

    /* Bad ranges and sizes. */
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, 39, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, mem->ram_size - 16, size, 0, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, mem->ram_size, size, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, ~0ull - 8, size, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, ~0ull, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, 0, (16u << 20) + 8, 0, 0, out), (uint64_t)H_PARAMETER);
    /* Not a tree, or not the whole tree, or a broken one. */
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at + 0x10000, size, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, size + 8, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, size - 4, 0, 0, out), (uint64_t)H_PARAMETER);
    mem->ram[at + fdt_off_dt_struct(blob) + 3] = 2; /* FDT_END_NODE before any node */
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, size, 0, 0, out), (uint64_t)H_PARAMETER);
    memcpy(mem->ram + at, blob, size);
    CHECK(!file_exists(path));
    CHECK(!machine_quit_requested(e.machine, NULL));

    /* The tree, byte for byte, and power-off 0. */
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, size, 0, 0, out), H_SUCCESS);
    CHECK(machine_quit_requested(e.machine, &status));
    CHECK_EQ(status, 0);
    fd = open(path, O_RDONLY);
    n = fd >= 0 ? (int)read(fd, got, sizeof(got)) : -1;
    if (fd >= 0)
        close(fd);
    CHECK_EQ(n, size);
    CHECK(n > 0 && !memcmp(got, blob, size));
    unlink(path);
    machine_destroy(e.machine);

    /* FILE became unwritable after the command line was checked. */
    e.machine = make_machine(argv, 2, -1, -1);
    mem = machine_mem(e.machine);
    memcpy(mem->ram + at, blob, size);
    CHECK_EQ(rmdir(dir), 0);
    CHECK_EQ(call(&e, PETREL_H_DUMP_TREE, at, size, 0, 0, out), (uint64_t)H_HARDWARE);
    CHECK(machine_quit_requested(e.machine, &status));
    CHECK_EQ(status, 1);
    CHECK(!file_exists(path));
    machine_destroy(e.machine);
}

/* PETREL_H_TRACE: only the guest's events, only text in RAM and short
 * enough; a line reaches the trace stream only when its event is on,
 * with anything unprintable shown as '.'. */
static void test_trace_service(struct hcall_env *e)
{
    struct guest_mem *mem = machine_mem(e->machine);
    const uint64_t at = 0x300000;
    char path[] = "/tmp/petrel-test-trace-XXXXXX", got[512] = {0};
    uint64_t out[9];
    int fd = mkstemp(path);
    ssize_t n;

    CHECK(fd >= 0);
    CHECK_EQ(trace_open(path), 0);
    memcpy(mem->ram + at, "hello\x1b[2Jworld", 14);
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_HCALL, at, 5, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_COUNT, at, 5, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_CIF, at, PETREL_TRACE_MAX + 1, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_CIF, mem->ram_size - 2, 5, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_CIF, ~0ull - 2, 5, 0, out),
             (uint64_t)H_PARAMETER);
    /* Off: accepted, nothing written. */
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_CIF, at, 14, 0, out), H_SUCCESS);
    trace_mask = 1u << PETREL_TRACE_CIF;
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_CAS, at, 14, 0, out), H_SUCCESS);
    CHECK_EQ(call(e, PETREL_H_TRACE, PETREL_TRACE_CIF, at, 14, 0, out), H_SUCCESS);
    trace_mask = 0;
    n = read(fd, got, sizeof(got) - 1);
    CHECK(n > 0);
    CHECK(strstr(got, "cpu0 cif: hello.[2Jworld\n") != NULL);
    CHECK(strstr(got, "cas:") == NULL);
    CHECK(strchr(got, '\n') == strrchr(got, '\n')); /* one line */
    close(fd);
    unlink(path);
}

/* PETREL_H_BOOT_MARK: only with boot-report=on, only the marks service.h
 * defines, the leave mark's argument 0 or 1. */
static void test_boot_mark(void)
{
    const char *argv[2] = {"-M", "pseries,boot-report=on"};
    struct hcall_env e = {0};
    uint64_t out[9];

    e.machine = make_machine(NULL, 0, -1, -1);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, PETREL_BOOT_KERNEL_ENTRY, 0, 0, 0, out),
             (uint64_t)H_FUNCTION);
    machine_destroy(e.machine);
    e.machine = make_machine(argv, 2, -1, -1);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, 0, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, PETREL_BOOT_CIF_LEAVE + 1, 0, 0, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, ~0ull, 0, 0, 0, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, PETREL_BOOT_CIF_LEAVE, 2, 0, 0, out),
             (uint64_t)H_PARAMETER);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, PETREL_BOOT_CIF_ENTER, 0, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, PETREL_BOOT_CIF_LEAVE, 1, 0, 0, out), H_SUCCESS);
    CHECK_EQ(call(&e, PETREL_H_BOOT_MARK, PETREL_BOOT_KERNEL_ENTRY, 0, 0, 0, out), H_SUCCESS);
    machine_destroy(e.machine);
}

int main(void)
{
    int pipe_out[2], pipe_in[2];
    struct hcall_env env = {0};

    if (pipe(pipe_out) || pipe(pipe_in))
        return 2;
    fcntl(pipe_out[0], F_SETFL, O_NONBLOCK);
    out_rd = pipe_out[0];
    env.machine = make_machine(NULL, 0, pipe_in[0], pipe_out[1]);
    test_unknown_opcodes(&env);
    test_put_term_char(&env);
    test_get_term_char(&env);
    test_set_mode(&env);
    test_cpu_characteristics(&env);
    test_cede_prod_confer(&env);
    test_register_vpa(&env);
    test_page_init(&env);
    test_random(&env);
    test_tce(&env);
    test_services(&env);
    test_trace_service(&env);
    machine_destroy(env.machine);
    test_set_ic_mode();
    test_set_compat();
    test_dump_tree();
    test_boot_mark();
    return check_summary("hcall");
}
