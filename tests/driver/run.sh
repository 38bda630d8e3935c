#!/usr/bin/env bash
# Driver test: builds virtio_accel.ko, the guest test program and image, boots a VM with our QEMU and a
# virtio-accel-pci device, runs tests/driver/va_driver_test.c in the guest and prints "N passed, N failed".
# Does all of it once per guest kernel (module and image are built against each kernel's own headers).
#
# Usage: tests/driver/run.sh [--only TEST] [--shell]
# Environment:
#   QEMU            QEMU binary (default build/qemu/build/qemu-system-x86_64)
#   VA_BUILD_DIR    CMake build dir holding the host plugins (default build)
#   VA_DEVICE       full -device value, overriding the default built below
#   VA_TIMEOUT      VM wall-clock limit in seconds (default 300)
#   VA_GUEST_KERNELS  guest kernels, in turn (default "stable backports": Debian 12's 6.1 and bookworm-backports';
#                     names or ABIs as scripts/guest/kernel-abi.sh takes them)
# Exit status: 0 only if the VM passed and the guest reported 0 failures.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build/guest
BUILD=${VA_BUILD_DIR:-$ROOT/build}
QEMU=${QEMU:-$ROOT/build/qemu/build/qemu-system-x86_64}
KERNELS=${VA_GUEST_KERNELS:-stable backports}
ONLY=
SHELL_MODE=0
while [ $# -gt 0 ]; do
  case $1 in
    --only) ONLY=$2; shift 2 ;;
    --shell) SHELL_MODE=1; shift ;;
    *) echo "usage: $0 [--only TEST] [--shell]" >&2; exit 2 ;;
  esac
done
fail() { echo "driver-test: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
# The packages (bookworm-backports' kernel only when asked for), then every kernel: a missing one fails before
# anything is built.
groups=(guest)
case " $KERNELS " in *" backports "*) groups+=(guest-backports) ;; esac
"$ROOT/scripts/install-deps.sh" "${groups[@]}" >&2 || fail "install-deps failed"
for k in $KERNELS; do
  "$ROOT/scripts/guest/kernel-abi.sh" "$k" >/dev/null || fail "guest kernel '$k' not installed"
done
mkdir -p "$OUT"

# Guest test program: static, so the image needs no libraries. The 32-bit build (gcc-multilib) checks the
# compat ioctl path: same struct layout, 64-bit pointer fields.
CFLAGS_T=(-O2 -static -Wall -Wextra -Werror -I "$ROOT/guest-linux-driver/include/uapi" -I "$ROOT/virtio-accel-spec/include")
gcc "${CFLAGS_T[@]}" -o "$OUT/va_driver_test" "$ROOT/tests/driver/va_driver_test.c" -lm \
  || fail "test program build failed"
ADD32=()
if gcc -m32 "${CFLAGS_T[@]}" -o "$OUT/va_driver_test32" "$ROOT/tests/driver/va_driver_test.c" -lm 2>/dev/null; then
  ADD32=(--add "$OUT/va_driver_test32:/bin/va_driver_test32")
else
  echo "driver-test: no 32-bit toolchain (gcc-multilib): compat test skipped" >&2
fi

# Host library for OP_EXEC (echo + sleep); it goes on the device's exec allow-list.
TESTLIB=$OUT/libva-driver-test.so
gcc -shared -fPIC -O2 -Wall -Wextra -Werror -I "$ROOT/runtime/include" -o "$TESTLIB" \
  "$ROOT/tests/driver/va_test_lib.c" || fail "test library build failed"

[ -x "$QEMU" ] || fail "no QEMU at $QEMU (run scripts/build-qemu.sh)"

# Host plugins: whatever of noop/cpu/exec the CMake build produced.
plugins=
for p in cpu exec noop; do  # first plugin serving an op wins: real ones first
  f=$(find "$BUILD" -name "libvaccel-$p.so" -print -quit 2>/dev/null)
  [ -n "$f" ] && plugins=${plugins:+$plugins:}$f
done
DEVICE=${VA_DEVICE:-virtio-accel-pci,num-queues=4,profiling=on${plugins:+,plugins=$plugins},exec-allowlist=$TESTLIB}

# boot KDIR NAME DEVICE [only]: one VM with the kernel and image of KDIR; adds the guest's counts to the totals.
total_pass=0
total_fail=0
boot() {
  local kdir=$1 name=$2 device=$3 only=${4:-} log=$1/driver-test-$2.log append p f vm
  append="va.exec_lib=$TESTLIB${only:+ va.only=$only}"
  [ $SHELL_MODE = 1 ] && append="$append va.shell=1"
  echo "driver-test: VM '$name', kernel $(cat "$kdir/kver")"
  "$ROOT/scripts/run-vm.sh" --qemu "$QEMU" --kernel "$kdir/vmlinuz" --initrd "$kdir/driver-test.cpio.gz" \
    --timeout "${VA_TIMEOUT:-300}" --log "$log" --append "$append" -- -device "$device"
  vm=$?
  # Every "N passed, N failed" line of the guest (64-bit run, 32-bit run, kernel-log check) adds up.
  p=0 f=0
  while read -r a _ b _; do p=$((p + a)); f=$((f + b)); done \
    < <(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tr -d '\r')
  [ $((p + f)) -gt 0 ] || f=1
  if [ $vm -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

summary=()
for k in $KERNELS; do
  t0=$(date +%s)
  p0=$total_pass f0=$total_fail
  kdir=$OUT/$k
  "$ROOT/scripts/build-guest-image.sh" --kver "$k" --out "$kdir" --name driver-test.cpio.gz \
    --add "$OUT/va_driver_test:/bin/va_driver_test" "${ADD32[@]}" --script "$ROOT/tests/driver/guest-test.sh" \
    || fail "guest image build failed (kernel $k)"
  # 1. Everything, on a multi-queue device with profiling.
  boot "$kdir" full "$DEVICE" "$ONLY"
  # 2. A tiny ring without indirect descriptors: submitters must wait for room, long chains get E2BIG.
  if [ -z "$ONLY" ] && [ -z "${VA_DEVICE:-}" ]; then
    boot "$kdir" small-ring "${DEVICE},queue-size=4,indirect_desc=off" ring_pressure
  fi
  summary+=("kernel $k ($(cat "$kdir/kver")): $((total_pass - p0)) passed, $((total_fail - f0)) failed, $(( $(date +%s) - t0 )) s")
done
printf 'driver-test: %s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
