#!/usr/bin/env python3
"""Runs a static ppc64le program under petrel-user (interpreted, then with
every block compiled at once) and under qemu-ppc64le -cpu power9, and
fails unless the three outputs and exit statuses are equal."""
import argparse
import difflib
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runner", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--program", required=True)
    a = ap.parse_args()
    ref = run([a.qemu, "-cpu", "power9", a.program])
    print(f"qemu-ppc64le: exit {ref[0]}, {len(ref[1].splitlines())} lines")
    if ref[0] != 0 or "done" not in ref[1].splitlines():
        print(ref[1] + ref[2])
        print("FAIL: the program did not finish under the reference")
        return 1
    ok = True
    for label, extra in (("interpreted", ["--jit-hot", "0"]), ("compiled", ["--jit-hot", "1"])):
        got = run([a.runner] + extra + [a.program])
        print(f"petrel-user {label}: exit {got[0]}, {len(got[1].splitlines())} lines")
        if got[2]:
            print(got[2].rstrip())
        if got[:2] != ref[:2]:
            ok = False
            print(f"FAIL: petrel-user ({label}) differs from qemu-ppc64le:")
            sys.stdout.writelines(difflib.unified_diff(ref[1].splitlines(True), got[1].splitlines(True),
                                                       "qemu-ppc64le", "petrel-user"))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
