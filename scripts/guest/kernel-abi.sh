#!/usr/bin/env bash
# Prints the ABI (the name under /lib/modules and /usr/src/linux-headers-*) of an installed guest kernel.
#
# Usage: scripts/guest/kernel-abi.sh NAME
#   stable     Debian 12's own kernel (scripts/install-deps.sh guest)
#   backports  bookworm-backports' kernel (scripts/install-deps.sh guest-backports)
#   ABI        an ABI whose headers are installed (e.g. 6.1.0-57-amd64), printed as is
# Each name resolves to the newest installed linux-headers-<ABI>-amd64 package of that archive (backports are
# the versions with "~bpo"), so nothing here names a kernel version. Exit 1 with a message if there is none.
set -euo pipefail

name=${1:?usage: kernel-abi.sh stable|backports|ABI}
installed() { # "ABI VERSION" of every installed generic amd64 headers package
  dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' 'linux-headers-*-amd64' 2>/dev/null |
    awk '$3 ~ /^ii/ { print $1, $2 }' | sed -n 's/^linux-headers-\([0-9][^ ]*-amd64\) /\1 /p' |
    grep -v -e '-cloud-amd64 ' -e '-rt-amd64 ' || true
}
case $name in
  stable) abi=$(installed | grep -v '~bpo' | cut -d' ' -f1 | sort -V | tail -n1) ;;
  backports) abi=$(installed | grep '~bpo' | cut -d' ' -f1 | sort -V | tail -n1) ;;
  *) abi=$(installed | cut -d' ' -f1 | grep -Fx -- "$name" || true) ;;
esac
if [ -z "$abi" ]; then
  case $name in
    stable) hint="scripts/install-deps.sh guest" ;;
    backports) hint="scripts/install-deps.sh guest-backports" ;;
    *) hint="no headers package for ABI $name" ;;
  esac
  echo "kernel-abi: no installed '$name' kernel headers ($hint)" >&2
  exit 1
fi
echo "$abi"
