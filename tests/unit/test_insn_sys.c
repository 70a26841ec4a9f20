/*
 * System instructions on the interpreter: MSR moves, rfid/rfscv/hrfid
 * (including Linux's FIXUP_ENDIAN trampoline), mfspr/mtspr access rules
 * and registers, mftb, barriers, TLB and SLB management, doorbells, and
 * the privileged-instruction checks.  Expected values are worked out by
 * hand from Power ISA 3.0B Book II/III and spec/cpu.md §2, §4.
 */
#include "check.h"
#include "interp_harness.h"

#define R(n)     (h->cpu->gpr[n])
#define LPCR_ILE (1ull << 25)
#define LPCR_LD  (1ull << 17)
#define JUNK     0xdeadbeefdeadbeefull
#define TARGET   (H_CODE + 0x400)

/* Constant encoders (static tables need constant expressions). */
#define XF(op, rt, ra, rb, xo, rc)                                                                 \
    (((op) << 26) | ((rt) << 21) | ((ra) << 16) | ((rb) << 11) | ((xo) << 1) | (rc))
/* XFX form: the SPR number's halves swapped. */
#define XFX(xo, r, spr) XF(31u, r, (spr)&31u, (spr) >> 5, xo, 0u)
#define MFMSR(rt)       XF(31u, rt, 0u, 0u, 83u, 0u)
#define MTMSR(rs, l)    XF(31u, rs, l, 0u, 146u, 0u)
#define MTMSRD(rs, l)   XF(31u, rs, l, 0u, 178u, 0u)
#define MFSPR(rt, spr)  XFX(339u, rt, spr)
#define MTSPR(spr, rs)  XFX(467u, rs, spr)
#define MFTB(rt, tbr)   XFX(371u, rt, tbr)
#define RFID            0x4c000024u
#define RFSCV           0x4c0000a4u
#define HRFID           0x4c000224u
#define LI(rt, v)       enc_d(14, rt, 0, (v))
#define SYNC(l)         XF(31u, l, 0u, 0u, 598u, 0u)
#define TLBIE(rs, rb, ric, prs, r)                                                                 \
    ((31u << 26) | ((rs) << 21) | ((ric) << 18) | ((prs) << 17) | ((r) << 16) | ((rb) << 11) |     \
     (306u << 1))
#define TLBIEL(rs, rb, ric, prs, r) (TLBIE(rs, rb, ric, prs, r) ^ (306u << 1) ^ (274u << 1))
#define SLBMTE(rs, rb)              XF(31u, rs, 0u, rb, 402, 0)
#define SLBMFEE(rt, rb)             XF(31u, rt, 0u, rb, 915, 0)
#define SLBMFEV(rt, rb)             XF(31u, rt, 0u, rb, 851, 0)
#define SLBFEE(rt, rb)              XF(31u, rt, 0u, rb, 979, 1)
#define SLBIE(rb)                   XF(31u, 0, 0u, rb, 434, 0)
#define SLBIA(ih)                   XF(31u, ih, 0u, 0, 498, 0)

static void start(struct harness *h, int le)
{
    h_reset(h);
    if (le) {
        h->msr |= MSR_LE;
        h->cpu->lpcr |= LPCR_ILE;
    }
}

/*
 * Runs the code in problem state and ends it with a privileged mfmsr, so
 * a clean run is a privileged-instruction interrupt at that sentinel.
 * PR=1 implies IR=DR=1, which cannot fetch without an MMU yet: the state
 * is forced with translation off, which only privilege checks notice.
 * Returns the interrupt vector; SRR0/SRR1 tell the rest.
 */
static uint64_t run_user(struct harness *h)
{
    struct cpu_exit exit;
    int le = (int)(h->msr & MSR_LE);

    h_code(h, MFMSR(0));
    for (unsigned v = 0x100; v < 0x1000; v += 0x20)
        h_put32(h, v, SC1, le);
    ppc_store_msr(h->cpu, h->msr & ~MSR_PR);
    h->cpu->msr |= MSR_PR;
    h->cpu->nip = H_CODE;
    cpu_interp_backend.run((struct cpu *)h->cpu, &exit);
    if (exit.reason != CPU_EXIT_HCALL)
        return ~0ull;
    return h->cpu->nip - 4;
}

/* The run ended in a program interrupt of `cause` at instruction `at`. */
static void check_program(struct harness *h, uint64_t got, uint64_t at, uint64_t cause, int line)
{
    if (got != 0x700 || h->cpu->srr0 != at || !(h->cpu->srr1 & cause))
        fprintf(stderr, "  (from line %d: vector 0x%llx srr0 0x%llx srr1 0x%llx)\n", line,
                (unsigned long long)got, (unsigned long long)h->cpu->srr0,
                (unsigned long long)h->cpu->srr1);
    CHECK_EQ(got, 0x700);
    CHECK_EQ(h->cpu->srr0, at);
    CHECK(h->cpu->srr1 & cause);
}
#define CHECK_PRIV(got, at)    check_program(h, (got), (at), SRR1_PROG_PRIV, __LINE__)
#define CHECK_ILLEGAL(got, at) check_program(h, (got), (at), SRR1_PROG_ILLEGAL, __LINE__)
/* A problem-state run that reached its sentinel. */
#define CHECK_USER_CLEAN(h)                                                                        \
    do {                                                                                           \
        uint64_t v_ = run_user(h);                                                                 \
        CHECK_PRIV(v_, H_END(h) - 4);                                                              \
    } while (0)

