#!/bin/sh
# Runs inside the bench-vm guest as /test.sh (scripts/build-guest-image.sh's /init).
# Kernel command line (set by tests/bench-vm/run.sh):
#   va.rt=DIR     runtime build dir (libvaccel + plugins), same path as on the host
#   va.bin=DIR    bench_vm, same path as on the host
#   va.tcp=IP:PORT  the host echo server as the guest reaches it through slirp
#   va.args=...   extra bench_vm arguments, ',' for ' '
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^va\.$1=//p"; }
RT=$(arg rt); BIN=$(arg bin); TCP=$(arg tcp); EXTRA=$(arg args | tr ',' ' ')
export LD_LIBRARY_PATH=$RT
# the transport plugin first; the guest's noop plugin serves the native reference session
export VACCEL_PLUGINS=$RT/libvaccel-virtio.so:$RT/libvaccel-noop.so
export VACCEL_LOG_LEVEL=1
# The plugin's arena (bandwidth from vaccel_virtio_alloc buffers): bench_vm sets VACCEL_VIRTIO_ARENA_MIB to
# 2 x --bw-max itself unless it is set here.

NODE=/dev/virtio-accel0
[ -c "$NODE" ] || { echo "BV ERR node: no $NODE"; ls /dev; exit 1; }

# virtio-net: static address in slirp's default network
ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 || echo "BV ERR net: eth0 not configured"
# virtio-serial: the port named "echo"
PORT=
for p in /sys/class/virtio-ports/*; do
  [ "$(cat "$p/name" 2>/dev/null)" = echo ] && PORT=/dev/$(basename "$p")
done
[ -n "$PORT" ] || echo "BV ERR serial: no virtio-serial port named echo"

echo "BV INFO node=$NODE serial=$PORT tcp=$TCP cpus=$(grep -c ^processor /proc/cpuinfo)"
# First the guest user space alone: the same noop paths against a stub of the node (stub_node.c), so that
# libvaccel + plugin above the raw ioctl is measured without the device's noise.
STUB=/tmp/virtio-accel-stub
VA_STUB_NODE=$STUB VACCEL_VIRTIO_DEVICE=$STUB LD_PRELOAD=$BIN/libstub_node.so \
  "$BIN/bench_vm" --node "$STUB" --parts lat --label stub-
stub_rc=$?
# --poll 1: the device paths also with the driver's busy-poll off (poll_us=0), in the same shuffled cycles.
"$BIN/bench_vm" --node "$NODE" ${TCP:+--tcp "$TCP"} ${PORT:+--serial "$PORT"} --poll 1 $EXTRA
rc=$?
# Where the device's interrupts went (one column per vCPU).
grep virtio /proc/interrupts | sed 's/^ */BV INFO irq /'
[ $rc -ne 0 ] && exit $rc
exit $stub_rc
