#!/bin/sh
# /test.sh of the demo VM: runs the demo program with only the transport plugin, so every op goes to the host.
# Kernel command line: va.rt=DIR (runtime build dir, same path as on the host), va.demo=PATH, va.lib=PATH.
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^va\.$1=//p"; }
RT=$(arg rt)
export LD_LIBRARY_PATH=$RT
export VACCEL_PLUGINS=$RT/libvaccel-virtio.so
echo "---- guest: VACCEL_PLUGINS=$VACCEL_PLUGINS"
echo "---- guest: $(arg demo) $(arg lib)"
"$(arg demo)" "$(arg lib)" 256
