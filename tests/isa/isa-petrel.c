/*
 * Replays test vectors on petrel's interpreter (isa-petrel.h).
 *
 * Guest RAM is 16 MiB at 0, which holds ISA_SEQ, ISA_MEM and ISA_CTXP.
 * The entry branch and the sequence are written as the harness writes
 * them (isa.h).
 * Every interrupt vector holds `sc 1` (in the interrupt byte order), and
 * so does the word after the sequence, so a run always ends in an hcall
 * exit: at the end of the sequence, or at the vector of the interrupt
 * that stopped it.  A watchdog thread kicks the vCPU if one run takes
 * more than two seconds (the generator only makes sequences that end).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa-petrel.h"
#include "vmm/cpu/interp/fpu.h"
#include "vmm/cpu/interp/ppc.h"
#include "vmm/memory.h"

#define RAM_SIZE (16u << 20)
#define SC1      0x44000022u

struct petrel_replay {
    struct guest_mem mem;
    struct ppc_cpu *cpu;
    int le;
    uint64_t end; /* address of the sc 1 after the sequence */
    uint64_t vector, stop;
    /* watchdog */
    pthread_t wd;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t runs;
    int running, quit, kicked;
};

static void put32(uint8_t *p, uint32_t w, int le)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(le ? w >> (8 * i) : w >> (24 - 8 * i));
}

