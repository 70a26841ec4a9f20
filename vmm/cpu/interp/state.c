/*
 * A vCPU's whole architected state in and out of a snapshot (cpu.h
 * save_state/load_state, vmm/snapshot.h): fixed-point, FP/VMX/VSX, the
 * supervisor SPRs, the SLB, and the timebase and decrementer as values
 * (the timebase continues from the saved value: time the machine spent
 * saved does not pass for the guest).  The reservation is not kept (a
 * stcx. after restore fails, as after any interrupt; Book II 4.4.2), nor
 * are decoded code, soft TLBs or compiled blocks.  The partition's MMU
 * (process table, HPT) is the machine's and comes back through set_mmu.
 */
#include <stdio.h>
#include <string.h>

#include "../../snapshot.h"
#include "codecache.h"
#include "fpu.h"
#include "jit.h"
#include "mmu.h"
#include "ppc.h"

/* Version 1: the layout of struct interp_state below, in this order. */
#define STATE_VERSION 1u

/* LPCR bits petrel sets for a guest (spec/cpu.md §2.4): nothing else may
 * come back from a file. */
#define LPCR_SAVED (LPCR_ILE | LPCR_AIL | LPCR_UPRT | LPCR_HR | LPCR_LD | LPCR_GTSE)

struct interp_state {
    uint64_t gpr[32], nip, msr, lr, ctr, xer;
    uint32_t cr;
    uint64_t vsr[64][2], fpscr;
    uint32_t vscr;
    uint64_t srr0, srr1, sprg[4], dar, cfar, amr, iamr, uamor, pidr, fscr, dscr, ppr, tar;
    uint64_t ctrl, vrsave, lpcr;
    uint32_t dsisr, pvr, pir;
    uint64_t tb;
    int64_t dec;
    uint64_t pmu[15], ebbhr, ebbrr, bescr, tidr, pspb;
    uint64_t slb[32][2];
    uint64_t fwnmi_sreset, fwnmi_mce, fwnmi_area;
    uint64_t icount;
};

/* One walk for both directions: w != NULL writes s, else r reads into s. */
static void walk(struct interp_state *s, struct snap_writer *w, struct snap_reader *r)
{
#define U64(x) (w ? snap_put_u64(w, (uint64_t)(x)) : (void)((x) = (__typeof__(x))snap_get_u64(r)))
#define U32(x) (w ? snap_put_u32(w, (uint32_t)(x)) : (void)((x) = (__typeof__(x))snap_get_u32(r)))
    for (unsigned i = 0; i < 32; i++)
        U64(s->gpr[i]);
    U64(s->nip);
    U64(s->msr);
    U64(s->lr);
    U64(s->ctr);
    U64(s->xer);
    U32(s->cr);
    for (unsigned i = 0; i < 64; i++) {
        U64(s->vsr[i][0]);
        U64(s->vsr[i][1]);
    }
    U64(s->fpscr);
    U32(s->vscr);
    U64(s->srr0);
    U64(s->srr1);
    for (unsigned i = 0; i < 4; i++)
        U64(s->sprg[i]);
    U64(s->dar);
    U64(s->cfar);
    U64(s->amr);
    U64(s->iamr);
    U64(s->uamor);
    U64(s->pidr);
    U64(s->fscr);
    U64(s->dscr);
    U64(s->ppr);
    U64(s->tar);
    U64(s->ctrl);
    U64(s->vrsave);
    U64(s->lpcr);
    U32(s->dsisr);
    U32(s->pvr);
    U32(s->pir);
    U64(s->tb);
    U64(s->dec);
    for (unsigned i = 0; i < 15; i++)
        U64(s->pmu[i]);
    U64(s->ebbhr);
    U64(s->ebbrr);
    U64(s->bescr);
    U64(s->tidr);
    U64(s->pspb);
    for (unsigned i = 0; i < 32; i++) {
        U64(s->slb[i][0]);
        U64(s->slb[i][1]);
    }
    U64(s->fwnmi_sreset);
    U64(s->fwnmi_mce);
    U64(s->fwnmi_area);
    U64(s->icount);
#undef U64
#undef U32
}

