#!/usr/bin/env python3
"""CPU speed of petrel's interpreter against qemu-system-ppc64 (TCG), one run.

usage: run.py PETREL LOOP_BIN [ITERATIONS]
Runs the loop payload with 1 and with ITERATIONS iterations under both
VMMs (best of 3 each), takes the difference to cancel start-up costs (bdnz needs at least one iteration), and
prints guest instructions per second for each and the ratio petrel/QEMU
(> 1 means petrel is faster).  Start-up time is reported as a ratio too.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

PETREL, LOOP = sys.argv[1], sys.argv[2]
ITERS = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000_000
INSNS_PER_ITER = 8
QEMU = shutil.which("qemu-system-ppc64")
QEMU_ARGS = ["-M", "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off",
             "-display", "none", "-nographic", "-no-reboot", "-m", "512M"]


def payload(iters, tmp):
    data = bytearray(open(LOOP, "rb").read())
    data[0x1000:0x1008] = struct.pack(">Q", iters)
    path = os.path.join(tmp, f"loop-{iters}.bin")
    open(path, "wb").write(data)
    return path


def best_time(cmd, runs=3):
    best = None
    for _ in range(runs):
        t = time.monotonic()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
        dt = time.monotonic() - t
        if p.returncode != 0:
            sys.exit(f"bench: {cmd[0]} failed ({p.returncode}): {p.stderr.decode()[:300]}")
        best = dt if best is None else min(best, dt)
    return best


with tempfile.TemporaryDirectory() as tmp:
    small, big = payload(1, tmp), payload(ITERS, tmp)
    insns = (ITERS - 1) * INSNS_PER_ITER
    results = {}
    for name, base in (("petrel", [PETREL]), ("qemu", [QEMU] + QEMU_ARGS if QEMU else None)):
        if base is None:
            sys.exit("bench: qemu-system-ppc64 not found (apt-get install qemu-system-ppc)")
        t0 = best_time(base + ["-bios", small])
        t1 = best_time(base + ["-bios", big])
        results[name] = (t0, insns / max(t1 - t0, 1e-9))
    (p0, pr), (q0, qr) = results["petrel"], results["qemu"]
    print(f"integer loop, {insns / 1e6:.0f}M guest instructions")
    print(f"  petrel: {pr / 1e6:8.1f} M insn/s   start-up {p0 * 1000:7.1f} ms")
    print(f"  qemu:   {qr / 1e6:8.1f} M insn/s   start-up {q0 * 1000:7.1f} ms")
    print(f"  ratio petrel/qemu: speed {pr / qr:.2f}x, start-up {q0 / p0:.2f}x faster")
