#!/usr/bin/env bash
# Checks that the files listed in .clang-format-files are formatted in the project's style (clang-format 14,
# from Debian's clang-format package): C++ (.cc/.hh, CUDA's .cu/.cuh) as .clang-format-cxx says, everything
# else (C) as .clang-format says. The style goes by extension, not by clang-format's directory lookup, so a
# C++ file in a directory that also holds C is held to the C++ style too. Prints the offending files with the
# first lines of their diff.
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

# The style file for one source file, by its extension.
style_of() {
  case $1 in
    *.cc|*.hh|*.cu|*.cuh) echo "--style=file:$ROOT/.clang-format-cxx" ;;
    *) echo "--style=file:$ROOT/.clang-format" ;;
  esac
}

if [ "${1:-}" = --fix ]; then
  for f in "${files[@]}"; do
    "$CF" "$(style_of "$f")" -i "$f"
  done
  echo "check-format: reformatted ${#files[@]} files"
  exit 0
fi
bad=0
tmp=$(mktemp)
for f in "${files[@]}"; do
  if ! "$CF" "$(style_of "$f")" "$f" | diff -u --label "$f" --label "$f (clang-format)" "$f" - > "$tmp" 2>&1; then
    head -n 20 "$tmp"
    bad=$((bad + 1))
  fi
done
rm -f "$tmp"
if [ $bad -gt 0 ]; then
  echo "check-format: $bad of ${#files[@]} files differ from the project style (scripts/check-format.sh --fix)" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files conform (C: .clang-format, C++: .clang-format-cxx)"
