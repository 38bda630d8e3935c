/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Victim of the kill -9 test: opens 3 remote sessions and one registered
 * resource, then runs ops forever from 2 threads: one thread keeps a host
 * exec in flight (e2e_sleep_ms on the host for 300 ms), the other loops
 * sgemm 128^3 and noop. Prints "HAMMER READY <pid>" once both threads are
 * inside the device. Never exits by itself.
 *
 * Usage: e2e_hammer LIB   (LIB: e2e library on the device's allow-list)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "e2e.h"

static struct vaccel_session s[3];
static const char *lib;
static atomic_int started;

static void *sleeper(void *arg)
{
	(void)arg;
	int ms = 300;
	struct vaccel_arg rd[1] = {{&ms, sizeof ms, VACCEL_ARG_INT32, 0, false}};
	for (;;) {
		atomic_fetch_add(&started, 1);
		vaccel_exec(&s[0], lib, "e2e_sleep_ms", rd, 1, NULL, 0);
	}
	return NULL;
}

static void *cruncher(void *arg)
{
	(void)arg;
	enum { N = 128 };
	float *a = calloc(N * N, 4), *b = calloc(N * N, 4),
	      *c = calloc(N * N, 4);
	for (;;) {
		atomic_fetch_add(&started, 1);
		vaccel_sgemm(&s[1], N, N, N, 1.0f, a, N, b, N, 0.0f, c, N);
		vaccel_noop(&s[2]);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	lib = argv[1];
	for (int i = 0; i < 3; ++i)
		e2e_remote(&s[i], VACCEL_PLUGIN_GENERIC | VACCEL_PLUGIN_CPU);
	static const char data[] = "resource held by a process about to die";
	struct vaccel_resource r;
	if (vaccel_resource_init_from_buf(&r, data, sizeof data,
					  VACCEL_RESOURCE_DATA, "victim.bin",
					  true) ||
	    vaccel_resource_register(&r, &s[2]))
		return 1;
	pthread_t t1, t2;
	pthread_create(&t1, NULL, sleeper, NULL);
	pthread_create(&t2, NULL, cruncher, NULL);
	while (atomic_load(&started) < 3)
		usleep(10000);
	printf("HAMMER READY %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
