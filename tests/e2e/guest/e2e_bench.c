/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest benchmark: noop round trip and SGEMM m=n=k=512 (1 MiB per matrix)
 * through the device (host cpu plugin) vs natively in the guest (guest cpu
 * plugin), printed as a table. Under TCG the guest CPU is emulated, so
 * "native" is slow and the device path includes emulated copies: the numbers
 * describe this VM, not the hardware.
 *
 * Usage: e2e_bench [NOOP_ITERATIONS [SGEMM_REPS]]
 */
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct result {
	double median_us, p99_us, min_us;
	double host_us; /* host execution time (device path only) */
};

static struct result summarize(uint64_t *t, uint64_t *host, int n)
{
	struct result r = {0};
	qsort(t, (size_t)n, sizeof *t, cmp_u64);
	r.min_us = (double)t[0] / 1e3;
	r.median_us = (double)t[n / 2] / 1e3;
	r.p99_us = (double)t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] / 1e3;
	if (host) {
		qsort(host, (size_t)n, sizeof *host, cmp_u64);
		r.host_us = (double)host[n / 2] / 1e3;
	}
	return r;
}

static struct result bench_noop(struct vaccel_session *s, int n, int remote)
{
	uint64_t *t = calloc((size_t)n, 8), *h = calloc((size_t)n, 8);
	for (int i = 0; i < n; ++i) {
		uint64_t t0 = e2e_now_ns();
		vaccel_noop(s);
		t[i] = e2e_now_ns() - t0;
		h[i] = remote ? e2e_exec_ns() : 0;
	}
	struct result r = summarize(t, remote ? h : NULL, n);
	free(t);
	free(h);
	return r;
}

static struct result bench_sgemm(struct vaccel_session *s, int reps,
				 int remote, int *err)
{
	enum { N = 512 };
	float *a = malloc(N * N * 4), *b = malloc(N * N * 4),
	      *c = malloc(N * N * 4);
	uint64_t seed = 99;
	for (int i = 0; i < N * N; ++i) {
		a[i] = e2e_randf(&seed);
		b[i] = e2e_randf(&seed);
		c[i] = 0;
	}
	uint64_t *t = calloc((size_t)reps, 8), *h = calloc((size_t)reps, 8);
	for (int i = 0; i < reps; ++i) {
		uint64_t t0 = e2e_now_ns();
		*err |= vaccel_sgemm(s, N, N, N, 1.0f, a, N, b, N, 0.0f, c, N);
		t[i] = e2e_now_ns() - t0;
		h[i] = remote ? e2e_exec_ns() : 0;
	}
	struct result r = summarize(t, remote ? h : NULL, reps);
	free(a);
	free(b);
	free(c);
	free(t);
	free(h);
	return r;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	int reps = argc > 2 ? atoi(argv[2]) : 3;
	struct vaccel_session rs, ls;
	e2e_remote(&rs, VACCEL_PLUGIN_CPU);
	e2e_local(&ls, VACCEL_PLUGIN_CPU);
	/* warm up both paths (plugin init, page faults, BLAS threads) */
	vaccel_noop(&rs);
	vaccel_noop(&ls);
	int err = 0;
	bench_sgemm(&rs, 1, 1, &err);
	bench_sgemm(&ls, 1, 0, &err);
	struct result nr = bench_noop(&rs, n, 1), nl = bench_noop(&ls, n, 0);
	struct result sr = bench_sgemm(&rs, reps, 1, &err);
	struct result sl = bench_sgemm(&ls, reps, 0, &err);
	const double gflop = 2.0 * 512 * 512 * 512 / 1e9;
	printf("BENCH | op | path | n | median us | p99 us | min us | host exec us | GFLOP/s (median) |\n");
	printf("BENCH |---|---|---|---|---|---|---|---|\n");
	printf("BENCH | noop | device (host noop) | %d | %.1f | %.1f | %.1f | %.1f | - |\n",
	       n, nr.median_us, nr.p99_us, nr.min_us, nr.host_us);
	printf("BENCH | noop | guest native | %d | %.2f | %.2f | %.2f | - | - |\n",
	       n, nl.median_us, nl.p99_us, nl.min_us);
	printf("BENCH | sgemm 512^3 | device (host cpu) | %d | %.0f | %.0f | %.0f | %.0f | %.2f |\n",
	       reps, sr.median_us, sr.p99_us, sr.min_us, sr.host_us,
	       gflop / (sr.median_us / 1e6));
	printf("BENCH | sgemm 512^3 | guest native (cpu) | %d | %.0f | %.0f | %.0f | - | %.2f |\n",
	       reps, sl.median_us, sl.p99_us, sl.min_us,
	       gflop / (sl.median_us / 1e6));
	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
	e2e_check(!err, "bench", "an op failed during the benchmark");
	return e2e_summary("e2e_bench");
}
