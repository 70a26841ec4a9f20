/*
 * Block compiler for x86-64 hosts (jit.h).
 *
 * Generated code, per block:
 *
 *     push callee-saved; r15 = cpu
 *     load every guest register the block uses into its host register
 *   loop_head:
 *     one translated sequence per instruction
 *     the final branch: a self-loop checks cpu->attention and jumps to
 *     loop_head; anything else leaves through an exit
 *   exits: cpu->nip += delta (or = LR/CTR), eax = JIT_CONTINUE/INTERPRET,
 *     store back every host register the block writes, pop, ret
 *
 * Host registers: r15 holds cpu; rax, rcx, rdx, rsi are scratch; the ten
 * others hold guest GPRs, LR and CTR.  Because every cached register is
 * loaded at entry, a host register always holds the architected value,
 * so storing back all registers the block ever writes is right at every
 * exit, including a side exit in the loop's second trip.  CR, XER and
 * memory are never cached.
 *
 * Semantics follow the interpreter's handlers (exec_*.inc) exactly for
 * 64-bit mode; tests/isa runs every vector through compiled blocks
 * (JIT_EAGER) as well as through the interpreter.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codecache.h"
#include "fpu.h"
#include "jit.h"
#include "jit_helper.h"
#include "ppc.h"

#if defined(__x86_64__)

#include "x86emit.h"

#define JIT_AREA_SIZE  (32u << 20)
#define JIT_BLOCK_MAX  64u   /* instructions per block */
#define JIT_BLOCK_FP   32u   /* of which FP, VMX or VSX (longer host code) */
#define JIT_BLOCK_ROOM 32768 /* bytes of host code one block may take */
#define JIT_MAX_EXITS  (3 * JIT_BLOCK_MAX + 4)

/* Guest register ids: 0-31 GPRs, then LR and CTR. */
#define G_LR  32
#define G_CTR 33
#define G_NUM 34

struct jit {
    uint8_t *area;
    size_t used;
    bool full;
    bool fma; /* the host has FMA3 (jit_fp.inc) */
    uint64_t blocks, resets;
};

/* An exit stub to emit after the body: a jump to patch, the delta from the
 * block's first instruction to the next nip, and what to do there. */
struct jit_exit {
    uint8_t *field;
    int32_t delta;
    int kind; /* JIT_CONTINUE, JIT_INTERPRET or JIT_LOOKUP, | EXIT_* */
};
#define EXIT_HOW   3 /* the block's return value */
#define EXIT_ABS   4 /* cpu->nip already holds the target */
#define EXIT_CHAIN 8 /* the target is a slot of this page: may jump to its block */

struct jit_ctx {
    struct x86_buf b;
    int8_t host[G_NUM]; /* guest id -> host register, or -1 (in memory) */
    uint64_t written;   /* guest ids the block writes */
    int le;             /* byte order of the page = MSR[LE] */
    unsigned first;     /* slot of the block's first instruction */
    uint8_t *loop_head;
    struct jit_exit exits[JIT_MAX_EXITS];
    unsigned nexits;
    bool failed;
    struct jit_page *jp;
    struct jit_link links[JIT_MAX_EXITS]; /* chaining jumps of the exits */
    bool fma;                             /* struct jit's */
    struct slow_jumps *slow;              /* jit_fp.inc: the current instruction's */
};

/* Registers that may hold guest state, preferred first (no REX needed);
 * a block that calls out (jit_run_insn) prefers the callee-saved ones,
 * which survive the call. */
static const int8_t pool[] = {RBX, RBP, RDI, R8, R9, R10, R11, R12, R13, R14};
static const int8_t pool_calls[] = {RBX, RBP, R12, R13, R14, RDI, R8, R9, R10, R11};
static const int8_t saved[] = {RBX, RBP, R12, R13, R14, R15};

/* Whether host register r is lost across a call (System V AMD64 ABI). */
static bool caller_saved(int r)
{
    return r == RDI || (r >= R8 && r <= R11);
}

#define OFF(field) ((int32_t)offsetof(struct ppc_cpu, field))

static int32_t gpr_off(unsigned g)
{
    if (g == G_LR)
        return OFF(lr);
    if (g == G_CTR)
        return OFF(ctr);
    return OFF(gpr) + 8 * (int32_t)g;
}

struct jit *jit_new(void)
{
    struct jit *j = calloc(1, sizeof(*j));
    void *area;

    if (!j)
        return NULL;
    area = mmap(NULL, JIT_AREA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) {
        free(j);
        return NULL;
    }
    j->area = area;
    __builtin_cpu_init();
    j->fma = __builtin_cpu_supports("fma") != 0;
    return j;
}

void jit_free(struct jit *j)
{
    if (!j)
        return;
    munmap(j->area, JIT_AREA_SIZE);
    free(j);
}

void jit_reset(struct jit *j)
{
    j->used = 0;
    j->full = false;
    j->resets++;
}

bool jit_full(const struct jit *j)
{
    return j->full;
}

uint64_t jit_blocks_compiled(const struct jit *j)
{
    return j->blocks;
}

uint64_t jit_resets(const struct jit *j)
{
    return j->resets;
}

/* ---- operands ---- */

/* The host register holding guest register g, loading it into `scratch`
 * when g is not cached. */
static int src(struct jit_ctx *c, unsigned g, int scratch)
{
    if (c->host[g] >= 0)
        return c->host[g];
    emit_load(&c->b, 1, scratch, R15, X86_NOREG, gpr_off(g));
    return scratch;
}

/* Guest register g = host register r. */
static void put(struct jit_ctx *c, unsigned g, int r)
{
    if (c->host[g] >= 0)
        emit_mov_rr(&c->b, 1, c->host[g], r);
    else
        emit_store(&c->b, 8, r, R15, X86_NOREG, gpr_off(g));
    c->written |= 1ull << g;
}

/* Where to compute a result for g in place: its host register, or RAX
 * (then put(g, RAX) afterwards). */
static int dst(struct jit_ctx *c, unsigned g)
{
    return c->host[g] >= 0 ? c->host[g] : RAX;
}

static void done(struct jit_ctx *c, unsigned g, int r)
{
    if (c->host[g] != r)
        put(c, g, r);
    c->written |= 1ull << g;
}

/* Copies the value in host register `from` to where g's result is built;
 * returns that register. */
static int start(struct jit_ctx *c, unsigned g, int from)
{
    int d = dst(c, g);
    emit_mov_rr(&c->b, 1, d, from);
    return d;
}

/* g = a OP b for host registers a and b. */
static void binop(struct jit_ctx *c, enum x86_alu op, unsigned g, int a, int b, bool comm)
{
    int d = c->host[g];

    if (d >= 0) {
        if (d == a) {
            emit_alu_rr(&c->b, 1, op, d, b);
            c->written |= 1ull << g;
            return;
        }
        if (comm && d == b) {
            emit_alu_rr(&c->b, 1, op, d, a);
            c->written |= 1ull << g;
            return;
        }
        if (d != b) {
            emit_mov_rr(&c->b, 1, d, a);
            emit_alu_rr(&c->b, 1, op, d, b);
            c->written |= 1ull << g;
            return;
        }
    }
    emit_mov_rr(&c->b, 1, RAX, a);
    emit_alu_rr(&c->b, 1, op, RAX, b);
    put(c, g, RAX);
}

