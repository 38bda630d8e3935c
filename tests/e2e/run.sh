#!/usr/bin/env bash
# End-to-end VM tests of the guest vAccel transport: the real driver in a real guest, the real QEMU
# virtio-accel-pci device, the real host plugins. Builds what it needs, boots two guests under TCG (KVM
# when usable) and prints "N passed, N failed" last; exit status 0 only if nothing failed.
#
#   VM "main"      device: plugins=exec:cpu:noop, exec-allowlist=<libmytestlib.so>:<libe2e-exec.so>,
#                  2 queues, profiling. Runs: every op device-vs-native (tests/e2e/guest/e2e_ops), 4
#                  concurrent processes x 4 threads, kill -9 of busy processes then host sessions == 0,
#                  the runtime's examples unchanged, the benchmark, module unload + reload.
#   VM "guestcode" device: allow-guest-code=on, no allow-list. Runs: exec_with_resource with the guest's
#                  library sent by content (device vs native), exec refused, the exec_with_resource example.
#   VM "opencl"    device: plugins=opencl:cpu. Runs: sgemm, minmax, fpga vadd executed by the host's OpenCL
#                  plugin (PoCL here), results equal to the guest's native cpu plugin.
#
# Usage: tests/e2e/run.sh [CMAKE_BUILD_DIR]     (default: $VA_BUILD_DIR, else build)
# Environment: VA_E2E_TIMEOUT (per VM, default 240 s), JOBS (default 2), VA_E2E_ONLY=main|guestcode|opencl,
#   VA_GUEST_KERNEL=stable|backports|ABI (guest kernel, default stable: scripts/guest/kernel-abi.sh).
# Outputs under CMAKE_BUILD_DIR/e2e-vm (e2e-vm-KERNEL with VA_GUEST_KERNEL): the serial logs (main.log,
# guestcode.log) and bench.md.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(realpath -m "${1:-${VA_BUILD_DIR:-$ROOT/build}}")
JOBS=${JOBS:-2}
KERNEL=${VA_GUEST_KERNEL:-stable}
OUT=$BUILD/e2e-vm${VA_GUEST_KERNEL:+-$VA_GUEST_KERNEL}
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
         "$BIN"/e2e_{ops,stress,hammer,stats,bench,executor} "$E2ELIB" \
         "$BIN"/examples/{noop,exec,exec_with_resource,sgemm,genop,classify}; do
  [ -e "$f" ] || die "missing $f"
  adds+=(--add "$f:$f")
done
"$ROOT/scripts/build-guest-image.sh" --kver "$KERNEL" --out "$OUT" --name e2e.cpio.gz --script "$ROOT/tests/e2e/guest/run-guest.sh" \
  "${adds[@]}" >"$OUT/image.log" 2>&1 || { cat "$OUT/image.log" >&2; die "guest image"; }
say "built in $(( $(date +%s) - t0 )) s; booting guests"

# ---- 4. the VMs ----------------------------------------------------------------------------------------------------
HOST_PLUGINS=$RT/libvaccel-exec.so:$RT/libvaccel-cpu.so:$RT/libvaccel-noop.so
APPEND="va.rt=$RT va.bin=$BIN va.lib=$LIB"
vm_failures=0
boot() { # name, device properties
  local name=$1 dev=$2
  say "VM $name: -device virtio-accel-pci,$dev"
  if ! "$ROOT/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$OUT/vmlinuz" --initrd "$OUT/e2e.cpio.gz" \
      --smp 2 --mem 1024 --timeout "${VA_E2E_TIMEOUT:-240}" --log "$OUT/$name.log" \
      --append "va.e2e=$name $APPEND" -- -device "virtio-accel-pci,$dev" >"$OUT/$name.console" 2>&1; then
    say "VM $name did not pass: $(tail -n1 "$OUT/$name.console")"
    vm_failures=$((vm_failures + 1))
  fi
}
ONLY=${VA_E2E_ONLY:-}
[ -z "$ONLY" ] || [ "$ONLY" = main ] &&
  boot main "plugins=$HOST_PLUGINS,exec-allowlist=$LIB:$E2ELIB,num-queues=2,profiling=on"
[ -z "$ONLY" ] || [ "$ONLY" = guestcode ] &&
  boot guestcode "plugins=$HOST_PLUGINS,allow-guest-code=on"
# A fresh PoCL kernel cache: the host's OpenCL plugin really compiles and runs its kernels.
[ -z "$ONLY" ] || [ "$ONLY" = opencl ] &&
  POCL_CACHE_DIR=$(mktemp -d) boot opencl "plugins=$RT/libvaccel-opencl.so:$RT/libvaccel-cpu.so"

# ---- 5. verdict ----------------------------------------------------------------------------------------------------
logs=()
for n in main guestcode opencl; do [ -f "$OUT/$n.log" ] && [ "$OUT/$n.log" -nt "$OUT/e2e.cpio.gz" ] && logs+=("$OUT/$n.log"); done
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
