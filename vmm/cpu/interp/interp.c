/*
 * The interpreter as a CPU backend (vmm/cpu/cpu.h).
 */
#include <stdlib.h>
#include <string.h>

#include "codecache.h"
#include "ppc.h"

static void interp_reset(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    uint32_t pvr = cpu->pvr;
    unsigned index = cpu->index;
    struct guest_mem *mem = cpu->mem;
    struct code_cache *cc = cpu->cc;

    /* Everything architected to its power-on value. */
    memset(cpu, 0, sizeof(*cpu));
    cpu->pvr = pvr;
    cpu->pir = index;
    cpu->index = index;
    cpu->mem = mem;
    cpu->cc = cc;
    /* LPCR is the hypervisor's: large decrementer on (spec/cpu.md §2.4). */
    cpu->lpcr = 1ull << 17;
    cpu->msr = ~0ull; /* force ppc_store_msr to recompute everything */
    ppc_store_msr(cpu, 0);
    ppc_tlb_flush(cpu);
    code_cache_flush(cpu->cc);
}

static struct cpu *interp_create(struct guest_mem *mem, unsigned index, uint32_t pvr)
{
    struct ppc_cpu *cpu;

    interp_init_handlers();
    cpu = aligned_alloc(64, (sizeof(*cpu) + 63) & ~(size_t)63);
    if (!cpu)
        return NULL;
    memset(cpu, 0, sizeof(*cpu));
    cpu->mem = mem;
    cpu->index = index;
    cpu->pvr = pvr;
    cpu->cc = code_cache_new(mem);
    if (!cpu->cc) {
        free(cpu);
        return NULL;
    }
    interp_reset((struct cpu *)cpu);
    return (struct cpu *)cpu;
}

static void interp_destroy(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    if (!cpu)
        return;
    code_cache_free(cpu->cc);
    free(cpu);
}

static void interp_run(struct cpu *c, struct cpu_exit *exit)
{
    interp_exec((struct ppc_cpu *)c, exit);
}

static void interp_complete_hcall(struct cpu *c, int64_t ret, const uint64_t out[9])
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    cpu->gpr[3] = (uint64_t)ret;
    memcpy(&cpu->gpr[4], out, 9 * sizeof(uint64_t));
}

static void interp_get_regs(struct cpu *c, struct cpu_regs *r)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    memcpy(r->gpr, cpu->gpr, sizeof(r->gpr));
    r->nip = cpu->nip;
    r->msr = cpu->msr;
    r->lr = cpu->lr;
    r->ctr = cpu->ctr;
    r->xer = ppc_get_xer(cpu);
    r->cr = ppc_get_cr(cpu);
    r->srr0 = cpu->srr0;
    r->srr1 = cpu->srr1;
    memcpy(r->sprg, cpu->sprg, sizeof(r->sprg));
    r->dar = cpu->dar;
    r->dsisr = cpu->dsisr;
    r->pvr = cpu->pvr;
    r->pir = cpu->pir;
}

static void interp_set_regs(struct cpu *c, const struct cpu_regs *r)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;

    memcpy(cpu->gpr, r->gpr, sizeof(r->gpr));
    cpu->nip = r->nip;
    ppc_store_msr(cpu, r->msr);
    cpu->lr = r->lr;
    cpu->ctr = r->ctr;
    ppc_set_xer(cpu, r->xer);
    ppc_set_cr(cpu, r->cr);
    cpu->srr0 = r->srr0;
    cpu->srr1 = r->srr1;
    memcpy(cpu->sprg, r->sprg, sizeof(r->sprg));
    cpu->dar = r->dar;
    cpu->dsisr = r->dsisr;
}

static void interp_kick(struct cpu *c)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_RELEASE);
}

const struct cpu_backend cpu_interp_backend = {
    .name = "interp",
    .create = interp_create,
    .destroy = interp_destroy,
    .run = interp_run,
    .complete_hcall = interp_complete_hcall,
    .get_regs = interp_get_regs,
    .set_regs = interp_set_regs,
    .reset = interp_reset,
    .kick = interp_kick,
};
