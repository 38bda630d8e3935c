/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prints the device-wide counters (STATS_GET through /dev/virtio-accel0).
 * With --expect-idle SECONDS: passes once the host holds no session and no
 * resource, polling for up to SECONDS (a host op still running when its
 * process died finishes first; the session is released after it).
 *
 * With --expect-busy NAME: passes if at least one request other than this
 * STATS_GET itself is in flight on the device (proof that a kill that
 * follows lands in the middle of operations).
 *
 * Usage: e2e_stats [--expect-idle SECONDS NAME | --expect-busy NAME]
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

static void show(const struct e2e_stats *s)
{
	printf("device stats: requests %llu errors %llu in_flight %llu "
	       "sessions %llu resources %llu\n",
	       (unsigned long long)s->requests, (unsigned long long)s->errors,
	       (unsigned long long)s->in_flight,
	       (unsigned long long)s->sessions,
	       (unsigned long long)s->resources);
}

int main(int argc, char **argv)
{
	struct e2e_stats s;
	int ret = e2e_device_stats(&s);
	if (ret) {
		fprintf(stderr, "STATS ioctl: %s\n", strerror(ret));
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "--expect-busy")) {
		show(&s);
		e2e_check(s.in_flight >= 2, argv[2],
			  "only %llu request(s) in flight, counting STATS_GET",
			  (unsigned long long)s.in_flight);
		return e2e_summary("e2e_stats");
	}
	if (argc < 4 || strcmp(argv[1], "--expect-idle")) {
		show(&s);
		return 0;
	}
	double limit = atof(argv[2]);
	uint64_t t0 = e2e_now_ns();
	while ((s.sessions || s.resources) &&
	       (double)(e2e_now_ns() - t0) / 1e9 < limit) {
		usleep(100000);
		e2e_device_stats(&s);
	}
	show(&s);
	e2e_check(!s.sessions && !s.resources, argv[3],
		  "host still holds %llu sessions, %llu resources after %.1f s",
		  (unsigned long long)s.sessions,
		  (unsigned long long)s.resources,
		  (double)(e2e_now_ns() - t0) / 1e9);
	return e2e_summary("e2e_stats");
}
