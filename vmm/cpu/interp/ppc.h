/*
 * Architected state of one emulated POWER vCPU as a PAPR guest sees it
 * (MSR[HV] = 0; petrel is the hypervisor).  Facts: spec/cpu.md §2.
 *
 * CR is kept as eight 4-bit fields and XER as separate bits so that the
 * common cases (bc testing one CR bit, carrying adds) touch one byte.
 */
#ifndef PETREL_INTERP_PPC_H
#define PETREL_INTERP_PPC_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "../cpu.h"

/* MSR bits (Power ISA Book III 4.2.1; IBM bit n = 1 << (63 - n)). */
#define MSR_SF  (1ull << 63)
#define MSR_HV  (1ull << 60)
#define MSR_TS  (3ull << 33)
#define MSR_TM  (1ull << 32)
#define MSR_VEC (1ull << 25)
#define MSR_VSX (1ull << 23)
#define MSR_S   (1ull << 22)
#define MSR_EE  (1ull << 15)
#define MSR_PR  (1ull << 14)
#define MSR_FP  (1ull << 13)
#define MSR_ME  (1ull << 12)
#define MSR_FE0 (1ull << 11)
#define MSR_SE  (1ull << 10)
#define MSR_BE  (1ull << 9)
#define MSR_FE1 (1ull << 8)
#define MSR_IR  (1ull << 5)
#define MSR_DR  (1ull << 4)
#define MSR_PMM (1ull << 2)
#define MSR_RI  (1ull << 1)
#define MSR_LE  (1ull << 0)

/* Bits a PAPR guest may hold in MSR: no HV, no S, no TM (not offered). */
#define MSR_GUEST_MASK                                                                             \
    (MSR_SF | MSR_VEC | MSR_VSX | MSR_EE | MSR_PR | MSR_FP | MSR_ME | MSR_FE0 | MSR_SE | MSR_BE |  \
     MSR_FE1 | MSR_IR | MSR_DR | MSR_PMM | MSR_RI | MSR_LE)

/* SRR1 bits an interrupt replaces (IBM 33:36, 42:47). */
#define SRR1_INT_MASK 0x783f0000ull

/* Program interrupt causes in SRR1 (Book III 7.5.9). */
#define SRR1_PROG_FP      0x00100000ull
#define SRR1_PROG_ILLEGAL 0x00080000ull
#define SRR1_PROG_PRIV    0x00040000ull
#define SRR1_PROG_TRAP    0x00020000ull

/* Interrupt vectors (Book III 7.5). */
enum ppc_vector {
    VEC_SYSTEM_RESET = 0x100,
    VEC_MACHINE_CHECK = 0x200,
    VEC_DSI = 0x300,
    VEC_DSEG = 0x380,
    VEC_ISI = 0x400,
    VEC_ISEG = 0x480,
    VEC_EXTERNAL = 0x500,
    VEC_ALIGNMENT = 0x600,
    VEC_PROGRAM = 0x700,
    VEC_FP_UNAVAIL = 0x800,
    VEC_DECREMENTER = 0x900,
    VEC_SYSCALL = 0xc00,
    VEC_TRACE = 0xd00,
    VEC_VMX_UNAVAIL = 0xf20,
    VEC_VSX_UNAVAIL = 0xf40,
    VEC_FAC_UNAVAIL = 0xf60,
};

/* DSISR bits (Book III 7.5.3). */
#define DSISR_NOPTE 0x40000000u
#define DSISR_PROT  0x08000000u
#define DSISR_STORE 0x02000000u
/* DSISR bit 37: a larx/stcx. to caching-inhibited storage (Book III 7.5.3). */
#define DSISR_ATOMIC_CI 0x04000000u
/* Storage-key (AMR/IAMR) denial and an unsupported radix tree or process
 * table (spec/cpu.md §3.1.7); the same bits name ISI causes in SRR1. */
#define DSISR_KEY       0x00200000u
#define DSISR_BADCONFIG 0x00080000u
/* ISI causes in SRR1 (Book III 7.5.5): no translation, no-execute or
 * guarded, protection. */
#define SRR1_ISI_NOPTE  0x40000000ull
#define SRR1_ISI_NOEXEC 0x10000000ull
#define SRR1_ISI_PROT   0x08000000ull

