/*
 * The MMU hcalls on a real machine (two vCPUs, not running):
 * H_REGISTER_PROC_TBL with every flag combination, PETREL_H_ALLOC_HPT,
 * and H_ENTER, H_READ, H_REMOVE, H_PROTECT, H_BULK_REMOVE, H_CLEAR_REF,
 * H_CLEAR_MOD with their flags and errors; what each leaves in the HPT,
 * the vCPUs' LPCR and MMU state, and their soft TLBs.  Expected values
 * from LoPAPR 14.5.4.1 and spec/hcalls.md §3.3-3.4.
 */
#include <stdlib.h>

#include <petrel/layout.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "check.h"
#include "hcall/hcall.h"
#include "vmm/cli.h"
#include "vmm/cpu/cpu.h"
#include "vmm/cpu/hpte.h"
#include "vmm/cpu/interp/ppc.h"
#include "vmm/machine.h"
#include "vmm/memory.h"

#define RAM (512ull << 20)

static struct machine *make_machine(const char *opt)
{
    char *argv[8] = {"petrel", "-smp", "2"};
    int argc = 3;
    struct machine_config cfg;
    struct machine *m;
    char err[256];

    if (opt) {
        argv[argc++] = "-M";
        argv[argc++] = strdup(opt); /* cli_parse edits it; the config points into it */
    }
    if (cli_parse(argc, argv, &cfg, err, sizeof(err)) != CLI_RUN ||
        machine_create(&m, &cfg, -1, -1, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
    return m;
}

static int64_t call(struct hcall_env *env, uint64_t op, const uint64_t *a, unsigned n,
                    uint64_t out[9])
{
    uint64_t args[9] = {0};

    for (unsigned i = 0; i < n; i++)
        args[i] = a[i];
    return hcall_dispatch(env, op, args, out);
}
#define CALL(env, op, out, ...)                                                                    \
    call((env), (op), (const uint64_t[]){__VA_ARGS__},                                             \
         sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t), (out))

static struct ppc_cpu *cpu_of(struct hcall_env *env, unsigned i)
{
    return (struct ppc_cpu *)machine_cpu(env->machine, i);
}

#define RADIX_LPCR (LPCR_UPRT | LPCR_HR)

/* Both vCPUs hold this process table and these LPCR radix bits. */
static void check_mmu(struct hcall_env *env, uint64_t proc_tbl, uint64_t lpcr, int line)
{
    for (unsigned i = 0; i < 2; i++) {
        struct ppc_cpu *c = cpu_of(env, i);
        if (c->proc_tbl != proc_tbl || (c->lpcr & (RADIX_LPCR | LPCR_GTSE)) != lpcr)
            fprintf(stderr, "  (vCPU %u, from line %d)\n", i, line);
        CHECK_EQ(c->proc_tbl, proc_tbl);
        CHECK_EQ(c->lpcr & (RADIX_LPCR | LPCR_GTSE), lpcr);
        CHECK(c->lpcr & LPCR_LD); /* other LPCR bits kept */
    }
}
#define CHECK_MMU(env, t, l) check_mmu((env), (t), (l), __LINE__)

static void test_register_proc_tbl(void)
{
    struct hcall_env e = {.machine = make_machine(NULL)}, *env = &e;
    uint64_t out[9];

    /* Linux's radix request: NEW | RADIX | GTSE, a 2^24-byte table. */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1d, 0x1000000, 0, 12), H_SUCCESS);
    CHECK_MMU(env, 0x1000000 | 12, RADIX_LPCR | LPCR_GTSE);
    /* Refusals change nothing. */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x3d, 0x2000000, 0, 12), H_PARAMETER);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1c, 0x2000800, 0, 12), H_P2);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1c, 1ull << 60, 0, 12), H_P2);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1c, 0x2000000, 16, 12), H_P3);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1c, 0x2000000, 0, 25), H_P4);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1a, 0, 0, 0), H_PARAMETER); /* segment tables */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x08, 0, 0, 0), H_PARAMETER); /* REGISTER alone */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x00, 0, 0, 0), H_PARAMETER); /* "keep hash" */
    CHECK_MMU(env, 0x1000000 | 12, RADIX_LPCR | LPCR_GTSE);
    /* Keep the radix registration, without GTSE now. */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x04, 0, 0, 0), H_SUCCESS);
    CHECK_MMU(env, 0x1000000 | 12, RADIX_LPCR);
    /* A new radix table, the largest. */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1c, 0x3000000, 0, 24), H_SUCCESS);
    CHECK_MMU(env, 0x3000000 | 24, RADIX_LPCR);
    /* Deregister: no table, hash. */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x10, 0x1000, 5, 3), H_SUCCESS);
    CHECK_MMU(env, 0, 0);
    /* Hash with an SLB (Linux on POWER9 with disable_radix: all zero). */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x00, 0, 0, 0), H_SUCCESS);
    CHECK_MMU(env, 0, 0);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x18, 1ull << 38, 0, 0), H_P2);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x18, 0, 8, 0), H_P3);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x18, 0, 0, 25), H_P4);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x19, 0, 4, 0), H_SUCCESS);
    CHECK_MMU(env, 0, LPCR_GTSE);
    /* Reset: back to power-on. */
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1d, 0x1000000, 0, 12), H_SUCCESS);
    machine_reset(e.machine);
    CHECK_MMU(env, 0, 0);
    /* At the POWER8 level there is no radix. */
    machine_set_compat_pvr(e.machine, PVR_COMPAT_POWER8);
    CHECK_EQ(CALL(env, H_REGISTER_PROC_TBL, out, 0x1d, 0x1000000, 0, 12), H_PARAMETER);
    CHECK_MMU(env, 0, 0);
    machine_destroy(e.machine);
}

