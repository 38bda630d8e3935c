#!/usr/bin/env bash
# Builds the guest side of a virtio-accel VM test: virtio_accel.ko against an installed Debian kernel's headers,
# the guest kernel image, and a busybox initramfs whose /init loads the virtio modules and our module, runs a
# caller-provided script and reports a verdict (isa-debug-exit + a serial marker line).
#
# Usage: scripts/build-guest-image.sh [options]
#   --out DIR            output directory (default build/guest)
#   --kver KERNEL        guest kernel: stable (Debian 12's), backports (bookworm-backports') or an installed ABI
#                        (default: $VA_GUEST_KERNEL, else stable; resolved by scripts/guest/kernel-abi.sh)
#   --add HOST:GUEST     copy a file into the image (repeatable); ELF files get the shared libraries ldd lists
#   --script FILE        guest script run by /init (default: just load modules and pass)
#   --name NAME          initramfs file name (default initramfs.cpio.gz)
#   --no-module          do not build or load virtio_accel.ko
#   --kmod PATH          also load this module of the guest kernel, e.g. kernel/drivers/net/virtio_net.ko
#                        (path relative to /lib/modules/ABI; its dependencies come along; repeatable)
# Outputs in DIR: vmlinuz, NAME, virtio_accel.ko, kver.
#
# Guest /init contract: the script runs as root with /dev (devtmpfs), /proc, /sys mounted, /tmp writable (in the initramfs) and modules loaded;
# exit status 0 = pass. /init prints "VA-GUEST-VERDICT: PASS|FAIL ..." and writes 0x10 (pass, QEMU exits 33) or
# 0x11 (fail, QEMU exits 35) to isa-debug-exit at port 0xf4. Kernel cmdline "va.shell=1" gives a shell instead.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/guest
KVER=${VA_GUEST_KERNEL:-stable}
SCRIPT=
NAME=initramfs.cpio.gz
WITH_MODULE=1
ADDS=()
KMODS=()

while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --kver) KVER=$2; shift 2 ;;
    --add) ADDS+=("$2"); shift 2 ;;
    --script) SCRIPT=$2; shift 2 ;;
    --name) NAME=$2; shift 2 ;;
    --no-module) WITH_MODULE=0; shift ;;
    --kmod) KMODS+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "build-guest-image: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

die() { echo "build-guest-image: $*" >&2; exit 1; }

# ---- kernel ABI, headers, image, modules -------------------------------------------------------------------------
KVER=$("$ROOT/scripts/guest/kernel-abi.sh" "$KVER") || die "no guest kernel '$KVER'"
KDIR=/lib/modules/$KVER/build
[ -d "$KDIR" ] || KDIR=/usr/src/linux-headers-$KVER
[ -d "$KDIR" ] || die "no kernel build dir for $KVER"
command -v busybox >/dev/null || [ -x /bin/busybox ] || die "busybox-static missing: scripts/install-deps.sh guest"
BUSYBOX=$(command -v busybox || echo /bin/busybox)

# The kernel image and its modules: from the installed package, else from the .deb (no initrd build needed).
KSRC=
if [ -r /boot/vmlinuz-$KVER ] && [ -d /lib/modules/$KVER/kernel ]; then
  KSRC=/
else
  KSRC=$OUT/kernel-$KVER
  if [ ! -r "$KSRC/boot/vmlinuz-$KVER" ]; then
    echo "build-guest-image: extracting linux-image-$KVER"
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -q "linux-image-$KVER" >/dev/null) || die "apt-get download linux-image-$KVER failed"
    rm -rf "$KSRC" && mkdir -p "$KSRC"
    dpkg-deb -x "$tmp"/linux-image-"$KVER"_*.deb "$KSRC"
    rm -rf "$tmp"
  fi
fi
MODDIR=$KSRC/lib/modules/$KVER
cp -f "$KSRC/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
echo "$KVER" > "$OUT/kver"

