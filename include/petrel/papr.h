/*
 * PAPR numbers shared by the host and the guest: hcall opcodes and the
 * H_* return codes (LoPAPR ch. 14, "Hypervisor interface"; values as in
 * the hcall tables of spec/hcalls.md).  Numbers only: no code.
 */
#ifndef PETREL_PAPR_H
#define PETREL_PAPR_H

/* Return codes (r3 after sc 1). */
#define H_SUCCESS          0
#define H_BUSY             1
#define H_CLOSED           2
#define H_HARDWARE         -1
#define H_FUNCTION         -2
#define H_PRIVILEGE        -3
#define H_PARAMETER        -4
#define H_BAD_MODE         -5
#define H_PTEG_FULL        -6
#define H_NOT_FOUND        -7
#define H_NO_MEM           -9
#define H_AUTHORITY        -10
#define H_PERMISSION       -11
#define H_RESOURCE         -16
#define H_P2               -55
#define H_P3               -56
#define H_P4               -57
#define H_P5               -58
#define H_UNSUPPORTED      -67
#define H_STATE            -75
#define H_UNSUPPORTED_FLAG -256

/* Hcall opcodes petrel implements (PAPR numbers are multiples of 4). */
#define H_REMOVE                  0x04
#define H_ENTER                   0x08
#define H_READ                    0x0c
#define H_CLEAR_MOD               0x10
#define H_CLEAR_REF               0x14
#define H_PROTECT                 0x18
#define H_GET_TCE                 0x1c
#define H_PUT_TCE                 0x20
#define H_SET_SPRG0               0x24
#define H_SET_DABR                0x28
#define H_PAGE_INIT               0x2c
#define H_GET_TERM_CHAR           0x54
#define H_PUT_TERM_CHAR           0x58
#define H_EOI                     0x64
#define H_CPPR                    0x68
#define H_IPI                     0x6c
#define H_IPOLL                   0x70
#define H_XIRR                    0x74
#define H_REGISTER_VPA            0xdc
#define H_CEDE                    0xe0
#define H_CONFER                  0xe4
#define H_PROD                    0xe8
#define H_BULK_REMOVE             0x124
#define H_SET_XDABR               0x134
#define H_STUFF_TCE               0x138
#define H_PUT_TCE_INDIRECT        0x13c
#define H_GET_CPU_CHARACTERISTICS 0x1c8
#define H_XIRR_X                  0x2fc
#define H_RANDOM                  0x300
#define H_SET_MODE                0x31c
/* XIVE exploitation mode (spec/hcalls.md §3.8). */
#define H_INT_GET_SOURCE_INFO       0x3a8
#define H_INT_SET_SOURCE_CONFIG     0x3ac
#define H_INT_GET_SOURCE_CONFIG     0x3b0
#define H_INT_GET_QUEUE_INFO        0x3b4
#define H_INT_SET_QUEUE_CONFIG      0x3b8
#define H_INT_GET_QUEUE_CONFIG      0x3bc
#define H_INT_SET_OS_REPORTING_LINE 0x3c0
#define H_INT_GET_OS_REPORTING_LINE 0x3c4
#define H_INT_ESB                   0x3c8
#define H_INT_SYNC                  0x3cc
#define H_INT_RESET                 0x3d0
#define H_REGISTER_PROC_TBL         0x37c

/* H_SET_MODE resources (LoPAPR 14.5.4.3.x; spec/hcalls.md §5). */
#define H_SET_MODE_RESOURCE_SET_CIABR  1
#define H_SET_MODE_RESOURCE_SET_DAWR0  2
#define H_SET_MODE_RESOURCE_ADDR_TRANS 3
#define H_SET_MODE_RESOURCE_LE         4
#define H_SET_MODE_RESOURCE_SET_DAWR1  5

/* H_REGISTER_VPA sub-functions, in flags bits 16:18 (IBM) = 45:47 (LSB-0). */
#define H_VPA_FUNC_SHIFT 45
#define H_VPA_REG_VPA    1
#define H_VPA_REG_DTL    2
#define H_VPA_REG_SLB    3
#define H_VPA_DEREG_VPA  5
#define H_VPA_DEREG_DTL  6
#define H_VPA_DEREG_SLB  7

