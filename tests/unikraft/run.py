#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Unikraft guests with the virtio-accel device: the make test suite and the density benchmark.

  tests/unikraft/run.py test  BUILD QEMU IMAGE   self-test in one unikernel + host counters after it exits
  tests/unikraft/run.py multivm BUILD QEMU IMAGE [N]  N self-tests at once on ONE vhost-user-accel daemon
                                                  (--max-vms), one VMM killed mid-run, per-VM counters, a
                                                  late guest on the same daemon
  tests/unikraft/run.py bench BUILD QEMU IMAGE [N] table: image size, boot-to-first-result, noop round trip,
                                                  guest memory, and N (and N/2) concurrent unikernels on one
                                                  shared daemon vs one in-process runtime per VM
Host plugins: BUILD/runtime/libvaccel-{exec,cpu,noop}.so (cpu answers sgemm/minmax/fpga, noop answers image ops);
exec allow-list: BUILD/runtime/libmytestlib.so, the library the guest calls.
Model-backed classification: set VA_TORCH_PLUGIN to a host plugin .so that serves IMAGE_CLASSIFY (put first in
plugins=), VA_CLASSIFY_IMAGE to a picture (given to the unikernel as its initrd) and VA_CLASSIFY_EXPECT to a word
the answer must contain (e.g. "banana"); without them the noop plugin answers a synthetic image.
The unikernel's initrd is a cpio archive with that image and libmytestlib.so (the LIB resource that
exec-with-resource ships by content).
"""
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon  # noqa: E402
from vm import Guest, results, write_cpio  # noqa: E402

EXPECTED = ["session", "noop", "noop-loop", "sgemm", "minmax", "exec", "exec-denied", "exec-with-resource",
            "classify", "fpga-vadd", "genop-vadd", "fpga-arraycopy", "fpga-mmult", "fpga-parallel", "torch-run",
            "resource-release", "resource", "bad-session", "too-large", "unknown-op", "oversized-chain",
            "still-serving", "release"]
# max-request-bytes is lowered so that the "too large" checks need only a few MiB of guest memory.
MAX_REQUEST = 2 << 20


def plugins(build):
    rt = os.path.join(build, "runtime")
    ps = [os.path.join(rt, p) for p in ("libvaccel-exec.so", "libvaccel-cpu.so", "libvaccel-noop.so")]
    if os.environ.get("VA_TORCH_PLUGIN"):
        ps.insert(0, os.environ["VA_TORCH_PLUGIN"])
    return ":".join(ps)


def exec_lib(build):
    return os.path.join(build, "runtime", "libmytestlib.so")


def device_props(build, max_request=MAX_REQUEST, guest_code=False):
    return "plugins=%s,exec-allowlist=%s,max-request-bytes=%d%s" % (
        plugins(build), exec_lib(build), max_request, ",allow-guest-code=on" if guest_code else "")


def start_daemon(build, max_vms, guest_code=False, allow_slow=False, reset_timeout_ms=None):
    """One daemon with the same policy as device_props(), for max_vms guests; allow_slow adds the slow
    operation's library (VA_SLOW_LIB) to the exec allow-list."""
    extra = ["--max-request-bytes", str(MAX_REQUEST), "--log-level", "info"]
    if guest_code:
        extra.append("--allow-guest-code")
    if reset_timeout_ms:
        extra += ["--reset-timeout", str(reset_timeout_ms)]
    allow = exec_lib(build) + (":" + os.environ["VA_SLOW_LIB"] if allow_slow else "")
    return Daemon(build, plugins(build), allow, max_vms, extra)


def app_args(build, rounds, guest_code=False, extra=""):
    return "%s %d guest-code=%s%s" % (exec_lib(build), rounds, "allowed" if guest_code else "denied",
                                      " " + extra if extra else "")


_initrd = None


def initrd(build):
    """The guest's files: libmytestlib.so and, when given, the picture to classify."""
    global _initrd
    if _initrd is None:
        files = {}
        if os.environ.get("VA_CLASSIFY_IMAGE"):
            with open(os.environ["VA_CLASSIFY_IMAGE"], "rb") as f:
                files["image"] = f.read()
        with open(exec_lib(build), "rb") as f:
            files["libmytestlib.so"] = f.read()
        _initrd = write_cpio(os.path.join(tempfile.mkdtemp(prefix="va-uk-initrd-"), "initrd.cpio"), files)
    return _initrd


