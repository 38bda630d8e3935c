#!/usr/bin/env bash
# Device tests for QEMU's -device virtio-accel-pci, without a guest kernel.
#
# Usage: tests/qemu/run.sh [CMAKE_BUILD_DIR]     (default: $VA_CMAKE_BUILD, else <repo>/build)
#
# Builds what it needs (host runtime plugins, the patched QEMU via scripts/build-qemu.sh, the slow
# exec test library), then runs:
#   - the property list of -device virtio-accel-pci,help;
#   - realize errors and the VACCEL_PLUGINS fallback, through QMP over stdio;
#   - the qtest in qemu-patches/ (tests/qtest/virtio-accel-test.c), registered on libqos' qgraph
#     nodes for virtio-accel and run from QEMU's qos-test (only its virtio-accel cases), which drives
#     the device through virtio-pci and split virtqueues in guest RAM: PCI IDs, config, sessions, NOOP,
#     SGEMM (cpu plugin) against a reference, malformed chains, exec allow-list, many requests, a slow
#     operation while QMP answers, reset and hot-unplug with requests in flight;
#   - tests/qemu/hostile_guest.py (issue 9): exec of exit/fork/setcontext/pause through an
#     allow-listed library refused with QEMU still serving; a device reset during a 30 s host op
#     returns within 100 ms while QMP answers, and the abandoned request's buffers stay untouched.
# Exits non-zero on any failure; the last line is "N passed, N failed".
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cb=$(realpath -m "${1:-${VA_CMAKE_BUILD:-$repo/build}}")
jobs=${JOBS:-2}
out=$cb/tests-qemu
mkdir -p "$out"

. "$repo/tests/lib/verdict.sh"

