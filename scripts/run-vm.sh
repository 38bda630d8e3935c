#!/usr/bin/env bash
# Boots a test VM with a guest image from scripts/build-guest-image.sh and turns its verdict into PASS/FAIL.
#
# Usage: scripts/run-vm.sh [options] [-- extra QEMU args, e.g. -device virtio-accel-pci,...]
#   --qemu BIN        QEMU binary (default build/qemu/build/qemu-system-x86_64, the output of scripts/build-qemu.sh)
#   --kernel FILE     guest kernel (default build/guest/vmlinuz)
#   --initrd FILE     initramfs (default build/guest/initramfs.cpio.gz)
#   --append STR      extra kernel command line
#   --accel MODE      auto (default: KVM if a probe boot works within 20 s, else TCG), kvm or tcg
#   --smp N --mem MB  guest size (default 2 CPUs, 512 MB)
#   --shared-mem      guest RAM in a shared memfd (memory-backend-memfd,share=on): what a vhost-user
#                     device backend such as vhost-user-accel needs to map it
#   --timeout S       wall-clock limit (default 300)
#   --log FILE        serial log (default build/guest/vm.log)
# Exit status: 0 when QEMU exited 33 (isa-debug-exit 0x10) AND the serial log has "VA-GUEST-VERDICT: PASS";
# 1 otherwise (FAIL, timeout or crash). The last line printed is "run-vm: PASS|FAIL (...)".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QEMU=${QEMU:-$ROOT/build/qemu/build/qemu-system-x86_64}
KERNEL=$ROOT/build/guest/vmlinuz
INITRD=$ROOT/build/guest/initramfs.cpio.gz
APPEND=
ACCEL=auto
SMP=2
MEM=512
TIMEOUT=300
LOG=$ROOT/build/guest/vm.log
SHARED_MEM=0
EXTRA=()

while [ $# -gt 0 ]; do
  case $1 in
    --qemu) QEMU=$2; shift 2 ;;
    --kernel) KERNEL=$2; shift 2 ;;
    --initrd) INITRD=$2; shift 2 ;;
    --append) APPEND=$2; shift 2 ;;
    --accel) ACCEL=$2; shift 2 ;;
    --smp) SMP=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --shared-mem) SHARED_MEM=1; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --log) LOG=$2; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run-vm: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

for f in "$QEMU" "$KERNEL" "$INITRD"; do
  [ -e "$f" ] || { echo "run-vm: missing $f" >&2; echo "run-vm: FAIL (setup)"; exit 1; }
done
mkdir -p "$(dirname "$LOG")"

BASE=(-nodefaults -display none -no-reboot -m "$MEM" -smp "$SMP"
      -L /usr/share/seabios -L /usr/share/qemu
      -device isa-debug-exit,iobase=0xf4,iosize=0x04
      -kernel "$KERNEL" -initrd "$INITRD")
[ "$SHARED_MEM" = 1 ] &&
  BASE+=(-object "memory-backend-memfd,id=va-mem,size=${MEM}M,share=on" -numa node,memdev=va-mem)
CMDLINE="console=ttyS0 panic=-1 quiet loglevel=4 $APPEND"

# KVM works only if a real boot gets through: on a host that is itself a guest with the nested "PVM" flavour of
# KVM (kvm_pvm), /dev/kvm opens but a stock Debian kernel aborts (-cpu host/max) or hangs after "Probing EDD".
# The probe boots the same image with va.probe=1 (init stops right after loading modules) and its result is cached
# per QEMU binary, kernel and host kernel.
probe_kvm() {
  [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
  local key cache
  key=$(printf '%s\n' "$(uname -r)" "$(stat -c %s:%Y "$QEMU")" "$(stat -c %s "$KERNEL")" | md5sum | cut -c1-12)
  cache=$ROOT/build/guest/.kvm-probe-$key
  if [ -f "$cache" ]; then [ "$(cat "$cache")" = kvm ]; return; fi
  local rc
  # In a command substitution with stderr closed, so bash's "Aborted" job message stays quiet too.
  rc=$(exec 2>/dev/null; timeout 20 "$QEMU" "${BASE[@]}" -accel kvm -cpu host -serial null \
    -append "console=ttyS0 panic=-1 quiet va.probe=1" </dev/null >/dev/null; echo $?)
  if [ $rc -eq 33 ]; then echo kvm > "$cache"; return 0; fi
  echo tcg > "$cache"; return 1
}

case $ACCEL in
  kvm) ACC=(-accel kvm -cpu host) ;;
  tcg) ACC=(-accel tcg) ;;  # default qemu64 CPU: boots faster under TCG than -cpu max
  auto) if probe_kvm; then ACC=(-accel kvm -cpu host); else ACC=(-accel tcg); fi ;;
  *) echo "run-vm: bad --accel $ACCEL" >&2; exit 2 ;;
esac

echo "run-vm: $(basename "$QEMU") ${ACC[*]} smp=$SMP mem=${MEM}M ${EXTRA[*]}"
start=$(date +%s%N)
timeout --foreground -k 5 "$TIMEOUT" "$QEMU" "${BASE[@]}" "${ACC[@]}" -serial stdio -append "$CMDLINE" \
  "${EXTRA[@]}" </dev/null 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
ms=$(( ($(date +%s%N) - start) / 1000000 ))
secs=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))

if [ $rc -eq 33 ] && grep -q '^VA-GUEST-VERDICT: PASS' "$LOG"; then
  echo "run-vm: PASS (${secs}s)"
  exit 0
fi
case $rc in
  35) why="guest reported failure" ;;
  124|137) why="timeout after ${TIMEOUT}s" ;;
  33) why="exit 33 without PASS marker" ;;
  *) why="qemu exit $rc" ;;
esac
echo "run-vm: FAIL ($why, ${secs}s)"
exit 1
