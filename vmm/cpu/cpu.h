/*
 * The CPU backend interface (DESIGN.md "CPU backends").  A backend runs a
 * vCPU until something needs the VMM -- an hcall, a stop request, a
 * debug event -- and exposes the architected state for the VMM, the
 * monitor and the reset path.  interp/ (emulation) is the default; kvm/
 * follows the same interface.
 */
#ifndef PETREL_CPU_H
#define PETREL_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct guest_mem;
struct cpu;
struct snap_writer;
struct snap_reader;

enum cpu_exit_reason {
    CPU_EXIT_HCALL,   /* sc 1 in supervisor state: serve it, then complete */
    CPU_EXIT_STOPPED, /* cpu_kick() was called */
    CPU_EXIT_HALTED,  /* the vCPU cannot continue (checkstop) */
    CPU_EXIT_DEBUG,   /* a breakpoint or a debug single step: nip is where it stopped */
};

struct cpu_exit {
    enum cpu_exit_reason reason;
    /* CPU_EXIT_HCALL: opcode (r3) and arguments (r4..r12). */
    uint64_t hcall_nr;
    uint64_t hcall_args[9];
    /* CPU_EXIT_DEBUG: for a watchpoint, the kind that hit (CPU_WATCH_*)
     * and the effective address of the access; 0 for a breakpoint or a
     * step. */
    unsigned debug_watch;
    uint64_t debug_addr;
};

/* Watchpoint kinds, as gdb's Z2 (write), Z3 (read), Z4 (access). */
enum cpu_watch_kind { CPU_WATCH_WRITE = 1, CPU_WATCH_READ = 2, CPU_WATCH_ACCESS = 3 };

/*
 * The partition's MMU state, owned by the VMM (spec/cpu.md §3): the
 * process table H_REGISTER_PROC_TBL registered (its base | log2(bytes) -
 * 12, the partition-table entry's second doubleword without PATE1_GR; 0 =
 * none), used while LPCR[HR] = 1, and the hashed page table petrel
 * allocated (big-endian HPTEs, vmm/cpu/hpte.h; NULL = none) of 2^hpt_shift
 * bytes, used while LPCR[HR] = 0.
 */
struct cpu_mmu {
    uint64_t proc_tbl;
    uint8_t *hpt;
    unsigned hpt_shift;
};

/* The architected register set the VMM reads and writes. */
struct cpu_regs {
    uint64_t gpr[32];
    uint64_t nip, msr, lr, ctr, xer;
    uint32_t cr;
    uint64_t srr0, srr1, sprg[4], dar;
    uint32_t dsisr;
    uint32_t pvr, pir;
};

/*
 * The floating-point and vector state (Power ISA Book I 4.2, 6.3, 7.2),
 * apart from struct cpu_regs so the paths that touch only the fixed-point
 * registers (hcalls, reset) do not copy a kilobyte.  vsr[i][0] is
 * doubleword 0 of VSR i (its more significant half, which for i < 32 is
 * FPR i) and vsr[i][1] doubleword 1; VR i is VSR 32 + i.
 */
struct cpu_fp_regs {
    uint64_t vsr[64][2];
    uint64_t fpscr;
    uint32_t vscr, vrsave;
};

