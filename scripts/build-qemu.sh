#!/usr/bin/env bash
# Builds qemu-system-x86_64 with -device virtio-accel-pci and -device vhost-user-accel-pci (and their
# qtests) from Debian's QEMU source with qemu-patches/ applied, linking host-backend's
# libvirtio-accel-host.so; then the vhost-user-accel daemon (CMake target, libvhost-user from the same
# source).
#
# Usage: scripts/build-qemu.sh [CMAKE_BUILD_DIR]
#   CMAKE_BUILD_DIR   top-level CMake build dir that holds host-backend/ (default: $VA_CMAKE_BUILD,
#                     else <repo>/build). host-backend's target is built there first.
# Environment:
#   VA_QEMU_DIR       patched source + QEMU build dir (default: CMAKE_BUILD_DIR/qemu)
#   VA_CACHE          cache kept outside the clone: Debian source download and ccache
#                     (default: /var/cache/virtio-accel)
#   VA_HOST_PC_DIR    directory with virtio-accel-host.pc (default: CMAKE_BUILD_DIR/host-backend)
#   VA_SKIP_HOST_BUILD=1   do not build the host-backend CMake target
#   JOBS              ninja/cmake parallelism (default: 2)
#   VA_QEMU_STAGE=source   stop once the patched source tree exists (for checkpatch; nothing is built)
#
# Idempotent: an unchanged series is not re-applied, configure is not re-run, and ninja is a no-op,
# so a second run costs about a second. Fails loudly when the series does not apply.
# Outputs: $VA_QEMU_DIR/build/qemu-system-x86_64, tests/qtest/qos-test (virtio-accel-test.c on qgraph),
# tests/qtest/vhost-user-accel-test, CMAKE_BUILD_DIR/vhost-user-accel/vhost-user-accel, and the wrapper
# $VA_QEMU_DIR/bin/qemu-system-x86_64 that adds the firmware paths (-L) a build-tree binary needs.
# The last line printed is the wrapper's path.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cmake_build=$(realpath -m "${1:-${VA_CMAKE_BUILD:-$repo/build}}")
qdir=$(realpath -m "${VA_QEMU_DIR:-$cmake_build/qemu}")
cache=${VA_CACHE:-/var/cache/virtio-accel}
pc_dir=$(realpath -m "${VA_HOST_PC_DIR:-$cmake_build/host-backend}")
jobs=${JOBS:-2}
src=$qdir/src
bld=$qdir/build
t0=$(date +%s)

