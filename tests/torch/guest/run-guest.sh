#!/bin/sh
# /test.sh of the torch VM (tests/torch/e2e.sh). Only the transport plugin is loaded in the guest: every op is
# served by the host's torch plugin through the virtio-accel device.
# Kernel command line: va.rt=DIR (runtime build dir), va.bin=DIR (torch_guest, classify), va.models=DIR,
# va.iters=N. Prints CLASSIFY/RUN lines and "E2E PASS|FAIL|SKIP name".
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^va\.$1=//p"; }
RT=$(arg rt); BIN=$(arg bin); M=$(arg models); ITERS=$(arg iters)
export LD_LIBRARY_PATH=$RT
export VACCEL_PLUGINS=$RT/libvaccel-virtio.so
rc=0
pass() { echo "E2E PASS $1"; }
fail() { echo "E2E FAIL $1: $2"; rc=1; }

[ -c /dev/virtio-accel0 ] && pass torch.dev_node || { fail torch.dev_node "no /dev/virtio-accel0"; exit 1; }
# The model travels by content: the guest registers its own copy of the TorchScript file.
"$BIN/torch_guest" classify "$M/efficientnet_lite0.pt" 0 \
  "$M/images/banana.jpg" "$M/images/chelsea.png" "$M/images/coffee.png" || fail torch.classify "exit $?"
"$BIN/torch_guest" run "$M/efficientnet_lite0.pt" || fail torch.run "exit $?"
"$BIN/torch_guest" bad "$M/efficientnet_lite0.pt" "$M/images/banana.jpg" || rc=1
# Interleaved with the host-native process (tests/torch/e2e.sh): a device call, a native call, in turns.
PORT=
for p in /sys/class/virtio-ports/*; do
  [ "$(cat "$p/name" 2>/dev/null)" = native ] && PORT=/dev/$(basename "$p")
done
if [ -n "$PORT" ]; then
  "$BIN/torch_guest" bench "$M/efficientnet_lite0.pt" "${ITERS:-20}" "$PORT" \
    "$M/images/banana.jpg" "$M/images/chelsea.png" "$M/images/coffee.png" || fail torch.bench "exit $?"
else
  fail torch.bench "no virtio-serial port named native"
fi
# Upstream vAccel's examples/classify.c, unchanged: model sent from the guest, and the host's preloaded one.
out=$("$BIN/classify" "$M/images/banana.jpg" 1 "$M/efficientnet_lite0.pt" 2>&1); st=$?
echo "$out" | sed 's/^/    /'
if [ $st -eq 0 ] && echo "$out" | grep -q '^classification tags: banana$'; then pass torch.upstream_classify
else fail torch.upstream_classify "exit $st"; fi
out=$("$BIN/classify" "$M/images/coffee.png" 2>&1); st=$?
echo "$out" | sed 's/^/    /'
if [ $st -eq 0 ] && echo "$out" | grep -q '^classification tags: espresso$'; then pass torch.upstream_classify_host_model
else fail torch.upstream_classify_host_model "exit $st"; fi
exit $rc
