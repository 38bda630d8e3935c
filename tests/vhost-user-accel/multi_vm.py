#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""vhost-user-accel --max-vms 2 with raw connections standing in for VMMs (tests/unikraft/run.py multivm runs
real guests): the limit, the refusal of one more, a disconnect that leaves the other served, SIGUSR1 counters,
a freed slot reused, a VMM breaking the protocol. Usage: multi_vm.py SOCKET DAEMON_PID DAEMON_LOG [fds];
prints PASS:/FAIL: lines, then SIGTERMs the daemon. "fds": the daemon runs with --max-vms 100
--max-open-files 64; VMMs beyond what its descriptors hold are refused, it stays idle and serves again once
some leave.
"""
import os
import re
import signal
import socket
import sys
import time

sock, pid, logf = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def ok(cond, what):
    print(("PASS: " if cond else "FAIL: ") + what, flush=True)


def log_len():
    with open(logf) as f:
        return len(f.read())


def wait(pattern, timeout=20, start=0):
    """True once pattern appears in the daemon's log after character offset start."""
    for _ in range(int(timeout / 0.05)):
        with open(logf) as f:
            if re.compile(pattern).search(f.read(), start):
                return True
        time.sleep(0.05)
    return False


def cpu_ticks():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


if sys.argv[4:] == ["fds"]:
    wait(r"serving up to 100 VM")
    conns = []
    for _ in range(40):
        c = socket.socket(socket.AF_UNIX)
        c.connect(sock)
        conns.append(c)
    # Whether the last descriptor goes to accept() or to the device's eventfd depends on how many the
    # daemon inherited; either way each further VMM is closed with the reason logged, none waits.
    ok(wait(r"(vm \d+ refused: no device|connection refused: no descriptor left)")
       and wait(r"(eventfd|accept): Too many open files"),
       "out of descriptors (--max-open-files 64): further VMMs are refused with a reason")
    closed = set()
    for _ in range(200):  # up to 10 s: about 27 VMs fit, each of the others is closed in turn
        for i, c in enumerate(conns):
            c.settimeout(0)
            try:
                if i not in closed and c.recv(1) == b"":
                    closed.add(i)
            except BlockingIOError:
                pass
        if len(closed) >= 10:
            break
        time.sleep(0.05)
    refused = len(closed)
    ok(refused >= 10, "the VMMs beyond its descriptors see their connection closed (%d of 40)" % refused)
    t0 = cpu_ticks()
    time.sleep(1)
    ok(cpu_ticks() - t0 <= 5, "the daemon does not spin while out of descriptors (%d ticks in 1 s)"
       % (cpu_ticks() - t0))
    for c in conns[:20]:
        c.close()
    time.sleep(0.5)
    start = log_len()
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    ok(wait(r"vm \d+ connected", start=start), "once VMMs leave, a new one is served again")
    os.kill(pid, signal.SIGTERM)
    sys.exit(0)

wait(r"serving up to 2 VM")
ok("Seccomp:\t2" in open("/proc/%d/status" % pid).read(), "--max-vms 2: seccomp filter active before any VMM")
a, b, c = (socket.socket(socket.AF_UNIX) for _ in range(3))
a.connect(sock)
b.connect(sock)
ok(wait(r"vm 1 connected \(VMM pid %d\)" % os.getpid()) and wait(r"vm 2 connected"),
   "two VMMs served at once, each named with its pid")
c.connect(sock)
c.settimeout(10)
ok(c.recv(1) == b"" and wait(r"connection refused: 2 VM\(s\) already served"),
   "a third VMM is refused at once (closed, logged)")
a.close()
ok(wait(r"vm 1: disconnected \(VMM closed the connection\): released its device with 0 session"),
   "one VMM leaves: its device is released")
os.kill(pid, signal.SIGUSR1)
ok(wait(r"stats: vm 2 pid \d+: 0 sessions, 0 resources") and
   wait(r"stats \(SIGUSR1\): 1 VM\(s\) connected, 0 sessions, 0 resources held"),
   "SIGUSR1: the other VM is still served; per-VM counters logged")
d = socket.socket(socket.AF_UNIX)
d.connect(sock)
ok(wait(r"vm 4 connected"), "a slot freed by a disconnect is given to the next VMM")
# A VMM that breaks the protocol (a message type that does not exist, 12-byte vhost-user header:
# request, flags = version 1, payload size 0) loses its own connection, nothing else.
d.sendall((9999).to_bytes(4, "little") + (1).to_bytes(4, "little") + (0).to_bytes(4, "little"))
d.settimeout(10)
try:
    closed = d.recv(1) == b""
except OSError:
    closed = True
ok(closed and wait(r"vm 4: disconnected \(protocol error\)"),
   "a VMM breaking the vhost-user protocol loses only its own connection")
mark = log_len()
os.kill(pid, signal.SIGUSR1)
ok(wait(r"stats: vm 2 pid \d+: 0 sessions(.|\n)*stats \(SIGUSR1\): 1 VM\(s\) connected", start=mark),
   "the other VM is still served after the protocol error")
os.kill(pid, signal.SIGTERM)
