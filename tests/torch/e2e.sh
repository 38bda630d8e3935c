#!/usr/bin/env bash
# Real inference from a guest: the host's torch plugin (EfficientNet-Lite0 on libtorch) serves a guest's
# classification, model run and bad input through the virtio-accel device, and the results must equal the same
# program run natively on the host: same top-5 labels, probabilities within 1e-5, bit-identical model-run
# output. Upstream vAccel's examples/classify.c, compiled unchanged, must print the right label in the guest.
# Also prints the latency table to CMAKE_BUILD_DIR/torch-e2e/bench.md: per image, ITERS rounds (after 3 warm-up
# calls on each side) of one device call from the guest and one host-native call, taking turns so that both see
# the same load (the guest asks the host-native process for its call over a virtio-serial port); medians of the
# device time, the host-native time, and of the device time split into the host's own time of the op (engine,
# from the device's RUN response) and the rest (transport). Both sides use the same libtorch thread settings
# (inherited environment; the plugin logs them per thread: native.log, host-runtime.log).
#
# Usage: tests/torch/e2e.sh [CMAKE_BUILD_DIR]   (default: $VA_BUILD_DIR, else build)
# Environment: VA_TORCH_ITERS (default 20), VA_E2E_TIMEOUT (default 300 s), JOBS (default 2),
#              VA_TORCH_DEVICE_PROPS (extra -device virtio-accel-pci properties, e.g. num-workers=1).
# Last line: "N passed, N failed"; exit status 0 only if nothing failed.
# libtorch is NOT in the guest image (hundreds of MB): guest-native classification is out of scope.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(realpath -m "${1:-${VA_BUILD_DIR:-$ROOT/build}}")
JOBS=${JOBS:-2}
ITERS=${VA_TORCH_ITERS:-20}
OUT=$BUILD/torch-e2e
RT=$BUILD/runtime
M=$BUILD/models
t0=$(date +%s)
mkdir -p "$OUT"
say() { echo "torch-e2e: $*" >&2; }
die() { say "ERROR: $*"; echo "0 passed, 1 failed"; exit 1; }

# ---- host side ------------------------------------------------------------------------------------------------
"$ROOT/scripts/install-deps.sh" host qemu guest torch >&2 || die "install-deps failed"
if [ ! -f "$BUILD/CMakeCache.txt" ] || [ ! -d "$BUILD/runtime/plugins/torch" ]; then
  cmake -S "$ROOT" -B "$BUILD" >"$OUT/cmake.log" 2>&1 || { tail -20 "$OUT/cmake.log" >&2; die "cmake configure"; }
fi
cmake --build "$BUILD" -j"$JOBS" --target vaccel vaccel-virtio vaccel-torch va-models >"$OUT/build.log" 2>&1 \
  || { grep -E 'error' "$OUT/build.log" | head -20 >&2; die "host build"; }
QEMU_WRAPPER=$("$ROOT/scripts/build-qemu.sh" "$BUILD" | tail -n1) || die "scripts/build-qemu.sh failed"
QEMU=$BUILD/qemu/build/qemu-system-x86_64
[ -x "$QEMU" ] || QEMU=$QEMU_WRAPPER

# ---- programs: ours, and upstream's classify.c unchanged (from the pinned vAccel tarball) --------------------------
PC="$(PKG_CONFIG_PATH=$RT pkg-config --cflags --libs vaccel)"
# shellcheck disable=SC2086
cc -O2 -Wall -Wextra -o "$OUT/torch_guest" "$ROOT/tests/torch/guest/torch_guest.c" $PC -ldl \
  || die "torch_guest build"
TAR=$ROOT/../shared/third_party/vaccel-ebc23b1.tar.gz
[ -f "$TAR" ] || TAR=$(ls /var/cache/virtio-accel/models/vaccel-ebc23b1.tar.gz 2>/dev/null) || die "no vAccel tarball"
tar -xzf "$TAR" -C "$OUT" --wildcards '*/examples/classify.c' || die "upstream classify.c"
# shellcheck disable=SC2086
cc -O2 -I"$ROOT/tests/torch/upstream-shim" -o "$OUT/classify" "$OUT"/vaccel-*/examples/classify.c $PC \
  || die "upstream classify.c does not build against our API"

