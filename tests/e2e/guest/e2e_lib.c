/* SPDX-License-Identifier: Apache-2.0 */
/* Exec library of the e2e tests (on the device's allow-list; the same file
 * is in the guest). Exec convention: int fn(read, nr_read, write, nr_write). */
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <vaccel.h>

/* Sleeps read[0] (int) milliseconds on the host: keeps a request in flight
 * long enough to kill its guest process in the middle of it. */
int e2e_sleep_ms(struct vaccel_arg *read, size_t nr_read,
		 struct vaccel_arg *write, size_t nr_write)
{
	(void)write;
	(void)nr_write;
	if (nr_read < 1 || read[0].size != sizeof(int))
		return 1;
	int ms = *(const int *)read[0].buf;
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return 0;
}

/* Copies read[0] to write[0] (same size): the transport benchmark's payload
 * goes guest -> host -> guest once each way (tests/e2e/guest/e2e_vhost.c). */
int e2e_echo(struct vaccel_arg *read, size_t nr_read,
	     struct vaccel_arg *write, size_t nr_write)
{
	if (nr_read < 1 || nr_write < 1 || read[0].size != write[0].size)
		return 1;
	memcpy(write[0].buf, read[0].buf, read[0].size);
	return 0;
}
