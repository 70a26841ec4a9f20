/*
 * The block compiler (vmm/cpu/interp/jit.c) against the interpreter: each
 * program runs once with compilation off (jit_hot = 0) and once with it
 * on, and every register, CR, XER, LR, CTR and the data area must agree.
 * The programs are made to reach what the random vectors of tests/isa do
 * not: loops that stay in host code, more live guest registers than host
 * registers, soft-TLB misses inside a loop, kicks while looping, code
 * that rewrites itself, 32-bit mode entry to a 64-bit block, a full
 * code area, and FP/VSX instructions inside blocks (their interrupts
 * leave the block with SRR0, SRR1 and the FPSCR exact).
 */
#include <pthread.h>
#include <time.h>

#include "check.h"
#include "interp_harness.h"
#include "vmm/cpu/interp/fpu.h"
#include "vmm/cpu/interp/jit.h"

/* Encoders for what interp_harness.h lacks. */
static uint32_t li(unsigned rt, int16_t v)
{
    return enc_d(14, rt, 0, (uint16_t)v);
}
static uint32_t addi(unsigned rt, unsigned ra, int16_t v)
{
    return enc_d(14, rt, ra, (uint16_t)v);
}
static uint32_t lis(unsigned rt, uint16_t v)
{
    return enc_d(15, rt, 0, v);
}
static uint32_t ori(unsigned ra, unsigned rs, uint16_t v)
{
    return enc_d(24, rs, ra, v);
}
static uint32_t mtctr(unsigned rs)
{
    return enc_spr(467, rs, 9);
}
static uint32_t bdnz(int32_t off)
{
    return enc_bc(16, 0, off, 0, 0);
}
static uint32_t sldi(unsigned ra, unsigned rs, unsigned n)
{
    return enc_md(rs, ra, n, 63 - n, 1, 0); /* rldicr ra,rs,n,63-n */
}
static uint32_t srdi(unsigned ra, unsigned rs, unsigned n)
{
    return enc_md(rs, ra, 64 - n, n, 0, 0); /* rldicl ra,rs,64-n,n */
}
static uint32_t xor_(unsigned ra, unsigned rs, unsigned rb, unsigned rc)
{
    return enc_x(31, rs, ra, rb, 316, rc);
}
static uint32_t add(unsigned rt, unsigned ra, unsigned rb, unsigned rc)
{
    return enc_xo(rt, ra, rb, 0, 266, rc);
}

/* FP A form (Book I 4.6.5): FRT FRA FRB FRC. */
static uint32_t fp_a(unsigned op, unsigned xo, unsigned t, unsigned a, unsigned b, unsigned c)
{
    return op << 26 | t << 21 | a << 16 | b << 11 | c << 6 | xo << 1;
}
#define FMADD(t, a, c, b)  fp_a(63, 29, t, a, b, c)
#define FNMSUB(t, a, c, b) fp_a(63, 30, t, a, b, c)
#define FMUL(t, a, c)      fp_a(63, 25, t, a, 0, c)
#define FADD(t, a, b)      fp_a(63, 21, t, a, b, 0)
#define FSUB(t, a, b)      fp_a(63, 20, t, a, b, 0)
#define FDIV(t, a, b)      fp_a(63, 18, t, a, b, 0)
#define FDIVS(t, a, b)     fp_a(59, 18, t, a, b, 0)
#define FSEL(t, a, c, b)   fp_a(63, 23, t, a, b, c)
#define FABS(t, b)         enc_x(63, t, 0, b, 264, 0)
#define MFFS(t)            enc_x(63, t, 0, 0, 583, 0)
#define LFD(t, d, a)       enc_d(50, t, a, (uint16_t)(d))
#define LFDU(t, d, a)      enc_d(51, t, a, (uint16_t)(d))
#define STFD(s, d, a)      enc_d(54, s, a, (uint16_t)(d))
#define STFDU(s, d, a)     enc_d(55, s, a, (uint16_t)(d))
/* VSX XX3 (primary 60) and XX1 loads/stores on VSRs 0-31. */
#define XX3(xo, t, a, b)   (60u << 26 | (t) << 21 | (a) << 16 | (b) << 11 | (xo) << 3)
#define XVMADDADP(t, a, b) XX3(97, t, a, b)
#define XVADDDP(t, a, b)   XX3(96, t, a, b)
#define XVMULDP(t, a, b)   XX3(112, t, a, b)
#define XXLXOR(t, a, b)    XX3(154, t, a, b)
#define LXVD2X(t, a, b)    enc_x(31, t, a, b, 844, 0)
#define STXVD2X(s, a, b)   enc_x(31, s, a, b, 972, 0)

