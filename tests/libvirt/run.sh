#!/usr/bin/env bash
# libvirt launch of our QEMU with -device virtio-accel-pci, then of a domain whose device is served
# out of process by a vhost-user-accel daemon (TCG here; no systemd: daemons by hand).
#
# Usage: tests/libvirt/run.sh [CMAKE_BUILD_DIR]   (default: $VA_CMAKE_BUILD, else <repo>/build)
#
# Starts virtlogd and libvirtd unless a libvirtd already answers (and then stops only what it
# started), defines a domain from scripts/libvirt/virtio-accel-domain.sh, starts it, finds the device
# with query-pci and qom-get through virsh qemu-monitor-command, then destroys and undefines it. The
# second domain (scripts/libvirt/virtio-accel-domain.sh --vhost-user) uses a daemon this script starts:
# the daemon sees the VMM connect, query-pci finds the device, the daemon exits 0 with the domain.
# Exits non-zero on failure; the last line is "N passed, N failed".
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cb=$(realpath -m "${1:-${VA_CMAKE_BUILD:-$repo/build}}")
out=$cb/tests-libvirt
mkdir -p "$out"
uri=qemu:///system
name=va-libvirt-test-$$
virsh() { timeout 60 /usr/bin/virsh -q -c "$uri" "$@"; }

. "$repo/tests/lib/verdict.sh"

started_pids=()
cleanup() {
  if virsh dominfo "$name" >/dev/null 2>&1; then
    virsh destroy "$name" >/dev/null 2>&1
    virsh undefine "$name" >/dev/null 2>&1
  fi
  # Stop only the daemons this script started, by their pid.
  local i
  for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
    kill "${started_pids[i]}" 2>/dev/null
  done
}
finish() {
  cleanup
  trap - EXIT
  verdict_line
  [ "$fail" -eq 0 ]
  exit $?
}
trap finish EXIT

# --- build and packages -----------------------------------------------------------------------
"$repo/scripts/install-deps.sh" libvirt || { ko "install libvirt packages"; finish; }
cmake --build "$cb" -j "${JOBS:-2}" --target vaccel-noop >"$out/cmake-build.log" 2>&1 ||
  { ko "build the noop plugin"; finish; }
qemu=$("$repo/scripts/build-qemu.sh" "$cb" | tail -1) || { ko "scripts/build-qemu.sh"; finish; }
noop=$(find "$cb/runtime" -maxdepth 2 -name libvaccel-noop.so | head -1)
[ -n "$noop" ] || { ko "libvaccel-noop.so built"; finish; }

# --- daemons ----------------------------------------------------------------------------------
start_daemon() { # start_daemon NAME PIDFILE ARGS...: starts it daemonised, records its pid
  local d=$1 pidfile=$2
  shift 2
  "$d" -d "$@" || return 1
  for _ in $(seq 50); do
    [ -s "$pidfile" ] && break
    sleep 0.1
  done
  [ -s "$pidfile" ] || return 1
  started_pids+=("$(cat "$pidfile")")
}
if timeout 5 /usr/bin/virsh -c "$uri" list --all >/dev/null 2>&1; then
  ok "libvirtd already running; using it"
else
  mkdir -p /run/libvirt
  if ! pgrep -x virtlogd >/dev/null; then
    start_daemon virtlogd /run/virtlogd.pid || { ko "start virtlogd"; finish; }
  fi
  start_daemon libvirtd /run/libvirtd.pid || { ko "start libvirtd"; finish; }
  for _ in $(seq 100); do
    timeout 5 /usr/bin/virsh -c "$uri" list --all >/dev/null 2>&1 && break
    sleep 0.2
  done
  if timeout 5 /usr/bin/virsh -c "$uri" list --all >/dev/null 2>&1; then ok "libvirtd started by hand"
  else ko "libvirtd does not answer on $uri"; finish; fi
fi

# --- domain -----------------------------------------------------------------------------------
xml=$out/$name.xml
"$repo/scripts/libvirt/virtio-accel-domain.sh" --name "$name" --type qemu --memory 128 \
  --emulator "$qemu" --device-opts "num-queues=2,plugins=$noop" \
  --run-as "$(id -u):$(id -g)" >"$xml" ||
  { ko "generate domain XML"; finish; }
if virt-xml-validate "$xml" domain >/dev/null 2>&1; then ok "domain XML validates"
else ko "domain XML does not validate"; fi

if virsh define "$xml" >/dev/null; then ok "virsh define"; else ko "virsh define"; finish; fi
if virsh start "$name" >/dev/null; then ok "virsh start (TCG)"
else
  ko "virsh start"
  tail -20 "/var/log/libvirt/qemu/$name.log" 2>/dev/null
  finish
fi
state=$(virsh domstate "$name")
if [ "$state" = running ]; then ok "domain is running"; else ko "domain state: $state"; fi

if grep -q -- "-device virtio-accel-pci,id=va0" "/var/log/libvirt/qemu/$name.log" 2>/dev/null; then
  ok "libvirt passed -device virtio-accel-pci to QEMU"
