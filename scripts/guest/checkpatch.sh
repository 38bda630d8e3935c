#!/usr/bin/env bash
# Runs the Linux kernel's own scripts/checkpatch.pl --strict on the guest driver and fails on any ERROR, WARNING
# or CHECK.
#
# Usage: scripts/guest/checkpatch.sh [--print-dir] [FILE...]   (default: every source file of guest-linux-driver/ and
#        the wire header it includes, virtio-accel-spec/include/virtio_accel.h)
#   --print-dir   only fetch, and print the directory holding scripts/checkpatch.pl
#
# Where checkpatch.pl comes from: Debian ships it only inside the kernel source tarball, in linux-source-<series>.
# The newest such package apt knows is downloaded (apt-get download: no install, ~150 MB, a few seconds here) and
# only checkpatch.pl, the data files it reads beside it (spelling.txt, const_structs.checkpatch) and the ioctl
# number registry (Documentation/userspace-api/ioctl/ioctl-number.rst) are extracted, once per package version,
# into $VA_CACHE/kernel-scripts/<version> (VA_CACHE default /var/cache/virtio-accel). The .deb is not kept.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${VA_CACHE:-/var/cache/virtio-accel}/kernel-scripts
die() { echo "checkpatch: $*" >&2; exit 1; }

print_dir=0
if [ "${1:-}" = --print-dir ]; then print_dir=1; shift; fi

pkg=$(apt-cache search --names-only '^linux-source-[0-9.]+$' | cut -d' ' -f1 | sort -V | tail -n1)
[ -n "$pkg" ] || die "no linux-source-* package known to apt (apt-get update?)"
ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
dir=$CACHE/$pkg-$ver
if [ ! -f "$dir/.complete" ]; then
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  flock 9
  if [ ! -f "$dir/.complete" ]; then
    echo "checkpatch: fetching scripts/checkpatch.pl from $pkg $ver" >&2
    tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
    chmod 755 "$tmp" # apt-get download runs as _apt
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null) || die "apt-get download $pkg failed"
    top=${pkg#linux-source-}
    top=linux-source-$top
    mkdir -p "$tmp/x"
    dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xO "./usr/src/$top.tar.xz" |
      tar -xJ -C "$tmp/x" --strip-components=1 "$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
        "$top/scripts/const_structs.checkpatch" "$top/Documentation/userspace-api/ioctl/ioctl-number.rst" ||
      die "extracting checkpatch.pl from $pkg failed"
    rm -rf "$dir"
    mv "$tmp/x" "$dir"
    touch "$dir/.complete"
  fi
  exec 9>&-
fi

if [ $print_dir = 1 ]; then echo "$dir"; exit 0; fi

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(cd "$ROOT" && ls guest-linux-driver/*.[ch] guest-linux-driver/include/uapi/*.h \
    guest-linux-driver/compat/*.h virtio-accel-spec/include/virtio_accel.h 2>/dev/null)
fi
cd "$ROOT"
out=$(perl "$dir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types -f "${files[@]}" 2>&1 || true)
bad=$(echo "$out" | grep -E ': (ERROR|WARNING|CHECK):' || true)
if [ -n "$bad" ]; then
  echo "$bad"
  echo "checkpatch ($pkg $ver, --strict): $(echo "$bad" | wc -l) problem(s) in ${#files[@]} files" >&2
  exit 1
fi
echo "checkpatch ($pkg $ver, --strict): ${#files[@]} files, 0 errors, 0 warnings, 0 checks"