/* H_PAGE_INIT flags. */
#define H_ICACHE_INVALIDATE  (1ull << 23)
#define H_ICACHE_SYNCHRONIZE (1ull << 22)
#define H_ZERO_PAGE          (1ull << 15)
#define H_COPY_PAGE          (1ull << 14)

/* H_GET_CPU_CHARACTERISTICS: r4 characteristics, r5 behaviour. */
#define H_CPU_CHAR_SPEC_BAR_ORI31        (1ull << 63)
#define H_CPU_CHAR_BCCTRL_SERIALISED     (1ull << 62)
#define H_CPU_CHAR_L1D_FLUSH_ORI30       (1ull << 61)
#define H_CPU_CHAR_L1D_FLUSH_TRIG2       (1ull << 60)
#define H_CPU_CHAR_L1D_THREAD_PRIV       (1ull << 59)
#define H_CPU_CHAR_BRANCH_HINTS_HONORED  (1ull << 58)
#define H_CPU_CHAR_THREAD_RECONFIG_CTRL  (1ull << 57)
#define H_CPU_CHAR_COUNT_CACHE_DISABLED  (1ull << 56)
#define H_CPU_CHAR_BCCTR_FLUSH_ASSIST    (1ull << 54)
#define H_CPU_BEHAV_FAVOUR_SECURITY      (1ull << 63)
#define H_CPU_BEHAV_L1D_FLUSH_PR         (1ull << 62)
#define H_CPU_BEHAV_BNDS_CHK_SPEC_BAR    (1ull << 61)
#define H_CPU_BEHAV_FLUSH_COUNT_CACHE    (1ull << 58)
#define H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY   (1ull << 56)
#define H_CPU_BEHAV_NO_L1D_FLUSH_UACCESS (1ull << 55)
#define H_CPU_BEHAV_NO_STF_BARRIER       (1ull << 54)

/* The VPA (struct lppaca, big-endian; spec/hcalls.md §6). */
#define VPA_MIN_SIZE           640
#define VPA_SIZE_OFFSET        0x4
#define VPA_SHARED_PROC_OFFSET 0x9
#define VPA_SHARED_PROC_VAL    0x2
#define VPA_YIELD_COUNT_OFFSET 0x100
#define DTL_MIN_SIZE           48
#define SLB_SHADOW_MIN_SIZE    8

/* Highest PAPR-defined opcode plus one: the architected range is
 * 0x4..0x4fc, the platform-private range 0xf000..0xfffc (LoPAPR 14.5.4). */
#define H_PAPR_MAX       0x500
#define H_PLATFORM_FIRST 0xf000
#define H_PLATFORM_LAST  0xfffc

/* RTAS status codes, rets[0] of every RTAS call (LoPAPR 7.2.8; spec/rtas.md
 * §1.2). */
#define RTAS_SUCCESS         0
#define RTAS_HARDWARE_ERROR  -1
#define RTAS_BUSY            -2
#define RTAS_PARAMETER_ERROR -3
/* event-scan, check-exception: nothing to report. */
#define RTAS_NO_ERRORS 1
/* ibm,get/set-system-parameter: the parameter may not be changed, and a
 * malformed buffer. */
#define RTAS_NOT_AUTHORIZED      -9002
#define RTAS_SYSPARM_PARAM_ERROR -9999

/* The largest error log RTAS writes (/rtas rtas-error-log-max, the event
 * and error-detail buffers). */
#define RTAS_ERROR_LOG_MAX 2048

/* The console's terminal number: the unit address of /vdevice/vty@71000000
 * that Linux's hvc_vio passes in r4 (the value QEMU's pseries uses too). */
#define PAPR_VTERM_UNIT 0x71000000u

/* The NVRAM's unit address, /vdevice/nvram@71000001 (spec/device-tree.md
 * §7.2); it is reached through RTAS, never by this number. */
#define PAPR_NVRAM_UNIT 0x71000001u

/* H_PUT_TERM_CHAR / H_GET_TERM_CHAR move at most 16 bytes per call,
 * packed big-endian in two registers. */
#define PAPR_TERM_MAX_CHARS 16

#endif