static void *watchdog(void *arg)
{
    struct petrel_replay *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->quit) {
        uint64_t seen = p->runs;
        int was_running = p->running;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 2;
        pthread_cond_timedwait(&p->cond, &p->lock, &ts);
        if (!p->quit && was_running && p->running && p->runs == seen) {
            p->kicked = 1;
            cpu_interp_backend.kick((struct cpu *)p->cpu);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct petrel_replay *petrel_replay_new(int le)
{
    struct petrel_replay *p = calloc(1, sizeof(*p));
    uint8_t w[4];

    if (!p || guest_mem_init(&p->mem, RAM_SIZE))
        abort();
    p->cpu = (struct ppc_cpu *)cpu_interp_backend.create(&p->mem, 0, 0x004e1202);
    if (!p->cpu)
        abort();
    p->le = le;
    cpu_interp_backend.set_lpcr((struct cpu *)p->cpu, LPCR_ILE, le ? LPCR_ILE : 0);
    put32(w, SC1, le);
    for (unsigned v = 0x100; v < 0x1000; v += 0x20)
        guest_ram_write(&p->mem, v, w, 4);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    if (pthread_create(&p->wd, NULL, watchdog, p))
        abort();
    return p;
}

void petrel_replay_free(struct petrel_replay *p)
{
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->wd, NULL);
    cpu_interp_backend.destroy((struct cpu *)p->cpu);
    guest_mem_destroy(&p->mem);
    free(p);
}

struct ppc_cpu *petrel_replay_cpu(struct petrel_replay *p)
{
    return p->cpu;
}

uint64_t petrel_replay_vector(struct petrel_replay *p)
{
    return p->vector;
}

struct guest_mem *petrel_replay_mem(struct petrel_replay *p)
{
    return &p->mem;
}

uint64_t petrel_replay_stop(struct petrel_replay *p)
{
    return p->stop;
}

/* The signal Linux delivers for an interrupt (arch/powerpc/kernel/traps.c). */
static uint64_t signal_of(uint64_t vector, uint64_t srr1)
{
    switch (vector) {
    case VEC_PROGRAM:
        if (srr1 & SRR1_PROG_TRAP)
            return 5; /* SIGTRAP */
        if (srr1 & SRR1_PROG_FP)
            return 8;             /* SIGFPE */
        return 4;                 /* SIGILL */
    case VEC_ALIGNMENT: return 7; /* SIGBUS */
    case VEC_DSI:
    case VEC_DSEG:
    case VEC_ISI:
    case VEC_ISEG: return 11; /* SIGSEGV */
    default: return 1000 + vector;
    }
}

const char *petrel_replay_run(struct petrel_replay *p, const struct isa_vec *v, struct isa_res *res)
{
    struct ppc_cpu *cpu = p->cpu;
    uint8_t code[4 * (ISA_MAX_INSN + 1)];
    unsigned n = (unsigned)v->n;

    if (v->at != ISA_SEQ) {
        put32(code, 0x48000000u | (uint32_t)((v->at - ISA_SEQ) & 0x03fffffc), p->le); /* b at */
        guest_ram_write(&p->mem, ISA_SEQ, code, 4);
    }
    for (unsigned i = 0; i < n; i++)
        put32(code + 4 * i, v->insn[i], p->le);
    put32(code + 4 * n, SC1, p->le);
    guest_ram_write(&p->mem, v->at, code, 4 * (n + 1));
    guest_ram_write(&p->mem, ISA_MEM, v->mem, ISA_MEM_SIZE);

    memcpy(cpu->gpr, v->in.gpr, sizeof(cpu->gpr));
    cpu->gpr[1] = ISA_CTXP;
    ppc_set_cr(cpu, (uint32_t)v->in.cr);
    ppc_set_xer(cpu, v->in.xer);
    cpu->lr = v->in.lr;
    cpu->ctr = v->in.ctr;
    cpu->tar = v->in.tar;
    cpu->vrsave = v->in.vrsave;
    for (unsigned i = 0; i < 64; i++) {
        VSR_D(cpu->vsr[i], 0) = v->in.vsr[i][0];
        VSR_D(cpu->vsr[i], 1) = v->in.vsr[i][1];
    }
    /* As the harness's mtfsf (L=1) and mtvscr store them. */
    cpu->fpscr = fpscr_store(0, ~0ull, v->in.fpscr);
    cpu->vscr = (uint32_t)v->in.vscr & (VSCR_NJ | VSCR_SAT);
    cpu->fscr |= 1ull << FSCR_TAR_LG;
    cpu->resv_size = 0;
    /* FP, VMX and VSX on; FP-enabled exceptions interrupt, as qemu-user
     * always takes them (a Linux process that asked with prctl). */
    ppc_store_msr(cpu,
                  MSR_SF | MSR_FP | MSR_VEC | MSR_VSX | MSR_FE0 | MSR_FE1 | (p->le ? MSR_LE : 0));
    cpu->nip = ISA_SEQ;
    p->end = v->at + 4ull * n;
    return petrel_replay_resume(p, res);
}

const char *petrel_replay_resume(struct petrel_replay *p, struct isa_res *res)
{
    struct ppc_cpu *cpu = p->cpu;
    struct cpu_exit ex;
    uint64_t stop;
    const char *err = NULL;

    p->vector = 0;
    p->stop = 0;
    pthread_mutex_lock(&p->lock);
    p->running = 1;
    p->runs++;
    pthread_mutex_unlock(&p->lock);
    cpu_interp_backend.run((struct cpu *)cpu, &ex);
    pthread_mutex_lock(&p->lock);
    p->running = 0;
    if (p->kicked) {
        p->kicked = 0;
        err = "did not stop within 2 s (kicked)";
    }
    pthread_mutex_unlock(&p->lock);

    memset(res, 0, sizeof(*res));
    memcpy(res->out.gpr, cpu->gpr, sizeof(cpu->gpr));
    res->out.cr = ppc_get_cr(cpu);
    res->out.xer = ppc_get_xer(cpu);
    res->out.lr = cpu->lr;
    res->out.ctr = cpu->ctr;
    res->out.tar = cpu->tar;
    res->out.vrsave = cpu->vrsave;
    res->out.fpscr = cpu->fpscr;
    res->out.vscr = cpu->vscr;
    for (unsigned i = 0; i < 64; i++) {
        res->out.vsr[i][0] = VSR_D(cpu->vsr[i], 0);
        res->out.vsr[i][1] = VSR_D(cpu->vsr[i], 1);
    }
    memcpy(res->mem, p->mem.ram + ISA_MEM, ISA_MEM_SIZE);
    if (err)
        return err;
    if (ex.reason != CPU_EXIT_HCALL)
        return "stopped without reaching sc 1";
    stop = cpu->nip - 4;
    p->stop = stop;
    if (stop == p->end)
        return NULL;
    if (stop >= 0x100 && stop < 0x1000 && !(stop & 0x1f)) {
        p->vector = stop;
        res->out.signo = signal_of(stop, cpu->srr1);
        res->out.nip = cpu->srr0;
        return NULL;
    }
    return "stopped at an unexpected sc 1";
}
