#!/usr/bin/env bash
# End-to-end VM tests of the guest vAccel transport: the real driver in a real guest, the real QEMU
# virtio-accel-pci device, the real host plugins. Builds what it needs, boots two guests under TCG (KVM
# when usable) and prints "N passed, N failed" last; exit status 0 only if nothing failed.
#
#   VM "main"      device: plugins=exec:cpu:noop, exec-allowlist=<libmytestlib.so>:<libe2e-exec.so>,
#                  2 queues, profiling. Runs: every op device-vs-native (tests/e2e/guest/e2e_ops), 16 MiB
#                  in and out of the plugin's arena (again with the driver's arena turned off), 4
#                  concurrent processes x 4 threads, kill -9 of busy processes then host sessions == 0,
#                  the runtime's examples unchanged, the benchmark, module unload + reload.
#   VM "guestcode" device: allow-guest-code=on, no allow-list. Runs: exec_with_resource with the guest's
#                  library sent by content (device vs native), exec refused, the exec_with_resource example.
#   VM "opencl"    device: plugins=opencl:cpu. Runs: sgemm, minmax, fpga vadd executed by the host's OpenCL
#                  plugin (PoCL here), results equal to the guest's native cpu plugin.
#
# VA_E2E_MODE=vhost-user runs the same VMs with the device served out of process: a vhost-user-accel
# daemon per VM (options translated from the device properties above, sandboxed as it is by default),
# guest RAM in a shared memfd, -device vhost-user-accel-pci on a reconnecting chardev. That mode adds:
#   VM "failover"  daemon killed with a host exec in flight -> the guest's call fails, a new call fails
#                  while it is down; daemon restarted -> QEMU reconnects, the same guest works again.
# VA_E2E_ONLY=bench boots one VM that prints only the transport benchmark (tests/vhost-user-accel/bench.sh).
#
# Usage: tests/e2e/run.sh [CMAKE_BUILD_DIR]     (default: $VA_BUILD_DIR, else build)
# Environment: VA_E2E_TIMEOUT (per VM, default 240 s), JOBS (default 2),
#              VA_E2E_ONLY=main|guestcode|opencl|failover|bench or a comma list,
#              VA_E2E_MODE=inprocess (default)|vhost-user,
#              VA_GUEST_KERNEL=stable|backports|ABI (guest kernel, default stable: scripts/guest/kernel-abi.sh),
#              VA_E2E_DAEMON_OPTS (extra vhost-user-accel options, e.g. "--seccomp log").
# Outputs under CMAKE_BUILD_DIR/e2e-vm[-vhost-user][-KERNEL]: the serial logs (main.log, ...) and bench.md.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(realpath -m "${1:-${VA_BUILD_DIR:-$ROOT/build}}")
JOBS=${JOBS:-2}
KERNEL=${VA_GUEST_KERNEL:-stable}
MODE=${VA_E2E_MODE:-inprocess}
case $MODE in
  inprocess) OUT=$BUILD/e2e-vm ;;
  vhost-user) OUT=$BUILD/e2e-vm-vhost-user ;;
  *) echo "e2e: VA_E2E_MODE must be inprocess or vhost-user, not '$MODE'" >&2; echo "0 passed, 1 failed"; exit 1 ;;
esac
OUT=$OUT${VA_GUEST_KERNEL:+-$VA_GUEST_KERNEL}
BIN=$BUILD/e2e-guest
RT=$BUILD/runtime
t0=$(date +%s)
mkdir -p "$OUT"

say() { echo "e2e: $*" >&2; }
die() { say "ERROR: $*"; echo "0 passed, 1 failed"; exit 1; }

# ---- 1. host side: runtime, plugins (guest plugins are the same builds), host-backend, QEMU ------------------------
"$ROOT/scripts/install-deps.sh" host qemu guest $([ "$KERNEL" = backports ] && echo guest-backports) >&2 ||
  die "install-deps failed"
if [ ! -f "$BUILD/CMakeCache.txt" ] || [ ! -d "$BUILD/runtime/plugins/virtio" ]; then
  # (re)configure: picks up runtime/plugins/virtio in a build dir configured before it existed
  cmake -S "$ROOT" -B "$BUILD" >"$OUT/cmake.log" 2>&1 || { tail -20 "$OUT/cmake.log" >&2; die "cmake configure"; }
fi
cmake --build "$BUILD" -j"$JOBS" --target vaccel vaccel-cpu vaccel-noop vaccel-exec vaccel-virtio vaccel-opencl mytestlib \
  >"$OUT/build.log" 2>&1 || { grep -E 'error' "$OUT/build.log" | head -20 >&2; die "host build"; }
