#!/usr/bin/env bash
# Fuzzes the device path with the REAL torch plugin: tests/torch/fuzz/torch_device_fuzz.cc (libFuzzer) sends
# hostile torch requests (corrupt/truncated/0-byte TorchScript models, wrong tensor shapes and dtypes, bytes
# that are not images, huge declared image sizes) through host-backend's C ABI into the host runtime and
# libvaccel-torch.so, all three built with clang + ASan + UBSan (libtorch, OpenCV and OpenBLAS are Debian's
# uninstrumented libraries). Runs it for SECONDS and prints executions and the process RSS over the run.
#
# Usage: tests/torch/fuzz_device.sh [SECONDS] [OUT_DIR] [extra libFuzzer args...]   (default 60, build/torch-fuzz-device)
# Environment: VA_SANITIZED_BUILD  an existing ASan+UBSan CMake tree to build the plugin in (make fuzz-smoke
#              reuses the C-ABI fuzzer's: only the plugin is compiled again); else OUT_DIR/build, where
#              host-backend, the runtime and the plugin also carry libFuzzer's coverage instrumentation, so the
#              fuzzer is guided by the plugin's branches too;  JOBS (default 2).
# Exits non-zero on any finding (crash, sanitizer report, broken invariant, timeout, a malloc over 1 GiB).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-60}
OUT=$(realpath -m "${2:-$ROOT/build/torch-fuzz-device}")
shift $(( $# < 2 ? $# : 2 ))
mkdir -p "$OUT/corpus" "$OUT/artifacts" "$OUT/assets"
"$ROOT/scripts/install-deps.sh" host torch >&2
bld=$(realpath -m "${VA_SANITIZED_BUILD:-$OUT/build}")

# The sanitized tree: host-backend, the runtime, the torch plugin, the model assets.
if [ ! -f "$bld/CMakeCache.txt" ]; then
  cov=-fsanitize=fuzzer-no-link
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$bld" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVA_SANITIZE=ON \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g $cov" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g $cov" \
    >"$OUT/configure.log" 2>&1 || { tail -20 "$OUT/configure.log"; exit 1; }
fi
cmake --build "$bld" -j"${JOBS:-2}" --target virtio_accel_host vaccel-torch va-models >"$OUT/build.log" 2>&1 ||
  { tail -30 "$OUT/build.log"; exit 1; }
plugin=$bld/runtime/libvaccel-torch.so
hostlib=$(find "$bld/host-backend" -name 'libvirtio-accel-host.so' | head -1)
[ -f "$plugin" ] && [ -n "$hostlib" ] || { echo "fuzz-device-torch: plugin or host library not built"; exit 1; }

# Assets (tests/torch/fuzz/make_assets.py): the real network and photo, the small scripted model, a cheap
# classifier and tiny PNG/BMP images.
A=$OUT/assets
/usr/bin/python3 "$ROOT/tests/torch/fuzz/make_assets.py" "$A" "$bld/models"
# Seeds: fixed pseudo-random choice streams (the fuzzer takes it from there).
/usr/bin/python3 - "$OUT/corpus" <<'PY'
import random, sys
r = random.Random(11)
for k in range(48):
    open('%s/seed-%02d' % (sys.argv[1], k), 'wb').write(bytes(r.randrange(256) for _ in range(64 + 24 * k)))
PY

bin=$OUT/fuzz_device_torch
src=$ROOT/tests/torch/fuzz/torch_device_fuzz.cc
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$hostlib" -nt "$bin" ]; then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$ROOT/host-backend/include" -I"$ROOT/virtio-accel-spec/include" \
    -DVA_FUZZ_PLUGINS="\"$plugin\"" -DVA_FUZZ_ASSETS="\"$A\"" \
    "$src" -o "$bin" "$hostlib" -Wl,-rpath,"$(dirname "$hostlib")" -lpthread
fi

log=$OUT/fuzz.log
set +e
# Leaks: libFuzzer's per-input leak check would blame libtorch's lazily built registries; the RSS lines
# measure growth instead. Container-overflow checks need every vector user instrumented (libtorch is not).
ASAN_OPTIONS=detect_leaks=0:detect_container_overflow=0:allocator_may_return_null=1 \
  UBSAN_OPTIONS=print_stacktrace=1 VA_FUZZ_RSS_EVERY=${VA_FUZZ_RSS_EVERY:-100} \
  "$bin" -max_total_time="$SECS" -print_final_stats=1 -max_len=2048 -timeout=60 -malloc_limit_mb=1024 \
  -rss_limit_mb=4096 -artifact_prefix="$OUT/artifacts/" "$@" "$OUT/corpus" 2>&1 |
  grep -av '<ERROR> vaccel_\|\[torch\]' >"$log"
rc=${PIPESTATUS[0]}
set -e
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
rss=$(grep -a '^rss: ' "$log" | sed -n '1p;$p' | awk '{printf "%s%s programs %d MiB", (NR>1?" -> ":""), $2, $4/1024}')
echo "fuzz-device-torch: ${execs:-0} programs in ${SECS}s, exit $rc; RSS ${rss:-not sampled}; peak ${peak:-?} MiB (log: $log)"
sed -n '/^statuses/,$p' "$log"
if [ $rc -ne 0 ]; then tail -40 "$log"; exit 1; fi
