#!/bin/sh
# Runs inside the guest of tests/compat/guest-upstream.sh as /test.sh: upstream's libvaccel and upstream-built
# examples with only our virtio transport plugin. Kernel command line:
#   va.u=DIR          upstream build (lib/, bin/), same path as on the host
#   va.plugin=PATH    our libvaccel-virtio.so
#   va.runs=A;B;...   example command lines, ',' for ' '
#   va.race=BIN       tests/runtime/bootstrap_race (OUR libvaccel): 20 fresh processes, 4 simultaneous first calls
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^va\.$1=//p"; }
U=$(arg u); PLUGIN=$(arg plugin); RUNS=$(arg runs); RACE=$(arg race)
[ -c /dev/virtio-accel0 ] || { echo "no /dev/virtio-accel0"; exit 1; }
i=0; rc=0
IFS=';'
for r in $RUNS; do
  [ -n "$r" ] || continue
  set -- $(echo "$r" | tr ',' ';')
  echo "UPSTREAM-RUN-BEGIN $i"
  # output to a file, as on the host: the same stdio buffering, so the same line order
  (cd "$U" && LD_LIBRARY_PATH=$U/lib VACCEL_PLUGINS=$PLUGIN VACCEL_LOG_LEVEL=1 "$U/bin/$@" >/tmp/run.out 2>&1); st=$?
  cat /tmp/run.out
  echo "rc=$st"
  echo "UPSTREAM-RUN-END $i"
  [ $st -eq 0 ] || rc=1
  i=$((i + 1))
done
unset IFS
if [ -n "$RACE" ]; then
  ok=0
  for n in $(seq 20); do VACCEL_PLUGINS=$PLUGIN "$RACE" 4 && ok=$((ok + 1)); done
  echo "BOOTSTRAP-RACE $ok/20"
fi
exit $rc