/* SPR numbers petrel names (Book III ch. 5 SPR table). */
enum {
    SPR_XER = 1,
    SPR_LR = 8,
    SPR_CTR = 9,
    SPR_DSCR = 17,
    SPR_DSISR = 18,
    SPR_DAR = 19,
    SPR_DEC = 22,
    SPR_SRR0 = 26,
    SPR_SRR1 = 27,
    SPR_CFAR = 28,
    SPR_AMR = 29,
    SPR_PIDR = 48,
    SPR_IAMR = 61,
    SPR_CTRL_RD = 136,
    SPR_CTRL_WR = 152,
    SPR_FSCR = 153,
    SPR_UAMOR = 157,
    SPR_VRSAVE = 256,
    SPR_USPRG3 = 259,
    SPR_TBL_RD = 268,
    SPR_TBU_RD = 269,
    SPR_SPRG0 = 272,
    SPR_SPRG1 = 273,
    SPR_SPRG2 = 274,
    SPR_SPRG3 = 275,
    SPR_TBL_WR = 284,
    SPR_TBU_WR = 285,
    SPR_PVR = 287,
    SPR_SPURR = 308,
    SPR_PURR = 309,
    SPR_LPCR = 318,
    SPR_TAR = 815,
    SPR_PPR = 896,
    SPR_PIR = 1023,
};

#define PPC_MAX_BREAKPOINTS 32
#define PPC_MAX_WATCHPOINTS 8
#define DBG_STEP            1u /* a debugger's single step */
#define DBG_WP_SKIP         2u /* re-running the access a watchpoint stopped */
/* cpu->fault.vector of an access a watchpoint stopped: no interrupt. */
#define VEC_DEBUG_STOP 0xdeb0

#define ATT_EXIT   1u
#define ATT_IRQ    2u
#define ATT_STEP   4u
#define ATT_FLUSHW 8u  /* another vCPU made a page code: drop write-TLB entries */
#define ATT_FLUSH  16u /* translations changed elsewhere: drop every soft-TLB entry (tlbflush.c) */

/* LPCR fields the hypervisor (petrel) sets for the guest (spec/cpu.md §2.4). */
#define LPCR_ILE  (1ull << 25)
#define LPCR_AIL  (3ull << 23)
#define LPCR_UPRT (1ull << 22)
#define LPCR_HR   (1ull << 20)
#define LPCR_LD   (1ull << 17)
#define LPCR_GTSE (1ull << 10)

/* FSCR facility numbers (LSB-0 bit and interrupt cause, Book III 9.2.3). */
#define FSCR_TAR_LG 8
#define FSCR_SCV_LG 12

/* Facility an instruction petrel cannot execute yet belongs to (decode.c). */
enum ppc_facility { FAC_NONE, FAC_FP, FAC_VEC, FAC_VSX };

struct ppc_cpu;
struct code_page;

/*
 * One 128-bit vector-scalar register (Book I 7.2.1).  Stored as a host
 * little-endian 128-bit number: architectural element i (element 0 is
 * the most significant) of n is at host index n-1-i, so same-size
 * element-wise operations need no index arithmetic and a little-endian
 * quadword load is a plain copy.  VSR_D(v, 0) is doubleword 0, which for
 * VSR 0-31 is the floating-point register (Book I 7.2.1.1).
 */
union ppc_vsr {
    uint64_t d[2];
    uint32_t w[4];
    uint16_t h[8];
    uint8_t b[16];
    int64_t sd[2];
    int32_t sw[4];
    int16_t sh[8];
    int8_t sb[16];
    double f64[2];
    float f32[4];
    unsigned __int128 q;
} __attribute__((aligned(16)));
#define VSR_B(v, i)   ((v).b[15 - (i)])
#define VSR_H(v, i)   ((v).h[7 - (i)])
#define VSR_W(v, i)   ((v).w[3 - (i)])
#define VSR_D(v, i)   ((v).d[1 - (i)])
#define VSR_SB(v, i)  ((v).sb[15 - (i)])
#define VSR_SH(v, i)  ((v).sh[7 - (i)])
#define VSR_SW(v, i)  ((v).sw[3 - (i)])
#define VSR_SD(v, i)  ((v).sd[1 - (i)])
#define VSR_F32(v, i) ((v).f32[3 - (i)])
#define VSR_F64(v, i) ((v).f64[1 - (i)])
/* VSCR (Book I 6.3.1): non-Java mode and saturation. */
#define VSCR_NJ  0x00010000u
#define VSCR_SAT 0x00000001u

