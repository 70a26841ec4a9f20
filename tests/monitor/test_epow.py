#!/usr/bin/env python3
"""QMP system_powerdown reaches the guest as an EPOW event: the RTAS test
kernel (tests/guest/kernel-rtas.c, -append epow) waits for it, reads the
log through check-exception and powers off with status 0; QMP reports the
POWERDOWN event and then the guest's SHUTDOWN.

usage: test_epow.py PETREL KERNEL
"""
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time

PETREL, KERNEL = sys.argv[1:3]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(extra):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "qmp.sock")
        p = subprocess.Popen([PETREL, "-nographic", "-kernel", KERNEL, "-append", "epow",
                              "-qmp", f"unix:{path},server,wait=off"] + extra,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        out = b""
        deadline = time.time() + 30
        while b"waiting for a power-down request" not in out and time.time() < deadline:
            r, _, _ = select.select([p.stdout], [], [], 1)
            if r:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
        if b"waiting for a power-down request" not in out:
            p.kill()
            fail(f"{extra}: the kernel never waited: {out.decode(errors='replace')}")
            return
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        f = s.makefile("rw")
        json.loads(f.readline())  # greeting
        for cmd in ("qmp_capabilities", "system_powerdown"):
            f.write(json.dumps({"execute": cmd}) + "\n")
            f.flush()
        events = []
        try:
            rest, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, err = p.communicate()
            fail(f"{extra}: the guest did not power off")
        for line in f:
            msg = json.loads(line)
            if "event" in msg:
                events.append(msg["event"])
        out += rest
        text = out.decode(errors="replace")
        if p.returncode != 0:
            fail(f"{extra}: exit status {p.returncode}: {text} {err.decode(errors='replace')}")
        if "kernel: epow: system shutdown, normal" not in text or "FAIL" in text:
            fail(f"{extra}: the guest did not see the EPOW event: {text}")
        if events[:1] != ["POWERDOWN"] or "SHUTDOWN" not in events:
            fail(f"{extra}: QMP events {events}")
        if not failures:
            print(f"ok   system_powerdown -> EPOW {' '.join(extra)}")


run([])
run(["-M", "pseries,ic-mode=xics"])
sys.exit(1 if failures else 0)
