#!/bin/bash
# An existing vAccel installation gains our device by adding one plugin (issue 10, direction b in a guest):
# a TCG guest runs UPSTREAM's libvaccel.so.0 and upstream-built examples (tests/compat/cross-load.sh builds
# them) with only OUR virtio transport plugin, through -device virtio-accel-pci, whose host side runs our
# runtime with the exec, cpu and noop plugins. Each example must print exactly what the same upstream-built
# binary prints natively on the host on our runtime with those plugins. The same guest also runs the
# bootstrap race (tests/runtime/bootstrap_race on OUR libvaccel, only the virtio plugin): 20 fresh processes whose
# 4 threads make their first vAccel call at once.
# usage: tests/compat/guest-upstream.sh [build-dir]     (after tests/compat/cross-load.sh)
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
CB=$BUILD/conformance
U=$BUILD/upstream-0.8
RT=$BUILD/runtime
OUT=$BUILD/compat-guest
mkdir -p "$OUT"
say() { echo "compat-guest: $*" >&2; }
die() { say "ERROR: $*"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$U/.built" ] || die "no upstream build in $U (run tests/compat/cross-load.sh first)"
. "$REPO/tests/conformance/upstream-src.sh"
UP=$(get_src vaccel)

"$REPO/scripts/build-qemu.sh" "$BUILD" >"$OUT/qemu-build.log" 2>&1 || die "QEMU build (log: $OUT/qemu-build.log)"
QEMU=$BUILD/qemu/build/qemu-system-x86_64

IMG=$UP/examples/images/example.jpg
LIB=$U/lib/libmytestlib.so
HOST_PLUGINS=$RT/libvaccel-exec.so:$RT/libvaccel-cpu.so:$RT/libvaccel-noop.so
RUNS=("noop" "sgemm" "sgemm_generic" "exec $LIB 1" "exec_generic $LIB 1" "classify $IMG 1" "classify_generic $IMG 1")

# The examples' own output lines (log lines carry timestamps), as cross-load.sh compares them.
filter() { tr -d '\r' | grep -av -E '^[0-9]{4}[.-][0-9]{2}[.-][0-9]{2}|^[0-9]+\.[0-9]+ - <|\[(ERROR|WARN|INFO|DEBUG)\]|^\[ *[0-9]+\.[0-9]+\]' || true; }

# ---- the reference: the upstream-built binaries on the host, on OUR runtime with the device's plugins
OURS=$U/ours-lib
mkdir -p "$OURS" && ln -sf "$RT/libvaccel.so.0" "$OURS/libvaccel.so.0"
for i in "${!RUNS[@]}"; do
  read -ra cmd <<<"${RUNS[$i]}"
  (cd "$U" && LD_LIBRARY_PATH=$OURS VACCEL_PLUGINS=$HOST_PLUGINS VACCEL_EXEC_ALLOWLIST=$LIB VACCEL_LOG_LEVEL=1 \
    timeout 60 "$U/bin/${cmd[0]}" "${cmd[@]:1}" >"$OUT/host.raw" 2>&1; echo "rc=$?" >>"$OUT/host.raw")
  filter <"$OUT/host.raw" >"$OUT/host.$i"
done

# ---- the guest: upstream's libvaccel + our virtio plugin, nothing else of ours
adds=()
RACE=$BUILD/tests/runtime/bootstrap_race
[ -x "$RACE" ] || die "no $RACE (cmake --build $BUILD --target bootstrap_race)"
for f in "$U/lib/libvaccel.so.0" "$LIB" "$RT/libvaccel-virtio.so" "$IMG" "$U"/bin/{noop,sgemm,sgemm_generic,exec,exec_generic,classify,classify_generic} \
         "$RACE" "$RT/libvaccel.so.0"; do
  adds+=(--add "$f:$f")
done
"$REPO/scripts/build-guest-image.sh" --out "$OUT" --name upstream.cpio.gz --script "$REPO/tests/compat/guest/run-guest.sh" \
  "${adds[@]}" >"$OUT/image.log" 2>&1 || { cat "$OUT/image.log" >&2; die "guest image"; }
runs=$(printf '%s;' "${RUNS[@]}" | tr ' ' ',')
"$REPO/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$OUT/vmlinuz" --initrd "$OUT/upstream.cpio.gz" --mem 512 \
  --timeout "${VA_COMPAT_TIMEOUT:-240}" --log "$OUT/vm.log" \
  --append "va.u=$U va.plugin=$RT/libvaccel-virtio.so va.runs=$runs va.race=$RACE" -- \
  -device "virtio-accel-pci,plugins=$HOST_PLUGINS,exec-allowlist=$LIB" >"$OUT/vm.console" 2>&1
vm_rc=$?

pass=0 fail=0
for i in "${!RUNS[@]}"; do
  tr -d '\r' <"$OUT/vm.log" | sed -n "/^UPSTREAM-RUN-BEGIN $i\$/,/^UPSTREAM-RUN-END $i\$/p" | sed '1d;$d' | filter >"$OUT/guest.$i"
  # Compared as sorted lines: what an exec'd library prints comes from where it runs, the host (in the
  # guest's run it reaches the serial log from QEMU's side, ahead of the example's buffered output).
  if [ -s "$OUT/guest.$i" ] && grep -q '^rc=0$' "$OUT/guest.$i" && cmp -s <(sort "$OUT/host.$i") <(sort "$OUT/guest.$i"); then
    pass=$((pass + 1)); echo "PASS: upstream-built '${RUNS[$i]}' on upstream's libvaccel + our virtio plugin in a guest"
  else
    fail=$((fail + 1)); echo "FAIL: upstream-built '${RUNS[$i]}' in a guest differs from the host run:"
    diff "$OUT/host.$i" "$OUT/guest.$i" | head -10
  fi
done
race=$(tr -d '\r' <"$OUT/vm.log" | sed -n 's/^BOOTSTRAP-RACE //p')
if [ "$race" = 20/20 ]; then pass=$((pass + 1)); echo "PASS: bootstrap race in a guest: 20/20 processes with 4 simultaneous first calls"
else fail=$((fail + 1)); echo "FAIL: bootstrap race in a guest: ${race:-no result}"; fi
[ $vm_rc -eq 0 ] || { fail=$((fail + 1)); echo "FAIL: the guest did not pass: $(tail -n1 "$OUT/vm.console")"; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