/* r &= mask, with the shortest encoding. */
static void and_mask(struct jit_ctx *c, int r, uint64_t mask)
{
    if (mask == ~0ull)
        return;
    if (mask <= 0xffffffffull) {
        if (mask == 0xffffffffull)
            emit_mov_rr(&c->b, 0, r, r);
        else
            emit_alu_ri(&c->b, 0, ALU_AND, r, (int32_t)(uint32_t)mask);
    } else if (mask >= 0xffffffff80000000ull) { /* a sign-extended imm32 */
        emit_alu_ri(&c->b, 1, ALU_AND, r, (int32_t)mask);
    } else {
        emit_mov_ri(&c->b, RSI, mask);
        emit_alu_rr(&c->b, 1, ALU_AND, r, RSI);
    }
}

/* r |= imm / r ^= imm for a zero-extended immediate (ori, oris...). */
static void logic_imm(struct jit_ctx *c, enum x86_alu op, int r, uint64_t imm)
{
    if (imm == 0)
        return;
    if (imm <= 0x7fffffffull) {
        emit_alu_ri(&c->b, 1, op, r, (int32_t)imm);
    } else {
        emit_mov_ri(&c->b, RSI, imm);
        emit_alu_rr(&c->b, 1, op, r, RSI);
    }
}

/* cpu->cr[field] = LT/GT/EQ from the flags of a compare just made (signed
 * or unsigned) | XER[SO] (Book I 3.3.10).  LT GT EQ = 8 4 2: 2 + 2*gt +
 * 6*lt. */
static void cr_from_flags(struct jit_ctx *c, unsigned field, bool sign)
{
    struct x86_buf *b = &c->b;

    emit_setcc(b, sign ? CC_L : CC_B, RAX);
    emit_setcc(b, sign ? CC_G : CC_A, RCX);
    emit_movzx8_rr(b, RAX, RAX);
    emit_movzx8_rr(b, RCX, RCX);
    emit_lea(b, 0, RAX, RAX, RAX, 2, 0);
    emit_alu_rr(b, 0, ALU_ADD, RAX, RCX);
    emit_lea(b, 0, RAX, RAX, RAX, 1, 2);
    emit_or_r8m(b, RAX, R15, OFF(so));
    emit_store(b, 1, RAX, R15, X86_NOREG, OFF(cr) + (int32_t)field);
}

/* CR0 of a record form from the 64-bit result in r (64-bit mode). */
static void cr0_of_reg(struct jit_ctx *c, int r)
{
    emit_test_rr(&c->b, 1, r, r);
    cr_from_flags(c, 0, true);
}

static void write_back(struct jit_ctx *c);

/* ---- exits ---- */

static uint8_t *exit_jump(struct jit_ctx *c, int cc, int32_t delta, int kind)
{
    uint8_t *field = cc < 0 ? emit_jmp(&c->b, NULL) : emit_jcc(&c->b, (enum x86_cc)cc, NULL);

    if (c->nexits == JIT_MAX_EXITS) {
        c->failed = true;
        return field;
    }
    c->exits[c->nexits++] = (struct jit_exit){field, delta, kind};
    return field;
}

/* An exit to slot `target` of this page (possibly off its end). */
static void exit_to_slot(struct jit_ctx *c, int cc, int64_t target)
{
    int kind = JIT_CONTINUE;
    if (target >= 0 && target < CODE_PAGE_SLOTS)
        kind |= EXIT_CHAIN;
    exit_jump(c, cc, (int32_t)(target - (int64_t)c->first) * 4, kind);
}

/* Delta of slot s from the block's first instruction, in bytes. */
static int32_t delta_of(const struct jit_ctx *c, unsigned s)
{
    return ((int32_t)s - (int32_t)c->first) * 4;
}

/* ---- memory ---- */

/*
 * rax = host address for an access of `size` bytes at the EA in rax,
 * through the read or write soft TLB; a miss leaves the block so that the
 * interpreter runs the instruction (slow path, MMIO, faults).  Mirrors
 * tlb_probe (exec.h).
 */
static void tlb_translate(struct jit_ctx *c, unsigned size, bool write, unsigned slot)
{
    struct x86_buf *b = &c->b;
    int32_t tlb = write ? OFF(tlb_write) : OFF(tlb_read);

    emit_mov_rr(b, 1, RDX, RAX);
    emit_shift_ri(b, 1, SH_SHR, RDX, 12);
    emit_alu_ri(b, 0, ALU_AND, RDX, TLB_SIZE - 1);
    emit_shift_ri(b, 0, SH_SHL, RDX, 4);
    emit_lea(b, 1, RCX, RAX, X86_NOREG, 1, (int32_t)size - 1);
    emit_alu_ri(b, 1, ALU_AND, RCX, -4096);
    emit_alu_rm(b, 1, ALU_CMP, RCX, R15, RDX, tlb + OFF(tlb_read[0].tag) - OFF(tlb_read));
    exit_jump(c, CC_NE, delta_of(c, slot), JIT_INTERPRET);
    emit_alu_rm(b, 1, ALU_ADD, RAX, R15, RDX, tlb + OFF(tlb_read[0].addend) - OFF(tlb_read));
}

/* rax = EA of a D/DS form (ra0 + simm) or X form (ra0 + rb). */
static void ea_d(struct jit_ctx *c, unsigned ra, int64_t simm)
{
    if (ra == 0) {
        emit_mov_ri(&c->b, RAX, (uint64_t)simm);
    } else {
        int a = src(c, ra, RAX);
        emit_lea(&c->b, 1, RAX, a, X86_NOREG, 1, (int32_t)simm);
    }
}

static void ea_x(struct jit_ctx *c, unsigned ra, unsigned rb)
{
    int bb = src(c, rb, RCX);
    if (ra == 0) {
        emit_mov_rr(&c->b, 1, RAX, bb);
    } else {
        int a = src(c, ra, RAX);
        emit_lea(&c->b, 1, RAX, a, bb, 1, 0);
    }
}

/* Loads `size` bytes from [rax] into rcx in guest byte order, extended
 * (sign: lha, lwa). */
static void load_value(struct jit_ctx *c, unsigned size, bool sign)
{
    struct x86_buf *b = &c->b;

    switch (size) {
    case 1: emit_load_zx(b, 1, RCX, RAX, X86_NOREG, 0); break;
    case 2:
        emit_load_zx(b, 2, RCX, RAX, X86_NOREG, 0);
        if (!c->le)
            emit_bswap16(b, RCX);
        if (sign)
            emit_movsx_rr(b, 2, RCX, RCX);
        break;
    case 4:
        emit_load(b, 0, RCX, RAX, X86_NOREG, 0);
        if (!c->le)
            emit_bswap(b, 0, RCX);
        if (sign)
            emit_movsx_rr(b, 4, RCX, RCX);
        break;
    default:
        emit_load(b, 1, RCX, RAX, X86_NOREG, 0);
        if (!c->le)
            emit_bswap(b, 1, RCX);
        break;
    }
}

/* Stores the low `size` bytes of guest register g at [rax]. */
static void store_value(struct jit_ctx *c, unsigned size, unsigned g)
{
    struct x86_buf *b = &c->b;
    int v = src(c, g, RCX);

    if (!c->le && size > 1) {
        emit_mov_rr(b, 1, RCX, v);
        if (size == 2)
            emit_bswap16(b, RCX);
        else
            emit_bswap(b, size == 8, RCX);
        v = RCX;
    }
    emit_store(b, size, v, RAX, X86_NOREG, 0);
}

struct mem_op {
    unsigned size;
    bool store, sign, update, indexed;
};

/* The loads and stores a block translates: size, store, sign-extending,
 * update form, indexed (X) form. */