/* A double into the data area in the guest's byte order (big-endian). */
static void put_double(struct harness *h, uint64_t off, double d)
{
    uint64_t u = fp_bits(d);
    h_put32(h, H_DATA + off, (uint32_t)(u >> 32), 0);
    h_put32(h, H_DATA + off + 4, (uint32_t)u, 0);
}

struct snapshot {
    uint64_t gpr[32], lr, ctr, xer, nip_end, fpscr, srr0, srr1;
    uint32_t cr;
    union ppc_vsr vsr[64];
    uint8_t data[0x3000];
};

typedef void (*program_fn)(struct harness *h);

static void snap(struct harness *h, uint64_t end, struct snapshot *s)
{
    memcpy(s->gpr, h->cpu->gpr, sizeof(s->gpr));
    s->lr = h->cpu->lr;
    s->ctr = h->cpu->ctr;
    s->xer = ppc_get_xer(h->cpu);
    s->cr = ppc_get_cr(h->cpu);
    s->nip_end = end;
    s->fpscr = h->cpu->fpscr;
    s->srr0 = h->cpu->srr0;
    s->srr1 = h->cpu->srr1;
    memcpy(s->vsr, h->cpu->vsr, sizeof(s->vsr));
    memcpy(s->data, h->mem.ram + H_DATA, sizeof(s->data));
}

/* Where the last run_both stopped (the address of its sc 1). */
static uint64_t last_end;

/* Runs `prog` interpreted and compiled (hot = jit_hot); returns the
 * blocks the compiled run made. */
static uint64_t run_both(struct harness *h, program_fn prog, uint8_t hot, const char *name)
{
    static struct snapshot a, b;
    uint64_t blocks;

    h->cpu->jit_hot = 0;
    h_reset(h);
    prog(h);
    blocks = jit_blocks_compiled(h->cpu->jit);
    snap(h, h_run(h), &a);
    /* jit_hot 0 compiles nothing, however hot the loop. */
    CHECK_EQ(jit_blocks_compiled(h->cpu->jit), blocks);

    h->cpu->jit_hot = hot;
    h_reset(h);
    prog(h);
    blocks = jit_blocks_compiled(h->cpu->jit);
    snap(h, h_run(h), &b);
    blocks = jit_blocks_compiled(h->cpu->jit) - blocks;

    CHECK_EQ(a.nip_end, b.nip_end);
    last_end = b.nip_end;
    for (unsigned i = 0; i < 32; i++)
        if (a.gpr[i] != b.gpr[i]) {
            fprintf(stderr, "%s: r%u interp %016llx jit %016llx\n", name, i,
                    (unsigned long long)a.gpr[i], (unsigned long long)b.gpr[i]);
            CHECK(0);
        }
    CHECK_EQ(a.cr, b.cr);
    CHECK_EQ(a.xer, b.xer);
    CHECK_EQ(a.lr, b.lr);
    CHECK_EQ(a.ctr, b.ctr);
    CHECK_EQ(a.fpscr, b.fpscr);
    CHECK_EQ(a.srr0, b.srr0);
    CHECK_EQ(a.srr1, b.srr1);
    for (unsigned i = 0; i < 64; i++)
        if (memcmp(&a.vsr[i], &b.vsr[i], sizeof(a.vsr[i]))) {
            fprintf(stderr, "%s: vs%u interp %016llx %016llx jit %016llx %016llx\n", name, i,
                    (unsigned long long)VSR_D(a.vsr[i], 0), (unsigned long long)VSR_D(a.vsr[i], 1),
                    (unsigned long long)VSR_D(b.vsr[i], 0), (unsigned long long)VSR_D(b.vsr[i], 1));
            CHECK(0);
        }
    CHECK(memcmp(a.data, b.data, sizeof(a.data)) == 0);
    h->cpu->jit_hot = JIT_HOT_DEFAULT;
    return blocks;
}

