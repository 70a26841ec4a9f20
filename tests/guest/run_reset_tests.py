#!/usr/bin/env python3
"""Resets from every source, checked at the firmware's first instruction
(reset-payload.c, reset-start.S; DESIGN.md "Reset is firmware re-entry"):

- the payload's own run: resets by MMIO store and by hcall from each
  vCPU while the other is in hcalls, MMIO loads or H_CEDE, then a QMP
  system_reset while both loop; every entry's registers checked by the
  payload, and by this script in -trace reset's step 6 lines;
- gdb (when gdb-multiarch is installed): a breakpoint at the entry, the
  registers after three resets read through the gdbstub;
- -no-reboot: the first reset request ends petrel with status 0.

usage: run_reset_tests.py PETREL BUILDDIR
"""
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PETREL, BUILD = sys.argv[1:3]
PAYLOAD = os.path.join(BUILD, "payload-reset.bin")
BASE = [PETREL, "-nographic", "-bios", PAYLOAD, "-smp", "2", "-device", "petrel-irq-test"]
HWDESC = 0x400000  # include/petrel/layout.h HWDESC_ADDR
failures = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + detail[-3000:]))
    if not cond:
        failures.append(name)


def read_until(p, text, buf, timeout):
    deadline = time.time() + timeout
    while text not in buf[0] and time.time() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf[0] += chunk.decode(errors="replace")
    return text in buf[0]


def qmp_connect(path):
    for _ in range(100):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            break
        except OSError:
            time.sleep(0.05)
    # Read through a file, write with sendall: a text file's write would
    # drop lines it had read ahead.
    f = s.makefile("r")
    json.loads(f.readline())
    s.sendall(b'{"execute": "qmp_capabilities"}\n')
    json.loads(f.readline())
    return s, f


def qmp(s, f, cmd, **args):
    msg = {"execute": cmd}
    if args:
        msg["arguments"] = args
    s.sendall((json.dumps(msg) + "\n").encode())
    while True:
        r = json.loads(f.readline())
        if "event" not in r:
            return r


def entry_lines_ok(trace):
    """Every step-6 line: nip 0x100, MSR 0, r3 the hardware description,
    LR, CTR, CR 0, no other GPR set."""
    lines = re.findall(r"reset: 6 vCPU 0 at the firmware entry: (.*)", trace)
    want = ("nip=0x100 msr=0 r3=%#x lr=0 ctr=0 cr=0, 0 other GPRs nonzero" % HWDESC)
    bad = [l for l in lines if l != want]
    return lines, bad


def test_full_run():
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "qmp.sock")
        trace = os.path.join(d, "trace.log")
        p = subprocess.Popen(BASE + ["-qmp", f"unix:{sock},server,wait=off",
                                     "-trace", "reset", "-D", trace],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        buf = [""]
        t0 = time.time()
        waiting = read_until(p, "waiting for the host's system_reset", buf, 240)
        check("payload: every guest-requested reset re-entered cleanly (%.1f s)"
              % (time.time() - t0), waiting and "FAIL" not in buf[0], buf[0])
        if not waiting:
            p.kill()
            p.communicate()
            return
        s, f = qmp_connect(sock)
        r = qmp(s, f, "system_reset")
        check("qmp: system_reset returns {}", r.get("return") == {}, str(r))
        try:
            rest, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, err = p.communicate()
        s.close()
        out = buf[0] + rest.decode(errors="replace")
        check("payload: host reset re-entered, all ok, status 0",
              p.returncode == 0 and "after the host's system_reset" in out
              and "reset: all ok" in out and "FAIL" not in out,
              "status %s: %s %s" % (p.returncode, out, err.decode(errors="replace")))
        entries = len(re.findall(r"reset: entry \d+ ok", out))
        with open(trace) as t:
            log = t.read()
        lines, bad = entry_lines_ok(log)
        check("trace: one step-6 line per reset (%d)" % len(lines),
              len(lines) == entries - 1, "%d lines, %d entries" % (len(lines), entries))
        check("trace: vCPU 0's entry registers at power-on values every time", not bad,
              "\n".join(bad[:5]))
        order = re.findall(r"reset: ([1-6]) ", log)
        check("trace: steps 1-6 in order at every reset",
              "".join(order) == "123456" * len(lines), "".join(order)[:200])
        check("trace: the reboot hcalls' results were dropped",
              "result dropped: a reset began" in log, log[-2000:])


def test_no_reboot():
    r = subprocess.run(BASE + ["-no-reboot"], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    out = r.stdout.decode(errors="replace")
    check("-no-reboot: the guest's reset request exits with 0 after one entry",
          r.returncode == 0 and "reset: entry 1 ok" in out and "entry 2" not in out,
          "status %d: %s" % (r.returncode, out))


def test_gdb(gdb):
    here = os.path.dirname(os.path.abspath(__file__))
    p = subprocess.Popen(BASE + ["-S", "-gdb", "tcp:127.0.0.1:0"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    m = re.search(r"gdbstub listening on tcp:127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        check("gdb: stub listening", False, line)
        return
    r = subprocess.run([gdb, "-nx", "-q", "-batch", "-ex", "set architecture powerpc:common64",
                        "-ex", "set endian big",
                        "-ex", "target remote 127.0.0.1:%s" % m.group(1),
                        "-x", os.path.join(here, "reset-entry.gdb")],
                       capture_output=True, text=True, timeout=120)
    p.kill()
    pout, _ = p.communicate()
    out = r.stdout + r.stderr
    entries = re.findall(r"ENTRY pc=(\w+) msr=(\w+) lr=(\w+) ctr=(\w+) cr=(\w+) xer=(\w+)\n"
                         r"GPRS ([\w ]+)\n", out)
    check("gdb: stopped at the firmware entry after three resets", len(entries) == 3, out)
    for k, e in enumerate(entries):
        gprs = [int(x, 16) for x in e[6].split()]
        want = [HWDESC if i == 3 else 0 for i in range(32)]
        check("gdb: entry %d: pc 0x100, MSR, LR, CTR, CR, XER 0" % (k + 2),
              e[:6] == ("100", "0", "0", "0", "0", "0"), str(e))
        check("gdb: entry %d: r3 = hardware description, other GPRs 0" % (k + 2),
              gprs == want, str(gprs))
    text = pout.decode(errors="replace")
    check("gdb: the payload's own checks held", "FAIL" not in text and "entry 4 ok" in text, text)


test_no_reboot()
test_full_run()
gdb = shutil.which("gdb-multiarch")
if gdb:
    test_gdb(gdb)
else:
    print("skip gdb: no gdb-multiarch")
sys.exit(1 if failures else 0)