def run_one(build, qemu, image, rounds=200, timeout=120, name="uk", guest_code=True):
    g = Guest(qemu, image, device_props(build, guest_code=guest_code), app_args(build, rounds, guest_code),
              name=name, initrd=initrd(build))
    ok = g.run(timeout)
    return g, ok


def all_checks(text):
    """(every expected check ok and verdict PASS, what failed)."""
    checks, _, verdict = results(text)
    bad = [n for n in EXPECTED if checks.get(n, ("missing",))[0] != "ok"]
    return not bad and verdict == "PASS", bad + ([] if verdict == "PASS" else ["verdict %s" % verdict])


def test(build, qemu, image):
    passed = failed = 0

    def expect(cond, what):
        nonlocal passed, failed
        print("unikraft: %s %s" % ("PASS" if cond else "FAIL", what))
        if cond:
            passed += 1
        else:
            failed += 1

    g, finished = run_one(build, qemu, image)
    try:
        text = g.text()
        checks, metrics, verdict = results(text)
        expect(finished, "the unikernel ran to its verdict")
        for name in EXPECTED:
            ok, detail = checks.get(name, ("missing", ""))
            expect(ok == "ok", "%s: %s %s" % (name, ok, detail))
        expect(verdict == "PASS", "verdict %s" % verdict)
        want = os.environ.get("VA_CLASSIFY_EXPECT")
        if want:
            line = [ln for ln in text.splitlines() if ln.startswith("VA-INFO classify text:")]
            expect(bool(line) and want in line[0], "classification names %r: %s" % (want, line[:1]))
        # The application has returned and the unikernel halted; QEMU (the host runtime) is still up.
        time.sleep(0.2)
        # Unikraft halts the vCPU once main() returns (microvm has no power-off port it knows).
        regs = g.qmp({"execute": "human-monitor-command",
                      "arguments": {"command-line": "info registers"}})[0].get("return", "")
        expect("HLT=1" in regs, "the unikernel has halted (vCPU HLT=1) after its application returned")
        sessions, resources = g.stat("stat-sessions"), g.stat("stat-resources")
        expect(sessions == 0 and resources == 0,
               "host holds %s sessions and %s resources after the guest exited" % (sessions, resources))
        if failed:
            sys.stderr.write(text[-4000:])
    finally:
        g.stop()
    print("unikraft: boot-to-first-result %.3f s, noop round trip %s ns"
          % (g.first_result_s or -1, metrics.get("noop_rtt_ns")))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def test_multivm(build, qemu, image, n=4):
    """n unikernels at once on ONE daemon, plus one whose VMM is killed and one that is reset while a slow
    host operation of theirs runs, then a late one."""
    passed = failed = 0

    def expect(cond, what):
        nonlocal passed, failed
        print("multivm: %s %s" % ("PASS" if cond else "FAIL", what))
        if cond:
            passed += 1
        else:
            failed += 1

    d = start_daemon(build, n + 3, allow_slow=True, reset_timeout_ms=1000)
    gs = others = []
    try:
        expect(d.ready(), "daemon serves up to %d VMs from one process" % (n + 3))
        uid, nnp, sec = d.sandbox()
        expect((uid != 0 or os.geteuid() != 0) and nnp == 1 and sec == 2,
               "daemon sandboxed before any VM: uid %d, NoNewPrivs %d, Seccomp %d (filter)" % (uid, nnp, sec))
        rss0, _ = d.memory_kb()
        # Two victims start a 20 s host operation; one VMM is killed, the other resets its guest.
        slow = "slow=" + os.environ["VA_SLOW_LIB"]
        victim = Guest(qemu, image, "", app_args(build, 10, extra=slow), name="killed", vhost_user=d.sock,
                       initrd=initrd(build))
        resetv = Guest(qemu, image, "", app_args(build, 10, extra=slow), name="reset", vhost_user=d.sock,
                       initrd=initrd(build))
        gs = [Guest(qemu, image, "", app_args(build, 200), name="g%d" % i, vhost_user=d.sock,
                    initrd=initrd(build)) for i in range(n)]
        others = [victim, resetv]
        ids = {g.proc.pid: d.vm_id(g.proc.pid) for g in gs + others}
        expect(all(ids.values()) and len(set(ids.values())) == n + 2,
               "%d VMMs connected to the one daemon as VMs %s" % (n + 2, sorted(ids.values())))
        mark = len(d.text())
        expect(victim.wait_for("VA-SLOW-START", 120) is not None, "victim 1 has a slow host operation running")
        time.sleep(0.5)
        victim.kill()
        vid = ids[victim.proc.pid]
        m = d.wait_log(r"vm %d: disconnected \([^)]*\): released its device with (\d+) session\(s\) and (\d+) "
                       r"resource\(s\) still open" % vid, 30, mark)
        abandoned = d.wait_log(r"vm %d: 1 request\(s\) in flight at disconnect: abandoned" % vid, 1, mark)
        expect(m is not None and int(m.group(1)) >= 1 and abandoned is not None,
               "victim 1's VMM killed during the operation: the daemon abandoned it and released the %s open "
               "session(s) of that VM only" % (m.group(1) if m else "?"))
        expect(resetv.wait_for("VA-SLOW-START", 120) is not None, "victim 2 has a slow host operation running")
        time.sleep(0.5)
        resetv.qmp({"execute": "system_reset"})
        rid = ids[resetv.proc.pid]
        m = d.wait_log(r"vm %d: [a-z ]+: 1 request\(s\) still running after 1000 ms; resetting this VM's device "
                       r"and closing its connection" % rid, 30, mark)
        m2 = d.wait_log(r"vm %d: disconnected \(reset timeout\)" % rid, 30, mark)
        expect(m is not None and m2 is not None and d.alive(),
               "victim 2 reset during the operation: past --reset-timeout only its device is reset and its "
               "connection closed; the daemon keeps running")
        for g in gs:
            ok = g.run(240)
            good, bad = all_checks(g.text())
            expect(ok and good, "%s (vm %s): every self-test check passed%s"
                   % (g.name, ids[g.proc.pid], "" if good else ": failed " + ", ".join(bad)))
            if not good:
                sys.stderr.write(g.text()[-3000:])
        rss_n, _ = d.memory_kb()
        per, total = d.stats()
        expect(total is not None and total[0] == n, "daemon alive after the kill and the reset, serving %s VMs"
               % (total[0] if total else "?"))
        for g in gs:
            v = per.get(ids[g.proc.pid]) if per else None
            expect(v is not None and v[1] == 0 and v[2] == 0,
                   "%s (vm %s) exited: its device holds %s sessions, %s resources"
                   % (g.name, ids[g.proc.pid], v[1] if v else "?", v[2] if v else "?"))
        for g in gs + others:
            g.stop()
        gs = others = []
        m = d.wait_log(r"stats \(after a disconnect\): 0 VM\(s\) connected, (\d+) sessions, (\d+) resources", 30,
                       mark)
        expect(m is not None and m.groups() == ("0", "0"),
               "all VMMs gone: the daemon holds %s sessions, %s resources" % (m.groups() if m else ("?", "?")))
        late = Guest(qemu, image, "", app_args(build, 50), name="late", vhost_user=d.sock, initrd=initrd(build))
        gs = [late]
        ok = late.run(120)
        good, bad = all_checks(late.text())
        expect(ok and good, "a VM connecting afterwards passes every check on the same daemon%s"
               % ("" if good else ": " + ", ".join(bad)))
        late.stop()
        gs = []
        per, total = d.stats()
        expect(total == (0, 0, 0), "after the late VM: %s VMs, sessions, resources held" % (total,))
        code = d.stop()
        expect(code == 0, "daemon ends on SIGTERM with exit code %s" % code)
        print("multivm: daemon RSS %.1f MiB idle, %.1f MiB with %d VMs connected"
              % (rss0 / 1024, rss_n / 1024, n))
    finally:
        for g in gs + others:
            g.stop()
        if d.alive():
            d.stop()
        if failed:
            sys.stderr.write(d.text()[-4000:])
        d.cleanup()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def jain(xs):
    return sum(xs) ** 2 / (len(xs) * sum(x * x for x in xs)) if xs else 0.0


