#!/usr/bin/env bash
# Prints the build directory `make` uses: "build" inside the repository, unless the out-of-process device
# backend could not load from there. The vhost-user-accel daemon drops to the user nobody and mounts a private
# /tmp, so everything it loads (plugins, exec'd libraries, models under the build directory) must be reachable
# by nobody and must not lie under /tmp. A clone in a mktemp directory (mode 0700) or under /tmp gets
# /var/tmp/virtio-accel-build-<hash of its path> instead; `make BUILD=dir` overrides either choice.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
reachable=1
case "$repo/" in /tmp/*) reachable=0 ;; esac
if [ $reachable = 1 ] && [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  runuser -u nobody -- test -x "$repo" 2>/dev/null || reachable=0
fi
if [ $reachable = 1 ]; then
  echo build
else
  echo "/var/tmp/virtio-accel-build-$(printf '%s' "$repo" | sha256sum | cut -c1-12)"
fi
