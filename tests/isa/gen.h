/*
 * Host side of the differential ISA tests: the vector generator and the
 * lists that steer it (README.md).
 */
#ifndef PETREL_ISA_GEN_H
#define PETREL_ISA_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "isa.h"
#include "vmm/cpu/interp/decode.h"

/* One row of the decode tables (vmm/cpu/interp/ops_*.def). */
struct isa_row {
    uint16_t op;
    const char *name;
    const char *mn;
    uint8_t form;
    uint8_t primary;
    uint32_t mask, match;
};
extern const struct isa_row isa_rows[];
extern const unsigned isa_nrows;
/* Index in isa_rows of a row name, or -1. */
int isa_row_find(const char *name);

/*
 * Known differences between QEMU and the architecture/hardware
 * (known-differences.txt).  When one is listed, the generator masks the
 * affected state in the vectors that reach it; when it is not, nothing
 * is masked and the comparison shows the difference.
 */
enum isa_kd {
    KD_MULHW_HIGH,        /* mulhw[u]: RT[0:31] undefined */
    KD_DIV_INVALID,       /* divw[u] divd[u] by zero / overflow: RT undefined */
    KD_DIVWE_HIGH,        /* divwe: RT[0:31] undefined */
    KD_DIVDE_OVF,         /* divde[o] overflow: QEMU misses OV */
    KD_DCBF_L3,           /* dcbf L=3 (dcbflp): SIGILL in QEMU */
    KD_STQCX,             /* stqcx. after lqarx: always fails in QEMU */
    KD_XER_RES,           /* mtxer: QEMU keeps reserved XER bits */
    KD_TAR_LOW,           /* mtspr TAR: QEMU keeps TAR[62:63] */
    KD_VRSAVE_HIGH,       /* mtspr VRSAVE: QEMU keeps 64 bits */
    KD_BCCTR_DEC,         /* bcctr with BO[2]=0 (invalid form) */
    KD_FPSCR_FR,          /* FPSCR[FR]: QEMU never sets it */
    KD_FP_ENABLED_RESULT, /* OE=1/UE=1: QEMU does not scale the result */
    KD_FPSCR_FX,          /* FX: QEMU sets it on every exception, not only 0 -> 1 */
    KD_FNM_ROUND,         /* fnm*: QEMU rounds the negated value (directed modes) */
    KD_FCFID_FPRF,        /* fcfid* inexact: QEMU leaves FPRF 0 */
    KD_XSSP_ROUND,        /* xs*sp: QEMU rounds to double, then to single */
    KD_XVCV_STICKY,       /* xvcv*x[wd]s: QEMU's invalid flag sticks to later elements */
    KD_VRLMI,             /* vrlwmi/vrldmi: QEMU ignores the target's old bits */
    KD_FCMP_FI,           /* fcmpu/fcmpo: QEMU clears FR and FI */
    KD_VMX_ESTIMATE,      /* vexptefp/vlogefp: estimates of other precision */
    KD_VSCR_RESERVED,     /* mtvscr: QEMU keeps reserved VSCR bits */
    KD_SINGLE_FPRF,       /* single results in the single denormal range: QEMU says normal */
    KD_FP_TRAP_CR1,       /* enabled FP exception: QEMU traps before writing CR1 */
    KD_XV_FRFI,           /* xv* FP ops: QEMU clears FR and FI */
    KD_FP_ESTIMATE,       /* fre/frsqrte & VSX forms: a different estimate */
    KD_FPSCR_NI,          /* FPSCR[NI]: QEMU does not keep it */
    KD_XVCMP_VE,          /* xvcmp* with VE=1: QEMU writes XT and does not trap */
    KD_VSX_MAXMIN,        /* xs/xv max/min: QEMU's NaN choice and spurious XX */
    KD_MADD_IMZ_SNAN,     /* multiply-add, inf x 0 and an SNaN: QEMU omits VXSNAN */
    KD_REF_CONTEXT,       /* QEMU's answer depends on the vectors it ran before */
    KD_XSRQP_RN,          /* xsrqpi/xsrqpxp R=0 RMC=3: QEMU misreads FPSCR[RN] */
    KD_XSTSTDCSP_TINY,    /* xststdcsp below single's normal range: QEMU always matches */
    KD_NMSUBQPO,          /* xsnmsubqpo: QEMU does not round to odd */
    KD_COUNT
};
extern const char *const isa_kd_names[KD_COUNT];

struct isa_config {
    int le;
    uint64_t seed;
    uint64_t n_directed; /* vectors [0, n_directed) are directed ones */
    bool row_enabled[OP_COUNT];
    bool kd_enabled[KD_COUNT];
};

/* What the checker must ignore in one vector, and why. */
struct isa_meta {
    uint64_t ign_gpr[32];    /* bits of each output GPR not compared */
    uint32_t ign_cr;         /* CR bits not compared (CR image, CR0 = 0xf0000000) */
    uint64_t ign_xer;        /* XER bits not compared */
    uint64_t ign_fpscr;      /* FPSCR bits not compared */
    uint64_t ign_vscr;       /* VSCR bits not compared */
    uint64_t ign_vsr[64][2]; /* bits of each output VSR doubleword not compared */
    uint64_t kd_used;        /* 1 << enum isa_kd for each difference masked */
    int directed;
};

/* Fills the lists from tests/isa/{excluded-rows,known-differences}.txt in
 * `dir`; prints a message and returns -1 on a malformed or unknown line. */
int isa_config_load(struct isa_config *c, const char *dir, int le);
/* Number of directed vectors (fixed by the tables and the corner values). */
uint64_t isa_directed_count(const struct isa_config *c);
/* Vector `index` of the run given by c (deterministic). */
void isa_gen(const struct isa_config *c, uint64_t index, struct isa_vec *v, struct isa_meta *m);

#endif
