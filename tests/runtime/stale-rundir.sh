#!/bin/bash
# Run directories left behind by crashed processes (issue 9 item 11): a process that bootstraps the runtime removes
# vaccel.<pid>.* directories of processes that no longer exist, and nothing else: not a live process's, not
# a symlink with that name, not the old unnumbered form.
# usage: stale-rundir.sh BOOTSTRAP_RACE_BIN NOOP_PLUGIN
set -euo pipefail
bin=$1 noop=$2
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
sleep 0 & dead=$!; wait $dead          # a pid that has just exited
mkdir -p "$base/vaccel.$dead.aaaaaa/sub" "$base/vaccel.$$.bbbbbb" "$base/vaccel.cccccc" "$base/target"
touch "$base/vaccel.$dead.aaaaaa/sub/file"
ln -s "$base/target" "$base/vaccel.$dead.lnk"
# a process killed without cleanup leaves its run directory behind
XDG_RUNTIME_DIR=$base VACCEL_PLUGINS=$noop bash -c 'exec "$0" --initialized >/dev/null & p=$!; wait $p' "$bin"
fail=0
check() { if eval "$2"; then echo "PASS: $1"; else echo "FAIL: $1"; fail=1; fi; }
check "a dead process's run directory is removed" "[ ! -e '$base/vaccel.$dead.aaaaaa' ]"
check "a live process's run directory stays" "[ -d '$base/vaccel.$$.bbbbbb' ]"
check "a symlink named like a run directory stays, and its target" "[ -L '$base/vaccel.$dead.lnk' ] && [ -d '$base/target' ]"
check "the unnumbered form stays" "[ -d '$base/vaccel.cccccc' ]"
check "the new run directory carries the pid and is removed at exit" "! ls -d '$base'/vaccel.[0-9]*.?????? 2>/dev/null | grep -v '\\.$$\\.' | grep -q ."
exit $fail
