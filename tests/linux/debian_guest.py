#!/usr/bin/env python3
"""Debian's kernel and busybox booted to the initramfs's /init, with the
checks of tests/linux/initramfs/etc/petrel-checks run inside the guest and
asserted here.

usage: debian_guest.py PETREL [--quick] [--no-qemu]

- default machine (POWER9, radix, XIVE) with a virtio-blk drive and a
  virtio-net card on -netdev user: what the guest sees of the machine; the
  busybox workload (awk floats, sort, sha256sum, md5sum, gzip) printing the
  same bytes as the same busybox under Debian's qemu-ppc64le; a pattern
  written to the disk, a guest `reboot` (the firmware runs again and boots
  the kernel again), the pattern read back after it and found in the image
  on the host; a DHCP lease and a TFTP fetch from the host; an EEH error
  injected on the disk through QMP petrel-inject-eeh, which the kernel
  recovers from (its drivers are not EEH aware: it removes the bus's
  devices, resets the PE and adds them again), reading the pattern and
  fetching the file again afterwards; `poweroff` ending petrel with
  status 0.
- ic-mode=xics, -smp 2 and max-cpu-compat=power8 (hash MMU, XICS): what
  the guest sees, and its warnings.
- The guest's warnings and errors (dmesg levels 0-4) must all be ones
  Debian's qemu-system-ppc64 with SLOF shows for the same kernel,
  initramfs and devices (skipped with --no-qemu or without QEMU).
- On a terminal (the README's first command): Ctrl-C goes to the guest's
  shell, Ctrl-A x quits.
--quick leaves out the secondary machines (CI keeps them).  Exits 77
(skipped) when the guest assets are not cached (scripts/guest-assets.sh).
"""
import hashlib
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

from kernel_boot import ASSETS, DEFAULT_VMLINUX, Guest, build_initramfs

PETREL = sys.argv[1] if len(sys.argv) > 1 else None
QUICK = "--quick" in sys.argv
NO_QEMU = "--no-qemu" in sys.argv
BOOT_TIMEOUT = 180
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg, flush=True)


def ok(msg):
    print("ok   " + msg, flush=True)


def checks(text):
    """The CHECK lines of a console text: name -> value."""
    r = {}
    for m in re.finditer(rb"^CHECK (\S+) ?(.*?)\r?$", text, re.M):
        r[m.group(1).decode()] = m.group(2).decode().strip()
    return r


def lines(prefix, text):
    return [l.rstrip() for l in text.decode(errors="replace").splitlines()
            if l.startswith(prefix)]


def expect(name, got, want):
    for k, v in want.items():
        g = got.get(k)
        if (v.search(g or "") is None) if isinstance(v, re.Pattern) else g != v:
            fail(f"{name}: CHECK {k} is {g!r}, expected {v.pattern if isinstance(v, re.Pattern) else v!r}")
            return False
    ok(f"{name}: " + ", ".join(f"{k}={got[k]}" for k in want))
    return True


def normalize(warning):
    """A dmesg warning without its time stamp and with PCI addresses
    generalised (the two platforms place devices differently)."""
    w = re.sub(r"^DMESG <(\d)>\[ *[0-9.]+\] ", r"<\1> ", warning)
    return re.sub(r"\b[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]\b", "PCI", w)


