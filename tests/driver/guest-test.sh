#!/bin/sh
# Runs inside the test VM (the /init of scripts/build-guest-image.sh calls it as /test.sh).
# Kernel command line: va.exec_lib=HOSTPATH (optional) names the host test library for OP_EXEC.
lib=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^va\.exec_lib=//p')
only=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^va\.only=//p')
/bin/va_driver_test --ko /lib/modules/virtio_accel.ko --exec-lib "$lib" ${only:+--only "$only"}
rc=$?
# The same tests from a 32-bit process (compat_ioctl), without the slow ones.
if [ -x /bin/va_driver_test32 ] && [ -z "$only" ]; then
  echo "--- 32-bit (compat) run ---"
  /bin/va_driver_test32 --exec-lib "$lib" --skip-slow || rc=1
fi
# Any kernel warning, BUG or refcount complaint during the tests is a failure too.
if dmesg | grep -E 'WARNING:|BUG:|Oops|refcount_t|general protection|list_del corruption' ; then
  echo "FAIL: kernel log has warnings (above)"
  echo "0 passed, 1 failed"
  rc=1
fi
dmesg | grep -i 'virtio_accel\|accel' | tail -n 20
exit $rc