void interp_save_state(struct cpu *c, struct snap_writer *w)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    struct interp_state s;

    memset(&s, 0, sizeof(s));
    memcpy(s.gpr, cpu->gpr, sizeof(s.gpr));
    s.nip = cpu->nip;
    s.msr = cpu->msr;
    s.lr = cpu->lr;
    s.ctr = cpu->ctr;
    s.xer = ppc_get_xer(cpu);
    s.cr = ppc_get_cr(cpu);
    for (unsigned i = 0; i < 64; i++) {
        s.vsr[i][0] = VSR_D(cpu->vsr[i], 0);
        s.vsr[i][1] = VSR_D(cpu->vsr[i], 1);
    }
    s.fpscr = cpu->fpscr;
    s.vscr = cpu->vscr;
    s.srr0 = cpu->srr0;
    s.srr1 = cpu->srr1;
    memcpy(s.sprg, cpu->sprg, sizeof(s.sprg));
    s.dar = cpu->dar;
    s.cfar = cpu->cfar;
    s.amr = cpu->amr;
    s.iamr = cpu->iamr;
    s.uamor = cpu->uamor;
    s.pidr = cpu->pidr;
    s.fscr = cpu->fscr;
    s.dscr = cpu->dscr;
    s.ppr = cpu->ppr;
    s.tar = cpu->tar;
    s.ctrl = cpu->ctrl;
    s.vrsave = cpu->vrsave;
    s.lpcr = __atomic_load_n(&cpu->lpcr, __ATOMIC_ACQUIRE) & LPCR_SAVED;
    s.dsisr = cpu->dsisr;
    s.pvr = cpu->pvr;
    s.pir = cpu->pir;
    s.tb = ppc_read_tb(cpu);
    s.dec = ppc_dec_value(cpu);
    memcpy(s.pmu, cpu->pmu, sizeof(s.pmu));
    s.ebbhr = cpu->ebbhr;
    s.ebbrr = cpu->ebbrr;
    s.bescr = cpu->bescr;
    s.tidr = cpu->tidr;
    s.pspb = cpu->pspb;
    for (unsigned i = 0; i < 32; i++) {
        s.slb[i][0] = cpu->slb[i].esid;
        s.slb[i][1] = cpu->slb[i].vsid;
    }
    s.fwnmi_sreset = cpu->fwnmi_sreset;
    s.fwnmi_mce = cpu->fwnmi_mce;
    s.fwnmi_area = cpu->fwnmi_area;
    s.icount = cpu->icount;
    walk(&s, w, NULL);
}