/* One instruction from problem state: privileged-instruction interrupt. */
static void check_privileged(struct harness *h, uint32_t insn, int line)
{
    start(h, 0);
    h_code(h, insn);
    check_program(h, run_user(h), H_CODE, SRR1_PROG_PRIV, line);
}
#define PRIVILEGED_ONLY(insn) check_privileged(h, (insn), __LINE__)

/* ---- MSR ---- */

static void test_mfmsr(struct harness *h)
{
    for (int le = 0; le < 2; le++) {
        start(h, le);
        h->msr |= MSR_ME | MSR_RI;
        h_code(h, MFMSR(3));
        CHECK_EQ(h_run(h), H_END(h));
        CHECK_EQ(R(3), MSR_SF | MSR_ME | MSR_RI | (le ? MSR_LE : 0));
    }
    PRIVILEGED_ONLY(MFMSR(3));
}

/* mtmsrd (Book III 4.4.4): L=0 never changes HV, S, ME or LE; L=1 only
 * EE and RI (spec/cpu.md §2.1). */
static void test_mtmsrd(struct harness *h)
{
    start(h, 0);
    h->msr |= MSR_ME;
    R(3) = MSR_SF | MSR_EE | MSR_RI | MSR_FP | MSR_LE | MSR_HV | MSR_S;
    h_code(h, MTMSRD(3, 0));
    h_code(h, MFMSR(4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(4), MSR_SF | MSR_ME | MSR_EE | MSR_RI | MSR_FP);

    start(h, 0);
    h->msr |= MSR_ME | MSR_EE | MSR_RI | MSR_FP;
    R(3) = MSR_RI | MSR_LE | MSR_PR | MSR_DR; /* EE=0, RI=1: only these count */
    R(5) = MSR_EE;
    h_code(h, MTMSRD(3, 1));
    h_code(h, MFMSR(4));
    h_code(h, MTMSRD(5, 1));
    h_code(h, MFMSR(6));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(4), MSR_SF | MSR_ME | MSR_RI | MSR_FP);
    CHECK_EQ(R(6), MSR_SF | MSR_ME | MSR_EE | MSR_FP);

    /* To 32-bit mode: the next access already truncates its EA. */
    start(h, 0);
    h->mem.ram[H_DATA + 8] = 0x5a;
    R(3) = 0;
    R(4) = 0xdead000000000000ull | H_DATA;
    h_code(h, MTMSRD(3, 0));
    h_code(h, enc_d(34, 5, 4, 8)); /* lbz r5,8(r4) */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(5), 0x5a);
    CHECK_EQ(h->cpu->msr & MSR_SF, 0);

    /* Turning DR on drops translations made in real mode: DSI (a radix
     * partition without a process table translates nothing). */
    start(h, 0);
    h->cpu->lpcr |= LPCR_HR;
    R(3) = MSR_SF | MSR_DR;
    R(4) = H_DATA;
    h_code(h, enc_d(34, 5, 4, 8)); /* lbz r5,8(r4): fills the soft TLB */
    h_code(h, MTMSRD(3, 0));
    h_code(h, enc_d(34, 5, 4, 8)); /* lbz r5,8(r4) */
    CHECK_EQ(h_run(h), 0x300);
    CHECK_EQ(h->cpu->srr0, H_CODE + 8);
    CHECK_EQ(h->cpu->dar, H_DATA + 8);

    /* Setting PR also sets EE, IR and DR (Book III "Machine State Register"): with nothing
     * mapped the next fetch is an ISI, from user state. */
    start(h, 0);
    h->cpu->lpcr |= LPCR_HR;
    R(3) = MSR_SF | MSR_PR;
    h_code(h, MTMSRD(3, 0));
    CHECK_EQ(h_run(h), 0x400);
    CHECK_EQ(h->cpu->srr0, H_CODE + 4);
    CHECK_EQ(h->cpu->srr1 & (MSR_PR | MSR_EE | MSR_IR | MSR_DR), MSR_PR | MSR_EE | MSR_IR | MSR_DR);

    PRIVILEGED_ONLY(MTMSRD(3, 0));
    PRIVILEGED_ONLY(MTMSRD(3, 1));
}

/* mtmsr (Book III 4.4.4): L=0 sets the low word but S, ME and LE and
 * keeps the high word (SF); L=1 only EE and RI. */