/* ------------------------------------------------------------ HPT -- */

static uint64_t hpte(struct hcall_env *env, uint64_t ptex, unsigned n)
{
    struct cpu_mmu mmu;
    uint64_t v;

    machine_mmu(env->machine, &mmu, NULL);
    memcpy(&v, mmu.hpt + 16 * ptex + 8 * n, 8);
    return __builtin_bswap64(v);
}

#define H_EXACT   (1ull << 39)
#define H_AVPN    (1ull << 31)
#define H_ANDCOND (1ull << 30)
#define H_READ_4  (1ull << 37)

#define AVPN0 0x1234500ull /* an AVPN with low 7 bits clear */
#define RPAGE (0x5000ull | HPTE_R_M | 2)

static void test_alloc_hpt(struct hcall_env *env)
{
    unsigned shift = petrel_hpt_shift_for_ram(RAM);
    struct cpu_mmu mmu;
    uint64_t out[9];

    CHECK_EQ(shift, 22); /* 512M / 128 */
    /* No HPT yet: the hash hcalls have nothing to work on. */
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 0, AVPN0 | HPTE_V_V, RPAGE), H_PARAMETER);
    CHECK_EQ(CALL(env, PETREL_H_ALLOC_HPT, out, 17), H_PARAMETER);
    CHECK_EQ(CALL(env, PETREL_H_ALLOC_HPT, out, shift + 2), H_PARAMETER);
    CHECK_EQ(CALL(env, PETREL_H_ALLOC_HPT, out, ~0ull), H_PARAMETER);
    machine_mmu(env->machine, &mmu, NULL);
    CHECK(mmu.hpt == NULL);
    CHECK_EQ(CALL(env, PETREL_H_ALLOC_HPT, out, shift), H_SUCCESS);
    machine_mmu(env->machine, &mmu, NULL);
    CHECK(mmu.hpt != NULL);
    CHECK_EQ(mmu.hpt_shift, shift);
    for (unsigned i = 0; i < 2; i++) {
        CHECK(cpu_of(env, i)->hpt == mmu.hpt);
        CHECK_EQ(cpu_of(env, i)->hpt_mask, (1ull << (shift - 7)) - 1);
    }
    /* Never resized: the same size again is fine, another is not. */
    CHECK_EQ(CALL(env, PETREL_H_ALLOC_HPT, out, shift), H_SUCCESS);
    CHECK_EQ(CALL(env, PETREL_H_ALLOC_HPT, out, shift - 1), H_PARAMETER);
}