/* xorshift64 + multiply-add, 1000 times round a bdnz loop. */
static void prog_xorshift(struct harness *h)
{
    h_code(h, li(5, 88));
    h_code(h, li(6, 3));
    h_code(h, li(8, 1000));
    h_code(h, mtctr(8));
    h_code(h, sldi(7, 5, 13)); /* loop */
    h_code(h, xor_(5, 5, 7, 0));
    h_code(h, srdi(7, 5, 7));
    h_code(h, xor_(5, 5, 7, 0));
    h_code(h, sldi(7, 5, 17));
    h_code(h, xor_(5, 5, 7, 1));             /* xor. */
    h_code(h, enc_xo(8, 5, 6, 0, 233, 0));   /* mulld r8,r5,r6 */
    h_code(h, add(6, 6, 8, 0));              /* add r6,r6,r8 */
    h_code(h, enc_m(21, 6, 9, 5, 3, 27, 0)); /* rlwinm r9,r6,5,3,27 */
    h_code(h, enc_xo(6, 9, 6, 0, 40, 0));    /* subf r6,r9,r6 */
    h_code(h, addi(6, 6, 1));
    h_code(h, bdnz(-44));
}

/* Twenty-four live registers: more than the block compiler has host
 * registers for, so some stay in memory. */
static void prog_pressure(struct harness *h)
{
    for (unsigned r = 3; r < 27; r++)
        h_code(h, li(r, (int16_t)(r * 7)));
    h_code(h, li(27, 300));
    h_code(h, mtctr(27));
    for (unsigned r = 3; r < 26; r++) /* loop */
        h_code(h, add(r, r, r + 1, 0));
    h_code(h, xor_(26, 26, 3, 0));
    h_code(h, enc_x(31, 0, 3, 26, 0, 0)); /* cmpw r3,r26 */
    h_code(h, bdnz(-4 * 25));
}

/*
 * Loads and stores across a page boundary inside a loop: the accesses
 * that cross take the soft-TLB slow path, which in a block is a side exit
 * to the interpreter in the middle of the loop.
 */
static void prog_memory(struct harness *h)
{
    h_code(h, lis(3, H_DATA >> 16));
    h_code(h, ori(3, 3, 0x0ff0)); /* r3 = H_DATA + 0xff0: crosses at +0x10 */
    h_code(h, li(4, 0));
    h_code(h, li(5, 64));
    h_code(h, mtctr(5));
    h_code(h, li(6, 0x1234));
    h_code(h, enc_x(31, 6, 3, 4, 149, 0)); /* loop: stdx r6,r3,r4 */
    h_code(h, enc_ds(58, 7, 3, 0, 0));     /* ld r7,0(r3) */
    h_code(h, enc_x(31, 8, 3, 4, 23, 0));  /* lwzx r8,r3,r4 */
    h_code(h, enc_d(40, 9, 3, 6));         /* lhz r9,6(r3) */
    h_code(h, add(6, 6, 7, 0));
    h_code(h, add(6, 6, 8, 0));
    h_code(h, addi(6, 6, 0x55));
    h_code(h, enc_d(39, 6, 3, 3)); /* stbu r6,3(r3): r3 += 3 */
    h_code(h, enc_d(37, 9, 3, 1)); /* stwu r9,1(r3) */
    h_code(h, addi(4, 4, 1));
    h_code(h, bdnz(-40));
}

/* The bench's branch kernel: an LFSR picks one of two paths, plus a call
 * and return, so the loop is several blocks jumping into each other. */
