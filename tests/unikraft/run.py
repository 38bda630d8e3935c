#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Unikraft guests with the virtio-accel device: the make test suite and the density benchmark.

  tests/unikraft/run.py test  BUILD QEMU IMAGE   self-test in one unikernel + host counters after it exits
  tests/unikraft/run.py bench BUILD QEMU IMAGE [N] table: image size, boot-to-first-result, noop round trip,
                                                  guest memory, and N concurrent unikernels
Host plugins: BUILD/runtime/libvaccel-{exec,cpu,noop}.so (cpu answers sgemm/minmax/fpga, noop answers image ops);
exec allow-list: BUILD/runtime/libmytestlib.so, the library the guest calls.
Model-backed classification: set VA_TORCH_PLUGIN to a host plugin .so that serves IMAGE_CLASSIFY (put first in
plugins=), VA_CLASSIFY_IMAGE to a picture (given to the unikernel as its initrd) and VA_CLASSIFY_EXPECT to a word
the answer must contain (e.g. "banana"); without them the noop plugin answers a synthetic image.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vm import Guest, results  # noqa: E402

EXPECTED = ["session", "noop", "noop-loop", "sgemm", "minmax", "exec", "exec-denied", "classify",
            "fpga-vadd", "genop-vadd", "torch-run", "resource-release", "resource", "bad-session", "too-large", "unknown-op",
            "oversized-chain", "still-serving", "release"]


def device_props(build, max_request=2 << 20):
    rt = os.path.join(build, "runtime")
    plugins = [os.path.join(rt, p) for p in ("libvaccel-exec.so", "libvaccel-cpu.so", "libvaccel-noop.so")]
    if os.environ.get("VA_TORCH_PLUGIN"):
        plugins.insert(0, os.environ["VA_TORCH_PLUGIN"])
    # max-request-bytes is lowered so that the "too large" checks need only a few MiB of guest memory.
    return "plugins=%s,exec-allowlist=%s,max-request-bytes=%d" % (
        ":".join(plugins), os.path.join(rt, "libmytestlib.so"), max_request)


def app_args(build, rounds):
    return "%s %d" % (os.path.join(build, "runtime", "libmytestlib.so"), rounds)


def run_one(build, qemu, image, rounds=200, timeout=120, name="uk"):
    g = Guest(qemu, image, device_props(build), app_args(build, rounds), name=name,
              initrd=os.environ.get("VA_CLASSIFY_IMAGE"))
    ok = g.run(timeout)
    return g, ok


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
            g = Guest(qemu, image, device_props(build), args, mem_mb=mem)
            ok = g.run(60)
            v = results(g.text())[2]
            g.stop()
            if ok and v == "PASS":
                return mem
        return None
    need = smallest(app_args(build, 10))
    need_noop = smallest(app_args(build, 10) + " noop-only")
    rows.append(("image size (selftest app + vAccel library, nolibc)", "%d KiB" % (size // 1024)))
    rows.append(("boot-to-first-result (QEMU start -> first noop answered), median of 3", "%.3f s" % firsts[1]))
    rows.append(("noop round trip from the unikernel, 3 boots x 2000 calls: per-call median / min / loop mean "
                 "(middle boot)", "%.1f / %.1f / %.1f us" % (meds[1] / 1000, min(mins) / 1000, rtts[1] / 1000)))
    rows.append(("smallest -m: whole self-test (allocates 6 MiB for its too-large checks) / session + noop only",
                 "%s / %s MiB" % (need, need_noop)))

    # Density: n unikernels at once, each with its own QEMU and in-process host runtime.
    base = Guest(qemu, image, device_props(build), app_args(build, 10), name="idle")
    base.run(60)
    idle_hwm, idle_pss = base.memory_kb()
    base.stop()
    # Created paused and started together, so that their boots and noop loops overlap.
    gs = [Guest(qemu, image, device_props(build), app_args(build, 2000), name="d%d" % i, paused=True)
          for i in range(n)]
    t0 = time.monotonic()
    for g in gs:
        g.cont()
    done = [g.run(600) for g in gs]
    wall = time.monotonic() - t0
    thr, pss, hwm, passed = [], [], [], 0
    for g, ok in zip(gs, done):
        c, m, v = results(g.text())
        if ok and v == "PASS":
            passed += 1
        if m.get("noop_rtt_ns"):
            thr.append(1e9 / m["noop_rtt_ns"])
        h, p = g.memory_kb()
        hwm.append(h or 0)
        pss.append(p or 0)
        sessions = g.stat("stat-sessions")
        g.stop()
        if sessions != 0:
            passed -= 1
    rows.append(("density: unikernels run at once / passed (all checks, host 0 sessions after)",
                 "%d / %d" % (n, passed)))
    rows.append(("density: wall time for all", "%.1f s" % wall))
    rows.append(("density: per-VM noop throughput min / median / max",
                 "%.0f / %.0f / %.0f ops/s" % (min(thr), sorted(thr)[len(thr) // 2], max(thr))))
    rows.append(("density: Jain fairness of per-VM noop throughput", "%.3f" % jain(thr)))
    rows.append(("host memory per VM (QEMU + its host runtime): peak RSS / PSS, mean",
                 "%.1f / %.1f MiB" % (sum(hwm) / len(hwm) / 1024, sum(pss) / len(pss) / 1024)))
    rows.append(("one VM alone: peak RSS / PSS", "%.1f / %.1f MiB" % (idle_hwm / 1024, (idle_pss or 0) / 1024)))
    print("| what | measured |\n|---|---|")
    for k, v in rows:
        print("| %s | %s |" % (k, v))
    return 0 if passed == n else 1


def main():
    mode, build, qemu, image = sys.argv[1:5]
    if mode == "test":
        return test(build, qemu, image)
    return bench(build, qemu, image, int(sys.argv[5]) if len(sys.argv) > 5 else 16)


if __name__ == "__main__":
    sys.exit(main())
