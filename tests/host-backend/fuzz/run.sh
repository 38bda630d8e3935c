#!/usr/bin/env bash
# Builds the engine fuzzer with clang (libFuzzer + ASan + UBSan), seeds it with
# the canonical vectors and runs it for the given number of seconds.
# Usage: tests/host-backend/fuzz/run.sh [seconds] [build-dir]
# Prints the number of executions; exits non-zero on any finding.
set -euo pipefail
secs=${1:-60}
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${2:-$root/build/fuzz}
mkdir -p "$out/corpus" "$out/artifacts"

srcs=(iov decoder op_table session_table engine exec_policy guest_log staging worker_pool)
objs=()
for s in "${srcs[@]}"; do objs+=("$root/host-backend/src/$s.cc"); done
bin=$out/fuzz_engine
lib=$root/virtio-accel-spec/lib
newest=$(ls -t "${objs[@]}" "$root"/host-backend/src/*.hh "$root/tests/host-backend/fuzz/engine_fuzz.cc" \
  "$root/virtio-accel-spec/include/virtio_accel.h" "$lib"/virtio_accel_proto.[ch] | head -1)
if [ ! -x "$bin" ] || [ "$newest" -nt "$bin" ]; then
  # The protocol library is C (host-backend's op table and validators use it).
  clang -std=c17 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/virtio-accel-spec/include" -c "$lib/virtio_accel_proto.c" -o "$out/virtio_accel_proto.o"
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/host-backend/src" -I"$root/host-backend/include" -I"$root/virtio-accel-spec/include" -I"$lib" \
    "${objs[@]}" "$out/virtio_accel_proto.o" "$root/tests/host-backend/fuzz/engine_fuzz.cc" -o "$bin" -lpthread
fi

# Seeds: every request of every canonical vector, with its writable size.
python3 - "$root/virtio-accel-spec/vectors" "$out/corpus" <<'PY'
import pathlib, struct, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for vec in sorted(src.glob('*.vec')):
    req = None
    for n, line in enumerate(vec.read_text().splitlines()):
        if line.startswith('req '):
            req = bytes.fromhex(line.split()[1])
        elif line.startswith('wlen ') and req is not None:
            wlen = int(line.split()[1])
            for seed, flags in ((0, 0), (5, 1)):
                (dst / f'{vec.stem}-{n}-{seed}').write_bytes(struct.pack('<HBB', wlen, seed, flags) + req)
PY

log=$out/fuzz.log
set +e
ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=8192 \
  -artifact_prefix="$out/artifacts/" "$out/corpus" >"$log" 2>&1
rc=$?
set -e
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "fuzz: ${execs:-0} executions in ${secs}s, exit $rc (log: $log)"
if [ $rc -ne 0 ]; then tail -40 "$log"; exit 1; fi