QEMU_WRAPPER=$("$ROOT/scripts/build-qemu.sh" "$BUILD" | tail -n1) || die "scripts/build-qemu.sh failed"
QEMU=$BUILD/qemu/build/qemu-system-x86_64
[ -x "$QEMU" ] || QEMU=$QEMU_WRAPPER
DAEMON=$BUILD/vhost-user-accel/vhost-user-accel
[ "$MODE" = inprocess ] || [ -x "$DAEMON" ] || die "no $DAEMON (scripts/build-qemu.sh builds it)"

# ---- 2. guest programs (standalone CMake project against this build's libvaccel) and the runtime's examples -------
cmake -S "$ROOT/tests/e2e" -B "$BIN" -DVACCEL_BUILD_DIR="$RT" >"$OUT/guest-cmake.log" 2>&1 \
  || { tail -20 "$OUT/guest-cmake.log" >&2; die "guest programs configure"; }
cmake --build "$BIN" -j"$JOBS" >"$OUT/guest-build.log" 2>&1 || { grep -E 'error' "$OUT/guest-build.log" >&2; die "guest programs build"; }
PKG_CONFIG_PATH=$RT make -s -C "$ROOT/runtime/examples" O="$BIN/examples" >"$OUT/examples-build.log" 2>&1 \
  || { cat "$OUT/examples-build.log" >&2; die "examples build"; }

LIB=$RT/libmytestlib.so
E2ELIB=$BIN/libe2e-exec.so

# ---- 3. guest image: every file at the same absolute path as on the host (exec library paths then name the same
#         file on both sides, and RUNPATHs resolve in the guest) ----------------------------------------------------
adds=()
for f in "$RT"/libvaccel.so.0 "$RT"/libvaccel-{virtio,cpu,noop,exec}.so "$LIB" \
         "$BIN"/e2e_{ops,stress,hammer,stats,bench,executor,vhost} "$E2ELIB" \
         "$BIN"/examples/{noop,exec,exec_with_resource,sgemm,genop,classify}; do
  [ -e "$f" ] || die "missing $f"
  adds+=(--add "$f:$f")
done
"$ROOT/scripts/build-guest-image.sh" --kver "$KERNEL" --out "$OUT" --name e2e.cpio.gz --script "$ROOT/tests/e2e/guest/run-guest.sh" \
  "${adds[@]}" >"$OUT/image.log" 2>&1 || { cat "$OUT/image.log" >&2; die "guest image"; }
say "built in $(( $(date +%s) - t0 )) s; booting guests"

# ---- 4. the VMs ----------------------------------------------------------------------------------------------------
HOST_PLUGINS=$RT/libvaccel-exec.so:$RT/libvaccel-cpu.so:$RT/libvaccel-noop.so
APPEND="va.rt=$RT va.bin=$BIN va.lib=$LIB va.bench=$MODE"
vm_failures=0

