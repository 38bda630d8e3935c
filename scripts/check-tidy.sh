#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy's checks, every finding an error) on the project's C++ sources: host-backend,
# the runtime and its plugins (CUDA sources aside: clang-tidy cannot parse .cu without a CUDA toolkit it
# knows). Needs the compile commands of a configured build directory (CMake exports them).
# Usage: scripts/check-tidy.sh BUILD_DIR [JOBS]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd)
JOBS=${2:-$(nproc)}
cd "$ROOT"
TIDY=$(command -v clang-tidy || command -v clang-tidy-14 || true)
[ -n "$TIDY" ] || { echo "check-tidy: clang-tidy missing (scripts/install-deps.sh host)" >&2; exit 1; }
[ -f "$BUILD/compile_commands.json" ] || { echo "check-tidy: no $BUILD/compile_commands.json" >&2; exit 1; }

mapfile -t files < <(git ls-files 'host-backend/src/*.cc' 'runtime/src/*.cc' 'runtime/plugins/*.cc' |
  while read -r f; do grep -q "/$f\"" "$BUILD/compile_commands.json" && echo "$f"; done)
[ ${#files[@]} -gt 0 ] || { echo "check-tidy: no sources in the compile commands" >&2; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if printf '%s\n' "${files[@]}" | xargs -P "$JOBS" -n 4 "$TIDY" -p "$BUILD" --quiet >"$log" 2>&1; then
  echo "check-tidy: ${#files[@]} files, no findings"
else
  grep -E 'error:|warning:' "$log" | sort -u
  echo "check-tidy: findings above (${#files[@]} files checked; full output was in $log)" >&2
  trap - EXIT
  exit 1
fi
