/*
 * The vocabulary the handler files (exec_*.inc) are written in, beyond
 * what their includer defines: operands, effective addresses, memory
 * access through the soft TLB, program interrupts.  Two includers: the
 * executor (exec_body.inc) and the block compiler's out-of-line runner
 * (jit_helper.c).  Each defines first, in its own terms, OP(name),
 * NEXT(), CIA(), NIA() and the labels `lookup` (an interrupt was
 * delivered: continue at cpu->nip) and `fault` (a memory access recorded
 * cpu->fault), and has `cpu`, `gpr` and `rec` in scope.
 */
#ifndef PETREL_INTERP_EXEC_VOCAB_H
#define PETREL_INTERP_EXEC_VOCAB_H

#define PROGRAM(cause)                                                                             \
    do {                                                                                           \
        ppc_raise_program(cpu, CIA(), (cause));                                                    \
        goto lookup;                                                                               \
    } while (0)
#define PRIVILEGED()                                                                               \
    do {                                                                                           \
        if (unlikely(cpu->msr & MSR_PR))                                                           \
            PROGRAM(SRR1_PROG_PRIV);                                                               \
    } while (0)
/* Operands. */
#define RT         gpr[rec->rt]
#define RS         gpr[rec->rt]
#define RA         gpr[rec->ra]
#define RB         gpr[rec->rb]
#define RA0        (rec->ra ? gpr[rec->ra] : 0)
#define SET_CR0(v) (cpu->cr[0] = cr0_of(cpu, (v)))
/* Effective addresses, truncated to 32 bits in 32-bit mode (spec/cpu.md §4.2). */
#define EA_D() ((RA0 + (uint64_t)rec->simm) & cpu->ea_mask)
#define EA_X() ((RA0 + RB) & cpu->ea_mask)
/* Memory access through the soft TLB; faults go to `fault`. */
#define LOAD(size, ea, dst)                                                                        \
    do {                                                                                           \
        uint64_t ea_ = (ea), s_;                                                                   \
        void *h_ = tlb_probe(cpu->tlb_read, ea_, size);                                            \
        if (likely(h_)) {                                                                          \
            (dst) = host_load##size(h_, cpu->le);                                                  \
        } else {                                                                                   \
            /* The slow path fills a temporary: taking dst's address would                         \
             * keep it out of a register on the fast path too. */                                  \
            if (!ppc_load_slow(cpu, ea_, size, &s_))                                               \
                goto fault;                                                                        \
            (dst) = s_;                                                                            \
        }                                                                                          \
    } while (0)
#define STORE(size, ea, val)                                                                       \
    do {                                                                                           \
        uint64_t ea_ = (ea);                                                                       \
        void *h_ = tlb_probe(cpu->tlb_write, ea_, size);                                           \
        if (likely(h_))                                                                            \
            host_store##size(h_, (val), cpu->le);                                                  \
        else if (!ppc_store_slow(cpu, ea_, size, (val)))                                           \
            goto fault;                                                                            \
    } while (0)

/* EA of update forms: RA is never 0 there (checked first). */
#define EA_DU() ((RA + (uint64_t)rec->simm) & cpu->ea_mask)
#define EA_XU() ((RA + RB) & cpu->ea_mask)
/* Alignment interrupt, DAR = EA (Book III 7.5.8; spec/cpu.md §2.9). */
#define ALIGNMENT(ea)                                                                              \
    do {                                                                                           \
        cpu->fault.vector = VEC_ALIGNMENT;                                                         \
        cpu->fault.dar = (ea);                                                                     \
        cpu->fault.srr1_bits = 0;                                                                  \
        goto fault;                                                                                \
    } while (0)
/* Invalid instruction forms take the illegal-instruction program
 * interrupt, as QEMU does (Book I "Invalid Instruction Forms"; spec/cpu.md
 * §2.8). */
#define INVALID_IF(cond)                                                                           \
    do {                                                                                           \
        if (unlikely(cond))                                                                        \
            PROGRAM(SRR1_PROG_ILLEGAL);                                                            \
    } while (0)

#endif