static const struct {
    uint16_t op;
    struct mem_op m;
} mem_ops[] = {
    {OP_lbz, {1, false, false, false, false}}, {OP_lbzu, {1, false, false, true, false}},
    {OP_lbzx, {1, false, false, false, true}}, {OP_lbzux, {1, false, false, true, true}},
    {OP_lhz, {2, false, false, false, false}}, {OP_lhzu, {2, false, false, true, false}},
    {OP_lhzx, {2, false, false, false, true}}, {OP_lhzux, {2, false, false, true, true}},
    {OP_lha, {2, false, true, false, false}},  {OP_lhau, {2, false, true, true, false}},
    {OP_lhax, {2, false, true, false, true}},  {OP_lhaux, {2, false, true, true, true}},
    {OP_lwz, {4, false, false, false, false}}, {OP_lwzu, {4, false, false, true, false}},
    {OP_lwzx, {4, false, false, false, true}}, {OP_lwzux, {4, false, false, true, true}},
    {OP_lwa, {4, false, true, false, false}},  {OP_lwax, {4, false, true, false, true}},
    {OP_lwaux, {4, false, true, true, true}},  {OP_ld, {8, false, false, false, false}},
    {OP_ldu, {8, false, false, true, false}},  {OP_ldx, {8, false, false, false, true}},
    {OP_ldux, {8, false, false, true, true}},  {OP_stb, {1, true, false, false, false}},
    {OP_stbu, {1, true, false, true, false}},  {OP_stbx, {1, true, false, false, true}},
    {OP_stbux, {1, true, false, true, true}},  {OP_sth, {2, true, false, false, false}},
    {OP_sthu, {2, true, false, true, false}},  {OP_sthx, {2, true, false, false, true}},
    {OP_sthux, {2, true, false, true, true}},  {OP_stw, {4, true, false, false, false}},
    {OP_stwu, {4, true, false, true, false}},  {OP_stwx, {4, true, false, false, true}},
    {OP_stwux, {4, true, false, true, true}},  {OP_std, {8, true, false, false, false}},
    {OP_stdu, {8, true, false, true, false}},  {OP_stdx, {8, true, false, false, true}},
    {OP_stdux, {8, true, false, true, true}},
};

static bool mem_op_of(unsigned op, struct mem_op *m)
{
    for (size_t i = 0; i < sizeof(mem_ops) / sizeof(mem_ops[0]); i++)
        if (mem_ops[i].op == op) {
            *m = mem_ops[i].m;
            return true;
        }
    return false;
}

static void emit_mem(struct jit_ctx *c, const struct insn *r, const struct mem_op *m, unsigned slot)
{
    if (m->indexed)
        ea_x(c, r->ra, r->rb);
    else
        ea_d(c, r->ra, r->simm);
    if (m->update)
        emit_mov_rr(&c->b, 1, RSI, RAX); /* the EA, for RA */
    tlb_translate(c, m->size, m->store, slot);
    if (m->store) {
        store_value(c, m->size, r->rt);
    } else {
        load_value(c, m->size, m->sign);
        put(c, r->rt, RCX);
    }
    if (m->update)
        put(c, r->ra, RSI);
}

/* ---- FP, VMX and VSX: the interpreter's handlers out of line ---- */

/* Cached guest registers to memory before a call (all of them, or only
 * those in caller-saved host registers), or back from memory after it.
 * A host register always holds the architected value, so storing one the
 * block has not written is harmless. */
static void spill_cached(struct jit_ctx *c, bool all, bool load)
{
    for (unsigned g = 0; g < G_NUM; g++) {
        int h = c->host[g];
        if (h < 0 || !(all || caller_saved(h)))
            continue;
        if (load)
            emit_load(&c->b, 1, h, R15, X86_NOREG, gpr_off(g));
        else
            emit_store(&c->b, 8, h, R15, X86_NOREG, gpr_off(g));
    }
}

/*
 * jit_run_insn(cpu, rec, address of slot) for the instruction at `slot`:
 * it checks the facility, runs the handler and delivers any interrupt
 * itself (SRR0 = this instruction, FPSCR and target as the interpreter
 * leaves them), after which the block leaves through lookup: the
 * interrupt changed the MSR.  An instruction it leaves alone (a
 * debugger's watchpoint) leaves the block for the interpreter.
 */
static void emit_run_insn(struct jit_ctx *c, const struct insn *r, unsigned slot)
{
    struct x86_buf *b = &c->b;
    bool all = !jit_run_gpr_free(r->op);
    uint8_t *next;

    spill_cached(c, all, false);
    emit_mov_rr(b, 1, RDI, R15);
    emit_mov_ri(b, RSI, (uint64_t)(uintptr_t)r);
    emit_load(b, 1, RDX, R15, X86_NOREG, OFF(nip));
    emit_lea(b, 1, RDX, RDX, X86_NOREG, 1, delta_of(c, slot));
    emit_mov_ri(b, RAX, (uint64_t)(uintptr_t)jit_run_insn);
    emit_call_reg(b, RAX);
    spill_cached(c, all, true);
    emit_test_rr(b, 0, RAX, RAX);
    next = emit_jcc(b, CC_E, NULL);
    emit_alu_ri(b, 0, ALU_CMP, RAX, JIT_RUN_RAISED);
    exit_jump(c, CC_E, 0, JIT_LOOKUP | EXIT_ABS);
    exit_jump(c, -1, delta_of(c, slot), JIT_INTERPRET);
    x86_patch(b, next, b->p);
}

#include "jit_fp.inc"

/* ---- the translator ---- */

/* Guest registers an instruction reads or writes (for allocation), or
 * false when the block compiler cannot translate it. */