say() { echo "build-qemu: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Configure flags: the minimum for x86_64 TCG/KVM guests with PCI, ACPI hotplug and user networking.
# vhost-user: the vhost-user-accel-pci front-end of the out-of-process daemon.
CONFIGURE_FLAGS=(--target-list=x86_64-softmmu --disable-docs --disable-werror --without-default-features
                 --enable-kvm --enable-slirp --enable-tcg --enable-fdt=system --enable-vhost-user)

mkdir -p "$qdir" "$cache/qemu-src" "$cache/ccache"
exec 9>"$qdir/.lock"
flock 9   # one build of this tree at a time

"$repo/scripts/install-deps.sh" qemu
stage=${VA_QEMU_STAGE:-all}
[ "$stage" = source ] && VA_SKIP_HOST_BUILD=1

# 1. host-backend: QEMU links it, so it must exist (and be current) first.
if [ "${VA_SKIP_HOST_BUILD:-0}" != 1 ]; then
  if [ ! -f "$cmake_build/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$cmake_build" >/dev/null || die "cmake configure of $cmake_build failed"
  fi
  cmake --build "$cmake_build" --target virtio_accel_host -j "$jobs" >/dev/null ||
    die "building host-backend (target virtio_accel_host) failed"
fi
[ "$stage" = source ] || [ -f "$pc_dir/virtio-accel-host.pc" ] ||
  die "no $pc_dir/virtio-accel-host.pc (build host-backend first)"

# 2. Debian's source package, downloaded once into the cache.
dsc=$(ls "$cache"/qemu-src/qemu_*.dsc 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$dsc" ]; then
  exec 8>"$cache/qemu-src.lock"
  flock 8
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    say "enabling deb-src in /etc/apt/sources.list.d/debian.sources"
    sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  fi
  apt-cache showsrc qemu 2>/dev/null | grep -q '^Package: qemu' || apt-get update -qq
  (cd "$cache/qemu-src" && apt-get source --download-only -qq qemu) || die "apt-get source qemu failed"
  dsc=$(ls "$cache"/qemu-src/qemu_*.dsc | sort -V | tail -1)
fi

# 3. The patched tree: a git repo whose first commit is Debian's source (Debian's own patches applied
#    by dpkg-source), with our series on top. Re-applied only when the series or the source changed.
patches=("$repo"/qemu-patches/*.patch)
[ -e "${patches[0]}" ] || die "no patches in $repo/qemu-patches"
series_key=$( (basename "$dsc"; cat "${patches[@]}") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$qdir/stamp-series" 2>/dev/null)" != "$series_key" ]; then
  git_q() { git -C "$src" -c user.name=build-qemu -c user.email=build-qemu@localhost "$@"; }
  if [ "$(cat "$qdir/stamp-dsc" 2>/dev/null)" = "$(basename "$dsc")" ] && [ -d "$src/.git" ]; then
    git_q am --abort >/dev/null 2>&1 || true
    git_q reset -q --hard debian-base
    git_q clean -qfdx
  else
    say "extracting $(basename "$dsc")"
    rm -rf "$src" "$bld" "$qdir/stamp-config"
    dpkg-source --no-check -x "$dsc" "$src" >/dev/null || die "dpkg-source -x $dsc failed"
    git_q init -q
    git_q add -A
    git_q commit -q -m "Debian $(basename "$dsc" .dsc)"
    git_q tag debian-base
    basename "$dsc" >"$qdir/stamp-dsc"
  fi
  say "applying ${#patches[@]} patches"
  git_q am -q --3way "${patches[@]}" ||
    die "qemu-patches/ do not apply to $(basename "$dsc" .dsc); see 'git -C $src am --show-current-patch'"
  echo "$series_key" >"$qdir/stamp-series"
fi

if [ "$stage" = source ]; then
  echo "$src"
  exit 0
fi

# 4. ccache outside the clone; base dir + no cwd hash so a fresh clone elsewhere still hits.
export CCACHE_DIR="$cache/ccache" CCACHE_BASEDIR="$qdir" CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export PKG_CONFIG_PATH="$pc_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

config_key=$(echo "${CONFIGURE_FLAGS[*]} $pc_dir" | sha256sum | cut -d' ' -f1)
if [ ! -f "$bld/build.ninja" ] || [ "$(cat "$qdir/stamp-config" 2>/dev/null)" != "$config_key" ]; then
  say "configuring"
  rm -rf "$bld"
  mkdir -p "$bld"
  (cd "$bld" && CC="ccache cc" "$src/configure" "${CONFIGURE_FLAGS[@]}" >configure.log 2>&1) ||
    { tail -20 "$bld/configure.log" >&2; die "configure failed (log: $bld/configure.log)"; }
  echo "$config_key" >"$qdir/stamp-config"
fi

targets=(qemu-system-x86_64 tests/qtest/qos-test tests/qtest/vhost-user-accel-test)
ninja -C "$bld" -j "$jobs" "${targets[@]}" >"$qdir/ninja.log" 2>&1 ||
  { grep -E 'error|FAILED' -A5 "$qdir/ninja.log" | head -40 >&2; die "ninja failed (log: $qdir/ninja.log)"; }
grep -q 'ependency virtio-accel-host found: YES' "$bld/meson-logs/meson-log.txt" ||
  die "meson did not find virtio-accel-host via PKG_CONFIG_PATH=$pc_dir"

# 5. A wrapper that supplies the firmware a build-tree binary cannot find by itself. Rewritten only
#    when its content changes (libvirt keys its capability cache on the emulator's mtime).
mkdir -p "$qdir/bin"
wrapper="#!/bin/sh
exec '$bld/qemu-system-x86_64' -L /usr/share/seabios -L /usr/share/qemu \"\$@\""
if [ "$(cat "$qdir/bin/qemu-system-x86_64" 2>/dev/null)" != "$wrapper" ]; then
  printf '%s\n' "$wrapper" >"$qdir/bin/qemu-system-x86_64"
  chmod 755 "$qdir/bin/qemu-system-x86_64"
fi

"$qdir/bin/qemu-system-x86_64" -device virtio-accel-pci,help 2>&1 | grep -q 'exec-allowlist' ||
  die "the built QEMU has no virtio-accel-pci device"
"$qdir/bin/qemu-system-x86_64" -device vhost-user-accel-pci,help 2>&1 | grep -q 'chardev' ||
  die "the built QEMU has no vhost-user-accel-pci device"

# 6. The daemon: libvhost-user comes from this source tree, so CMake learns where it is only now.
if [ "${VA_SKIP_HOST_BUILD:-0}" != 1 ]; then
  vu_dir=$src/subprojects/libvhost-user
  if [ "$(sed -n 's/^VUA_LIBVHOST_USER_DIR:PATH=//p' "$cmake_build/CMakeCache.txt")" != "$vu_dir" ] ||
     ! grep -q 'vhost-user-accel' "$cmake_build/Makefile" 2>/dev/null; then
    cmake -S "$repo" -B "$cmake_build" -DVUA_LIBVHOST_USER_DIR="$vu_dir" >/dev/null ||
      die "cmake configure of $cmake_build (vhost-user-accel) failed"
  fi
  cmake --build "$cmake_build" --target vhost-user-accel -j "$jobs" >"$qdir/daemon-build.log" 2>&1 ||
    { grep -E 'error' -A3 "$qdir/daemon-build.log" | head -20 >&2; die "building vhost-user-accel failed"; }
fi

say "up to date in $(( $(date +%s) - t0 )) s ($(ccache -s 2>/dev/null | grep -E '^ *Hits' | head -1 | xargs || true))"
echo "$qdir/bin/qemu-system-x86_64"
