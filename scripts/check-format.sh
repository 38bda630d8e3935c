#!/usr/bin/env bash
# Checks that the files listed in .clang-format-files are formatted as .clang-format says (clang-format 14,
# from Debian's clang-format package). Prints the offending files with the first lines of their diff.
# Usage: scripts/check-format.sh [--fix]    --fix: reformat the listed files in place instead
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CF=$(command -v clang-format || command -v clang-format-14 || true)
[ -n "$CF" ] || { echo "check-format: clang-format missing (scripts/install-deps.sh host)" >&2; exit 1; }

files=()
while read -r pat; do
  case $pat in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2206 # the pattern is a glob on purpose
  matched=($pat)
  [ -e "${matched[0]}" ] || { echo "check-format: .clang-format-files: nothing matches '$pat'" >&2; exit 1; }
  files+=("${matched[@]}")
done < .clang-format-files

if [ "${1:-}" = --fix ]; then
  "$CF" -i "${files[@]}"
  echo "check-format: reformatted ${#files[@]} files"
  exit 0
fi
bad=0
tmp=$(mktemp)
for f in "${files[@]}"; do
  if ! "$CF" "$f" | diff -u --label "$f" --label "$f (clang-format)" "$f" - > "$tmp" 2>&1; then
    head -n 20 "$tmp"
    bad=$((bad + 1))
  fi
done
rm -f "$tmp"
if [ $bad -gt 0 ]; then
  echo "check-format: $bad of ${#files[@]} files differ from .clang-format (scripts/check-format.sh --fix)" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files conform to .clang-format"