/* One direct-mapped soft-TLB entry: host address = addend + EA. */
struct tlb_entry {
    uint64_t tag; /* EA page, or TLB_INVALID */
    uintptr_t addend;
};
#define TLB_BITS    10
#define TLB_SIZE    (1u << TLB_BITS)
#define TLB_INVALID (~0ull)

/* The execute side remembers the decoded page instead of an addend. */
struct itlb_entry {
    uint64_t tag;
    struct code_page *page;
};

struct ppc_cpu {
    /* Hot state first: the executor keeps a pointer to this struct. */
    uint64_t gpr[32];
    uint8_t cr[8];                          /* CR0..CR7, each LT GT EQ SO = 8 4 2 1 */
    uint8_t so, ov, ca, ov32, ca32, xer_bc; /* XER split */
    uint8_t le;                             /* MSR[LE] */
    uint8_t mode32;                         /* !MSR[SF] */
    uint64_t ea_mask;                       /* ~0 in 64-bit mode, 0xffffffff in 32-bit */
    uint64_t lr, ctr;
    uint64_t nip;
    uint64_t msr;
    /*
     * Work for the executor's lookup path, set from any thread: ATT_EXIT
     * (return to the VMM), ATT_IRQ (re-evaluate asynchronous interrupts),
     * ATT_STEP (one instruction is being single-stepped).  Taken branches
     * within a page test it, so a tight loop still notices.
     */
    volatile uint32_t attention;
    /*
     * Block compiler (jit.h): a block is compiled at a slot once branches
     * have entered it jit_hot times (1: at once; 0: never).  jit_flush asks
     * lookup to empty the code cache because the code area is full.
     */
    uint8_t jit_hot;
    uint8_t jit_flush;
    uint64_t icount; /* instructions executed, with counting on (exec.c) */
    struct jit *jit;
    /*
     * Debugging (cpu.h set_breakpoint/set_single_step/set_watchpoint).  A
     * slot decoded at a breakpoint address gets the breakpoint handler;
     * nothing is compiled while any is set.  bp_resume is the breakpoint
     * the vCPU stopped at, executed once when it runs again from there.
     * Pages a watchpoint touches stay out of the soft TLBs, so the slow
     * path sees every access to them (mem.c); wp_resume is the
     * instruction a watchpoint stopped, which runs again once, stepped,
     * with watchpoints off (DBG_WP_SKIP).
     */
    uint8_t dbg; /* DBG_STEP | DBG_WP_SKIP: lookup steps one instruction */
    unsigned nbp, nwp;
    uint64_t bp[PPC_MAX_BREAKPOINTS];
    uint64_t bp_resume, wp_resume;
    struct {
        uint64_t ea, len;
        unsigned kind; /* CPU_WATCH_* */
    } wp[PPC_MAX_WATCHPOINTS];

    struct tlb_entry tlb_read[TLB_SIZE];
    struct tlb_entry tlb_write[TLB_SIZE];
    struct itlb_entry tlb_exec[TLB_SIZE];

    /* Reservation for larx/stcx. (Book II 4.4.2): the host address of the
     * reserved bytes (one per guest real address) and their contents as
     * loaded, raw memory order; lqarx keeps bytes 8..15 in resv_val2. */
    uint64_t resv_addr;
    uint64_t resv_val;
    uint64_t resv_val2;
    uint8_t resv_size; /* 0 = no reservation */

    /*
     * Floating-point and vector state (Book I 4.2, 6.3, 7.2): 64 VSRs,
     * of which FPR i is doubleword 0 of VSR i and VR i is VSR 32+i; the
     * FPSCR (fpu.h names its bits) and the VSCR.
     */
    union ppc_vsr vsr[64];
    uint64_t fpscr;
    uint32_t vscr;