static void test_mtmsr(struct harness *h)
{
    start(h, 0);
    h->msr |= MSR_ME | MSR_RI;
    R(3) = MSR_EE | MSR_FP | MSR_LE | MSR_S | MSR_HV | MSR_TM; /* SF, ME, RI = 0 */
    h_code(h, MTMSR(3, 0));
    h_code(h, MFMSR(4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(4), MSR_SF | MSR_ME | MSR_EE | MSR_FP);

    /* 32-bit mode stays 32-bit whatever RS's high word says. */
    start(h, 0);
    h->msr = MSR_ME;
    R(3) = MSR_SF | MSR_FP;
    h_code(h, MTMSR(3, 0));
    h_code(h, MFMSR(4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(4), MSR_ME | MSR_FP);

    start(h, 0);
    h->msr |= MSR_FP | MSR_RI;
    R(3) = MSR_EE | MSR_SE; /* RI=0, EE=1; SE ignored with L=1 */
    h_code(h, MTMSR(3, 1));
    h_code(h, MFMSR(4));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(4), MSR_SF | MSR_FP | MSR_EE);

    PRIVILEGED_ONLY(MTMSR(3, 0));
    PRIVILEGED_ONLY(MTMSR(3, 1));
}

/* ---- rfid, rfscv, hrfid (Book III "System Linkage Instructions") ---- */

/* Code at TARGET in byte order `le`: li r3,v; sc 1. */
static void put_target(struct harness *h, uint64_t at, int v, int le)
{
    h_put32(h, at, LI(3, v), le);
    h_put32(h, at + 4, SC1, le);
}

static void test_rfid(struct harness *h)
{
    /* Big- to little-endian: fetch switches at once; ME is not set. */
    start(h, 0);
    put_target(h, TARGET, 42, 1);
    h->cpu->srr0 = TARGET;
    h->cpu->srr1 = MSR_SF | MSR_LE | MSR_ME | MSR_RI;
    h_code(h, RFID);
    CHECK_EQ(h_run(h), TARGET + 4);
    CHECK_EQ(R(3), 42);
    CHECK_EQ(h->cpu->msr, MSR_SF | MSR_LE | MSR_RI);
    CHECK_EQ(h->cpu->cfar, H_CODE);

    /* Little- to big-endian. */
    start(h, 1);
    put_target(h, TARGET, 43, 0);
    h->cpu->srr0 = TARGET;
    h->cpu->srr1 = MSR_SF;
    h_code(h, RFID);
    CHECK_EQ(h_run(h), TARGET + 4);
    CHECK_EQ(R(3), 43);
    CHECK_EQ(h->cpu->msr, MSR_SF);

    /* To 32-bit mode: the address is truncated and its low bits cleared. */
    start(h, 0);
    put_target(h, TARGET, 44, 0);
    h->cpu->srr0 = 0xffffffff00000000ull | TARGET | 3;
    h->cpu->srr1 = 0;
    h_code(h, RFID);
    CHECK_EQ(h_run(h), TARGET + 4);
    CHECK_EQ(R(3), 44);
    CHECK_EQ(h->cpu->msr, 0);

    /* HV and S cannot be set, ME not changed, from SRR1. */
    start(h, 0);
    put_target(h, TARGET, 45, 0);
    h->msr |= MSR_ME;
    h->cpu->srr0 = TARGET;
    h->cpu->srr1 = MSR_SF | MSR_HV | MSR_S | MSR_FP;
    h_code(h, RFID);
    CHECK_EQ(h_run(h), TARGET + 4);
    CHECK_EQ(R(3), 45);
    CHECK_EQ(h->cpu->msr, MSR_SF | MSR_ME | MSR_FP);

    /* To problem state: PR forces EE, IR, DR; with nothing mapped the
     * fetch at SRR0 is an ISI taken from problem state. */
    start(h, 0);
    h->cpu->lpcr |= LPCR_HR;
    h->cpu->srr0 = TARGET;
    h->cpu->srr1 = MSR_SF | MSR_PR;
    h_code(h, RFID);
    CHECK_EQ(h_run(h), 0x400);
    CHECK_EQ(h->cpu->srr0, TARGET);
    CHECK_EQ(h->cpu->srr1 & (MSR_PR | MSR_EE | MSR_IR | MSR_DR), MSR_PR | MSR_EE | MSR_IR | MSR_DR);

    PRIVILEGED_ONLY(RFID);
}

/* rfscv: to LR with MSR from CTR; LR and CTR keep their values. */
static void test_rfscv(struct harness *h)
{
    start(h, 0);
    put_target(h, TARGET, 46, 1);
    h->cpu->lr = TARGET | 2;
    h->cpu->ctr = MSR_SF | MSR_LE | MSR_HV;
    h_code(h, RFSCV);
    CHECK_EQ(h_run(h), TARGET + 4);
    CHECK_EQ(R(3), 46);
    CHECK_EQ(h->cpu->msr, MSR_SF | MSR_LE);
    CHECK_EQ(h->cpu->lr, TARGET | 2);
    CHECK_EQ(h->cpu->ctr, MSR_SF | MSR_LE | MSR_HV);
    CHECK_EQ(h->cpu->cfar, H_CODE);

    PRIVILEGED_ONLY(RFSCV);
}

/* hrfid is the hypervisor's: illegal for a guest, privileged for a user. */
static void test_hrfid(struct harness *h)
{
    start(h, 0);
    h->cpu->srr0 = TARGET;
    h_code(h, HRFID);
    CHECK_ILLEGAL(h_run(h), H_CODE);
    PRIVILEGED_ONLY(HRFID);
}

/*
 * Linux's FIXUP_ENDIAN (arch/powerpc/include/asm/ppc_asm.h; spec/cpu.md
 * §4.1) entered big-endian: the little-endian "tdi 0,0,0x48" reads as
 * "b .+8" into a byte-swapped trampoline that flips MSR[LE] with rfid;
 * entered little-endian it is a no-op trap and a branch over it.
 */
static void test_fixup_endian(struct harness *h)
{
    static const uint32_t seq[12] = {
        0x08000048,             /* tdi 0,0,0x48 */
        0x4800002c,             /* b 191f */
        0xa600607d, 0x01006b69, /* mfmsr r11; xori r11,r11,1 */
        0x00004039, 0x6401417d, /* li r10,0; mtmsrd r10,1 */
        0x05009f42, 0xa602487d, /* bcl 20,31,$+4; mflr r10 */
        0x14004a39, 0xa6035a7d, /* addi r10,r10,20; mtsrr0 r10 */
        0xa6037b7d, 0x2400004c, /* mtsrr1 r11; rfid */
    };

    for (int le = 0; le < 2; le++) {
        start(h, le);
        h->msr |= MSR_EE | MSR_RI;
        for (unsigned i = 0; i < 12; i++)
            h_put32(h, H_CODE + 4 * i, seq[i], 1); /* an LE kernel's words */
        put_target(h, H_CODE + 0x30, 47, 1);       /* 191: */
        h->n = 14;
        CHECK_EQ(h_run(h), H_CODE + 0x34);
        CHECK_EQ(R(3), 47);
        CHECK_EQ(h->cpu->msr, MSR_SF | MSR_LE | MSR_EE | MSR_RI);
        if (!le)
            CHECK_EQ(h->cpu->srr1, MSR_SF | MSR_LE | MSR_EE | MSR_RI);
    }
}

/* ---- mfspr / mtspr (Book III ch. 5; spec/cpu.md §2.5) ---- */

static void test_spr_storage(struct harness *h)
{
    static const struct {
        unsigned wspr, rspr;
        uint64_t w, r;
    } c[] = {
        {1, 1, ~0ull, 0xe00c007f}, /* XER: SO OV CA OV32 CA32 and the byte count */
        {8, 8, 0x123456789abcdef0, 0x123456789abcdef0},     /* LR */
        {9, 9, 0x0fedcba987654321, 0x0fedcba987654321},     /* CTR */
        {17, 17, 0x1f, 0x1f},                               /* DSCR */
        {3, 17, 0x15, 0x15},                                /* DSCR via its user alias */
        {18, 18, 0x1234567842000000, 0x42000000},           /* DSISR: 32 bits */
        {19, 19, 0xc000000000001234, 0xc000000000001234},   /* DAR */
        {26, 26, 0xc000000000005678, 0xc000000000005678},   /* SRR0 */
        {27, 27, 0x8000000000001033, 0x8000000000001033},   /* SRR1 */
        {28, 28, 0x1230, 0x1230},                           /* CFAR */
        {29, 29, 0xc000000000000000, 0xc000000000000000},   /* AMR */
        {13, 29, 0x3000000000000000, 0x3000000000000000},   /* AMR via 13, supervisor */
        {48, 48, 0xfff12345, 0x12345},                      /* PIDR: 20 bits */
        {61, 61, 0x4000000000000000, 0x4000000000000000},   /* IAMR */
        {152, 136, 0xffffffff, 1},                          /* CTRL: RUN only */
        {144, 144, 0x77, 0x77},                             /* TIDR */
        {153, 153, 0x1180, 0x1180},                         /* FSCR */
        {157, 157, 0xf0f0f0f0f0f0f0f0, 0xf0f0f0f0f0f0f0f0}, /* UAMOR */
        {159, 159, 0x100000005, 5},                         /* PSPB: 32 bits */
        {256, 256, 0x1ffffffff, 0xffffffff},                /* VRSAVE: 32 bits */
        {272, 272, 0x1111, 0x1111},                         /* SPRG0 */
        {273, 273, 0x2222, 0x2222},                         /* SPRG1 */
        {274, 274, 0x3333, 0x3333},                         /* SPRG2 */
        {275, 259, 0x4444, 0x4444},                         /* SPRG3 read as USPRG3 */
        {795, 779, 0x80000000, 0x80000000},                 /* MMCR0, UMMCR0 */
        {787, 771, 0x1234, 0x1234},                         /* PMC1, UPMC1 */
        {784, 768, 0x55, 0x55},                             /* SIER, USIER */
        {798, 782, 0x66, 0x66},                             /* MMCR1, UMMCR1 */
        {804, 804, 0x10000003, 0x10000000},                 /* EBBHR: word aligned */
        {805, 805, 0x20000002, 0x20000000},                 /* EBBRR */
        {806, 806, 0x8000000100000001, 0x8000000100000001}, /* BESCR */
        {815, 815, 0x1003, 0x1000},                         /* TAR: word aligned */
        {896, 896, 0x000c000000000000, 0x000c000000000000}, /* PPR */
    };

    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        uint64_t got;
        start(h, 0);
        R(3) = c[i].w;
        R(4) = JUNK;
        h_code(h, MTSPR(c[i].wspr, 3));
        h_code(h, MFSPR(4, c[i].rspr));
        got = h_run(h);
        if (got != H_END(h) || R(4) != c[i].r)
            fprintf(stderr, "  SPR %u -> %u\n", c[i].wspr, c[i].rspr);
        CHECK_EQ(got, H_END(h));
        CHECK_EQ(R(4), c[i].r);
    }

    /* XER fields land in the split state. */
    start(h, 0);
    R(3) = 0xa0040005; /* SO, CA, CA32, count 5 */
    h_code(h, MTSPR(1, 3));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(h->cpu->so, 1);
    CHECK_EQ(h->cpu->ov, 0);
    CHECK_EQ(h->cpu->ca, 1);
    CHECK_EQ(h->cpu->ov32, 0);
    CHECK_EQ(h->cpu->ca32, 1);
    CHECK_EQ(h->cpu->xer_bc, 5);

    /* BESCR set/reset views (Book II "Event-Based Branch Facility"): S/R change the bits given, the
     * U forms the high word; reading them gives BESCR or its high word. */
    start(h, 0);
    R(3) = 0x00000000000000f0;
    R(5) = 0x0000000000000030;
    R(6) = 0x5;
    R(7) = 0x1;
    h_code(h, MTSPR(806, 0)); /* BESCR = r0 = 0 */
    h_code(h, MTSPR(800, 3)); /* BESCRS: low |= 0xf0 */
    h_code(h, MTSPR(802, 5)); /* BESCRR: low &= ~0x30 */
    h_code(h, MTSPR(801, 6)); /* BESCRSU: high |= 5 */
    h_code(h, MTSPR(803, 7)); /* BESCRRU: high &= ~1 */
    h_code(h, MFSPR(8, 806));
    h_code(h, MFSPR(9, 801));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(8), 0x00000004000000c0);
    CHECK_EQ(R(9), 4);

    /* Read-only identification and time registers. */
    start(h, 0);
    h_code(h, MFSPR(3, 287));  /* PVR */
    h_code(h, MFSPR(4, 1023)); /* PIR */
    h_code(h, MFSPR(5, 268));  /* TB */
    h_code(h, MFSPR(6, 309));  /* PURR */
    h_code(h, MFSPR(7, 308));  /* SPURR */
    h_code(h, MFSPR(8, 849));  /* VTB */
    h_code(h, MFSPR(9, 268));  /* TB */
    h_code(h, MFSPR(10, 269)); /* TBU */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(3), 0x004e1202);
    CHECK_EQ(R(4), 0);
    CHECK(R(5) != 0);
    CHECK(R(6) >= R(5) && R(7) >= R(6) && R(8) >= R(7) && R(9) >= R(8));
    CHECK(R(10) == R(9) >> 32 || R(10) == (R(9) >> 32) + 1);
}

