#!/usr/bin/env bash
# Prints a libvirt domain definition that runs our QEMU (scripts/build-qemu.sh) with
# -device virtio-accel-pci, passed through <qemu:commandline> because libvirt has no model for it.
#
# Usage: scripts/libvirt/virtio-accel-domain.sh [options] > domain.xml
#   --name NAME          domain name (default: virtio-accel-vm)
#   --emulator PATH      QEMU binary or wrapper (default: <repo>/build/qemu/bin/qemu-system-x86_64)
#   --type qemu|kvm      libvirt domain type (default: kvm when /dev/kvm works, else qemu = TCG;
#                        on this project's nested hosts pass --type qemu)
#   --memory MIB         guest RAM (default 256)
#   --kernel PATH --initrd PATH --append ARGS   direct kernel boot (optional; without them the guest
#                        sits in SeaBIOS, which is enough to see the device from the monitor)
#   --device-opts OPTS   extra virtio-accel-pci properties, e.g. "num-queues=2,plugins=/x/libvaccel-noop.so"
#   --env NAME=VALUE     environment for QEMU (e.g. VACCEL_PLUGINS=...); repeatable
#   --run-as UID:GID     run QEMU as this user (a static DAC label): our QEMU and the host plugins
#                        live in a build tree that libvirt's own qemu user may not be able to reach
#   --vhost-user SOCKET  out of process: -device vhost-user-accel-pci on a reconnecting chardev to a
#                        vhost-user-accel daemon listening on SOCKET (started by the operator or its
#                        supervisor, one per domain), guest RAM as a shared memfd (<memoryBacking>);
#                        --device-opts then takes vhost-user-accel-pci properties (num-queues=N)
# The device gets id=va0; in-process, its counters are /machine/peripheral/va0 stat-* in qom-get.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
name=virtio-accel-vm
emulator=$repo/build/qemu/bin/qemu-system-x86_64
type=""
memory=256
kernel="" initrd="" append=""
devopts=""
envs=()
run_as=""
vu_sock=""

while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --emulator) emulator=$2; shift 2 ;;
    --type) type=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --device-opts) devopts=$2; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --run-as) run_as=$2; shift 2 ;;
    --vhost-user) vu_sock=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "virtio-accel-domain: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -z "$type" ] && { [ -w /dev/kvm ] && type=kvm || type=qemu; }
case "$type" in qemu|kvm) ;; *) echo "virtio-accel-domain: --type must be qemu or kvm" >&2; exit 2 ;; esac

xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e "s/'/\&apos;/g" -e 's/"/\&quot;/g' <<<"$1"; }

cpu=""
[ "$type" = kvm ] && cpu="  <cpu mode='host-passthrough'/>"
boot=""
if [ -n "$kernel" ]; then
  boot="    <kernel>$(xml_escape "$kernel")</kernel>"
  [ -n "$initrd" ] && boot+=$'\n'"    <initrd>$(xml_escape "$initrd")</initrd>"
  [ -n "$append" ] && boot+=$'\n'"    <cmdline>$(xml_escape "$append")</cmdline>"
fi
dev="virtio-accel-pci,id=va0${devopts:+,$devopts}"
chardev=""
membacking=""
if [ -n "$vu_sock" ]; then
  # reconnect=1: a restarted daemon is picked up again without restarting the domain.
  chardev="socket,id=vua,path=$vu_sock,reconnect=1"
  dev="vhost-user-accel-pci,id=va0,chardev=vua${devopts:+,$devopts}"
  membacking="  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"
fi
seclabel=""
if [ -n "$run_as" ]; then
  [[ "$run_as" =~ ^[0-9]+:[0-9]+$ ]] || { echo "virtio-accel-domain: --run-as wants UID:GID" >&2; exit 2; }
  seclabel="  <seclabel type='static' model='dac' relabel='no'><label>+${run_as%%:*}:+${run_as##*:}</label></seclabel>"
fi

cat <<XML
<domain type='$type' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$(xml_escape "$name")</name>
  <memory unit='MiB'>$memory</memory>
${membacking:+$membacking
}  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
${boot:+$boot
}  </os>
  <features><acpi/></features>
$cpu
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
${seclabel:+$seclabel
}  <devices>
    <emulator>$(xml_escape "$emulator")</emulator>
    <controller type='usb' model='none'/>
    <serial type='pty'/>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
XML
if [ -n "$chardev" ]; then
  printf "    <qemu:arg value='-chardev'/>\n    <qemu:arg value='%s'/>\n" "$(xml_escape "$chardev")"
fi
cat <<XML
    <qemu:arg value='-device'/>
    <qemu:arg value='$(xml_escape "$dev")'/>
XML
for e in "${envs[@]+"${envs[@]}"}"; do
  printf "    <qemu:env name='%s' value='%s'/>\n" "$(xml_escape "${e%%=*}")" "$(xml_escape "${e#*=}")"
done
cat <<XML
  </qemu:commandline>
</domain>
XML
