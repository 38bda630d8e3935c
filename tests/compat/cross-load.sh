#!/bin/bash
# Plugins and applications move between upstream vAccel 0.8's runtime and ours.
#
# Builds upstream's libvaccel.so.0 (nubificus/vaccel @ ebc23b1, with slog
# 1.8.22), its noop and exec plugins, its test library and its examples from
# the pinned source, against upstream's own headers (plain cc: Debian 12's
# meson is older than upstream's meson.build asks for). Then runs upstream's
# examples, with the arguments upstream's scripts/run-examples.sh gives them,
# in four combinations, and compares each run with the all-upstream one
# (exit status and the lines the example prints, minus log lines):
#   ref  upstream libvaccel + upstream plugins   (the reference)
#   a    OUR libvaccel + upstream plugins        (upstream plugins load in ours)
#   c    OUR libvaccel + our plugins, upstream-built binaries, no rebuild
#   b    upstream libvaccel + OUR plugins        (ours load in upstream's)
# Our cpu and opencl plugins are also loaded into upstream's runtime and must
# serve sgemm.
# usage: tests/compat/cross-load.sh [build-dir]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
CB=$BUILD/conformance
. "$REPO/tests/conformance/upstream-src.sh"
U=$BUILD/upstream-0.8
mkdir -p "$U/gen" "$U/lib" "$U/plugins" "$U/bin" "$U/obj"
RT=$BUILD/runtime
CC=${CC:-cc}