static void prog_branchy(struct harness *h)
{
    h_code(h, li(5, 0x5a5));
    h_code(h, li(6, 0));
    h_code(h, li(8, 500));
    h_code(h, mtctr(8));
    h_code(h, enc_d(28, 5, 7, 1));      /* 4: andi. r7,r5,1 (loop) */
    h_code(h, srdi(5, 5, 1));           /* 5 */
    h_code(h, enc_bc(12, 2, 16, 0, 0)); /* 6: beq 10 */
    h_code(h, enc_d(26, 5, 5, 0xb400)); /* 7: xori r5,r5,0xb400 */
    h_code(h, addi(6, 6, 3));           /* 8 */
    h_code(h, enc_b(12, 0, 0));         /* 9: b 12 */
    h_code(h, addi(6, 6, 1));           /* 10 */
    h_code(h, 0x60000000);              /* 11: nop */
    h_code(h, enc_b(20, 0, 1));         /* 12: bl 17 */
    h_code(h, enc_d(11, 0, 6, 0));      /* 13: cmpwi r6,0 */
    h_code(h, enc_bc(12, 0, 4, 0, 0));  /* 14: blt 15 */
    h_code(h, bdnz(-44));               /* 15: -> 4 */
    h_code(h, enc_b(12, 0, 0));         /* 16: b 19, the end */
    h_code(h, addi(6, 6, 1));           /* 17: leaf */
    h_code(h, 0x4e800020);              /* 18: blr */
}

static void test_equivalence(struct harness *h)
{
    CHECK(run_both(h, prog_branchy, 1, "branchy") > 3);
    CHECK(run_both(h, prog_branchy, JIT_HOT_DEFAULT, "branchy") > 3);
    /* Compiled at once (hot = 1) and after the default warm-up. */
    CHECK(run_both(h, prog_xorshift, 1, "xorshift") > 0);
    CHECK(run_both(h, prog_xorshift, JIT_HOT_DEFAULT, "xorshift") > 0);
    CHECK(run_both(h, prog_pressure, 1, "pressure") > 0);
    CHECK(run_both(h, prog_memory, 1, "memory") > 0);
    CHECK(run_both(h, prog_memory, JIT_HOT_DEFAULT, "memory") > 0);
}

/* A compiled self-loop that never ends must still notice a kick. */
static void *kick_later(void *arg)
{
    struct harness *h = arg;
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    cpu_interp_backend.kick((struct cpu *)h->cpu);
    return NULL;
}

/* Runs the code placed (which never ends) until a kick 50 ms later. */
static enum cpu_exit_reason run_until_kicked(struct harness *h)
{
    struct cpu_exit exit;
    pthread_t t;

    h_put32(h, H_END(h), SC1, 0);
    ppc_store_msr(h->cpu, h->msr);
    h->cpu->nip = H_CODE;
    CHECK(pthread_create(&t, NULL, kick_later, h) == 0);
    cpu_interp_backend.run((struct cpu *)h->cpu, &exit);
    pthread_join(t, NULL);
    return exit.reason;
}

static void test_kick_in_loop(struct harness *h)
{
    h_reset(h);
    h->cpu->jit_hot = 1;
    h_code(h, addi(3, 3, 1));
    h_code(h, enc_b(-4, 0, 0)); /* b .-4: forever */
    CHECK_EQ(run_until_kicked(h), CPU_EXIT_STOPPED);
    CHECK(h->cpu->gpr[3] > 1000); /* it did loop */
    CHECK(jit_blocks_compiled(h->cpu->jit) > 0);
    h->cpu->jit_hot = JIT_HOT_DEFAULT;
}

/* Two blocks that jump into each other for ever: the chained jumps check
 * for a kick too. */
static void test_kick_in_chain(struct harness *h)
{
    uint64_t blocks;

    h_reset(h);
    h->cpu->jit_hot = 1;
    blocks = jit_blocks_compiled(h->cpu->jit);
    h_code(h, addi(3, 3, 1));    /* 0 */
    h_code(h, enc_b(8, 0, 0));   /* 1: b 3 */
    h_code(h, 0x60000000);       /* 2 */
    h_code(h, addi(4, 4, 1));    /* 3 */
    h_code(h, enc_b(-16, 0, 0)); /* 4: b 0 */
    CHECK_EQ(run_until_kicked(h), CPU_EXIT_STOPPED);
    CHECK(h->cpu->gpr[3] > 1000);
    CHECK(h->cpu->gpr[4] + 1 >= h->cpu->gpr[3] && h->cpu->gpr[4] <= h->cpu->gpr[3]);
    CHECK_EQ(jit_blocks_compiled(h->cpu->jit) - blocks, 2);
    h->cpu->jit_hot = JIT_HOT_DEFAULT;
}

/*
 * The loop rewrites its own addi (addi r4,r4,1 -> addi r4,r4,100) on the
 * fifth trip and then runs isync: the compiled block holding the old
 * instruction must not run again (spec/cpu.md §5.4 item 4).
 */