static void test_enter_read(struct hcall_env *env)
{
    uint64_t entries = 1ull << (petrel_hpt_shift_for_ram(RAM) - 4), out[9];

    /* First free slot of group 2 (ptex 16..23), whatever the low bits. */
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 19, AVPN0 | HPTE_V_V, RPAGE), H_SUCCESS);
    CHECK_EQ(out[0], 16);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 16, AVPN0 | 0x60 | HPTE_V_V, RPAGE), H_SUCCESS);
    CHECK_EQ(out[0], 17);
    CHECK_EQ(hpte(env, 17, 0), AVPN0 | HPTE_V_V); /* software lock bits dropped */
    CHECK_EQ(hpte(env, 17, 1), RPAGE);
    /* H_EXACT: that slot or nothing. */
    CHECK_EQ(CALL(env, H_ENTER, out, H_EXACT, 16, AVPN0 | HPTE_V_V, RPAGE), H_PTEG_FULL);
    CHECK_EQ(CALL(env, H_ENTER, out, H_EXACT, 21, AVPN0 | HPTE_V_V, RPAGE), H_SUCCESS);
    CHECK_EQ(out[0], 21);
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(CALL(env, H_ENTER, out, 0, 16, AVPN0 | HPTE_V_V, RPAGE), H_SUCCESS);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 16, AVPN0 | HPTE_V_V, RPAGE), H_PTEG_FULL);
    /* Bad entries: RAM not WIMG = M, I/O without I, no size encoding,
     * ptex past the table. */
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 0, HPTE_V_V, 0x5000 | 2), H_PARAMETER);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 0, HPTE_V_V, 0x5000 | HPTE_R_M | HPTE_R_I), H_PARAMETER);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 0, HPTE_V_V, RAM | HPTE_R_M), H_PARAMETER);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 0, HPTE_V_V, RAM | HPTE_R_I | HPTE_R_G), H_SUCCESS);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 8, HPTE_V_L | HPTE_V_V, 0x1000000 | 0x2000 | HPTE_R_M),
             H_PARAMETER);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, 8, HPTE_V_L | HPTE_V_V, 0x1000000 | HPTE_R_M), H_SUCCESS);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, entries, HPTE_V_V, RPAGE), H_PARAMETER);
    CHECK_EQ(CALL(env, H_ENTER, out, 0, ~0ull, HPTE_V_V, RPAGE), H_PARAMETER);

    /* H_READ: one entry, or the four of an aligned quad. */
    CHECK_EQ(CALL(env, H_READ, out, 0, 17), H_SUCCESS);
    CHECK_EQ(out[0], AVPN0 | HPTE_V_V);
    CHECK_EQ(out[1], RPAGE);
    CHECK_EQ(out[2], 0);
    CHECK_EQ(CALL(env, H_READ, out, H_READ_4, 1), H_SUCCESS);
    CHECK_EQ(out[0], HPTE_V_V); /* ptex 0, the I/O entry */
    CHECK_EQ(out[1], RAM | HPTE_R_I | HPTE_R_G);
    CHECK_EQ(out[2], 0);
    CHECK_EQ(CALL(env, H_READ, out, 0, entries), H_PARAMETER);
}

