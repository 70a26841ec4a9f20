#!/usr/bin/env python3
"""Resets while a network back end's thread delivers (kernel-net.c,
bootargs "echo"): -netdev user with a hostfwd to the guest's UDP echo,
a host thread sending datagrams without pause, and QMP system_reset at
random moments while the guest echoes.  Each delivery runs on the
back end's thread holding the PHB's lock and ends in an MSI-X whose
wake-up takes the machine lock; the reset quiesces the PHB.  Checked:
every reset boots to the echo service again (no deadlock, no crash),
and at the end the guest echoes and powers off cleanly.

usage: run_resetnet.py PETREL KERNEL RESETS
"""
import json
import os
import random
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

PETREL, KERNEL, RESETS = sys.argv[1], sys.argv[2], int(sys.argv[3])
READY = b"net: echo ready\n"


def main():
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    rng = random.Random()
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "qmp.sock")
        p = subprocess.Popen([PETREL, "-nographic", "-M", "pseries,ic-mode=xics",
                              "-nic", f"user,bootfile=hello.txt,hostfwd=udp:127.0.0.1:{port}-:7",
                              "-kernel", KERNEL, "-append", "echo",
                              "-qmp", f"unix:{sock},server,wait=off"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        out = [b""]

        def ready_count(n, timeout=30):
            until = time.time() + timeout
            while out[0].count(READY) < n and time.time() < until:
                if select.select([p.stdout], [], [], 0.2)[0]:
                    chunk = os.read(p.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    out[0] += chunk
            return out[0].count(READY) >= n

        stop, go = threading.Event(), threading.Event()
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.setblocking(False)

        def flood():
            k = 0
            while not stop.is_set():
                if not go.wait(0.05):
                    continue
                try:
                    udp.sendto(b"flood %d" % k, ("127.0.0.1", port))
                    while True:
                        udp.recv(2048)  # the echoes
                except BlockingIOError:
                    pass
                k += 1
                time.sleep(0.0002)

        problems = []
        if not ready_count(1):
            problems.append("the first boot never got to the echo service")
        for _ in range(200):
            try:
                q = socket.socket(socket.AF_UNIX)
                q.connect(sock)
                break
            except OSError:
                time.sleep(0.05)
        f = q.makefile("r")
        json.loads(f.readline())

        def cmd(name):
            q.sendall((json.dumps({"execute": name}) + "\n").encode())
            while True:
                r = json.loads(f.readline())
                if "event" not in r:
                    return r

        cmd("qmp_capabilities")
        t = threading.Thread(target=flood)
        t.start()
        done = 0
        t0 = time.time()
        while not problems and done < RESETS:
            # Flood while the guest echoes, not while it boots: a boot's
            # DHCP exchange has no retries, and a flood fills the NIC's
            # receive queue (frames beyond it are dropped, as a NIC's).
            go.set()
            time.sleep(rng.uniform(0, 0.02))
            if cmd("system_reset") != {"return": {}}:
                problems.append("system_reset refused")
                break
            go.clear()
            done += 1
            if not ready_count(done + 1):
                problems.append("reset %d: no echo service again within 30 s (petrel %s)"
                                % (done, "running" if p.poll() is None else p.returncode))
        elapsed = time.time() - t0
        # Some echoes in the last boot before the end.
        go.set()
        time.sleep(0.2)
        stop.set()
        t.join()
        # The end: "bye" until the guest powers off.
        until = time.time() + 20
        while p.poll() is None and time.time() < until:
            udp.sendto(b"bye", ("127.0.0.1", port))
            time.sleep(0.1)
        try:
            rest, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, err = p.communicate()
            problems.append("no power-off after bye")
        text = (out[0] + rest).decode(errors="replace")
        if p.returncode != 0 or "FAIL" in text:
            problems.append("status %s: %s %s" % (p.returncode, text[-1500:],
                                                  err.decode(errors="replace")[-1500:]))
        for m in problems:
            print("FAIL " + m)
        if not problems:
            print("ok   %d resets during UDP echo through -netdev user in %.1f s" % (done, elapsed))
        return 1 if problems else 0


sys.exit(main())
