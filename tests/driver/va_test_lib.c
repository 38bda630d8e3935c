// SPDX-License-Identifier: BSD-3-Clause
/*
 * Host-side library for the driver tests, run by the host exec plugin
 * (VIRTIO_ACCEL_OP_EXEC). It must be on the device's exec allow-list.
 * Signature of vAccel exec functions:
 *   int fn(struct vaccel_arg *read, size_t nr_read,
 *          struct vaccel_arg *write, size_t nr_write)
 */
#include <string.h>
#include <time.h>
#include <errno.h>

#include <vaccel/arg.h>

/* write[0] = read[0]: proves every byte crosses the transport both ways. */
int va_test_echo(struct vaccel_arg *read, size_t nr_read,
		 struct vaccel_arg *write, size_t nr_write)
{
	if (nr_read != 1 || nr_write != 1 || write[0].size < read[0].size)
		return EINVAL;
	memcpy(write[0].buf, read[0].buf, read[0].size);
	return 0;
}

/* Sleeps read[0] (uint32, milliseconds, at most 60 s): a slow operation. */
int va_test_sleep(struct vaccel_arg *read, size_t nr_read,
		  struct vaccel_arg *write, size_t nr_write)
{
	unsigned int ms;
	struct timespec ts;

	(void)write;
	if (nr_read != 1 || nr_write != 0 || read[0].size != sizeof(ms))
		return EINVAL;
	memcpy(&ms, read[0].buf, sizeof(ms));
	if (ms > 60000)
		return EINVAL;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}
