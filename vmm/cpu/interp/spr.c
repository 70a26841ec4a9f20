/*
 * mfspr/mtspr for a PAPR guest (Book III ch. 5; spec/cpu.md §2.5), the
 * timebase and the decrementer, and the CR/XER packing used by mfcr,
 * mtcrf, mfxer and the register accessors.
 *
 * Access rules: SPR numbers with bit 0x10 set are privileged (problem
 * state -> privileged-instruction program interrupt).  Hypervisor SPRs are
 * not the guest's: hardware raises a hypervisor emulation assistance
 * interrupt, which a PAPR hypervisor reflects as an illegal-instruction
 * program interrupt.  Numbers the CPU does not implement -- and the
 * read-only numbers written, the write-only ones read -- follow the
 * undefined-SPR rule (Book III 4.4.4 mtspr/mfspr): no-ops in supervisor
 * state (Linux writes SPR 882) except 0, 4, 5, 6, and illegal (or
 * privileged, for numbers with bit 0x10) in problem state.
 *
 * Not modelled: FSCR/MMCR0[PMCC] gating of problem-state access to TAR,
 * DSCR, EBB and PMU registers (facility-unavailable interrupts), AMOR
 * (taken as all ones), PMU counting.
 */
#include <time.h>

#include <petrel/layout.h>

#include "exec.h"
#include "ppc.h"

static uint64_t host_ticks(void)
{
    struct timespec ts;
    uint64_t ns;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    /* 512 MHz = 64/125 ticks per ns. */
    return ns / 125 * 64 + (ns % 125) * 64 / 125;
}

int tb_icount_shift = -1;

uint64_t ppc_read_tb(const struct ppc_cpu *cpu)
{
    uint64_t base = tb_icount_shift >= 0 ? cpu->icount << tb_icount_shift : host_ticks();
    return base + (uint64_t)cpu->tb_offset;
}

/* DEC is 56 bits wide with LPCR[LD] (the large decrementer we advertise). */
static unsigned dec_bits(const struct ppc_cpu *cpu)
{
    return (cpu->lpcr & LPCR_LD) ? 56 : 32;
}

