#!/usr/bin/env bash
# Builds a Unikraft image from an application folder plus guest-unikraft/ (the vAccel library).
#
# Usage: guest-unikraft/scripts/build-app.sh APP_DIR [OUT_DIR]
#   APP_DIR   a Unikraft app: Makefile.uk (+ Config.uk selecting LIBVACCEL) and a defconfig
#             (e.g. guest-unikraft/apps/selftest)
#   OUT_DIR   build directory (default: <repo>/build/unikraft/<app name>)
# Environment:
#   UK_SRC    Unikraft source tree to use (default: unpacked from
#             <repo>/../shared/third_party/unikraft-0.17.0-89-geaf6fda.tar.gz when present,
#             else cloned from github.com/unikraft/unikraft at the pinned commit eaf6fda)
#   JOBS      make parallelism (default 2)
# Prints the image path last. Offline with the third_party copy (in-tree nolibc; no downloads).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
app=$(realpath "${1:?usage: build-app.sh APP_DIR [OUT_DIR]}")
name=$(basename "$app")
out=$(realpath -m "${2:-$repo/build/unikraft/$name}")
jobs=${JOBS:-2}
pin=eaf6fda
say() { echo "build-app: $*" >&2; }

"$repo/scripts/install-deps.sh" unikraft >&2

uk_src=${UK_SRC:-}
if [ -z "$uk_src" ]; then
  uk_src=$repo/build/unikraft/unikraft-0.17.0-89-g$pin
  if [ ! -f "$uk_src/Makefile" ]; then
    mkdir -p "$repo/build/unikraft"
    tarball=$repo/../shared/third_party/unikraft-0.17.0-89-g$pin.tar.gz
    if [ -f "$tarball" ]; then
      say "unpacking $(basename "$tarball")"
      tar -C "$repo/build/unikraft" -xzf "$tarball"
    else
      say "cloning unikraft at $pin"
      git clone -q https://github.com/unikraft/unikraft.git "$uk_src.tmp"
      git -C "$uk_src.tmp" checkout -q "$pin"
      mv "$uk_src.tmp" "$uk_src"
    fi
  fi
fi

# The app folder stays clean: configuration and objects live in OUT_DIR.
mkdir -p "$out"
make_uk() { make -s -C "$uk_src" A="$app" L="$repo/guest-unikraft" O="$out" C="$out/.config" "$@"; }
if [ ! -f "$out/.config" ] || [ "$app/defconfig" -nt "$out/.config" ]; then
  say "configuring $name"
  make_uk defconfig UK_DEFCONFIG="$app/defconfig" >/dev/null
fi
make_uk -j"$jobs" >"$out/build.log" 2>&1 || { grep -E 'error|Error' -A3 "$out/build.log" | head -40 >&2; exit 1; }
img=$(ls "$out"/*_qemu-x86_64 | head -1)
say "image $img ($(stat -c %s "$img") bytes)"
echo "$img"