static void prog_smc(struct harness *h)
{
    uint64_t patch = H_CODE + 4 * 9;

    h_code(h, li(4, 0));
    h_code(h, li(5, 10));
    h_code(h, mtctr(5));
    h_code(h, lis(6, (uint16_t)(addi(4, 4, 100) >> 16)));
    h_code(h, ori(6, 6, (uint16_t)addi(4, 4, 100)));
    h_code(h, lis(7, (uint16_t)(patch >> 16)));
    h_code(h, ori(7, 7, (uint16_t)patch));
    h_code(h, li(8, 0));
    h_code(h, 0x60000000);             /* 8: nop (loop) */
    h_code(h, addi(4, 4, 1));          /* 9: patched */
    h_code(h, addi(8, 8, 1));          /* 10 */
    h_code(h, enc_d(11, 0, 8, 5));     /* 11: cmpwi r8,5 */
    h_code(h, enc_bc(4, 2, 12, 0, 0)); /* 12: bne +12 -> 15 */
    h_code(h, enc_d(36, 6, 7, 0));     /* 13: stw r6,0(r7) */
    h_code(h, 0x4c00012c);             /* 14: isync */
    h_code(h, bdnz(-28));              /* 15: -> 8 */
}

static void test_self_modifying(struct harness *h)
{
    run_both(h, prog_smc, 1, "smc");
    CHECK_EQ(h->cpu->gpr[4], 5 + 5 * 100); /* the compiled run, last */
}

/*
 * A block compiled in 64-bit mode, entered again in 32-bit mode: its
 * record's own handler must run, so CR0 compares the low word (spec/cpu.md
 * §4.2).  2 * 0xfffe0000 is positive in 64 bits, negative as a word.
 */
static void prog_mode32(struct harness *h)
{
    h_code(h, enc_b(28, 0, 1));            /* 0: bl 7 (64-bit) */
    h_code(h, enc_x(31, 10, 0, 0, 19, 0)); /* 1: mfcr r10 */
    h_code(h, enc_x(31, 9, 0, 0, 83, 0));  /* 2: mfmsr r9 */
    h_code(h, enc_md(9, 9, 0, 1, 0, 0));   /* 3: rldicl r9,r9,0,1: SF off */
    h_code(h, enc_x(31, 9, 0, 0, 178, 0)); /* 4: mtmsrd r9 */
    h_code(h, enc_b(8, 0, 1));             /* 5: bl 7 (32-bit) */
    h_code(h, enc_b(20, 0, 0));            /* 6: b 11, the end */
    h_code(h, lis(4, 0x7fff));             /* 7 */
    h_code(h, enc_d(15, 4, 4, 0x7fff));    /* 8: addis r4,r4,0x7fff */
    h_code(h, add(5, 4, 4, 1));            /* 9: add. r5,r4,r4 */
    h_code(h, 0x4e800020);                 /* 10: blr */
}

static void test_mode32_entry(struct harness *h)
{
    CHECK(run_both(h, prog_mode32, 1, "mode32") > 0);
    CHECK_EQ(h->cpu->gpr[10] >> 28, 4);    /* 64-bit: GT */
    CHECK_EQ(ppc_get_cr(h->cpu) >> 28, 8); /* 32-bit: LT */
    CHECK(h->cpu->mode32);
}

/*
 * Hundreds of pages of `b .+4`, every one a block of its own when
 * compiled at once: more code than the area holds, so it must be
 * emptied and compilation go on, with the program still right.
 */
static void test_area_full(struct harness *h)
{
    const unsigned pages = 1200;
    uint64_t resets;

    h_reset(h);
    h->cpu->jit_hot = 1;
    resets = jit_resets(h->cpu->jit);
    for (unsigned i = 0; i < pages * 1024; i++)
        h_code(h, (i & 1) ? enc_b(4, 0, 0) : addi(3, 3, 1));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->gpr[3], pages * 512);
    CHECK(jit_resets(h->cpu->jit) > resets);
    h->cpu->jit_hot = JIT_HOT_DEFAULT;
}

/* ---- FP and VSX inside blocks ---- */

/* The constants of bench/fp: 0.5, 0.25, 1.0000001, 3.0 at H_DATA; r3
 * points there, FP/VEC/VSX on. */
