/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest side of the vhost-user-accel checks (tests/e2e/run.sh with
 * VA_E2E_MODE=vhost-user) and of the transport benchmark that compares the
 * in-process device with the daemon (tests/vhost-user-accel/bench.sh).
 *
 * Usage:
 *   e2e_vhost noop                one session, one noop; exit 0 iff it worked
 *   e2e_vhost busy LIB MS         one host exec of e2e_sleep_ms(MS); prints
 *                                 "busy: status N", exit 0 iff it worked
 *   e2e_vhost bench LIB MODE      noop round trip and 1 MiB / 64 MiB echo
 *                                 (e2e_echo: N bytes in, N bytes out) as
 *                                 "BENCH |" table rows labelled MODE
 */
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int session(struct vaccel_session *s)
{
	int ret = vaccel_session_init(s, VACCEL_PLUGIN_REMOTE);

	if (ret)
		printf("session: %d (%s)\n", ret, vaccel_last_error());
	return ret;
}

static int noop(void)
{
	struct vaccel_session s;
	int ret = session(&s);

	if (ret)
		return 1;
	ret = vaccel_noop(&s);
	printf("noop: status %d\n", ret);
	vaccel_session_release(&s);
	return ret ? 1 : 0;
}

static int busy(const char *lib, int ms)
{
	struct vaccel_arg rd[1] = {{&ms, sizeof ms, VACCEL_ARG_INT32, 0, false}};
	struct vaccel_session s;
	int ret = session(&s);

	if (ret)
		return 1;
	ret = vaccel_exec(&s, lib, "e2e_sleep_ms", rd, 1, NULL, 0);
	printf("busy: status %d\n", ret);
	vaccel_session_release(&s);
	return ret ? 1 : 0;
}

/* Median of n timings (sorted in place), in microseconds. */
static double median_us(uint64_t *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_u64);
	return (double)t[n / 2] / 1e3;
}

static int echo_row(struct vaccel_session *s, const char *lib,
		    const char *mode, size_t bytes, int reps)
{
	uint8_t *in = malloc(bytes), *out = malloc(bytes);
	uint64_t *t = calloc((size_t)reps, sizeof(*t));
	int err = 0;

	if (!in || !out || !t)
		return 1;
	for (size_t i = 0; i < bytes; i++)
		in[i] = (uint8_t)(i * 7 + 1);
	for (int i = -1; i < reps; i++) { /* i == -1: warm-up */
		struct vaccel_arg rd[1] = {{in, bytes, VACCEL_ARG_RAW, 0, false}};
		struct vaccel_arg wr[1] = {{out, bytes, VACCEL_ARG_RAW, 0, false}};
		uint64_t t0 = e2e_now_ns();

		memset(out, 0, bytes);
		err |= vaccel_exec(s, lib, "e2e_echo", rd, 1, wr, 1);
		if (i >= 0)
			t[i] = e2e_now_ns() - t0;
		err |= memcmp(in, out, bytes) != 0;
	}
	double us = median_us(t, reps);
	printf("BENCH | echo %zu MiB | %s | %d | %.0f | %.1f |\n",
	       bytes >> 20, mode, reps, us,
	       2.0 * (double)bytes / (us / 1e6) / (1 << 20));
	free(in);
	free(out);
	free(t);
	return err;
}

static int bench(const char *lib, const char *mode)
{
	enum { NOOPS = 2000 };
	uint64_t *t = calloc(NOOPS, sizeof(*t));
	struct vaccel_session s;
	int err = 0;

	if (!t || session(&s))
		return 1;
	vaccel_noop(&s);
	for (int i = 0; i < NOOPS; i++) {
		uint64_t t0 = e2e_now_ns();

		err |= vaccel_noop(&s);
		t[i] = e2e_now_ns() - t0;
	}
	printf("BENCH | noop | %s | %d | %.1f | - |\n", mode, NOOPS,
	       median_us(t, NOOPS));
	err |= echo_row(&s, lib, mode, 1u << 20, 50);
	err |= echo_row(&s, lib, mode, 64u << 20, 5);
	vaccel_session_release(&s);
	free(t);
	e2e_check(!err, "bench.vhost", "an op failed or returned wrong bytes");
	return e2e_summary("e2e_vhost");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "noop"))
		return noop();
	if (argc == 4 && !strcmp(argv[1], "busy"))
		return busy(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "bench"))
		return bench(argv[2], argv[3]);
	fprintf(stderr, "usage: e2e_vhost noop | busy LIB MS | bench LIB MODE\n");
	return 2;
}