/* DEC: 56 bits with LPCR[LD] (sign bit 55), 32 with LD=0 (spec/cpu.md §2.7). */
static void test_dec(struct harness *h)
{
    start(h, 0);
    R(3) = 0x40000000;
    R(5) = 0x00ffffffffffffffull; /* -1 in 56 bits */
    h_code(h, MTSPR(22, 3));
    h_code(h, MFSPR(4, 22));
    h_code(h, MTSPR(22, 5));
    h_code(h, MFSPR(6, 22));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK(R(4) <= 0x40000000 && R(4) > 0x40000000 - 512000000ull);
    CHECK((int64_t)R(6) < 0 && (int64_t)R(6) > -512000000);

    start(h, 0);
    h->cpu->lpcr &= ~LPCR_LD;
    R(3) = 0x1ffffffff; /* -1 in 32 bits; the high word is ignored */
    h_code(h, MTSPR(22, 3));
    h_code(h, MFSPR(4, 22));
    CHECK_EQ(h_run(h), H_END(h));
    /* Without LPCR[LD] mfdec gives the 32-bit value, upper half zero. */
    CHECK(R(4) <= 0xffffffffull && R(4) > 0xffffffffull - 512000000ull);
}

/* Access rules (Book III 4.4.4 undefined SPRs, privileged numbers,
 * hypervisor SPRs). */