static bool insn_regs(const struct insn *r, uint64_t *use)
{
    struct mem_op m;
    uint64_t t = 1ull << r->rt, a = 1ull << r->ra, b = 1ull << r->rb;

    if (jit_run_handles(r->op)) { /* FP, VMX, VSX: jit_fp.inc or jit_run_insn */
        switch (r->op) {
        case OP_lfd:
        case OP_stfd: *use = r->ra ? a : 0; break;
        case OP_lfdx:
        case OP_stfdx:
        case OP_lxvd2x:
        case OP_stxvd2x: *use = (r->ra ? a : 0) | b; break;
        default: *use = 0; break;
        }
        return true;
    }
    if (mem_op_of(r->op, &m)) {
        /* Invalid update forms raise a program interrupt: the interpreter's. */
        if (m.update && (r->ra == 0 || (!m.store && r->ra == r->rt)))
            return false;
        *use = t | (r->ra ? a : 0) | (m.indexed ? b : 0);
        return true;
    }
    switch (r->op) {
    case OP_addi:
    case OP_addis: *use = t | (r->ra ? a : 0); return true;
    case OP_mulli:
    case OP_ori:
    case OP_oris:
    case OP_xori:
    case OP_xoris:
    case OP_andi_rc:
    case OP_andis_rc:
    case OP_rlwinm:
    case OP_rlwinm_rc:
    case OP_rldicl:
    case OP_rldicl_rc:
    case OP_rldicr:
    case OP_rldicr_rc:
    case OP_rldic:
    case OP_rldic_rc:
    case OP_rlwimi:
    case OP_rlwimi_rc:
    case OP_rldimi:
    case OP_rldimi_rc:
    case OP_extsb:
    case OP_extsb_rc:
    case OP_extsh:
    case OP_extsh_rc:
    case OP_extsw:
    case OP_extsw_rc:
    case OP_cntlzw:
    case OP_cntlzw_rc:
    case OP_cntlzd:
    case OP_cntlzd_rc:
    case OP_sradi:
    case OP_sradi_rc:
    case OP_srawi:
    case OP_srawi_rc:
    case OP_neg:
    case OP_neg_rc:
    case OP_addic:
    case OP_addic_rc:
    case OP_subfic:
    case OP_addze:
    case OP_addze_rc:
    case OP_subfze:
    case OP_subfze_rc:
    case OP_addme:
    case OP_addme_rc:
    case OP_subfme:
    case OP_subfme_rc: *use = t | a; return true;
    case OP_addc:
    case OP_addc_rc:
    case OP_subfc:
    case OP_subfc_rc:
    case OP_adde:
    case OP_adde_rc:
    case OP_subfe:
    case OP_subfe_rc: *use = t | a | b; return true;
    case OP_isel: *use = t | (r->ra ? a : 0) | b; return true;
    case OP_add:
    case OP_add_rc:
    case OP_subf:
    case OP_subf_rc:
    case OP_mulld:
    case OP_mulld_rc:
    case OP_mullw:
    case OP_mullw_rc:
    case OP_and:
    case OP_and_rc:
    case OP_andc:
    case OP_andc_rc:
    case OP_or:
    case OP_or_rc:
    case OP_orc:
    case OP_orc_rc:
    case OP_xor:
    case OP_xor_rc:
    case OP_nand:
    case OP_nand_rc:
    case OP_nor:
    case OP_nor_rc:
    case OP_eqv:
    case OP_eqv_rc:
    case OP_sld:
    case OP_sld_rc:
    case OP_srd:
    case OP_srd_rc:
    case OP_slw:
    case OP_slw_rc:
    case OP_srw:
    case OP_srw_rc: *use = t | a | b; return true;
    case OP_cmpi:
    case OP_cmpli: *use = a; return true;
    case OP_cmp:
    case OP_cmpl: *use = a | b; return true;
    case OP_mfspr:
    case OP_mtspr:
        if (r->uimm == SPR_LR)
            *use = t | (1ull << G_LR);
        else if (r->uimm == SPR_CTR)
            *use = t | (1ull << G_CTR);
        else
            return false;
        return true;
    case OP_b:
    case OP_bc_always:
    case OP_bt:
    case OP_bf: *use = 0; return true;
    case OP_bl: *use = 1ull << G_LR; return true;
    case OP_bdnz:
    case OP_bdz: *use = 1ull << G_CTR; return true;
    case OP_bclr:
    case OP_bcctr:
    case OP_bcctrl:
        /* Only the unconditional forms (BO = 1z1zz): blr, bctr, bctrl. */
        if ((r->f1 & 0x14) != 0x14)
            return false;
        *use = 1ull << (r->op == OP_bclr ? G_LR : G_CTR) | (r->op == OP_bcctrl ? 1ull << G_LR : 0);
        return true;
    default: return false;
    }
}

static bool is_branch(unsigned op)
{
    switch (op) {
    case OP_b:
    case OP_bl:
    case OP_bc_always:
    case OP_bt:
    case OP_bf:
    case OP_bdnz:
    case OP_bdz:
    case OP_bclr:
    case OP_bcctr:
    case OP_bcctrl: return true;
    default: return false;
    }
}

/* rotl32 of the low word replicated into both halves, into `d` (Book I
 * 3.3.14: ROTL32). */
static void rotl32_into(struct jit_ctx *c, int d, int s, unsigned n, uint64_t mask)
{
    struct x86_buf *b = &c->b;

    if (mask <= 0xffffffffull) {
        /* Only the low word survives the mask: a 32-bit rotate. */
        emit_mov_rr(b, 0, d, s);
        emit_shift_ri(b, 0, SH_ROL, d, n & 31);
    } else {
        emit_mov_rr(b, 0, RDX, s);
        emit_mov_rr(b, 1, d, RDX);
        emit_shift_ri(b, 1, SH_SHL, d, 32);
        emit_alu_rr(b, 1, ALU_OR, d, RDX);
        emit_shift_ri(b, 1, SH_ROL, d, n & 31);
    }
    and_mask(c, d, mask);
}

/* rotl64 then mask, recognising the plain shifts sldi/srdi. */
static void rotl64_into(struct jit_ctx *c, int d, int s, unsigned n, uint64_t mask)
{
    struct x86_buf *b = &c->b;

    emit_mov_rr(b, 1, d, s);
    n &= 63;
    if (n && mask == ~0ull << n) {
        emit_shift_ri(b, 1, SH_SHL, d, n);
    } else if (n && mask == ~0ull >> (64 - n)) {
        emit_shift_ri(b, 1, SH_SHR, d, 64 - n);
    } else {
        emit_shift_ri(b, 1, SH_ROL, d, n);
        and_mask(c, d, mask);
    }
}

/* XER[CA] = XER[CA32] = the byte in the low bits of `r` (0 or 1). */
static void set_ca(struct jit_ctx *c, int r)
{
    emit_store(&c->b, 1, r, R15, X86_NOREG, OFF(ca));
    emit_store(&c->b, 1, r, R15, X86_NOREG, OFF(ca32));
}

/* The carrying adds (Book I 3.3.9): r = A + B + cin with A = RA or ~RA,
 * B a register, an immediate, 0 or ~0, cin 0, 1 or XER[CA]; CA = carry
 * out of 64 bits, CA32 = carry into bit 32, as exec_int.inc's SET_CARRY
 * in 64-bit mode. */
enum carry_b { CB_REG, CB_IMM, CB_ZERO, CB_ONES };
enum carry_in { CIN_0, CIN_1, CIN_CA };

static void emit_carry_add(struct jit_ctx *c, const struct insn *r, bool invert_a, enum carry_b bk,
                           enum carry_in cin, bool rc)
{
    struct x86_buf *b = &c->b;

    emit_mov_rr(b, 1, RAX, src(c, r->ra, RAX));
    if (invert_a)
        emit_not(b, 1, RAX);
    switch (bk) {
    case CB_REG: emit_mov_rr(b, 1, RCX, src(c, r->rb, RCX)); break;
    case CB_IMM: emit_mov_ri(b, RCX, (uint64_t)r->simm); break;
    case CB_ZERO: emit_mov_ri(b, RCX, 0); break;
    case CB_ONES: emit_mov_ri(b, RCX, ~0ull); break;
    }
    emit_mov_rr(b, 1, RDX, RAX);
    emit_alu_rr(b, 1, ALU_XOR, RDX, RCX); /* a ^ b: the carries are a ^ b ^ r */
    switch (cin) {
    case CIN_0: emit_alu_rr(b, 1, ALU_ADD, RAX, RCX); break;
    case CIN_1:
        emit_stc(b);
        emit_alu_rr(b, 1, ALU_ADC, RAX, RCX);
        break;
    case CIN_CA:
        emit_load_zx(b, 1, RSI, R15, X86_NOREG, OFF(ca));
        emit_neg(b, 0, RSI); /* CF = (CA != 0) */
        emit_alu_rr(b, 1, ALU_ADC, RAX, RCX);
        break;
    }
    emit_setcc(b, CC_B, RSI);
    emit_alu_rr(b, 1, ALU_XOR, RDX, RAX);
    emit_shift_ri(b, 1, SH_SHR, RDX, 32);
    emit_alu_ri(b, 0, ALU_AND, RDX, 1);
    emit_store(b, 1, RSI, R15, X86_NOREG, OFF(ca));
    emit_store(b, 1, RDX, R15, X86_NOREG, OFF(ca32));
    put(c, r->rt, RAX);
    if (rc)
        cr0_of_reg(c, RAX);
}

