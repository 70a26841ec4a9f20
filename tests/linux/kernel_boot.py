"""What the Debian-kernel tests share (prom_init.py, early_mmu.py,
debian_guest.py, bench/boot): where the cached guest assets are, the
initramfs built from them, a boot that follows the console until a marker
appears, and a running guest with its console and QMP socket."""
import json
import os
import socket
import subprocess
import sys
import threading
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


ASSETS = os.path.join(CACHE, "linux")
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_initramfs(out):
    """The reference guest's initramfs from the cached assets and
    tests/linux/initramfs (scripts/mkinitramfs.py); False without assets."""
    if not os.path.isfile(os.path.join(ASSETS, "busybox")):
        return False
    subprocess.run([sys.executable, os.path.join(TOP, "scripts", "mkinitramfs.py"),
                    "--assets", ASSETS, "--files",
                    os.path.join(TOP, "tests", "linux", "initramfs"), "-o", out], check=True)
    return True


class Qmp:
    """A minimal QMP client: connect, negotiate, execute."""

    def __init__(self, path, timeout=10):
        t0 = time.monotonic()
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() - t0 > timeout:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.recv()  # greeting
        self.execute("qmp_capabilities")

    def recv(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self.recv()
            if "event" in r:
                self.events.append(r)
                continue
            return r

    def close(self):
        self.sock.close()


class Guest:
    """A running machine: its console collected by a thread, input on its
    stdin, optionally a QMP socket."""

    def __init__(self, argv, qmp_path=None):
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.out = b""
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.qmp = Qmp(qmp_path) if qmp_path else None

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                return
            with self.lock:
                self.out += chunk

    def text(self):
        with self.lock:
            return self.out

    def wait_for(self, marker, timeout, start=0):
        """Seconds since start when marker appeared in the console after
        offset start, or None at the timeout or the process's end."""
        t_end = time.monotonic() + timeout
        while time.monotonic() < t_end:
            if marker in self.text()[start:]:
                return time.monotonic() - self.t0
            if self.proc.poll() is not None and not self.reader.is_alive():
                return None
            time.sleep(0.02)
        return None

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(5)
        if self.qmp:
            self.qmp.close()
