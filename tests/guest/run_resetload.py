#!/usr/bin/env python3
"""Reset under load (kernel-resetload.c; DESIGN.md "Reset is firmware
re-entry"): the kernel keeps virtio-blk writes and their MSI-X
interrupts going on 2 vCPUs while QMP asks for RESETS system_resets at
random moments, and the kernel reboots itself now and then.  Checked:

- petrel never dies, and quits with 0 at the end; no sanitizer report;
- every reset (the host's and the guest's) re-enters the firmware and
  boots to the kernel again, which checks the previous boots' writes
  (no interrupt pending, no torn slot, every logged acknowledged write on
  the disk) and says "boot B ok";
- every write the kernel printed as acknowledged ("ack S") is on the
  image (read by this script after every boot and at the end): its slot
  holds that write or a later one of the same slot;
- QMP reports one RESET per re-entry.

usage: run_resetload.py PETREL KERNEL RESETS [SEED]
"""
import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

PETREL, KERNEL, RESETS = sys.argv[1], sys.argv[2], int(sys.argv[3])
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else int(time.time())
SLOTS = 64
BOOT_TIMEOUT = 20.0
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg[-3000:])


class Console:
    """The guest's console: whole lines, the acknowledged writes and boots."""

    def __init__(self, p):
        self.p, self.part, self.lines = p, "", []
        self.acks, self.boots, self.fails, self.guest_reboots = [], 0, [], 0
        self.entries = 0  # the firmware's banners

    def pump(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return True
        chunk = os.read(self.p.stdout.fileno(), 1 << 16)
        if not chunk:
            return False
        self.feed(chunk.decode(errors="replace"))
        return True

    def feed(self, text):
        self.part += text
        *full, self.part = self.part.split("\n")
        for line in full:
            m = re.fullmatch(r"ack (\d+)", line)
            if m:
                self.acks.append(int(m.group(1)))
                continue
            self.lines.append(line)
            if re.match(r"resetload: boot \d+ ok", line):
                self.boots += 1
            elif line.startswith("petrel firmware "):
                self.entries += 1
            elif line == "resetload: guest reboot":
                self.guest_reboots += 1
            elif "FAIL" in line:
                self.fails.append(line)

    def wait_boots(self, n, timeout=BOOT_TIMEOUT):
        deadline = time.time() + timeout
        while self.boots < n and time.time() < deadline and not self.fails:
            if not self.pump(0.2):
                break
        return self.boots >= n


class Qmp:
    def __init__(self, path):
        for _ in range(200):
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.05)
        # Reading and writing through one text file object would drop
        # lines already read ahead at every write (TextIOWrapper.write
        # resets the decoder): a file to read, sendall to write.
        self.f = self.s.makefile("r")
        self.events = []
        json.loads(self.f.readline())
        self.cmd("qmp_capabilities")

    def cmd(self, name):
        self.s.sendall((json.dumps({"execute": name}) + "\n").encode())
        while True:
            line = self.f.readline()
            if not line:
                return None
            r = json.loads(line)
            if "event" in r:
                self.events.append(r)
            else:
                return r

    def drain(self):
        """The events left, once petrel has exited and closed the socket."""
        for line in self.f:
            r = json.loads(line)
            if "event" in r:
                self.events.append(r)


def check_image(img, acks):
    """Every acknowledged write is on the image (or a later one of its slot)."""
    with open(img, "rb") as f:
        data = f.read(512 * (1 + SLOTS))
    seqs = {}
    for slot in range(SLOTS):
        sec = data[512 * (1 + slot):512 * (2 + slot)]
        if sec[:8] == b"PTRLDATA":
            seqs[slot] = struct.unpack(">Q", sec[8:16])[0]
    lost = [s for s in acks if seqs.get(s % SLOTS, -1) < s]
    return lost