# --- build -------------------------------------------------------------------------------------
if [ ! -f "$cb/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$cb" >/dev/null || { ko "cmake configure"; finish; }
fi
if ! cmake --build "$cb" -j "$jobs" --target virtio_accel_host vaccel-noop vaccel-cpu vaccel-exec \
    >"$out/cmake-build.log" 2>&1; then
  tail -20 "$out/cmake-build.log"
  ko "build host-backend and runtime plugins"
  finish
fi
qemu=$("$repo/scripts/build-qemu.sh" "$cb" | tail -1) || { ko "scripts/build-qemu.sh"; finish; }
qtest_bin=$(dirname "$(dirname "$qemu")")/build/tests/qtest/qos-test

plugin() { # locate a runtime plugin in the CMake build tree
  find "$cb/runtime" -maxdepth 2 -name "libvaccel-$1.so" | head -1
}
noop=$(plugin noop)
cpu=$(plugin cpu)
exec_plugin=$(plugin exec)
for p in "$noop" "$cpu" "$exec_plugin"; do
  [ -n "$p" ] || { ko "runtime plugins built (noop, cpu, exec)"; finish; }
done

slow_lib=$out/libva-slow-op.so
if [ ! -f "$slow_lib" ] || [ "$repo/tests/qemu/slow_op.c" -nt "$slow_lib" ]; then
  cc -shared -fPIC -O2 -Wall -Wextra -Werror -I"$repo/runtime/include" \
    -o "$slow_lib" "$repo/tests/qemu/slow_op.c" || { ko "build slow_op.c"; finish; }
fi

# --- properties --------------------------------------------------------------------------------
help=$("$qemu" -device virtio-accel-pci,help 2>&1)
missing=""
for prop in num-queues queue-size num-workers max-sessions max-resources max-request-bytes \
            max-response-bytes max-resource-bytes max-staging-bytes max-op-cost plugins exec-allowlist \
            allow-guest-code profiling stat-requests stat-errors stat-bytes-in stat-bytes-out stat-in-flight \
            stat-sessions stat-staging-bytes stat-staging-limit stat-abandoned; do
  grep -q "^  $prop=" <<<"$help" || missing="$missing $prop"
done
if [ -z "$missing" ]; then ok "virtio-accel-pci,help lists all properties"; else ko "help lacks:$missing"; fi

# --- realize through QMP on stdio (no guest, -accel qtest keeps the CPUs idle) -----------------
qmp_run() { # qmp_run ENV... -- QEMU-ARGS...: prints QEMU's output for a qom-get of $QOM_PROP (stat-sessions)
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  printf '%s\n' '{"execute":"qmp_capabilities"}' \
    '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/va0","property":"'"${QOM_PROP:-stat-sessions}"'"}}' \
    '{"execute":"quit"}' |
    env -u VACCEL_PLUGINS "${envs[@]}" timeout 30 "$qemu" -M pc -nodefaults -display none \
      -accel qtest -qmp stdio "$@" 2>&1
}
o=$(qmp_run VACCEL_PLUGINS="$noop" -- -device virtio-accel-pci,id=va0)
if grep -q '"return": 0' <<<"$o"; then ok "device realizes with VACCEL_PLUGINS from the environment"
else ko "realize with VACCEL_PLUGINS: $o"; fi
o=$(qmp_run VACCEL_PLUGINS=/nonexistent/libvaccel-x.so -- -device virtio-accel-pci,id=va0)
rc=$?
if [ $rc -eq 1 ] && grep -q 'virtio-accel' <<<"$o"; then ok "a bad VACCEL_PLUGINS fails realize with a message"
else ko "bad VACCEL_PLUGINS: rc=$rc $o"; fi
o=$(qmp_run VACCEL_PLUGINS=/nonexistent.so -- -device "virtio-accel-pci,id=va0,plugins=$noop")
if grep -q '"return": 0' <<<"$o"; then ok "the plugins property overrides VACCEL_PLUGINS"
else ko "plugins property: $o"; fi
o=$(qmp_run -- -device "virtio-accel-pci,id=va0,plugins=$noop,num-queues=0")
rc=$?
if [ $rc -eq 1 ] && grep -q 'num-queues' <<<"$o"; then ok "num-queues=0 is refused"
else ko "num-queues=0: rc=$rc $o"; fi
# The staging budget (issue 9 item 6) is a property, and its QOM counters report it.
o=$(QOM_PROP=stat-staging-limit qmp_run -- -device "virtio-accel-pci,id=va0,plugins=$noop,max-staging-bytes=123456789")
if grep -q '"return": 123456789' <<<"$o"; then ok "max-staging-bytes reaches host-backend (stat-staging-limit)"
else ko "max-staging-bytes: $o"; fi
o=$(QOM_PROP=stat-staging-bytes qmp_run -- -device "virtio-accel-pci,id=va0,plugins=$noop")
if grep -q '"return": 0' <<<"$o"; then ok "stat-staging-bytes reads 0 when idle"
else ko "stat-staging-bytes: $o"; fi

# --- the qtest ---------------------------------------------------------------------------------
# qos-test holds every qgraph test of this QEMU; run only the cases virtio-accel-test.c registers
# (on the "virtio-accel" interface and on the virtio-accel-pci node), one -p per qgraph path.
log=$out/qtest.log
export QTEST_QEMU_BINARY=$qemu VA_TEST_PLUGINS="$cpu:$exec_plugin:$noop" VA_TEST_SLOW_LIB=$slow_lib
mapfile -t cases < <(timeout 60 "$qtest_bin" -l 2>/dev/null | grep -E '/virtio-accel(-pci)?-tests/')
paths=()
for c in "${cases[@]}"; do paths+=(-p "$c"); done
if [ ${#cases[@]} -eq 0 ]; then
  ko "qos-test lists no virtio-accel case"
else
  timeout 240 "$qtest_bin" --tap -k "${paths[@]}" >"$log" 2>&1
  rc=$?
  tap_checks "$log" /x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus/
  if [ $rc -ne 0 ]; then
    grep -E 'ERROR|Bail out|assert|qemu-system' "$log" | head -20
    ko "qos-test (virtio-accel cases) exited with $rc (log: $log)"
  fi
  ran=$(grep -cE '^ok ' "$log")
  [ "$ran" -eq ${#cases[@]} ] || ko "qos-test ran $ran of ${#cases[@]} virtio-accel cases (log: $log)"
fi
unset QTEST_QEMU_BINARY VA_TEST_PLUGINS VA_TEST_SLOW_LIB

# --- a hostile guest over qtest + QMP (issue 9): exec of libc through an allow-listed library,
# --- reset during a 30 s host op (bounded, QMP answers, no late writes) ------------------------
hlog=$out/hostile-guest.log
timeout 120 python3 "$repo/tests/qemu/hostile_guest.py" "$qemu" "$cpu:$exec_plugin:$noop" "$slow_lib" >"$hlog" 2>&1
rc=$?
while read -r line; do
  case "$line" in
    "PASS: "*) ok "hostile guest: ${line#PASS: }" ;;
    "FAIL: "*) ko "hostile guest: ${line#FAIL: }" ;;
  esac
done <"$hlog"
[ $rc -eq 0 ] || { tail -5 "$hlog"; ko "hostile_guest.py exited with $rc (log: $hlog)"; }

finish
