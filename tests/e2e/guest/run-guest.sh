#!/bin/sh
# Runs inside the e2e VM as /test.sh (scripts/build-guest-image.sh's /init).
# Kernel command line (set by tests/e2e/run.sh):
#   va.e2e=main|guestcode|opencl|failover|bench   which scenario this VM runs
#   va.rt=DIR               runtime build dir (libvaccel + plugins), same path as on the host
#   va.bin=DIR              e2e programs and libe2e-exec.so, same path as on the host
#   va.lib=PATH             libmytestlib.so (on the device's exec allow-list in "main")
# Every check prints "E2E PASS|FAIL|SKIP name"; the host counts them.
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^va\.$1=//p"; }
MODE=$(arg e2e); RT=$(arg rt); BIN=$(arg bin); LIB=$(arg lib)
E2ELIB=$BIN/libe2e-exec.so
export LD_LIBRARY_PATH=$RT:/usr/lib/x86_64-linux-gnu/openblas-pthread
ALL=$RT/libvaccel-virtio.so:$RT/libvaccel-cpu.so:$RT/libvaccel-noop.so:$RT/libvaccel-exec.so
export VACCEL_PLUGINS=$ALL
# Under TCG the default qemu64 CPU model looks like an AMD part: OpenBLAS then picks its "Opteron" kernels,
# which use instructions TCG does not implement (SIGILL in the guest's native sgemm). Pin a plain SSE3 core
# unless the vCPU has AVX2 (KVM on a real host).
grep -qw avx2 /proc/cpuinfo || export OPENBLAS_CORETYPE=Prescott
rc=0

pass() { echo "E2E PASS $1"; }
fail() { echo "E2E FAIL $1: $2"; rc=1; }
skip() { echo "E2E SKIP $1: $2"; }
# run NAME CMD...: a program that must exit 0 (its own E2E lines count too)
run() { n=$1; shift; if "$@"; then :; else fail "$n" "exit status $?"; fi; }
# example NAME EXPECT CMD...: a runtime example with only the transport plugin; its output must contain EXPECT
example() {
  n=$1; want=$2; shift 2
  out=$(VACCEL_PLUGINS=$RT/libvaccel-virtio.so "$@" 2>&1); st=$?
  echo "$out" | sed 's/^/    /'
  if [ $st -eq 0 ] && echo "$out" | grep -q -- "$want"; then pass "$n"; else fail "$n" "exit $st, no '$want' in output"; fi
}

[ -c /dev/virtio-accel0 ] && pass driver.dev_accel || { fail driver.dev_accel "no /dev/virtio-accel0"; dmesg | tail -20; exit 1; }

if [ "$MODE" = opencl ]; then
  # Device: plugins=opencl:cpu. The host's OpenCL plugin must execute these ops.
  run executor "$BIN/e2e_executor" opencl
  run stats.idle "$BIN/e2e_stats" --expect-idle 5 opencl.host_idle_at_end
  exit $rc
fi

if [ "$MODE" = failover ]; then
  # vhost-user mode only: the host kills the daemon on "KILL" and starts a new one on "RESTART".
  # check NAME CMD...: a command that must succeed, counted as a check of its own
  check() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "exit status $?"; fi; }
  check failover.before "$BIN/e2e_vhost" noop
  "$BIN/e2e_vhost" busy "$E2ELIB" 20000 > /tmp/busy 2>&1 & busy=$!
  sleep 1
  echo "VUA-FAILOVER KILL"
  wait $busy && fail failover.inflight_fails "the call in flight succeeded" || pass failover.inflight_fails
  cat /tmp/busy
  t=0; while "$BIN/e2e_vhost" noop >/dev/null 2>&1 && [ $t -lt 100 ]; do sleep 0.1; t=$((t+1)); done
  "$BIN/e2e_vhost" noop && fail failover.down_fails "a call succeeded without a daemon" || pass failover.down_fails
  echo "VUA-FAILOVER RESTART"
  t=0; until "$BIN/e2e_vhost" noop >/dev/null 2>&1 || [ $t -ge 300 ]; do sleep 0.1; t=$((t+1)); done
  check failover.after_restart "$BIN/e2e_vhost" noop
  check failover.exec_after_restart "$BIN/e2e_vhost" busy "$E2ELIB" 10
  dmesg | grep -E 'WARNING:|BUG:|Oops' && fail failover.kernel_log "warnings in dmesg" || pass failover.kernel_log_clean
  exit $rc
fi

if [ "$MODE" = bench ]; then
  run bench.transport "$BIN/e2e_vhost" bench "$E2ELIB" "$(arg bench)"
  exit $rc
fi

