/*
 * Platform-private firmware services: what petrel's firmware and RTAS
 * cannot do inside the guest and ask the host for with sc 1.
 *
 * They live in PAPR's platform-specific range (0xf000-0xfffc) above the
 * numbers QEMU/KVM use (0xf000-0xf005, 0xf800-0xf80c), so a KVM backend
 * can keep KVM's own private hcalls distinct (spec/hcalls.md §8.1).
 * Each service answers like an hcall: r3 = H_SUCCESS / H_PARAMETER /
 * H_FUNCTION, outputs in r4..r12.
 */
#ifndef PETREL_SERVICE_H
#define PETREL_SERVICE_H

#define PETREL_H_BASE 0xf100

/*
 * Power the machine off.  r4 = exit status (0..255) that the petrel
 * process exits with; anything larger is H_PARAMETER.  Does not return
 * on success.
 */
#define PETREL_H_POWER_OFF (PETREL_H_BASE + 0x00)

/*
 * Reboot the machine: the host runs its reset sequence (DESIGN.md "Reset
 * is firmware re-entry") and the firmware starts again.  With -no-reboot
 * the petrel process exits with status 0 instead.  Does not return.
 */
#define PETREL_H_REBOOT (PETREL_H_BASE + 0x04)

/*
 * Switch the interrupt controller in force (spec/cas.md §6, spec/irq.md).
 * r4 = PETREL_IC_XICS or PETREL_IC_XIVE.  H_SUCCESS when that mode is in
 * force afterwards (also when it already was); H_PARAMETER for any other
 * value or for a mode the machine's ic-mode option does not offer; H_BUSY
 * while a source is live (the host switches only when quiescent).  CAS
 * calls it on the boot vCPU while the others are stopped.  A machine reset
 * returns the controller to its power-on mode: XIVE with ic-mode=xive,
 * else XICS.
 */
#define PETREL_H_SET_IC_MODE (PETREL_H_BASE + 0x08)
#define PETREL_IC_XICS       0
#define PETREL_IC_XIVE       1

/*
 * Set the processor compatibility level of every vCPU, present and future
 * (spec/cas.md §7 item 2).  r4 = logical PVR (layout.h PVR_COMPAT_POWER8
 * 0x0f000004, PVR_COMPAT_POWER9 0x0f000005) no newer than the CPU model
 * nor than max-cpu-compat, or 0 for the raw level, allowed only without
 * max-cpu-compat (cas.md §2.2); anything else is H_PARAMETER.  Lasts until
 * machine reset, which returns to the power-on level: max-cpu-compat's,
 * or raw.
 */
#define PETREL_H_SET_COMPAT (PETREL_H_BASE + 0x0c)

/*
 * Hand the host the device tree as the OS would receive it, for
 * -M pseries,dumpdtb=FILE.  r4 = guest real address, r5 = size in bytes:
 * a whole flattened tree whose totalsize is r5, at most 16 MiB.  The host
 * writes it to FILE and exits 0 (1 if FILE cannot be written);
 * H_PARAMETER for a range outside RAM or a blob that is not a valid tree;
 * H_FUNCTION when no dumpdtb was asked for.  Does not return on success.
 */
#define PETREL_H_DUMP_TREE (PETREL_H_BASE + 0x10)

/*
 * One line of trace from the guest's platform code (-trace, vmm/trace.h):
 * r4 = event (PETREL_TRACE_CIF, _CAS or _RTAS), r5 = guest real address of
 * the text, r6 = its length (at most PETREL_TRACE_MAX bytes, no newline).
 * H_PARAMETER for another event or a text outside RAM or too long;
 * H_SUCCESS otherwise (also when the event is off: the line is dropped).
 * The firmware learns which events are on from the hardware description
 * (/machine trace) and makes no call for the others.
 */
#define PETREL_H_TRACE   (PETREL_H_BASE + 0x14)
#define PETREL_TRACE_MAX 256

/*
 * A boot milestone for -M pseries,boot-report=on (the host's report on
 * exit): r4 = PETREL_BOOT_KERNEL_ENTRY just before the firmware enters the
 * kernel, PETREL_BOOT_CIF_ENTER / _CIF_LEAVE around every client interface
 * call (r5 = 1 on leaving once the client has quiesced), so the host can
 * tell the kernel's first hcall after prom_init from the firmware's.
 * H_FUNCTION without boot-report; the firmware calls it only with (the
 * hardware description's /machine boot-report).
 */
#define PETREL_H_BOOT_MARK       (PETREL_H_BASE + 0x18)
#define PETREL_BOOT_KERNEL_ENTRY 1
#define PETREL_BOOT_CIF_ENTER    2
#define PETREL_BOOT_CIF_LEAVE    3

/*
 * Allocate the hashed page table of a hash guest (spec/cas.md §4 step 11,
 * §7 item 7): r4 = log2 of its size in bytes, from 18 up to 1/64 of RAM
 * (rounded up to a power of two); the firmware asks for 1/128 of RAM
 * (petrel_hpt_shift_for_ram) and writes the shift to every cpu node's
 * ibm,pft-size.  H_SUCCESS when an HPT of that size exists afterwards
 * (also when it already did: the HPT is never resized and lives until
 * machine reset), H_PARAMETER for a size out of range or other than the
 * existing HPT's, H_NO_MEM when the host has no memory for it.  The
 * H_ENTER family (hcall-pft) works on it.
 */
#define PETREL_H_ALLOC_HPT   (PETREL_H_BASE + 0x40)
#define PETREL_HPT_SHIFT_MIN 18
#ifndef __ASSEMBLER__
/* 1/128 of RAM rounded up to a power of two, at least 2^18 (the shift
 * QEMU's pseries also gives, spec/hcalls.md §3.4). */
static inline unsigned petrel_hpt_shift_for_ram(unsigned long long ram_size)
{
    unsigned shift = ram_size > 1 ? 64 - (unsigned)__builtin_clzll(ram_size - 1) : 0;

    return shift < PETREL_HPT_SHIFT_MIN + 7 ? PETREL_HPT_SHIFT_MIN : shift - 7;
}
#endif

/* Trace events: bit numbers of -trace's mask, shared by host and guest. */
#ifndef __ASSEMBLER__
enum petrel_trace_event {
    PETREL_TRACE_HCALL,
    PETREL_TRACE_RTAS,
    PETREL_TRACE_CIF,
    PETREL_TRACE_CAS,
    PETREL_TRACE_IRQ,
    PETREL_TRACE_PCI,
    PETREL_TRACE_EEH,
    PETREL_TRACE_RESET,
    PETREL_TRACE_MMU_FAULT,
    PETREL_TRACE_COUNT
};
#endif

#endif