# ---- upstream build (cached: rebuilt only when missing)
if [ ! -f "$U/.built" ]; then
	# the configured public vaccel.h (the rest of the headers stay in place)
	sed 's/@VACCEL_VERSION@/0.8.0/' "$UP/src/include/vaccel.h.in" >"$U/gen/vaccel.h"
	mkdir -p "$U/internal"
	sed 's/@VACCEL_VERSION@/0.8.0/' "$UP/src/vaccel.h.in" >"$U/internal/vaccel.h"
	flags=(-std=gnu11 -O1 -fPIC -w -I "$U/internal" -I "$UP/src" -I "$U/gen" -I "$UP/src/include" -I "$SLOG/src")
	objs=()
	for f in "$UP"/src/*.c "$UP"/src/ops/*.c "$UP"/src/utils/*.c "$SLOG/src/slog.c"; do
		o=$U/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o
		$CC "${flags[@]}" -D_GNU_SOURCE -c "$f" -o "$o"
		objs+=("$o")
	done
	$CC -shared -Wl,-soname,libvaccel.so.0 -o "$U/lib/libvaccel.so.0" "${objs[@]}" -ldl -lpthread -lm
	ln -sf libvaccel.so.0 "$U/lib/libvaccel.so"
	pflags=(-std=gnu11 -O1 -fPIC -w -I "$U/gen" -I "$UP/src/include" -I "$SLOG/src" -L "$U/lib")
	for p in noop exec; do
		$CC "${pflags[@]}" -shared "$UP/plugins/$p/vaccel.c" -o "$U/plugins/libvaccel-$p.so" -lvaccel
	done
	$CC "${pflags[@]}" -shared -I "$UP/examples" "$UP/examples/mytestlib.c" \
		"$UP/examples/common/mydata.c" -o "$U/lib/libmytestlib.so" -lvaccel
	for e in noop classify classify_generic depth depth_generic detect detect_generic \
		pose pose_generic segment segment_generic sgemm sgemm_generic exec \
		exec_generic exec_serialized exec_with_resource; do
		extra=()
		[ "$e" = exec_serialized ] && extra=("$UP/examples/common/mydata.c")
		# As upstream: examples may use its internal utils/fs.h helpers.
		$CC -std=gnu11 -O1 -w -I "$U/internal" -I "$UP/src" -I "$U/gen" -I "$UP/src/include" -I "$SLOG/src" \
			-I "$UP/examples" "$UP/examples/$e.c" "${extra[@]}" -o "$U/bin/$e" \
			-L "$U/lib" -lvaccel -lm
	done
	touch "$U/.built"
fi

IMG=$UP/examples/images/example.jpg
MODEL=$UP/examples/models/torch/cnn_trace.pt
LIB=$U/lib/libmytestlib.so
runs_noop=("noop" "classify $IMG 1" "classify $IMG 1 $MODEL" "classify_generic $IMG 1"
	"depth $IMG 1" "depth_generic $IMG 1" "detect $IMG 1" "detect_generic $IMG 1"
	"pose $IMG 1" "pose_generic $IMG 1" "segment $IMG 1" "segment_generic $IMG 1"
	"sgemm" "sgemm_generic" "exec $LIB 1" "exec_generic $LIB 1" "exec_serialized $LIB 1"
	"exec_with_resource $LIB 1")
runs_exec=("exec $LIB 1" "exec_generic $LIB 1" "exec_serialized $LIB 1" "exec_with_resource $LIB 1")

# run <libdir> <plugin> <cmd...>: prints exit status and the example's own
# output lines (log lines carry timestamps and differ by design).
run() {
	local libdir=$1 plugin=$2
	shift 2
	local out rc=0
	out=$(cd "$U" && LD_LIBRARY_PATH=$libdir VACCEL_PLUGINS=$plugin VACCEL_LOG_LEVEL=1 \
		VACCEL_EXEC_DLCLOSE_ENABLED=1 timeout 60 "$U/bin/$1" "${@:2}" 2>&1) || rc=$?
	echo "rc=$rc"
	grep -v -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}|^[0-9]+\.[0-9]+ - <|\[(ERROR|WARN|INFO|DEBUG)\]' <<<"$out" |
		sed -e "s#$U#U#g" || true
}

# Our runtime directory must hold only our libvaccel for the "ours" runs.
OURS=$U/ours-lib
mkdir -p "$OURS"
ln -sf "$RT/libvaccel.so.0" "$OURS/libvaccel.so.0"

pass=0 fail=0
compare() { # label ref-libdir ref-plugin test-libdir test-plugin cmd
	local label=$1 rl=$2 rp=$3 tl=$4 tp=$5
	shift 5
	local ref got
	ref=$(run "$rl" "$rp" $*)
	got=$(run "$tl" "$tp" $*)
	if [ "$ref" = "$got" ] && grep -q '^rc=0$' <<<"$ref"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "cross-load FAIL [$label] $*"
		diff <(echo "$ref") <(echo "$got") | head -20 || true
	fi
}

for r in "${runs_noop[@]}"; do
	compare a "$U/lib" "$U/plugins/libvaccel-noop.so" "$OURS" "$U/plugins/libvaccel-noop.so" $r
	compare c "$U/lib" "$U/plugins/libvaccel-noop.so" "$OURS" "$RT/libvaccel-noop.so" $r
	compare b "$U/lib" "$U/plugins/libvaccel-noop.so" "$U/lib" "$RT/libvaccel-noop.so" $r
done
for r in "${runs_exec[@]}"; do
	compare a "$U/lib" "$U/plugins/libvaccel-exec.so" "$OURS" "$U/plugins/libvaccel-exec.so" $r
	compare c "$U/lib" "$U/plugins/libvaccel-exec.so" "$OURS" "$RT/libvaccel-exec.so" $r
	# (no "b" for exec: our exec plugin enforces the runtime's exec
	# allow-list (vaccel_exec_path_allowed), which upstream's runtime lacks;
	# it refuses to load there rather than run unrestricted.)
done
# Our accelerator plugins in upstream's runtime: sgemm served (exit 0).
for p in cpu opencl; do
	[ -f "$RT/libvaccel-$p.so" ] || continue
	got=$(run "$U/lib" "$RT/libvaccel-$p.so" sgemm)
	if grep -q '^rc=0$' <<<"$got"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "cross-load FAIL [b] $p plugin in upstream's runtime: $got"; fi
done
echo "cross-load: $pass/$((pass + fail)) runs behave like all-upstream" \
	"(a: upstream plugins in ours, b: our plugins in upstream's, c: upstream-built examples on ours)"
[ $fail -eq 0 ]