static void test_spr_rules(struct harness *h)
{
    /* Supervisor: undefined numbers are no-ops (RT kept), except 0 and, for
     * mfspr, 4-6; 808-811 are architected no-ops. */
    start(h, 0);
    R(3) = 1;
    R(4) = JUNK;
    R(5) = JUNK;
    R(6) = JUNK;
    h_code(h, MTSPR(882, 3)); /* TRIG2 (spec/cpu.md §1.4) */
    h_code(h, MFSPR(4, 882));
    h_code(h, MTSPR(5, 3));
    h_code(h, MFSPR(5, 808));
    h_code(h, MTSPR(100, 3));
    h_code(h, MFSPR(6, 152));  /* CTRL's write-only number */
    h_code(h, MTSPR(287, 3));  /* PVR is read-only */
    h_code(h, MTSPR(1023, 3)); /* PIR too */
    h_code(h, MTSPR(268, 3));  /* and TB's read number */
    h_code(h, MFSPR(7, 284));  /* TBL's write number read */
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(4), JUNK);
    CHECK_EQ(R(5), JUNK);
    CHECK_EQ(R(6), JUNK);
    CHECK_EQ(h->cpu->pvr, 0x004e1202);
    CHECK_EQ(h->cpu->pir, 0);

    {
        /* Illegal in supervisor state: SPR 0, mfspr 4-6, hypervisor SPRs,
         * hypervisor-written time registers. */
        static const uint32_t ill[] = {
            MTSPR(0, 3),   MFSPR(3, 0),   MFSPR(3, 4),   MFSPR(3, 6),   MFSPR(3, 318),
            MTSPR(318, 3), MTSPR(314, 3), MFSPR(3, 304), MTSPR(464, 3), MTSPR(349, 3),
            MTSPR(180, 3), MTSPR(284, 3), MTSPR(285, 3), MTSPR(309, 3), MTSPR(849, 3),
        };
        for (size_t i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
            start(h, 0);
            R(3) = JUNK;
            h_code(h, ill[i]);
            CHECK_ILLEGAL(h_run(h), H_CODE);
            CHECK_EQ(R(3), JUNK);
            CHECK_EQ(h->cpu->lpcr, LPCR_LD);
        }
    }
    {
        /* Problem state: numbers with 0x10 set are privileged, defined or
         * not, hypervisor or not. */
        static const uint32_t priv[] = {
            MFSPR(3, 26),  MTSPR(26, 3),   MFSPR(3, 287), MTSPR(272, 3), MFSPR(3, 18),
            MFSPR(3, 22),  MTSPR(882, 3),  MFSPR(3, 318), MTSPR(48, 3),  MFSPR(3, 29),
            MTSPR(153, 3), MFSPR(3, 1023), MFSPR(3, 795), MTSPR(17, 3),
        };
        for (size_t i = 0; i < sizeof(priv) / sizeof(priv[0]); i++)
            PRIVILEGED_ONLY(priv[i]);
    }
    {
        /* Problem state, undefined non-privileged numbers and writes to
         * the read-only user numbers: illegal. */
        static const uint32_t ill[] = {MTSPR(100, 3), MFSPR(3, 100), MFSPR(3, 0),
                                       MTSPR(268, 3), MTSPR(259, 3), MTSPR(136, 3)};
        for (size_t i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
            start(h, 0);
            h_code(h, ill[i]);
            CHECK_ILLEGAL(run_user(h), H_CODE);
        }
    }

    /* Problem state may use the user SPRs (and the no-op 808). */
    start(h, 0);
    h->cpu->sprg[3] = 0x3333;
    h->cpu->ctrl = 1;
    R(3) = 0x77;
    R(10) = JUNK;
    h_code(h, MTSPR(8, 3));
    h_code(h, MFSPR(4, 8));
    h_code(h, MTSPR(9, 3));
    h_code(h, MFSPR(5, 9));
    h_code(h, MFSPR(6, 259));
    h_code(h, MFSPR(7, 136));
    h_code(h, MFSPR(8, 268));
    h_code(h, MTSPR(3, 3));
    h_code(h, MFSPR(9, 3));
    h_code(h, MFSPR(10, 808));
    h_code(h, MTSPR(815, 3));
    h_code(h, MFSPR(11, 256));
    CHECK_USER_CLEAN(h);
    CHECK_EQ(R(4), 0x77);
    CHECK_EQ(R(5), 0x77);
    CHECK_EQ(R(6), 0x3333);
    CHECK_EQ(R(7), 1);
    CHECK(R(8) != 0);
    CHECK_EQ(R(9), 0x77);
    CHECK_EQ(R(10), JUNK);
    CHECK_EQ(h->cpu->tar, 0x74);

    /* AMR through SPR 13 in problem state: only the UAMOR bits change
     * (Book III "Authority Mask Register"). */
    start(h, 0);
    h->cpu->amr = 0x1111111111111111;
    h->cpu->uamor = 0xf0f0f0f0f0f0f0f0;
    R(3) = ~0ull;
    h_code(h, MTSPR(13, 3));
    h_code(h, MFSPR(4, 13));
    CHECK_USER_CLEAN(h);
    CHECK_EQ(R(4), 0xf1f1f1f1f1f1f1f1);
}

