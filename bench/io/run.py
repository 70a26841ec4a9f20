#!/usr/bin/env python3
"""virtio-blk throughput of petrel against qemu-system-ppc64 (TCG), one run.

usage: run.py PETREL KERNEL_ELF BIOS_BIN [--smoke] [SCALE]
Makes a 64 MiB raw image in a temporary directory (sector 0: the
parameters, every 4 KiB block tagged with its number) and runs
io/workload.c on it: as -kernel under petrel, as -bios under
qemu-system-ppc64 -M pseries (same image, recreated for each run).  The
payload times 4 KiB requests, 32 in flight, sequential and random, reads
and writes, with the guest timebase; best of 3 runs.  Prints MB/s and
IOPS for each VMM and the ratio petrel/QEMU (> 1: petrel faster).
--smoke: petrel only, a 1 MiB image and 64 requests per pass; checks
the payload's verdict and the image's written tags.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

args = [a for a in sys.argv[1:] if not a.startswith("--")]
SMOKE = "--smoke" in sys.argv
PETREL, KERNEL, BIOS = args[0], args[1], args[2]
SCALE = float(args[3]) if len(args) > 3 else 1.0
QEMU = shutil.which("qemu-system-ppc64")
BLOCK = 4096
IMAGE_BLOCKS = 256 if SMOKE else 16384          # 1 MiB / 64 MiB
REQUESTS = 64 if SMOKE else max(64, int(65536 * SCALE))
PASSES = ["seq-read", "rand-read", "seq-write", "rand-write"]


def make_image(path):
    with open(path, "wb") as f:
        for b in range(IMAGE_BLOCKS):
            block = bytearray(BLOCK)
            block[0:8] = struct.pack(">Q", b)
            f.write(block)
        f.seek(0)
        f.write(b"petrel-bench-io\0" + struct.pack(">QQ", REQUESTS, IMAGE_BLOCKS))


def run(cmd):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    except subprocess.TimeoutExpired:
        sys.exit(f"bench io: {cmd[0]} timed out")
    out = p.stdout.decode(errors="replace")
    got = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(r"io: (\S+) (\d+) (\d+)\r?\n", out)}
    tb = re.search(r"io: tb (\d+)", out)
    errs = re.search(r"io: errors (\d+)", out)
    if p.returncode != 0 or not tb or not errs or errs.group(1) != "0" or \
            any(k not in got for k in PASSES):
        sys.exit(f"bench io: {cmd[0]} failed ({p.returncode}):\n{out[-1500:]}\n"
                 f"{p.stderr.decode(errors='replace')[-500:]}")
    return {k: got[k][1] / int(tb.group(1)) for k in PASSES}  # seconds per pass


def petrel_cmd(img):
    return [PETREL, "-nographic", "-m", "512M", "-drive", f"file={img},if=virtio",
            "-kernel", KERNEL]


def qemu_cmd(img):
    return [QEMU, "-M", "pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,"
            "cap-ccf-assist=off", "-display", "none", "-nographic", "-no-reboot", "-m", "512M",
            "-net", "none", "-drive", f"file={img},if=none,id=d0,format=raw",
            "-device", "virtio-blk-pci,drive=d0,disable-legacy=on", "-bios", BIOS]


def best(make_cmd, tmp, runs=3):
    img = os.path.join(tmp, "bench-io.img")
    best_s = None
    for _ in range(runs):
        make_image(img)
        s = run(make_cmd(img))
        best_s = s if best_s is None else {k: min(best_s[k], s[k]) for k in PASSES}
    return best_s, img


with tempfile.TemporaryDirectory() as tmp:
    if SMOKE:
        _, img = best(petrel_cmd, tmp, runs=1)
        # The write passes tagged what they wrote: sequential ones cover
        # blocks 1..64 of the 256.
        with open(img, "rb") as f:
            for b in (1, 32, 64):
                f.seek(b * BLOCK)
                if struct.unpack(">Q", f.read(8))[0] != b | 1 << 63:
                    sys.exit(f"bench io smoke: block {b} not written back")
        print("bench io smoke: ok")
        sys.exit(0)
    if not QEMU:
        sys.exit("bench: qemu-system-ppc64 not found (apt-get install qemu-system-ppc)")
    secs = {"petrel": best(petrel_cmd, tmp)[0], "qemu": best(qemu_cmd, tmp)[0]}
mb = REQUESTS * BLOCK / 1e6
print(f"4 KiB requests, 32 in flight, {REQUESTS} per pass, {IMAGE_BLOCKS * BLOCK >> 20} MiB image")
print(f"{'pass':<11} {'petrel MB/s':>12} {'IOPS':>8} {'qemu MB/s':>10} {'IOPS':>8} "
      f"{'petrel/qemu':>12}")
for k in PASSES:
    p, q = secs["petrel"][k], secs["qemu"][k]
    print(f"{k:<11} {mb / p:12.1f} {REQUESTS / p:8.0f} {mb / q:10.1f} {REQUESTS / q:8.0f} "
          f"{q / p:11.2f}x")
