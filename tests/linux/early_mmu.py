#!/usr/bin/env python3
"""Debian's kernel past its early MMU setup, in radix and in hash mode.

usage: early_mmu.py PETREL [VMLINUX]

Boots the cached vmlinux (as prom_init.py) on the default machine (CAS
chooses radix: H_REGISTER_PROC_TBL, the radix walk, tlbie) and on
max-cpu-compat=power8 (hash: the HPT allocated at CAS, ibm,pft-size, the
H_ENTER family, the SLB), and follows the console until the kernel has
set up its memory map with translation on ("Initmem setup node 0"), then
stops it.  Checks the MMU lines Linux 6.1 prints on the way and that no
storage fault oopsed the kernel before that point.  Exits 77 (skipped)
when the kernel is not cached.
"""
import os
import re
import sys

from kernel_boot import DEFAULT_VMLINUX, boot_until

PETREL = sys.argv[1]
VMLINUX = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_VMLINUX
DONE = b"Initmem setup node 0"

MACHINES = [
    ("default (radix)", [], [
        rb"radix-mmu: Page size shift = 30 AP=0x2",
        rb"radix-mmu: Mapped 0x0000000000000000-0x[0-9a-f]+ with 2\.00 MiB pages \(exec\)",
        rb"lpar: Using radix MMU under hypervisor",
        rb"MMU=Radix|mmu_features",
    ]),
    ("max-cpu-compat=power8 (hash)", ["-M", "pseries,max-cpu-compat=power8"], [
        rb"hash-mmu: Initializing hash mmu with SLB",
        rb"hash-mmu: ppc64_pft_size    = 0x17",
    ]),
]
ABSENT = [b"Oops", b"Unable to handle kernel", b"Kernel panic", b"BUG:"]


def boot(extra, timeout=120):
    return boot_until(PETREL, VMLINUX, "console=hvc0", extra, DONE, timeout)


def main():
    if not os.path.isfile(VMLINUX):
        print(f"SKIP: no cached kernel at {VMLINUX} (scripts/setup.sh fetches it)")
        return 77
    failed = 0
    for name, extra, markers in MACHINES:
        out, secs = boot(extra)
        problems = [f"missing {m.decode()!r}" for m in markers + [re.escape(DONE)]
                    if not re.search(m, out)]
        # Only up to the mark: the kernel runs on while the output is read.
        before = out.split(DONE)[0]
        problems += [f"found {b.decode()!r}" for b in ABSENT if b in before]
        if problems:
            failed += 1
            print(f"FAIL {name} ({secs:.1f} s): " + "; ".join(problems))
            sys.stdout.write(out.decode(errors="replace")[-3000:] + "\n")
        else:
            print(f"ok   {name}: memory set up with translation on after {secs:.2f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
