#!/usr/bin/env python3
"""Snapshots end to end: tests/guest/kernel-snap.c (deterministic polled
virtio-blk I/O with a running hash) runs once straight through; then
again, saved with QMP migrate at a random step, that process quits, and
the file is restored into a NEW petrel with -incoming file:PATH.  The
first process's output followed by the second's must be the straight
run's byte for byte, and the disk image must end the same.  Done for a
POWER9 guest that CAS puts in XIVE (with one vCPU, and with a second one
left stopped), a XICS guest (ic-mode=xics), and a POWER8-compat guest
(max-cpu-compat=power8: a hash guest, whose page table lives outside
guest RAM and which the kernel fills and reads back with
H_ENTER/H_READ).  The kernel prints probes of the interrupt mode and the
compat level, so losing either changes the output; every completion
also arrives as an MSI-X interrupt it takes (XICS: H_XIRR and H_EOI;
XIVE: TIMA ack, event queue, ESB EOI), so the presenter, the source's
route, the event queue and the PHB's MSI table must come back.  Every run has -icount shift=0: the firmware prints timebase
values, which then depend on instructions alone.  Then the rejections:
a snapshot restored into another machine configuration, truncated,
corrupted and version-mismatched files, each one clear line and exit
status 1.

usage: run_snapshot_tests.py PETREL KERNEL_SNAP_ELF [SEED]
"""
import json
import os
import random
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zlib

PETREL, KERNEL = sys.argv[1], sys.argv[2]
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else int(time.time())
rng = random.Random(SEED)
failures = []
TMP = tempfile.mkdtemp(prefix="petrel-snap-")


def fail(name, msg):
    failures.append(name)
    print(f"FAIL {name}: {msg}")


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.time() + 10
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.02)
        self.buf = b""
        self.read()  # greeting
        self.cmd("qmp_capabilities")

    def read(self, timeout=30):
        deadline = time.time() + timeout
        while b"\n" not in self.buf:
            r, _, _ = select.select([self.sock], [], [], max(0, deadline - time.time()))
            if not r:
                raise TimeoutError("QMP reply")
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QMP closed")
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
            if "return" in r or "error" in r:
                return r

    def close(self):
        self.sock.close()


def machine(kind):
    return {
        "xive": ["-M", "pseries"],
        "xics": ["-M", "pseries,ic-mode=xics"],
        "power8": ["-M", "pseries,max-cpu-compat=power8"],
        # A second vCPU the guest never starts: its stopped state too.
        "xive-smp2": ["-M", "pseries", "-smp", "2"],
    }[kind]


def args_for(kind, disk):
    return ["-nographic", "-m", "256M", "-icount", "shift=0"] + machine(kind) + [
        "-kernel", KERNEL, "-drive", f"file={disk},if=virtio"]


def fresh_disk(name):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.truncate(1 << 20)
    return path


def straight(kind):
    disk = fresh_disk(f"{kind}-straight.img")
    p = subprocess.run([PETREL] + args_for(kind, disk), capture_output=True, timeout=120)
    with open(disk, "rb") as f:
        return p.returncode, p.stdout, f.read()


def read_until(proc, out, want, timeout=60):
    """Reads proc's stdout into out (a bytearray) until `want` appears."""
    deadline = time.time() + timeout
    fd = proc.stdout.fileno()
    while want not in out:
        r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
        if not r:
            return False
        chunk = os.read(fd, 65536)
        if not chunk:
            return False
        out += chunk
    return True


