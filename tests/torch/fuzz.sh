#!/usr/bin/env bash
# Fuzzes the torch plugin's image header parser with libFuzzer (clang, ASan+UBSan) for SECONDS (default 30),
# seeded with the real test images and the hostile headers of the unit tests.
# Usage: tests/torch/fuzz.sh [SECONDS] [OUT_DIR]   (default 30, build/torch-fuzz)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-30}
OUT=$(realpath -m "${2:-$ROOT/build/torch-fuzz}")
mkdir -p "$OUT/corpus"
"$ROOT/scripts/install-deps.sh" host >&2
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$ROOT/runtime/plugins/torch" -I"$ROOT/runtime/include" \
  "$ROOT/runtime/plugins/torch/image_probe.cc" "$ROOT/tests/torch/fuzz/image_probe_fuzz.cc" -o "$OUT/image_probe_fuzz"
# seeds: the first 4 KiB of each real image, and a PNG header declaring 100000 x 100000
for f in "$ROOT"/build/models/images/*; do [ -f "$f" ] && head -c 4096 "$f" >"$OUT/corpus/$(basename "$f")"; done
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0' >"$OUT/corpus/huge.png"
printf 'BM\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10\0\0\0\xf0\xff\xff\xff\0\0' >"$OUT/corpus/bmp"
"$OUT/image_probe_fuzz" -max_total_time="$SECS" -max_len=8192 -print_final_stats=1 "$OUT/corpus" 2>&1 | tail -5
