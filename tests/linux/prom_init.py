#!/usr/bin/env python3
"""Debian's kernel through petrel's Open Firmware client interface.

usage: prom_init.py PETREL [VMLINUX]

Boots the reference guest's vmlinux (scripts/setup.sh caches it as
$PETREL_CACHE/linux/vmlinux, notes/debian-guest.md) with -kernel on several
machines and follows Linux 6.1's own prom_init through the firmware's
client interface: the tree walk, CAS, RTAS instantiation, quiesce and the
flattening, up to "Booting Linux via __start()", the moment the kernel
leaves Open Firmware.  What comes after needs the MMU (the kernel turns on
radix or hash translation at once), so each run is stopped there.

Checks per machine: every console line prom_init prints on the way (in
order), CAS reported done and not FAILED, RTAS instantiated where the
client asked, and the firmware's own refusals absent.  Exits 77 (skipped,
with the reason) when the kernel is not cached.
"""
import os
import re
import sys

from kernel_boot import DEFAULT_VMLINUX, boot_until

PETREL = sys.argv[1]
VMLINUX = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_VMLINUX
LEAVES_OF = b"Booting Linux via __start() @ 0x0000000000400000 ..."

# In order, as Linux 6.1's prom_init prints them on pseries.
MARKERS = [
    rb"boot protocol: open firmware \(a Linux ppc64 kernel",
    rb"Preparing to boot Linux version 6\.1\.",
    rb"command line: console=hvc0 petrel-test\r?\n",
    rb"Calling ibm,client-architecture-support\.\.\. done\r?\n",
    rb"instantiating rtas at 0x[0-9a-f]+\.\.\. done\r?\n",
    rb"copying OF device tree\.\.\.\r?\n",
    rb"Quiescing Open Firmware \.\.\.\r?\n",
    re.escape(LEAVES_OF),
]
ABSENT = [b"FAILED", b"firmware: CAS refused", b"firmware: unexpected exception",
          b"prom_panic", b"cannot"]

MACHINES = [
    ("default (dual: XIVE, radix)", []),
    ("ic-mode=xics", ["-M", "pseries,ic-mode=xics"]),
    ("max-cpu-compat=power8 (hash)", ["-M", "pseries,max-cpu-compat=power8"]),
    ("-cpu power8", ["-cpu", "power8"]),
    ("-smp 2 -m 2G", ["-smp", "2", "-m", "2G"]),
]


def boot(extra, timeout=60):
    return boot_until(PETREL, VMLINUX, "console=hvc0 petrel-test", extra, LEAVES_OF, timeout)


def main():
    if not os.path.isfile(VMLINUX):
        print(f"SKIP: no cached kernel at {VMLINUX} (scripts/setup.sh fetches it)")
        return 77
    failed = 0
    for name, extra in MACHINES:
        out, secs = boot(extra)
        problems = []
        pos = 0
        for m in MARKERS:
            found = re.compile(m).search(out, pos)
            if not found:
                problems.append(f"missing (in order) {m.decode()!r}")
                break
            pos = found.end()
        for bad in ABSENT:
            if bad in out:
                problems.append(f"found {bad.decode()!r}")
        # RTAS where prom_init's claim put it, inside RAM below 1 GiB.
        rtas = re.search(rb"instantiating rtas at 0x([0-9a-f]+)", out)
        if rtas and not 0x3000 <= int(rtas.group(1), 16) < 1 << 30:
            problems.append(f"RTAS at 0x{rtas.group(1).decode()}")
        if problems:
            failed += 1
            print(f"FAIL {name} ({secs:.1f} s): " + "; ".join(problems))
            sys.stdout.write(out.decode(errors="replace")[-3000:] + "\n")
        else:
            print(f"ok   {name}: prom_init left Open Firmware after {secs:.2f} s")
    print(f"{len(MACHINES) - failed} of {len(MACHINES)} machines")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