    /* Supervisor SPRs. */
    uint64_t srr0, srr1, sprg[4], dar, cfar, amr, iamr, uamor, pidr, fscr, dscr, ppr, tar;
    uint64_t ctrl, vrsave, lpcr;
    uint32_t dsisr;
    uint32_t pvr, pir;
    uint64_t dec_base; /* DEC value at tb_dec_written */
    uint64_t tb_dec_written;
    int64_t tb_offset; /* guest TB = host clock ticks + offset */
    /* -icount: icount at which DEC turns negative (~0: never armed);
     * the counting executor raises ATT_IRQ there (exec.c). */
    uint64_t dec_icount_at;

    /* A fault found inside a memory access, delivered by the executor. */
    struct {
        unsigned vector;
        uint64_t srr1_bits;
        uint64_t dar;
        uint32_t dsisr;
        unsigned watch; /* VEC_DEBUG_STOP: the watchpoint kind that hit */
    } fault;

    /* Inert storage (spec/cpu.md §1.2): PMU SPRs 784-798 (SIER MMCR2 MMCRA
     * PMC1-6 . . MMCR0 SIAR SDAR MMCR1), EBB registers, TIDR, PSPB. */
    uint64_t pmu[15];
    uint64_t ebbhr, ebbrr, bescr, tidr, pspb;

    /* SLB for the hash MMU (Book III "Segment Lookaside Buffer"), as
     * slbmte wrote it: ESID|V (index cleared), and B|VSID|Ks|Kp|N|L|C|LP. */
    struct {
        uint64_t esid, vsid;
    } slb[32];

    /*
     * The partition's MMU (cpu.h set_mmu; spec/cpu.md §3), set by the VMM
     * from any thread: the registered process table (base | log2(size) -
     * 12, 0 = none) used when LPCR[HR] = 1, and the HPT in host memory
     * (big-endian HPTEs; NULL = none) with its PTEG index mask.
     */
    uint64_t proc_tbl;
    uint8_t *hpt;
    uint64_t hpt_mask;
    /*
     * Cross-vCPU invalidation (tlbflush.c): another vCPU counts a request
     * in flush_req and raises ATT_FLUSH; this one drops its soft TLBs and
     * publishes the request count it served in flush_ack.  in_exec says
     * the executor is running (else the flush happens before it next
     * runs an instruction).
     */
    uint64_t flush_req, flush_ack;
    uint8_t in_exec;

    /* Asynchronous interrupt sources: the external line (level) and the
     * decrementer's host-time deadline (dectimer in interp.c). */
    volatile uint8_t ext_level;
    uint64_t excp_count; /* interrupts delivered so far */
    /* FWNMI (cpu.h set_fwnmi): machine checks go to fwnmi_mce with r3 =
     * the save area; 0 = the architected vector. */
    uint64_t fwnmi_sreset, fwnmi_mce, fwnmi_area;

    /* Single-step (MSR[SE]/[BE] trace): a scratch page holding just the
     * stepped instruction and a stop sentinel. */
    struct code_page *step_page;
    uint16_t step_op;
    uint64_t step_excp_count;

    /* Exit bookkeeping. */
    struct cpu_exit *exit;

    struct guest_mem *mem;
    unsigned index;

    /* Decoded-instruction cache, per vCPU (codecache.c). */
    struct code_cache *cc;
    struct dec_timer *dectimer;
};

/* exec.c */
void interp_exec(struct ppc_cpu *cpu, struct cpu_exit *exit);

static inline bool ppc_is_breakpoint(const struct ppc_cpu *cpu, uint64_t ea)
{
    for (unsigned i = 0; i < cpu->nbp; i++)
        if (cpu->bp[i] == ea)
            return true;
    return false;
}
/* The handler address of each op, for the decoder to fill records with. */
extern const void *const *interp_op_handlers;
void interp_init_handlers(bool counting);

/* excp.c */
void ppc_raise_scv(struct ppc_cpu *cpu, unsigned lev, uint64_t nia);
void ppc_raise_facility(struct ppc_cpu *cpu, uint64_t nip, unsigned cause);
/* Delivers a pending external or decrementer interrupt if MSR[EE] allows;
 * returns whether it did. */
