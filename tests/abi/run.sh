#!/bin/bash
# ABI check against upstream vAccel 0.8 (x86_64):
#  1. layouts: the size, every field's offset and size of every public struct,
#     and the value of every enum constant, read from UPSTREAM's public
#     headers (clang AST + a probe compiled against them), are asserted with
#     _Static_assert while compiling OUR headers, in C and in C++;
#  2. symbols: every function upstream's public headers declare (plus
#     slog_print, which upstream's logging macros call) is exported by our
#     libvaccel.so.
# usage: tests/abi/run.sh [build-dir]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
CB=$BUILD/conformance
. "$REPO/tests/conformance/upstream-src.sh"
OUT=$BUILD/abi
mkdir -p "$OUT/upinc"
CLANG=$(command -v clang || command -v clang-14)

# Upstream's public include dir, vaccel.h configured as meson would.
cp -r "$UP/src/include/." "$OUT/upinc/"
sed 's/@VACCEL_VERSION@/0.8.0/' "$UP/src/include/vaccel.h.in" >"$OUT/upinc/vaccel.h"
python3 "$REPO/tests/abi/gen_abi_probe.py" "$CLANG" "$OUT" "$OUT/upinc" -I "$SLOG/src"
cc -std=gnu11 -I "$OUT/upinc" -I "$SLOG/src" "$OUT/probe.c" -o "$OUT/probe"
"$OUT/probe" >"$OUT/upstream_abi.h"
n=$(grep -c _Static_assert "$OUT/upstream_abi.h")

printf '#include <vaccel.h>\n#include <stddef.h>\n#include "upstream_abi.h"\nint abi_ok;\n' >"$OUT/check.c"
cc -std=gnu11 -Wall -I "$REPO/runtime/include" -I "$OUT" -c "$OUT/check.c" -o "$OUT/check_c.o"
c++ -std=gnu++17 -Wall -Wno-invalid-offsetof -D_Static_assert=static_assert -x c++ \
	-I "$REPO/runtime/include" -I "$OUT" -c "$OUT/check.c" -o "$OUT/check_cxx.o"
echo "abi: $n layout/enum assertions from upstream's headers hold for ours (C and C++)"

lib=$BUILD/runtime/libvaccel.so
nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u >"$OUT/ours.txt"
{ cat "$OUT/functions.txt"; echo slog_print; } | sort -u >"$OUT/needed.txt"
missing=$(comm -23 "$OUT/needed.txt" "$OUT/ours.txt")
if [ -n "$missing" ]; then
	echo "abi: symbols upstream's headers declare but libvaccel.so lacks:" $missing
	exit 1
fi
echo "abi: libvaccel.so exports all $(wc -l <"$OUT/needed.txt") functions upstream's public headers declare"