/* mftb (Book II "Time Base Instructions"): 268 = TB, 269 = TBU, anything else invalid. */
static void test_mftb(struct harness *h)
{
    start(h, 0);
    h_code(h, MFSPR(3, 268));
    h_code(h, MFTB(4, 268));
    h_code(h, MFTB(5, 269));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK(R(4) >= R(3) && R(3) != 0);
    CHECK(R(5) == R(4) >> 32 || R(5) == (R(4) >> 32) + 1);

    /* In 32-bit mode the whole 64-bit timebase. */
    start(h, 0);
    h->msr = 0;
    h->cpu->tb_offset = (int64_t)0x1234567800000000ull;
    h_code(h, MFTB(4, 268));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK(R(4) >= 0x1234567800000000ull);

    start(h, 0);
    h_code(h, MFTB(3, 1));
    CHECK_ILLEGAL(h_run(h), H_CODE);

    start(h, 0);
    h_code(h, MFTB(4, 268));
    CHECK_USER_CLEAN(h);
    CHECK(R(4) != 0);
}

/* ---- barriers and wait: no architected state changes (Book II "Memory Barrier Instructions") ----
 */
static void test_barriers(struct harness *h)
{
    static const uint32_t b[] = {
        SYNC(0),
        SYNC(1),
        SYNC(2),
        0x7c0006ac /* eieio */,
        0x7e0006ac /* eieio + bit 6 */,
        0x7c00003c /* wait */,
        0x4c00012c /* isync */,
    };

    for (int user = 0; user < 2; user++) {
        start(h, 0);
        for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
            h_code(h, b[i]);
        h_code(h, LI(3, 9));
        if (user) {
            CHECK_USER_CLEAN(h);
        } else {
            CHECK_EQ(h_run(h), H_END(h));
        }
        CHECK_EQ(R(3), 9);
    }
}

/* ---- TLB management (spec/cpu.md §3.1.6): drops soft-TLB entries ---- */

#define IS_PID (1ull << 10) /* RB IS=1: by PID */
#define AP_64K (5ull << 5)

/* Loads from H_DATA and the page after it, then runs `insn` with r4 =
 * rb, r5 = PID 1 << 32; returns the run's end. */
static uint64_t run_inval(struct harness *h, uint64_t lpcr, uint32_t insn, uint64_t rb)
{
    start(h, 0);
    h->cpu->lpcr |= lpcr;
    R(4) = rb;
    R(5) = 1ull << 32;
    R(6) = H_DATA;
    h_code(h, enc_d(34, 3, 6, 0));      /* lbz r3,0(r6) */
    h_code(h, enc_d(34, 3, 6, 0x1000)); /* lbz r3,0x1000(r6) */
    h_code(h, insn);
    h_code(h, 0x7c00046c); /* tlbsync */
    h_code(h, SYNC(2));    /* ptesync */
    return h_run(h);
}

