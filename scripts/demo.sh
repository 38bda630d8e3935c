#!/usr/bin/env bash
# `make demo`: builds the host side (runtime + plugins + host-backend), QEMU with -device virtio-accel-pci, the
# guest image (virtio_accel.ko + the guest vAccel runtime with its virtio transport plugin), boots a VM, runs
# scripts/demo/vaccel_demo.c in the guest (sgemm, exec, minmax through the device; it prints which HOST plugin
# executed each op), and shuts the VM down.
#
# Usage: scripts/demo.sh [CMAKE_BUILD_DIR]   (default build)
# Environment: JOBS (default 2), VA_DEMO_TIMEOUT (VM wall-clock limit, default 180 s).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath -m "${1:-$ROOT/build}")
JOBS=${JOBS:-2}
OUT=$BUILD/demo
RT=$BUILD/runtime
t0=$(date +%s)
say() { echo "demo: $*"; }
die() { echo "demo: ERROR: $*" >&2; exit 1; }
mkdir -p "$OUT"

say "1/5 packages"
"$ROOT/scripts/install-deps.sh" host qemu guest

say "2/5 host side: runtime and plugins in $BUILD"
if [ ! -f "$BUILD/CMakeCache.txt" ] || [ ! -d "$BUILD/runtime/plugins/virtio" ]; then
  cmake -S "$ROOT" -B "$BUILD" >"$OUT/cmake.log" 2>&1 || { tail -20 "$OUT/cmake.log"; die "cmake configure"; }
fi
cmake --build "$BUILD" -j"$JOBS" --target vaccel vaccel-cpu vaccel-noop vaccel-exec vaccel-virtio mytestlib \
  >"$OUT/build.log" 2>&1 || { grep -E 'error' "$OUT/build.log" | head; die "host build (log: $OUT/build.log)"; }

say "3/5 QEMU with virtio-accel-pci (scripts/build-qemu.sh)"
"$ROOT/scripts/build-qemu.sh" "$BUILD" >"$OUT/qemu-build.log" 2>&1 || { tail -20 "$OUT/qemu-build.log"; die "QEMU build"; }
QEMU=$BUILD/qemu/build/qemu-system-x86_64

say "4/5 guest image: virtio_accel.ko, libvaccel + libvaccel-virtio.so, the demo program"
DEMO=$OUT/vaccel_demo
# Built like any vAccel application: pkg-config vaccel (this build's vaccel.pc).
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$DEMO" "$ROOT/scripts/demo/vaccel_demo.c" \
  $(PKG_CONFIG_PATH=$RT pkg-config --cflags --libs vaccel) -ldl -lm || die "demo program build"
LIB=$RT/libmytestlib.so
adds=()
for f in "$RT/libvaccel.so.0" "$RT/libvaccel-virtio.so" "$LIB" "$DEMO"; do adds+=(--add "$f:$f"); done
"$ROOT/scripts/build-guest-image.sh" --out "$OUT" --name demo.cpio.gz --script "$ROOT/scripts/demo/guest.sh" \
  "${adds[@]}" >"$OUT/image.log" 2>&1 || { cat "$OUT/image.log"; die "guest image"; }

say "5/5 booting the VM (host plugins: exec, cpu, noop; exec allow-list: $LIB)"
DEVICE="virtio-accel-pci,plugins=$RT/libvaccel-exec.so:$RT/libvaccel-cpu.so:$RT/libvaccel-noop.so"
DEVICE="$DEVICE,exec-allowlist=$LIB"
set +e
"$ROOT/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$OUT/vmlinuz" --initrd "$OUT/demo.cpio.gz" --mem 512 \
  --timeout "${VA_DEMO_TIMEOUT:-180}" --log "$OUT/vm.log" --append "va.rt=$RT va.demo=$DEMO va.lib=$LIB" \
  -- -device "$DEVICE" >"$OUT/vm.console" 2>&1
rc=$?
set -e
head -n1 "$OUT/vm.console"
# The guest's own output (kernel messages filtered out).
tr -d '\r' <"$OUT/vm.log" | grep -avE '^\[ *[0-9]+\.[0-9]+\]' | sed 's/^/  | /'
tail -n1 "$OUT/vm.console"
say "done in $(( $(date +%s) - t0 )) s"
exit $rc