int64_t ppc_dec_value(const struct ppc_cpu *cpu)
{
    unsigned bits = dec_bits(cpu);
    uint64_t v = cpu->dec_base - (ppc_read_tb(cpu) - cpu->tb_dec_written);
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* mfdec: sign-extended in large-decrementer mode, else the 32-bit value
 * with a zero upper half (Book III 6.5.2). */
static uint64_t dec_read(const struct ppc_cpu *cpu)
{
    int64_t v = ppc_dec_value(cpu);
    return (cpu->lpcr & LPCR_LD) ? (uint64_t)v : (uint32_t)v;
}

static void dec_write(struct ppc_cpu *cpu, uint64_t v)
{
    unsigned bits = dec_bits(cpu);
    cpu->dec_base = (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
    cpu->tb_dec_written = ppc_read_tb(cpu);
    ppc_dec_rearm(cpu);
}

uint32_t ppc_get_cr(const struct ppc_cpu *cpu)
{
    uint32_t cr = 0;
    for (int i = 0; i < 8; i++)
        cr |= (uint32_t)(cpu->cr[i] & 0xf) << (28 - 4 * i);
    return cr;
}

void ppc_set_cr(struct ppc_cpu *cpu, uint32_t cr)
{
    for (int i = 0; i < 8; i++)
        cpu->cr[i] = (cr >> (28 - 4 * i)) & 0xf;
}

/* XER: SO 32, OV 33, CA 34, OV32 44, CA32 45 (IBM), byte count 57:63. */
uint64_t ppc_get_xer(const struct ppc_cpu *cpu)
{
    return ((uint64_t)cpu->so << 31) | ((uint64_t)cpu->ov << 30) | ((uint64_t)cpu->ca << 29) |
           ((uint64_t)cpu->ov32 << 19) | ((uint64_t)cpu->ca32 << 18) | (cpu->xer_bc & 0x7f);
}

void ppc_set_xer(struct ppc_cpu *cpu, uint64_t xer)
{
    cpu->so = (xer >> 31) & 1;
    cpu->ov = (xer >> 30) & 1;
    cpu->ca = (xer >> 29) & 1;
    cpu->ov32 = (xer >> 19) & 1;
    cpu->ca32 = (xer >> 18) & 1;
    cpu->xer_bc = xer & 0x7f;
}

/* Hypervisor-privileged for mfspr and mtspr (Book III ch. 5 SPR table). */
static bool spr_hypervisor_only(unsigned spr)
{
    switch (spr) {
    case 180: /* DAWR0 */
    case 181: /* DAWR1 */
    case 187: /* CIABR */
    case 188: /* DAWRX0 */
    case 189: /* DAWRX1 */
    case 190: /* HFSCR */
    case 304: /* HSPRG0 */
    case 305: /* HSPRG1 */
    case 306: /* HDSISR */
    case 307: /* HDAR */
    case 310: /* HDEC */
    case 313: /* HRMOR */
    case 314: /* HSRR0 */
    case 315: /* HSRR1 */
    case SPR_LPCR:
    case 319: /* LPIDR */
    case 336: /* HMER */
    case 337: /* HMEER */
    case 338: /* PCR */
    case 339: /* HEIR */
    case 349: /* AMOR */
    case 464: /* PTCR */
    case 816: /* ASDR */ return true;
    default: return false;
    }
}

/* Undefined SPR number (Book III 4.4.4): 0 = no-op, else the cause. */
static uint64_t spr_undefined(const struct ppc_cpu *cpu, unsigned spr, bool read)
{
    if (spr >= 808 && spr <= 811)
        return 0; /* architected no-ops */
    if (cpu->msr & MSR_PR)
        return (spr & 0x10) ? SRR1_PROG_PRIV : SRR1_PROG_ILLEGAL;
    if (spr == 0 || (read && spr >= 4 && spr <= 6))
        return SRR1_PROG_ILLEGAL;
    return 0;
}

/*
 * Performance-monitor SPRs, inert storage: privileged numbers 784-798 and
 * their problem-state aliases 768-782 (spr - 16).  793/794 and 777/778
 * (PMC7/8 of older CPUs) do not exist on POWER9.
 */
static uint64_t *pmu_reg(struct ppc_cpu *cpu, unsigned spr)
{
    unsigned i = spr & 0xf;
    if (((spr >= 768 && spr <= 782) || (spr >= 784 && spr <= 798)) && i != 9 && i != 10)
        return &cpu->pmu[i];
    return NULL;
}

uint64_t ppc_mfspr(struct ppc_cpu *cpu, unsigned spr, uint64_t *val)
{
    uint64_t *pmu;

    if ((spr & 0x10) && (cpu->msr & MSR_PR))
        return SRR1_PROG_PRIV;
    if (spr_hypervisor_only(spr))
        return SRR1_PROG_ILLEGAL;
    switch (spr) {
    case SPR_XER: *val = ppc_get_xer(cpu); break;
    case SPR_LR: *val = cpu->lr; break;
    case SPR_CTR: *val = cpu->ctr; break;
    case SPR_DSCR: *val = cpu->dscr; break;
    case 3: *val = cpu->dscr; break; /* problem-state alias of DSCR */
    case SPR_DSISR: *val = cpu->dsisr; break;
    case SPR_DAR: *val = cpu->dar; break;
    case SPR_DEC: *val = dec_read(cpu); break;
    case SPR_SRR0: *val = cpu->srr0; break;
    case SPR_SRR1: *val = cpu->srr1; break;
    case SPR_CFAR: *val = cpu->cfar; break;
    case SPR_AMR: *val = cpu->amr; break;
    case 13: *val = cpu->amr; break; /* problem-state alias of AMR */
    case SPR_PIDR: *val = cpu->pidr; break;
    case SPR_IAMR: *val = cpu->iamr; break;
    case SPR_CTRL_RD: *val = cpu->ctrl; break;
    case 144: *val = cpu->tidr; break; /* TIDR */
    case SPR_FSCR: *val = cpu->fscr; break;
    case SPR_UAMOR: *val = cpu->uamor; break;
    case 159: *val = cpu->pspb; break; /* PSPB */
    case SPR_VRSAVE: *val = cpu->vrsave; break;
    case SPR_USPRG3: *val = cpu->sprg[3]; break;
    case SPR_TBL_RD: *val = ppc_read_tb(cpu); break;
    case SPR_TBU_RD: *val = ppc_read_tb(cpu) >> 32; break;
    case SPR_SPRG0:
    case SPR_SPRG1:
    case SPR_SPRG2:
    case SPR_SPRG3: *val = cpu->sprg[spr - SPR_SPRG0]; break;
    case SPR_PVR: *val = cpu->pvr; break;
    /* PURR, SPURR and VTB run with the timebase here (spec/cpu.md §1.2). */
    case SPR_PURR:
    case SPR_SPURR:
    case 849: *val = ppc_read_tb(cpu); break;
    /* Event-based branch registers: BESCRS/R read BESCR, the U forms its
     * high word. */
    case 800:
    case 802:
    case 806: *val = cpu->bescr; break;
    case 801:
    case 803: *val = cpu->bescr >> 32; break;
    case 804: *val = cpu->ebbhr; break;
    case 805: *val = cpu->ebbrr; break;
    case SPR_TAR: *val = cpu->tar; break;
    case SPR_PPR: *val = cpu->ppr; break;
    case SPR_PIR: *val = cpu->pir; break;
    default: {
        uint64_t cause;
        if ((pmu = pmu_reg(cpu, spr))) {
            *val = *pmu;
            break;
        }
        cause = spr_undefined(cpu, spr, true);
        if (cause)
            return cause;
        /* No-op: RT unchanged.  The handler stores *val, so give RT back. */
        return ~0ull;
    }
    }
    return 0;
}

uint64_t ppc_mtspr(struct ppc_cpu *cpu, unsigned spr, uint64_t val)
{
    uint64_t *pmu;

    if ((spr & 0x10) && (cpu->msr & MSR_PR))
        return SRR1_PROG_PRIV;
    if (spr_hypervisor_only(spr))
        return SRR1_PROG_ILLEGAL;
    switch (spr) {
    case SPR_XER: ppc_set_xer(cpu, val); break;
    case SPR_LR: cpu->lr = val; break;
    case SPR_CTR: cpu->ctr = val; break;
    case SPR_DSCR:
    case 3: cpu->dscr = val; break;
    case SPR_DSISR: cpu->dsisr = (uint32_t)val; break;
    case SPR_DAR: cpu->dar = val; break;
    case SPR_DEC: dec_write(cpu, val); break;
    case SPR_SRR0: cpu->srr0 = val; break;
    case SPR_SRR1: cpu->srr1 = val; break;
    case SPR_CFAR: cpu->cfar = val; break;
    case SPR_AMR: cpu->amr = val; break;
    /* Through SPR 13 problem state changes only the bits UAMOR allows
     * (Book III "Authority Mask Register"). */
    case 13:
        if (cpu->msr & MSR_PR)
            val = (cpu->amr & ~cpu->uamor) | (val & cpu->uamor);
        cpu->amr = val;
        break;
    case SPR_PIDR:
        /* Another PID is another quadrant-0 address space (spec/cpu.md §3.1.6). */
        if ((val & 0xfffff) != cpu->pidr)
            ppc_tlb_flush(cpu);
        cpu->pidr = val & 0xfffff;
        break;
    case SPR_IAMR: cpu->iamr = val; break;
    case SPR_CTRL_WR: cpu->ctrl = val & 1; break;
    case 144: cpu->tidr = val; break; /* TIDR */
    case SPR_FSCR: cpu->fscr = val; break;
    case SPR_UAMOR: cpu->uamor = val; break;
    case 159: cpu->pspb = (uint32_t)val; break; /* PSPB */
    case SPR_VRSAVE: cpu->vrsave = (uint32_t)val; break;
    case SPR_SPRG0:
    case SPR_SPRG1:
    case SPR_SPRG2:
    case SPR_SPRG3: cpu->sprg[spr - SPR_SPRG0] = val; break;
    case 800: cpu->bescr |= val; break;          /* BESCRS */
    case 801: cpu->bescr |= val << 32; break;    /* BESCRSU */
    case 802: cpu->bescr &= ~val; break;         /* BESCRR */
    case 803: cpu->bescr &= ~(val << 32); break; /* BESCRRU */
    case 804: cpu->ebbhr = val & ~3ull; break;   /* EBBHR */
    case 805: cpu->ebbrr = val & ~3ull; break;   /* EBBRR */
    case 806: cpu->bescr = val; break;           /* BESCR */
    case SPR_TAR: cpu->tar = val & ~3ull; break;
    case SPR_PPR: cpu->ppr = val; break;
    /* Written only by the hypervisor (timebase, PURR, SPURR, VTB). */
    case SPR_TBL_WR:
    case SPR_TBU_WR:
    case 286: /* TBU40 */
    case SPR_PURR:
    case SPR_SPURR:
    case 849: return SRR1_PROG_ILLEGAL;
    default:
        if ((pmu = pmu_reg(cpu, spr))) {
            *pmu = val;
            break;
        }
        return spr_undefined(cpu, spr, false);
    }
    return 0;
}