static void test_tlb(struct harness *h)
{
    const struct tlb_entry *e = &h->cpu->tlb_read[(H_DATA >> 12) & (TLB_SIZE - 1)];
    const struct tlb_entry *e2 = &h->cpu->tlb_read[((H_DATA >> 12) + 1) & (TLB_SIZE - 1)];
    const uint64_t radix = LPCR_HR | LPCR_UPRT | LPCR_GTSE;

    /* By address, 4K (AP 0): that page only, globally or locally. */
    CHECK_EQ(run_inval(h, radix, TLBIE(5, 4, 0, 1, 1), H_DATA), H_END(h));
    CHECK_EQ(e->tag, TLB_INVALID);
    CHECK_EQ(e2->tag, H_DATA + 0x1000);
    CHECK_EQ(run_inval(h, radix, TLBIEL(5, 4, 0, 1, 1), H_DATA + 0x1000), H_END(h));
    CHECK_EQ(e->tag, H_DATA);
    CHECK_EQ(e2->tag, TLB_INVALID);
    /* A 64K page covers both; the EA's quadrant bits do not matter. */
    CHECK_EQ(run_inval(h, radix, TLBIEL(5, 4, 0, 1, 1), 0xc000000000000000ull | H_DATA | AP_64K),
             H_END(h));
    CHECK_EQ(e->tag, TLB_INVALID);
    CHECK_EQ(e2->tag, TLB_INVALID);
    /* By PID with RIC 0, 1 (page-walk cache) or 2 (all): everything. */
    for (unsigned ric = 0; ric < 3; ric++) {
        CHECK_EQ(run_inval(h, radix, TLBIE(5, 4, ric, 1, 1), IS_PID), H_END(h));
        CHECK_EQ(e->tag, TLB_INVALID);
        CHECK_EQ(e2->tag, TLB_INVALID);
        PRIVILEGED_ONLY(TLBIE(5, 4, ric, 1, 1));
    }
    /* Hash form (R=0) in a hash partition with GTSE: everything. */
    CHECK_EQ(run_inval(h, LPCR_GTSE, TLBIE(0, 4, 0, 0, 0), H_DATA), H_END(h));
    CHECK_EQ(e->tag, TLB_INVALID);
    CHECK_EQ(e2->tag, TLB_INVALID);
    /* tlbiel needs no GTSE. */
    CHECK_EQ(run_inval(h, 0, TLBIEL(0, 4, 0, 0, 0), H_DATA), H_END(h));
    CHECK_EQ(e->tag, TLB_INVALID);
    PRIVILEGED_ONLY(TLBIEL(0, 4, 0, 0, 0));
    PRIVILEGED_ONLY(0x7c00046c); /* tlbsync */

    /* Hypervisor-privileged: tlbie without GTSE, partition scope (PRS=0)
     * in a radix partition.  The translations survive. */
    CHECK_PRIV(run_inval(h, LPCR_HR | LPCR_UPRT, TLBIE(5, 4, 0, 1, 1), H_DATA), H_CODE + 8);
    CHECK_EQ(e->tag, H_DATA);
    CHECK_PRIV(run_inval(h, radix, TLBIEL(5, 4, 0, 0, 1), H_DATA), H_CODE + 8);
    CHECK_EQ(e->tag, H_DATA);

    /* Invalid forms: RIC=3, RIC 1 or 2 by address, by PID with PRS=0, an
     * AP that is no radix page size. */
    CHECK_ILLEGAL(run_inval(h, radix, TLBIE(5, 4, 3, 1, 1), IS_PID), H_CODE + 8);
    CHECK_ILLEGAL(run_inval(h, radix, TLBIE(5, 4, 2, 1, 1), H_DATA), H_CODE + 8);
    CHECK_ILLEGAL(run_inval(h, radix, TLBIEL(5, 4, 1, 1, 1), H_DATA), H_CODE + 8);
    CHECK_ILLEGAL(run_inval(h, LPCR_GTSE, TLBIE(5, 4, 0, 0, 0), IS_PID), H_CODE + 8);
    CHECK_ILLEGAL(run_inval(h, radix, TLBIE(5, 4, 0, 1, 1), H_DATA | (3ull << 5)), H_CODE + 8);
    CHECK_EQ(e->tag, H_DATA);
}

/* ---- SLB management (spec/cpu.md §3.2) ---- */

#define ESID_V 0x08000000ull