/* Translates one non-branch instruction; false if it cannot. */
static bool emit_insn(struct jit_ctx *c, const struct insn *r, unsigned slot)
{
    struct x86_buf *b = &c->b;
    struct mem_op m;
    int d, s, t;
    bool rc = false;

    if (mem_op_of(r->op, &m)) {
        emit_mem(c, r, &m, slot);
        return true;
    }
    switch (r->op) {
    case OP_addi:
    case OP_addis:
        if (r->ra == 0) {
            d = dst(c, r->rt);
            emit_mov_ri(b, d, (uint64_t)r->simm);
        } else {
            s = src(c, r->ra, RDX);
            d = dst(c, r->rt);
            if (d == s)
                emit_alu_ri(b, 1, ALU_ADD, d, (int32_t)r->simm);
            else
                emit_lea(b, 1, d, s, X86_NOREG, 1, (int32_t)r->simm);
        }
        done(c, r->rt, d);
        return true;
    case OP_mulli:
        s = src(c, r->ra, RDX);
        d = dst(c, r->rt);
        emit_imul_rri(b, 1, d, s, (int32_t)r->simm);
        done(c, r->rt, d);
        return true;
    case OP_ori:
    case OP_oris:
    case OP_xori:
    case OP_xoris:
        if (r->rt == r->ra && r->uimm == 0)
            return true; /* nop */
        d = start(c, r->ra, src(c, r->rt, RDX));
        logic_imm(c, r->op == OP_ori || r->op == OP_oris ? ALU_OR : ALU_XOR, d, r->uimm);
        done(c, r->ra, d);
        return true;
    case OP_andi_rc:
    case OP_andis_rc:
        d = start(c, r->ra, src(c, r->rt, RDX));
        and_mask(c, d, r->uimm);
        done(c, r->ra, d);
        cr0_of_reg(c, d);
        return true;

    case OP_add_rc: rc = true; /* fall through */
    case OP_add:
        binop(c, ALU_ADD, r->rt, src(c, r->ra, RDX), src(c, r->rb, RCX), true);
        if (rc)
            cr0_of_reg(c, dst(c, r->rt));
        return true;
    case OP_subf_rc: rc = true; /* fall through */
    case OP_subf:
        binop(c, ALU_SUB, r->rt, src(c, r->rb, RCX), src(c, r->ra, RDX), false);
        if (rc)
            cr0_of_reg(c, dst(c, r->rt));
        return true;
    case OP_neg_rc: rc = true; /* fall through */
    case OP_neg:
        d = start(c, r->rt, src(c, r->ra, RDX));
        emit_neg(b, 1, d);
        done(c, r->rt, d);
        if (rc)
            cr0_of_reg(c, d);
        return true;
    case OP_mulld_rc: rc = true; /* fall through */
    case OP_mulld:
    case OP_mullw:
    case OP_mullw_rc:
        rc = rc || r->op == OP_mullw_rc;
        s = src(c, r->ra, RDX);
        t = src(c, r->rb, RCX);
        if (r->op == OP_mullw || r->op == OP_mullw_rc) {
            emit_movsx_rr(b, 4, RDX, s);
            emit_movsx_rr(b, 4, RCX, t);
            s = RDX;
            t = RCX;
        }
        d = dst(c, r->rt);
        if (d == t) {
            emit_imul_rr(b, 1, d, s);
        } else {
            emit_mov_rr(b, 1, d, s);
            emit_imul_rr(b, 1, d, t);
        }
        done(c, r->rt, d);
        if (rc)
            cr0_of_reg(c, d);
        return true;

    case OP_and_rc:
    case OP_or_rc:
    case OP_xor_rc: rc = true; /* fall through */
    case OP_and:
    case OP_or:
    case OP_xor: {
        enum x86_alu op = (r->op == OP_and || r->op == OP_and_rc) ? ALU_AND
                          : (r->op == OP_or || r->op == OP_or_rc) ? ALU_OR
                                                                  : ALU_XOR;
        if (op == ALU_OR && r->rt == r->rb) { /* mr */
            d = start(c, r->ra, src(c, r->rt, RDX));
            done(c, r->ra, d);
        } else {
            binop(c, op, r->ra, src(c, r->rt, RDX), src(c, r->rb, RCX), true);
            d = dst(c, r->ra);
        }
        if (rc)
            cr0_of_reg(c, d);
        return true;
    }
    case OP_andc_rc:
    case OP_orc_rc: rc = true; /* fall through */
    case OP_andc:
    case OP_orc:
        emit_mov_rr(b, 1, RCX, src(c, r->rb, RCX));
        emit_not(b, 1, RCX);
        binop(c, r->op == OP_andc || r->op == OP_andc_rc ? ALU_AND : ALU_OR, r->ra,
              src(c, r->rt, RDX), RCX, true);
        if (rc)
            cr0_of_reg(c, dst(c, r->ra));
        return true;
    case OP_nand_rc:
    case OP_nor_rc:
    case OP_eqv_rc: rc = true; /* fall through */
    case OP_nand:
    case OP_nor:
    case OP_eqv:
        emit_mov_rr(b, 1, RAX, src(c, r->rt, RDX));
        emit_alu_rr(b, 1,
                    r->op == OP_nand || r->op == OP_nand_rc ? ALU_AND
                    : r->op == OP_nor || r->op == OP_nor_rc ? ALU_OR
                                                            : ALU_XOR,
                    RAX, src(c, r->rb, RCX));
        emit_not(b, 1, RAX);
        put(c, r->ra, RAX);
        if (rc)
            cr0_of_reg(c, RAX);
        return true;

    case OP_extsb_rc:
    case OP_extsh_rc:
    case OP_extsw_rc: rc = true; /* fall through */
    case OP_extsb:
    case OP_extsh:
    case OP_extsw:
        s = src(c, r->rt, RDX);
        d = dst(c, r->ra);
        if (r->op == OP_extsb || r->op == OP_extsb_rc) {
            /* movsx from a byte register needs one with a byte form. */
            emit_mov_rr(b, 1, RAX, s);
            emit_movsx_rr(b, 1, d, RAX);
        } else {
            emit_movsx_rr(b, r->op == OP_extsh || r->op == OP_extsh_rc ? 2 : 4, d, s);
        }
        done(c, r->ra, d);
        if (rc)
            cr0_of_reg(c, d);
        return true;
    case OP_cntlzw_rc:
    case OP_cntlzd_rc: rc = true; /* fall through */
    case OP_cntlzw:
    case OP_cntlzd: {
        /* (width - 1) - bsr, with bsr of 0 taken as -1. */
        bool w64 = r->op == OP_cntlzd || r->op == OP_cntlzd_rc;
        s = src(c, r->rt, RDX);
        emit_bsr(b, w64, RCX, s);
        emit_mov_ri(b, RAX, ~0ull);
        emit_cmov(b, 1, CC_E, RCX, RAX);
        emit_mov_ri(b, RAX, w64 ? 63 : 31);
        emit_alu_rr(b, 1, ALU_SUB, RAX, RCX);
        put(c, r->ra, RAX);
        if (rc)
            cr0_of_reg(c, RAX);
        return true;
    }

    case OP_rlwinm_rc: rc = true; /* fall through */
    case OP_rlwinm:
        s = src(c, r->rt, RDX);
        d = dst(c, r->ra);
        rotl32_into(c, d, s, r->f1, r->uimm);
        done(c, r->ra, d);
        if (rc)
            cr0_of_reg(c, d);
        return true;
    case OP_rldicl_rc:
    case OP_rldicr_rc:
    case OP_rldic_rc: rc = true; /* fall through */
    case OP_rldicl:
    case OP_rldicr:
    case OP_rldic:
        s = src(c, r->rt, RDX);
        d = dst(c, r->ra);
        rotl64_into(c, d, s, r->f1, r->uimm);
        done(c, r->ra, d);
        if (rc)
            cr0_of_reg(c, d);
        return true;
    case OP_rlwimi_rc:
    case OP_rldimi_rc: rc = true; /* fall through */
    case OP_rlwimi:
    case OP_rldimi:
        s = src(c, r->rt, RDX);
        if (r->op == OP_rlwimi || r->op == OP_rlwimi_rc)
            rotl32_into(c, RAX, s, r->f1, r->uimm);
        else
            rotl64_into(c, RAX, s, r->f1, r->uimm);
        emit_mov_rr(b, 1, RCX, src(c, r->ra, RCX));
        and_mask(c, RCX, ~r->uimm);
        emit_alu_rr(b, 1, ALU_OR, RAX, RCX);
        put(c, r->ra, RAX);
        if (rc)
            cr0_of_reg(c, RAX);
        return true;

    case OP_sld_rc:
    case OP_srd_rc:
    case OP_slw_rc:
    case OP_srw_rc: rc = true; /* fall through */
    case OP_sld:
    case OP_srd:
    case OP_slw:
    case OP_srw: {
        bool word = r->op == OP_slw || r->op == OP_slw_rc || r->op == OP_srw || r->op == OP_srw_rc;
        bool left = r->op == OP_sld || r->op == OP_sld_rc || r->op == OP_slw || r->op == OP_slw_rc;
        emit_mov_rr(b, 1, RCX, src(c, r->rb, RCX));
        s = src(c, r->rt, RDX);
        emit_mov_rr(b, !word, RAX, s); /* a word shift starts from the zero-extended word */
        emit_shift_cl(b, 1, left ? SH_SHL : SH_SHR, RAX);
        if (word) {
            /* Shift counts of 32..63 leave 0 in 64 bits: nothing to fix;
             * slw keeps the low word only. */
            if (left)
                emit_mov_rr(b, 0, RAX, RAX);
        } else {
            /* Counts 64..127 (RB bit 57) give 0. */
            emit_alu_rr(b, 0, ALU_XOR, RDX, RDX);
            emit_alu_ri(b, 0, ALU_AND, RCX, 64);
            emit_cmov(b, 1, CC_NE, RAX, RDX);
        }
        put(c, r->ra, RAX);
        if (rc)
            cr0_of_reg(c, RAX);
        return true;
    }
    case OP_sradi_rc:
    case OP_srawi_rc: rc = true; /* fall through */
    case OP_sradi:
    case OP_srawi: {
        /* CA = source negative and 1-bits shifted out (Book I 3.3.14.2). */
        unsigned n = r->f1;
        bool word = r->op == OP_srawi || r->op == OP_srawi_rc;
        s = src(c, r->rt, RDX);
        if (word)
            emit_movsx_rr(b, 4, RAX, s);
        else
            emit_mov_rr(b, 1, RAX, s);
        if (n == 0) {
            emit_alu_rr(b, 0, ALU_XOR, RCX, RCX);
        } else {
            emit_mov_rr(b, 1, RCX, RAX);
            emit_shift_ri(b, 1, SH_SHL, RCX, 64 - n); /* the bits shifted out */
            emit_test_rr(b, 1, RCX, RCX);
            emit_setcc(b, CC_NE, RCX);
            emit_test_rr(b, 1, RAX, RAX);
            emit_setcc(b, CC_S, RDX);
            emit_alu_rr(b, 0, ALU_AND, RCX, RDX);
            emit_shift_ri(b, 1, SH_SAR, RAX, n);
        }
        set_ca(c, RCX);
        put(c, r->ra, RAX);
        if (rc)
            cr0_of_reg(c, RAX);
        return true;
    }

    case OP_cmpi:
    case OP_cmpli:
        s = src(c, r->ra, RDX);
        emit_alu_ri(b, r->f1, ALU_CMP, s, (int32_t)r->simm);
        cr_from_flags(c, r->rt, r->op == OP_cmpi);
        return true;
    case OP_cmp:
    case OP_cmpl:
        s = src(c, r->ra, RDX);
        t = src(c, r->rb, RCX);
        emit_alu_rr(b, r->f1, ALU_CMP, s, t);
        cr_from_flags(c, r->rt, r->op == OP_cmp);
        return true;

    case OP_addic: emit_carry_add(c, r, false, CB_IMM, CIN_0, false); return true;
    case OP_addic_rc: emit_carry_add(c, r, false, CB_IMM, CIN_0, true); return true;
    case OP_subfic: emit_carry_add(c, r, true, CB_IMM, CIN_1, false); return true;
    case OP_addc:
    case OP_addc_rc: emit_carry_add(c, r, false, CB_REG, CIN_0, r->op == OP_addc_rc); return true;
    case OP_subfc:
    case OP_subfc_rc: emit_carry_add(c, r, true, CB_REG, CIN_1, r->op == OP_subfc_rc); return true;
    case OP_adde:
    case OP_adde_rc: emit_carry_add(c, r, false, CB_REG, CIN_CA, r->op == OP_adde_rc); return true;
    case OP_subfe:
    case OP_subfe_rc: emit_carry_add(c, r, true, CB_REG, CIN_CA, r->op == OP_subfe_rc); return true;
    case OP_addze:
    case OP_addze_rc:
        emit_carry_add(c, r, false, CB_ZERO, CIN_CA, r->op == OP_addze_rc);
        return true;
    case OP_subfze:
    case OP_subfze_rc:
        emit_carry_add(c, r, true, CB_ZERO, CIN_CA, r->op == OP_subfze_rc);
        return true;
    case OP_addme:
    case OP_addme_rc:
        emit_carry_add(c, r, false, CB_ONES, CIN_CA, r->op == OP_addme_rc);
        return true;
    case OP_subfme:
    case OP_subfme_rc:
        emit_carry_add(c, r, true, CB_ONES, CIN_CA, r->op == OP_subfme_rc);
        return true;

    case OP_isel: {
        /* RT = CR bit BC ? RA|0 : RB (Book I 3.3.12). */
        int a;
        emit_mov_rr(b, 1, RAX, src(c, r->rb, RCX));
        if (r->ra) {
            a = src(c, r->ra, RDX);
        } else {
            emit_mov_ri(b, RDX, 0);
            a = RDX;
        }
        emit_test_m8i(b, R15, OFF(cr) + (r->rc >> 2), (uint8_t)(8u >> (r->rc & 3)));
        emit_cmov(b, 1, CC_NE, RAX, a);
        put(c, r->rt, RAX);
        return true;
    }

    case OP_mfspr: put(c, r->rt, src(c, r->uimm == SPR_LR ? G_LR : G_CTR, RDX)); return true;
    case OP_mtspr: put(c, r->uimm == SPR_LR ? G_LR : G_CTR, src(c, r->rt, RDX)); return true;
    default:
        if (emit_fp_inline(c, r, slot))
            return true;
        if (jit_run_handles(r->op)) {
            emit_run_insn(c, r, slot);
            return true;
        }
        return false;
    }
}

