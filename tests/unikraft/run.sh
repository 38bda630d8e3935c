#!/usr/bin/env bash
# make test-unikraft / make bench-unikraft: a Unikraft unikernel (guest-unikraft/apps/selftest + the vAccel
# library) runs accelerated ops through -device virtio-accel-device on virtio-mmio under our QEMU.
#
# Usage: tests/unikraft/run.sh [test|test-model|multivm|bench] [BUILD_DIR] [N]
#   test-model: the same self-test with the host's torch plugin and the EfficientNet-Lite0 model of models/ in
#   front of the noop plugin; the unikernel classifies banana.jpg (given in its initrd) and must read "banana".
#   multivm: N self-tests (default 4) at once on ONE vhost-user-accel daemon (vhost-user-accel-device on
#   virtio-mmio), see tests/unikraft/run.py test_multivm.
# Builds what it needs: the host plugins the device loads, QEMU (scripts/build-qemu.sh), the image
# (guest-unikraft/scripts/build-app.sh); then tests/unikraft/run.py prints one line per check and
# "N passed, M failed" (test), or the measurement table with N concurrent unikernels (bench, default 16).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODE=${1:-test}
BUILD=$(realpath -m "${2:-$ROOT/build}")
JOBS=${JOBS:-2}
OUT=$BUILD/unikraft
mkdir -p "$OUT"
say() { echo "unikraft: $*" >&2; }
die() { say "ERROR: $*"; echo "0 passed, 1 failed"; exit 1; }
t0=$(date +%s)

"$ROOT/scripts/install-deps.sh" host qemu unikraft >&2 || die "install-deps failed"
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" >"$OUT/cmake.log" 2>&1 || die "cmake configure"
cmake --build "$BUILD" -j"$JOBS" --target vaccel vaccel-cpu vaccel-noop vaccel-exec mytestlib >"$OUT/host-build.log" 2>&1 ||
  { grep -E 'error' "$OUT/host-build.log" | head -20 >&2; die "host build"; }
QEMU_WRAPPER=$("$ROOT/scripts/build-qemu.sh" "$BUILD" | tail -n1) || die "scripts/build-qemu.sh failed"
IMAGE=$("$ROOT/guest-unikraft/scripts/build-app.sh" "$ROOT/guest-unikraft/apps/selftest" "$OUT/selftest" | tail -n1) ||
  die "unikernel build failed"
say "built in $(( $(date +%s) - t0 )) s"

# The slow host operation (sleeps as long as asked) that the multivm test keeps in flight while it kills or
# resets a VM; the daemon runs as nobody, so it must be readable by others.
cc -shared -fPIC -O2 -Wall -Werror -I"$ROOT/runtime/include" -o "$OUT/libva-slow_op.so" "$ROOT/tests/qemu/slow_op.c" ||
  die "building tests/qemu/slow_op.c"
chmod a+r "$OUT/libva-slow_op.so"
export VA_SLOW_LIB=$OUT/libva-slow_op.so

# The same application source against the Linux runtime: it must compile and link unchanged.
cc -std=gnu11 -Wall -Werror -I"$ROOT/runtime/include" "$ROOT/guest-unikraft/apps/selftest/main.c" \
  -L"$BUILD/runtime" -lvaccel -o "$OUT/selftest-linux" || die "the self-test does not build for Linux"

if [ "$MODE" = test-model ]; then
  cmake --build "$BUILD" -j"$JOBS" --target vaccel-torch va-models >>"$OUT/host-build.log" 2>&1 ||
    { grep -E 'error' "$OUT/host-build.log" | head -20 >&2; die "torch plugin / model build"; }
  M=$BUILD/models
  export VA_TORCH_PLUGIN=$BUILD/runtime/libvaccel-torch.so VA_CLASSIFY_IMAGE=$M/images/banana.jpg
  export VA_CLASSIFY_EXPECT=banana VACCEL_TORCH_MODEL=$M/efficientnet_lite0.pt VACCEL_TORCH_LABELS=$M/imagenet_labels.txt
  MODE=test
fi
if [ "$MODE" = bench ]; then
  # The tables also land in docs/bench/bench-unikraft.md (the latest run, with the host load around it).
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  python3 "$ROOT/tests/unikraft/run.py" bench "$BUILD" "$QEMU_WRAPPER" "$IMAGE" ${3:+"$3"} | tee "$OUT/bench.md"
  rc=${PIPESTATUS[0]}
  { echo "## Unikernel benchmark (\`make bench-unikraft\`), $(date -u +%Y-%m-%d)"
    echo
    echo "accel tcg, $(nproc) host cores, host load (1/5/15 min) before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    cat "$OUT/bench.md"; } >"$ROOT/docs/bench/bench-unikraft.md"
  exit "$rc"
fi
python3 "$ROOT/tests/unikraft/run.py" "$MODE" "$BUILD" "$QEMU_WRAPPER" "$IMAGE" ${3:+"$3"}