static void test_slb(struct harness *h)
{
    /* slbmte / slbmfee / slbmfev / slbfee., 256M and 1T segments. */
    start(h, 0);
    R(3) = 0x0000001234567000ull | 0x400 | 0x80;   /* VSID, Kp, C; 4K */
    R(4) = 0xc000000000000000ull | ESID_V | 5;     /* ESID, V, index 5 */
    R(13) = 0x4000000abcde0000ull | 0x800 | 0x110; /* 1T, Ks, 64K pages */
    R(14) = 0x0000010000000000ull | ESID_V | 6;    /* 1T ESID 1, index 6 */
    R(6) = 5;
    R(9) = 0xc000000001234567ull;
    R(11) = 0xd000000000000000ull;
    R(15) = 0x000001ffffffffffull;
    R(16) = 0x0000020000000000ull;
    h_code(h, SLBMTE(3, 4));
    h_code(h, SLBMTE(13, 14));
    h_code(h, SLBMFEE(5, 6));
    h_code(h, SLBMFEV(7, 6));
    h_code(h, SLBFEE(8, 9));
    h_code(h, enc_x(31, 20, 0, 0, 19, 0)); /* mfcr r20 */
    h_code(h, SLBFEE(10, 11));
    h_code(h, enc_x(31, 21, 0, 0, 19, 0)); /* mfcr r21 */
    h_code(h, SLBFEE(17, 15));
    h_code(h, SLBFEE(18, 16));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(5), 0xc000000000000000ull | ESID_V);
    CHECK_EQ(R(7), R(3));
    CHECK_EQ(R(8), R(3));
    CHECK_EQ(R(20) >> 28, 0x2);
    CHECK_EQ(R(10), 0);
    CHECK_EQ(R(21) >> 28, 0x0);
    CHECK_EQ(R(17), R(13));
    CHECK_EQ(R(18), 0);
    CHECK_EQ(h->cpu->cr[0], 0x0);

    /* slbie drops the matching entry (and the soft TLB). */
    start(h, 0);
    R(3) = 0x1234567000ull;
    R(4) = 0xc000000000000000ull | ESID_V | 5;
    R(6) = 5;
    R(9) = 0xc000000001234567ull;
    R(10) = H_DATA;
    h_code(h, SLBMTE(3, 4));
    h_code(h, enc_d(34, 11, 10, 0)); /* lbz r11,0(r10) */
    h_code(h, SLBIE(9));
    h_code(h, SLBMFEE(5, 6));
    h_code(h, SLBFEE(8, 9));
    CHECK_EQ(h_run(h), H_END(h));
    CHECK_EQ(R(5), 0xc000000000000000ull);
    CHECK_EQ(R(8), 0);
    CHECK_EQ(h->cpu->cr[0], 0x0);
    CHECK_EQ(h->cpu->tlb_read[(H_DATA >> 12) & (TLB_SIZE - 1)].tag, TLB_INVALID);

    /* slbia IH: 0 keeps entry 0; 3 drops class-1 entries incl. entry 0;
     * 4 drops all; 7 none.  Entries 0..2: ESIDs 0,1,2; entry 1 has C. */
    {
        static const struct {
            unsigned ih;
            unsigned valid; /* bit i: entry i still valid */
        } c[] = {{0, 1}, {3, 5}, {4, 0}, {7, 7}, {6, 1}};
        for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
            start(h, 0);
            for (unsigned n = 0; n < 3; n++) {
                R(10 + n) = 0x100000ull * (n + 1) | (n == 1 ? 0x80 : 0);
                R(20 + n) = ((uint64_t)n << 28) | ESID_V | n;
                h_code(h, SLBMTE(10 + n, 20 + n));
            }
            h_code(h, SLBIA(c[i].ih));
            CHECK_EQ(h_run(h), H_END(h));
            for (unsigned n = 0; n < 3; n++)
                CHECK_EQ(!!(h->cpu->slb[n].esid & ESID_V), (c[i].valid >> n) & 1);
        }
    }

    /* Invalid forms: index beyond 31, reserved ESID bits, segment size
     * 0b10, an unsupported page size; slbmfee/v beyond 31. */
    {
        static const struct {
            uint64_t rs, rb;
            uint32_t insn;
        } bad[] = {
            {0, ESID_V | 32, SLBMTE(3, 4)},
            {0, ESID_V | 0x1000 | 1, SLBMTE(3, 4)},
            {0x8000000000000000ull, ESID_V | 1, SLBMTE(3, 4)},
            {0x010, ESID_V | 1, SLBMTE(3, 4)},
            {0, 32, SLBMFEE(3, 4)},
            {0, 40, SLBMFEV(3, 4)},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            start(h, 0);
            R(3) = bad[i].rs;
            R(4) = bad[i].rb;
            h_code(h, bad[i].insn);
            CHECK_ILLEGAL(h_run(h), H_CODE);
            CHECK_EQ(h->cpu->slb[1].esid, 0);
        }
    }

    PRIVILEGED_ONLY(SLBMTE(3, 4));
    PRIVILEGED_ONLY(SLBMFEE(3, 4));
    PRIVILEGED_ONLY(SLBMFEV(3, 4));
    PRIVILEGED_ONLY(SLBFEE(3, 4));
    PRIVILEGED_ONLY(SLBIE(4));
    PRIVILEGED_ONLY(SLBIA(0));
    PRIVILEGED_ONLY(enc_x(31, 0, 0, 0, 338, 0)); /* slbsync */
}

/* Directed privileged doorbells are not offered (one thread per core). */
static void test_doorbells(struct harness *h)
{
    start(h, 0);
    h_code(h, enc_x(31, 0, 0, 4, 142, 0)); /* msgsndp r4 */
    CHECK_ILLEGAL(h_run(h), H_CODE);
    start(h, 0);
    h_code(h, enc_x(31, 0, 0, 4, 174, 0)); /* msgclrp r4 */
    CHECK_ILLEGAL(h_run(h), H_CODE);
    PRIVILEGED_ONLY(enc_x(31, 0, 0, 4, 142, 0));
    PRIVILEGED_ONLY(enc_x(31, 0, 0, 4, 174, 0));
}

int main(void)
{
    struct harness hh, *h = &hh;

    h_init(h);
    test_mfmsr(h);
    test_mtmsrd(h);
    test_mtmsr(h);
    test_rfid(h);
    test_rfscv(h);
    test_hrfid(h);
    test_fixup_endian(h);
    test_spr_storage(h);
    test_dec(h);
    test_spr_rules(h);
    test_mftb(h);
    test_barriers(h);
    test_tlb(h);
    test_slb(h);
    test_doorbells(h);
    h_fini(h);
    return check_summary("insn_sys");
}
