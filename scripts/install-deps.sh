#!/usr/bin/env bash
# Installs the Debian packages a build or test step needs, and nothing when they are already present.
# Usage: install-deps.sh GROUP...   (groups: host opencl qemu guest libvirt all)
# Idempotent: packages are checked with dpkg-query first, so a warm machine pays no apt time.
set -euo pipefail

# qemu: also what scripts/build-qemu.sh builds after QEMU, the vhost-user-accel daemon (libseccomp).
declare -A GROUP=(
  [host]="build-essential cmake pkg-config googletest libgtest-dev libgmock-dev libbenchmark-dev
          clang libclang-rt-14-dev valgrind libopenblas-dev"
  [opencl]="ocl-icd-opencl-dev opencl-headers opencl-clhpp-headers pocl-opencl-icd clinfo"
  [qemu]="dpkg-dev build-essential ninja-build meson python3-venv pkg-config flex bison libglib2.0-dev
          libpixman-1-dev libslirp-dev libfdt-dev zlib1g-dev ccache seabios qemu-system-data
          libseccomp-dev"
  [guest]="linux-image-amd64 linux-headers-amd64 busybox-static cpio sparse gcc-multilib"
  [libvirt]="libvirt-daemon-system libvirt-clients"
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(host)
[ "${groups[0]}" = all ] && groups=(host opencl qemu guest libvirt)

want=()
for g in "${groups[@]}"; do
  [ -n "${GROUP[$g]+x}" ] || { echo "install-deps: unknown group '$g'" >&2; exit 2; }
  for p in ${GROUP[$g]}; do want+=("$p"); done
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The kernel postinst would build an initrd we never use; skipping it saves ~40 s.
export INITRD=No
# Several builds may install at once (parallel make, a developer's second tree): wait for dpkg's lock
# instead of failing on it.
lock=(-o DPkg::Lock::Timeout=1800)
apt-get "${lock[@]}" update -qq
apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
