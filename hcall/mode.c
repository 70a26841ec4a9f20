/*
 * Processor-mode hcalls: H_SET_MODE, H_SET_SPRG0, H_SET_DABR/H_SET_XDABR
 * and H_GET_CPU_CHARACTERISTICS (LoPAPR 14.5.4.3; spec/hcalls.md §3.2, §5).
 *
 * Not emulated: data and instruction breakpoint registers (DABR, DAWR,
 * CIABR).  The hcalls that would program them answer as QEMU does on a CPU
 * without the register (H_HARDWARE, H_P2), so a guest knows it has none.
 */
#include <petrel/papr.h>

#include "../vmm/cli.h"
#include "../vmm/cpu/cpu.h"
#include "../vmm/machine.h"
#include "hcall.h"

static void set_lpcr_all(struct machine *m, uint64_t mask, uint64_t value)
{
    const struct cpu_backend *be = machine_backend(m);

    /* H_SET_MODE's LE and AIL are partition-wide (spec/hcalls.md §7). */
    for (unsigned i = 0; i < machine_vcpu_count(m); i++)
        be->set_lpcr(machine_cpu(m, i), mask, value);
}

/* r4 = mflags, r5 = resource, r6 = value1, r7 = value2. */
int64_t h_set_mode(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint64_t mflags = args[0], resource = args[1], value1 = args[2], value2 = args[3];

    (void)out;
    switch (resource) {
    case H_SET_MODE_RESOURCE_LE:
        if (value1)
            return H_P3;
        if (value2)
            return H_P4;
        if (mflags > 1)
            return H_UNSUPPORTED_FLAG;
        set_lpcr_all(env->machine, CPU_LPCR_ILE, mflags ? CPU_LPCR_ILE : 0);
        return H_SUCCESS;
    case H_SET_MODE_RESOURCE_ADDR_TRANS:
        if (value1)
            return H_P3;
        if (value2)
            return H_P4;
        /* AIL=1 is reserved on POWER8/9; the field has two bits. */
        if (mflags == 1 || mflags > 3)
            return H_UNSUPPORTED_FLAG;
        set_lpcr_all(env->machine, CPU_LPCR_AIL, mflags << 23);
        return H_SUCCESS;
    case H_SET_MODE_RESOURCE_SET_CIABR:
    case H_SET_MODE_RESOURCE_SET_DAWR0:
    case H_SET_MODE_RESOURCE_SET_DAWR1:
    default: return H_P2;
    }
}

/* r4 = the new SPRG0 of the calling vCPU. */
int64_t h_set_sprg0(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    const struct cpu_backend *be = machine_backend(env->machine);
    struct cpu *cpu = machine_cpu(env->machine, env->vcpu);
    struct cpu_regs regs;

    (void)out;
    be->get_regs(cpu, &regs);
    regs.sprg[0] = args[0];
    be->set_regs(cpu, &regs);
    return H_SUCCESS;
}

int64_t h_set_dabr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)env;
    (void)args;
    (void)out;
    return H_HARDWARE;
}

int64_t h_set_xdabr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)env;
    (void)args;
    (void)out;
    return H_HARDWARE;
}

/*
 * Speculation-safety report, from the cap-cfpc/-sbbc/-ibs machine options
 * (the same encoding QEMU uses).  petrel's defaults are "fixed": an
 * interpreter executes nothing speculatively, so Linux then enables none
 * of its flushes and barriers (spec/cpu.md §2.6).
 */
int64_t h_get_cpu_characteristics(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    const struct machine_config *cfg = machine_config(env->machine);
    uint64_t chars = H_CPU_CHAR_BRANCH_HINTS_HONORED | H_CPU_CHAR_THREAD_RECONFIG_CTRL;
    uint64_t behav = H_CPU_BEHAV_FAVOUR_SECURITY;

    (void)args;
    switch (cfg->cap_cfpc) {
    case CAP_WORKAROUND:
        chars |=
            H_CPU_CHAR_L1D_FLUSH_ORI30 | H_CPU_CHAR_L1D_FLUSH_TRIG2 | H_CPU_CHAR_L1D_THREAD_PRIV;
        behav |= H_CPU_BEHAV_L1D_FLUSH_PR;
        break;
    case CAP_BROKEN: behav |= H_CPU_BEHAV_L1D_FLUSH_PR; break;
    default:
        behav |= H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY | H_CPU_BEHAV_NO_L1D_FLUSH_UACCESS |
                 H_CPU_BEHAV_NO_STF_BARRIER;
        break;
    }
    switch (cfg->cap_sbbc) {
    case CAP_WORKAROUND:
        chars |= H_CPU_CHAR_SPEC_BAR_ORI31;
        behav |= H_CPU_BEHAV_BNDS_CHK_SPEC_BAR;
        break;
    case CAP_BROKEN: behav |= H_CPU_BEHAV_BNDS_CHK_SPEC_BAR; break;
    default: break;
    }
    switch (cfg->cap_ibs) {
    case CAP_WORKAROUND:
        behav |= H_CPU_BEHAV_FLUSH_COUNT_CACHE;
        if (cfg->cap_ccf_assist)
            chars |= H_CPU_CHAR_BCCTR_FLUSH_ASSIST;
        break;
    case CAP_FIXED_IBS: chars |= H_CPU_CHAR_BCCTRL_SERIALISED; break;
    case CAP_FIXED_CCD: chars |= H_CPU_CHAR_COUNT_CACHE_DISABLED; break;
    default: break;
    }
    out[0] = chars;
    out[1] = behav;
    return H_SUCCESS;
}