bool ppc_check_async(struct ppc_cpu *cpu);
bool ppc_async_pending(struct ppc_cpu *cpu);
void ppc_raise(struct ppc_cpu *cpu, unsigned vector, uint64_t nip, uint64_t srr1_bits);
void ppc_raise_program(struct ppc_cpu *cpu, uint64_t nip, uint64_t cause);
void ppc_deliver_fault(struct ppc_cpu *cpu, uint64_t nip);
/* -d in_asm (vmm/trace.h): logs the instruction word at ea. */
void ppc_log_insn(const struct ppc_cpu *cpu, uint64_t ea, uint32_t word);
void ppc_store_msr(struct ppc_cpu *cpu, uint64_t msr);
/* rfid/rfscv: MSR from `msr` under the return-from-interrupt rules, nip. */
void ppc_return_from_interrupt(struct ppc_cpu *cpu, uint64_t nip, uint64_t msr);

/* cr.c helpers */
uint32_t ppc_get_cr(const struct ppc_cpu *cpu);
void ppc_set_cr(struct ppc_cpu *cpu, uint32_t cr);
uint64_t ppc_get_xer(const struct ppc_cpu *cpu);
void ppc_set_xer(struct ppc_cpu *cpu, uint64_t xer);

/* spr.c: 0 ok, else program-interrupt cause bits for SRR1. */
uint64_t ppc_mfspr(struct ppc_cpu *cpu, unsigned spr, uint64_t *val);
uint64_t ppc_mtspr(struct ppc_cpu *cpu, unsigned spr, uint64_t val);
uint64_t ppc_read_tb(const struct ppc_cpu *cpu);
/* -icount shift=N: the timebase advances 2^N ticks per instruction the
 * vCPU retires (and jumps to the decrementer's expiry when it idles in
 * H_CEDE), so a run is a function of its instructions alone; -1: the
 * host's clock (512 MHz).  Set once before any vCPU runs. */
extern int tb_icount_shift;
/* exec.c's counting executor: icount reached dec_icount_at. */
void ppc_icount_dec_due(struct ppc_cpu *cpu);
int64_t ppc_dec_value(const struct ppc_cpu *cpu);
/* dectimer.c: (re)arms the decrementer alarm after DEC or LPCR[LD] changed. */
void ppc_dec_rearm(struct ppc_cpu *cpu);
struct dec_timer *dec_timer_new(struct ppc_cpu *cpu);
void dec_timer_free(struct dec_timer *t);
uint64_t dec_timer_deadline(struct dec_timer *t);
uint64_t ppc_host_ns(void);

/* mem.c */
void ppc_tlb_flush(struct ppc_cpu *cpu);
void ppc_tlb_flush_write(struct ppc_cpu *cpu);
bool ppc_load_slow(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *val);
bool ppc_store_slow(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t val);
/* Translates an instruction address; NULL + cpu->fault filled on failure. */
struct itlb_entry *ppc_itlb_fill(struct ppc_cpu *cpu, uint64_t ea);
/* larx/stcx. of 1, 2, 4 or 8 bytes and lqarx/stqcx. (hi = RTp, lo = RTp+1).
 * Loads return false, stores -1, with cpu->fault filled; stores return 1
 * when stored, 0 when the reservation was gone. */
bool ppc_larx(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *val);
int ppc_stcx(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t val);
bool ppc_lqarx(struct ppc_cpu *cpu, uint64_t ea, uint64_t *hi, uint64_t *lo);
int ppc_stqcx(struct ppc_cpu *cpu, uint64_t ea, uint64_t hi, uint64_t lo);
/* dcbz's slow path: zeroes the 128-byte block holding ea. */
bool ppc_dcbz(struct ppc_cpu *cpu, uint64_t ea);
/* Translation check of cache-block ops treated as loads (dcbst dcbf icbi). */
bool ppc_probe_load(struct ppc_cpu *cpu, uint64_t ea);
/* A fault for the executor to deliver (ppc_deliver_fault). */
static inline void ppc_set_fault(struct ppc_cpu *cpu, unsigned vector, uint64_t dar, uint32_t dsisr,
                                 uint64_t srr1_bits)
{
    cpu->fault.vector = vector;
    cpu->fault.dar = dar;
    cpu->fault.dsisr = dsisr;
    cpu->fault.srr1_bits = srr1_bits;
}

#endif
