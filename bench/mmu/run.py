#!/usr/bin/env python3
"""MMU speed of petrel against qemu-system-ppc64 (TCG), one run.

usage: run.py PETREL WORKLOAD_BIN [SCALE]
The page-table-heavy workload of workload.S (map a random 4K page of a
128 MiB range, touch it, unmap it, tlbie it: a soft-TLB miss, a radix
walk and R/C updates per iteration) runs under both VMMs with 1 and with
N iterations (best of 3); the difference cancels start-up.  Prints
iterations per second for each and the ratio petrel/QEMU (> 1: petrel
faster).
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

PETREL, WORKLOAD = sys.argv[1], sys.argv[2]
SCALE = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
QEMU = shutil.which("qemu-system-ppc64")
QEMU_ARGS = ["-M", "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off",
             "-display", "none", "-nographic", "-no-reboot", "-m", "512M"]
ITERS = 2_000_000


def payload(tmp, iters):
    data = bytearray(open(WORKLOAD, "rb").read())
    data[0x1008:0x1010] = struct.pack(">Q", iters)
    path = os.path.join(tmp, f"mmu-{iters}.bin")
    open(path, "wb").write(data)
    return path


def best_time(cmd, runs=3):
    best = None
    for _ in range(runs):
        t = time.monotonic()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
        dt = time.monotonic() - t
        if p.returncode != 0:
            sys.exit(f"bench: {cmd[0]} failed ({p.returncode}): {p.stderr.decode()[:300]}")
        best = dt if best is None else min(best, dt)
    return best


if not QEMU:
    sys.exit("bench: qemu-system-ppc64 not found (apt-get install qemu-system-ppc)")
iters = max(2, int(ITERS * SCALE))
rates = {}
with tempfile.TemporaryDirectory() as tmp:
    for vmm, base in [("petrel", [PETREL, "-m", "512M"]), ("qemu", [QEMU] + QEMU_ARGS)]:
        t0 = best_time(base + ["-bios", payload(tmp, 1)])
        t1 = best_time(base + ["-bios", payload(tmp, iters)])
        rates[vmm] = (iters - 1) / max(t1 - t0, 1e-9)
print(f"{'workload':<22} {'petrel K iter/s':>16} {'qemu K iter/s':>14} {'petrel/qemu':>12}")
print(f"{'map/touch/unmap/tlbie':<22} {rates['petrel'] / 1e3:16.1f} {rates['qemu'] / 1e3:14.1f} "
      f"{rates['petrel'] / rates['qemu']:11.2f}x")
