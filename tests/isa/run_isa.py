#!/usr/bin/env python3
"""Runs the differential ISA tests (README.md in this directory).

Splits the vectors of one seed per byte order into chunks, runs each
chunk as `isa-check run ... -- qemu-ppc64[le] -cpu power9 harness` on a
pool of workers, then merges the coverage of the decode-table rows and
fails if any row that excluded-rows.txt does not exclude was never
generated in some byte order, or if any chunk reported a mismatch.

Default (CI): 500,000 vectors per byte order (1,000,000 in all).
--long: 5,000,000 per byte order (10,000,000 in all).
"""
import argparse
import concurrent.futures
import os
import signal
import subprocess
import sys
import tempfile
import time


def run_chunk(args, endian, first, count, tmpdir):
    cov = os.path.join(tmpdir, f"cov-{endian}-{first}")
    qemu = args.qemu_be if endian == "be" else args.qemu_le
    harness = args.harness_be if endian == "be" else args.harness_le
    cmd = [args.check, "run", "--endian", endian, "--seed", str(args.seed),
           "--first", str(first), "--count", str(count), "--lists", args.lists,
           "--coverage", cov, "--max-report", str(args.max_report),
           "--jit-hot", "1" if args.jit else "0",
           "--", qemu, "-cpu", args.cpu, harness]
    t0 = time.monotonic()
    # Generous: a chunk normally runs at > 20,000 vectors/s.
    limit = 120 + count / 500
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=limit)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc = -1
        err += f"isa: chunk timed out after {limit:.0f} s (a sequence that does not end?)\n"
    return endian, first, count, rc, out, err, cov, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", required=True, help="the isa-check binary")
    ap.add_argument("--lists", required=True, help="directory of the .txt lists")
    ap.add_argument("--qemu-be", default="qemu-ppc64")
    ap.add_argument("--qemu-le", default="qemu-ppc64le")
    ap.add_argument("--harness-be", required=True)
    ap.add_argument("--harness-le", required=True)
    ap.add_argument("--cpu", default="power9", help="qemu -cpu model")
    ap.add_argument("--long", action="store_true", help="10,000,000 vectors")
    ap.add_argument("--jit", action="store_true",
                    help="replay through petrel's block compiler (every sequence compiled)")
    ap.add_argument("--count", type=int, help="vectors per byte order")
    ap.add_argument("--seed", type=int, help="default 1 (CI) or the time (--long)")
    ap.add_argument("--endian", choices=["be", "le", "both"], default="both")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--chunk", type=int, help="vectors per isa-check process")
    ap.add_argument("--max-report", type=int, default=5, help="mismatches printed per chunk")
    ap.add_argument("--coverage-out", help="write the merged per-row counts here")
    args = ap.parse_args()

    if args.count is None:
        args.count = 5_000_000 if args.long else 500_000
    if args.seed is None:
        args.seed = int(time.time()) if args.long else 1
    if args.chunk is None:
        args.chunk = 250_000 if args.long else max(1, -(-args.count // max(1, args.jobs // 2)))
    endians = ["be", "le"] if args.endian == "both" else [args.endian]

    chunks = []
    for first in range(0, args.count, args.chunk):
        for e in endians:
            chunks.append((e, first, min(args.chunk, args.count - first)))
    print(f"isa: seed {args.seed}, {args.count} vectors per byte order ({', '.join(endians)}), "
          f"{len(chunks)} chunks on {args.jobs} workers", flush=True)

    t0 = time.monotonic()
    failed = False
    coverage = {e: {} for e in endians}
    enabled = {e: {} for e in endians}
    order = []
    with tempfile.TemporaryDirectory(prefix="isa-") as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futs = [pool.submit(run_chunk, args, e, f, n, tmp) for e, f, n in chunks]
        for fut in concurrent.futures.as_completed(futs):
            e, first, n, rc, out, err, cov, secs = fut.result()
            sys.stdout.write(out)
            if err:
                sys.stdout.write(err)
            if rc != 0:
                failed = True
                print(f"isa: FAILED chunk {e} [{first}, {first + n}) (exit {rc})")
            if os.path.exists(cov):
                with open(cov) as f:
                    for line in f:
                        name, en, count = line.split()
                        if name not in coverage[e]:
                            coverage[e][name] = 0
                            if e == endians[0]:
                                order.append(name)
                        coverage[e][name] += int(count)
                        enabled[e][name] = en == "1"
            else:
                failed = True
            sys.stdout.flush()

    # Coverage: every enabled row, in each byte order.
    missing = []
    for e in endians:
        n_en = sum(1 for v in enabled[e].values() if v)
        n_cov = sum(1 for k, v in enabled[e].items() if v and coverage[e][k] > 0)
        print(f"isa coverage {e}: {n_cov} of {n_en} generated rows exercised "
              f"({len(enabled[e]) - n_en} excluded in {e})")
        least = sorted((coverage[e][k], k) for k, v in enabled[e].items() if v)[:6]
        print(f"  least exercised in {e}: " + ", ".join(f"{k} {n}" for n, k in least))
        for k, v in enabled[e].items():
            if v and coverage[e][k] == 0:
                missing.append(f"{k} ({e})")
    if missing:
        failed = True
        print("isa: rows never exercised: " + ", ".join(missing))
    if args.coverage_out:
        with open(args.coverage_out, "w") as f:
            f.write("# row " + " ".join(endians) + "  (x = excluded)\n")
            for k in order:
                cells = [str(coverage[e][k]) if enabled[e][k] else "x" for e in endians]
                f.write(f"{k} {' '.join(cells)}\n")
    print(f"isa: {'FAILED' if failed else 'passed'} in {time.monotonic() - t0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