# ---- host-native reference: the same program with the torch plugin loaded locally ------------------------------
export VACCEL_TORCH_LABELS=$M/imagenet_labels.txt
IMGS=("$M/images/banana.jpg" "$M/images/chelsea.png" "$M/images/coffee.png")
VACCEL_PLUGINS=$RT/libvaccel-torch.so "$OUT/torch_guest" classify "$M/efficientnet_lite0.pt" 0 "${IMGS[@]}" \
  >"$OUT/native.txt" || die "host-native classification failed: $(cat "$OUT/native.txt")"
VACCEL_PLUGINS=$RT/libvaccel-torch.so "$OUT/torch_guest" run "$M/efficientnet_lite0.pt" >>"$OUT/native.txt" \
  || die "host-native model run failed"

# The host-native side of the interleaved benchmark: a process the guest asks for one native call at a time.
SOCK=$OUT/native.sock
rm -f "$SOCK"
VACCEL_LOG_LEVEL=3 VACCEL_PLUGINS=$RT/libvaccel-torch.so \
  "$OUT/torch_guest" serve "$SOCK" "$M/efficientnet_lite0.pt" "${IMGS[@]}" >"$OUT/native.log" 2>&1 &
SERVE_PID=$!
trap 'kill $SERVE_PID 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q '^ready' "$OUT/native.log" && break; sleep 0.1; done
grep -q '^ready' "$OUT/native.log" || die "host-native benchmark side did not start: $(cat "$OUT/native.log")"

# ---- guest image and VM -------------------------------------------------------------------------------------------
adds=()
for f in "$RT/libvaccel.so.0" "$RT/libvaccel-virtio.so" "$OUT/torch_guest" "$OUT/classify" \
         "$M/efficientnet_lite0.pt" "${IMGS[@]}"; do
  adds+=(--add "$f:$f")
done
# Guest kernel: Debian 12's unless VA_GUEST_KERNEL names another (scripts/guest/kernel-abi.sh).
"$ROOT/scripts/build-guest-image.sh" --out "$OUT" --name torch.cpio.gz --script "$ROOT/tests/torch/guest/run-guest.sh" \
  --kmod kernel/drivers/char/virtio_console.ko "${adds[@]}" >"$OUT/image.log" 2>&1 ||
  { cat "$OUT/image.log" >&2; die "guest image"; }
say "built in $(( $(date +%s) - t0 )) s; booting the guest"
# The host preloads the classifier too (VACCEL_TORCH_MODEL) for apps that register none.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# The host runtime's info lines (the torch plugin's threads) go to a file: on QEMU's stderr they could
# interleave with the guest's serial console, which run-vm.sh reads the verdict from.
rm -f "$OUT/host-runtime.log"
VACCEL_LOG_LEVEL=3 VACCEL_LOG_FILE=$OUT/host-runtime.log VACCEL_TORCH_MODEL=$M/efficientnet_lite0.pt \
"$ROOT/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$OUT/vmlinuz" --initrd "$OUT/torch.cpio.gz" --smp 2 --mem 1024 \
  --timeout "${VA_E2E_TIMEOUT:-300}" --log "$OUT/vm.log" \
  --append "va.rt=$RT va.bin=$OUT va.models=$M va.iters=$ITERS" \
  -- -device "virtio-accel-pci,plugins=$RT/libvaccel-torch.so${VA_TORCH_DEVICE_PROPS:+,$VA_TORCH_DEVICE_PROPS}" \
  -chardev "socket,id=native,path=$SOCK" -device virtio-serial-pci -device virtserialport,chardev=native,name=native \
  >"$OUT/vm.console" 2>&1
vm_rc=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq 50); do kill -0 $SERVE_PID 2>/dev/null || break; sleep 0.1; done
kill $SERVE_PID 2>/dev/null
tr -d '\r' <"$OUT/vm.log" | grep -avE '^\[ *[0-9]+\.[0-9]+\]' >"$OUT/guest.txt"

