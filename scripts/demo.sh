#!/usr/bin/env bash
# `make demo`, the classic vAccel demo: a guest classifies photos through the unchanged vAccel API while the
# host runs a real network (EfficientNet-Lite0 on libtorch, runtime/plugins/torch). Builds the host side
# (runtime + plugins + host-backend + the model assets), QEMU with -device virtio-accel-pci, the guest image
# (virtio_accel.ko + the guest vAccel runtime with its virtio transport plugin), runs scripts/demo/vaccel_demo.c
# natively on the host, then in the VM (classification, sgemm, exec, minmax through the device; it prints which
# HOST plugin executed each op), and prints both side by side.
#
# The device is served out of process by default, as a careful operator would run it: a sandboxed
# vhost-user-accel daemon (unprivileged, seccomp) holds the host runtime and its plugins, and QEMU only forwards
# the virtqueues (-device vhost-user-accel-pci). VA_DEMO_MODE=inprocess uses -device virtio-accel-pci instead.
#
# Usage: scripts/demo.sh [CMAKE_BUILD_DIR]   (default build)
# Environment: JOBS (default 2), VA_DEMO_TIMEOUT (VM wall-clock limit, default 180 s),
#              VA_DEMO_MODE=vhost-user (default) | inprocess.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath -m "${1:-$ROOT/build}")
JOBS=${JOBS:-2}
OUT=$BUILD/demo
RT=$BUILD/runtime
t0=$(date +%s)
say() { echo "demo: $*"; }
die() { echo "demo: ERROR: $*" >&2; exit 1; }
mkdir -p "$OUT"

say "1/5 packages"
"$ROOT/scripts/install-deps.sh" host qemu guest torch

say "2/5 host side: runtime and plugins in $BUILD"
if [ ! -f "$BUILD/CMakeCache.txt" ] || [ ! -d "$BUILD/runtime/plugins/virtio" ] || [ ! -d "$BUILD/runtime/plugins/torch" ]; then
  cmake -S "$ROOT" -B "$BUILD" >"$OUT/cmake.log" 2>&1 || { tail -20 "$OUT/cmake.log"; die "cmake configure"; }
fi
cmake --build "$BUILD" -j"$JOBS" --target vaccel vaccel-cpu vaccel-noop vaccel-exec vaccel-virtio vaccel-torch va-models mytestlib \
  >"$OUT/build.log" 2>&1 || { grep -E 'error' "$OUT/build.log" | head; die "host build (log: $OUT/build.log)"; }

say "3/5 QEMU with virtio-accel-pci (scripts/build-qemu.sh)"
"$ROOT/scripts/build-qemu.sh" "$BUILD" >"$OUT/qemu-build.log" 2>&1 || { tail -20 "$OUT/qemu-build.log"; die "QEMU build"; }
QEMU=$BUILD/qemu/build/qemu-system-x86_64

say "4/5 guest image: virtio_accel.ko, libvaccel + libvaccel-virtio.so, the demo program"
DEMO=$OUT/vaccel_demo
# Built like any vAccel application: pkg-config vaccel (this build's vaccel.pc).
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$DEMO" "$ROOT/scripts/demo/vaccel_demo.c" \
  $(PKG_CONFIG_PATH=$RT pkg-config --cflags --libs vaccel) -ldl -lm || die "demo program build"
LIB=$RT/libmytestlib.so
M=$BUILD/models
MODEL=$M/efficientnet_lite0.pt
IMGS=("$M/images/banana.jpg" "$M/images/chelsea.png" "$M/images/coffee.png")
export VACCEL_TORCH_LABELS=$M/imagenet_labels.txt
adds=()
for f in "$RT/libvaccel.so.0" "$RT/libvaccel-virtio.so" "$LIB" "$DEMO" "$MODEL" "${IMGS[@]}"; do adds+=(--add "$f:$f"); done
# Guest kernel: Debian 12's unless VA_GUEST_KERNEL names another (scripts/guest/kernel-abi.sh).
"$ROOT/scripts/build-guest-image.sh" --out "$OUT" --name demo.cpio.gz --script "$ROOT/scripts/demo/guest.sh" \
  "${adds[@]}" >"$OUT/image.log" 2>&1 || { cat "$OUT/image.log"; die "guest image"; }

