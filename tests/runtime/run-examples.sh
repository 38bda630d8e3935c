#!/usr/bin/env bash
# Builds runtime/examples with `pkg-config --cflags --libs vaccel` (against the
# build-tree vaccel.pc) and runs each example with each plugin that serves it.
# Usage: run-examples.sh EXAMPLES_SRC_DIR RUNTIME_BUILD_DIR OUT_DIR
set -euo pipefail
src=$1 rt=$2 out=$3
export PKG_CONFIG_PATH=$rt
make -s -C "$src" O="$out" all >/dev/null
lib=$rt/libmytestlib.so
noop=$rt/libvaccel-noop.so exec=$rt/libvaccel-exec.so cpu=$rt/libvaccel-cpu.so
run() { # plugins expected-substring cmd...
  local plugins=$1 want=$2; shift 2
  local got
  got=$(VACCEL_PLUGINS=$plugins "$@" 2>&1) || { echo "FAIL ($plugins): $*"; echo "$got"; exit 1; }
  grep -q -- "$want" <<<"$got" || { echo "FAIL ($plugins): $* did not print '$want'"; echo "$got"; exit 1; }
  echo "ok   [$(basename "${plugins%%:*}")] $(basename "$1") ${*:2}"
}
run "$noop" "noop: OK" "$out/noop"
# upstream's noop answers exec with output = input
run "$noop" "output(2x10): 10" "$out/exec" "$lib" 1
run "$exec" "output(2x10): 20" "$out/exec" "$lib" 3
run "$noop" "output(2x10): 10" "$out/exec_with_resource" "$lib" 1
run "$exec" "output(2x10): 20" "$out/exec_with_resource" "$lib" 2
run "$cpu" "sgemm: max error" "$out/sgemm" 64
run "$noop" "sgemm: done" "$out/sgemm" 8
run "$cpu" "minmax: min -7" "$out/genop"
run "$noop" "This is a dummy classification tag!" "$out/classify" "$src/mytestlib.c"
echo "examples: all passed"
