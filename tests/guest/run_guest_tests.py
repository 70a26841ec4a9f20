#!/usr/bin/env python3
"""Guest-level tests: boot petrel's firmware and the tests' own payloads.

usage: run_guest_tests.py PETREL PAYLOAD_DIR
Each case runs petrel as a user would and checks its console output and
exit status.  Prints one line per case and exits non-zero if any failed.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

PETREL, PAYLOADS = sys.argv[1], sys.argv[2]
failures = []


def run(args, stdin=b"", timeout=30):
    p = subprocess.run([PETREL] + args, input=stdin, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def case(name, args, status=0, expect=(), absent=(), stdin=b"", extra=None):
    """Runs petrel; checks the exit status, lines that must and must not
    appear, and extra(out) -> list of problems.  Returns the output."""
    try:
        rc, out, err = run(args, stdin)
    except subprocess.TimeoutExpired:
        failures.append(name)
        print(f"FAIL {name}: timed out")
        return ""
    problems = list(extra(out)) if extra else []
    if rc != status:
        problems.append(f"exit status {rc}, expected {status}")
    for e in expect:
        if e not in out:
            problems.append(f"missing {e!r}")
    for a in absent:
        if a in out:
            problems.append(f"unexpected {a!r}")
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
        print("  stdout: " + out.replace("\n", "\n          "))
        print("  stderr: " + err)
    else:
        print(f"ok   {name}")
    return out


def payload(name):
    return os.path.join(PAYLOADS, f"payload-{name}.bin")


def cli_error(name, args, message):
    """Bad command-line input: one clear line on stderr, exit status 1, no crash."""
    rc, out, err = run(args)
    lines = err.strip().split("\n")
    problems = []
    if rc != 1:
        problems.append(f"exit status {rc}")
    if len(lines) != 1 or not lines[0].startswith("petrel: ") or message not in lines[0]:
        problems.append(f"stderr {err!r}")
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        print(f"ok   {name}")


cli_error("cli: unknown option", ["-frobnicate"], "unknown option '-frobnicate'")
cli_error("cli: bad size", ["-m", "lots"], "-m: invalid size 'lots'")
cli_error("cli: unaligned size", ["-m", "300M"], "multiple of 256 MiB")
cli_error("cli: missing value", ["-smp"], "-smp: missing value")
cli_error("cli: missing kernel", ["-kernel", "/nonexistent/vmlinux"], "cannot open")
cli_error("cli: directory as bios", ["-bios", "/"], "not a regular file")
cli_error("cli: unknown cpu", ["-cpu", "power11"], "unknown CPU model")
cli_error("cli: initrd without kernel", ["-initrd", "/bin/sh"], "-initrd only allowed")
cli_error("cli: unknown accelerator", ["-accel", "kvm"], "-accel: accelerator 'kvm'")
cli_error("cli: PCI device on a missing PHB", ["-device", "petrel-pci-test,bus=pci.2"],
          "bus pci.2 does not exist")
cli_error("cli: drive without file", ["-drive", "if=virtio"], "-drive: needs file=")
cli_error("cli: drive image missing", ["-drive", "file=/nonexistent/disk.img"],
          "-drive: cannot open '/nonexistent/disk.img'")
cli_error("cli: iommu_platform neither on nor off", ["-device", "virtio-rng-pci,iommu_platform=yes"],
          "-device virtio-rng-pci: iommu_platform= takes on or off")
cli_error("cli: iommu_platform on the test device", ["-device", "petrel-pci-test,iommu_platform=on"],
          "-device petrel-pci-test: unknown option 'iommu_platform=on'")
case("cli: virtio-rng-pci probed", ["-nographic", "-device", "virtio-rng-pci,addr=3",
     "-M", "pseries,dumpdtb=/dev/null"],
     expect=["PCI 0:03.0 1af4:1044 class 00ff00 MSI-X\n"])
rc, out, err = run(["--help"])
if rc != 0 or "usage: petrel" not in out:
    failures.append("cli: --help")
    print("FAIL cli: --help")
else:
    print("ok   cli: --help")
rc, out, err = run(["-version"])
if rc != 0 or not out.startswith("petrel version "):
    failures.append("cli: -version")
    print("FAIL cli: -version")
else:
    print("ok   cli: -version")

# The built-in firmware: banner and power-off.
case("firmware banner, defaults", ["-nographic"],
     expect=["petrel firmware ", "RAM 512 MiB, 1 CPU, PVR 0x004e1202 (POWER9)",
             "device tree ", " bytes, 15 nodes\n", "powering off"])
case("firmware banner, power8 2 CPUs 1G", ["-nographic", "-m", "1G", "-smp", "2", "-cpu", "power8"],
     expect=["RAM 1024 MiB, 2 CPUs, PVR 0x004d0200 (POWER8)", " bytes, 15 nodes\n"])
# Machines no PAPR firmware could describe are refused on the command line
# (the firmware's own refusal of such facts is tested in test_devtree).
cli_error("cli: half a core", ["-smp", "3,threads=2"], "multiple of threads")
cli_error("cli: XIVE on POWER8", ["-cpu", "power8", "-M", "pseries,ic-mode=xive"],
          "ic-mode=xive needs a POWER9")
case("firmware banner, QEMU-style machine options",
     ["-M", "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off",
      "-display", "none", "-no-reboot"],
     expect=["petrel firmware "])
with tempfile.NamedTemporaryFile() as k, tempfile.NamedTemporaryFile() as i:
    k.write(b"\x7fELF" + b"k" * 1000)
    k.flush()
    i.write(b"i" * 70000)
    i.flush()
    # ... and refuses a kernel that is not a ppc64 ELF, with status 1.
    case("firmware sees kernel, initrd, bootargs",
         ["-nographic", "-kernel", k.name, "-initrd", i.name, "-append", "console=hvc0 quiet"],
         status=1,
         expect=["kernel 1004 bytes at 0x4000000", "initrd 70000 bytes at 0x4010000",
                 'bootargs "console=hvc0 quiet"',
                 "firmware: cannot boot the kernel: not a 64-bit ELF file\n"],
         absent=["booting"])


# -kernel: the firmware loads the ELF and enters it on the flattened-tree
# path; the test kernels check the hand-off (tests/guest/kernel-fdt.c,
# kernel-le.S).  The initrd's byte i is i * 7 + 3, as kernel-fdt.c checks.
def kernel(name):
    return os.path.join(PAYLOADS, f"{name}.elf")


with tempfile.NamedTemporaryFile() as i:
    i.write(bytes((n * 7 + 3) & 0xff for n in range(70001)))
    i.flush()
    case("kernel: BE ELF, flat tree, bootargs, initrd",
         ["-nographic", "-kernel", kernel("kernel-fdt"), "-initrd", i.name,
          "-append", "console=hvc0 root=/dev/ram0 quiet"],
         expect=["firmware: booting ELF64 BE ET_EXEC kernel at 0x400000, entry 0x400000, "
                 "tree at 0x",
                 "kernel: bootargs [console=hvc0 root=/dev/ram0 quiet]\n",
                 "kernel: arch-vec-5 0x1b bytes, byte 23 0x40 byte 24 0x40\n",
                 "kernel: interrupt controller XIVE, cpu-version 0xf000005\n",
                 "kernel: initrd 0x11171 bytes ok\n", "kernel: rtas at 0x",
                 " says [rtas]\n", "kernel ok\n"],
         absent=["FAIL", "nothing to boot", "initrd moved"])
    case("kernel: .bss over the kernel file and the initrd: both moved",
         ["-nographic", "-kernel", kernel("kernel-big"), "-initrd", i.name, "-append", "big"],
         expect=["initrd moved to 0x", "kernel: big .bss zero\n", "kernel: bootargs [big]\n",
                 "kernel: initrd 0x11171 bytes ok\n", "kernel ok\n"],
         absent=["FAIL"])
case("kernel: no initrd, no -append",
     ["-nographic", "-kernel", kernel("kernel-fdt")],
     expect=["kernel: bootargs []\n", "kernel: no initrd\n", "kernel ok\n"], absent=["FAIL"])
# The flattened-tree kernel gets the tree after the firmware's own CAS with
# Linux 6.1's request: one interrupt controller, the negotiated OV5 and level.
case("kernel: POWER8 gets hash and XICS",
     ["-nographic", "-cpu", "power8", "-kernel", kernel("kernel-fdt")],
     expect=["kernel: arch-vec-5 0x2 bytes, byte 23 0x0 byte 24 0x0\n",
             "kernel: interrupt controller XICS, cpu-version 0xf000004\n", "kernel ok\n"],
     absent=["FAIL"])
case("kernel: ic-mode=xive gets XIVE",
     ["-nographic", "-M", "pseries,ic-mode=xive", "-kernel", kernel("kernel-fdt")],
     expect=["kernel: arch-vec-5 0x1b bytes, byte 23 0x40 byte 24 0x40\n",
             "kernel: interrupt controller XIVE, cpu-version 0xf000005\n", "kernel ok\n"],
     absent=["FAIL"])
case("kernel: ic-mode=xics gets XICS and radix",
     ["-nographic", "-M", "pseries,ic-mode=xics", "-kernel", kernel("kernel-fdt")],
     expect=["kernel: arch-vec-5 0x1b bytes, byte 23 0x0 byte 24 0x40\n",
             "kernel: interrupt controller XICS, cpu-version 0xf000005\n", "kernel ok\n"],
     absent=["FAIL"])
case("kernel: max-cpu-compat=power8 gets POWER8 compat, hash, XICS",
     ["-nographic", "-M", "pseries,max-cpu-compat=power8", "-smp", "2",
      "-kernel", kernel("kernel-fdt")],
     expect=["kernel: arch-vec-5 0x2 bytes, byte 23 0x0 byte 24 0x0\n",
             "kernel: interrupt controller XICS, cpu-version 0xf000004\n", "kernel ok\n"],
     absent=["FAIL"])
if os.path.exists(kernel("kernel-le")):
    case("kernel: LE ET_DYN at physical 0, entered BE, FIXUP_ENDIAN",
         ["-nographic", "-M", "pseries,boot-protocol=fdt", "-kernel", kernel("kernel-le")],
         expect=["ELF note PowerPC capabilities 0x1\n",
                 "boot protocol: flattened tree (-M boot-protocol)\n",
                 "firmware: booting ELF64 LE ET_DYN kernel at 0x400000, entry 0x400000",
                 "le kernel ok\n"])
    # Its capabilities note marks a Linux kernel: by default it goes the
    # Open Firmware way, where its r5 == 0 check fails with status 12.
    case("kernel: LE with the capabilities note goes the Open Firmware way",
         ["-nographic", "-kernel", kernel("kernel-le")], status=12,
         expect=["boot protocol: open firmware (a Linux ppc64 kernel (PowerPC capabilities "
                 "note))\n",
                 "firmware: booting ELF64 LE ET_DYN kernel at 0x400000, entry 0x400000, "
                 "client interface at 0x"],
         absent=["le kernel ok"])
else:
    print("skip kernel: LE (no powerpc64le-linux-gnu-gcc)")



# RTAS (tests/guest/kernel-rtas.c): every call with good and bad arguments
# on two CPUs, then a reboot through RTAS that keeps the clock's offset and
# the NVRAM; a second run on the same NVRAM file sees it persist.  The
# time the kernel reads must be the host's, within 2 s.
def rtas_time_near_host(out, n=0):
    stamps = re.findall(r"kernel: time (\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)\n", out)
    if len(stamps) <= n:
        return ["no time line"]
    guest = time.mktime(tuple(int(x) for x in stamps[n]) + (0, 0, 0)) - time.mktime(
        time.gmtime(0))
    return [] if abs(guest - time.time()) <= 2 else [f"guest time {stamps[n]} is not now"]


# PCI (tests/guest/kernel-pci.c): the MSI-only test device on two PHBs,
# ibm,change-msi's rules, MSI delivery, TCE DMA, and EEH freeze and
# recovery, under XICS.
PCI_ARGS = ["-nographic", "-M", "pseries,ic-mode=xics", "-device", "petrel-pci-test",
            "-device", "spapr-pci-host-bridge,index=1",
            "-device", "petrel-pci-test,bus=pci.1,addr=2", "-kernel", kernel("kernel-pci")]
case("pci: change-msi, MSI delivery, DMA and EEH recovery", PCI_ARGS,
     expect=["PCI 0:00.0 1234:7e57 class ff0000 MSI\n", "PCI 1:02.0 1234:7e57",
             " checks, 0 failed\n"],
     absent=["FAIL"])
case("pci: the same, interpreted only", PCI_ARGS + ["-accel", "tcg,jit=off"],
     expect=[" checks, 0 failed\n"], absent=["FAIL"])

# virtio (tests/guest/kernel-virtio.c): virtio-blk-pci (MSI-X only) over a
# raw image: never MSI, change-msi leaves the status register alone, I/O
# with MSI-X delivery, EEH freeze and recovery; then the image holds what
# the guest wrote.  iommu_platform=on: the payload's DMA goes through TCEs.
with tempfile.TemporaryDirectory() as d:
    img = os.path.join(d, "disk.img")
    with open(img, "wb") as f:
        f.truncate(1 << 20)
        f.seek(512)
        f.write(b"petrel-disk-data")
    for name, extra in (("", []), (", interpreted only", ["-accel", "tcg,jit=off"])):
        with open(img, "r+b") as f:
            f.seek(5 * 512)
            f.write(bytes(512))
        case("virtio: blk with MSI-X, change-msi rules, EEH recovery" + name,
             ["-nographic", "-M", "pseries,ic-mode=xics", "-drive", f"file={img},if=none,id=d0",
              "-device", "virtio-blk-pci,drive=d0,iommu_platform=on",
              "-kernel", kernel("kernel-virtio")] + extra,
             expect=["PCI 0:00.0 1af4:1042 class 018000 MSI-X\n",
                     "virtio: i/o through msi-x ok\n", " checks, 0 failed\n"],
             absent=["FAIL"])
        with open(img, "rb") as f:
            f.seek(5 * 512)
            sector = f.read(512)
        want = bytes((i * 13 + 5) & 0xff for i in range(512))
        if sector != want:
            failures.append("virtio: sector 5 of the image" + name)
            print("FAIL virtio: sector 5 of the image" + name)
        else:
            print("ok   virtio: sector 5 of the image" + name)

# virtio-rng (tests/guest/kernel-rng.c): filled buffers, malformed chains
# stop the device until it is reset; at slot 3, found through the tree.
for name, extra in (("", []), (", interpreted only", ["-accel", "tcg,jit=off"])):
    case("virtio-rng: buffers filled, malformed chains need a reset" + name,
         ["-nographic", "-device", "virtio-rng-pci,addr=3", "-kernel", kernel("kernel-rng")] + extra,
         expect=["rng: filled\n", "rng: ", " checks, 0 failed\n"], absent=["FAIL"])

# virtio-net (tests/guest/kernel-net.c) through -netdev user (libslirp):
# DHCP gives 10.0.2.15 with next server 10.0.2.2 and the boot file's
# name; TFTP reads the file (four blocks); the guest's checksum must be
# the host file's.
def fnv1a(data):
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


with tempfile.TemporaryDirectory() as d:
    data = bytes((i * 131 + (i >> 7) * 7 + 3) & 0xff for i in range(2000))
    with open(os.path.join(d, "hello.txt"), "wb") as f:
        f.write(data)
    # iommu_platform=on: DMA through the TCE table; the -nic case below
    # leaves it off and the payload gives guest physical addresses.
    case("net: virtio-net, DHCP and a 4-block TFTP read through -netdev user",
         ["-nographic", "-M", "pseries,ic-mode=xics",
          "-netdev", f"user,id=n0,tftp={d},bootfile=hello.txt",
          "-device", "virtio-net-pci,netdev=n0,iommu_platform=on", "-kernel", kernel("kernel-net")],
         expect=["PCI 0:00.0 1af4:1041 class 020000 MSI-X\n", "net: mac 52:54:00:12:34:56\n",
                 "net: dhcp 10.0.2.15 from 10.0.2.2, boot file hello.txt\n",
                 f"net: tftp 2000 bytes in 4 blocks fnv1a {hex(fnv1a(data))}\n",
                 " checks, 0 failed\n"],
         absent=["FAIL"])
    case("net: the same through -nic user with a chosen MAC, interpreted only",
         ["-nographic", "-accel", "tcg,jit=off", "-M", "pseries,ic-mode=xics",
          "-nic", f"user,tftp={d},bootfile=hello.txt,mac=52:54:00:aa:bb:cc",
          "-kernel", kernel("kernel-net")],
         expect=["net: mac 52:54:00:aa:bb:cc\n",
                 f"net: tftp 2000 bytes in 4 blocks fnv1a {hex(fnv1a(data))}\n",
                 " checks, 0 failed\n"],
         absent=["FAIL"])

# -netdev user's hostfwd: a UDP port on the host's loopback forwarded to
# the guest's echo service (kernel-net.c, bootargs "echo").
def hostfwd_echo():
    import select
    import socket
    name = "net: hostfwd=udp::PORT-:7 reaches the guest's UDP echo"
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    p = subprocess.Popen([PETREL, "-nographic", "-M", "pseries,ic-mode=xics",
                          "-nic", f"user,bootfile=hello.txt,hostfwd=udp:127.0.0.1:{port}-:7",
                          "-kernel", kernel("kernel-net"), "-append", "echo"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, problems = b"", []
    until = time.time() + 30
    while b"net: echo ready\n" not in out and time.time() < until:
        if select.select([p.stdout], [], [], 1)[0]:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    for msg in [b"through slirp %d" % i for i in range(4)] + [b"bye"]:
        s.sendto(msg, ("127.0.0.1", port))
        try:
            data, _ = s.recvfrom(2048)
            if data != msg:
                problems.append(f"echo {data!r} for {msg!r}")
        except socket.timeout:
            problems.append(f"no echo of {msg!r}")
    s.close()
    try:
        rest, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rest, err = p.communicate()
        problems.append("no power-off")
    out += rest
    if p.returncode != 0:
        problems.append(f"exit status {p.returncode}")
    if b"net: echoed 5 datagrams\n" not in out or b" checks, 0 failed\n" not in out:
        problems.append("guest output " + out.decode(errors="replace")[-300:])
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        print(f"ok   {name}")


hostfwd_echo()
cli_error("cli: netdev without a device", ["-netdev", "user,id=n0"], "no device uses it")
cli_error("cli: virtio-net without its netdev", ["-device", "virtio-net-pci,netdev=n9"],
          "no -netdev with id=n9")
cli_error("cli: hostfwd that cannot bind",
          ["-nic", "user,hostfwd=tcp:192.0.2.1:5555-:22"], "cannot forward host TCP port 5555")
cli_error("cli: tap that cannot be had",
          ["-netdev", "tap,id=t0,ifname=" + ("x" * 15), "-device", "virtio-net-pci,netdev=t0"]
          if not os.access("/dev/net/tun", os.W_OK) else
          ["-netdev", "tap,id=t0,ifname=bad/name", "-device", "virtio-net-pci,netdev=t0"],
          "-netdev tap,id=t0: cannot")

with tempfile.TemporaryDirectory() as d:
    nv = os.path.join(d, "nvram.bin")
    rtas_args = ["-nographic", "-smp", "2", "-M", f"pseries,nvram={nv}",
                 "-kernel", kernel("kernel-rtas")]
    case("rtas: every call, two CPUs, a reboot, a new NVRAM file", rtas_args,
         expect=["nvram 64 KiB, formatted\n", "kernel: phase 0\n", "kernel: counts ok\n",
                 "kernel: bad argument blocks refused\n", "kernel: nvram 65536 bytes ok\n",
                 "kernel: events ok\n", "kernel: sensors ok\n",
                 "kernel: splpar MaxEntCap=200,DesMem=512,DesProcs=2,MaxPlatProcs=2\n",
                 "kernel: system parameters ok\n", "kernel: os-term ok\n",
                 "kernel: pci config ok\n",
                 "kernel: xive in force: the xics calls are refused\n", "kernel: fwnmi ok\n",
                 "kernel: start-cpu and stop-self ok, 2 runs of cpu 1\n",
                 "kernel: set-time-of-day reads back kernel: time 2000-02-29 12:00:0",
                 "kernel: rebooting\n", "kernel: phase 1\n",
                 "kernel: after reboot kernel: time 2000-02-29 12:0", "kernel ok\n"],
         absent=["FAIL", "phase 2"], extra=rtas_time_near_host)
    size = os.path.getsize(nv) if os.path.exists(nv) else 0
    case("rtas: the NVRAM file persists, the clock is the host's again", rtas_args,
         expect=["nvram 64 KiB, 2 partitions\n", "kernel: phase 2\n", "kernel ok\n"],
         absent=["FAIL", "formatted"], extra=lambda out: rtas_time_near_host(out) + (
             [] if size == 65536 else [f"NVRAM file of {size} bytes"]))
    # Under XICS the source calls program the ICS.
    case("rtas: every call under XICS",
         ["-nographic", "-smp", "2", "-M", "pseries,ic-mode=xics", "-kernel",
          kernel("kernel-rtas")],
         expect=["kernel: xics calls ok\n", "kernel ok\n"], absent=["FAIL"])
    # The same, interpreted only: the calls do not depend on compiled code.
    os.unlink(nv)
    case("rtas: every call, jit=off", rtas_args + ["-accel", "tcg,jit=off"],
         expect=["kernel: start-cpu and stop-self ok", "kernel: phase 1\n", "kernel ok\n"],
         absent=["FAIL"])
    # NVRAM files petrel refuses, with one line each.
    with open(nv, "wb") as f:
        f.write(bytes(4096))
    cli_error("cli: nvram file too small", ["-M", f"pseries,nvram={nv}"],
              "size must be a multiple of 16 bytes from 8 KiB to 1 MiB")
    cli_error("cli: nvram is a directory", ["-M", f"pseries,nvram={d}"], f"'{d}'")
    cli_error("cli: nvram without a name", ["-M", "pseries,nvram="], "nvram needs a file name")
    os.unlink(nv)
    with open(nv, "wb") as f:
        f.write(bytes(8192))
        import fcntl
        fcntl.flock(f, fcntl.LOCK_EX)
        cli_error("cli: nvram in use", ["-M", f"pseries,nvram={nv}"], "in use by another petrel")

# The Open Firmware path: kernel-of.c behaves like prom_init (entry
# registers, CAS with Linux 6.1's request and its result checked through
# the client interface, the whole tree through the client interface,
# claim, RTAS, quiesce) and powers off through RTAS.  Its initrd is the one
# above, so r3/r4 can be checked; its stdin "xyz" is what it reads back.
def walk_matches_firmware(out):
    """The client walked, after CAS, as many nodes as the firmware built,
    less the interrupt-controller node CAS dropped."""
    built = re.search(r"device tree \d+ bytes, (\d+) nodes", out)
    walked = re.search(r"of: walked (\d+) nodes, (\d+) properties", out)
    ics = re.search(r"of: cas: interrupt-controller nodes (\d+) -> 1,", out)
    if not built or not walked or not ics:
        return ["node counts not found"]
    dropped = int(ics.group(1)) - 1
    if int(built.group(1)) - dropped != int(walked.group(1)) or int(walked.group(2)) < 40:
        return [f"built {built.group(1)} nodes, CAS dropped {dropped}, walked "
                f"{walked.group(1)} nodes and {walked.group(2)} properties"]
    return []


# What Linux 6.1's request negotiates on each machine (spec/cas.md §3, §4):
# XIVE where offered (dual, xive), radix with GTSE at ISA 3.00, and below
# it (POWER8 compat or CPU) hash and XICS only, with the POWER8 logical PVR.
# (name, options, threads per core, cores in the request, asked, negotiated,
#  controller nodes before CAS, cpu nodes, vec5 bytes, the firmware's reason
#  for refusing the other controller afterwards)
XIVE_RADIX = "ic XIVE, mmu radix, gtse on, cpu-version 0x0f000005"
XICS_RADIX = "ic XICS, mmu radix, gtse on, cpu-version 0x0f000005"
XICS_HASH = "ic XICS, mmu hash, gtse off, cpu-version 0x0f000004"
NO_NODE = "cannot update the device tree: FDT_ERR_NOTFOUND"
NO_XIVE = "XIVE asked for, which this machine does not offer at the negotiated level"
OF_MACHINES = [
    ("dual (default)", [], 1, 2048, "ic XIVE, mmu radix", XIVE_RADIX, 2, 1, 27, NO_NODE),
    ("dual, 2 cores of 2 threads", ["-smp", "4,threads=2"], 2, 1024, "ic XIVE, mmu radix",
     XIVE_RADIX, 2, 2, 27, NO_NODE),
    ("ic-mode=xive", ["-M", "pseries,ic-mode=xive"], 1, 2048, "ic XIVE, mmu radix", XIVE_RADIX,
     1, 1, 27, "XICS asked for on a machine with ic-mode=xive"),
    ("ic-mode=xics", ["-M", "pseries,ic-mode=xics"], 1, 2048, "ic XICS, mmu radix", XICS_RADIX,
     1, 1, 27, NO_XIVE),
    ("max-cpu-compat=power8", ["-M", "pseries,max-cpu-compat=power8", "-smp", "2"], 1, 2048,
     "ic XICS, mmu hash", XICS_HASH, 1, 2, 2, NO_XIVE),
    ("-cpu power8", ["-cpu", "power8", "-smp", "2"], 1, 2048, "ic XICS, mmu hash", XICS_HASH,
     1, 2, 2, NO_XIVE),
]


def cas_lines(threads, cores, asked, negotiated, ics, cpus, vec5, other):
    """The client's CAS lines, in order, and the firmware's refusal of the
    other controller between them."""
    per_core = "thread per core" if threads == 1 else "threads per core"
    return [f"of: cas request for {threads} {per_core} ({cores} cores), {asked}\n"
            f"of: cas ok: {negotiated}\n"
            f"of: cas: interrupt-controller nodes {ics} -> 1, phandle 0x",
            # /chosen's interrupt-controller, and the default PHB's
            # interrupt-map: 32 slots x 4 pins.
            f" kept (references to it: {1 + 32 * 4}); cpu nodes: {cpus}; "
            f"ibm,architecture-vec-5: {vec5} bytes\n"
            f"firmware: CAS refused: {other}\n"
            "of: cas again: the same request accepted, the other controller refused, "
            "tree unchanged\n"]


with tempfile.NamedTemporaryFile() as i:
    i.write(bytes((n * 7 + 3) & 0xff for n in range(70001)))
    i.flush()
    for name, opts, threads, cores, asked, negotiated, ics, cpus, vec5, other in OF_MACHINES:
        case(f"of: prom_init-like client on the Open Firmware path, {name}",
             ["-nographic"] + opts + ["-kernel", kernel("kernel-of"), "-initrd", i.name],
             stdin=b"xyz", extra=walk_matches_firmware,
             expect=["boot protocol: open firmware (a Linux ppc64 kernel (PowerPC capabilities "
                     "note))\n",
                     "client interface at 0x",
                     "of: initrd in r3/r4, 0x11171 bytes ok\n",
                     "of: entered with r5 = client interface 0x"]
             + cas_lines(threads, cores, asked, negotiated, ics, cpus, vec5, other)
             + ["of: finddevice of paths and aliases ok\n",
                "of: setprop then getprop ok\n",
                "of: hello through the client interface\n",
                "of: write on an opened instance\n",
                "of: read [xyz]\n",
                "of: milliseconds advanced ",
                "of: claim and release ok\n",
                "of: rtas instantiated at 0x",
                "of: rtas display-character: [via rtas]\n",
                "of: quiescing\nof: write after quiesce\n",
                " checks, 0 failed\n", "of: rtas power-off\n"],
             absent=["FAIL", "tree at 0x"])


# Requests CAS must refuse, sent through the client interface in cif-bad
# mode: each refused for its own reason (the firmware's line before the
# client's), the tree unchanged; then Linux's request still negotiates.
BOTH_MMU = "OV5 byte 24 asks for both MMUs"
BOTH_IC = "OV5 byte 23 asks for both interrupt controllers"
CAS_REFUSALS_ALL = [
    ("OV5 byte 24 both MMUs (0xc0)", BOTH_MMU),
    ("OV5 byte 24 either MMU (0x80)", BOTH_MMU),
    ("OV5 byte 23 either controller (0x80)", BOTH_IC),
    ("OV5 byte 23 both bits (0xc0)", BOTH_IC),
]
CAS_REFUSALS_TAIL = [
    ("no processor level in common", "no processor level both the client and this machine "
     "support"),
    ("no option vector 5", "no option vector 5"),
    ("vector cut short by the end of RAM", "an option vector runs past the end of the vector"),
    # Not the client's memory: call-method throws before CAS runs.
    ("vector in the firmware", None),
    ("vector past RAM", None),
    ("call-method without the vector", None),
]
RADIX_NO_OV1 = [("radix without ISA 3.00 in OV1",
                 "the radix MMU asked for by a client not claiming ISA 3.00 in OV1")]
CAS_BAD_MACHINES = [
    ("dual (default)", [], RADIX_NO_OV1, XIVE_RADIX),
    ("ic-mode=xive", ["-M", "pseries,ic-mode=xive"],
     [("XICS not offered", "XICS asked for on a machine with ic-mode=xive")] + RADIX_NO_OV1,
     XIVE_RADIX),
    ("ic-mode=xics", ["-M", "pseries,ic-mode=xics"],
     [("XIVE not offered", NO_XIVE)] + RADIX_NO_OV1, XICS_RADIX),
    ("-cpu power8", ["-cpu", "power8"],
     [("XIVE not offered", NO_XIVE),
      ("radix not offered", "the radix MMU asked for, which this machine does not offer at "
       "that level")], XICS_HASH),
]


def refusals_in_order(refusals):
    """Between the two tree walks: every refusal line, in order, each after
    the firmware's reason; and the two walks' checksums equal."""
    def check(out):
        want = "".join((f"firmware: CAS refused: {why}\n" if why else "")
                       + f"of-bad: cas refused: {what}\n" for what, why in refusals)
        walks = re.search(r"of-bad: tree walked, checksum (0x[0-9a-f]+)\n((?:.*\n)*)"
                          r"of-bad: tree unchanged, checksum (0x[0-9a-f]+)\n", out)
        if not walks:
            return ["tree checksums missing"]
        got = "".join(line + "\n" for line in walks.group(2).split("\n")
                      if "cas refused" in line or "CAS refused" in line)
        problems = [] if got == want else ["CAS refusals differ:\n    "
                                           + got.replace("\n", "\n    ")]
        if walks.group(1) != walks.group(3):
            problems.append("tree checksums differ")
        return problems
    return check


for name, opts, specific, negotiated in CAS_BAD_MACHINES:
    refusals = CAS_REFUSALS_ALL + specific + CAS_REFUSALS_TAIL
    case(f"of: bad arguments and CAS requests refused, tree unchanged, {name}",
         ["-nographic"] + opts + ["-kernel", kernel("kernel-of"), "-append", "cif-bad"],
         extra=refusals_in_order(refusals),
         expect=["of-bad: stdout still works\n", f"of: cas ok: {negotiated}\n",
                 "of-bad: ", " checks, 0 failed\n", "of-bad: rtas power-off\n"],
         absent=["FAIL"])
case("of: exit stops the machine with status 1",
     ["-nographic", "-kernel", kernel("kernel-of"), "-append", "cif-exit"], status=1,
     expect=["of: calling exit\n", "firmware: the client program called exit\n"],
     absent=["FAIL", "exit returned"])
case("of: RTAS system-reboot (-no-reboot exits 0)",
     ["-nographic", "-no-reboot", "-kernel", kernel("kernel-of"), "-append", "rtas-reboot"],
     expect=["of: rtas instantiated at 0x", "of: rtas system-reboot\n"],
     absent=["FAIL", "returned"])

# Boot-protocol selection: the ELF notes by default, -M boot-protocol over them.
case("boot protocol: note, -M boot-protocol=fdt forces the flat tree",
     ["-nographic", "-M", "pseries,boot-protocol=fdt", "-kernel", kernel("kernel-of")],
     expect=["boot protocol: flattened tree (-M boot-protocol)\n", "tree at 0x",
             "of-client: entered on the flat-tree path, r3 0x", " is a tree\n"],
     absent=["client interface at", "FAIL"])
case("boot protocol: no note, flat tree by default",
     ["-nographic", "-kernel", kernel("kernel-of-nonote")],
     expect=["boot protocol: flattened tree (the image carries no Open Firmware note)\n",
             "of-client: entered on the flat-tree path, r3 0x", " is a tree\n"],
     absent=["ELF note", "client interface at", "FAIL"])
case("boot protocol: no note, -M boot-protocol=of forces the client interface",
     ["-nographic", "-M", "pseries,boot-protocol=of", "-kernel", kernel("kernel-of-nonote"),
      "-append", "cif-exit"], status=1,
     expect=["boot protocol: open firmware (-M boot-protocol)\n", "client interface at 0x",
             "of: calling exit\n", "firmware: the client program called exit\n"],
     absent=["flat-tree path", "FAIL"])
cli_error("cli: bad boot-protocol", ["-M", "pseries,boot-protocol=prom"],
          "boot-protocol must be auto, of or fdt, not 'prom'")

# The tests' own payloads through -bios.
case("payload: entry state", ["-bios", payload("entry")], expect=["entry ok\n"])
case("payload: entry state, 4 CPUs", ["-bios", payload("entry"), "-smp", "4"],
     expect=["entry ok\n"])
case("payload: reboot", ["-bios", payload("reboot")], status=42,
     expect=["first boot\n", "second boot\n"])
case("payload: -no-reboot", ["-bios", payload("reboot"), "-no-reboot"], status=0,
     expect=["first boot\n"], absent=["second boot"])
case("payload: console input", ["-bios", payload("echo")], stdin=b"abc",
     expect=["abc", "<done>"])
case("payload: -S, started by Ctrl-A c", ["-S", "-bios", payload("echo")],
     stdin=b"\x01" + b"cxyz", expect=["xyz", "<done>"])

# System-level payloads (sys-*.S): interrupts, rfid, modes.  Each prints
# one line per check and exits 0 only if all passed; otherwise with
# 8 * check + what, or 128 + vector / 32 for an unexpected interrupt
# (tests/guest/sys.inc).
for name, what in [("sys-prog", "program interrupts, sc"),
                   ("sys-align", "alignment interrupts"),
                   ("sys-mcheck", "machine check"),
                   ("sys-dec", "decrementer, H_CEDE"),
                   ("sys-trace", "single-step and branch trace"),
                   ("sys-facility", "FP/VMX/VSX unavailable"),
                   ("sys-scv", "scv, FSCR[SCV]"),
                   ("sys-endian", "little-endian code and interrupts"),
                   ("sys-mode", "32-bit and 64-bit mode"),
                   ("sys-ail", "H_SET_MODE AIL")]:
    case(f"payload: {name} ({what})", ["-bios", payload(name)],
         expect=[f"{name}: all checks passed\n"], absent=["FAIL", "unexpected interrupt"])
    # The same with every instruction interpreted (no block compiler).
    case(f"payload: {name}, -accel tcg,jit=off", ["-accel", "tcg,jit=off", "-bios", payload(name)],
         expect=[f"{name}: all checks passed\n"], absent=["FAIL", "unexpected interrupt"])

# Interrupt delivery (irq-payload.c): XICS, XIVE and the switches between
# them, on two vCPUs with the test device; interpreted and compiled.
for extra in ([], ["-accel", "tcg,jit=off"]):
    case("payload: irq (XICS, XIVE, mode switch, 2 vCPUs)" + (", jit=off" if extra else ""),
         extra + ["-bios", payload("irq"), "-smp", "2", "-device", "petrel-irq-test"],
         expect=["irq: all ok\n"], absent=["FAIL"])
# Without the device its registers are no memory: a machine check.
case("payload: irq without -device petrel-irq-test",
     ["-bios", payload("irq"), "-smp", "2"], status=99, expect=["irq FAIL 0x63"])

# The MMU from inside the guest (mmu-radix.c, mmu-hash.c): tables built
# in guest memory, code run with translation on in supervisor and problem
# state, every storage interrupt's registers, invalidation seen by the
# other vCPU, code changed through an alias; compiled and interpreted.
# A failure exits with the check's number (mmu-lib.h).
for name, cpu in [("mmu-radix", []), ("mmu-hash", []), ("mmu-hash", ["-cpu", "power8"])]:
    for extra in ([], ["-accel", "tcg,jit=off"]):
        case(f"payload: {name}" + "".join(", " + a for a in cpu[1:] + extra[1:]),
             extra + cpu + ["-bios", payload(name), "-smp", "2"],
             expect=[f"{name}: all ok\n"], absent=["FAIL", "unexpected interrupt"])

# Ctrl-A x quits a guest that would wait forever.
case("console: Ctrl-A x quits", ["-bios", payload("echo")], stdin=b"\x01x", status=0,
     absent=["<done>"])



def tty_case():
    """On a terminal the console is raw (bytes arrive without a newline) and
    the terminal settings are restored exactly when petrel exits."""
    import pty
    import select
    import termios
    name = "console: raw terminal, restored on exit"
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    p = subprocess.Popen([PETREL, "-bios", payload("echo")], stdin=slave, stdout=slave,
                         stderr=subprocess.PIPE)
    out = b""
    problems = []
    try:
        os.write(master, b"xy")          # no newline: a cooked tty would hold these
        end = time.monotonic() + 20
        sent_last = False
        while time.monotonic() < end and b"<done>" not in out:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                out += os.read(master, 1024)
            if b"xy" in out and not sent_last:
                os.write(master, b"z")
                sent_last = True
        rc = p.wait(timeout=10)
    except Exception as e:  # noqa: BLE001 - report any failure as a test failure
        p.kill()
        problems.append(f"{type(e).__name__}: {e}")
        rc = None
    if b"<done>" not in out:
        problems.append(f"guest did not get raw input: {out!r}")
    if rc != 0:
        problems.append(f"exit status {rc}")
    if termios.tcgetattr(slave) != before:
        problems.append("terminal settings not restored")
    os.close(master)
    os.close(slave)
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        print(f"ok   {name}")


tty_case()

print(f"{len(failures)} failed" if failures else "all guest cases passed")
sys.exit(1 if failures else 0)
