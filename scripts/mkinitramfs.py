#!/usr/bin/env python3
"""Builds the reference guest's initramfs: a newc cpio archive (the format
the kernel unpacks, Documentation/driver-api/early-userspace/
buffer-format.rst) holding busybox, the virtio modules and the files of
tests/linux/initramfs, with /dev/console and /dev/null as device nodes so
that init has a console before devtmpfs is mounted.  Written directly, so
no root privileges and no cpio tool are needed, and the output is the same
bytes for the same inputs (every mtime is 0, owners are root).

  mkinitramfs.py --assets CACHE/linux --files DIR -o OUT
"""
import argparse
import os
import stat
import sys

DIRS = ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp",
        "etc", "lib", "lib/modules", "mnt", "root", "var", "run", "usr/share",
        "usr/share/udhcpc"]


class Newc:
    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1],
            len(name_b), 0))
        self.ino += 1
        self.out += hdr.encode() + name_b
        self.out += b"\0" * (-len(self.out) % 4)
        self.out += data
        self.out += b"\0" * (-len(self.out) % 4)

    def trailer(self):
        self.ino = 0
        self.entry("TRAILER!!!", 0)
        self.out += b"\0" * (-len(self.out) % 512)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--assets", required=True,
                    help="the guest assets directory (scripts/guest-assets.sh)")
    ap.add_argument("--files", required=True,
                    help="directory whose files go to the archive's root (keeping paths)")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()

    busybox = os.path.join(a.assets, "busybox")
    moddir = os.path.join(a.assets, "modules")
    if not os.path.isfile(busybox) or not os.path.isfile(os.path.join(moddir, "order")):
        sys.exit("mkinitramfs: %s has no busybox or modules/order: run scripts/guest-assets.sh"
                 % a.assets)

    c = Newc()
    for d in DIRS:
        c.entry(d, stat.S_IFDIR | 0o755, nlink=2)
    c.entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    c.entry("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3))
    with open(busybox, "rb") as f:
        c.entry("bin/busybox", stat.S_IFREG | 0o755, f.read())
    c.entry("bin/sh", stat.S_IFLNK | 0o777, b"busybox")
    with open(os.path.join(moddir, "order")) as f:
        order = f.read().split()
    for m in order:
        with open(os.path.join(moddir, m + ".ko"), "rb") as f:
            c.entry("lib/modules/%s.ko" % m, stat.S_IFREG | 0o644, f.read())
    c.entry("lib/modules/order", stat.S_IFREG | 0o644, ("\n".join(order) + "\n").encode())

    for root, dirs, files in os.walk(a.files):
        dirs.sort()
        rel = os.path.relpath(root, a.files)
        for d in dirs:
            path = os.path.normpath(os.path.join(rel, d))
            if path not in DIRS:
                c.entry(path, stat.S_IFDIR | 0o755, nlink=2)
        for name in sorted(files):
            src = os.path.join(root, name)
            with open(src, "rb") as f:
                data = f.read()
            mode = 0o755 if os.access(src, os.X_OK) else 0o644
            c.entry(os.path.normpath(os.path.join(rel, name)), stat.S_IFREG | mode, data)
    c.trailer()
    tmp = a.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(c.out)
    os.replace(tmp, a.output)


if __name__ == "__main__":
    main()