def bench(build, qemu, image, n):
    rows = []
    size = os.path.getsize(image)
    # Single guest: boot-to-first-result and noop round trip (median of 3 boots).
    firsts, rtts, meds, mins = [], [], [], []
    for i in range(3):
        g, ok = run_one(build, qemu, image, rounds=2000)
        _, m, v = results(g.text())
        firsts.append(g.first_result_s)
        rtts.append(m.get("noop_rtt_ns"))
        meds.append(m.get("noop_median_ns"))
        mins.append(m.get("noop_min_ns"))
        g.stop()
        if v != "PASS":
            print("bench: single guest failed:\n" + g.text()[-2000:])
            return 1
    firsts.sort()
    rtts.sort()
    meds.sort()
    # Smallest guest memory that still passes: the whole self-test, and the noop-only run.
    def smallest(args):
        for mem in (2, 3, 4, 6, 8, 12, 16, 24, 32):
            g = Guest(qemu, image, device_props(build, guest_code=True), args, mem_mb=mem, initrd=initrd(build))
            ok = g.run(60)
            v = results(g.text())[2]
            g.stop()
            if ok and v == "PASS":
                return mem
        return None
    need = smallest(app_args(build, 10, True))
    need_noop = smallest(app_args(build, 10, True, "noop-only"))
    rows.append(("image size (selftest app + vAccel library, nolibc)", "%d KiB" % (size // 1024)))
    rows.append(("boot-to-first-result (QEMU start -> first noop answered), median of 3", "%.3f s" % firsts[1]))
    rows.append(("noop round trip from the unikernel, 3 boots x 2000 calls: per-call median / min / loop mean "
                 "(middle boot)", "%.1f / %.1f / %.1f us" % (meds[1] / 1000, min(mins) / 1000, rtts[1] / 1000)))
    rows.append(("smallest -m: whole self-test (allocates 6 MiB for its too-large checks) / session + noop only",
                 "%s / %s MiB" % (need, need_noop)))

    # Density: n unikernels at once, in the old mode (each QEMU with its own in-process host runtime) and on
    # ONE shared daemon (one process, one runtime, a device per VM), n and n/2 of them, in this same run.
    print("| what | measured |\n|---|---|")
    for k, v in rows:
        print("| %s | %s |" % (k, v))
    runs = [density(build, qemu, image, n, shared=False), density(build, qemu, image, n, shared=True),
            density(build, qemu, image, max(1, n // 2), shared=True)]
    print()
    print("Density: unikernels created paused and started together, each running noop calls for %d s after its "
          "first result with a progress line every %d calls, timestamped on the host as it arrives; throughput per "
          "VM = its calls inside the common window [last VM's first result, first VM's last progress line] "
          "(interpolated between progress lines) / window." % (DENSITY_SECONDS, DENSITY_PROGRESS))
    print()
    keys = [r[0] for r in runs[0][1]]
    print("| | " + " | ".join(r[0] for r in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for i, k in enumerate(keys):
        print("| %s | %s |" % (k, " | ".join(r[1][i][1] for r in runs)))
    return 0 if all(r[2] for r in runs) else 1


DENSITY_SECONDS = 10
DENSITY_PROGRESS = 50


def calls_at(points, t):
    """Calls done by host time t, linear between the (time, calls) points of one guest."""
    if t <= points[0][0]:
        return points[0][1]
    for (ta, ca), (tb, cb) in zip(points, points[1:]):
        if t <= tb:
            return ca + (cb - ca) * (t - ta) / (tb - ta) if tb > ta else cb
    return points[-1][1]


def window_rates(gs):
    """Per-VM noop/s inside the common window, the window (s), boot-to-first-result per VM (s)."""
    curves, firsts = [], []
    for g in gs:
        t_first = [t for t, ln in g.lines if ln.startswith("VA-FIRST-RESULT")]
        prog = [(t, int(ln.split()[1])) for t, ln in g.lines if ln.startswith("VA-PROGRESS")]
        if not t_first or not prog:
            return None, 0, firsts
        firsts.append(t_first[0] - g.t0)
        curves.append([(t_first[0], 0)] + prog)
    w0, w1 = max(c[0][0] for c in curves), min(c[-1][0] for c in curves)
    if w1 - w0 <= 0:
        return None, w1 - w0, firsts
    return [(calls_at(c, w1) - calls_at(c, w0)) / (w1 - w0) for c in curves], w1 - w0, firsts


def density(build, qemu, image, n, shared):
    """One density run: (label, rows, all passed)."""
    d = start_daemon(build, n, guest_code=True) if shared else None
    if d and not d.ready():
        return ("shared daemon, %d VMs" % n, [("error", "daemon did not start")], False)
    args = app_args(build, 2000, guest_code=True, extra="progress=%d seconds=%d" % (DENSITY_PROGRESS,
                                                                                 DENSITY_SECONDS))
    d_idle = d.memory_kb() if d else (0, 0)
    # Created paused and started together, so that their boots and noop loops overlap.
    gs = [Guest(qemu, image, device_props(build, guest_code=True), args, name="d%d" % i, paused=True,
                vhost_user=d.sock if d else None, initrd=initrd(build), timestamps=True) for i in range(n)]
    ids = {}
    if d:
        ids = {g.proc.pid: d.vm_id(g.proc.pid) for g in gs}
    d_connected = d.memory_kb() if d else (0, 0)
    t0 = time.monotonic()
    for g in gs:
        g.cont()
    d_peak = list(d_connected)
    running = [True]

    def sample():  # the daemon's peak while the guests run
        while running[0] and d:
            rss, pss = d.memory_kb()
            d_peak[0], d_peak[1] = max(d_peak[0], rss or 0), max(d_peak[1], pss or 0)
            time.sleep(0.25)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    done = [g.run(900) for g in gs]
    wall = time.monotonic() - t0
    running[0] = False
    sampler.join()
    rates, win, firsts = window_rates(gs)
    passed = 0
    hwm, pss = [], []
    per = None
    if d:
        per, _ = d.stats()
    for g, ok in zip(gs, done):
        good, _ = all_checks(g.text())
        if d:
            v = (per or {}).get(ids.get(g.proc.pid))
            held = (v[1], v[2]) if v else None
        else:
            held = (g.stat("stat-sessions"), g.stat("stat-resources"))
        if ok and good and held == (0, 0):
            passed += 1
        h, p = g.memory_kb()
        hwm.append(h or 0)
        pss.append(p or 0)
    for g in gs:
        g.stop()
    code = d.stop() if d else 0
    if d:
        d.cleanup()
    label = "%d VMs, one daemon (shared runtime)" % n if d else "%d VMs, one runtime per VM (in-process)" % n
    rows = [("unikernels / passed (every check, host 0 sessions and 0 resources after)", "%d / %d" % (n, passed)),
            ("wall time for all", "%.1f s" % wall),
            ("boot-to-first-result median / max", "%.2f / %.2f s" % (sorted(firsts)[len(firsts) // 2], max(firsts))
             if firsts else "n/a"),
            ("common window", "%.1f s" % win)]
    if rates:
        rows.append(("per-VM noop/s in the window min / median / max",
                     "%.0f / %.0f / %.0f" % (min(rates), sorted(rates)[len(rates) // 2], max(rates))))
        rows.append(("Jain fairness index (window)", "%.3f" % jain(rates)))
        rows.append(("aggregate noop/s in the window", "%.0f" % sum(rates)))
    else:
        rows.append(("per-VM noop/s in the window min / median / max", "no common window"))
        rows.append(("Jain fairness index (window)", "n/a"))
        rows.append(("aggregate noop/s in the window", "n/a"))
    rows.append(("QEMU per VM: peak RSS / PSS, mean", "%.1f / %.1f MiB" % (sum(hwm) / n / 1024, sum(pss) / n / 1024)))
    if d:
        rows.append(("daemon RSS: idle / %d connected / peak" % n, "%.1f / %.1f / %.1f MiB"
                     % (d_idle[0] / 1024, d_connected[0] / 1024, d_peak[0] / 1024)))
        rows.append(("daemon growth per extra VM: RSS / PSS (peak - idle) / n", "%.2f / %.2f MiB"
                     % ((d_peak[0] - d_idle[0]) / n / 1024, (d_peak[1] - (d_idle[1] or 0)) / n / 1024)))
        rows.append(("host memory per VM: QEMU PSS + daemon PSS growth", "%.1f MiB"
                     % ((sum(pss) / n + (d_peak[1] - (d_idle[1] or 0)) / n) / 1024)))
        rows.append(("daemon exit on SIGTERM", str(code)))
    else:
        rows.append(("daemon RSS: idle / %d connected / peak" % n, "(no daemon)"))
        rows.append(("daemon growth per extra VM: RSS / PSS (peak - idle) / n", "(no daemon)"))
        rows.append(("host memory per VM: QEMU PSS + daemon PSS growth", "%.1f MiB" % (sum(pss) / n / 1024)))
        rows.append(("daemon exit on SIGTERM", "(no daemon)"))
    return label, rows, passed == n and code == 0


def main():
    mode, build, qemu, image = sys.argv[1:5]
    if mode == "test":
        return test(build, qemu, image)
    if mode == "multivm":
        return test_multivm(build, qemu, image, int(sys.argv[5]) if len(sys.argv) > 5 else 4)
    return bench(build, qemu, image, int(sys.argv[5]) if len(sys.argv) > 5 else 16)


if __name__ == "__main__":
    sys.exit(main())
