#!/usr/bin/env bash
# Tests of the vhost-user-accel daemon and QEMU's -device vhost-user-accel-pci, without a guest kernel.
#
# Usage: tests/vhost-user-accel/run.sh [CMAKE_BUILD_DIR]   (default: $VA_CMAKE_BUILD, else <repo>/build)
#
# Builds what it needs (plugins, the patched QEMU and the daemon via scripts/build-qemu.sh, two exec
# test libraries), then checks:
#   - the command line: --help, usage errors (exit 2), setup errors (exit 3) with a clear message;
#   - the sandbox of a running daemon from /proc: unprivileged user, NoNewPrivs, a private tmpfs /tmp,
#     RLIMIT_CORE 0, and seccomp in filter mode once a VMM connected; a clean exit 0 on disconnect;
#   - --max-vms (multi_vm.py): several connections on one socket, the limit, per-VM release and counters;
#   - the qtest in qemu-patches/ (tests/qtest/vhost-user-accel-test.c): config/features from the
#     daemon, requests served, kill -9 mid-operation then restart and reconnect, fork/execve from an
#     allow-listed host library killing only the daemon (SIGSYS), reset during a long operation.
# The last line is "N passed, N failed"; exit status 0 only if nothing failed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cb=$(realpath -m "${1:-${VA_CMAKE_BUILD:-$repo/build}}")
jobs=${JOBS:-2}
out=$cb/tests-vhost-user-accel
mkdir -p "$out"

. "$repo/tests/lib/verdict.sh"

# --- build -------------------------------------------------------------------------------------
if [ ! -f "$cb/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$cb" >/dev/null || { ko "cmake configure"; finish; }
fi
cmake --build "$cb" -j "$jobs" --target vaccel-noop vaccel-exec >"$out/cmake-build.log" 2>&1 ||
  { tail -20 "$out/cmake-build.log"; ko "build runtime plugins"; finish; }
qemu=$("$repo/scripts/build-qemu.sh" "$cb" | tail -1) || { ko "scripts/build-qemu.sh"; finish; }
qbuild=$(dirname "$(dirname "$qemu")")/build
daemon=$cb/vhost-user-accel/vhost-user-accel
[ -x "$daemon" ] || { ko "daemon built at $daemon"; finish; }
noop=$cb/runtime/libvaccel-noop.so
exec_plugin=$cb/runtime/libvaccel-exec.so
for lib in slow_op:"$repo/tests/qemu/slow_op.c" forbidden:"$repo/tests/vhost-user-accel/forbidden.c"; do
  so=$out/libva-${lib%%:*}.so src=${lib#*:}
  if [ ! -f "$so" ] || [ "$src" -nt "$so" ]; then
    cc -shared -fPIC -O2 -Wall -Wextra -Werror -I"$repo/runtime/include" -o "$so" "$src" ||
      { ko "build $src"; finish; }
  fi
done
slow_lib=$out/libva-slow_op.so
forbidden_lib=$out/libva-forbidden.so
# The daemon runs as nobody: everything it loads must be readable by others.
chmod -R a+rX "$out"

# --- command line ------------------------------------------------------------------------------
"$daemon" --help | grep -q -- '--exec-allowlist' && ok "--help documents the options" || ko "--help"
expect_exit() { # expect_exit CODE PATTERN NAME -- ARGS...
  local code=$1 pat=$2 name=$3 o rc
  shift 4
  o=$(timeout 20 "$daemon" "$@" 2>&1); rc=$?
  if [ $rc -eq "$code" ] && grep -q -- "$pat" <<<"$o"; then ok "$name (exit $code)"
  else ko "$name: exit $rc, output: $o"; fi
}
sock=$out/vua.sock
expect_exit 2 'socket-path is required' "no --socket-path is a usage error" --
expect_exit 2 'unrecognized option' "an unknown option is a usage error" -- --socket-path "$sock" --bogus
expect_exit 2 "not a number" "a bad quota is a usage error" -- --socket-path "$sock" --max-sessions 12x
expect_exit 2 "not kill, log or off" "a bad --seccomp is a usage error" -- --socket-path "$sock" --seccomp maybe
expect_exit 2 "max-vms: '0' is not a number in \[1, 1024\]" "--max-vms 0 is a usage error (the message names it)" \
  -- --socket-path "$sock" --max-vms 0
"$daemon" --help | grep -q -- '--max-vms N' && ok "--help documents --max-vms" || ko "--help lacks --max-vms"
touch "$out/not-a-socket"
expect_exit 3 "not a socket" "an existing non-socket path is refused" -- --socket-path "$out/not-a-socket"
expect_exit 3 "no such user" "an unknown --user is refused" -- --socket-path "$sock" --user no-such-user-va
expect_exit 3 "host-backend" "a missing plugin fails setup" -- --socket-path "$sock" --plugins /nonexistent/libx.so

# --- sandbox of a running daemon ---------------------------------------------------------------
"$daemon" --socket-path "$sock" --plugins "$noop" --log-level warning 2>"$out/daemon.log" &
dpid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
st=/proc/$dpid/status
nobody=$(id -u nobody)
# The socket exists before the sandbox does (the daemon hands the socket to its user, then drops root, sets
# no_new_privs, then the rlimits): wait for the last step before looking.
for _ in $(seq 100); do grep -qE '^Max core file size +0 +0 ' "/proc/$dpid/limits" && break; sleep 0.05; done
[ "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "$st")" = "$nobody$nobody$nobody$nobody" ] &&
  ok "runs as nobody (uid $nobody)" || ko "uid: $(grep ^Uid: "$st")"
grep -q '^NoNewPrivs:[[:space:]]*1' "$st" && ok "no_new_privs is set" || ko "$(grep NoNewPrivs "$st")"
grep -qE ' /tmp [^ ]+ [^-]*- tmpfs vhost-user-accel-tmp ' "/proc/$dpid/mountinfo" &&
  ok "/tmp is a private tmpfs" || ko "no private /tmp in mountinfo"
grep -qE '^Max core file size +0 +0 ' "/proc/$dpid/limits" && ok "RLIMIT_CORE is 0" || ko "core limit"
grep -qE '^Seccomp:[[:space:]]*0' "$st" && ok "no seccomp before a VMM connects" || ko "$(grep ^Seccomp: "$st")"
# A VMM that connects and goes away without a word: the daemon sandboxes itself, then exits 0.
python3 - "$sock" "$dpid" <<'PY' && ok "seccomp filter active once a VMM connected" || ko "seccomp not in filter mode"
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
for _ in range(100):
    if "Seccomp:\t2" in open(f"/proc/{sys.argv[2]}/status").read():
        s.close(); sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
PY
wait $dpid; rc=$?
[ $rc -eq 0 ] && ok "exit 0 when the VMM disconnects" || { ko "exit $rc on disconnect"; cat "$out/daemon.log"; }

# --- --max-vms: one daemon, several VMMs on one socket ----------------------------------------------
# multi_vm.py: raw connections stand in for VMMs (tests/unikraft/run.py multivm runs real guests).
rm -f "$sock"
"$daemon" --socket-path "$sock" --plugins "$noop" --max-vms 2 2>"$out/daemon-multi.log" &
dpid=$!
while read -r line; do
  case "$line" in "PASS: "*) ok "${line#PASS: }" ;; *) ko "${line#FAIL: }" ;; esac