static void test_remove_protect(struct hcall_env *env)
{
    struct ppc_cpu *c0 = cpu_of(env, 0), *c1 = cpu_of(env, 1);
    uint64_t out[9];

    /* Soft-TLB entries on both vCPUs go with a removal. */
    c0->tlb_read[5].tag = 0x5000;
    c1->attention = 0;
    CHECK_EQ(CALL(env, H_REMOVE, out, H_AVPN, 17, AVPN0 ^ 0x80), H_NOT_FOUND);
    CHECK_EQ(c0->tlb_read[5].tag, 0x5000); /* nothing removed, nothing flushed */
    CHECK_EQ(CALL(env, H_REMOVE, out, H_AVPN, 17, AVPN0), H_SUCCESS);
    CHECK_EQ(out[0], AVPN0 | HPTE_V_V);
    CHECK_EQ(out[1], RPAGE);
    CHECK_EQ(hpte(env, 17, 0) & HPTE_V_V, 0);
    CHECK_EQ(c0->tlb_read[5].tag, TLB_INVALID);
    CHECK(c1->attention & ATT_FLUSH);
    CHECK_EQ(CALL(env, H_REMOVE, out, 0, 17, 0), H_NOT_FOUND);
    /* ANDCOND: refused while dword 0 AND the mask is non-zero. */
    CHECK_EQ(CALL(env, H_REMOVE, out, H_ANDCOND, 18, 0x100), H_NOT_FOUND);
    CHECK_EQ(CALL(env, H_REMOVE, out, H_ANDCOND, 18, 0x80), H_SUCCESS);
    CHECK_EQ(CALL(env, H_REMOVE, out, 0, 1ull << 40, 0), H_PARAMETER);

    /* H_PROTECT: PP0 (flag 0x100), PP, N, key (flags 0x3000 -> KEY_HI,
     * 0xe00 KEY_LO); R, C, RPN, WIMG kept. */
    CHECK_EQ(CALL(env, H_PROTECT, out, H_AVPN | 3, 19, AVPN0 ^ 0x80), H_NOT_FOUND);
    CHECK_EQ(CALL(env, H_PROTECT, out, H_AVPN | 0x100 | 0x3000 | 0x600 | HPTE_R_N | 1, 19, AVPN0),
             H_SUCCESS);
    CHECK_EQ(hpte(env, 19, 1),
             HPTE_R_PP0 | HPTE_R_KEY_HI | 0x600 | 0x5000 | HPTE_R_M | HPTE_R_N | 1);
    CHECK_EQ(hpte(env, 19, 0), AVPN0 | HPTE_V_V);
    CHECK_EQ(CALL(env, H_PROTECT, out, 0, 17, 0), H_NOT_FOUND); /* removed above */
    CHECK_EQ(CALL(env, H_PROTECT, out, 0, 1ull << 40, 0), H_PARAMETER);

    /* H_CLEAR_REF / H_CLEAR_MOD: the old dword 1; one bit cleared. */
    CHECK_EQ(CALL(env, H_ENTER, out, H_EXACT, 40, AVPN0 | HPTE_V_V, RPAGE | HPTE_R_R | HPTE_R_C),
             H_SUCCESS);
    CHECK_EQ(CALL(env, H_CLEAR_REF, out, 0, 40), H_SUCCESS);
    CHECK_EQ(out[0], RPAGE | HPTE_R_R | HPTE_R_C);
    CHECK_EQ(hpte(env, 40, 1), RPAGE | HPTE_R_C);
    CHECK_EQ(CALL(env, H_CLEAR_MOD, out, 0, 40), H_SUCCESS);
    CHECK_EQ(out[0], RPAGE | HPTE_R_C);
    CHECK_EQ(hpte(env, 40, 1), RPAGE);
    CHECK_EQ(CALL(env, H_CLEAR_MOD, out, 0, 41), H_NOT_FOUND);
    CHECK_EQ(CALL(env, H_CLEAR_REF, out, 1, 40), H_PARAMETER);
    CHECK_EQ(CALL(env, H_CLEAR_REF, out, 0, 1ull << 40), H_PARAMETER);
}

