#!/usr/bin/env python3
"""QMP's reset and EEH commands (vmm/monitor/README):

- petrel-inject-eeh: argument errors (missing, mistyped, bad bus name or
  kind, no such bus, no device at the address) answered without touching
  the machine; then, with the virtio test kernel waiting (kernel-virtio.c,
  -append qmp-eeh), a DMA error on its PE: the guest sees the freeze
  through ibm,read-slot-reset-state2, recovers with a slot reset and
  reads its data back;
- system_reset with -no-reboot: SHUTDOWN (cause host-qmp-system-reset)
  and status 0.

usage: test_qmp_reset.py PETREL VIRTIO_KERNEL
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


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)[-3000:]))
    if not cond:
        failures.append(name)


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

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.s.sendall((json.dumps(msg) + "\n").encode())
        while True:
            line = self.f.readline()
            if not line:
                return None
            r = json.loads(line)
            if "event" in r:
                self.events.append(r)
            else:
                return r

    def rest(self):
        for line in self.f:
            r = json.loads(line)
            if "event" in r:
                self.events.append(r)


def read_until(p, text, buf, timeout=60):
    deadline = time.time() + timeout
    while text not in buf[0] and time.time() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf[0] += chunk.decode(errors="replace")
    return text in buf[0]


def error_class(r):
    return (r or {}).get("error", {}).get("class")


def start_virtio(d, extra):
    """The virtio kernel waiting for the host's EEH error."""
    img = os.path.join(d, "disk.img")
    with open(img, "wb") as f:
        f.truncate(1 << 20)
        f.seek(512)
        f.write(b"petrel-disk-data")
    sock = os.path.join(d, "qmp.sock")
    p = subprocess.Popen([PETREL, "-nographic", "-M", "pseries,ic-mode=xics",
                          "-drive", f"file={img},if=none,id=d0",
                          "-device", "virtio-blk-pci,drive=d0,iommu_platform=on", "-kernel", KERNEL,
                          "-append", "qmp-eeh", "-qmp", f"unix:{sock},server,wait=off"] + extra,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    buf = [""]
    waiting = read_until(p, "waiting for the host's EEH error", buf)
    return p, sock, buf, waiting


def test_inject_eeh():
    with tempfile.TemporaryDirectory() as d:
        p, sock, buf, waiting = start_virtio(d, ["-trace", "eeh"])
        check("guest waits for the host's error", waiting, buf[0])
        if not waiting:
            p.kill()
            p.communicate()
            return
        q = Qmp(sock)
        bad = [
            ({"kind": "dma"}, "GenericError", "missing addr"),
            ({"addr": 0}, "GenericError", "missing kind"),
            ({"addr": "0", "kind": "dma"}, "GenericError", "addr a string"),
            ({"addr": 0, "kind": 2}, "GenericError", "kind a number"),
            ({"addr": 0, "kind": "parity"}, "GenericError", "unknown kind"),
            ({"addr": 0, "kind": "dma", "bus": "pcie.0"}, "GenericError", "bad bus name"),
            ({"addr": 0, "kind": "dma", "bus": "pci.0x"}, "GenericError", "bus name with junk"),
            ({"addr": 0, "kind": "dma", "bus": "pci.3"}, "DeviceNotFound", "no such bus"),
            ({"addr": 5, "kind": "dma"}, "DeviceNotFound", "no device at addr 5"),
            ({"addr": -1, "kind": "dma"}, "DeviceNotFound", "negative addr"),
            ({"addr": 1 << 40, "kind": "dma"}, "DeviceNotFound", "huge addr"),
            ({"addr": 0, "kind": "dma", "force": True}, "GenericError", "unknown argument"),
        ]
        for args, cls, what in bad:
            r = q.cmd("petrel-inject-eeh", **args)
            check("petrel-inject-eeh refuses: " + what, error_class(r) == cls, r)
        time.sleep(0.2)
        check("refusals left the PE alone", "froze the PE" not in buf[0], buf[0])
        r = q.cmd("petrel-inject-eeh", bus="pci.0", addr=0, kind="dma")
        check("petrel-inject-eeh on pci.0 addr 0 returns {}", r == {"return": {}}, r)
        try:
            rest, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, err = p.communicate()
        out = buf[0] + rest.decode(errors="replace")
        err = err.decode(errors="replace")
        check("guest saw the freeze, recovered, all checks held",
              p.returncode == 0 and "the host's EEH error froze the PE" in out
              and " checks, 0 failed" in out and "FAIL" not in out,
              "status %s: %s" % (p.returncode, out))
        check("trace: the PE frozen by a DMA error", "PE 0: DMA error at 0x0 -> frozen" in err, err)


def test_no_reboot():
    with tempfile.TemporaryDirectory() as d:
        p, sock, buf, waiting = start_virtio(d, ["-no-reboot"])
        q = Qmp(sock)
        r = q.cmd("system_reset")
        try:
            p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
        q.rest()
        shut = [e for e in q.events if e["event"] == "SHUTDOWN"]
        check("-no-reboot: system_reset ends petrel with 0 and SHUTDOWN",
              r == {"return": {}} and p.returncode == 0 and shut and
              shut[0]["data"].get("reason") == "host-qmp-system-reset"
              and not any(e["event"] == "RESET" for e in q.events),
              "%s %s %s" % (r, p.returncode, q.events))


test_inject_eeh()
test_no_reboot()
sys.exit(1 if failures else 0)
