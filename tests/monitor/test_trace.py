#!/usr/bin/env python3
"""-trace, -d and -D against known guests (vmm/trace.h).

usage: test_trace.py PETREL GUEST_BUILD_DIR

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
           r"cpu0 hcall: PETREL_H_POWER_OFF\(0x0, "],
     absent=[r" (cif|cas|rtas|reset|mmu-fault|int|in_asm): "])
# Off: not one line.
case("nothing on: no lines", [], absent=[r"."])
# The reset path's steps, in order, on a guest reboot.
case("reset: the steps of a guest reboot", ["-trace", "reset", "-bios", payload("reboot")],
     status=42,
     want=[r"reset: 1 stop 1 vCPUs\n(.*\n)*.*reset: 2-3 .*\n(.*\n)*.*reset: 4 interrupt controller"
           r".*\n(.*\n)*.*reset: 5 vCPUs reset"])
# The guest's own events, through PETREL_H_TRACE: a prom_init-like client
# (its own checks want an initrd and console input; its status is
# tests/guest's business, the lines are this test's).
case("cif, cas, rtas: the Open Firmware client",
     ["-trace", "cif,cas,rtas", "-kernel", kernel("kernel-of"), "-no-reboot"], status=None,
     want=[r"cpu0 cif: finddevice\(0x[0-9a-f]+\) -> 0x[0-9a-f]+$",
           r"cpu0 cif: call-method\(",
           r"cpu0 cas: vector at 0x[0-9a-f]+: XIVE, radix with GTSE, compat 0x0f000005",
           r"cpu0 cas: refused: ",
           r"cpu0 rtas: display-character\(0x[0-9a-f]+\) -> 0$",
           r"cpu0 rtas: token 0x[0-9a-f]+\(nargs \d+, nret \d+\) -> -1$"],
     absent=[r" hcall: "])
case("cas alone", ["-trace", "cas", "-M", "pseries,ic-mode=xics", "-kernel", kernel("kernel-of"),
                   "-no-reboot"], status=None,
     want=[r"cpu0 cas: vector at 0x[0-9a-f]+: XICS, radix"], absent=[r" (cif|rtas): "])
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

# Bad input: one error line, exit 1.
for name, args, msg in [
        ("unknown event", ["-trace", "hcal"], "-trace: unknown name 'hcal'"),
        ("empty list", ["-trace", ""], "-trace: no names given"),
        ("unknown -d item", ["-d", "exec"], "-d: unknown name 'exec'"),
        ("-D into no directory", ["-D", "/nonexistent/dir/log"], "-D"),
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
                                              "reset", "mmu-fault"]:
    failures.append("-trace help")
    print(f"FAIL -trace help: {p.stdout!r}")
else:
    print("ok   -trace help")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