#define BULK_REQ  (1ull << 62)
#define BULK_RESP (2ull << 62)
#define BULK_END  (3ull << 62)
#define BULK_AVPN (2ull << 56)
#define BULK_AND  (1ull << 56)

static void test_bulk_remove(struct hcall_env *env)
{
    uint64_t out[9];

    /* Group 6: four entries, the third with R and C. */
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(CALL(env, H_ENTER, out, H_EXACT, 48 + i, AVPN0 | HPTE_V_V,
                      RPAGE | (i == 2 ? HPTE_R_R | HPTE_R_C : 0)),
                 H_SUCCESS);
    /* Done plain; not found by AVPN; done by AVPN with R C; end. */
    CHECK_EQ(CALL(env, H_BULK_REMOVE, out, BULK_REQ | 48, 0, BULK_REQ | BULK_AVPN | 49, 0x80,
                  BULK_REQ | BULK_AVPN | 50, AVPN0, BULK_END, 0),
             H_SUCCESS);
    CHECK_EQ(out[0], BULK_RESP | 48);
    CHECK_EQ(out[2], BULK_RESP | (1ull << 60) | BULK_AVPN | 49);
    CHECK_EQ(out[4], BULK_RESP | (3ull << 58) | BULK_AVPN | 50);
    CHECK_EQ(out[6], BULK_END); /* untouched */
    CHECK_EQ(hpte(env, 48, 0) & HPTE_V_V, 0);
    CHECK_EQ(hpte(env, 49, 0) & HPTE_V_V, HPTE_V_V);
    CHECK_EQ(hpte(env, 50, 0) & HPTE_V_V, 0);
    /* ANDCOND with AVPN is a parameter error, which stops the batch. */
    CHECK_EQ(
        CALL(env, H_BULK_REMOVE, out, BULK_REQ | BULK_AVPN | BULK_AND | 49, 0, BULK_REQ | 51, 0),
        H_PARAMETER);
    CHECK_EQ(out[0], BULK_RESP | (2ull << 60) | BULK_AVPN | BULK_AND | 49);
    CHECK_EQ(hpte(env, 51, 0) & HPTE_V_V, HPTE_V_V);
    /* A bad ptex: parameter status, H_PARAMETER; a word that is no
     * request: H_PARAMETER. */
    CHECK_EQ(CALL(env, H_BULK_REMOVE, out, BULK_REQ | (1ull << 50), 0), H_PARAMETER);
    CHECK_EQ(out[0], BULK_RESP | (2ull << 60) | (1ull << 50));
    CHECK_EQ(CALL(env, H_BULK_REMOVE, out, BULK_RESP | 51, 0), H_PARAMETER);
    CHECK_EQ(hpte(env, 51, 0) & HPTE_V_V, HPTE_V_V);
    /* ANDCOND passing; a list not ended by END (nor 4 requests long) is
     * a parameter error at the first word that is no request. */
    CHECK_EQ(CALL(env, H_BULK_REMOVE, out, BULK_REQ | BULK_AND | 49, 0x80, BULK_REQ | 51, 0),
             H_PARAMETER);
    CHECK_EQ(out[4], 0);
    CHECK_EQ(hpte(env, 49, 0) & HPTE_V_V, 0);
    CHECK_EQ(hpte(env, 51, 0) & HPTE_V_V, 0);
}

static void test_hpt(void)
{
    struct hcall_env e = {.machine = make_machine(NULL)};
    struct cpu_mmu mmu;

    test_alloc_hpt(&e);
    test_enter_read(&e);
    test_remove_protect(&e);
    test_bulk_remove(&e);
    /* Reset frees it. */
    machine_reset(e.machine);
    machine_mmu(e.machine, &mmu, NULL);
    CHECK(mmu.hpt == NULL);
    CHECK(cpu_of(&e, 1)->hpt == NULL);
    machine_destroy(e.machine);
}

int main(void)
{
    test_register_proc_tbl();
    test_hpt();
    return check_summary("hcall_mmu");
}