def split_run(kind, step):
    """Saves at `step` (a multiple of 8 the kernel prints), restores into a
    new process.  Returns (first output, second output, status, disk, file)."""
    disk = fresh_disk(f"{kind}-split.img")
    snap = os.path.join(TMP, f"{kind}.snap")
    sock = os.path.join(TMP, f"{kind}.qmp")
    a = subprocess.Popen([PETREL] + args_for(kind, disk) + ["-qmp", f"unix:{sock},server,wait=off"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = bytearray()
    q = Qmp(sock)
    if not read_until(a, first, f"step {step} ".encode()):
        a.kill()
        raise RuntimeError(f"never reached step {step}")
    r = q.cmd("migrate", uri=f"file:{snap}")
    if "error" in r:
        a.kill()
        raise RuntimeError(f"migrate: {r}")
    st = q.cmd("query-status")["return"]["status"]
    mi = q.cmd("query-migrate")["return"]
    q.cmd("quit")
    q.close()
    rest, err = a.communicate(timeout=30)
    first += rest
    if st != "postmigrate" or mi.get("status") != "completed":
        raise RuntimeError(f"after migrate: status {st}, query-migrate {mi}")
    b = subprocess.run([PETREL] + args_for(kind, disk) + ["-incoming", f"file:{snap}"],
                       capture_output=True, timeout=120)
    with open(disk, "rb") as f:
        image = f.read()
    return bytes(first), b.stdout, b.returncode, b.stderr, image, snap


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def check_kind(kind):
    name = f"snapshot: {kind} guest saved at a random step continues in a new process"
    rc, want, want_disk = straight(kind)
    if rc != 0 or b"snap: done" not in want:
        fail(name, f"straight run: status {rc}, output tail {want[-200:]!r}")
        return None
    probe = {"xive": b"probe xics -2 radix -55", "xics": b"probe xics 0 radix -55",
             "power8": b"probe xics 0 radix -4", "xive-smp2": b"probe xics -2 radix -55"}[kind]
    if probe not in want:
        fail(name, f"straight run lacks {probe!r}: the probes do not tell the modes apart")
    steps = [int(l.split()[1]) for l in want.decode().splitlines() if l.startswith("step ")]
    step = rng.choice([s for s in steps if 64 <= s <= steps[-1] - 400])
    try:
        first, second, rc2, err2, disk, snap = split_run(kind, step)
    except (RuntimeError, TimeoutError, EOFError, OSError) as e:
        fail(name, str(e))
        return None
    problems = []
    if b"snap: done" in first:
        problems.append("the first process finished before the save: no mid-run snapshot")
    if b"petrel firmware" in second or b"snap: start" in second:
        problems.append("the restored process booted again instead of continuing")
    if rc2 != 0:
        problems.append(f"restored process: status {rc2}, stderr {err2.decode(errors='replace')}")
    if first + second != want:
        i = first_difference(first + second, want)
        problems.append(f"output differs at byte {i} (saved at step {step}, {len(first)} bytes "
                        f"before): {(first + second)[i-40:i+80]!r} vs {want[i-40:i+80]!r}")
    if disk != want_disk:
        problems.append("the disk image differs from the straight run's")
    if problems:
        fail(name, f"(seed {SEED}, step {step}) " + "; ".join(problems))
    else:
        print(f"ok   {name} (step {step}, {os.path.getsize(snap)} bytes)")
    return snap


def rejected(name, args, message):
    """One line on stderr naming the problem, exit status 1, nothing run."""
    p = subprocess.run([PETREL] + args, capture_output=True, timeout=60)
    err = p.stderr.decode(errors="replace").strip()
    problems = []
    if p.returncode != 1:
        problems.append(f"exit status {p.returncode}")
    if len(err.splitlines()) != 1:
        problems.append(f"stderr is not one line: {err!r}")
    if message not in err:
        problems.append(f"stderr {err!r} lacks {message!r}")
    if b"step" in p.stdout:
        problems.append("the guest ran")
    if problems:
        fail(name, "; ".join(problems))
    else:
        print(f"ok   {name}")


def corrupt(src, name, edit):
    data = bytearray(open(src, "rb").read())
    data = edit(data)
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def section_offsets(data):
    """(offset, id, payload length) of each section after the header."""
    fp_len = int.from_bytes(data[12:16], "little")
    off = 16 + fp_len + 4
    out = []
    while off < len(data):
        sid = bytes(data[off:off + 4]).decode()
        ln = int.from_bytes(data[off + 12:off + 20], "little")
        out.append((off, sid, ln))
        off += 20 + ln + 4
    return out


def check_rejections(snap):
    # The drive is part of the configuration: the saving side's image.
    disk = os.path.join(TMP, "xive-split.img")
    base = args_for("xive", disk)
    rejected("snapshot: another machine configuration is refused",
             ["-nographic", "-m", "512M", "-icount", "shift=0", "-M", "pseries", "-kernel", KERNEL,
              "-drive", f"file={disk},if=virtio", "-incoming", f"file:{snap}"],
             "different machine configuration: ram=268435456 (this machine: ram=536870912)")
    rejected("snapshot: a missing file is refused",
             base + ["-incoming", f"file:{TMP}/nonexistent"], "cannot open")
    data = open(snap, "rb").read()
    secs = section_offsets(data)
    cpu = next(s for s in secs if s[1] == "CPU ")
    rejected("snapshot: truncated in the middle of a section",
             base + ["-incoming", "file:" + corrupt(snap, "t1", lambda d: d[:cpu[0] + 100])],
             "truncated in section")
    rejected("snapshot: truncated at a section boundary",
             base + ["-incoming", "file:" + corrupt(snap, "t2", lambda d: d[:cpu[0]])],
             "no END section")

    def flip(d):
        d[cpu[0] + 20 + 8 * 5] ^= 0x40
        return d
    rejected("snapshot: a flipped byte is caught by the checksum",
             base + ["-incoming", "file:" + corrupt(snap, "flip", flip)],
             "checksum mismatch in section")

    def version(d):
        d[8] = 9
        return d
    rejected("snapshot: another format version",
             base + ["-incoming", "file:" + corrupt(snap, "ver", version)], "format version 9")
    def section_version(d):
        # The CPU section claims version 2, its checksum made right again:
        # the component refuses a version it does not read.
        off, _, ln = cpu
        d[off + 8:off + 12] = (2).to_bytes(4, "little")
        end = off + 20 + ln
        d[end:end + 4] = zlib.crc32(bytes(d[off:end])).to_bytes(4, "little")
        return d
    rejected("snapshot: a section version this petrel does not read",
             base + ["-incoming", "file:" + corrupt(snap, "secver", section_version)],
             "vCPU 0: state version 2, this petrel reads 1")
    rejected("snapshot: not a snapshot at all",
             base + ["-incoming", f"file:{KERNEL}"], "not a petrel snapshot")


kinds = ["xive", "xics", "power8", "xive-smp2"]
snaps = [check_kind(k) for k in kinds]
if snaps[0]:
    check_rejections(snaps[0])
shutil.rmtree(TMP, ignore_errors=True)
if failures:
    print(f"{len(failures)} failed (seed {SEED})")
    sys.exit(1)
print("all passed")