else
  ko "QEMU command line in /var/log/libvirt/qemu/$name.log lacks the device"
fi

pci=$(virsh qemu-monitor-command "$name" '{"execute":"query-pci"}')
# The device's PCI IDs (1af4:107a) appear in decimal in QMP: vendor 6900, device 4218.
if python3 - "$pci" <<'PY'
import json, sys
devs = [d for b in json.loads(sys.argv[1])["return"] for d in b["devices"]]
hit = [d for d in devs if d["id"]["vendor"] == 0x1af4 and d["id"]["device"] == 0x107a]
sys.exit(0 if hit and hit[0]["qdev_id"] == "va0" else 1)
PY
then ok "query-pci shows virtio-accel-pci (1af4:107a, qdev_id va0)"
else ko "query-pci lacks 1af4:107a: $pci"; fi

qom=$(virsh qemu-monitor-command "$name" \
  '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/va0","property":"stat-sessions"}}')
if grep -q '"return":0' <<<"$qom"; then ok "qom-get stat-sessions through libvirt"
else ko "qom-get stat-sessions: $qom"; fi

mig=$(virsh qemu-monitor-command "$name" \
  '{"execute":"migrate","arguments":{"uri":"exec:cat >/dev/null"}}' 2>&1)
if grep -q 'virtio-accel' <<<"$mig"; then ok "migration is blocked with a reason naming virtio-accel"
else ko "migrate: $mig"; fi

# --- teardown ---------------------------------------------------------------------------------
pid=$(cat "/run/libvirt/qemu/$name.pid" 2>/dev/null || true)
if virsh destroy "$name" >/dev/null && virsh undefine "$name" >/dev/null; then
  ok "virsh destroy + undefine"
else
  ko "virsh destroy/undefine"
fi
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then ko "QEMU pid $pid still alive"
else ok "QEMU process gone"; fi

# --- the same through the out-of-process daemon ------------------------------------------------
daemon=$cb/vhost-user-accel/vhost-user-accel
[ -x "$daemon" ] || { ko "vhost-user-accel daemon built"; finish; }
vu_dir=$out/vu
mkdir -p "$vu_dir" && chmod 755 "$vu_dir"
sock=$vu_dir/$name.sock
rm -f "$sock"
"$daemon" --socket-path "$sock" --plugins "$noop" --num-queues 2 >"$out/daemon.log" 2>&1 &
dpid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] && ok "vhost-user-accel daemon listening" || { ko "daemon socket: $(cat "$out/daemon.log")"; finish; }
"$repo/scripts/libvirt/virtio-accel-domain.sh" --name "$name" --type qemu --memory 128 \
  --emulator "$qemu" --vhost-user "$sock" --device-opts num-queues=2 --run-as "$(id -u):$(id -g)" >"$xml" ||
  { ko "generate vhost-user domain XML"; finish; }
if virt-xml-validate "$xml" domain >/dev/null 2>&1; then ok "vhost-user domain XML validates"
else ko "vhost-user domain XML does not validate"; fi
if virsh define "$xml" >/dev/null && virsh start "$name" >/dev/null; then ok "vhost-user domain defined and started"
else
  ko "vhost-user domain start"
  tail -20 "/var/log/libvirt/qemu/$name.log" 2>/dev/null
  kill "$dpid" 2>/dev/null
  finish
fi
grep -q 'VMM connected; serving 2 queue' "$out/daemon.log" && ok "QEMU connected to the daemon" ||
  ko "daemon log: $(cat "$out/daemon.log")"
pci=$(virsh qemu-monitor-command "$name" '{"execute":"query-pci"}')
if python3 - "$pci" <<'PY'
import json, sys
devs = [d for b in json.loads(sys.argv[1])["return"] for d in b["devices"]]
hit = [d for d in devs if d["id"]["vendor"] == 0x1af4 and d["id"]["device"] == 0x107a]
sys.exit(0 if hit and hit[0]["qdev_id"] == "va0" else 1)
PY
then ok "query-pci shows vhost-user-accel-pci (1af4:107a, qdev_id va0)"
else ko "query-pci lacks 1af4:107a: $pci"; fi
mig=$(virsh qemu-monitor-command "$name" \
  '{"execute":"migrate","arguments":{"uri":"exec:cat >/dev/null"}}' 2>&1)
if grep -q 'vhost-user-accel' <<<"$mig"; then ok "migration is blocked with a reason naming vhost-user-accel"
else ko "migrate: $mig"; fi
virsh destroy "$name" >/dev/null; virsh undefine "$name" >/dev/null
rc=124
for _ in $(seq 100); do kill -0 "$dpid" 2>/dev/null || { wait "$dpid"; rc=$?; break; }; sleep 0.1; done
[ $rc -eq 0 ] && ok "daemon exited 0 with the domain" || { ko "daemon exit $rc"; kill "$dpid" 2>/dev/null; }

finish