def main():
    rng = random.Random(SEED)
    print("seed %d, %d resets" % (SEED, RESETS))
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "disk.img")
        with open(img, "wb") as f:
            f.truncate(1 << 20)
        sock = os.path.join(d, "qmp.sock")
        p = subprocess.Popen([PETREL, "-nographic", "-smp", "2", "-M", "pseries,ic-mode=xics",
                              "-drive", f"file={img},if=none,id=d0",
                          "-device", "virtio-blk-pci,drive=d0,iommu_platform=on", "-kernel", KERNEL,
                              "-qmp", f"unix:{sock},server,wait=off",
                              "-trace", "reset", "-D", os.path.join(d, "trace.log")],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        con = Console(p)
        q = Qmp(sock)
        t0 = time.time()
        if not con.wait_boots(1):
            fail("the first boot never reached the kernel: %s" % con.lines[-20:])
        done = 0
        while done < RESETS and not failures:
            # Let it write a while: a random moment in its stream.
            deadline = time.time() + rng.uniform(0, 0.03)
            while time.time() < deadline:
                con.pump(max(0.0, deadline - time.time()))
            before = con.boots
            try:
                r = q.cmd("system_reset")
            except OSError as e:
                r = str(e)
            if r != {"return": {}}:
                fail("system_reset %d: %s" % (done, r))
                break
            done += 1
            if not con.wait_boots(before + 1) and not con.fails:
                fail("reset %d: no boot within %.0f s (petrel %s); last lines %s"
                     % (done, BOOT_TIMEOUT, p.poll(), con.lines[-10:]))
                break
            if con.fails:
                fail("the kernel: %s" % con.fails)
                break
            lost = check_image(img, con.acks)
            if lost:
                fail("after reset %d: acknowledged writes not on the image: %s"
                     % (done, lost[:10]))
        elapsed = time.time() - t0
        # Let the last boot write a little, then check once more and quit.
        end = time.time() + 0.05
        while time.time() < end:
            con.pump(0.01)
        try:
            q.cmd("quit")
        except OSError:
            pass  # petrel is gone: its status tells why
        try:
            rest, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, err = p.communicate()
            fail("petrel did not quit")
        con.feed(rest.decode(errors="replace") + "\n")
        q.drain()
        err = err.decode(errors="replace")
        if p.returncode != 0:
            fail("petrel exit status %s: %s" % (p.returncode, err[-3000:]))
        if "Sanitizer" in err or "runtime error" in err or "Assertion" in err:
            fail("petrel's stderr: %s" % err[-3000:])
        lost = check_image(img, con.acks)
        if lost:
            fail("at the end: acknowledged writes not on the image: %s" % lost[:10])
        if con.fails:
            fail("the kernel: %s" % con.fails)
        resets = [e for e in q.events if e["event"] == "RESET"]
        with open(os.path.join(d, "trace.log")) as t:
            log = t.read()
        # Every reset carried out (-trace reset's step 1) was reported.
        traced = len(re.findall(r"reset: 1 stop", log))
        if traced != len(resets):
            fail("%d resets traced, %d RESET events" % (traced, len(resets)))
        host = sum(1 for e in resets if not e["data"]["guest"])
        guest = sum(1 for e in resets if e["data"]["guest"])
        # A host reset and a guest reboot asked for before the main loop
        # served either are one reset (one RESET event, with the later
        # cause).  Every RESET event is one firmware entry; only the entry
        # after a guest reboot can be cut short by the host's next reset
        # (the host waits for each of its resets' boots) -- before the
        # banner, or before the kernel.
        if not done - con.guest_reboots <= host <= done:
            fail("QMP reported %d host RESET events for %d system_resets, %d guest reboots"
                 % (host, done, con.guest_reboots))
        if not 1 + len(resets) - con.guest_reboots <= con.entries <= 1 + len(resets):
            fail("%d firmware entries for %d RESET events, %d guest reboots"
                 % (con.entries, len(resets), con.guest_reboots))
        if not 1 + done <= con.boots <= con.entries:
            fail("%d kernel boots for %d firmware entries, %d host resets"
                 % (con.boots, con.entries, done))
        if not failures:
            print("ok   %d host resets and %d guest reboots in %.1f s (%.1f ms each), "
                  "%d boots, %d acknowledged writes all on the image"
                  % (done, guest, elapsed, 1e3 * elapsed / max(1, done + guest), con.boots,
                     len(con.acks)))
    return 1 if failures else 0


sys.exit(main())
