#!/usr/bin/env bash
# Instructions per request under callgrind (deterministic, unlike time).
# Usage: icount.sh <engine_icount binary>
set -euo pipefail
bin=$1
count() {  # $1 = requests, $2 = mode
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" "$2" >/dev/null 2>&1
  callgrind_annotate "$out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,
  rm -f "$out"
}
printf '%-28s %14s\n' "request" "instructions"
for mode in noop arg1m; do
  lo=$(count 1000 $mode)
  hi=$(count 3000 $mode)
  printf '%-28s %14d\n' "$mode" $(( (hi - lo) / 2000 ))
done
