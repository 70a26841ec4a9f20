#!/usr/bin/env python3
"""QMP snapshot commands (vmm/monitor/README).

1. Against qemu-system-ppc64 7.2 (skipped without it): query-migrate
   before any migration, migrate's argument errors, migrate-incoming
   without -incoming, migrate exec:cat > FILE of a running guest (the STOP
   event, query-migrate once completed, "postmigrate", cont) -- the
   replies' JSON shapes and the values that must agree are compared.
2. petrel only, with tests/guest/kernel-snap.c (it prints a numbered step
   log): petrel-savevm of a guest held by -S; petrel-loadvm of a missing
   file, a corrupted one and a non-snapshot each refused with GenericError
   while the guest keeps running and printing; petrel-loadvm of the saved
   file rewinds the running guest to the start of its loop; -incoming defer
   waits in "inmigrate" until migrate-incoming exec:cat FILE, which a bad
   file does not disturb, and the guest then finishes.

usage: test_snapshot_qmp.py PETREL IDLE_PAYLOAD KERNEL_SNAP_ELF
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

PETREL, IDLE, KERNEL = sys.argv[1], sys.argv[2], sys.argv[3]
TIMEOUT = 20.0
failures = []
TMP = tempfile.mkdtemp(prefix="petrel-snapqmp-")


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.time() + TIMEOUT
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.02)
        self.buf = b""
        self.events = []
        self.read()
        self.cmd("qmp_capabilities")

    def read(self, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while b"\n" not in self.buf:
            r, _, _ = select.select([self.sock], [], [], max(0, deadline - time.time()))
            if not r:
                return None
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self.read()
            if r is None or "return" in r or "error" in r:
                return r
            self.events.append(r["event"])

    def wait_event(self, name, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while name not in self.events and time.time() < deadline:
            r = self.read(max(0, deadline - time.time()))
            if r is None:
                break
            if "event" in r:
                self.events.append(r["event"])
        found = name in self.events
        self.events = []
        return found

    def status(self):
        return self.cmd("query-status")["return"]["status"]


def shape(v):
    """Keys and types, recursively; every number is a number (QEMU prints
    a double that happens to be whole, mbps, without a point)."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def migrate_session(argv, sock):
    """The same steps against either VMM; returns {label: reply}."""
    out = {}
    mig = os.path.join(TMP, os.path.basename(sock) + ".mig")
    proc = subprocess.Popen(argv + ["-qmp", f"unix:{sock},server,wait=off"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        q = Qmp(sock)
        out["query-migrate before"] = q.cmd("query-migrate")
        out["migrate-incoming without -incoming"] = q.cmd("migrate-incoming", uri=f"file:{mig}")
        out["migrate bad protocol"] = q.cmd("migrate", uri="foo:bar")
        out["migrate no uri"] = q.cmd("migrate")
        out["migrate uri not a string"] = q.cmd("migrate", uri=5)
        out["migrate unknown argument"] = q.cmd("migrate", uri=f"exec:cat > {mig}", x=1)
        out["cont"] = q.cmd("cont")
        q.wait_event("RESUME")
        out["migrate"] = q.cmd("migrate", uri=f"exec:cat > {mig}")
        out["STOP event"] = q.wait_event("STOP")
        deadline = time.time() + TIMEOUT
        while True:
            r = q.cmd("query-migrate")
            if r.get("return", {}).get("status") in ("completed", "failed") or \
                    time.time() > deadline:
                break
            time.sleep(0.05)
        out["query-migrate completed"] = r
        out["query-status after"] = q.cmd("query-status")
        out["cont after"] = q.cmd("cont")
        q.wait_event("RESUME")
        out["query-status running"] = q.cmd("query-status")
        out["file written"] = os.path.getsize(mig) > 100000
        q.cmd("quit")
        proc.wait(timeout=TIMEOUT)
    except Exception as e:
        proc.kill()
        proc.wait()
        fail(f"{argv[0]}: session broke: {e!r}; stderr {proc.stderr.read()[-400:]!r}")
        return None
    return out


def compare_with_qemu():
    qemu = shutil.which("qemu-system-ppc64")
    p = migrate_session([PETREL, "-bios", IDLE, "-S"], os.path.join(TMP, "p.sock"))
    if not p:
        return
    if p["query-migrate completed"].get("return", {}).get("status") != "completed" or \
            not p["file written"] or not p["STOP event"]:
        fail(f"petrel migrate exec: did not complete: {p}")
    if p["query-status after"]["return"]["status"] != "postmigrate":
        fail(f"petrel: status after migrate {p['query-status after']}")
    if not qemu:
        print("SKIP the QEMU half: qemu-system-ppc64 is not installed")
        return
    q = migrate_session([qemu, "-M", "pseries", "-display", "none", "-S"],
                        os.path.join(TMP, "q.sock"))
    if not q:
        return
    # Error descriptions petrel gives word for word as QEMU.
    same_desc = {"migrate-incoming without -incoming", "migrate bad protocol", "migrate no uri",
                 "migrate uri not a string", "migrate unknown argument"}
    for label in p:
        if shape(p[label]) != shape(q[label]):
            fail(f"{label}: shapes differ:\n  petrel {p[label]}\n  qemu   {q[label]}")
        elif label in same_desc and p[label] != q[label]:
            fail(f"{label}: petrel {p[label]}, qemu {q[label]}")
        elif label.startswith("query-status") and p[label] != q[label]:
            fail(f"{label}: petrel {p[label]}, qemu {q[label]}")
    print("ok   migrate, migrate-incoming and query-migrate shapes match qemu-system-ppc64")


def steps_in(text):
    return [int(m) for m in re.findall(rb"^step (\d+) ", text, re.M)]


class Guest:
    """kernel-snap.c under petrel with QMP; stdout collected as it comes."""

    def __init__(self, name, extra=()):
        self.disk = os.path.join(TMP, f"{name}.img")
        with open(self.disk, "wb") as f:
            f.truncate(1 << 20)
        self.sock = os.path.join(TMP, f"{name}.sock")
        self.argv = [PETREL, "-nographic", "-m", "256M", "-icount", "shift=0", "-kernel", KERNEL,
                     "-drive", f"file={self.disk},if=virtio"]
        self.proc = subprocess.Popen(self.argv + list(extra) +
                                     ["-qmp", f"unix:{self.sock},server,wait=off"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = bytearray()
        self.q = Qmp(self.sock)

    def pump(self, timeout=0.0):
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], timeout)
        if r:
            chunk = os.read(fd, 65536)
            self.out += chunk
            return bool(chunk)
        return False

    def wait_for(self, pattern, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while pattern not in self.out and time.time() < deadline:
            if not self.pump(0.05) and self.proc.poll() is not None:
                self.pump()
                break
        return pattern in self.out

    def finish(self):
        try:
            rest, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, err = self.proc.communicate()
        self.out += rest
        return self.proc.returncode, err


def in_place():
    failed_before = len(failures)
    g = Guest("inplace", ["-S"])
    saved = os.path.join(TMP, "inplace.snap")
    q = g.q
    r = q.cmd("migrate", uri="tcp:127.0.0.1:4444")
    if r.get("error", {}).get("desc") != ("Parameter 'uri': petrel migrates through file:PATH "
                                          "and exec:COMMAND, not tcp"):
        fail(f"migrate tcp: {r}")
    r = q.cmd("petrel-savevm")
    if r.get("error", {}).get("desc") != "Parameter 'file' is missing":
        fail(f"petrel-savevm without file: {r}")
    r = q.cmd("petrel-loadvm", file=7)
    if r.get("error", {}).get("desc") != "Invalid parameter type for 'file', expected: string":
        fail(f"petrel-loadvm file=7: {r}")
    # Held by -S: save now, at the very start, so a later load rewinds.
    r = q.cmd("petrel-savevm", file=saved)
    if r != {"return": {}}:
        fail(f"petrel-savevm: {r}")
    if q.status() != "prelaunch":
        fail("petrel-savevm changed the run state")
    q.cmd("cont")
    if not g.wait_for(b"step 400 "):
        fail("in place: the guest does not run")
    corrupted = os.path.join(TMP, "corrupted.snap")
    data = bytearray(open(saved, "rb").read())
    data[len(data) - 500] ^= 1
    open(corrupted, "wb").write(data)
    for label, f, want in (("a missing file", os.path.join(TMP, "missing.snap"), "cannot open"),
                           ("a corrupted file", corrupted, "checksum mismatch in section"),
                           ("not a snapshot", KERNEL, "not a petrel snapshot")):
        before = max(steps_in(g.out) or [0])
        r = q.cmd("petrel-loadvm", file=f)
        err = r.get("error", {})
        if err.get("class") != "GenericError" or want not in err.get("desc", ""):
            fail(f"petrel-loadvm of {label}: {r}")
        st = q.status()
        if st != "running":
            fail(f"petrel-loadvm of {label}: status {st} afterwards")
        deadline = time.time() + TIMEOUT
        while max(steps_in(g.out) or [0]) <= before + 16 and time.time() < deadline:
            g.pump(0.05)
        if max(steps_in(g.out) or [0]) <= before + 16:
            fail(f"petrel-loadvm of {label}: the guest stopped printing at step {before}")
    # The good file: back to the start of the loop.
    seen = len(g.out)
    r = q.cmd("petrel-loadvm", file=saved)
    if r != {"return": {}}:
        fail(f"petrel-loadvm of the saved file: {r}")
    if q.status() != "running":
        fail("petrel-loadvm changed the run state")
    # Steps the guest printed before the load may still be in the pipe:
    # after them, the log must start again at the first step.
    deadline = time.time() + TIMEOUT
    while 8 not in steps_in(bytes(g.out[seen:])) and time.time() < deadline:
        g.pump(0.05)
    q.cmd("quit")
    g.finish()
    after = steps_in(bytes(g.out[seen:]))
    if 8 not in after or any(s <= 8 for s in after[:after.index(8)]):
        fail(f"petrel-loadvm did not rewind to the saved point: steps after it {after[:5]}")
    elif len(failures) == failed_before:
        print("ok   petrel-savevm / petrel-loadvm in place; bad files refused, guest kept running")


def incoming_defer():
    failed_before = len(failures)
    # A snapshot mid-run, from a first process.
    g = Guest("source")
    if not g.wait_for(b"step 800 "):
        fail("source guest does not run")
    saved = os.path.join(TMP, "source.snap")
    r = g.q.cmd("migrate", uri=f"exec:cat > {saved}")
    if r != {"return": {}} or g.q.status() != "postmigrate":
        fail(f"migrate: {r}")
    g.q.cmd("quit")
    g.finish()
    last = max(steps_in(g.out))

    # The target (the source's drive: it is part of the configuration)
    # waits, refuses a bad file, takes the good one.
    sock = os.path.join(TMP, "target.sock")
    p = subprocess.Popen(g.argv + ["-incoming", "defer", "-qmp", f"unix:{sock},server,wait=off"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    q = Qmp(sock)
    if q.status() != "inmigrate":
        fail(f"-incoming defer: status {q.status()}")
    r = q.cmd("cont")
    if q.status() != "inmigrate":
        fail("cont started a machine waiting for its snapshot")
    r = q.cmd("migrate-incoming", uri=f"exec:cat {TMP}/missing.snap")
    if r.get("error", {}).get("class") != "GenericError" or q.status() != "inmigrate":
        fail(f"migrate-incoming of a missing file: {r}, status {q.status()}")
    r = q.cmd("migrate-incoming", uri=f"exec:cat {saved}")
    if r != {"return": {}}:
        fail(f"migrate-incoming: {r}")
    if q.status() not in ("running",):
        fail(f"after migrate-incoming: status {q.status()}")
    r = q.cmd("migrate-incoming", uri=f"exec:cat {saved}")
    if r.get("error", {}).get("desc") != "'-incoming' was not specified on the command line":
        fail(f"a second migrate-incoming: {r}")
    out, err = p.communicate(timeout=60)
    steps = steps_in(out)
    if p.returncode != 0 or b"snap: done" not in out or not steps or steps[0] != last + 8 or \
            b"petrel firmware" in out:
        fail(f"restored guest: status {p.returncode}, first steps {steps[:3]} (saved after "
             f"{last}), stderr {err[-300:]!r}")
    elif len(failures) == failed_before:
        print("ok   -incoming defer waits in inmigrate; migrate-incoming restores and runs")


compare_with_qemu()
in_place()
incoming_defer()
shutil.rmtree(TMP, ignore_errors=True)
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("all snapshot QMP checks passed")