static void fp_setup(struct harness *h)
{
    h->msr |= MSR_FP | MSR_VEC | MSR_VSX;
    put_double(h, 0, 0.5);
    put_double(h, 8, 0.25);
    put_double(h, 16, 1.0000001);
    put_double(h, 24, 3.0);
    h_code(h, lis(3, H_DATA >> 16));
    h_code(h, LFD(10, 0, 3));
    h_code(h, LFD(11, 8, 3));
    h_code(h, LFD(12, 16, 3));
    h_code(h, LFD(1, 24, 3));
}

/* bench/fp's scalar kernel, 300 times round, plus stores with update of
 * every result (a GPR written by an FP instruction inside the loop) and
 * of the FPSCR after two of the inline fast paths (FR and FI vary). */
static void prog_fp_loop(struct harness *h)
{
    fp_setup(h);
    h_code(h, LFD(2, 24, 3));
    h_code(h, li(8, 300));
    h_code(h, mtctr(8));
    h_code(h, addi(4, 3, 0x100));
    h_code(h, FMADD(1, 1, 10, 11)); /* loop */
    h_code(h, FMUL(2, 2, 12));      /* grows: a different rounding each time */
    h_code(h, MFFS(15));
    h_code(h, STFD(15, 0x1000, 4));
    h_code(h, FADD(3, 2, 11));
    h_code(h, FSUB(4, 3, 11));
    h_code(h, FMADD(5, 4, 10, 11));
    h_code(h, FNMSUB(6, 5, 10, 11));
    h_code(h, FABS(7, 6));
    h_code(h, FDIV(8, 7, 12));
    h_code(h, MFFS(16));
    h_code(h, STFD(16, 0x1a00, 4));
    h_code(h, FSEL(9, 8, 8, 1));
    h_code(h, STFDU(9, 8, 4));
    h_code(h, FDIVS(13, 9, 12));
    h_code(h, STFD(13, 0x800, 4));
    h_code(h, LFDU(14, -8, 4));
    h_code(h, addi(4, 4, 8));
    h_code(h, bdnz(-4 * 18));
}

/* bench/fp's VSX kernel with the vector load/store in the loop; 1.0000001
 * in a lane makes results inexact, so XX is set and the inline paths
 * run. */
static void prog_vsx_loop(struct harness *h)
{
    fp_setup(h);
    h_code(h, li(8, 200));
    h_code(h, mtctr(8));
    h_code(h, addi(4, 3, 0x200));
    h_code(h, li(5, 8));
    h_code(h, LXVD2X(10, 0, 3));   /* 0.5 0.25 */
    h_code(h, LXVD2X(11, 3, 5));   /* 0.25 1.0000001 */
    h_code(h, XVMULDP(1, 10, 11)); /* loop */
    h_code(h, XVADDDP(1, 1, 11));
    h_code(h, XXLXOR(6, 1, 10));
    h_code(h, STXVD2X(1, 0, 4));
    h_code(h, LXVD2X(7, 0, 4));
    h_code(h, XVMADDADP(7, 1, 10));
    h_code(h, STXVD2X(7, 0, 4));
    h_code(h, addi(4, 4, 16));
    h_code(h, bdnz(-4 * 8));
}

/* The first instruction of a block may be FP: a block is made of it. */
static void prog_fp_first(struct harness *h)
{
    fp_setup(h);
    h_code(h, li(8, 100));
    h_code(h, mtctr(8));
    h_code(h, FMADD(1, 1, 10, 11)); /* loop */
    h_code(h, bdnz(-4));
}

/*
 * A zero divide with ZE=1 and MSR[FE0,FE1] on in the middle of a block
 * (Book III 7.5.9): a program interrupt with SRR0 = the fdiv, SRR1[FP],
 * FPSCR ZX FX FEX set, FRT unchanged; what came before in the block done
 * (GPRs too), what comes after not.
 */
