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

#endif
