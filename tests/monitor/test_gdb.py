#!/usr/bin/env python3
"""gdb against petrel's gdbstub: gdb-multiarch runs the batch scripts in
this folder against payloads started with -S -gdb, and the lines they
print are checked.  Also the stub's robustness against a raw socket
(bad checksums, malformed and oversized packets) and -gdb errors.

usage: test_gdb.py PETREL BUILDDIR GDB SRCDIR   (exit 77 without GDB)
"""
import os
import re
import socket
import subprocess
import sys
import time

PETREL, BUILD, GDB, SRC = sys.argv[1:5]
failures = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + detail))
    if not cond:
        failures.append(name)


def start(payload, *extra, build=BUILD, kernel=False):
    image = ["-kernel", os.path.join(build, payload + ".elf")] if kernel else \
        ["-bios", os.path.join(build, payload + ".bin")]
    p = subprocess.Popen([PETREL, *image, "-S",
                          "-gdb", "tcp:127.0.0.1:0", *extra],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    m = re.search(r"gdbstub listening on tcp:127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        raise SystemExit("petrel did not start its gdbstub: " + line)
    return p, int(m.group(1))


def run_gdb(payload, script, port, timeout=60, build=BUILD, before=(), offset=0):
    elf = os.path.join(build, payload + ".elf")
    cmd = [GDB, "-nx", "-q", "-batch",
           "-ex", "set architecture powerpc:common64",
           "-ex", ("symbol-file -o 0x%x " % offset if offset else "file ") + elf,
           "-ex", "target remote 127.0.0.1:%d" % port]
    for c in before:
        cmd += ["-ex", c]
    cmd += ["-x", os.path.join(SRC, script)]
    r = subprocess.run(cmd, capture_output=True, timeout=timeout, text=True)
    return r.stdout + r.stderr


def finish(p, timeout=20):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, out.decode(), err.decode()
    return p.returncode, out.decode(), err.decode()


def has(out, text):
    return text in out


def sym(payload, name, build=BUILD):
    nm = subprocess.run(["powerpc64-linux-gnu-nm", os.path.join(build, payload + ".elf")],
                        capture_output=True, text=True, check=True).stdout
    for line in nm.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    raise SystemExit("no symbol " + name)


def test_be():
    p, port = start("gdb-be", "-smp", "2")
    out = run_gdb("gdb-be", "gdb-be.gdb", port)
    status, pout, perr = finish(p)
    loop, done = sym("gdb-be", "loop"), sym("gdb-be", "done")
    check("be: two vCPUs as threads", re.search(r"\* 1\s+Thread 1 \(vCPU 0\)", out) and
          re.search(r"\n\s+2\s+Thread 2 \(vCPU 1 \(not started\)\)", out), out)
    check("be: breakpoint hit", has(out, "PC=%x LOOP=%x" % (loop, loop)), out)
    check("be: r3", has(out, "R3=1234abcd"), out)
    check("be: stepi", has(out, "STEP_PC=%x R4=1" % (loop + 4)), out)
    check("be: msr (BE, real mode)", has(out, "MSR=0\n"), out)
    check("be: memory read", has(out, "PATTERN=cafef00d"), out)
    check("be: memory write", has(out, "PATTERN2=badf00d"), out)
    check("be: memory bytes in order", re.search(r":\s+0x0b\s+0xad\s+0xf0\s+0x0d", out), out)
    check("be: register write", has(out, "R20=feedface12345678"), out)
    check("be: ctr write", has(out, "CTR=3"), out)
    check("be: f0 at power-on", has(out, "F0=0\n") and not has(out, "<unavailable>"), out)
    check("be: thread 2", has(out, "T2PC=0"), out)
    # ctr was set to 3 at the second iteration: 2 more stores (r4 = 3).
    check("be: continue to done", has(out, "DONE_PC=%x R4=3 COUNTER=3" % done), out)
    check("be: detach resumes to power-off", status == 0, "status %s %s" % (status, perr))


def test_le():
    p, port = start("gdb-le")
    out = run_gdb("gdb-le", "gdb-le.gdb", port)
    status, pout, perr = finish(p)
    loop = sym("gdb-le", "le_loop")
    check("le: breakpoint hit", has(out, "PC=%x LOOP=%x" % (loop, loop)), out)
    check("le: r3", has(out, "R3=1234abcd"), out)
    check("le: msr (SF, LE)", has(out, "MSR=8000000000000001"), out)
    check("le: stepi", has(out, "STEP_PC=%x R4=1" % (loop + 4)), out)
    check("le: memory read (LE)", has(out, "COUNTER=1\n"), out)
    check("le: memory bytes in order", re.search(r":\s+0x44\s+0x33\s+0x22\s+0x11", out), out)
    # r4 = 0x41 at the branch: b, addi, stw -> r4 and counter 0x42.
    check("le: register write then steps", has(out, "R4=42 COUNTER=42"), out)
    check("le: kill ends petrel", status == 0, "status %s %s" % (status, perr))


def test_watch():
    p, port = start("gdb-be")
    out = run_gdb("gdb-be", "gdb-watch.gdb", port)
    status, pout, perr = finish(p)
    store = sym("gdb-be", "store")
    check("watch: hardware watchpoint", has(out, "Hardware watchpoint"), out)
    # gdb reports a write watchpoint after the store (it steps over it).
    check("watch: first hit", has(out, "WATCH1 PC=%x COUNTER=1" % (store + 4)), out)
    check("watch: second hit", has(out, "WATCH2 PC=%x COUNTER=2" % (store + 4)), out)
    check("watch: detach", status == 0, "status %s %s" % (status, perr))


KERNEL_BASE = 0x400000  # where the firmware places an ET_DYN kernel


def test_fp(endian, kernel=False):
    """gdb-fp.S in either byte order: the FP and vector registers the
    code set, read by gdb; an fadd stepped; gdb's writes checked by the
    code, which prints its verdict and powers off with 0 or 40 + the
    failed check.  kernel: the LE build booted by the firmware as a
    -kernel at 4 MiB, gdb attached from the firmware's first
    instruction."""
    payload = "gdb-fp-kernel" if kernel else "gdb-fp-" + endian
    if not os.path.exists(os.path.join(BUILD, payload + ".elf")):
        print("skip " + payload + ": not built (no LE cross compiler)")
        return
    base = KERNEL_BASE if kernel else 0
    p, port = start(payload, *(["-nographic"] if kernel else []), kernel=kernel)
    out = run_gdb(payload, "gdb-fp-%s.gdb" % endian, port, offset=base)
    status, pout, perr = finish(p)
    add, brk = base + sym(payload, "fp_add"), base + sym(payload, "fp_break")
    v2 = "1, 2, 3, 4, 5, 6, 7, 8" if endian == "be" else "8, 7, 6, 5, 4, 3, 2, 1"
    n = ("kernel" if kernel else endian) + "-fp: "
    check(n + "breakpoint", has(out, "PC=%x\n" % add), out)
    check(n + "info registers f1", re.search(r"\nf1\s+1\.5\s+\(raw 0x3ff8000000000000\)", out), out)
    check(n + "p $f1", has(out, "= 1.5\n"), out)
    check(n + "vs33 (VR 1) as one number",
          has(out, "= 0x123456789abcdeffedcba9876543210\n"), out)
    check(n + "v2 elements in target order", has(out, "= {%s}\n" % v2), out)
    check(n + "fpscr, vscr, vrsave", has(out, "FPSCR=9 VSCR=1 VRSAVE=deadbeef\n"), out)
    check(n + "stepi over fadd", has(out, "STEP_PC=%x\n" % brk), out)
    check(n + "fadd result", has(out, "= 3\n"), out)
    check(n + "fpscr after fadd (FPRF)", has(out, "FPSCR2=4009\n"), out)
    check(n + "vs3 from f3 and its low doubleword",
          has(out, "= 0xc0020000000000001122334455667788\n"), out)
    check(n + "vs4 written by elements", has(out, "= 0xa0a1a2a3b0b1b2b3c0c1c2c3d0d1d2d3\n"), out)
    check(n + "v5 written by elements", has(out, "= 0x101112131415161718191a1b1c1d1e1f\n"), out)
    check(n + "64-bit fpscr written", re.search(r"\nfpscr\s+0x300000006\s", out), out)
    check(n + "the guest saw gdb's writes", "gdb fp ok" in pout and status == 0,
          "status %s out %r err %s" % (status, pout, perr))


def test_fp_be():
    test_fp("be")


def test_fp_le():
    test_fp("le")


def test_fp_kernel():
    test_fp("le", kernel=True)


def packet(data):
    return b"$" + data + b"#%02x" % (sum(data) & 0xff)


def recv_until(s, pred, timeout=5):
    s.settimeout(timeout)
    buf = b""
    while not pred(buf):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


def reply_of(s, data):
    s.sendall(packet(data))
    buf = recv_until(s, lambda b: re.search(rb"\$[^#]*#[0-9a-f]{2}", b))
    m = re.search(rb"\$([^#]*)#", buf)
    return buf, m.group(1) if m else None


def test_raw():
    p, port = start("gdb-be")
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"$g#00")
    check("raw: bad checksum gets -", recv_until(s, lambda b: len(b) >= 1) == b"-")
    ack, r = reply_of(s, b"m100,4")
    check("raw: memory read", ack.startswith(b"+") and r == b"3c601234", repr(ack))
    _, r = reply_of(s, b"mzz,4")
    check("raw: malformed m", r == b"E01", repr(r))
    _, r = reply_of(s, b"m7fffffff00000000,4")
    check("raw: no memory there", r == b"E14", repr(r))
    _, r = reply_of(s, b"p1000")
    check("raw: no such register", r == b"E01", repr(r))
    _, r = reply_of(s, b"p20")
    check("raw: f0", r == b"0" * 16, repr(r))
    _, r = reply_of(s, b"p48")
    check("raw: vr1 is 16 bytes", r == b"0" * 32, repr(r))
    _, r = reply_of(s, b"P48=" + b"01" * 16)
    _, r2 = reply_of(s, b"p48")
    check("raw: vr1 written", r == b"OK" and r2 == b"01" * 16, repr((r, r2)))
    _, r = reply_of(s, b"P48=0102")
    check("raw: short P refused", r == b"E01", repr(r))
    _, r = reply_of(s, b"P20=" + b"00" * 9)
    check("raw: long P refused", r == b"E01", repr(r))
    # g: 1336 bytes in regnum order; vr1 (after 71 registers, 560 bytes)
    # as P wrote it.  G back with f2 and vrsave changed.
    _, r = reply_of(s, b"g")
    check("raw: g covers every register", r is not None and len(r) == 2672 and
          r[1152:1184] == b"01" * 16, repr(r))
    if r is not None and len(r) == 2672:
        g = bytearray(r)
        g[544:560] = b"4000000000000000"
        g[2152:2160] = b"cafef00d"
        _, r = reply_of(s, b"G" + bytes(g))
        _, r2 = reply_of(s, b"p22")
        _, r3 = reply_of(s, b"p68")
        check("raw: G writes f2 and vrsave", (r, r2, r3) == (b"OK", b"4000000000000000",
                                                            b"cafef00d"), repr((r, r2, r3)))
        _, r = reply_of(s, b"G" + bytes(g[:-2]))
        check("raw: short G refused", r == b"E01", repr(r))
    _, r = reply_of(s, b"Hg99")
    check("raw: no such thread", r == b"E02", repr(r))
    _, r = reply_of(s, b"M100,2:zz00")
    check("raw: malformed M", r == b"E01", repr(r))
    _, r = reply_of(s, b"X3000,2:" + b"}\x03}\x04")
    _, r2 = reply_of(s, b"m3000,2")
    check("raw: X with escapes", r == b"OK" and r2 == b"2324", repr((r, r2)))
    _, r = reply_of(s, b"Z0,zz,4")
    check("raw: malformed Z", r == b"E01", repr(r))
    _, r = reply_of(s, b"qUnknownThing")
    check("raw: unknown packet gets empty reply", r == b"", repr(r))
    big = b"M3000,1:" + b"0" * 40000
    _, r = reply_of(s, big)
    check("raw: oversized packet refused", r == b"E22", repr(r))
    _, r = reply_of(s, b"vCont;x")
    check("raw: malformed vCont", r == b"E01", repr(r))
    s.sendall(b"\x00\xff$$$###garbage}}}")
    _, r = reply_of(s, b"qC")
    check("raw: survives garbage", r == b"QC1", repr(r))
    # Continue, then interrupt with ^C.
    _, r = reply_of(s, b"Z0,%x,4" % sym("gdb-be", "done"))
    s.sendall(packet(b"vCont;c"))
    buf = recv_until(s, lambda b: b"T05" in b)
    check("raw: continue hits breakpoint", b"T05thread:1;" in buf, repr(buf))
    s.close()  # a disconnect resumes the guest, without the breakpoint
    status, pout, perr = finish(p)
    check("raw: disconnect resumes to power-off", status == 0, "status %s %s" % (status, perr))


def test_interrupt():
    p, port = start("gdb-le")
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(packet(b"c"))
    recv_until(s, lambda b: b"+" in b)
    time.sleep(0.3)
    s.sendall(b"\x03")
    buf = recv_until(s, lambda b: b"T02" in b)
    check("interrupt: ^C stops with T02", b"T02thread:1;" in buf, repr(buf))
    _, r = reply_of(s, b"p40")  # pc, little-endian: inside the LE loop
    pc = int.from_bytes(bytes.fromhex(r.decode()), "little") if r else 0
    check("interrupt: stopped in the loop", 0x200 <= pc < 0x300, repr(r))
    s.sendall(packet(b"k"))
    s.close()
    status, _, perr = finish(p)
    check("interrupt: k ends petrel", status == 0, "status %s %s" % (status, perr))


def test_mmu():
    """The radix payload (tests/guest/mmu-radix.c) stopped in its last
    part, where vCPU 1 runs with translation on at a kernel address: gdb
    reads through the guest's page tables, where the virtual address's
    low bits are no physical address of the page (PAGE(9) at
    0xc000000080004000 holds 0x7e570000_00090000), and an unmapped one
    fails."""
    guest = os.path.join(BUILD, "..", "guest")
    watch = 0xc000000000000000 | sym("payload-mmu-radix", "s_watch", build=guest)
    p, port = start("payload-mmu-radix", "-smp", "2", build=guest)
    out = run_gdb("payload-mmu-radix", "gdb-mmu.gdb", port, build=guest,
                  before=["set $watch = 0x%x" % watch])
    status, pout, perr = finish(p)
    check("mmu: breakpoint at a translated address, vCPU 1",
          re.search(r"THREAD=2 PC=%x\n" % watch, out), out)
    check("mmu: msr with IR and DR", has(out, "MSR=8000000000001030\n"), out)
    check("mmu: r3 is the watched address", has(out, "R3=c000000080004000\n"), out)
    check("mmu: data read through the radix tree", has(out, "X=7e57000000090000\n"), out)
    check("mmu: instruction read at pc", has(out, "INSN=e8a30000\n"), out)
    check("mmu: 2M leaf", has(out, "M2=7e57000000211238\n"), out)
    check("mmu: unmapped address refused",
          has(out, "Cannot access memory at address 0xc000000080005000"), out)
    check("mmu: kill ends petrel", status is not None, "status %s %s" % (status, perr))


def test_cli_errors():
    for args, msg in ((["-gdb", "udp::1"], "-gdb: only tcp"),
                      (["-gdb", "tcp::99999"], "needs a port number"),
                      (["-gdb", "tcp:nonexistent.invalid:1"], "-gdb: cannot resolve")):
        r = subprocess.run([PETREL, "-bios", os.path.join(BUILD, "gdb-be.bin")] + args,
                           capture_output=True, text=True, timeout=10)
        check("cli: " + " ".join(args), r.returncode == 1 and msg in r.stderr and
              len(r.stderr.strip().splitlines()) == 1, r.stderr)


if not GDB:
    print("SKIP: gdb-multiarch not found")
    sys.exit(77)
for t in (test_be, test_le, test_fp_be, test_fp_le, test_fp_kernel, test_watch, test_raw, test_interrupt, test_mmu, test_cli_errors):
    try:
        t()
    except Exception as e:  # a hang or crash is a failure of that case
        check(t.__name__, False, repr(e))
print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
