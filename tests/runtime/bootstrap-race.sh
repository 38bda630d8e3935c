#!/bin/bash
# Load-time bootstrap: VACCEL_BOOTSTRAP_ENABLED is honoured, and RUNS fresh
# processes with THREADS threads whose first vAccel call is simultaneous all
# find the noop plugin of VACCEL_PLUGINS.
# usage: bootstrap-race.sh BOOTSTRAP_RACE_BIN NOOP_PLUGIN [RUNS] [THREADS]
set -euo pipefail
bin=$1 noop=$2 runs=${3:-200} threads=${4:-4}
[ "$(VACCEL_PLUGINS=$noop "$bin" --initialized)" = 1 ] || { echo "FAIL: not bootstrapped at load time"; exit 1; }
[ "$(VACCEL_BOOTSTRAP_ENABLED=0 VACCEL_PLUGINS=$noop "$bin" --initialized)" = 0 ] ||
	{ echo "FAIL: VACCEL_BOOTSTRAP_ENABLED=0 not honoured"; exit 1; }
fail=0
for ((i = 0; i < runs; i++)); do
	VACCEL_PLUGINS=$noop "$bin" "$threads" 2>/dev/null || fail=$((fail + 1))
done
echo "bootstrap race: $((runs - fail))/$runs processes with $threads simultaneous first calls succeeded"
[ $fail -eq 0 ]