/* LR = the address after slot `slot` (bl, bctrl): entry nip + delta. */
static void set_lr_next(struct jit_ctx *c, unsigned slot)
{
    emit_load(&c->b, 1, RAX, R15, X86_NOREG, OFF(nip));
    emit_alu_ri(&c->b, 1, ALU_ADD, RAX, delta_of(c, slot + 1));
    put(c, G_LR, RAX);
}

/* A taken relative branch to slot `target` (may be outside the page:
 * delta only): back to the block's start loops in host code. */
static void branch_to(struct jit_ctx *c, int cc, unsigned slot, int64_t disp)
{
    int64_t target = (int64_t)slot + disp / 4;

    if (target == (int64_t)c->first) {
        uint8_t *skip = NULL;
        if (cc >= 0) /* not taken: fall out */
            skip = emit_jcc(&c->b, (enum x86_cc)(cc ^ 1), NULL);
        emit_cmp_m32i8(&c->b, R15, OFF(attention), 0);
        exit_jump(c, CC_NE, 0, JIT_CONTINUE);
        emit_jmp(&c->b, c->loop_head);
        if (skip)
            x86_patch(&c->b, skip, c->b.p);
        return;
    }
    exit_to_slot(c, cc, target);
}

/*
 * blr/bctr to the target in rcx.  A target in this page whose slot starts
 * a block is jumped to directly (the table jit_page.chain, read at run
 * time: the block may be compiled after this one); anything else returns
 * to the executor.
 */
