# SPDX-License-Identifier: Apache-2.0
"""One Unikraft guest under our QEMU: start, console, QMP counters, memory.

The guest runs on -M microvm, whose virtio-mmio transports Unikraft drives; the
virtio-accel device sits on the first transport (bus virtio-mmio-bus.0 at
0xfeb00000, IRQ 5 with the second IOAPIC off) and is described to Unikraft on
its command line, as Linux's virtio_mmio.device= does. -no-shutdown keeps QEMU
(and with it the device's host runtime) alive after the unikernel halts, so
the host's counters can be read after the application has exited.

With vhost_user=SOCKET the same transport carries vhost-user-accel-device
instead, served by a vhost-user-accel daemon listening on SOCKET; guest RAM is
then a shared memfd, which the daemon maps.
"""
import json
import os
import socket
import subprocess
import tempfile
import threading
import time

MMIO = "virtio_mmio.device=512@0xfeb00000:5"
# microvm's default firmware (qboot) does not start multiboot images; SeaBIOS does (measured with
# Debian's seabios 1.16). rtc=off would make SeaBIOS hang, so the RTC stays.
BIOS = "/usr/share/seabios/bios.bin"


def accel_args(kvm):
    if kvm:
        return ["-accel", "kvm", "-cpu", "host"]
    return ["-accel", "tcg"]



def proc_memory_kb(pid, status_field):
    """(status_field from /proc/PID/status, Pss from smaps_rollup) in KiB; Pss is None where the
    kernel has no smaps_rollup."""
    value = pss = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(status_field + ":"):
                value = int(line.split()[1])
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return value, pss

class Guest:
    def __init__(self, qemu, image, device_props, app_args="", mem_mb=32, kvm=None, name="uk", initrd=None,
                 paused=False, vhost_user=None, timestamps=False):
        if kvm is None:  # TCG unless asked: KVM here cannot boot Unikraft (platform notes)
            kvm = os.environ.get("VA_KVM") == "1"
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="va-uk-")
        self.qmp_path = os.path.join(self.dir, "qmp.sock")
        self.console_path = os.path.join(self.dir, "console.log")
        cmdline = MMIO + (" -- " + app_args if app_args else "")
        machine = "microvm,ioapic2=off"
        if vhost_user:
            machine += ",memory-backend=mem"
            device = ["-object", "memory-backend-memfd,id=mem,size=%dM,share=on" % mem_mb,
                      "-chardev", "socket,id=vua,path=%s" % vhost_user,
                      "-device", "vhost-user-accel-device,id=va0,bus=virtio-mmio-bus.0,chardev=vua"]
        else:
            device = ["-device", "virtio-accel-device,id=va0,bus=virtio-mmio-bus.0," + device_props]
        self.argv = [qemu, "-M", machine, "-bios", BIOS, *accel_args(kvm), "-m", str(mem_mb),
                     "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
                     "-no-reboot", "-no-shutdown",
                     "-global", "virtio-mmio.force-legacy=false", *device,
                     "-kernel", image, "-append", cmdline,
                     *(["-initrd", initrd] if initrd else []),
                     *(["-S"] if paused else []),
                     "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path]
        self.t0 = time.monotonic()
        self.console = open(self.console_path, "wb")
        # (host monotonic time, line) of every console line, when asked: the
        # density benchmark counts each guest's progress in a common window.
        self.lines = [] if timestamps else None
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE if timestamps else self.console,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.reader = None
        if timestamps:
            self.reader = threading.Thread(target=self._read_console, daemon=True)
            self.reader.start()
        self.first_result_s = None

    def _read_console(self):
        for raw in iter(self.proc.stdout.readline, b""):
            self.lines.append((time.monotonic(), raw.decode("utf-8", "replace").rstrip("\r\n")))
            self.console.write(raw)
            self.console.flush()

    def cont(self):
        """Starts a guest created paused; its clocks start now."""
        self.qmp({"execute": "cont"})
        self.t0 = time.monotonic()

    def text(self):
        with open(self.console_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for(self, marker, timeout):
        """Seconds from QEMU's start until marker is on the console, or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if marker in self.text():
                return time.monotonic() - self.t0
            if self.proc.poll() is not None:
                return (time.monotonic() - self.t0) if marker in self.text() else None
            time.sleep(0.01)
        return None

    def run(self, timeout):
        self.first_result_s = self.wait_for("VA-FIRST-RESULT", timeout)
        return self.wait_for("VA-VERDICT", timeout) is not None

    def qmp(self, *cmds):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(10)
        for _ in range(100):
            try:
                s.connect(self.qmp_path)
                break
            except OSError:
                time.sleep(0.05)
        f = s.makefile("rwb")
        f.readline()
        out = []
        for c in (({"execute": "qmp_capabilities"},) + cmds):
            f.write(json.dumps(c).encode() + b"\n")
            f.flush()
            while True:
                r = json.loads(f.readline())
                if "return" in r or "error" in r:
                    out.append(r)
                    break
        s.close()
        return out[1:]

    def stat(self, name):
        r = self.qmp({"execute": "qom-get", "arguments": {"path": "/machine/peripheral/va0", "property": name}})
        return r[0].get("return")

    def memory_kb(self):
        """(VmHWM, Pss) of the QEMU process in KiB."""
        return proc_memory_kb(self.proc.pid, "VmHWM")

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.qmp({"execute": "quit"})
            except OSError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.reader:
            self.reader.join(5)
        self.console.close()

    def kill(self):
        """SIGKILL: the VMM dies without closing anything properly."""
        self.proc.kill()
        self.proc.wait()


def write_cpio(path, files):
    """A cpio "newc" archive (what Linux initramfs uses) of {name: bytes}: the guest's initrd."""
    def entry(name, data, mode):
        n = name.encode() + b"\0"
        head = b"070701" + b"".join(b"%08X" % v for v in (0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0))
        out = head + n
        out += b"\0" * (-len(out) % 4) + data
        return out + b"\0" * (-len(out) % 4)
    blob = b"".join(entry(k, v, 0o100644) for k, v in files.items()) + entry("TRAILER!!!", b"", 0)
    with open(path, "wb") as f:
        f.write(blob)
    return path


def results(text):
    """{check name: (ok, detail)} from the VA-TEST lines, the metrics, the verdict."""
    checks, metrics, verdict = {}, {}, None
    for line in text.splitlines():
        parts = line.strip().split(" ", 3)
        if parts[0] == "VA-TEST" and len(parts) >= 3:
            checks[parts[1]] = (parts[2], parts[3] if len(parts) > 3 else "")
        elif parts[0] == "VA-METRIC" and len(parts) >= 3:
            metrics[parts[1]] = int(parts[2])
        elif parts[0] == "VA-VERDICT":
            verdict = parts[1]
    return checks, metrics, verdict
