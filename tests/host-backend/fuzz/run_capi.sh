#!/usr/bin/env bash
# Builds the C-ABI fuzzer (capi_fuzz.cc) with clang + libFuzzer over a copy of
# the runtime, its plugins and host-backend built with ASan + UBSan, then runs
# it for the given number of seconds.
# Usage: tests/host-backend/fuzz/run_capi.sh [seconds] [out-dir] [extra libFuzzer args...]
# VA_FUZZ_OPENCL=0 leaves the OpenCL plugin out (faster build; make test's smoke run).
# Prints the number of executions; exits non-zero on any finding.
set -euo pipefail
secs=${1:-60}
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=$(realpath -m "${2:-$root/build/fuzz-capi}")  # absolute: the exec allow-list takes absolute paths only
shift $(( $# < 2 ? $# : 2 ))
mkdir -p "$out/corpus" "$out/artifacts"
bld=$out/build

# The sanitized tree: only what the harness loads.
if [ ! -f "$bld/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$bld" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVA_SANITIZE=ON \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    >"$out/configure.log" 2>&1 || { tail -20 "$out/configure.log"; exit 1; }
fi
targets=(virtio_accel_host vaccel-cpu vaccel-exec vaccel-noop va_exec_target)
if [ "${VA_FUZZ_OPENCL:-1}" != 0 ] &&
  cmake --build "$bld" --target help 2>/dev/null | grep -q '^\.\.\. vaccel-opencl$'; then
  targets+=(vaccel-opencl)
fi
cmake --build "$bld" -j"${JOBS:-2}" --target "${targets[@]}" >"$out/build.log" 2>&1 ||
  { tail -30 "$out/build.log"; exit 1; }

rt=$bld/runtime
plugins="$rt/libvaccel-cpu.so:$rt/libvaccel-exec.so:$rt/libvaccel-noop.so"
if [ "${VA_FUZZ_OPENCL:-1}" != 0 ] && [ -f "$rt/libvaccel-opencl.so" ]; then
  plugins+=":$rt/libvaccel-opencl.so"
fi
execlib=$(find "$bld/tests/host-backend" -name 'libva_exec_target.so' -o -name 'va_exec_target.so' | head -1)
hostlib=$(find "$bld/host-backend" -name 'libvirtio-accel-host.so' | head -1)

bin=$out/fuzz_capi
src=$root/tests/host-backend/fuzz/capi_fuzz.cc
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$hostlib" -nt "$bin" ] ||
  [ "$(cat "$out/plugins.txt" 2>/dev/null)" != "$plugins" ]; then
  echo "$plugins" >"$out/plugins.txt"
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/host-backend/include" -I"$root/virtio-accel-spec/include" \
    -DVA_FUZZ_PLUGINS="\"$plugins\"" -DVA_EXEC_LIB="\"$execlib\"" \
    "$src" -o "$bin" "$hostlib" -Wl,-rpath,"$(dirname "$hostlib")" -lpthread
fi

log=$out/fuzz.log
set +e
POCL_CACHE_DIR=$out/pocl-cache ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
  UBSAN_OPTIONS=print_stacktrace=1 \
  "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=1024 -timeout=30 \
  -artifact_prefix="$out/artifacts/" "$@" "$out/corpus" 2>&1 | grep -v '<ERROR> vaccel_' >"$log"
rc=${PIPESTATUS[0]}
set -e
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
echo "fuzz-capi: ${execs:-0} executions in ${secs}s, exit $rc (log: $log)"
if [ $rc -ne 0 ]; then tail -40 "$log"; exit 1; fi
