#!/usr/bin/env python3
"""Reset -> kernel entry: QMP system_reset to the same small kernel's first
instruction, petrel against qemu-system-ppc64 with SLOF, in one run.

usage: run.py PETREL KERNEL_ELF [RESETS]

The kernel is bench/boot-fw/kernel.S built with -DSTAY: its first action
reads the timebase, it prints "BOOTFW tb 0x..." and spins, so the next
system_reset finds it running.  Each VMM boots it once, then takes RESETS
resets (default 20 for petrel, 5 for QEMU, whose SLOF takes seconds), each
sent when the previous boot's line has arrived.  Measured:

  * wall: from sending system_reset on the QMP socket to the kernel's
    line arriving on the console -- the same path for both VMMs;
  * petrel only, timebase: petrel's timebase is the host's
    CLOCK_MONOTONIC at 512 MHz, so the kernel's first-instruction
    timebase minus the host's clock when system_reset was sent is reset
    -> kernel entry without the console's latency.  (QEMU's timebase
    counts guest time, not comparable.)

Prints the best and median of each, the ratio QEMU/petrel (wall), and
whether petrel met the goal: reset -> kernel entry under 20 ms.
"""
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PETREL, KERNEL = sys.argv[1], sys.argv[2]
RESETS = int(sys.argv[3]) if len(sys.argv) > 3 else 20
TB_HZ = 512_000_000
QEMU = shutil.which("qemu-system-ppc64")
QEMU_ARGS = ["-M", "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off",
             "-display", "none", "-nographic", "-m", "512M"]
MARK = re.compile(rb"BOOTFW tb 0x([0-9a-f]{16})")


class Vmm:
    def __init__(self, cmd, d):
        sock = os.path.join(d, "qmp.sock")
        self.p = subprocess.Popen(cmd + ["-qmp", f"unix:{sock},server,wait=off"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.out, self.seen = b"", 0
        for _ in range(400):
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(sock)
                break
            except OSError:
                time.sleep(0.025)
        else:
            self.close()
            sys.exit(f"bench: {cmd[0]} opened no QMP socket")
        self.f = self.s.makefile("r")
        json.loads(self.f.readline())
        self.cmd("qmp_capabilities")

    def cmd(self, name):
        self.s.sendall((json.dumps({"execute": name}) + "\n").encode())
        while True:
            r = json.loads(self.f.readline())
            if "event" not in r:
                return r

    def next_mark(self, timeout=120):
        """The next boot's kernel timebase, and when its line arrived."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            marks = list(MARK.finditer(self.out))
            if len(marks) > self.seen:
                self.seen += 1
                return int(marks[self.seen - 1].group(1), 16), time.monotonic()
            chunk = self.p.stdout.read1(4096)
            if not chunk:
                break
            self.out += chunk
        self.close()
        sys.exit(f"bench: no kernel line within {timeout} s: {self.out[-500:]!r}")

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


def measure(cmd, n):
    wall, tb = [], []
    with tempfile.TemporaryDirectory() as d:
        v = Vmm(cmd, d)
        v.next_mark()
        for _ in range(n):
            sent = time.monotonic()
            if v.cmd("system_reset") != {"return": {}}:
                v.close()
                sys.exit("bench: system_reset refused")
            k_tb, arrived = v.next_mark()
            wall.append(arrived - sent)
            tb.append(k_tb / TB_HZ - sent)
        v.close()
    return wall, tb


def show(name, xs):
    return f"{name:<22} best {min(xs) * 1e3:8.2f} ms   median {statistics.median(xs) * 1e3:8.2f} ms"


def main():
    if not QEMU:
        sys.exit("bench: qemu-system-ppc64 not found (apt-get install qemu-system-ppc)")
    p_wall, p_tb = measure([PETREL, "-nographic", "-smp", "1", "-kernel", KERNEL], RESETS)
    q_wall, _ = measure([QEMU] + QEMU_ARGS + ["-kernel", KERNEL], max(1, min(RESETS, 5)))
    print(f"reset: QMP system_reset -> the kernel's first instruction ({RESETS} petrel resets, "
          f"{len(q_wall)} QEMU resets)")
    print(show("petrel (timebase)", p_tb))
    print(show("petrel (wall)", p_wall))
    print(show("qemu+SLOF (wall)", q_wall))
    print(f"qemu/petrel: {min(q_wall) / min(p_wall):.0f}x best, "
          f"{statistics.median(q_wall) / statistics.median(p_wall):.0f}x median (wall): "
          f"petrel faster")
    goal = statistics.median(p_tb) < 0.020
    print(f"goal (petrel reset -> kernel entry < 20 ms, median): {'met' if goal else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
