"""What the Debian-kernel tests share (prom_init.py, early_mmu.py): where
the cached vmlinux is, and a boot that follows the console until a marker
appears, then stops the machine."""
import os
import subprocess
import time

CACHE = os.environ.get("PETREL_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "petrel")
DEFAULT_VMLINUX = os.path.join(CACHE, "linux", "vmlinux")


def boot_until(petrel, vmlinux, append, extra, marker, timeout):
    """Boots vmlinux with -append append plus extra options; returns the
    console output up to marker (or the timeout) and the seconds taken."""
    cmd = [petrel, "-m", "1G", "-nographic", "-kernel", vmlinux, "-append", append] + extra
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = b""
    try:
        while time.monotonic() - t0 < timeout:
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            out += chunk
            if marker in out:
                break
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
    return out, time.monotonic() - t0
