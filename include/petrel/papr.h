/*
 * PAPR numbers shared by the host and the guest: hcall opcodes and the
 * H_* return codes (LoPAPR ch. 14, "Hypervisor interface"; values as in
 * the hcall tables of spec/hcalls.md).  Numbers only: no code.
 */
#ifndef PETREL_PAPR_H
#define PETREL_PAPR_H

/* Return codes (r3 after sc 1). */
#define H_SUCCESS     0
#define H_BUSY        1
#define H_CLOSED      2
#define H_HARDWARE    -1
#define H_FUNCTION    -2
#define H_PRIVILEGE   -3
#define H_PARAMETER   -4
#define H_BAD_MODE    -5
#define H_PTEG_FULL   -6
#define H_NOT_FOUND   -7
#define H_NO_MEM      -9
#define H_AUTHORITY   -10
#define H_PERMISSION  -11
#define H_RESOURCE    -16
#define H_P2          -55
#define H_P3          -56
#define H_P4          -57
#define H_UNSUPPORTED -67
#define H_STATE       -75

/* Hcall opcodes petrel implements (PAPR numbers are multiples of 4). */
#define H_GET_TERM_CHAR 0x54
#define H_PUT_TERM_CHAR 0x58

/* Highest PAPR-defined opcode plus one: the architected range is
 * 0x4..0x4fc, the platform-private range 0xf000..0xfffc (LoPAPR 14.5.4). */
#define H_PAPR_MAX       0x500
#define H_PLATFORM_FIRST 0xf000
#define H_PLATFORM_LAST  0xfffc

/* The console's terminal number: the unit address of /vdevice/vty@71000000
 * that Linux's hvc_vio passes in r4 (the value QEMU's pseries uses too). */
#define PAPR_VTERM_UNIT 0x71000000u

/* H_PUT_TERM_CHAR / H_GET_TERM_CHAR move at most 16 bytes per call,
 * packed big-endian in two registers. */
#define PAPR_TERM_MAX_CHARS 16

#endif