static void prog_fp_enabled(struct harness *h)
{
    fp_setup(h);
    h->msr |= MSR_FE0 | MSR_FE1;
    h->cpu->fpscr = FPSCR_ZE;
    h_code(h, FSUB(2, 10, 10)); /* 0.0 */
    h_code(h, li(8, 3));
    h_code(h, mtctr(8));
    h_code(h, addi(5, 5, 1)); /* loop */
    h_code(h, FADD(4, 4, 10));
    h_code(h, enc_d(11, 0, 5, 3));     /* cmpwi r5,3 */
    h_code(h, enc_bc(4, 2, 12, 0, 0)); /* bne +12: skip the divide */
    h_code(h, addi(6, 6, 7));
    h_code(h, FDIV(3, 1, 2)); /* 3.0 / 0 on the third trip */
    h_code(h, addi(7, 7, 1));
    h_code(h, bdnz(-4 * 7));
}

static void test_fp_enabled(struct harness *h)
{
    uint64_t fdiv = H_CODE + 4 * 13;

    CHECK(run_both(h, prog_fp_enabled, 1, "fp-enabled") > 0);
    CHECK_EQ(last_end, 0x700);
    CHECK_EQ(h->cpu->srr0, fdiv);
    CHECK(h->cpu->srr1 & SRR1_PROG_FP);
    CHECK_EQ(h->cpu->fpscr & (FPSCR_ZX | FPSCR_FX | FPSCR_FEX), FPSCR_ZX | FPSCR_FX | FPSCR_FEX);
    CHECK_EQ(VSR_D(h->cpu->vsr[3], 0), 0); /* FRT unchanged */
    CHECK_EQ(h->cpu->gpr[5], 3);
    CHECK_EQ(h->cpu->gpr[6], 7);
    CHECK_EQ(h->cpu->gpr[7], 2);
    CHECK_EQ(VSR_D(h->cpu->vsr[4], 0), fp_bits(1.5));
}

/* MSR[FP] off: the FP-unavailable interrupt at the fadd, after the GPR
 * work before it in the same block is stored back. */
static void prog_fp_unavail(struct harness *h)
{
    h_code(h, li(8, 4));
    h_code(h, mtctr(8));
    h_code(h, addi(5, 5, 1));          /* 2: loop */
    h_code(h, enc_d(11, 0, 5, 2));     /* 3: cmpwi r5,2 */
    h_code(h, enc_bc(4, 2, 12, 0, 0)); /* 4: bne 7 */
    h_code(h, sldi(6, 5, 4));          /* 5 */
    h_code(h, FADD(1, 2, 3));          /* 6 */
    h_code(h, addi(7, 7, 1));
    h_code(h, bdnz(-4 * 6));
}

static void test_fp_unavail(struct harness *h)
{
    CHECK(run_both(h, prog_fp_unavail, 1, "fp-unavail") > 0);
    CHECK_EQ(last_end, 0x800);
    CHECK_EQ(h->cpu->srr0, H_CODE + 4 * 6);
    CHECK_EQ(h->cpu->gpr[5], 2);
    CHECK_EQ(h->cpu->gpr[6], 32);
    CHECK_EQ(h->cpu->gpr[7], 1);
}

static void test_fp(struct harness *h)
{
    CHECK(run_both(h, prog_fp_loop, 1, "fp-loop") > 0);
    CHECK(run_both(h, prog_fp_loop, JIT_HOT_DEFAULT, "fp-loop") > 0);
    CHECK(h->cpu->fpscr & FPSCR_XX);
    CHECK(run_both(h, prog_vsx_loop, 1, "vsx-loop") > 0);
    CHECK(run_both(h, prog_vsx_loop, JIT_HOT_DEFAULT, "vsx-loop") > 0);
    CHECK(run_both(h, prog_fp_first, JIT_HOT_DEFAULT, "fp-first") > 0);
    /* fmadd f1 converges on 0.5 */
    CHECK_EQ(VSR_D(h->cpu->vsr[1], 0), fp_bits(0.5));
    test_fp_enabled(h);
    test_fp_unavail(h);
}

int main(void)
{
    struct harness h;

    h_init(&h);
    if (!h.cpu->jit) {
        printf("no block compiler on this host\n");
        h_fini(&h);
        return 77; /* skipped, and meson says so */
    }
    test_equivalence(&h);
    test_kick_in_loop(&h);
    test_kick_in_chain(&h);
    test_self_modifying(&h);
    test_mode32_entry(&h);
    test_area_full(&h);
    test_fp(&h);
    h_fini(&h);
    return check_summary("jit");
}
