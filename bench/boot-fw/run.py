#!/usr/bin/env python3
"""Firmware entry -> kernel entry: petrel's firmware against QEMU's SLOF, one run.

usage: run.py PETREL KERNEL_ELF PROBE_BIN [RUNS]

The same small kernel (kernel.S) is booted with -kernel by petrel (its
firmware, on the flattened-tree path -- with CAS and RTAS done by the
firmware -- and with -M boot-protocol=of on the Open Firmware path, as SLOF
enters it) and by qemu-system-ppc64 -M pseries (SLOF, Open Firmware path).  Its first action is reading the timebase, which it
prints as "BOOTFW tb 0x...".  Both timebases run at 512 MHz.

  * QEMU's timebase counts from VM start, i.e. from firmware entry: the
    probe (kernel.S built as a -bios image, entered where SLOF would be)
    prints the timebase at firmware entry, which is subtracted.
  * petrel's timebase is the host's CLOCK_MONOTONIC (the probe shows it),
    so its firmware reads the timebase as its first instruction and prints
    it ("timebase 0x... at firmware entry"); that is subtracted.

Also reported: wall time from spawning the VMM to the kernel's line on its
console.  Best of RUNS (default 5 for petrel, 3 for QEMU, which takes
seconds per boot).  Prints both figures and the ratio QEMU/petrel.
"""
import re
import shutil
import subprocess
import sys
import time

PETREL, KERNEL, PROBE = sys.argv[1], sys.argv[2], sys.argv[3]
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 else 5
TB_HZ = 512_000_000
QEMU = shutil.which("qemu-system-ppc64")
QEMU_ARGS = ["-M", "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off",
             "-display", "none", "-nographic", "-no-reboot", "-m", "512M"]
MARK = re.compile(rb"BOOTFW tb 0x([0-9a-f]{16})")
FW_ENTRY = re.compile(rb"timebase 0x([0-9a-f]+) at firmware entry")


def boot(cmd, timeout=120):
    """Runs cmd until the kernel's line; returns (console bytes, kernel tb,
    seconds from spawn to the line).  Kills the VMM if it does not exit."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    out = b""
    try:
        while time.monotonic() - t0 < timeout:
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            out += chunk
            m = MARK.search(out)
            if m:  # all 16 digits are there
                return out, int(m.group(1), 16), time.monotonic() - t0
        sys.exit(f"bench: {cmd[0]} printed no kernel line within {timeout} s: {out[-500:]!r}")
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()


def best(results):
    return min(results)


def main():
    if not QEMU:
        sys.exit("bench: qemu-system-ppc64 not found (apt-get install qemu-system-ppc)")

    # Where each timebase starts (the probe, in place of firmware).
    spawn = time.monotonic()
    _, petrel_probe_tb, _ = boot([PETREL, "-bios", PROBE])
    petrel_probe_lag = petrel_probe_tb / TB_HZ - spawn
    qemu_probe = [boot([QEMU] + QEMU_ARGS + ["-bios", PROBE])[1] for _ in range(3)]
    qemu_entry_tb = min(qemu_probe)

    petrels = {"petrel": [], "petrel-of": ["-M", "pseries,boot-protocol=of"]}
    fw = {vmm: [] for vmm in list(petrels) + ["qemu"]}
    wall = {vmm: [] for vmm in fw}
    for _ in range(RUNS):
        for vmm, extra in petrels.items():
            out, tb, w = boot([PETREL] + extra + ["-kernel", KERNEL])
            m = FW_ENTRY.search(out)
            if not m:
                sys.exit(f"bench: petrel's firmware did not report its entry timebase: {out!r}")
            fw[vmm].append((tb - int(m.group(1), 16)) / TB_HZ)
            wall[vmm].append(w)
    for _ in range(max(1, min(RUNS, 3))):
        _, tb, w = boot([QEMU] + QEMU_ARGS + ["-kernel", KERNEL])
        fw["qemu"].append((tb - qemu_entry_tb) / TB_HZ)
        wall["qemu"].append(w)

    print("boot-fw: firmware entry -> kernel entry (timebase), spawn -> kernel line (wall)")
    print(f"  timebase at firmware entry: QEMU {qemu_entry_tb / TB_HZ * 1000:.2f} ms after VM start "
          f"(probe); petrel's is the host clock (probe read it {petrel_probe_lag * 1000:.0f} ms "
          f"after spawn), so its firmware reports its own")
    print(f"{'vmm':<10} {'fw entry -> kernel':>20} {'spawn -> kernel':>18}")
    for vmm in fw:
        print(f"{vmm:<10} {best(fw[vmm]) * 1000:17.2f} ms {best(wall[vmm]) * 1000:15.1f} ms")
    print(f"qemu/petrel: {best(fw['qemu']) / best(fw['petrel']):.0f}x (firmware entry -> kernel), "
          f"{best(wall['qemu']) / best(wall['petrel']):.0f}x (spawn -> kernel): petrel faster")
    print(f"qemu/petrel-of: {best(fw['qemu']) / best(fw['petrel-of']):.0f}x (firmware entry -> "
          f"kernel, both on the Open Firmware path)")
    goal = max(best(fw["petrel"]), best(fw["petrel-of"])) < 0.020
    print(f"goal (petrel firmware entry -> kernel entry < 20 ms): {'met' if goal else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