done < <(python3 "$repo/tests/vhost-user-accel/multi_vm.py" "$sock" "$dpid" "$out/daemon-multi.log" 2>&1)
wait $dpid; rc=$?
[ $rc -eq 0 ] && ok "--max-vms: exit 0 on SIGTERM" || { ko "--max-vms: exit $rc on SIGTERM"; cat "$out/daemon-multi.log"; }
rm -f "$sock"
"$daemon" --socket-path "$sock" --plugins "$noop" --max-vms 100 --max-open-files 64 2>"$out/daemon-fds.log" &
dpid=$!
while read -r line; do
  case "$line" in "PASS: "*) ok "${line#PASS: }" ;; *) ko "${line#FAIL: }" ;; esac
done < <(python3 "$repo/tests/vhost-user-accel/multi_vm.py" "$sock" "$dpid" "$out/daemon-fds.log" fds 2>&1)
wait $dpid; rc=$?
[ $rc -eq 0 ] || { ko "--max-vms out of descriptors: exit $rc"; tail -5 "$out/daemon-fds.log"; }

# --- QEMU's side: properties and realize errors ------------------------------------------------
help=$("$qemu" -device vhost-user-accel-pci,help 2>&1)
missing=""
for prop in chardev num-queues queue-size vectors; do grep -q "^  $prop=" <<<"$help" || missing="$missing $prop"; done
[ -z "$missing" ] && ok "vhost-user-accel-pci,help lists its properties" || ko "help lacks:$missing"
qemu_try() { timeout 30 "$qemu" -M pc -nodefaults -display none -accel qtest -qtest null "$@" </dev/null 2>&1; }
o=$(qemu_try -device vhost-user-accel-pci); rc=$?
[ $rc -eq 1 ] && grep -q 'chardev is mandatory' <<<"$o" && ok "no chardev: realize fails with a message" ||
  ko "no chardev: rc=$rc $o"
mismatch() { # mismatch DAEMON_QUEUES DEVICE_QUEUES PATTERN
  rm -f "$sock" # a previous daemon's socket would end the wait below before this one listens
  "$daemon" --socket-path "$sock" --plugins "$noop" --num-queues "$1" --log-level error 2>>"$out/daemon.log" &
  local dpid=$! o rc
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
  o=$(qemu_try -object memory-backend-memfd,id=mem,size=64M,share=on -m 64M -numa node,memdev=mem \
    -chardev "socket,id=vua,path=$sock" -device "vhost-user-accel-pci,chardev=vua,num-queues=$2"); rc=$?
  [ $rc -eq 1 ] && grep -q "$3" <<<"$o" &&
    ok "daemon with $1 queue(s), num-queues=$2: realize fails with a message" || ko "num-queues $1/$2: rc=$rc $o"
  kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null
}
mismatch 1 2 'maximum number of queues supported by the backend is 1'
mismatch 2 1 'serves 2 request queues, num-queues is 1'

# --- the qtest ---------------------------------------------------------------------------------
log=$out/qtest.log
QTEST_QEMU_BINARY=$qemu VHOST_USER_ACCEL_BINARY=$daemon VA_TEST_PLUGINS="$exec_plugin:$noop" \
  VA_TEST_SLOW_LIB=$slow_lib VA_TEST_FORBIDDEN_LIB=$forbidden_lib \
  timeout 300 "$qbuild/tests/qtest/vhost-user-accel-test" --tap -k >"$log" 2>&1
rc=$?
tap_checks "$log"
if [ $rc -ne 0 ]; then
  grep -E 'ERROR|Bail out|assert|qemu-system|vhost-user-accel\[' "$log" | head -20
  ko "vhost-user-accel-test exited with $rc (log: $log)"
fi
grep -qE '^ok ' "$log" || ko "vhost-user-accel-test ran no test (log: $log)"

finish