struct cpu_backend {
    const char *name;
    struct cpu *(*create)(struct guest_mem *mem, unsigned index, uint32_t pvr);
    void (*destroy)(struct cpu *cpu);
    /* Runs until an exit; fills *exit. */
    void (*run)(struct cpu *cpu, struct cpu_exit *exit);
    /* Writes an hcall's results: r3 = ret, r4..r12 = out[0..8]. */
    void (*complete_hcall)(struct cpu *cpu, int64_t ret, const uint64_t out[9]);
    void (*get_regs)(struct cpu *cpu, struct cpu_regs *regs);
    void (*set_regs)(struct cpu *cpu, const struct cpu_regs *regs);
    /*
     * The floating-point and vector state, while the vCPU is not running;
     * NULL if the backend has none.  set_fp_regs stores the FPSCR as
     * mtfsf with L=1 does: FEX and VX are recomputed from the bits they
     * summarise, undefined bits read back as 0.
     */
    void (*get_fp_regs)(struct cpu *cpu, struct cpu_fp_regs *regs);
    void (*set_fp_regs)(struct cpu *cpu, const struct cpu_fp_regs *regs);
    /* Power-on state: registers zeroed, MSR = 0 (32-bit, BE, real mode). */
    void (*reset)(struct cpu *cpu);
    /* Asks a running vCPU to return CPU_EXIT_STOPPED soon; any thread. */
    void (*kick)(struct cpu *cpu);
    /* Hypervisor-owned LPCR bits (ILE, AIL, radix...): any thread. */
    void (*set_lpcr)(struct cpu *cpu, uint64_t mask, uint64_t value);
    /*
     * The partition's MMU state (any thread; the vCPU need not be
     * stopped): the vCPU drops its cached translations before its next
     * instruction.  Reset returns it to none.
     */
    void (*set_mmu)(struct cpu *cpu, const struct cpu_mmu *mmu);
    /*
     * Drops the cached translations of every vCPU sharing cpu's guest
     * memory and returns once none can use one any more (after an hcall
     * removed or changed an HPTE).  From cpu's own thread while it is not
     * running (an hcall handler).
     */
    void (*flush_translations)(struct cpu *cpu);
    /*
     * FWNMI (spec/rtas.md §4.6): machine checks go to the real address mce
     * with r3 = area, a save area in guest RAM (8-byte aligned, with the
     * interlock word just before it) holding the interrupted r3 and an RTAS
     * error log; sreset likewise for system resets.  0 = the architected
     * vectors.  Any thread (registration happens once, before the OS can
     * cause a machine check); reset() returns to the architected vectors.
     */
    void (*set_fwnmi)(struct cpu *cpu, uint64_t sreset, uint64_t mce, uint64_t area);
    /* The external interrupt input, level-sensitive: any thread. */
    void (*set_irq)(struct cpu *cpu, bool level);
    /* An external or decrementer interrupt is pending, whatever MSR[EE]. */
    bool (*irq_pending)(struct cpu *cpu);
    /* The vCPU's timebase now (H_XIRR_X reports it); any thread. */
    uint64_t (*read_tb)(struct cpu *cpu);
    /* CLOCK_MONOTONIC ns at which the decrementer fires next, 0 if never. */
    uint64_t (*timer_deadline_ns)(struct cpu *cpu);
    /* Emulators: compile hot code (default) or interpret everything; before
     * the vCPU first runs.  NULL where there is nothing to choose. */
    void (*set_block_compiler)(struct cpu *cpu, bool on);
    /* Instruction counting (-M boot-report): enable_counting before the
     * first vCPU is created, for all of them (it may cost speed: the
     * emulator interprets everything then); insn_count reads a vCPU's
     * count (0 without counting).  NULL where not offered. */
    void (*enable_counting)(void);
    /* -icount shift=N: counting as above, and each vCPU's timebase (and
     * so DEC) advances 2^shift ticks per instruction it executes instead
     * of with the host's clock; the decrementer interrupt comes at an
     * instruction count, and a vCPU idle in H_CEDE skips ahead to its
     * expiry (timer_deadline_ns then returns a time already past).
     * Before the first vCPU is created.  NULL where not offered. */
    void (*enable_icount)(unsigned shift);
    uint64_t (*insn_count)(struct cpu *cpu);
    /*
     * Debugging (the gdbstub), only while the vCPU is not running.  A
     * breakpoint at an effective address stops the vCPU with
     * CPU_EXIT_DEBUG before the instruction there runs; running again from
     * that address executes it (the breakpoint stays).  Returns 0, or -1
     * when the table is full (inserting) or holds no such address
     * (removing).  With single-step on, every run executes one instruction
     * (or takes one interrupt) and returns CPU_EXIT_DEBUG.
     */
    int (*set_breakpoint)(struct cpu *cpu, uint64_t ea, bool insert);
    void (*set_single_step)(struct cpu *cpu, bool on);
    /*
     * A watchpoint on the effective addresses [ea, ea + len), len 1..4096:
     * a load (READ), a store (WRITE) or either (ACCESS) touching it stops
     * the vCPU with CPU_EXIT_DEBUG before the access happens (nip = the
     * instruction, debug_addr/debug_watch set; running on from there
     * executes it), as POWER's DAWR does.  Same rules and returns as
     * set_breakpoint (-1 also for a bad length or kind).  NULL if the
     * backend has none.
     */
    int (*set_watchpoint)(struct cpu *cpu, uint64_t ea, uint64_t len, unsigned kind, bool insert);
    /*
     * The guest physical address a data access to effective address ea
     * would reach now, as the vCPU translates it (MSR[DR], the MMU), for
     * the debugger's memory accesses.  Returns 0, or -1 when ea has no
     * translation.  Only while the vCPU is not running.
     */
    int (*debug_translate)(struct cpu *cpu, uint64_t ea, uint64_t *pa);
    /*
     * Snapshots (vmm/snapshot.h), only while the vCPU is stopped.
     * save_state appends the vCPU's whole state -- registers, FP/VMX/VSX,
     * SPRs, SLB, the timebase and DEC as values -- in the backend's format
     * state_version.  load_state reads a payload of `version` and checks
     * it (version, exact length, PVR and PIR of this vCPU, MSR and LPCR
     * bits a guest may hold): 0, or -1 with one line in err.  With apply
     * it then becomes the vCPU's state: the timebase continues from the
     * saved value, the reservation is cleared, decoded code and cached
     * translations are dropped.  The partition's MMU is not in it (the
     * VMM restores it through set_mmu).
     */
    unsigned state_version;
    void (*save_state)(struct cpu *cpu, struct snap_writer *w);
    int (*load_state)(struct cpu *cpu, struct snap_reader *r, unsigned version, bool apply,
                      char *err, size_t errlen);
};

/* LPCR bits the VMM sets through set_lpcr (Power ISA Book III 2.2). */
#define CPU_LPCR_ILE (1ull << 25)
#define CPU_LPCR_AIL (3ull << 23)
/* Partition-wide radix bits H_REGISTER_PROC_TBL sets (spec/cpu.md §2.4). */
#define CPU_LPCR_UPRT (1ull << 22)
#define CPU_LPCR_HR   (1ull << 20)
#define CPU_LPCR_GTSE (1ull << 10)
#define CPU_LPCR_MMU  (CPU_LPCR_UPRT | CPU_LPCR_HR | CPU_LPCR_GTSE)

extern const struct cpu_backend cpu_interp_backend;

#endif