static void branch_indirect(struct jit_ctx *c)
{
    struct x86_buf *b = &c->b;
    static const uint8_t mov_load = 0x8b;

    emit_load(b, 1, RAX, R15, X86_NOREG, OFF(nip)); /* this block's address */
    emit_alu_rr(b, 1, ALU_XOR, RAX, RCX);
    emit_shift_ri(b, 1, SH_SHR, RAX, 12);
    emit_store(b, 8, RCX, R15, X86_NOREG, OFF(nip));
    exit_jump(c, CC_NE, 0, JIT_CONTINUE | EXIT_ABS); /* another page */
    emit_mov_rr(b, 0, RAX, RCX);
    emit_alu_ri(b, 0, ALU_AND, RAX, 0xffc);
    emit_mov_ri(b, RDX, (uint64_t)(uintptr_t)c->jp->chain);
    x86_rm(b, 1, &mov_load, 1, RDX, RDX, RAX, 2, 0, 0); /* rdx = chain[slot] */
    emit_test_rr(b, 1, RDX, RDX);
    exit_jump(c, CC_E, 0, JIT_CONTINUE | EXIT_ABS); /* no block there (yet) */
    write_back(c);
    emit_cmp_m32i8(b, R15, OFF(attention), 0);
    exit_jump(c, CC_NE, 0, JIT_CONTINUE | EXIT_ABS);
    emit_jmp_reg(b, RDX);
}

/* The block's final branch at `slot`. */
static void emit_branch(struct jit_ctx *c, const struct insn *r, unsigned slot)
{
    struct x86_buf *b = &c->b;
    int ctr;

    switch (r->op) {
    case OP_bl: set_lr_next(c, slot); /* fall through */
    case OP_b:                        /* AA = 0: ba and bla are other ops */
    case OP_bc_always: branch_to(c, -1, slot, r->simm); return;
    case OP_bt:
    case OP_bf:
        emit_test_m8i(b, R15, OFF(cr) + r->f2, r->f1);
        branch_to(c, r->op == OP_bt ? CC_NE : CC_E, slot, r->simm);
        break;
    case OP_bdnz:
    case OP_bdz:
        ctr = c->host[G_CTR];
        if (ctr < 0) {
            emit_load(b, 1, RAX, R15, X86_NOREG, OFF(ctr));
            emit_alu_ri(b, 1, ALU_SUB, RAX, 1);
            emit_store(b, 8, RAX, R15, X86_NOREG, OFF(ctr));
            emit_test_rr(b, 1, RAX, RAX);
        } else {
            emit_alu_ri(b, 1, ALU_SUB, ctr, 1);
            c->written |= 1ull << G_CTR;
        }
        branch_to(c, r->op == OP_bdnz ? CC_NE : CC_E, slot, r->simm);
        break;
    case OP_bclr:
    case OP_bcctr:
    case OP_bcctrl:
        /* The target first: bctrl's LR comes from nip, then nip = target. */
        emit_mov_rr(b, 1, RCX, src(c, r->op == OP_bclr ? G_LR : G_CTR, RCX));
        emit_alu_ri(b, 1, ALU_AND, RCX, -4);
        if (r->op == OP_bcctrl)
            set_lr_next(c, slot);
        branch_indirect(c);
        return;
    default: c->failed = true; return;
    }
    /* Not taken: the next instruction. */
    exit_to_slot(c, -1, (int64_t)slot + 1);
}

/* Picks host registers for the guest registers the block uses most. */
static void allocate(struct jit_ctx *c, const unsigned count[G_NUM], bool calls)
{
    bool taken[G_NUM] = {false};
    const int8_t *pool_ = calls ? pool_calls : pool;

    memset(c->host, -1, sizeof(c->host));
    for (unsigned i = 0; i < sizeof(pool); i++) {
        int best = -1;
        for (unsigned g = 0; g < G_NUM; g++)
            if (count[g] && !taken[g] && (best < 0 || count[g] > count[best]))
                best = (int)g;
        if (best < 0)
            break;
        taken[best] = true;
        c->host[best] = pool_[i];
    }
}

/* Stores back every cached register the block writes. */
static void write_back(struct jit_ctx *c)
{
    for (unsigned g = 0; g < G_NUM; g++)
        if (c->host[g] >= 0 && (c->written >> g & 1))
            emit_store(&c->b, 8, c->host[g], R15, X86_NOREG, gpr_off(g));
}

/* Points a chaining jump at a block's entry past its prologue. */
static void link_patch(uint8_t *field, const uint8_t *entry)
{
    uint32_t rel = (uint32_t)(entry - (field + 4));
    memcpy(field, &rel, 4);
}

/* Records new chaining jumps: those whose target already has a block are
 * patched now, the others wait for jit_page_resolve. */
static bool jit_page_link(struct jit_page *jp, const struct jit_link *l, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (jp->chain[l[i].target]) {
            link_patch(l[i].field, jp->chain[l[i].target]);
            continue;
        }
        if (jp->nlinks == jp->cap) {
            unsigned cap = jp->cap ? 2 * jp->cap : 64;
            struct jit_link *nl = realloc(jp->links, cap * sizeof(*nl));
            if (!nl)
                return false;
            jp->links = nl;
            jp->cap = cap;
        }
        jp->links[jp->nlinks++] = l[i];
    }
    return true;
}

/* A block now starts at `slot`: patch the jumps waiting for it. */
static void jit_page_resolve(struct jit_page *jp, unsigned slot)
{
    unsigned k = 0;
    for (unsigned i = 0; i < jp->nlinks; i++) {
        if (jp->links[i].target == slot)
            link_patch(jp->links[i].field, jp->chain[slot]);
        else
            jp->links[k++] = jp->links[i];
    }
    jp->nlinks = k;
}

void jit_page_free(struct jit_page *jp)
{
    if (!jp)
        return;
    free(jp->links);
    free(jp);
}

/*
 * PETREL_PERF_MAP=1 in the environment: every compiled block is appended
 * to /tmp/perf-PID.map, the file `perf report` reads to name JIT code, as
 * "ppc@PA" -- the guest physical address of the block's first
 * instruction -- so host profiles show which guest code ran compiled
 * (bench/README.md: profiling the boot).
 */
static pthread_mutex_t perf_map_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *perf_map;
static int perf_map_state; /* 0 not checked, 1 on, -1 off */

