#!/usr/bin/env python3
"""FP speed of petrel against qemu-system-ppc64 (TCG), one run (issue 9: goal >= 3x).

usage: run.py PETREL KERNELS_BIN [SCALE]
For each kernel of bench/fp/kernels.S (scalar FP, VSX) the same bare
payload runs under both VMMs with 1 and with N iterations (best of 3);
the difference cancels start-up, and the kernels' fixed instruction count
per iteration gives guest instructions per second.  Prints both rates and
the ratio petrel/QEMU (> 1: petrel faster), plus start-up times.
"""
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import os

PETREL, KERNELS = sys.argv[1], sys.argv[2]
SCALE = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
QEMU = shutil.which("qemu-system-ppc64")
QEMU_ARGS = ["-M", "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off",
             "-display", "none", "-nographic", "-no-reboot", "-m", "512M"]
# (name, kernel number, instructions per iteration, iterations)
KERNEL_LIST = [("scalar FP", 0, 10, 20_000_000), ("VSX", 1, 10, 20_000_000)]


def payload(tmp, kernel, iters):
    data = bytearray(open(KERNELS, "rb").read())
    data[0x1000:0x1010] = struct.pack(">QQ", kernel, iters)
    path = os.path.join(tmp, f"k{kernel}-{iters}.bin")
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
vmms = [("petrel", [PETREL]), ("qemu", [QEMU] + QEMU_ARGS)]
with tempfile.TemporaryDirectory() as tmp:
    startup = {}
    print(f"{'kernel':<12} {'petrel M insn/s':>16} {'qemu M insn/s':>14} {'petrel/qemu':>12}")
    for name, k, per_iter, iters in KERNEL_LIST:
        iters = max(2, int(iters * SCALE))
        rates = {}
        for vmm, base in vmms:
            t0 = best_time(base + ["-bios", payload(tmp, k, 1)])
            t1 = best_time(base + ["-bios", payload(tmp, k, iters)])
            startup[vmm] = min(startup.get(vmm, t0), t0)
            rates[vmm] = (iters - 1) * per_iter / max(t1 - t0, 1e-9)
        print(f"{name:<12} {rates['petrel'] / 1e6:16.1f} {rates['qemu'] / 1e6:14.1f} "
              f"{rates['petrel'] / rates['qemu']:11.2f}x")
    print(f"{'start-up':<12} {startup['petrel'] * 1000:13.1f} ms {startup['qemu'] * 1000:11.1f} ms "
          f"{startup['qemu'] / startup['petrel']:11.2f}x faster")
