#!/usr/bin/env python3
"""A hostile guest against the patched QEMU, without a guest kernel (issue 9).

Drives -device virtio-accel-pci through QEMU's qtest protocol (port I/O for
PCI config, MMIO for the virtio 1.x modern capabilities, guest RAM for a
split virtqueue), and QEMU's monitor over QMP, and checks:
  1. exec of exit, _exit, fork, setcontext, pause, abort through an
     allow-listed library is refused and QEMU keeps serving (no extra
     process, a NOOP still completes);
  2. a device reset (driver writes 0 to device_status) while a 30 s host
     operation runs returns within 100 ms, QMP answers while the operation
     runs, nothing is written to the request's buffers afterwards, and the
     device serves a new driver at once.
Usage: hostile_guest.py QEMU PLUGINS SLOW_LIB
Prints one "PASS: ..." / "FAIL: ..." line per check; exit status 1 on failure.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

QEMU, PLUGINS, SLOW_LIB = sys.argv[1:4]
SLOT = 4
BAR_ADDR = 0xE0000000
RAM = 0x200000  # guest-physical scratch area for rings and buffers

failures = 0


def check(ok, what):
    global failures
    print(("PASS: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures += 1


class Qtest:
    def __init__(self, sock):
        self.f = sock.makefile("rwb", buffering=0)

    def cmd(self, line):
        self.f.write((line + "\n").encode())
        while True:
            r = self.f.readline().decode().strip()
            if r.startswith("IRQ"):
                continue
            if not r.startswith("OK"):
                raise RuntimeError(f"qtest {line!r}: {r!r}")
            return r[3:]

    def outl(self, a, v): self.cmd(f"outl 0x{a:x} 0x{v:x}")
    def inl(self, a): return int(self.cmd(f"inl 0x{a:x}"), 16)
    def readb(self, a): return int(self.cmd(f"readb 0x{a:x}"), 16)
    def readw(self, a): return int(self.cmd(f"readw 0x{a:x}"), 16)
    def readl(self, a): return int(self.cmd(f"readl 0x{a:x}"), 16)
    def writeb(self, a, v): self.cmd(f"writeb 0x{a:x} 0x{v:x}")
    def writew(self, a, v): self.cmd(f"writew 0x{a:x} 0x{v:x}")
    def writel(self, a, v): self.cmd(f"writel 0x{a:x} 0x{v:x}")
    def writeq(self, a, v): self.cmd(f"writeq 0x{a:x} 0x{v:x}")

    def write(self, a, data):
        self.cmd(f"write 0x{a:x} 0x{len(data):x} 0x{data.hex() or '00'}")

    def read(self, a, n):
        return bytes.fromhex(self.cmd(f"read 0x{a:x} 0x{n:x}")[2:])


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rwb", buffering=0)
        self.f.readline()
        self.call("qmp_capabilities")

    def call(self, cmd, **args):
        self.f.write(json.dumps({"execute": cmd, "arguments": args}).encode() + b"\n")
        while True:
            r = json.loads(self.f.readline())
            if "event" not in r:
                return r


def pci_cfg(q, reg, size=4, val=None):
    addr = 0x80000000 | (SLOT << 11) | (reg & ~3)
    q.outl(0xCF8, addr)
    if val is None:
        v = q.inl(0xCFC)
        return (v >> (8 * (reg & 3))) & ((1 << (8 * size)) - 1)
    q.outl(0xCFC, val)


class Device:
    """Minimal virtio 1.x modern PCI driver for one queue."""

    def __init__(self, q):
        self.q = q
        bars = {}
        for bar in range(6):
            bars[bar] = pci_cfg(q, 0x10 + 4 * bar)
        # Map the 64-bit memory BAR that holds the virtio structures.
        caps, ptr = {}, pci_cfg(q, 0x34, 1)
        while ptr:
            vndr, nxt = pci_cfg(q, ptr, 1), pci_cfg(q, ptr + 1, 1)
            if vndr == 0x09:
                cfg_type, bar = pci_cfg(q, ptr + 3, 1), pci_cfg(q, ptr + 4, 1)
                off, length = pci_cfg(q, ptr + 8), pci_cfg(q, ptr + 12)
                mult = pci_cfg(q, ptr + 16) if cfg_type == 2 else 0
                caps.setdefault(cfg_type, (bar, off, length, mult))
            ptr = nxt
        bar = caps[1][0]
        pci_cfg(q, 0x10 + 4 * bar, val=BAR_ADDR)
        pci_cfg(q, 0x14 + 4 * bar, val=0)
        pci_cfg(q, 0x04, val=0x6)  # memory space + bus master
        self.common = BAR_ADDR + caps[1][1]
        self.notify = BAR_ADDR + caps[2][1]
        self.notify_mult = caps[2][3]
        self.init()

    def init(self):
        q, c = self.q, self.common
        q.writeb(c + 20, 0)
        q.writeb(c + 20, 1 | 2)
        q.writel(c + 8, 1)
        q.writel(c + 12, 1)  # VIRTIO_F_VERSION_1 only
        q.writel(c + 8, 0)
        q.writel(c + 12, 0)
        q.writeb(c + 20, 1 | 2 | 8)
        assert q.readb(c + 20) & 8, "FEATURES_OK refused"
        q.writew(c + 22, 0)
        self.qsize = 16
        q.writew(c + 24, self.qsize)
        self.desc, self.avail, self.used = RAM, RAM + 0x1000, RAM + 0x2000
        q.write(RAM, bytes(0x3000))
        q.writeq(c + 32, self.desc)
        q.writeq(c + 40, self.avail)
        q.writeq(c + 48, self.used)
        self.notify_off = q.readw(c + 30)
        q.writew(c + 28, 1)
        q.writeb(c + 20, 1 | 2 | 8 | 4)
        self.avail_idx = 0
        self.used_idx = 0
        if not hasattr(self, "buf"):
            self.buf = RAM + 0x4000  # buffers are never reused: late writes would show

    def reset(self):
        self.q.writeb(self.common + 20, 0)

    def send(self, readable, wlen):
        """Queues one chain: readable bytes + a writable area; returns (head, waddr)."""
        q = self.q
        ra, wa = self.buf, self.buf + ((len(readable) + 63) & ~63)
        self.buf = wa + ((wlen + 63) & ~63) + 64
        q.write(ra, readable)
        q.write(wa, b"\xee" * wlen)
        head = (self.avail_idx * 2) % self.qsize
        q.write(self.desc + 16 * head, struct.pack("<QIHH", ra, len(readable), 1, head + 1))
        q.write(self.desc + 16 * (head + 1), struct.pack("<QIHH", wa, wlen, 2, 0))
        q.writew(self.avail + 4 + 2 * (self.avail_idx % self.qsize), head)
        self.avail_idx += 1
        q.writew(self.avail + 2, self.avail_idx & 0xFFFF)
        q.writew(self.notify + self.notify_off * self.notify_mult, 0)
        return head, wa

    def wait(self, timeout=20.0):
        end = time.time() + timeout
        while time.time() < end:
            if self.q.readw(self.used + 2) != self.used_idx:
                self.used_idx += 1
                return True
            time.sleep(0.002)
        return False

    def call(self, readable, wlen):
        _, wa = self.send(readable, wlen)
        if not self.wait():
            return None
        return self.q.read(wa, wlen)


req_id = 0
REQ_SESSION_CREATE, REQ_RUN = 0x01, 0x20
OP_NOOP, OP_EXEC = 1, 2
S_OK, S_OP_FAILED = 0, 7
EPERM = 1


def request(rtype, session, payload):
    global req_id
    req_id += 1
    return struct.pack("<IIQQII", rtype, 0, req_id, session, len(payload), 0) + payload


def run_payload(op, ins, outs):
    b = struct.pack("<IIIIQ", op, len(ins), len(outs), 0, 0)
    for i in ins:
        b += struct.pack("<QII", len(i), 0, 0)
    for o in outs:
        b += struct.pack("<QII", o, 0, 0)
    return b + b"".join(ins)


def session(dev):
    r = dev.call(request(REQ_SESSION_CREATE, 0, struct.pack("<II", 0, 0)), 32)
    st = struct.unpack_from("<I", r)[0]
    return struct.unpack_from("<Q", r, 24)[0] if st == 0 else None


def status(resp):
    return struct.unpack_from("<II", resp) if resp else (None, None)


def main():
    tmp = tempfile.mkdtemp()
    qtest_path, qmp_path = os.path.join(tmp, "qtest"), os.path.join(tmp, "qmp")
    lsock = socket.socket(socket.AF_UNIX)
    lsock.bind(qtest_path)
    lsock.listen(1)
    qemu = subprocess.Popen(
        [QEMU, "-M", "pc", "-nodefaults", "-display", "none", "-accel", "qtest",
         "-L", "/usr/share/seabios", "-L", "/usr/share/qemu",
         "-qtest", "unix:" + qtest_path, "-qmp", f"unix:{qmp_path},server=on,wait=off",
         "-device", f"virtio-accel-pci,id=va0,addr={SLOT:#x},plugins={PLUGINS},exec-allowlist={SLOW_LIB},num-workers=2"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "stderr"), "wb"))
    lsock.settimeout(30)
    try:
        conn, _ = lsock.accept()
    except socket.timeout:
        qemu.kill()
        sys.exit("QEMU did not connect: " + open(os.path.join(tmp, "stderr")).read()[-2000:])
    q = Qtest(conn)
    for _ in range(300):
        if os.path.exists(qmp_path):
            break
        time.sleep(0.05)
    qmp = Qmp(qmp_path)
    dev = Device(q)
    s = session(dev)
    check(s is not None, "session over the virtqueue")

    # 1. Dependency symbols of an allow-listed library.
    lib = SLOW_LIB.encode()
    for sym in ["exit", "_exit", "fork", "setcontext", "pause", "abort"]:
        r = dev.call(request(REQ_RUN, s, run_payload(OP_EXEC, [lib, sym.encode(), struct.pack("<I", 1)], [4])),
                     56 + 4)
        st, detail = status(r)
        check(st == S_OP_FAILED and detail == EPERM,
              f"exec of {sym} through the allow-listed library refused (status {st}, detail {detail})")
    alive = qemu.poll() is None and "return" in qmp.call("query-status")
    check(alive, "QEMU still runs and answers QMP")
    children = subprocess.run(["pgrep", "-P", str(qemu.pid)], capture_output=True, text=True).stdout.split()
    check(not children, f"QEMU forked no process ({children})")
    r = dev.call(request(REQ_RUN, s, run_payload(OP_NOOP, [], [])), 56)
    check(status(r)[0] == S_OK, f"the device keeps serving (NOOP status {status(r)[0]})")
    r = dev.call(request(REQ_RUN, s, run_payload(OP_EXEC, [lib, b"va_test_sleep", struct.pack("<I", 5)], [4])), 60)
    check(status(r)[0] == S_OK, f"the library's own function still runs (status {status(r)[0]})")

    # 2. Reset during a 30 s host operation.
    head, wa = dev.send(request(REQ_RUN, s, run_payload(OP_EXEC, [lib, b"va_test_sleep", struct.pack("<I", 30000)], [4])),
                        56 + 4)
    time.sleep(0.5)
    running = qmp.call("qom-get", path="/machine/peripheral/va0", property="stat-in-flight")
    check(running.get("return") == 1, f"the 30 s op is running ({running})")
    t0 = time.time()
    st = qmp.call("query-status")
    qmp_ms = (time.time() - t0) * 1000
    check("return" in st, f"QMP answers while the 30 s op runs ({qmp_ms:.1f} ms)")
    t0 = time.time()
    dev.reset()
    reset_ms = (time.time() - t0) * 1000
    check(reset_ms <= 100, f"device reset during the 30 s op returned in {reset_ms:.1f} ms (bound 100 ms)")
    t0 = time.time()
    st = qmp.call("query-status")
    check("return" in st, f"QMP answers right after the reset ({(time.time() - t0) * 1000:.1f} ms)")
    held = qmp.call("qom-get", path="/machine/peripheral/va0", property="stat-in-flight")
    check(held.get("return") == 0, f"no request in flight after the reset ({held})")
    before = q.read(wa, 60)
    dev.init()
    s2 = session(dev)
    check(s2 is not None, "a new driver is served at once although the abandoned op still runs")
    r = dev.call(request(REQ_RUN, s2, run_payload(OP_NOOP, [], [])), 56)
    check(status(r)[0] == S_OK, "NOOP after the reset completes")
    time.sleep(1.0)
    check(q.read(wa, 60) == before, "the abandoned request's buffers were not written after the reset")
    qmp.call("quit")
    try:
        qemu.wait(timeout=40)
    except subprocess.TimeoutExpired:
        qemu.kill()
        check(False, "QEMU quits while an abandoned op runs")
    else:
        check(True, "QEMU quits while an abandoned op runs")
    print(f"{'all passed' if failures == 0 else f'{failures} failed'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
