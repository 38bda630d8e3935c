/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A host library for the exec plugin whose function takes as long as the
 * guest asks: the device tests use it as the "slow accelerator operation"
 * (tests/qtest/virtio-accel-test.c in qemu-patches/). It is allow-listed
 * through the device's exec-allowlist property.
 *
 * va_test_sleep(read[0] = uint32 milliseconds) sleeps, then writes the
 * milliseconds back to write[0] so the test sees the call really ran here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <vaccel/arg.h>

int va_test_sleep(struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		  size_t nr_write)
{
	uint32_t ms;
	struct timespec ts;

	if (nr_read < 1 || read[0].size != sizeof(ms) || nr_write < 1 ||
	    write[0].size < sizeof(ms))
		return EINVAL;
	memcpy(&ms, read[0].buf, sizeof(ms));
	if (ms > 60000)
		return EINVAL;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	memcpy(write[0].buf, &ms, sizeof(ms));
	return 0;
}
