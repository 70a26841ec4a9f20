#!/usr/bin/env python3
"""virtio-net through -netdev tap: the guest (tests/guest/kernel-net.c,
bootargs "tap") is 10.0.3.15 on a tap interface whose host side is
10.0.3.1; the host pings it (ICMP echo over a raw socket) and sends it
UDP datagrams it must echo, then "bye", after which the guest powers off.

usage: run_tap_test.py PETREL PAYLOAD_DIR
Exits 77 (meson: skipped) when /dev/net/tun, the ip tool or the right to
create a tap interface (CAP_NET_ADMIN) is missing -- never a pass.
"""
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import time

PETREL, PAYLOADS = sys.argv[1], sys.argv[2]
SKIP = 77
HOST, GUEST = "10.0.3.1", "10.0.3.15"
IFNAME = f"ptap{os.getpid() % 100000}"


def skip(why):
    print(f"SKIP tap: {why}")
    sys.exit(SKIP)


def ip(*args):
    return subprocess.run(["ip"] + list(args), capture_output=True, text=True)


def icmp_sum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ping(sock, ident, seq):
    payload = b"petrel-ping-%d" % seq
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, icmp_sum(hdr + payload), ident, seq) + payload
    sock.sendto(pkt, (GUEST, 0))
    until = time.time() + 5
    while time.time() < until:
        r, _, _ = select.select([sock], [], [], until - time.time())
        if not r:
            break
        data, addr = sock.recvfrom(2048)
        icmp = data[(data[0] & 15) * 4:]
        if addr[0] == GUEST and icmp[0] == 0 and struct.unpack("!HH", icmp[4:8]) == (ident, seq):
            return icmp[8:] == payload and icmp_sum(icmp) == 0
    return False


def main():
    if not os.path.exists("/dev/net/tun") or not os.access("/dev/net/tun", os.R_OK | os.W_OK):
        skip("no usable /dev/net/tun")
    if not shutil.which("ip"):
        skip("no ip tool")
    r = ip("tuntap", "add", "dev", IFNAME, "mode", "tap")
    if r.returncode != 0:
        skip(f"cannot create a tap interface: {r.stderr.strip()}")
    failures = []
    petrel = None
    try:
        for args in (("addr", "add", f"{HOST}/24", "dev", IFNAME), ("link", "set", IFNAME, "up")):
            r = ip(*args)
            if r.returncode != 0:
                skip(f"cannot configure {IFNAME}: {r.stderr.strip()}")
        petrel = subprocess.Popen(
            [PETREL, "-nographic", "-M", "pseries,ic-mode=xics",
             "-netdev", f"tap,id=t0,ifname={IFNAME},script=no,downscript=no",
             "-device", "virtio-net-pci,netdev=t0",
             "-kernel", os.path.join(PAYLOADS, "kernel-net.elf"), "-append", "tap"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = b""
        until = time.time() + 30
        while b"net: echo ready\n" not in out and time.time() < until:
            r, _, _ = select.select([petrel.stdout], [], [], 1)
            if r:
                chunk = os.read(petrel.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
        if b"net: echo ready\n" not in out:
            failures.append("guest never got ready")
        else:
            raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, IFNAME.encode())
            for seq in (1, 2):
                if not ping(raw, os.getpid() & 0xffff, seq):
                    failures.append(f"no ICMP echo reply {seq}")
            raw.close()
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind((HOST, 0))
            udp.settimeout(5)
            for msg in [b"hello petrel %d" % i for i in range(3)] + [bytes(range(256)) * 5,
                                                                    b"bye"]:
                udp.sendto(msg, (GUEST, 7))
                try:
                    data, addr = udp.recvfrom(4096)
                except socket.timeout:
                    failures.append(f"no UDP echo of {msg[:16]!r}")
                    continue
                if data != msg or addr[0] != GUEST or addr[1] != 7:
                    failures.append(f"bad UDP echo {data[:16]!r} from {addr}")
            udp.close()
        try:
            rest, err = petrel.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            petrel.kill()
            rest, err = petrel.communicate()
            failures.append("petrel did not power off")
        out += rest
        if petrel.returncode != 0:
            failures.append(f"exit status {petrel.returncode}")
        for want in (b"net: echoed 5 datagrams\n", b" checks, 0 failed\n"):
            if want not in out:
                failures.append(f"missing {want!r}")
        if b"FAIL" in out:
            failures.append("a guest check failed")
        if failures:
            print("  stdout: " + out.decode(errors="replace"))
            print("  stderr: " + err.decode(errors="replace"))
    finally:
        if petrel and petrel.poll() is None:
            petrel.kill()
            petrel.wait()
        ip("link", "del", IFNAME)
    for f in failures:
        print(f"FAIL tap: {f}")
    if not failures:
        print("ok   tap: ARP, ICMP echo and UDP echo between the host and the guest")
    sys.exit(1 if failures else 0)


main()
