#!/usr/bin/env python3
"""Boot to a shell: Debian's ppc64le kernel and the reference initramfs
(tests/linux) from process start to the initramfs's /init line, in petrel
(its own firmware: prom_init, CAS, RTAS) and in Debian's
qemu-system-ppc64 (TCG) with SLOF and with QEMU's VOF firmware, in one
run, repeated; prints the medians and the ratios.

usage: run.py PETREL [RUNS]     (default 5 runs of each)

Also prints each VMM's time to the kernel's first line ("Linux version")
and to prom_init's start, so the firmware's share is visible.  Exits 77
(skipped) without the cached guest (scripts/guest-assets.sh).
"""
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "linux"))
from kernel_boot import ASSETS, DEFAULT_VMLINUX, Guest, build_initramfs  # noqa: E402

MARKS = [(b"Preparing to boot Linux", "prom_init"), (b"Linux version", "kernel"),
         (b"petrel-guest: /init running", "/init")]


def boot(argv):
    """Seconds from spawning argv to each mark (None for a mark that never
    appeared: QEMU's VOF gives prom_init no console), or None when /init
    was not reached."""
    g = Guest(argv)
    try:
        times = {name: None for _, name in MARKS}
        t_end = time.monotonic() + 300
        while times["/init"] is None and time.monotonic() < t_end:
            out = g.text()
            for mark, name in MARKS:
                if times[name] is None and mark in out:
                    times[name] = time.monotonic() - g.t0
            time.sleep(0.005)
        return times if times["/init"] is not None else None
    finally:
        g.kill()


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v):
    return f"{v:10.2f}" if v is not None else f"{'-':>10}"


def main():
    petrel = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if not os.path.isfile(DEFAULT_VMLINUX) or not os.path.isfile(os.path.join(ASSETS, "busybox")):
        print(f"SKIP: no cached guest in {ASSETS}")
        return 77
    qemu = shutil.which("qemu-system-ppc64")
    with tempfile.TemporaryDirectory() as tmp:
        initrd = os.path.join(tmp, "initramfs.cpio")
        build_initramfs(initrd)
        common = ["-m", "1G", "-nographic", "-kernel", DEFAULT_VMLINUX, "-initrd", initrd,
                  "-append", "console=hvc0"]
        vmms = [("petrel", [petrel] + common)]
        if qemu:
            vmms += [("QEMU+SLOF", [qemu, "-M", "pseries"] + common),
                     ("QEMU+VOF", [qemu, "-M", "pseries,x-vof=on"] + common)]
        results = {name: [] for name, _ in vmms}
        # Interleaved, so that a change in the machine's load hits all alike.
        for _ in range(runs):
            for name, argv in vmms:
                t = boot(argv)
                if t is None:
                    print(f"{name}: did not reach /init")
                    return 1
                results[name].append(t)
    med = {name: {k: median(r[k] for r in rs) for _, k in MARKS}
           for name, rs in results.items()}
    print(f"boot to /init, median of {runs} (seconds since the VMM started)")
    print(f"{'':12} {'prom_init':>10} {'kernel':>10} {'/init':>10} {'min /init':>10}")
    for name, rs in results.items():
        m = med[name]
        print(f"{name:12} {fmt(m['prom_init'])} {fmt(m['kernel'])} {fmt(m['/init'])} "
              f"{fmt(min(r['/init'] for r in rs))}")
    for ref in ("QEMU+SLOF", "QEMU+VOF"):
        if ref in med:
            print(f"petrel/{ref}: {med['petrel']['/init'] / med[ref]['/init']:.3f} of its time "
                  f"({med[ref]['/init'] / med['petrel']['/init']:.1f}x faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