# ---- compare guest with host ---------------------------------------------------------------------------------------
results=$(grep -aE '^E2E (PASS|FAIL|SKIP) ' "$OUT/guest.txt")
cmp_lines=$(python3 - "$OUT/native.txt" "$OUT/guest.txt" <<'PY'
import sys
def parse(path):
    cls, run = {}, None
    for line in open(path, errors='replace'):
        p = line.rstrip('\n').split(' ', 2)
        if p[0] == 'BENCH' and len(p) == 3 and 'ERROR' not in p[2]:
            bench[p[1]] = {k: float(v) for k, v in (e.split('=') for e in p[2].split())}
        if p[0] == 'CLASSIFY' and len(p) == 3:
            f = p[2].split('|')
            if len(f) == 4:
                top = [(e.rsplit(':', 1)[0], float(e.rsplit(':', 1)[1])) for e in f[1].split(';')]
                cls[p[1]] = dict(label=f[0], top=top, us=float(f[2]), who=f[3])
        elif p[0] == 'RUN':
            run = line.split()[1:]
    return cls, run
bench = {}
(nc, nr), (gc, gr) = parse(sys.argv[1]), parse(sys.argv[2])
want = {'banana.jpg': 'banana', 'chelsea.png': 'Egyptian cat', 'coffee.png': 'espresso'}
rows = []
for img, label in want.items():
    n, g = nc.get(img), gc.get(img)
    ok = bool(n and g and n['label'] == label and g['label'] == label
              and [t[0] for t in n['top']] == [t[0] for t in g['top']]
              and all(abs(a[1] - b[1]) <= 1e-5 for a, b in zip(n['top'], g['top']))
              and g['who'] == 'host:torch')
    why = '' if ok else ': host %s / guest %s' % (n, g)
    print('E2E %s torch.device_equals_host.%s%s' % ('PASS' if ok else 'FAIL', img, why))
    b = bench.get(img)
    print('E2E %s torch.bench_interleaved.%s' % ('PASS' if b else 'FAIL', img))
    if g and b:
        rows.append('| %s | %s | %.4f | %.1f | %.1f | **%.3f** | %.1f | %.2f |' % (
            img, g['label'], g['top'][0][1], b['native'] / 1e3, b['device'] / 1e3, b['device'] / b['native'],
            b['engine'] / 1e3, b['transport'] / 1e3))
ok = nr is not None and gr is not None and nr == gr and nr[0] != 'ERROR'
print('E2E %s torch.model_run_bit_identical%s' % ('PASS' if ok else 'FAIL', '' if ok else ': host %s / guest %s' % (nr, gr)))
with open(sys.argv[2].replace('guest.txt', 'bench.md'), 'w') as f:
    f.write('| image | top-1 | p | host-native ms | device ms | device/host | engine ms (host, device path) '
            '| transport ms |\n|---|---|---|---|---|---|---|---|\n')
    f.write('\n'.join(rows) + '\n')
PY
)
results=$(printf '%s\n%s\n' "$results" "$cmp_lines" | grep -aE '^E2E ')
echo "$results" | grep -aE '^E2E (FAIL|SKIP)' >&2
grep -a '^CLASSIFY\|^RUN' "$OUT/native.txt" | sed 's/^/  host : /' >&2
grep -a '^CLASSIFY\|^RUN' "$OUT/guest.txt" | sed 's/^/  guest: /' >&2
threads_native=$(grep -ao 'libtorch intra-op threads.*' "$OUT/native.log" | sort -u | head -3 | paste -sd'|')
threads_device=$(grep -ao 'libtorch intra-op threads.*' "$OUT/host-runtime.log" | sort -u | head -3 | paste -sd'|')
{ echo "Classification latency, medians of $ITERS interleaved rounds (device call, host-native call) after 3 warm-up"
  echo "calls each ($(grep -ao 'accel [a-z]*' "$OUT/vm.console" | head -1 | sed 's/accel //'), 2 vCPUs, $(nproc) host cores, load before/after: $load_before / $load_after)."
  echo "libtorch per op thread: host-native: ${threads_native:-?}; device: ${threads_device:-?}"
  echo
  cat "$OUT/bench.md"; } >"$OUT/bench.txt"
cat "$OUT/bench.txt" >&2
passed=$(echo "$results" | grep -ac '^E2E PASS')
failed=$(echo "$results" | grep -ac '^E2E FAIL')
[ $vm_rc -eq 0 ] || { say "VM: $(tail -n1 "$OUT/vm.console")"; failed=$((failed + 1)); }
say "logs in $OUT; $(( $(date +%s) - t0 )) s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