static void perf_map_note(const uint8_t *code, size_t len, uint64_t pa)
{
    pthread_mutex_lock(&perf_map_lock);
    if (!perf_map_state) {
        const char *e = getenv("PETREL_PERF_MAP");
        char path[64];

        perf_map_state = -1;
        if (e && *e && strcmp(e, "0")) {
            snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
            perf_map = fopen(path, "w");
            if (perf_map)
                perf_map_state = 1;
        }
    }
    if (perf_map_state > 0) {
        fprintf(perf_map, "%" PRIxPTR " %zx ppc@%" PRIx64 "\n", (uintptr_t)code, len, pa);
        fflush(perf_map);
    }
    pthread_mutex_unlock(&perf_map_lock);
}

jit_block_fn jit_compile(struct jit *j, struct code_page *page, unsigned slot)
{
    struct jit_ctx *c;
    unsigned count[G_NUM] = {0}, n = 0, nfp = 0, end;
    uint8_t *code, *common_exit, *ret0, *chain_entry;
    struct jit_page *jp = page->jit;
    bool ends_in_branch = false, calls = false;

    if (j->full || !jp)
        return NULL;
    if (JIT_AREA_SIZE - j->used < JIT_BLOCK_ROOM) {
        j->full = true;
        return NULL;
    }
    /* Which instructions: decode lazily-decoded slots as the executor would. */
    for (end = slot; end < CODE_PAGE_SLOTS && n < JIT_BLOCK_MAX; end++, n++) {
        struct insn *r = &page->rec[end];
        uint64_t use;

        if (r->op == OP_decode) {
            uint32_t w;
            memcpy(&w, page->host + end * 4, 4);
            ppc_decode(page->le ? w : __builtin_bswap32(w), r);
            ppc_specialize(r, end);
            r->handler = interp_op_handlers[r->op];
        }
        if (!insn_regs(r, &use))
            break;
        if (jit_run_handles(r->op)) {
            if (nfp == JIT_BLOCK_FP)
                break;
            nfp++;
            calls = true;
        }
        for (unsigned g = 0; g < G_NUM; g++)
            count[g] += (use >> g) & 1;
        if (is_branch(r->op)) {
            ends_in_branch = true;
            end++;
            break;
        }
    }
    if (end == slot)
        return NULL;

    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    code = j->area + j->used;
    c->b = (struct x86_buf){code, code + JIT_BLOCK_ROOM, false};
    c->le = page->le;
    c->first = slot;
    c->jp = jp;
    c->fma = j->fma;
    allocate(c, count, calls);

    for (unsigned i = 0; i < sizeof(saved); i++)
        emit_push(&c->b, saved[i]);
    emit_alu_ri(&c->b, 1, ALU_SUB, RSP, 8); /* rsp 16-byte aligned for calls */
    emit_mov_rr(&c->b, 1, R15, RDI);
    chain_entry = c->b.p;
    for (unsigned g = 0; g < G_NUM; g++)
        if (c->host[g] >= 0)
            emit_load(&c->b, 1, c->host[g], R15, X86_NOREG, gpr_off(g));
    c->loop_head = c->b.p;

    for (unsigned s = slot; s < end && !c->failed; s++) {
        const struct insn *r = &page->rec[s];
        if (ends_in_branch && s == end - 1)
            emit_branch(c, r, s);
        else if (!emit_insn(c, r, s))
            c->failed = true;
    }
    /* Stopped before an instruction it cannot translate (no block starts
     * there), at the size limit or at the page end. */
    if (!ends_in_branch)
        exit_to_slot(c, -1, end);

    /*
     * Exit stubs, then the common exit.  A stub to a slot of this page
     * stores the registers back itself and ends in a jump that goes to
     * `ret0` until a block starts at that slot, then straight into that
     * block past its prologue (chaining: struct jit_link).  It checks
     * cpu->attention first, so a loop made of several blocks still
     * notices a kick.
     */
    {
        uint8_t *to_common[JIT_MAX_EXITS], *to_ret0[JIT_MAX_EXITS][2];
        unsigned nlinks = 0;

        for (unsigned i = 0; i < c->nexits; i++) {
            const struct jit_exit *e = &c->exits[i];
            x86_patch(&c->b, e->field, c->b.p);
            if (!(e->kind & EXIT_ABS) && e->delta)
                emit_alu_mi(&c->b, 1, ALU_ADD, R15, OFF(nip), e->delta);
            to_common[i] = to_ret0[i][0] = to_ret0[i][1] = NULL;
            if (e->kind & EXIT_CHAIN) {
                write_back(c);
                emit_cmp_m32i8(&c->b, R15, OFF(attention), 0);
                to_ret0[i][0] = emit_jcc(&c->b, CC_NE, NULL);
                to_ret0[i][1] = emit_jmp(&c->b, NULL);
                c->links[nlinks++] =
                    (struct jit_link){to_ret0[i][1], (uint16_t)((int)c->first + e->delta / 4)};
                continue;
            }
            emit_mov_ri(&c->b, RAX, (uint64_t)(e->kind & EXIT_HOW));
            to_common[i] = emit_jmp(&c->b, NULL);
        }
        /* The common exit: eax is set; store back, restore, return. */
        common_exit = c->b.p;
        write_back(c);
        emit_alu_ri(&c->b, 1, ALU_ADD, RSP, 8);
        for (unsigned i = sizeof(saved); i-- > 0;)
            emit_pop(&c->b, saved[i]);
        emit_ret(&c->b);
        /* ret0: registers already stored back; return JIT_CONTINUE. */
        ret0 = c->b.p;
        emit_mov_ri(&c->b, RAX, JIT_CONTINUE);
        emit_alu_ri(&c->b, 1, ALU_ADD, RSP, 8);
        for (unsigned i = sizeof(saved); i-- > 0;)
            emit_pop(&c->b, saved[i]);
        emit_ret(&c->b);
        for (unsigned i = 0; i < c->nexits; i++) {
            x86_patch(&c->b, to_common[i], common_exit);
            x86_patch(&c->b, to_ret0[i][0], ret0);
            x86_patch(&c->b, to_ret0[i][1], ret0);
        }
        if (c->failed || c->b.failed || !jit_page_link(jp, c->links, nlinks)) {
            free(c);
            return NULL;
        }
    }
    /* Exits of earlier blocks waiting for this slot now jump here. */
    jp->chain[slot] = chain_entry;
    jit_page_resolve(jp, slot);
    perf_map_note(code, (size_t)(c->b.p - code), page->pa + 4ull * slot);
    j->used += (size_t)(c->b.p - code);
    j->used = (j->used + 15) & ~(size_t)15;
    j->blocks++;
    free(c);
    return (jit_block_fn)(void *)code;
}

#else /* not x86-64: no block compiler */

struct jit *jit_new(void)
{
    return NULL;
}
void jit_free(struct jit *j)
{
    (void)j;
}
void jit_reset(struct jit *j)
{
    (void)j;
}
void jit_page_free(struct jit_page *jp)
{
    free(jp);
}
bool jit_full(const struct jit *j)
{
    (void)j;
    return true;
}
jit_block_fn jit_compile(struct jit *j, struct code_page *page, unsigned slot)
{
    (void)j;
    (void)page;
    (void)slot;
    return NULL;
}
uint64_t jit_blocks_compiled(const struct jit *j)
{
    (void)j;
    return 0;
}
uint64_t jit_resets(const struct jit *j)
{
    (void)j;
    return 0;
}

#endif