# vhost-user mode: the device properties become daemon options; one daemon per VM.
daemon_args() { # device properties -> DARGS (daemon options), NQ (request queues)
  local kv
  DARGS=() NQ=1
  IFS=, read -ra kvs <<<"$1"
  for kv in "${kvs[@]}"; do
    case $kv in
      plugins=*) DARGS+=(--plugins "${kv#*=}")
        # PoCL runs the system linker for every kernel it compiles.
        [[ $kv == *opencl* ]] && DARGS+=(--allow-spawn) ;;
      exec-allowlist=*) DARGS+=(--exec-allowlist "${kv#*=}") ;;
      num-queues=*) NQ=${kv#*=}; DARGS+=(--num-queues "$NQ") ;;
      allow-guest-code=on) DARGS+=(--allow-guest-code) ;;
      profiling=on) ;;
      profiling=off) DARGS+=(--no-profiling) ;;
      *) die "no daemon option for device property '$kv'" ;;
    esac
  done
  # e.g. VA_E2E_DAEMON_OPTS="--seccomp log" to profile the syscalls a workload needs (kernel audit log)
  read -ra extra <<<"${VA_E2E_DAEMON_OPTS:-}"
  DARGS+=("${extra[@]}")
}
daemon_start() { # name: starts the VM's daemon on $OUT/$name.sock, appends its log
  "$DAEMON" --socket-path "$OUT/$1.sock" "${DARGS[@]}" >>"$OUT/$1.daemon.log" 2>&1 &
  DPID=$!
  echo "$DPID" >"$OUT/$1.pid"
  local t=0
  while [ ! -S "$OUT/$1.sock" ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
}
# VM "failover": kills and restarts the daemon when the guest asks on its serial console.
failover_driver() { # name
  local log=$OUT/$1.log t=0
  while ! grep -aq '^VUA-FAILOVER KILL' "$log" 2>/dev/null; do sleep 0.1; t=$((t + 1)); [ $t -lt 3000 ] || return; done
  kill -9 "$DPID"; wait "$DPID" 2>/dev/null
  say "failover: daemon killed; waiting for the guest"
  while ! grep -aq '^VUA-FAILOVER RESTART' "$log"; do sleep 0.1; t=$((t + 1)); [ $t -lt 3000 ] || return; done
  rm -f "$OUT/$1.sock"
  daemon_start "$1"
  say "failover: daemon restarted (pid $DPID)"
  wait "$DPID"
}

boot() { # name, device properties
  local name=$1 dev=$2 mem=() qdev=() driver=
  if [ "$MODE" = vhost-user ]; then
    daemon_args "$dev"
    rm -f "$OUT/$name.sock" "$OUT/$name.daemon.log"
    daemon_start "$name"
    [ -S "$OUT/$name.sock" ] || { say "VM $name: the daemon did not start: $(tail -3 "$OUT/$name.daemon.log")"; vm_failures=$((vm_failures + 1)); return; }
    mem=(--shared-mem)
    qdev=(-chardev "socket,id=vua,path=$OUT/$name.sock,reconnect=1" -device "vhost-user-accel-pci,chardev=vua,num-queues=$NQ")
    say "VM $name: vhost-user-accel ${DARGS[*]}"
  else
    qdev=(-device "virtio-accel-pci,$dev")
    say "VM $name: -device virtio-accel-pci,$dev"
  fi
  rm -f "$OUT/$name.log"
  if [ "$name" = failover ]; then failover_driver "$name" & driver=$!; fi
  if ! "$ROOT/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$OUT/vmlinuz" --initrd "$OUT/e2e.cpio.gz" \
      --smp 2 --mem 1024 "${mem[@]}" --timeout "${VA_E2E_TIMEOUT:-240}" --log "$OUT/$name.log" \
      --append "va.e2e=$name $APPEND" -- "${qdev[@]}" >"$OUT/$name.console" 2>&1; then
    say "VM $name did not pass: $(tail -n1 "$OUT/$name.console")"
    vm_failures=$((vm_failures + 1))
  fi
  if [ -n "$driver" ]; then kill "$driver" 2>/dev/null; wait "$driver" 2>/dev/null; fi
  if [ "$MODE" = vhost-user ]; then
    # The daemon ends by itself when QEMU disconnects; one that does not is a failure.
    local t=0 pid
    pid=$(cat "$OUT/$name.pid")
    while kill -0 "$pid" 2>/dev/null && [ $t -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      say "VM $name: daemon $pid still running after QEMU exited"; vm_failures=$((vm_failures + 1))
      kill -9 "$pid"
    fi
    grep -a 'error' "$OUT/$name.daemon.log" | head -5 >&2
  fi
}
ONLY=${VA_E2E_ONLY:-}
want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }  # VA_E2E_ONLY: one name or a comma list
want main &&
  boot main "plugins=$HOST_PLUGINS,exec-allowlist=$LIB:$E2ELIB,num-queues=2,profiling=on"
want guestcode &&
  boot guestcode "plugins=$HOST_PLUGINS,allow-guest-code=on"
# A fresh PoCL kernel cache: the host's OpenCL plugin really compiles and runs its kernels.
want opencl &&
  POCL_CACHE_DIR=$(mktemp -d) boot opencl "plugins=$RT/libvaccel-opencl.so:$RT/libvaccel-cpu.so"
[ "$MODE" = vhost-user ] && want failover &&
  boot failover "plugins=$HOST_PLUGINS,exec-allowlist=$E2ELIB"
[ "$ONLY" = bench ] &&
  boot bench "plugins=$HOST_PLUGINS,exec-allowlist=$E2ELIB"

# ---- 5. verdict ----------------------------------------------------------------------------------------------------
logs=()
for n in main guestcode opencl failover bench; do [ -f "$OUT/$n.log" ] && [ "$OUT/$n.log" -nt "$OUT/e2e.cpio.gz" ] && logs+=("$OUT/$n.log"); done
[ ${#logs[@]} -gt 0 ] || die "no VM log"
results=$(cat "${logs[@]}" | tr -d '\r' | grep -aE '^E2E (PASS|FAIL|SKIP) ')
echo "$results" | grep -aE '^E2E (FAIL|SKIP)' >&2
passed=$(echo "$results" | grep -ac '^E2E PASS')
failed=$(echo "$results" | grep -ac '^E2E FAIL')
skipped=$(echo "$results" | grep -ac '^E2E SKIP')
failed=$((failed + vm_failures))
if grep -aq '^BENCH' "$OUT/main.log" 2>/dev/null; then
  { echo "Guest benchmark ($(grep -ao 'accel [a-z]*' "$OUT/main.console" | head -1 | sed 's/accel //'), 2 vCPUs):"
    grep -a '^BENCH' "$OUT/main.log" | tr -d '\r' | sed 's/^BENCH //'; } | tee "$OUT/bench.md" >&2
fi
say "logs: ${logs[*]}; $skipped skipped; $(( $(date +%s) - t0 )) s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
