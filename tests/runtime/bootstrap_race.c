/* SPDX-License-Identifier: Apache-2.0 */
/* The bootstrap race of issue 10: N threads whose FIRST vAccel call starts
 * at the same instant (a barrier) each create a session and run an op; every
 * one must see the plugins of VACCEL_PLUGINS. Run it many times in fresh
 * processes (bootstrap-race.sh): the old lazy bootstrap published
 * "initialized" before loading the plugins and failed about 1 run in 5.
 *
 * usage: bootstrap_race THREADS        -> exit 0 if every thread succeeded
 *        bootstrap_race --initialized  -> prints vaccel_is_initialized() */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vaccel.h>

static pthread_barrier_t start;
static int failures;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	struct vaccel_session s;
	int ret = vaccel_session_init(&s, 0);
	if (!ret) {
		ret = vaccel_noop(&s);
		vaccel_session_release(&s);
	}
	if (ret) {
		pthread_mutex_lock(&mu);
		failures++;
		pthread_mutex_unlock(&mu);
		fprintf(stderr, "thread failed: %d\n", ret);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--initialized")) {
		printf("%d\n", vaccel_is_initialized() ? 1 : 0);
		return 0;
	}
	int n = argc > 1 ? atoi(argv[1]) : 4;
	if (n < 1 || n > 256)
		return 2;
	pthread_t t[256];
	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return failures ? 1 : 0;
}