# ---- our module: built from a copy so the source tree stays clean -----------------------------------------------
if [ $WITH_MODULE = 1 ]; then
  MB=$OUT/module
  rm -rf "$MB" && mkdir -p "$MB"
  cp -r "$ROOT"/guest-linux-driver/{Kbuild,*.c,*.h,include,compat} "$MB"/
  make -s -j2 -C "$KDIR" M="$MB" VA_SPEC_INC="$ROOT/virtio-accel-spec/include" modules >"$MB/build.log" 2>&1 \
    || { cat "$MB/build.log" >&2; die "module build failed"; }
  if grep -qi 'warning' "$MB/build.log"; then cat "$MB/build.log" >&2; die "module build has warnings"; fi
  cp -f "$MB/virtio_accel.ko" "$OUT/virtio_accel.ko"
fi

# ---- initramfs ----------------------------------------------------------------------------------------------------
RFS=$OUT/rootfs
rm -rf "$RFS"
mkdir -p "$RFS"/{bin,sbin,dev,proc,sys,tmp,etc,lib/modules,usr/bin,usr/sbin,root}
cp "$BUSYBOX" "$RFS/bin/busybox"
for app in $("$BUSYBOX" --list); do
  [ "$app" = busybox ] || ln -sf busybox "$RFS/bin/$app"
done

# Modules in dependency order: modules.dep lists a module's dependencies, deepest last; load them reversed.
# Names may end in .ko.xz/.ko.zst (Debian compresses modules since 6.x): they are unpacked into the image, so
# busybox insmod needs no decompressor. A module the kernel has built in (modules.builtin) needs nothing.
deps_of() { # $1: module path relative to MODDIR, without the compression suffix
  local line
  line=$(grep -m1 -E "^$1(\.xz|\.zst)?:" "$MODDIR/modules.dep" || true)
  [ -n "$line" ] || die "module $1 not in modules.dep"
  echo "${line#*:}" | tr ' ' '\n' | sed '/^$/d' | tac
  echo "${line%%:*}"
}
: > "$RFS/etc/va-modules"
add_mod() { # $1: path relative to MODDIR (.ko); appends it after its dependencies, once
  local m ko
  if grep -qx "$1" "$MODDIR/modules.builtin" 2>/dev/null; then return; fi
  for m in $(deps_of "$1"); do
    ko=$(basename "$m"); ko=${ko%.xz}; ko=${ko%.zst}
    grep -qx "$ko" "$RFS/etc/va-modules" && continue
    case $m in
      *.xz) xz -dc "$MODDIR/$m" > "$RFS/lib/modules/$ko" ;;
      *.zst) zstd -qdc "$MODDIR/$m" > "$RFS/lib/modules/$ko" ;;
      *) cp "$MODDIR/$m" "$RFS/lib/modules/$ko" ;;
    esac
    echo "$ko" >> "$RFS/etc/va-modules"
  done
}
add_mod kernel/drivers/virtio/virtio_pci.ko
for m in "${KMODS[@]}"; do add_mod "$m"; done
if [ $WITH_MODULE = 1 ]; then
  cp "$OUT/virtio_accel.ko" "$RFS/lib/modules/"
  echo virtio_accel.ko >> "$RFS/etc/va-modules"
fi

# Extra files; ELF binaries bring their shared libraries (and the loader).
copy_in() { # host path, guest path
  mkdir -p "$RFS/$(dirname "$2")"
  cp -fL "$1" "$RFS/$2"
}
for a in "${ADDS[@]}"; do
  src=${a%%:*}; dst=${a#*:}
  [ -e "$src" ] || die "--add: no such file $src"
  copy_in "$src" "$dst"
  if head -c4 "$src" | grep -q 'ELF' && ldd "$src" >/dev/null 2>&1; then
    for lib in $(ldd "$src" | grep -o '/[^ ]*' | sort -u); do
      [ -e "$RFS/$lib" ] || copy_in "$lib" "$lib"
    done
  fi
done
[ -n "$SCRIPT" ] && { cp "$SCRIPT" "$RFS/test.sh"; chmod +x "$RFS/test.sh"; }

install -m 0755 "$ROOT/scripts/guest/init" "$RFS/init"

(cd "$RFS" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$OUT/$NAME"
echo "build-guest-image: $OUT/$NAME ($(du -h "$OUT/$NAME" | cut -f1)), kernel $KVER"
