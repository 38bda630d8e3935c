#!/usr/bin/env bash
# Runs the runtime test suite and the C API program under valgrind memcheck.
# Usage: tests/runtime/run-valgrind.sh BUILD_DIR   (a build made with VA_SANITIZE=OFF)
# The gtest binary runs in one process here, so the suite also checks that
# tests clean up after themselves.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR}
bin=$build/tests/runtime
rt=$build/runtime
vg=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --track-origins=no --quiet
    --suppressions="$(dirname "$0")/valgrind.supp")
# The sgemm shape sweep is slow under valgrind and exercises no runtime code
# the other tests do not; a few shapes are kept.
"${vg[@]}" "$bin/runtime_tests" --gtest_brief=1 \
  --gtest_filter='-Shapes/Sgemm.MatchesNaiveReference/1*:Shapes/Sgemm.MatchesNaiveReference/9:Shapes/Sgemm.MatchesNaiveReference/8'
VACCEL_PLUGINS="$rt/libvaccel-noop.so:$rt/libvaccel-exec.so:$rt/libvaccel-cpu.so" \
  "${vg[@]}" "$bin/upstream_api_c" "$rt/libmytestlib.so"
echo "valgrind: clean"
