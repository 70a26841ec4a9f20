/*
 * Shared by the MMU payloads (mmu-radix.c, mmu-hash.c): the per-vCPU
 * block the vectors use (mmu-start.S), the interrupt frame, the snippets
 * that run with translation on (mmu-snippets.S), and the C helpers
 * (mmu-lib.c): console, failure, hcalls, and running code in another
 * mode while recording the interrupt that ends it.
 */
#ifndef MMU_LIB_H
#define MMU_LIB_H

/* struct percpu, as the assembler sees it. */
#define PC_ESTACK  0
#define PC_TOC     8
#define PC_SCRATCH 16
#define PC_IN_CALL 24
#define PC_RESUME  32 /* r1, r2, r14..r31, LR, CR */

/* struct frame, FRAME_AT bytes above the exception stack pointer. */
#define FRAME_AT   32
#define F_LR       (8 * 32)
#define F_CTR      (8 * 33)
#define F_CR       (8 * 34)
#define F_XER      (8 * 35)
#define F_SRR0     (8 * 36)
#define F_SRR1     (8 * 37)
#define F_DAR      (8 * 38)
#define F_DSISR    (8 * 39)
#define FRAME_SIZE (8 * 40)

#ifndef __ASSEMBLER__
#include <stdint.h>

#include <petrel/layout.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#define MSR_SF 0x8000000000000000ull
#define MSR_EE 0x8000ull
#define MSR_PR 0x4000ull
#define MSR_ME 0x1000ull
#define MSR_IR 0x20ull
#define MSR_DR 0x10ull

/* Interrupt causes (Power ISA Book III 7.5). */
#define DSISR_NOPTE     0x40000000ull
#define DSISR_PROT      0x08000000ull
#define DSISR_STORE     0x02000000ull
#define DSISR_KEY       0x00200000ull
#define DSISR_BADCONFIG 0x00080000ull
#define SRR1_ISI_NOPTE  0x40000000ull
#define SRR1_ISI_NOEXEC 0x10000000ull
#define SRR1_ISI_PROT   0x08000000ull
#define SRR1_ISI_KEY    0x00200000ull
#define SRR1_PRIV       0x00040000ull
#define SRR1_ILLEGAL    0x00080000ull

/* Set in DAR and DSISR before each run: interrupts that must leave them
 * alone are seen to. */
#define DAR_SENTINEL   0x0badda7a0badda7aull
#define DSISR_SENTINEL 0x5a5a5a5aull
#define NO_CHECK       (~0ull)
/* What run() returns when an interrupt other than sc 0 ended the code. */
#define FAULTED 0xfa17edfa17edfa17ull

struct frame {
    uint64_t gpr[32], lr, ctr, cr, xer, srr0, srr1, dar, dsisr;
};

struct percpu {
    uint64_t estack, toc, scratch, in_call, resume[22];
    /* The C side. */
    unsigned index, depth;
    /* The interrupt that ended the last run: vector 0 = none. */
    unsigned vec;
    uint64_t srr0, srr1, dar, dsisr;
    /* r3..r6 at the sc 0 that ended it. */
    uint64_t ret[4];
    /* Called first for a fault; true = resume the interrupted code. */
    int (*fixup)(struct percpu *pc, unsigned vec, struct frame *f);
    unsigned fixups;
};

extern const char payload_name[];

struct percpu *this_cpu(void);
/* hcall op with r4.. = the arguments; r4..r11 come back in out. */
long hcall_n(unsigned long op, const unsigned long in[8], unsigned long out[8]);
#define HC(op, ...)       hcall_n(op, (const unsigned long[8]){__VA_ARGS__}, 0)
#define HCO(out, op, ...) hcall_n(op, (const unsigned long[8]){__VA_ARGS__}, out)

void puts_(const char *s);
void put_hex(uint64_t v);
void __attribute__((noreturn)) fail(unsigned n, const char *what, uint64_t got, uint64_t want);
void __attribute__((noreturn)) pass(void);
#define CHECK(n, what, got, want)                                                                  \
    do {                                                                                           \
        uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                                      \
        if (g_ != w_)                                                                              \
            fail(n, what, g_, w_);                                                                 \
    } while (0)

/* Runs the code at ea with MSR = msr (DEC, DAR, DSISR set first);
 * returns its r3 at sc 0, or FAULTED with the interrupt in this_cpu(). */
uint64_t run4(uint64_t ea, uint64_t msr, uint64_t a, uint64_t b, uint64_t c, uint64_t d);
#define run(ea, msr, a, b, c) run4(ea, msr, a, b, c, 0)
/* The MSR an interrupt from code run with msr saves in SRR1 (before the
 * cause bits): problem state forces EE, IR and DR; ME stays as it is. */
uint64_t msr_seen(uint64_t msr);
/* Check n: the last run ended with this interrupt; NO_CHECK skips DAR or
 * DSISR. */
void expect_fault(unsigned n, uint64_t ret, unsigned vec, uint64_t srr0, uint64_t srr1,
                  uint64_t dar, uint64_t dsisr);

/* Physical (real) address of a snippet and its address once the snippet
 * page is mapped at `base`. */
extern char snip_start[], snip_end[];
#define SNIP_VA(base, s) ((uint64_t)(base) + (uint64_t)((s)-snip_start))
extern char s_load[], s_store[], s_jump[], s_mfmsr[], s_mfsprg0[], s_tlbie[], s_tlbiel[];
extern char s_tlbiel_prs0[], s_tlbie_ric3[], s_watch[], s_smc[], s_stale[], s_dcbz[], s_pidr[];
extern char secondary_start[];

/* The mailbox of the two-vCPU tests (s_watch): vCPU 1 loads *X, stores
 * the value in `seen`, then bumps `seq`, until `stop`. */
struct mailbox {
    volatile uint64_t seq, seen, stop;
};
extern struct mailbox mbox;
/* vCPU 1's work: set by vCPU 0, run by secondary_main. */
extern volatile uint64_t cpu1_run_va, cpu1_msr, cpu1_args[3], cpu1_done, cpu1_ret;
extern void (*volatile cpu1_setup)(void);
extern struct percpu cpus[2];
/* Waits for n more rounds of vCPU 1 from now: with n >= 2, the last
 * one loaded X after the call. */
void wait_seq(uint64_t n);
void start_cpu1(unsigned n);

static inline uint64_t mfmsr(void)
{
    uint64_t v;
    __asm__ volatile("mfmsr %0" : "=r"(v));
    return v;
}
#define MFSPR(n)                                                                                   \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(n));                                      \
        v_;                                                                                        \
    })
#define MTSPR(n, v) __asm__ volatile("mtspr %0, %1" ::"i"(n), "r"((uint64_t)(v)) : "memory")
#define SPR_DSISR   18
#define SPR_DAR     19
#define SPR_DEC     22
#define SPR_AMR     29
#define SPR_PIDR    48
#define SPR_IAMR    61

static inline void ptesync(void)
{
    __asm__ volatile("ptesync" ::: "memory");
}

/* Big-endian guest memory: this payload is big-endian, so plain. */
static inline void st64(uint64_t pa, uint64_t v)
{
    *(volatile uint64_t *)pa = v;
}
static inline uint64_t ld64(uint64_t pa)
{
    return *(volatile uint64_t *)pa;
}
void zero(uint64_t pa, uint64_t len);
#endif

#endif
