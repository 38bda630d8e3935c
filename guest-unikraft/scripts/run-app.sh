#!/usr/bin/env bash
# Runs a Unikraft image with -device virtio-accel-device on microvm's virtio-mmio and gives a console verdict.
#
# Usage: guest-unikraft/scripts/run-app.sh [options] IMAGE [-- APP ARGS...]
#   --qemu PATH        QEMU with our device (default: <repo>/build/qemu/bin/qemu-system-x86_64)
#   --device PROPS     extra virtio-accel-device properties, e.g. plugins=/path/libvaccel-cpu.so
#   --mem MIB          guest memory (default 32)
#   --pass REGEX       console line that means success (default '^VA-VERDICT PASS')
#   --fail REGEX       console line that means failure (default '^VA-VERDICT FAIL')
#   --timeout S        give up after S seconds (default 120)
# Exit status 0 on the pass line, 1 on the fail line or timeout. The console goes to stdout.
# TCG unless VA_KVM=1 (KVM here cannot boot Unikraft; use it where KVM works).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
qemu=$repo/build/qemu/bin/qemu-system-x86_64
dev="" mem=32 pass='^VA-VERDICT PASS' fail='^VA-VERDICT FAIL' timeout=120
while [ $# -gt 0 ]; do
  case $1 in
    --qemu) qemu=$2; shift 2 ;;
    --device) dev=,$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --pass) pass=$2; shift 2 ;;
    --fail) fail=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --) break ;;
    -*) echo "run-app: unknown option $1" >&2; exit 2 ;;
    *) [ -z "${image:-}" ] || break; image=$1; shift ;;
  esac
done
[ -n "${image:-}" ] || { sed -n '2,13p' "$0"; exit 2; }
[ "${1:-}" = -- ] && shift
accel=(-accel tcg)
[ "${VA_KVM:-0}" = 1 ] && accel=(-accel kvm -cpu host)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# SeaBIOS: microvm's default qboot does not start multiboot images. ioapic2=off keeps the virtio-mmio IRQs
# below 16; the first transport (0xfeb00000, IRQ 5) is the one named on the command line.
"$qemu" -M microvm,ioapic2=off -bios /usr/share/seabios/bios.bin "${accel[@]}" -m "$mem" \
  -nodefaults -no-user-config -display none -serial stdio -no-reboot \
  -global virtio-mmio.force-legacy=false -device "virtio-accel-device,bus=virtio-mmio-bus.0$dev" \
  -kernel "$image" -append "virtio_mmio.device=512@0xfeb00000:5${*:+ -- $*}" >"$log" 2>&1 &
pid=$!
verdict=1
for _ in $(seq $((timeout * 10))); do
  if grep -qE "$pass" "$log"; then verdict=0; break; fi
  if grep -qE "$fail" "$log" || ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
cat "$log"
[ $verdict = 0 ] && echo "run-app: PASS" || echo "run-app: FAIL"
exit $verdict