HOST_PLUGINS=$RT/libvaccel-torch.so:$RT/libvaccel-exec.so:$RT/libvaccel-cpu.so:$RT/libvaccel-noop.so
say "5/5 the same program natively on the host, then in the VM (host plugins: torch, exec, cpu, noop)"
VACCEL_PLUGINS=$HOST_PLUGINS LD_LIBRARY_PATH=$RT "$DEMO" "$LIB" 256 "$MODEL" "${IMGS[@]}" >"$OUT/host.txt" 2>&1 \
  || { cat "$OUT/host.txt"; die "the demo program failed natively on the host"; }
MODE=${VA_DEMO_MODE:-vhost-user}
mem=()
if [ "$MODE" = vhost-user ]; then
  # One daemon for this VM; it exits by itself when QEMU disconnects.
  DAEMON=$BUILD/vhost-user-accel/vhost-user-accel
  [ -x "$DAEMON" ] || die "no $DAEMON (scripts/build-qemu.sh builds it)"
  rm -f "$OUT/vua.sock"
  "$DAEMON" --socket-path "$OUT/vua.sock" --plugins "$HOST_PLUGINS" --exec-allowlist "$LIB" >"$OUT/daemon.log" 2>&1 &
  DPID=$!
  for _ in $(seq 100); do [ -S "$OUT/vua.sock" ] && break; sleep 0.1; done
  [ -S "$OUT/vua.sock" ] || die "the vhost-user-accel daemon did not start: $(tail -3 "$OUT/daemon.log")"
  say "   device served out of process: vhost-user-accel (pid $DPID, sandboxed), QEMU -device vhost-user-accel-pci"
  DEV=(-chardev "socket,id=vua,path=$OUT/vua.sock,reconnect=1" -device vhost-user-accel-pci,chardev=vua)
  mem=(--shared-mem)
else
  DEV=(-device "virtio-accel-pci,plugins=$HOST_PLUGINS,exec-allowlist=$LIB")
  say "   device served inside QEMU: -device virtio-accel-pci"
fi
set +e
"$ROOT/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$OUT/vmlinuz" --initrd "$OUT/demo.cpio.gz" --mem 512 "${mem[@]}" \
  --timeout "${VA_DEMO_TIMEOUT:-240}" --log "$OUT/vm.log" --append "va.rt=$RT va.demo=$DEMO va.lib=$LIB va.model=$MODEL va.images=$(IFS=,; echo "${IMGS[*]}")" \
  -- "${DEV[@]}" >"$OUT/vm.console" 2>&1
rc=$?
if [ "$MODE" = vhost-user ]; then
  for _ in $(seq 50); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
  kill "$DPID" 2>/dev/null && say "   the daemon was still running after QEMU exited; stopped it"
  wait "$DPID" 2>/dev/null
  grep -a -i 'error\|seccomp' "$OUT/daemon.log" | head -5
fi
set -e
head -n1 "$OUT/vm.console"
# The guest's own output (kernel messages and ROW lines filtered out).
tr -d '\r' <"$OUT/vm.log" | grep -avE '^\[ *[0-9]+\.[0-9]+\]|^ROW\|' | sed 's/^/  | /'
tail -n1 "$OUT/vm.console"
# Side by side: each op in the guest (through the device) and natively on the host.
echo
python3 - "$OUT/host.txt" "$OUT/vm.log" <<'PY'
import sys
def rows(path):
    out = {}
    for line in open(path, errors='replace'):
        line = line.strip().replace('\r', '')
        if line.startswith('ROW|'):
            _, op, res, ms, who = line.split('|', 4)
            out[op] = (res, ms, who)
    return out
host, guest = rows(sys.argv[1]), rows(sys.argv[2])
fmt = '%-26s %-34s %-24s %-22s %s'
print(fmt % ('operation', 'result in the guest', 'guest via device', 'host native', 'device/host'))
for op, (res, ms, who) in guest.items():
    h = host.get(op, ('', '-', ''))
    t = lambda ms, who: (who if ms == '-' else '%s ms %s' % (('%.1f' % float(ms)) if float(ms) >= 10 else '%.2f' % float(ms), who))
    ratio = '%.2fx' % (float(ms) / float(h[1])) if ms != '-' and h[1] not in ('-', '') else ''
    print(fmt % (op, res, t(ms, who), t(h[1], h[2]) if h[1] else '', ratio))
PY
say "done in $(( $(date +%s) - t0 )) s"
exit $rc
