/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Concurrency: T threads, each with S remote sessions of its own, run I
 * rounds of (sgemm 24x24 checked against a naive product, minmax checked
 * exactly, noop) on every session; one more round shares one session between
 * all threads. Several copies run as concurrent processes (run-guest.sh).
 *
 * Usage: e2e_stress THREADS SESSIONS ITERATIONS
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

enum { N = 24 };
static int sessions_per_thread, iterations;
static atomic_int errors, ops;
static struct vaccel_session shared;

static int one_round(struct vaccel_session *s, uint64_t *seed)
{
	float a[N * N], b[N * N], c[N * N];
	for (int i = 0; i < N * N; ++i) {
		a[i] = e2e_randf(seed);
		b[i] = e2e_randf(seed);
	}
	if (vaccel_sgemm(s, N, N, N, 1.0f, a, N, b, N, 0.0f, c, N))
		return 1;
	for (int i = 0; i < N; ++i)
		for (int j = 0; j < N; ++j) {
			double ref = 0;
			for (int p = 0; p < N; ++p)
				ref += (double)a[i * N + p] * b[p * N + j];
			if (fabs(ref - c[i * N + j]) > 1e-4)
				return 2;
		}
	double in[64], out[64], mn, mx;
	double emn = 1e9, emx = -1e9;
	for (int i = 0; i < 64; ++i) {
		in[i] = 10 * e2e_randf(seed);
		if (in[i] < emn)
			emn = in[i];
		if (in[i] > emx)
			emx = in[i];
	}
	if (vaccel_minmax(s, in, 64, -5, 5, out, &mn, &mx) || mn != emn ||
	    mx != emx)
		return 3;
	for (int i = 0; i < 64; ++i) {
		double e = in[i] < -5 ? -5 : in[i] > 5 ? 5 : in[i];
		if (out[i] != e)
			return 4;
	}
	if (vaccel_noop(s))
		return 5;
	atomic_fetch_add(&ops, 3);
	return 0;
}

static void *worker(void *arg)
{
	uint64_t seed = 0x1234567ull + (uint64_t)(uintptr_t)arg * 7919 +
			(uint64_t)getpid() * 104729;
	struct vaccel_session *ss = calloc((size_t)sessions_per_thread,
					   sizeof *ss);
	for (int i = 0; i < sessions_per_thread; ++i)
		if (vaccel_session_init(&ss[i], VACCEL_PLUGIN_REMOTE |
						       VACCEL_PLUGIN_CPU)) {
			atomic_fetch_add(&errors, 1);
			ss[i].id = 0;
		}
	for (int it = 0; it < iterations; ++it)
		for (int i = 0; i < sessions_per_thread; ++i)
			if (ss[i].id && one_round(&ss[i], &seed))
				atomic_fetch_add(&errors, 1);
	if (one_round(&shared, &seed))
		atomic_fetch_add(&errors, 1);
	for (int i = 0; i < sessions_per_thread; ++i)
		if (ss[i].id && vaccel_session_release(&ss[i]))
			atomic_fetch_add(&errors, 1);
	free(ss);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s THREADS SESSIONS ITERATIONS\n",
			argv[0]);
		return 2;
	}
	int threads = atoi(argv[1]);
	sessions_per_thread = atoi(argv[2]);
	iterations = atoi(argv[3]);
	e2e_remote(&shared, VACCEL_PLUGIN_CPU);
	pthread_t *t = calloc((size_t)threads, sizeof *t);
	uint64_t t0 = e2e_now_ns();
	for (int i = 0; i < threads; ++i)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (int i = 0; i < threads; ++i)
		pthread_join(t[i], NULL);
	vaccel_session_release(&shared);
	char name[64];
	snprintf(name, sizeof name, "stress.pid%d", (int)getpid());
	e2e_check(!errors, name, "%d errors in %d ops", (int)errors, (int)ops);
	printf("stress pid %d: %d threads x %d sessions, %d ops in %.2f s\n",
	       (int)getpid(), threads, sessions_per_thread, (int)ops,
	       (double)(e2e_now_ns() - t0) / 1e9);
	free(t);
	return e2e_summary("e2e_stress");
}
