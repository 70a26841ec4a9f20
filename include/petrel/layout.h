/*
 * Guest physical layout at firmware entry, as the host sets it up.
 *
 * The firmware image is loaded at 0 and entered at 0x100, big-endian,
 * real mode, MSR = 0 (so 32-bit mode: IEEE 1275 PowerPC binding), with
 * r3 = the hardware description.  These are the same rules QEMU's pseries
 * applies to -bios images, so a payload written for one runs on the other.
 */
#ifndef PETREL_LAYOUT_H
#define PETREL_LAYOUT_H

#define FW_LOAD_ADDR 0x0
#define FW_ENTRY     0x100
/* The firmware owns [0, FW_REGION_SIZE): image, data, stack and heap. */
#define FW_REGION_SIZE 0x400000
/* Largest -bios image accepted: the whole region (QEMU: FW_MAX_SIZE). */
#define FW_MAX_IMAGE 0x400000

/* The hardware description sits right above the firmware region. */
#define HWDESC_ADDR     FW_REGION_SIZE
#define HWDESC_MAX_SIZE 0x10000

/* Kernel and initrd blobs (raw files, unparsed) are placed from here up. */
#define BOOT_BLOB_ADDR  0x4000000
#define BOOT_BLOB_ALIGN 0x10000

/* The most RAM petrel gives a guest (one block at 0); MMIO lives above it
 * (irq.h). */
#define RAM_MAX_SIZE (4ull << 40)

/* Timebase frequency of every petrel CPU (what PAPR guests expect). */
#define PETREL_TB_FREQ 512000000ull

/* Processor version registers of the CPU models petrel offers. */
#define PVR_POWER9 0x004e1202u
#define PVR_POWER8 0x004d0200u

/* Logical PVRs: the processor compatibility levels a vCPU can run at
 * (spec/cas.md §2.2; service.h PETREL_H_SET_COMPAT). */
#define PVR_COMPAT_POWER8 0x0f000004u /* ISA 2.07 */
#define PVR_COMPAT_POWER9 0x0f000005u /* ISA 3.00 */

#endif