int interp_load_state(struct cpu *c, struct snap_reader *r, unsigned version, bool apply, char *err,
                      size_t errlen)
{
    struct ppc_cpu *cpu = (struct ppc_cpu *)c;
    struct interp_state s;
    uint64_t now;

    if (version != STATE_VERSION) {
        snprintf(err, errlen, "vCPU %u: state version %u, this petrel reads %u", cpu->index,
                 version, STATE_VERSION);
        return -1;
    }
    memset(&s, 0, sizeof(s));
    walk(&s, NULL, r);
    if (!snap_reader_done(r)) {
        snprintf(err, errlen, "vCPU %u: state is %zu bytes, not what version %u holds", cpu->index,
                 r->len, version);
        return -1;
    }
    if (s.pvr != cpu->pvr || s.pir != cpu->pir) {
        snprintf(err, errlen, "vCPU %u: saved as PVR 0x%08x PIR %u, this one is 0x%08x %u",
                 cpu->index, s.pvr, s.pir, cpu->pvr, cpu->pir);
        return -1;
    }
    if ((s.msr & ~MSR_GUEST_MASK) || (s.lpcr & ~LPCR_SAVED)) {
        snprintf(err, errlen, "vCPU %u: MSR 0x%llx or LPCR 0x%llx has bits a guest cannot hold",
                 cpu->index, (unsigned long long)s.msr, (unsigned long long)s.lpcr);
        return -1;
    }
    for (unsigned i = 0; i < 32; i++) {
        if (!ppc_slb_entry_ok(s.slb[i][0], s.slb[i][1])) {
            snprintf(err, errlen, "vCPU %u: SLB entry %u has a form slbmte cannot write",
                     cpu->index, i);
            return -1;
        }
    }
    if (!apply)
        return 0;

    /* LPCR first: it decides DEC's width and the translation regime. */
    __atomic_store_n(&cpu->lpcr, s.lpcr, __ATOMIC_RELEASE);
    memcpy(cpu->gpr, s.gpr, sizeof(s.gpr));
    cpu->nip = s.nip;
    cpu->msr = ~0ull; /* ppc_store_msr recomputes every cached mode flag */
    ppc_store_msr(cpu, s.msr);
    cpu->lr = s.lr;
    cpu->ctr = s.ctr;
    ppc_set_xer(cpu, s.xer);
    ppc_set_cr(cpu, s.cr);
    for (unsigned i = 0; i < 64; i++) {
        VSR_D(cpu->vsr[i], 0) = s.vsr[i][0];
        VSR_D(cpu->vsr[i], 1) = s.vsr[i][1];
    }
    cpu->fpscr = fpscr_store(0, ~0ull, s.fpscr); /* as mtfsf L=1: defined bits only */
    cpu->vscr = s.vscr & (VSCR_NJ | VSCR_SAT);
    cpu->srr0 = s.srr0;
    cpu->srr1 = s.srr1;
    memcpy(cpu->sprg, s.sprg, sizeof(s.sprg));
    cpu->dar = s.dar;
    cpu->cfar = s.cfar;
    cpu->amr = s.amr;
    cpu->iamr = s.iamr;
    cpu->uamor = s.uamor;
    cpu->pidr = s.pidr;
    cpu->fscr = s.fscr;
    cpu->dscr = s.dscr;
    cpu->ppr = s.ppr;
    cpu->tar = s.tar;
    cpu->ctrl = s.ctrl;
    cpu->vrsave = s.vrsave;
    cpu->dsisr = s.dsisr;
    memcpy(cpu->pmu, s.pmu, sizeof(s.pmu));
    cpu->ebbhr = s.ebbhr;
    cpu->ebbrr = s.ebbrr;
    cpu->bescr = s.bescr;
    cpu->tidr = s.tidr;
    cpu->pspb = s.pspb;
    for (unsigned i = 0; i < 32; i++) {
        cpu->slb[i].esid = s.slb[i][0];
        cpu->slb[i].vsid = s.slb[i][1];
    }
    cpu->fwnmi_sreset = s.fwnmi_sreset;
    cpu->fwnmi_mce = s.fwnmi_mce;
    cpu->fwnmi_area = s.fwnmi_area;
    cpu->icount = s.icount;
    /* The timebase goes on from the saved value; DEC from its saved value
     * at that instant (Book III 6.5). */
    now = ppc_read_tb(cpu) - (uint64_t)cpu->tb_offset;
    cpu->tb_offset = (int64_t)(s.tb - now);
    cpu->dec_base = (uint64_t)s.dec;
    cpu->tb_dec_written = s.tb;
    ppc_dec_rearm(cpu);
    /* What the old run left behind means nothing now. */
    cpu->resv_size = 0;
    memset(&cpu->fault, 0, sizeof(cpu->fault));
    cpu->bp_resume = cpu->wp_resume = ~0ull;
    ppc_tlb_flush(cpu);
    code_cache_flush(cpu->cc);
    if (cpu->jit)
        jit_reset(cpu->jit);
    __atomic_or_fetch(&cpu->attention, ATT_IRQ | ATT_FLUSH, __ATOMIC_RELEASE);
    return 0;
}
