#!/usr/bin/env python3
"""-trace, -d, -D and -M boot-report against known guests (vmm/trace.h).

usage: test_trace.py PETREL GUEST_BUILD_DIR BENCH_CPU_PAYLOAD

Each case runs petrel with some events on, the lines going to a -D file,
and checks the lines the guest must produce -- and that events left off
produce none.
"""
import os
import re
import subprocess
import sys
import tempfile

PETREL, GUEST = sys.argv[1], sys.argv[2]
failures = []


def run(args, timeout=60):
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        p = subprocess.run([PETREL, "-nographic", "-D", log.name] + args,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        with open(log.name, errors="replace") as f:
            return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(), f.read()


def case(name, args, want=(), absent=(), status=0):
    rc, out, err, lines = run(args)
    problems = []
    if status is not None and rc != status:
        problems.append(f"exit status {rc}")
    for w in want:
        if not re.search(w, lines, re.M):
            problems.append(f"no line matching {w!r}")
    for a in absent:
        if re.search(a, lines, re.M):
            problems.append(f"a line matching {a!r}")
    # Every line has the compact shape: time, cpu (or not), event, text.
    for line in lines.splitlines():
        if not re.match(r"^ *\d+\.\d{6} (cpu\d+ )?[a-z_-]+: ", line):
            problems.append(f"malformed line {line!r}")
            break
    if problems:
        failures.append(name)
        print(f"FAIL {name}: " + "; ".join(problems))
        sys.stdout.write(lines[-2000:] + "\n" + err[-500:])
    else:
        print(f"ok   {name} ({len(lines.splitlines())} lines)")


def payload(name):
    return os.path.join(GUEST, f"payload-{name}.bin")


def kernel(name):
    return os.path.join(GUEST, f"{name}.elf")


# Host events: every hcall with its name, arguments and result.
case("hcall: the firmware's console and power-off", ["-trace", "hcall"],
     want=[r"cpu0 hcall: H_PUT_TERM_CHAR\(0x71000000, 0x[0-9a-f]+, ",
           r"cpu0 hcall: PETREL_H_POWER_OFF\(0x0, ",
           r"cpu0 hcall: H_PUT_TERM_CHAR\(.*\) -> 0 \(0x0\) in \d+\.\d{3} us$"],
     absent=[r" (cif|cas|rtas|reset|mmu-fault|int|in_asm): "])
# Off: not one line.
case("nothing on: no lines", [], absent=[r"."])
# The reset path's steps, in order, on a guest reboot.
case("reset: the steps of a guest reboot", ["-trace", "reset", "-bios", payload("reboot")],
     status=42,
     want=[r"reset: 1 stop 1 vCPUs\n(.*\n)*.*reset: 2 in-flight exits cancelled .*\n(.*\n)*"
           r".*reset: 3 devices quiesced.*\n(.*\n)*.*reset: 4 interrupt controller"
           r".*\n(.*\n)*.*reset: 5 vCPUs reset.*\n(.*\n)*"
           r".*reset: 6 vCPU 0 at the firmware entry: nip=0x100 msr=0 r3=0x[0-9a-f]+ lr=0 ctr=0"
           r" cr=0, 0 other GPRs nonzero",
           # The reboot hcall's own result is dropped: the reset owns r3.
           r"reset: hcall 0x[0-9a-f]+ result dropped: a reset began"])
# The guest's own events, through PETREL_H_TRACE: a prom_init-like client
# (its own checks want an initrd and console input; its status is
# tests/guest's business, the lines are this test's).
case("cif, cas, rtas: the Open Firmware client",
     ["-trace", "cif,cas,rtas", "-kernel", kernel("kernel-of"), "-no-reboot"], status=None,
     want=[r"cpu0 cif: finddevice\(0x[0-9a-f]+\) -> 0x[0-9a-f]+$",
           r"cpu0 cif: call-method\(",
           r"cpu0 cas: vector at 0x[0-9a-f]+: XIVE, radix with GTSE, compat 0x0f000005",
           r"cpu0 cas: refused: ",
           r"cpu0 rtas: display-character\(0x[0-9a-f]+\) -> 0 in \d+\.\d{3} us$",
           r"cpu0 rtas: token 0x[0-9a-f]+\(nargs \d+, nret \d+\) -> -1 in \d+\.\d{3} us$"],
     absent=[r" hcall: "])
case("cas alone", ["-trace", "cas", "-M", "pseries,ic-mode=xics", "-kernel", kernel("kernel-of"),
                   "-no-reboot"], status=None,
     want=[r"cpu0 cas: vector at 0x[0-9a-f]+: XICS, radix"], absent=[r" (cif|rtas): "])
# irq: deliveries, accepts, EOIs and switches of the interrupt payload.
case("irq: XICS and XIVE deliveries, EOIs, mode switches",
     ["-trace", "irq", "-smp", "2", "-device", "petrel-irq-test", "-bios", payload("irq")],
     want=[r"cpu0 irq: xics present 0x10f1 priority 5$", r"cpu0 irq: xics accept 0x10f1, CPPR 5$",
           r"cpu0 irq: xics eoi 0x10f1, CPPR 255$", r"cpu1 irq: xics present IPI priority 4$",
           r" irq: switch XICS -> XIVE refused: source 0x10f0 live$",
           r" irq: switch XICS -> XIVE$", r" irq: switch XIVE -> XICS$",
           r"cpu1 irq: xive event 0x10f1 priority 6 EISN 0x10f1 at queue 0x[0-9a-f]+$",
           r"cpu0 irq: xive ack: NSR 0x80, CPPR 6$", r" irq: xive eoi 0x10f0, PQ 10$",
           r" irq: xive set PQ 0x10f1: 10 -> 00$"],
     absent=[r" hcall: "])
case("irq off: no lines", ["-smp", "2", "-device", "petrel-irq-test", "-bios", payload("irq")],
     absent=[r"."])
# PCI and EEH (the PCI regression kernel): MSI routes programmed by RTAS
# ibm,change-msi, messages delivered, a PE frozen by a bad DMA and taken
# through Linux's recovery sequence.
PCI = ["-M", "pseries,ic-mode=xics", "-device", "petrel-pci-test",
       "-device", "spapr-pci-host-bridge,index=1", "-device", "petrel-pci-test,bus=pci.1,addr=2",
       "-kernel", kernel("kernel-pci")]
case("pci, eeh: MSI routes and a PE's recovery", ["-trace", "pci,eeh"] + PCI,
     want=[r"pci: phb0 MSI entry 0: owner 0x80000000, source 0x1300$",
           r"pci: phb0 00\.0: MSI data 0x0 -> source 0x1300$",
           r"eeh: phb0 PE 0: enable -> state 0x[0-9a-f]+, 0 errors$",
           r"eeh: phb0 PE 0: DMA error at 0x[0-9a-f]+ -> frozen, state 0x[0-9a-f]+$",
           r"eeh: phb0 PE 0: reset -> state 0x[0-9a-f]+",
           r"eeh: phb0 PE 0: release reset -> state 0x[0-9a-f]+"])
case("pci alone", ["-trace", "pci"] + PCI,
     want=[r"pci: phb0 00\.0: MSI data"], absent=[r" eeh: "])
# Storage faults: the machine-check payload's accesses to no memory.
case("mmu-fault: accesses outside RAM", ["-trace", "mmu-fault", "-bios", payload("sys-mcheck")],
     want=[r"cpu0 mmu-fault: machine check at 0x[0-9a-f]+: address 0x[0-9a-f]+"])
# -d int: every interrupt with its vector, SRR0/SRR1 and MSR.
case("-d int: program interrupts", ["-d", "int", "-bios", payload("sys-prog")],
     want=[r"cpu0 int: 0x700 at 0x[0-9a-f]+ -> 0x700, SRR1 0x[0-9a-f]+, MSR "],
     absent=[r" in_asm: "])
# -d in_asm: each instruction once, disassembled, from the entry on.
case("-d in_asm: the firmware's first instructions", ["-d", "in_asm"],
     want=[r"cpu0 in_asm: 0x0000000000000100: [0-9a-f]{8}  b ",
           r"cpu0 in_asm: 0x[0-9a-f]{16}: [0-9a-f]{8}  sc 1"])

# -M boot-report=on: the milestones on stderr at exit.
BENCH = sys.argv[3] if len(sys.argv) > 3 else None
REPORT = re.compile(r"^  (firmware entry|kernel entry|first hcall after prom_init|power-off) +"
                    r"(?:([0-9.]+) ms +(\d+) instructions|(not reached))$", re.M)


def boot_report(name, args, reached, status=0):
    p = subprocess.run([PETREL, "-nographic", "-M", "pseries,boot-report=on"] + args,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    err = p.stderr.decode()
    rows = REPORT.findall(err)
    problems = []
    if status is not None and p.returncode != status:
        problems.append(f"exit status {p.returncode}")
    if "petrel: boot report" not in err or len(rows) != 4:
        problems.append(f"no report of four milestones in {err[-600:]!r}")
    else:
        got = [r[0] for r in rows if not r[3]]
        if got != reached:
            problems.append(f"reached {got}, not {reached}")
        last_t, last_n = -1.0, -1
        for milestone, t, n, _ in rows:
            if t:
                if float(t) < last_t or int(n) < last_n:
                    problems.append(f"{milestone} goes back in time or instructions")
                last_t, last_n = float(t), int(n)
        if rows[0][2] != "0":
            problems.append("instructions at firmware entry are not 0")
    if problems:
        failures.append(name)
        print(f"FAIL boot-report: {name}: " + "; ".join(problems))
    else:
        print(f"ok   boot-report: {name}")
    return {r[0]: int(r[2]) for r in rows if r[2]}


boot_report("firmware only", [], ["firmware entry", "power-off"])
boot_report("flattened-tree kernel (no prom_init)", ["-kernel", kernel("kernel-fdt")],
            ["firmware entry", "kernel entry", "power-off"])
boot_report("Open Firmware client", ["-kernel", kernel("kernel-of"), "-no-reboot"],
            ["firmware entry", "kernel entry", "first hcall after prom_init", "power-off"],
            status=None)
p = subprocess.run([PETREL, "-nographic"], capture_output=True, stdin=subprocess.DEVNULL)
if b"boot report" in p.stderr:
    failures.append("no boot-report without the option")
    print("FAIL boot-report: printed without the option")
else:
    print("ok   boot-report: none without the option")
# The count is exact: the bench's integer kernel runs 12 instructions per
# iteration, so 1000 more iterations are 12000 more instructions.
if BENCH and os.path.exists(BENCH):
    counts = []
    for iters in (1000, 2000):
        data = bytearray(open(BENCH, "rb").read())
        data[0x1000:0x1010] = (0).to_bytes(8, "big") + iters.to_bytes(8, "big")
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(data)
            f.flush()
            counts.append(boot_report(f"bench integer kernel, {iters} iterations",
                                      ["-bios", f.name], ["firmware entry", "power-off"]))
    diff = counts[1].get("power-off", 0) - counts[0].get("power-off", 0)
    if diff != 12 * 1000:
        failures.append("exact count")
        print(f"FAIL boot-report: 1000 iterations counted as {diff} instructions, not 12000")
    else:
        print("ok   boot-report: 1000 iterations of 12 instructions count 12000")
else:
    failures.append("exact count")
    print(f"FAIL boot-report: bench payload {BENCH!r} missing")

# net: virtio-net's frames both ways (kernel-net.c's DHCP and TFTP through
# -netdev user); nothing without the event.
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "hello.txt"), "wb") as f:
        f.write(bytes(1500))
    net_args = ["-M", "pseries,ic-mode=xics", "-nic", f"user,tftp={d},bootfile=hello.txt",
                "-kernel", kernel("kernel-net")]
    case("net: transmitted and received frames", ["-trace", "net"] + net_args,
         want=[r"^ *\d+\.\d{6} net: virtio-net 00: tx 342 bytes$",
               r"^ *\d+\.\d{6} net: virtio-net 00: rx \d+ bytes$"])
    case("net: off", ["-trace", "pci"] + net_args, absent=[r" net: "])

