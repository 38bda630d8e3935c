# SPDX-License-Identifier: Apache-2.0
"""One vhost-user-accel daemon serving several guests (--max-vms): start, log, per-VM counters, memory.

The daemon logs "vm N connected (VMM pid P)" when a VMM connects, "vm N: disconnected (...): released its
device with S session(s) and R resource(s) still open" when it leaves, and on SIGUSR1 one
"stats: vm N pid P: S sessions, R resources, ..." line per connected VM and a total line. These are the
host-backend counters of each VM's own device, read by the daemon (vhost-user-accel/vm.c).
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from vm import proc_memory_kb


class Daemon:
    def __init__(self, build, plugins, allowlist, max_vms, extra=()):
        self.dir = tempfile.mkdtemp(prefix="va-vua-")
        os.chmod(self.dir, 0o755)  # the daemon drops to nobody and re-creates its socket there
        self.sock = os.path.join(self.dir, "vua.sock")
        self.log_path = os.path.join(self.dir, "daemon.log")
        self.argv = [os.path.join(build, "vhost-user-accel", "vhost-user-accel"), "--socket-path", self.sock,
                     "--plugins", plugins, "--exec-allowlist", allowlist, "--max-vms", str(max_vms), *extra]
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_log(self, pattern, timeout=30, start=0):
        """The first match of pattern in the log after character offset start, or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.compile(pattern).search(self.text(), start)
            if m:
                return m
            if self.proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    def ready(self, timeout=60):
        return self.wait_log(r"serving up to \d+ VM", timeout) is not None

    def vm_id(self, qemu_pid, timeout=30):
        m = self.wait_log(r"vm (\d+) connected \(VMM pid %d\)" % qemu_pid, timeout)
        return int(m.group(1)) if m else None

    def stats(self, timeout=10):
        """({vm id: (pid, sessions, resources)}, (vms, sessions, resources)) read after a SIGUSR1."""
        start = len(self.text())
        self.proc.send_signal(signal.SIGUSR1)
        m = self.wait_log(r"stats \(SIGUSR1\): (\d+) VM\(s\) connected, (\d+) sessions, (\d+) resources held",
                          timeout, start)
        if not m:
            return None, None
        per = {}
        for v in re.finditer(r"stats: vm (\d+) pid (\d+): (\d+) sessions, (\d+) resources",
                             self.text()[start:m.start()]):
            per[int(v.group(1))] = (int(v.group(2)), int(v.group(3)), int(v.group(4)))
        return per, tuple(int(x) for x in m.groups())

    def memory_kb(self):
        """(VmRSS, Pss) of the daemon in KiB."""
        return proc_memory_kb(self.proc.pid, "VmRSS")

    def sandbox(self):
        """(uid, NoNewPrivs, Seccomp mode) from /proc: expected (not 0 when started as root, 1, 2)."""
        f = {}
        with open("/proc/%d/status" % self.proc.pid) as st:
            for line in st:
                k, _, v = line.partition(":")
                f[k] = v.split()
        return int(f["Uid"][1]), int(f["NoNewPrivs"][0]), int(f["Seccomp"][0])

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; the exit code (0 expected)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def cleanup(self):
        """Removes the socket and log directory (after stop())."""
        shutil.rmtree(self.dir, ignore_errors=True)
