#!/bin/sh
# /test.sh of the demo VM: runs the demo program with only the transport plugin, so every op goes to the host.
# Kernel command line: va.rt=DIR (runtime build dir, same path as on the host), va.demo=PATH, va.lib=PATH,
# va.model=PATH (TorchScript classifier, sent to the host by content), va.images=PATH,PATH,...
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^va\.$1=//p"; }
RT=$(arg rt)
export LD_LIBRARY_PATH=$RT
export VACCEL_PLUGINS=$RT/libvaccel-virtio.so
echo "---- guest: VACCEL_PLUGINS=$VACCEL_PLUGINS"
IMAGES=$(arg images | tr ',' ' ')
echo "---- guest: $(arg demo) $(arg lib) 256 $(arg model) $IMAGES"
# shellcheck disable=SC2086
"$(arg demo)" "$(arg lib)" 256 "$(arg model)" $IMAGES