# Bad input: one error line, exit 1.
for name, args, msg in [
        ("unknown event", ["-trace", "hcal"], "-trace: unknown name 'hcal'"),
        ("empty list", ["-trace", ""], "-trace: no names given"),
        ("unknown -d item", ["-d", "exec"], "-d: unknown name 'exec'"),
        ("-D into no directory", ["-D", "/nonexistent/dir/log"], "-D"),
        ("boot-report value", ["-M", "pseries,boot-report=maybe"],
         "-machine: boot-report must be on or off, not 'maybe'"),
]:
    p = subprocess.run([PETREL] + args, capture_output=True)
    err = p.stderr.decode().splitlines()
    if p.returncode != 1 or len(err) != 1 or msg not in err[0] or not err[0].startswith("petrel: "):
        failures.append(name)
        print(f"FAIL cli: {name}: exit {p.returncode}, stderr {p.stderr!r}")
    else:
        print(f"ok   cli: {name}")
p = subprocess.run([PETREL, "-trace", "help"], capture_output=True, text=True)
if p.returncode != 0 or p.stdout.split() != ["hcall", "rtas", "cif", "cas", "irq", "pci", "eeh",
                                              "reset", "mmu-fault", "net"]:
    failures.append("-trace help")
    print(f"FAIL -trace help: {p.stdout!r}")
else:
    print("ok   -trace help")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