if [ "$MODE" = guestcode ]; then
  # Device: allow-guest-code=on, no exec allow-list.
  run ops.exec_res "$BIN/e2e_ops" --lib "$LIB" --groups exec_res --guest-code ok
  run ops.exec_disabled "$BIN/e2e_ops" --lib "$LIB" --groups exec_disabled
  example example.exec_with_resource "output(2x10): 20" "$BIN/examples/exec_with_resource" "$LIB" 2
  run stats.idle "$BIN/e2e_stats" --expect-idle 5 guestcode.host_idle_at_end
  exit $rc
fi

# ---- every op, device vs native ----------------------------------------------------------------------------------
run ops "$BIN/e2e_ops" --lib "$LIB" --denied-lib "$E2ELIB.notlisted" --guest-code refused --big
# The plugin against a driver without arena: the driver's limit set to 0, so that INFO says arena_max_mib 0 as
# drivers before the arena did; vaccel_virtio_alloc must fail with EOPNOTSUPP (the transfers are then skipped).
AMAX=/sys/module/virtio_accel/parameters/arena_max_mib
if [ -w "$AMAX" ]; then
  amax=$(cat "$AMAX"); echo 0 > "$AMAX"
  run ops.arena_off "$BIN/e2e_ops" --groups arena
  echo "$amax" > "$AMAX"
fi

# ---- concurrency: 4 processes x 4 threads x 3 sessions -----------------------------------------------------------
i=0; pids=
while [ $i -lt 4 ]; do "$BIN/e2e_stress" 4 3 20 > /tmp/stress.$i 2>&1 & pids="$pids $!"; i=$((i+1)); done
for p in $pids; do wait $p || rc=1; done
cat /tmp/stress.*
run stats.after_stress "$BIN/e2e_stats" --expect-idle 5 stress.host_idle_after

# ---- kill -9 in the middle of operations, twice -------------------------------------------------------------------
for round in 1 2; do
  pids=
  for i in 1 2 3 4; do "$BIN/e2e_hammer" "$E2ELIB" > /tmp/hammer.$i 2>&1 & pids="$pids $!"; done
  t=0
  while [ "$(cat /tmp/hammer.* 2>/dev/null | grep -c 'HAMMER READY')" -lt 4 ] && [ $t -lt 300 ]; do sleep 0.1; t=$((t+1)); done
  ready=$(cat /tmp/hammer.* | grep -c 'HAMMER READY')
  sleep 0.5
  "$BIN/e2e_stats" --expect-busy "kill9.round$round.ops_in_flight_at_kill"
  kill -9 $pids
  for p in $pids; do wait $p 2>/dev/null; done
  [ "$ready" -eq 4 ] && pass "kill9.round$round.victims_ready" || fail "kill9.round$round.victims_ready" "$ready/4 ready"
  run "kill9.round$round" "$BIN/e2e_stats" --expect-idle 10 "kill9.round$round.host_sessions_zero"
  rm -f /tmp/hammer.*
done

# ---- the runtime's examples, unchanged, with only the transport plugin --------------------------------------------
example example.noop "plugin virtio" "$BIN/examples/noop"
example example.exec "output(2x10): 20" "$BIN/examples/exec" "$LIB" 3
example example.sgemm "done by plugin virtio" "$BIN/examples/sgemm" 64
example example.genop "min -7 max 12" "$BIN/examples/genop"
example example.classify "classification tags: This is a dummy classification tag!" "$BIN/examples/classify" "$BIN/e2e_stats"

# ---- benchmark ----------------------------------------------------------------------------------------------------
run bench "$BIN/e2e_bench" 2000 3

# ---- module unload + reload ---------------------------------------------------------------------------------------
if rmmod virtio_accel; then
  [ ! -e /dev/virtio-accel0 ] && pass module.unload_removes_node || fail module.unload_removes_node "/dev/virtio-accel0 still there"
  if insmod /lib/modules/virtio_accel.ko; then
    t=0; while [ ! -c /dev/virtio-accel0 ] && [ $t -lt 50 ]; do sleep 0.1; t=$((t+1)); done
    example module.reload_then_noop "plugin virtio" "$BIN/examples/noop"
  else
    fail module.reload "insmod failed"
  fi
else
  fail module.unload "rmmod failed"
fi
run stats.idle "$BIN/e2e_stats" --expect-idle 5 main.host_idle_at_end
# A reboot cannot be tested here: run-vm.sh boots with -no-reboot, so a reboot ends QEMU. The module
# unload + reload above re-probes the device and starts from a reset device instead.
skip guest.reboot "run-vm.sh uses -no-reboot; covered in part by module unload+reload"
dmesg | grep -E 'WARNING:|BUG:|Oops|refcount_t|general protection' && fail kernel.log "warnings in dmesg" || pass kernel.log_clean
exit $rc
