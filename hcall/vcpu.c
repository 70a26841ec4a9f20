/*
 * Shared-processor hcalls: H_CEDE, H_PROD, H_CONFER and H_REGISTER_VPA
 * (LoPAPR 14.11.3; spec/hcalls.md §3.2, §6).  Target processors are
 * named by their hardware id, which in petrel is the vCPU index (PIR).
 */
#include <sched.h>
#include <string.h>

#include <petrel/papr.h>

#include "../vmm/cpu/cpu.h"
#include "../vmm/machine.h"
#include "../vmm/memory.h"
#include "hcall.h"

#define MSR_EE (1ull << 15)

/* Give up the vCPU until an interrupt or H_PROD; returns as if MSR[EE]
 * were set, so the waking interrupt is taken right after the sc. */
int64_t h_cede(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    const struct cpu_backend *be = machine_backend(env->machine);
    struct cpu *cpu = machine_cpu(env->machine, env->vcpu);
    struct cpu_regs regs;

    (void)args;
    (void)out;
    be->get_regs(cpu, &regs);
    regs.msr |= MSR_EE;
    be->set_regs(cpu, &regs);
    machine_cede(env->machine, env->vcpu);
    return H_SUCCESS;
}

/* r4 = target: wake it from H_CEDE, or make its next H_CEDE return. */
int64_t h_prod(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    if (args[0] >= machine_vcpu_count(env->machine))
        return H_PARAMETER;
    machine_prod(env->machine, (unsigned)args[0]);
    return H_SUCCESS;
}

static int read_be(struct guest_mem *mem, uint64_t pa, unsigned n, uint64_t *val)
{
    uint64_t v = 0;

    if (!guest_ram_contains(mem, pa, n))
        return -1;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | mem->ram[pa + i];
    *val = v;
    return 0;
}

/*
 * r4 = target (-1: any), r5 = the target's dispatch count.  Conferring to
 * oneself waits for H_PROD or an interrupt; to another vCPU it yields the
 * host thread, unless the target's VPA shows it has run since (its yield
 * count no longer matches).
 */
int64_t h_confer(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct machine *m = env->machine;
    int64_t target = (int64_t)args[0];

    (void)out;
    if (target == -1) {
        sched_yield();
        return H_SUCCESS;
    }
    if (target < 0 || (uint64_t)target >= machine_vcpu_count(m))
        return H_PARAMETER;
    if ((unsigned)target == env->vcpu) {
        machine_cede(m, env->vcpu);
        return H_SUCCESS;
    }
    {
        struct papr_vcpu *p = machine_papr_vcpu(m, (unsigned)target);
        uint64_t yield_count;
        if (p->vpa &&
            read_be(machine_mem(m), p->vpa + VPA_YIELD_COUNT_OFFSET, 4, &yield_count) == 0 &&
            yield_count != (uint32_t)args[1])
            return H_SUCCESS;
    }
    sched_yield();
    return H_SUCCESS;
}

/* An area at pa whose size field is n bytes at offset VPA_SIZE_OFFSET. */
static int64_t area_size(struct guest_mem *mem, uint64_t pa, unsigned n, uint64_t *size)
{
    if (read_be(mem, pa + VPA_SIZE_OFFSET, n, size) != 0)
        return H_PARAMETER;
    return H_SUCCESS;
}

static int64_t register_vpa(struct machine *m, struct papr_vcpu *p, uint64_t addr)
{
    struct guest_mem *mem = machine_mem(m);
    uint64_t size;
    uint8_t status;

    if (addr == 0)
        return H_HARDWARE;
    if (addr % 128) /* cache-line aligned */
        return H_PARAMETER;
    if (area_size(mem, addr, 2, &size) != H_SUCCESS || size < VPA_MIN_SIZE)
        return H_PARAMETER;
    /* It may not cross a 4 KiB page, and must be memory. */
    if ((addr >> 12) != ((addr + size - 1) >> 12) || !guest_ram_contains(mem, addr, size))
        return H_PARAMETER;
    p->vpa = addr;
    /* Mark the processor shared, as QEMU's pseries does. */
    status = mem->ram[addr + VPA_SHARED_PROC_OFFSET] | VPA_SHARED_PROC_VAL;
    guest_ram_write(mem, addr + VPA_SHARED_PROC_OFFSET, &status, 1);
    return H_SUCCESS;
}

static int64_t register_area(struct machine *m, struct papr_vcpu *p, uint64_t addr, uint64_t min,
                             bool page_bound, uint64_t *slot)
{
    struct guest_mem *mem = machine_mem(m);
    uint64_t size;

    if (addr == 0)
        return H_HARDWARE;
    if (area_size(mem, addr, 4, &size) != H_SUCCESS || size < min ||
        !guest_ram_contains(mem, addr, size))
        return H_PARAMETER;
    if (page_bound && (addr >> 12) != ((addr + size - 1) >> 12))
        return H_PARAMETER;
    if (!p->vpa)
        return H_RESOURCE;
    *slot = addr;
    return H_SUCCESS;
}

/* r4 = flags (sub-function in bits 45:47), r5 = target, r6 = address. */
int64_t h_register_vpa(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct machine *m = env->machine;
    struct papr_vcpu *p;
    uint64_t addr = args[2];

    (void)out;
    if (args[1] >= machine_vcpu_count(m))
        return H_PARAMETER;
    p = machine_papr_vcpu(m, (unsigned)args[1]);
    switch ((args[0] >> H_VPA_FUNC_SHIFT) & 7) {
    case H_VPA_REG_VPA: return register_vpa(m, p, addr);
    case H_VPA_REG_DTL: return register_area(m, p, addr, DTL_MIN_SIZE, false, &p->dtl);
    case H_VPA_REG_SLB: return register_area(m, p, addr, SLB_SHADOW_MIN_SIZE, true, &p->slb_shadow);
    case H_VPA_DEREG_VPA:
        /* The DTL and SLB shadow hang off the VPA: they go first. */
        if (p->dtl || p->slb_shadow)
            return H_RESOURCE;
        p->vpa = 0;
        return H_SUCCESS;
    case H_VPA_DEREG_DTL: p->dtl = 0; return H_SUCCESS;
    case H_VPA_DEREG_SLB: p->slb_shadow = 0; return H_SUCCESS;
    default: return H_PARAMETER;
    }
}
