#!/usr/bin/env python3
"""One QMP session, run against petrel and against qemu-system-ppc64 with a
plain-socket client; the replies and events must have the same JSON shapes
(keys and types, recursively), and the values that must agree (error
classes, run states, event reasons) must be equal.  Then petrel-only checks:
TCP sockets, reconnecting, garbage input, two -qmp sockets, quit's exit
status.  See README."""
import argparse
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT = 10.0
failures = []
# Commands QEMU does not have (vmm/monitor/README).


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


class Client:
    """QMP over a socket: send raw text, read newline-separated JSON."""

    def __init__(self, addr, family=socket.AF_UNIX, connect_timeout=TIMEOUT):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        deadline = time.time() + connect_timeout
        while True:
            try:
                self.sock.connect(addr)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []

    def read_msg(self, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:  # QEMU closes at quit with input unread
                data = b""
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def send(self, text):
        self.sock.sendall(text.encode() if isinstance(text, str) else text)

    def reply(self, text):
        """Sends one message; returns its reply, queueing events seen meanwhile."""
        self.send(text + "\n")
        while True:
            m = self.read_msg()
            if m is None:
                return None
            if "event" in m:
                self.events.append(m)
            else:
                return m

    def wait_events(self, names, timeout=TIMEOUT):
        """Returns the events that arrive until `names` were all seen, then a
        short quiet period (to catch unexpected extras)."""
        deadline = time.time() + timeout
        while sorted(e["event"] for e in self.events) != sorted(names) and time.time() < deadline:
            if len(self.events) > len(names):
                break
            m = self.read_msg(max(0.0, deadline - time.time()))
            if m is None:
                break
            self.events.append(m)
        while True:
            m = self.read_msg(0.1)
            if m is None:
                break
            self.events.append(m)
        got, self.events = self.events, []
        return got

    def close(self):
        self.sock.close()


# (label, message text, events it must produce, values that must match).
# Values named by dotted paths into the reply; "class" compares error classes.
SESSION = [
    ("before negotiation", '{"execute": "query-status"}', [], ["error.class"]),
    ("qmp_capabilities", '{"execute": "qmp_capabilities", "id": "neg"}', [], ["id"]),
    ("qmp_capabilities twice", '{"execute": "qmp_capabilities"}', [], ["error.class"]),
    ("query-version", '{"execute": "query-version"}', [], []),
    ("query-commands", '{"execute": "query-commands"}', [], []),
    ("query-status prelaunch", '{"execute": "query-status", "id": [1, {"a": null}]}', [],
     ["return", "id"]),
    ("query-cpus-fast", '{"execute": "query-cpus-fast"}', [], ["cpus"]),
    ("stop in prelaunch", '{"execute": "stop"}', [], ["return"]),
    ("cont", '{"execute": "cont"}', ["RESUME"], ["return"]),
    ("cont while running", '{"execute": "cont"}', [], ["return"]),
    ("query-status running", '{"execute": "query-status"}', [], ["return"]),
    ("stop", '{"execute": "stop"}', ["STOP"], ["return"]),
    ("query-status paused", '{"execute": "query-status"}', [], ["return"]),
    ("system_reset paused", '{"execute": "system_reset"}', ["RESET"], ["return"]),
    ("query-status after reset", '{"execute": "query-status"}', [], ["return"]),
    ("cont after reset", '{"execute": "cont"}', ["RESUME"], ["return"]),
    ("system_reset running", '{"execute": "system_reset", "id": 5}', ["RESET"], ["return", "id"]),
    ("system_powerdown", '{"execute": "system_powerdown"}', ["POWERDOWN"], ["return"]),
    ("query-status after powerdown", '{"execute": "query-status"}', [], ["return"]),
    ("unknown command", '{"execute": "no-such-command", "id": {"k": 1}}', [],
     ["error.class", "id"]),
    ("unexpected argument", '{"execute": "stop", "arguments": {"x": 1}}', [], ["error.class"]),
    ("capabilities argument type",
     '{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}', [], ["error.class"]),
    ("execute not a string", '{"execute": 1}', [], ["error.class"]),
    ("not an object", '[1, 2]', [], ["error.class"]),
    ("a string", '"query-status"', [], ["error.class"]),
    ("lacks execute", '{"id": 1}', [], ["error.class"]),
    ("unexpected member", '{"execute": "stop", "bar": 1}', [], ["error.class"]),
    ("arguments not an object", '{"execute": "stop", "arguments": []}', [], ["error.class"]),
    ("arguments null", '{"execute": "stop", "arguments": null}', [], ["error.class"]),
    ("exec-oob without oob", '{"exec-oob": "stop"}', [], ["error.class"]),
    ("duplicate key", '{"execute": "stop", "execute": "cont"}', [], ["error.class"]),
    ("trailing comma", '{"execute": "query-status",}', [], ["error.class"]),
    ("truncated string", '{"exe', [], ["error.class"]),
    ("stray brace", '}', [], ["error.class"]),
    ("still serving", '{"execute": "query-status"}', [], ["return"]),
]

# Negotiation with arguments, and out-of-band execution once enabled.
OOB_SESSION = [
    ("enable an unknown capability",
     '{"execute": "qmp_capabilities", "arguments": {"enable": ["foo"]}}', [], ["error.class"]),
    ("enable not a list", '{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}', [],
     ["error.class"]),
    ("enable oob", '{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}', [],
     ["return"]),
    ("exec-oob of an in-band command", '{"exec-oob": "query-status", "id": 9}', [],
     ["error.class", "id"]),
    ("execute and exec-oob", '{"execute": "stop", "exec-oob": "stop"}', [], ["error.class"]),
    ("exec-oob not a string", '{"exec-oob": ["stop"]}', [], ["error.class"]),
    ("in-band still works", '{"execute": "query-status"}', [], ["return"]),
]


def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        # Lists compare as the set of their element shapes.
        shapes = []
        for x in v:
            s = shape(x)
            if s not in shapes:
                shapes.append(s)
        return ["list"] + sorted(shapes, key=json.dumps)
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "str"
    return "null"


def pick(msg, path):
    if path == "cpus":
        return [{k: c[k] for k in ("cpu-index", "target", "props")} for c in msg.get("return", [])]
    for part in path.split("."):
        if not isinstance(msg, dict) or part not in msg:
            return "<missing>"
        msg = msg[part]
    return msg


def run_session(argv, sock_path, env_note, session):
    """Starts the VMM, runs a session, quits; returns a transcript or None."""
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    proc = subprocess.Popen(argv + ["-qmp", "unix:%s,server,wait=off" % sock_path],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    out = {"steps": []}
    try:
        c = Client(sock_path)
        out["greeting"] = c.read_msg()
        for label, text, events, values in session:
            r = c.reply(text)
            ev = c.wait_events(events)
            out["steps"].append((label, r, ev))
        r = c.reply('{"execute": "quit"}')
        ev = c.wait_events(["SHUTDOWN"])
        out["steps"].append(("quit", r, ev))
        out["status"] = proc.wait(timeout=TIMEOUT)
        c.close()
    except Exception as e:  # a dead VMM or a hung socket
        proc.kill()
        proc.wait()
        fail("%s: session broke: %r; stderr: %s" % (env_note, e, proc.stderr.read()[-500:]))
        return None
    return out


def check_transcript(name, t, session):
    """Checks one side against the session's own expectations."""
    expected = {label: events for label, _, events, _ in session}
    expected["quit"] = ["SHUTDOWN"]
    for label, reply, events in t["steps"]:
        if reply is None:
            fail("%s: %s: no reply" % (name, label))
        names = sorted(e.get("event") for e in events)
        if names != sorted(expected[label]):
            fail("%s: %s: events %s, expected %s" % (name, label, names, expected[label]))
    if t["status"] != 0:
        fail("%s: exit status %d after quit" % (name, t["status"]))


def compare(petrel, qemu, session):
    if shape(petrel["greeting"]) != shape(qemu["greeting"]):
        fail("greeting shapes differ:\n  petrel %s\n  qemu   %s" % (petrel["greeting"], qemu["greeting"]))
    if petrel["greeting"]["QMP"]["capabilities"] != qemu["greeting"]["QMP"]["capabilities"]:
        fail("capabilities differ: petrel %s, qemu %s" % (petrel["greeting"], qemu["greeting"]))
    rows = dict((s[0], s) for s in session)
    for (label, pr, pe), (_, qr, qe) in zip(petrel["steps"], qemu["steps"]):
        if pr is None or qr is None:
            continue
        if label == "query-commands":
            # Same shape; every petrel command must be a QEMU command,
            # except petrel's own extensions (petrel-*, vmm/monitor/README).
            qnames = {x["name"] for x in qr["return"]}
            extra = [x["name"] for x in pr["return"]
                     if x["name"] not in qnames and not x["name"].startswith("petrel-")]
            if extra:
                fail("query-commands: not QEMU commands: %s" % extra)
        if shape(pr) != shape(qr):
            fail("%s: reply shapes differ:\n  petrel %s\n  qemu   %s" % (label, pr, qr))
        for path in rows.get(label, (None, None, None, []))[3]:
            if pick(pr, path) != pick(qr, path):
                fail("%s: %s differs: petrel %r, qemu %r" % (label, path, pick(pr, path), pick(qr, path)))
        for a, b in zip(pe, qe):
            if shape(a) != shape(b) or a["event"] != b["event"] or a.get("data") != b.get("data"):
                fail("%s: events differ:\n  petrel %s\n  qemu   %s" % (label, a, b))


def petrel_only(petrel, payload, tmp):
    """TCP, reconnection, garbage, two sockets."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    upath = os.path.join(tmp, "second.sock")
    proc = subprocess.Popen([petrel, "-bios", payload, "-smp", "2",
                             "-qmp", "tcp:127.0.0.1:%d,server,wait=off" % port,
                             "-qmp", "unix:%s,server" % upath],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        # wait is on for the unix socket: the guest waits for that client.
        second = Client(upath)
        if "QMP" not in (second.read_msg() or {}):
            fail("second socket: no greeting")
        second.reply('{"execute": "qmp_capabilities"}')
        c = Client(("127.0.0.1", port), socket.AF_INET)
        if "QMP" not in (c.read_msg() or {}):
            fail("tcp: no greeting")
        c.reply('{"execute": "qmp_capabilities"}')
        r = c.reply('{"execute": "query-status"}')
        if not r or r.get("return", {}).get("status") != "running":
            fail("tcp: query-status %s" % r)
        # Events go to every client in command mode.
        c.reply('{"execute": "stop"}')
        if [e["event"] for e in second.wait_events(["STOP"])] != ["STOP"]:
            fail("second socket: no STOP event")
        c.reply('{"execute": "cont"}')
        second.wait_events(["RESUME"])
        # Garbage of every kind, then a disconnect in the middle of a document.
        junk = bytes(range(256)) * 4 + b'{"a": [' * 3000 + b"\xff\xfe" + b'"\x00\x01'
        c.send(junk)
        c.close()
        # The same socket takes the next client, and the VM still runs.
        c = Client(("127.0.0.1", port), socket.AF_INET)
        if "QMP" not in (c.read_msg() or {}):
            fail("tcp reconnect: no greeting")
        c.reply('{"execute": "qmp_capabilities"}')
        deep = "[" * 5000 + "]" * 5000
        r = c.reply(deep)
        if not r or r.get("error", {}).get("class") != "GenericError":
            fail("deep nesting: %s" % r)
        r = c.reply('{"execute": "query-status", "id": 123456789012345678901234567890}')
        if not r or r.get("return", {}).get("status") != "running" or not isinstance(r.get("id"), float):
            fail("after garbage: %s" % r)
        r = c.reply('{"execute": "query-status", "id": "\\ud83d\\ude00 \\u00e9"}')
        if not r or r.get("id") != "\U0001f600 \u00e9":
            fail("unicode id not echoed: %s" % r)
        r = c.reply('{"execute": "query-status", "id": "\\ud800"}')
        if not r or r.get("error", {}).get("class") != "GenericError":
            fail("lone surrogate accepted: %s" % r)
        # QEMU's parser takes 'single-quoted' strings as an extension;
        # petrel's is strict RFC 8259 (README).
        r = c.reply("{'execute': 'query-status'}")
        if not r or r.get("error", {}).get("class") != "GenericError":
            fail("single quotes accepted: %s" % r)
        r = c.reply('{"execute": "quit"}')
        if r != {"return": {}}:
            fail("quit: %s" % r)
        ev = c.wait_events(["SHUTDOWN"])
        if [e.get("data") for e in ev] != [{"guest": False, "reason": "host-qmp-quit"}]:
            fail("quit: events %s" % ev)
        st = proc.wait(timeout=TIMEOUT)
        if st != 0:
            fail("quit: exit status %d" % st)
        if os.path.exists(upath):
            fail("unix socket file left behind")
    except Exception as e:
        proc.kill()
        proc.wait()
        fail("petrel-only checks broke: %r; stderr: %s" % (e, proc.stderr.read()[-500:]))


def guest_events(petrel, reboot_payload, tmp):
    """Events the guest causes: a reboot, then a power-off (status 42);
    with -no-reboot the reboot request is the shutdown."""
    for extra, want, status in (
            ([], [("RESET", {"guest": True, "reason": "guest-reset"}),
                  ("SHUTDOWN", {"guest": True, "reason": "guest-shutdown"})], 42),
            (["-no-reboot"], [("SHUTDOWN", {"guest": True, "reason": "guest-reset"})], 0)):
        path = os.path.join(tmp, "guest.sock")
        proc = subprocess.Popen([petrel, "-bios", reboot_payload, "-S", "-qmp",
                                 "unix:%s,server,wait=off" % path] + extra,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            c = Client(path)
            c.read_msg()
            c.reply('{"execute": "qmp_capabilities"}')
            c.reply('{"execute": "cont"}')
            got = [(e["event"], e.get("data")) for e in c.wait_events(["RESUME"] + [w[0] for w in want])]
            if got != [("RESUME", None)] + want:
                fail("guest events %s: %s, expected %s" % (extra, got, want))
            st = proc.wait(timeout=TIMEOUT)
            if st != status:
                fail("guest events %s: exit status %d, expected %d" % (extra, st, status))
        except Exception as e:
            proc.kill()
            proc.wait()
            fail("guest events broke: %r" % e)


def stop_really_stops(petrel, payload, tmp):
    """While stopped the guest runs no instruction: console input sent then
    is echoed only after cont (payload-echo echoes three bytes, powers off)."""
    path = os.path.join(tmp, "pause.sock")
    proc = subprocess.Popen([petrel, "-bios", payload, "-qmp", "unix:%s,server,wait=off" % path],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        c = Client(path)
        c.read_msg()
        c.reply('{"execute": "qmp_capabilities"}')
        c.reply('{"execute": "stop"}')
        c.wait_events(["STOP"])
        proc.stdin.write(b"xyz")
        proc.stdin.flush()
        r, _, _ = select.select([proc.stdout], [], [], 1.0)
        if r:
            fail("stopped guest produced output: %r" % os.read(proc.stdout.fileno(), 100))
        c.reply('{"execute": "cont"}')
        ev = [(e["event"], e.get("data")) for e in c.wait_events(["RESUME", "SHUTDOWN"])]
        if ev != [("RESUME", None), ("SHUTDOWN", {"guest": True, "reason": "guest-shutdown"})]:
            fail("pause: events after cont %s" % ev)
        out = proc.stdout.read()
        if b"xyz" not in out or b"<done>" not in out:
            fail("pause: guest output after cont %r" % out)
        if proc.wait(timeout=TIMEOUT) != 0:
            fail("pause: exit status %d" % proc.returncode)
    except Exception as e:
        proc.kill()
        proc.wait()
        fail("pause check broke: %r" % e)


def listen_failure(petrel, payload):
    r = subprocess.run([petrel, "-bios", payload, "-qmp", "unix:/nonexistent/dir/q.sock,server"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
    lines = r.stderr.strip().split("\n")
    if r.returncode != 1 or len(lines) != 1 or "cannot listen on '/nonexistent/dir/q.sock'" not in lines[0]:
        fail("listen failure: status %d, stderr %r" % (r.returncode, r.stderr))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--petrel", required=True)
    ap.add_argument("--payload", required=True, help="a guest that idles (payload-echo.bin)")
    ap.add_argument("--reboot-payload", required=True, help="payload-reboot.bin")
    ap.add_argument("--qemu", default="qemu-system-ppc64")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="petrel-qmp-")
    try:
        qemu = shutil.which(args.qemu)
        if not qemu:
            print("SKIP the QEMU half: %s is not installed" % args.qemu)
        for session in (SESSION, OOB_SESSION):
            pt = run_session([args.petrel, "-bios", args.payload, "-S", "-smp", "2"],
                             os.path.join(tmp, "petrel.sock"), "petrel", session)
            if pt:
                check_transcript("petrel", pt, session)
            if not qemu:
                continue
            qt = run_session([qemu, "-M", "pseries", "-display", "none", "-S", "-smp", "2"],
                             os.path.join(tmp, "qemu.sock"), "qemu", session)
            if qt:
                check_transcript("qemu", qt, session)
            if pt and qt:
                compare(pt, qt, session)
        petrel_only(args.petrel, args.payload, tmp)
        guest_events(args.petrel, args.reboot_payload, tmp)
        stop_really_stops(args.petrel, args.payload, tmp)
        listen_failure(args.petrel, args.payload)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("all QMP checks passed (%d session steps)" % (len(SESSION) + len(OOB_SESSION) + 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
