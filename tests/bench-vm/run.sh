#!/usr/bin/env bash
# `make bench-vm`: boots ONE guest and measures, interleaved in that boot, the device's round trip (libvaccel and a
# raw ioctl), a 64-byte TCP echo over virtio-net to a host server on 127.0.0.1, a 64-byte virtio-serial echo,
# bandwidth 4 KiB-64 MiB through the device (outputs verified; huge-page, 4 KiB-page and arena buffers, the last
# from the plugin's vaccel_virtio_alloc) against an in-guest memcpy, and 1/2/4/8 threads.
# Prints a markdown table and writes charts (tests/bench-vm/report.py).
#
# Usage: tests/bench-vm/run.sh [CMAKE_BUILD_DIR]      (default: build)
# Environment: BENCH_VM_ARGS (extra bench_vm options, e.g. "--rounds 10 --batch 50"), VA_BENCH_TIMEOUT (default 600 s),
#              JOBS (default 2).
# Outputs in CMAKE_BUILD_DIR/bench-vm: bench-vm.md, latency-cdf.png, bandwidth.png, the serial log and raw data.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(realpath -m "${1:-build}")
JOBS=${JOBS:-2}
OUT=$BUILD/bench-vm
BIN=$BUILD/bench-vm-bin
RT=$BUILD/runtime
mkdir -p "$OUT"

say() { echo "bench-vm: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ---- host side ----------------------------------------------------------------------------------------------------
"$ROOT/scripts/install-deps.sh" host qemu guest bench >&2 || die "install-deps failed"
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" >"$OUT/cmake.log" 2>&1 || die "cmake configure"
cmake --build "$BUILD" -j"$JOBS" --target vaccel vaccel-virtio vaccel-noop vaccel-cpu >"$OUT/build.log" 2>&1 ||
  { grep -E 'error' "$OUT/build.log" | head -20 >&2; die "host build"; }
"$ROOT/scripts/build-qemu.sh" "$BUILD" >"$OUT/qemu-build.log" 2>&1 || { tail -5 "$OUT/qemu-build.log" >&2; die "QEMU build"; }
QEMU=$BUILD/qemu/build/qemu-system-x86_64
cmake -S "$ROOT/tests/bench-vm" -B "$BIN" -DVACCEL_BUILD_DIR="$RT" -DCMAKE_BUILD_TYPE=Release >"$OUT/bin-cmake.log" 2>&1 ||
  die "bench programs configure"
cmake --build "$BIN" -j"$JOBS" >"$OUT/bin-build.log" 2>&1 || { grep error "$OUT/bin-build.log" >&2; die "bench programs build"; }

# ---- guest image: the transport plugin, the guest's noop plugin (native reference), bench_vm; virtio-net and
#      virtio-serial drivers --------------------------------------------------------------------------------------------
adds=()
for f in "$RT"/libvaccel.so.0 "$RT"/libvaccel-{virtio,noop}.so "$BIN/bench_vm" "$BIN/libstub_node.so"; do
  [ -e "$f" ] || die "missing $f"
  adds+=(--add "$f:$f")
done
"$ROOT/scripts/build-guest-image.sh" --out "$OUT" --name bench.cpio.gz --script "$ROOT/tests/bench-vm/guest/run-guest.sh" \
  --kmod kernel/drivers/net/virtio_net.ko --kmod kernel/drivers/char/virtio_console.ko \
  "${adds[@]}" >"$OUT/image.log" 2>&1 || { cat "$OUT/image.log" >&2; die "guest image"; }

# ---- the host echo server (loopback only) ---------------------------------------------------------------------------
SOCK=$OUT/echo.sock
"$BIN/echo_server" 0 "$SOCK" >"$OUT/echo.log" 2>&1 &
ECHO_PID=$!
trap 'kill $ECHO_PID 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q ready "$OUT/echo.log" && break; sleep 0.1; done
PORT=$(sed -n 's/.*ready port=\([0-9]*\).*/\1/p' "$OUT/echo.log")
[ -n "$PORT" ] || die "echo server did not start: $(cat "$OUT/echo.log")"

# ---- one boot ---------------------------------------------------------------------------------------------------------
HOST_PLUGINS=$RT/libvaccel-cpu.so:$RT/libvaccel-noop.so
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)
say "booting (echo server on 127.0.0.1:$PORT, guest reaches it as 10.0.2.2:$PORT)"
# slirp's 10.0.2.2 is the host's loopback: the guest's TCP traffic never leaves this machine.
"$ROOT/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$OUT/vmlinuz" --initrd "$OUT/bench.cpio.gz" \
  --smp 2 --mem 1536 --timeout "${VA_BENCH_TIMEOUT:-600}" --log "$OUT/bench.log" \
  --append "va.rt=$RT va.bin=$BIN va.tcp=10.0.2.2:$PORT va.args=$(echo "${BENCH_VM_ARGS:-}" | tr ' ' ',')" -- \
  -device "virtio-accel-pci,plugins=$HOST_PLUGINS" \
  -netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile= \
  -chardev "socket,id=echo,path=$SOCK" -device virtio-serial-pci -device virtserialport,chardev=echo,name=echo \
  >"$OUT/bench.console" 2>&1
vm_rc=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
say "VM ran $(( $(date +%s) - t0 )) s: $(tail -n1 "$OUT/bench.console")"
grep -aq '^BV DONE' "$OUT/bench.log" || die "the guest benchmark did not finish (log: $OUT/bench.log)"

tr -d '\r' <"$OUT/bench.log" | grep -a '^BV ' >"$OUT/raw.txt"
accel=$(grep -ao 'accel [a-z]*' "$OUT/bench.console" | head -1 | sed 's/accel //')
/usr/bin/python3 "$ROOT/tests/bench-vm/report.py" --raw "$OUT/raw.txt" --out "$OUT" \
  --context "accel ${accel:-?}, 2 vCPUs, $(nproc) host cores, host load (1/5/15 min) before: $load_before, after: $load_after" ||
  die "report failed"
[ $vm_rc -eq 0 ] || die "the guest reported errors (see BV ERR lines in $OUT/raw.txt)"
