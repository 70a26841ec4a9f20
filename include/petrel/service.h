/*
 * Platform-private firmware services: what petrel's firmware and RTAS
 * cannot do inside the guest and ask the host for with sc 1.
 *
 * They live in PAPR's platform-specific range (0xf000-0xfffc) above the
 * numbers QEMU/KVM use (0xf000-0xf005, 0xf800-0xf80c), so a KVM backend
 * can keep KVM's own private hcalls distinct (spec/hcalls.md §8.1).
 * Each service answers like an hcall: r3 = H_SUCCESS / H_PARAMETER /
 * H_FUNCTION, outputs in r4..r12.  None carries policy: the firmware and
 * RTAS decide, the host carries out.
 *
 *   opcode  service          in (r4, r5, ...)            out       caller
 *   0xf100  POWER_OFF        exit status                 -         RTAS power-off, firmware
 *   0xf104  REBOOT           -                           -         RTAS system-reboot
 *   0xf108  SET_IC_MODE      XICS or XIVE                -         CAS
 *   0xf10c  SET_COMPAT       logical PVR                 -         CAS
 *   0xf110  DUMP_TREE        tree address, size          -         firmware (dumpdtb)
 *   0xf114  TRACE            event, text, length         -         firmware, RTAS
 *   0xf118  BOOT_MARK        milestone, argument         -         firmware (boot-report)
 *   0xf11c  START_CPU        id, address, r3             -         RTAS start-cpu
 *   0xf120  STOP_SELF        -                           -         RTAS stop-self
 *   0xf124  QUERY_CPU        id                          state     RTAS query-cpu-stopped-state
 *   0xf128  GET_TIME         -                           sec, ns   RTAS get-time-of-day
 *   0xf12c  SET_TIME         sec, ns                     -         RTAS set-time-of-day
 *   0xf130  NVRAM_READ       offset, address, length     -         RTAS nvram-fetch, firmware
 *   0xf134  NVRAM_WRITE      offset, address, length     -         RTAS nvram-store, firmware
 *   0xf138  FWNMI            sreset, mce vectors, area   -         RTAS ibm,nmi-register
 *   0xf13c  EVENT            class mask, take            class, more RTAS event-scan,
 * check-exception, get-sensor-state 0xf140  ALLOC_HPT        log2 size                   - CAS
 * (hash)
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
 * vCPU control for RTAS start-cpu, stop-self and query-cpu-stopped-state
 * (spec/rtas.md §4.4).  vCPUs are named by hardware id (PIR), which is the
 * vCPU index 0 .. max-cpus - 1.
 *
 * PETREL_H_START_CPU: r4 = id, r5 = real address to start at (in RAM,
 * word aligned), r6 = the value for its r3.  The vCPU starts with
 * MSR = SF | ME (64-bit, big-endian, real mode, EE off), the other GPRs
 * zero and the partition's LPCR (every vCPU shares it: H_SET_MODE and the
 * MMU set it for all).  H_PARAMETER for a bad id or address, H_RESOURCE
 * if the vCPU is not stopped.
 *
 * PETREL_H_STOP_SELF: the caller stops until a start-cpu names it; it
 * does not return.  No interrupt or decrementer wakes it.
 *
 * PETREL_H_QUERY_CPU: r4 = id; r4 out = PETREL_CPU_STOPPED,
 * PETREL_CPU_STOPPING (stop-self requested, the vCPU not yet parked) or
 * PETREL_CPU_RUNNING.  H_PARAMETER for a bad id.
 */
#define PETREL_H_START_CPU  (PETREL_H_BASE + 0x1c)
#define PETREL_H_STOP_SELF  (PETREL_H_BASE + 0x20)
#define PETREL_H_QUERY_CPU  (PETREL_H_BASE + 0x24)
#define PETREL_CPU_STOPPED  0
#define PETREL_CPU_STOPPING 1
#define PETREL_CPU_RUNNING  2

/*
 * The partition's time of day (RTAS get-time-of-day / set-time-of-day,
 * spec/rtas.md §4.1): UTC as seconds and nanoseconds since 1970-01-01.
 * The host keeps one offset from its own clock for the machine's life
 * (resets keep it; a new petrel process starts at the host's time).
 *
 * PETREL_H_GET_TIME: r4 out = seconds (signed), r5 out = nanoseconds.
 * PETREL_H_SET_TIME: r4 = seconds (signed, years 1900 .. 9999), r5 =
 * nanoseconds (< 10^9); H_PARAMETER otherwise.
 */
#define PETREL_H_GET_TIME (PETREL_H_BASE + 0x28)
#define PETREL_H_SET_TIME (PETREL_H_BASE + 0x2c)

/*
 * NVRAM block I/O for RTAS nvram-fetch / nvram-store (spec/rtas.md §4.3).
 * The host holds the NVRAM (backed by -M pseries,nvram=FILE, else memory
 * only) and says its size in the hardware description (/nvram size); its
 * content is the guest's business (the firmware formats it).
 *
 * PETREL_H_NVRAM_READ / _WRITE: r4 = NVRAM offset, r5 = guest real
 * address, r6 = length; the whole range must lie in the NVRAM and in RAM,
 * else H_PARAMETER and nothing moves.  A write reaches the backing file
 * before the call returns (H_HARDWARE if the host cannot write it).
 */
#define PETREL_H_NVRAM_READ  (PETREL_H_BASE + 0x30)
#define PETREL_H_NVRAM_WRITE (PETREL_H_BASE + 0x34)

/*
 * Firmware-assisted NMI registration for RTAS ibm,nmi-register (spec/
 * rtas.md §4.6): r4 = system-reset vector, r5 = machine-check vector
 * (real addresses in RAM, word aligned), r6 = the machine-check save area
 * (8-byte aligned; the 8-byte interlock word lies just before it, and
 * 16 + RTAS_ERROR_LOG_MAX bytes after it must be RAM).  From then on every
 * vCPU delivers a machine check to r5 with r3 = r6, the interrupted r3 at
 * r6 and an RTAS error log after it, and sets the interlock word (to the
 * vCPU's index + 1); ibm,nmi-interlock clears it in guest memory.  While
 * it is set, machine checks take the architected vector.  H_PARAMETER for
 * anything else; a machine reset forgets the registration.
 */
#define PETREL_H_FWNMI (PETREL_H_BASE + 0x38)

/*
 * Platform events for RTAS event-scan / check-exception (spec/rtas.md
 * §4.7): the host only keeps which classes are pending and raises the
 * class's event source (irq.h PETREL_IRQ_EPOW); RTAS writes the log.
 * r4 = the classes the caller asks about (PETREL_EVENT_*), r5 = 1 to take
 * one, 0 to look.  r4 out = the lowest pending class among them (0: none;
 * taken if r5 = 1), r5 out = the classes still pending afterwards; when a
 * taken class leaves others pending, the host raises their sources again.
 * A machine reset drops pending events.
 */
#define PETREL_H_EVENT       (PETREL_H_BASE + 0x3c)
#define PETREL_EVENT_EPOW    1u /* power-down requested (QMP system_powerdown) */
#define PETREL_EVENT_CLASSES 1u

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
    PETREL_TRACE_NET,
    PETREL_TRACE_COUNT
};
#endif

#endif
