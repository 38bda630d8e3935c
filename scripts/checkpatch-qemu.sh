#!/usr/bin/env bash
# Runs QEMU's own scripts/checkpatch.pl (from the Debian QEMU source that scripts/build-qemu.sh
# fetches) on every patch in qemu-patches/. A patch passes only with no error and no warning.
#
# Usage: scripts/checkpatch-qemu.sh [CMAKE_BUILD_DIR]     (default: <repo>/build)
# Prints one line per patch and "N passed, N failed" last; exit status 0 only if all passed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cb=$(realpath -m "${1:-${VA_CMAKE_BUILD:-$repo/build}}")
src=$(VA_QEMU_STAGE=source "$repo/scripts/build-qemu.sh" "$cb" | tail -1) || { echo "0 passed, 1 failed"; exit 1; }
[ -x "$src/scripts/checkpatch.pl" ] || { echo "checkpatch-qemu: no $src/scripts/checkpatch.pl"; echo "0 passed, 1 failed"; exit 1; }

pass=0 fail=0
for p in "$repo"/qemu-patches/*.patch; do
  out=$(cd "$src" && ./scripts/checkpatch.pl --no-tree "$p" 2>&1)
  if grep -q 'has no obvious style problems' <<<"$out" && ! grep -qE '^(ERROR|WARNING):' <<<"$out"; then
    pass=$((pass + 1)); echo "PASS: checkpatch $(basename "$p")"
  else
    fail=$((fail + 1)); echo "FAIL: checkpatch $(basename "$p")"; grep -E -A3 '^(ERROR|WARNING):' <<<"$out"
  fi
  # Every patch carries a Signed-off-by (checkpatch checks it too; say it explicitly).
  grep -q '^Signed-off-by: ' "$p" || { fail=$((fail + 1)); echo "FAIL: no Signed-off-by in $(basename "$p")"; }
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