def host_workload(tmp):
    """The workload's WORK lines from the same busybox under qemu-ppc64le:
    every applet name in PATH runs the ppc64le busybox through QEMU."""
    qemu = shutil.which("qemu-ppc64le")
    if not qemu:
        return None
    bb = os.path.join(ASSETS, "busybox")
    bindir = os.path.join(tmp, "bb-bin")
    os.makedirs(bindir)
    with open(os.path.join(bindir, "busybox"), "w") as f:
        f.write(f'#!/bin/sh\nexec {qemu} {bb} "${{0##*/}}" "$@"\n')
    os.chmod(os.path.join(bindir, "busybox"), 0o755)
    applets = subprocess.run([qemu, bb, "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        if a != "busybox":
            os.symlink("busybox", os.path.join(bindir, a))
    work = os.path.join(tmp, "work")
    os.makedirs(work)
    r = subprocess.run([qemu, bb, "sh", os.path.join(os.path.dirname(__file__), "initramfs",
                                                     "etc", "petrel-workload"), work],
                       capture_output=True, env={"PATH": bindir}, timeout=600)
    return lines("WORK ", r.stdout)


def machine_args(initrd, append, extra):
    return [PETREL, "-m", "1G", "-nographic", "-kernel", DEFAULT_VMLINUX, "-initrd", initrd,
            "-append", "console=hvc0 " + append] + extra


def full_boot(tmp, initrd, host_work):
    """The default machine through both boots, the EEH error and poweroff."""
    img = os.path.join(tmp, "disk.img")
    with open(img, "wb") as f:
        f.truncate(64 << 20)
    tftp = os.path.join(tmp, "tftp")
    os.makedirs(tftp)
    payload = os.urandom(200000)
    with open(os.path.join(tftp, "petrel-tftp.bin"), "wb") as f:
        f.write(payload)
    sock = os.path.join(tmp, "qmp.sock")
    g = Guest(machine_args(initrd, "petrel.test=full",
                           ["-drive", f"file={img},if=virtio",
                            "-netdev", f"user,id=n0,tftp={tftp}",
                            "-device", "virtio-net-pci,netdev=n0",
                            "-qmp", f"unix:{sock},server,wait=off"]), sock)
    try:
        t_init = g.wait_for(b"petrel-guest: /init running", BOOT_TIMEOUT)
        if t_init is None:
            fail("default: no /init within %d s" % BOOT_TIMEOUT)
            return None
        ok(f"default: /init runs {t_init:.2f} s after start")
        if g.wait_for(b"CHECKS-DONE reboot", BOOT_TIMEOUT) is None:
            fail("default: the first boot's checks did not finish; its console ends:\n"
                 + g.text()[-3000:].decode(errors="replace"))
            return g.text()
        first_len = len(g.text())
        if g.wait_for(b"PETREL-EEH-READY", BOOT_TIMEOUT, first_len) is None:
            fail("default: the second boot did not reach the EEH step; its console ends:\n"
                 + g.text()[-3000:].decode(errors="replace"))
            return g.text()[:first_len]
        first, second = g.text()[:first_len], g.text()[first_len:]
        # The disk is the first PCI function the firmware lists.
        m = re.search(rb"PCI 0:([0-9a-f]{2})\.0 1af4:1042", first)
        slot = int(m.group(1), 16) if m else 0
        r = g.qmp.execute("petrel-inject-eeh", addr=slot, kind="mmio")
        if "return" not in r:
            fail(f"default: petrel-inject-eeh refused: {r}")
        g.send(b"injected\n")
        if g.wait_for(b"CHECKS-DONE poweroff", BOOT_TIMEOUT, first_len) is None:
            fail("default: the second boot's checks did not finish; its console ends:\n"
                 + g.text()[-3000:].decode(errors="replace"))
            return first
        rc = g.wait_exit(60)
        second = g.text()[first_len:]
        if rc != 0:
            fail(f"default: poweroff left petrel with status {rc}, expected 0")
        else:
            ok("default: poweroff ends petrel with status 0")
    finally:
        g.kill()
    if os.environ.get("PETREL_GUEST_LOG"):
        with open(os.environ["PETREL_GUEST_LOG"], "wb") as f:
            f.write(g.text())

    c1, c2 = checks(first), checks(second)
    expect("default", c1, {"boot": "first", "cpu": "POWER9 (architected), altivec supported",
                           "platform": "pSeries", "model": "IBM pSeries (emulated by petrel)",
                           "mmu": "Radix", "nproc": "1", "online": "0",
                           "irqchip": "XIVE-IRQ", "ipi": "XIVE-IPI IPI-0", "hvc": "XIVE-IRQ 4352",
                           "eeh": "enabled",
                           "pci": "0x1af4:0x1041 0x1af4:0x1042"})
    work = lines("WORK ", first)
    if host_work is None:
        fail("default: no qemu-ppc64le to run the workload on the host")
    elif work != host_work or len(work) != 7:
        fail("default: the busybox workload differs from qemu-ppc64le's:\n  petrel: "
             + "\n          ".join(work) + "\n  qemu:   " + "\n          ".join(host_work))
    else:
        ok(f"default: busybox workload identical to qemu-ppc64le's ({len(work)} results)")
    # The reboot re-entered the firmware, which booted the kernel again.
    if second.count(b"petrel firmware") != 1 or b"Preparing to boot Linux" not in second:
        fail("default: reboot did not run the firmware and prom_init again")
    else:
        ok("default: reboot re-entered the firmware and booted the kernel again")
    written = c1.get("blk-written")
    with open(img, "rb") as f:
        f.seek(65536)
        on_disk = hashlib.sha256(f.read(16 * 65536)).hexdigest()
    expect("default: disk across the reboot", c2,
           {"boot": "second", "blk-expected": written or "?", "blk-readback": written or "?"})
    if on_disk != written:
        fail(f"default: the image holds {on_disk}, the guest wrote {written}")
    else:
        ok("default: the image on the host holds the pattern the guest wrote")
    expect("default: network", c2, {"lease": "10.0.2.15/24",
                                    "tftp": hashlib.sha256(payload).hexdigest()})
    expect("default: EEH", c2, {"eeh-injected": "injected", "eeh-recovery": re.compile(r"^[1-9]"),
                                "blk-after-eeh": written or "?", "lease-after-eeh": "10.0.2.15/24",
                                "tftp-after-eeh": hashlib.sha256(payload).hexdigest()})
    # EEH prints the stack that detected the freeze ("EEH: Call Trace:").
    for bad in (rb"Oops", rb"BUG:", rb"Kernel panic", rb"WARNING:", rb"(?<!EEH: )Call Trace"):
        found = re.search(bad, first + second)
        at = found.start() if found else -1
        if at >= 0:
            fail(f"default: the console shows {found.group(0).decode()!r}:\n"
                 + (first + second)[max(0, at - 1500):at + 1500].decode(errors="replace"))
    # The second boot's EEH messages are the point of it; the first boot is
    # the one to compare with the reference platform.
    return first


def small_boot(name, initrd, extra, want):
    g = Guest(machine_args(initrd, "petrel.test=identity", extra))
    try:
        if g.wait_for(b"CHECKS-DONE poweroff", BOOT_TIMEOUT) is None:
            fail(f"{name}: the checks did not finish")
            sys.stdout.write(g.text().decode(errors="replace")[-2000:] + "\n")
            return b""
        rc = g.wait_exit(60)
        if rc != 0:
            fail(f"{name}: exit status {rc} after poweroff")
    finally:
        g.kill()
    expect(name, checks(g.text()), want)
    return g.text()


def qemu_warnings(initrd, tmp, extra, devices):
    """dmesg warnings of Debian's QEMU + SLOF for the same kernel and
    initramfs on the same machine options (and devices)."""
    qemu = shutil.which("qemu-system-ppc64")
    if not qemu:
        return None
    argv = [qemu, "-M", "pseries", "-m", "1G", "-nographic", "-no-reboot",
            "-kernel", DEFAULT_VMLINUX, "-initrd", initrd,
            "-append", "console=hvc0 petrel.test=identity"] + extra
    if devices:
        img = os.path.join(tmp, "qemu-disk.img")
        with open(img, "wb") as f:
            f.truncate(64 << 20)
        argv += ["-drive", f"file={img},if=virtio,format=raw",
                 "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0"]
    g = Guest(argv)
    try:
        if g.wait_for(b"CHECKS-DONE poweroff", 600) is None:
            return None
        g.wait_exit(60)
    finally:
        g.kill()
    return lines("DMESG ", g.text())


def compare_warnings(name, petrel_text, initrd, tmp, extra, devices):
    """Every warning petrel's guest printed is one QEMU + SLOF's prints."""
    if NO_QEMU:
        return
    ref = qemu_warnings(initrd, tmp, extra, devices)
    if ref is None:
        fail(f"{name}: qemu-system-ppc64 + SLOF did not boot the guest for the dmesg comparison")
        return
    mine = {normalize(w) for w in lines("DMESG ", petrel_text)}
    allowed = {normalize(w) for w in ref}
    if mine - allowed:
        fail(f"{name}: dmesg warnings QEMU + SLOF does not show:\n  "
             + "\n  ".join(sorted(mine - allowed)))
    else:
        ok(f"{name}: dmesg's {len(mine)} distinct warnings are all QEMU + SLOF's too "
           f"(it shows {len(allowed)})")


def terminal_session(initrd):
    """The interactive shell on a terminal (the README's first command):
    Ctrl-C interrupts the guest's command and petrel lives on; Ctrl-A x
    quits with status 0."""
    master, slave = pty.openpty()
    p = subprocess.Popen([PETREL, "-m", "1G", "-nographic", "-kernel", DEFAULT_VMLINUX,
                          "-initrd", initrd, "-append", "console=hvc0"],
                         stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    out = bytearray()

    def until(marker, timeout):
        t_end = time.monotonic() + timeout
        while marker not in out and time.monotonic() < t_end:
            r, _, _ = select.select([master], [], [], 0.1)
            if r:
                try:
                    out.extend(os.read(master, 65536))
                except OSError:
                    break
        return marker in out

    try:
        if not until(b"built-in shell", BOOT_TIMEOUT) or not until(b"/ # ", 30):
            fail("terminal: no shell")
            return
        os.write(master, b"sleep 100; echo slept\r")
        until(b"echo slept\r", 10)  # the shell's echo of the line
        time.sleep(1)
        mark = len(out)
        os.write(master, b"\x03")
        time.sleep(0.5)
        os.write(master, b"echo alive$((40+2))\r")
        if (not until(b"alive42", 20) or re.search(rb"(?<!echo )slept", out[mark:])
                or p.poll() is not None):
            fail("terminal: Ctrl-C did not interrupt the guest's command (or ended petrel)")
        else:
            ok("terminal: Ctrl-C interrupts the guest's command, petrel runs on")
        os.write(master, b"\x01x")
        try:
            rc = p.wait(20)
        except subprocess.TimeoutExpired:
            rc = None
        if rc != 0:
            fail(f"terminal: Ctrl-A x left petrel with status {rc}, expected 0")
        else:
            ok("terminal: Ctrl-A x quits with status 0")
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        os.close(master)


# The other machines: options (the same for QEMU) and what the guest sees.
SECONDARY = [
    ("ic-mode=xics", ["-M", "pseries,ic-mode=xics"],
     {"cpu": "POWER9 (architected), altivec supported", "mmu": "Radix", "irqchip": "XICS",
      "ipi": "XICS IPI", "hvc": "XICS 4352"}),
    ("-smp 2", ["-smp", "2"], {"nproc": "2", "online": "0-1", "irqchip": "XIVE-IRQ"}),
    ("max-cpu-compat=power8", ["-M", "pseries,max-cpu-compat=power8"],
     {"cpu": "POWER8 (architected), altivec supported", "mmu": "Hash", "irqchip": "XICS"}),
]


def main():
    if not os.path.isfile(DEFAULT_VMLINUX) or not os.path.isfile(os.path.join(ASSETS, "busybox")):
        print(f"SKIP: no cached guest in {ASSETS} (scripts/guest-assets.sh fetches it)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        initrd = os.path.join(tmp, "initramfs.cpio")
        build_initramfs(initrd)
        host_work = host_workload(tmp)
        terminal_session(initrd)
        out = full_boot(tmp, initrd, host_work) or b""
        compare_warnings("default", out, initrd, tmp, [], True)
        if not QUICK:
            for name, extra, want in SECONDARY:
                out = small_boot(name, initrd, extra, want)
                compare_warnings(name, out, initrd, tmp, extra, False)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
