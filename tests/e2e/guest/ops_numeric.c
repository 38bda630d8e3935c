/* SPDX-License-Identifier: Apache-2.0 */
/* SGEMM on several shapes, MINMAX and the four FPGA ops: device (host cpu
 * plugin) vs the guest's own cpu plugin. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "ops.h"

#define SENTINEL 12345.0f

struct shape {
	const char *name;
	long long m, n, k, lda, ldb, ldc;
	float alpha, beta;
	int expect; /* expected return code of both */
};

static size_t span(long long rows, long long cols, long long ld)
{
	return rows && cols ? (size_t)((rows - 1) * ld + cols) : 1;
}

static void sgemm_shape(struct vaccel_session *rs, struct vaccel_session *ls,
			const struct shape *s)
{
	char name[96];
	snprintf(name, sizeof name, "sgemm.%s", s->name);
	size_t na = span(s->m, s->k, s->lda), nb = span(s->k, s->n, s->ldb),
	       nc = span(s->m, s->n, s->ldc);
	float *a = malloc(na * 4), *b = malloc(nb * 4), *c0 = malloc(nc * 4),
	      *cr = malloc(nc * 4), *cl = malloc(nc * 4);
	uint64_t st = 0x9e3779b97f4a7c15ull ^ (uint64_t)(s->m * 131 + s->k);
	for (size_t i = 0; i < na; ++i)
		a[i] = e2e_randf(&st);
	for (size_t i = 0; i < nb; ++i)
		b[i] = e2e_randf(&st);
	/* C: the window gets random values, the gaps a sentinel that SGEMM
	 * must not touch. */
	for (size_t i = 0; i < nc; ++i)
		c0[i] = SENTINEL;
	for (long long i = 0; i < s->m; ++i)
		for (long long j = 0; j < s->n; ++j)
			c0[i * s->ldc + j] = e2e_randf(&st);
	memcpy(cr, c0, nc * 4);
	memcpy(cl, c0, nc * 4);
	int rr = vaccel_sgemm(rs, s->m, s->n, s->k, s->alpha, a, s->lda, b,
			      s->ldb, s->beta, cr, s->ldc);
	const char *who = e2e_executor();
	int rl = vaccel_sgemm(ls, s->m, s->n, s->k, s->alpha, a, s->lda, b,
			      s->ldb, s->beta, cl, s->ldc);
	if (rr != s->expect || rl != s->expect) {
		e2e_fail(name, "remote %d local %d, expected %d", rr, rl,
			 s->expect);
		goto out;
	}
	double worst = 0;
	size_t bad_gap = 0;
	for (long long i = 0; i < s->m; ++i)
		for (long long j = 0; j < s->n; ++j) {
			double mag = fabs(s->beta * c0[i * s->ldc + j]);
			for (long long p = 0; p < s->k; ++p)
				mag += fabs(s->alpha * a[i * s->lda + p] *
					    b[p * s->ldb + j]);
			double d = fabs((double)cr[i * s->ldc + j] -
					cl[i * s->ldc + j]);
			double rel = d / (mag + 1e-30);
			if (rel > worst)
				worst = rel;
		}
	for (long long i = 0; i + 1 < s->m; ++i)
		for (long long j = s->n; j < s->ldc; ++j)
			if (cr[i * s->ldc + j] != SENTINEL ||
			    cl[i * s->ldc + j] != SENTINEL)
				bad_gap++;
	if (s->expect == VACCEL_OK && s->m && s->n &&
	    strcmp(who, "cpu") != 0) {
		e2e_fail(name, "executed by host plugin '%s', expected cpu",
			 who);
		goto out;
	}
	e2e_check(worst <= 1e-4 && !bad_gap, name,
		  "max relative difference %.3g, %zu gap elements changed",
		  worst, bad_gap);
out:
	free(a);
	free(b);
	free(c0);
	free(cr);
	free(cl);
}

static void minmax(struct vaccel_session *rs, struct vaccel_session *ls,
		   const char *name, int n)
{
	double *in = malloc((size_t)n * 8), *outr = malloc((size_t)n * 8),
	       *ol = malloc((size_t)n * 8);
	uint64_t st = 42;
	for (int i = 0; i < n; ++i)
		in[i] = 100.0 * e2e_randf(&st);
	double rmin = 0, rmax = 0, lmin = 1, lmax = 1;
	int rr = vaccel_minmax(rs, in, n, -50, 50, outr, &rmin, &rmax);
	const char *who = e2e_executor();
	int rl = vaccel_minmax(ls, in, n, -50, 50, ol, &lmin, &lmax);
	if (rr || rl)
		e2e_fail(name, "remote %d local %d", rr, rl);
	else
		e2e_check(!memcmp(outr, ol, (size_t)n * 8) && rmin == lmin &&
				  rmax == lmax && !strcmp(who, "cpu"),
			  name,
			  "outputs differ (min %g/%g max %g/%g) or executor "
			  "'%s' != cpu",
			  rmin, lmin, rmax, lmax, who);
	free(in);
	free(outr);
	free(ol);
}

static void fpga(struct vaccel_session *rs, struct vaccel_session *ls)
{
	enum { N = 1000, M = 16 };
	static int ia[N], iro[N], ilo[N];
	static float a[N], b[N], r1[N], r2[N], l1[N], l2[N];
	uint64_t st = 7;
	for (int i = 0; i < N; ++i) {
		ia[i] = (int)(e2e_randf(&st) * 1e6f);
		a[i] = e2e_randf(&st);
		b[i] = e2e_randf(&st);
	}
	int rr = vaccel_fpga_arraycopy(rs, ia, iro, N);
	int rl = vaccel_fpga_arraycopy(ls, ia, ilo, N);
	e2e_check(!rr && !rl && !memcmp(iro, ilo, sizeof iro) &&
			  !memcmp(iro, ia, sizeof ia),
		  "fpga.arraycopy", "remote %d local %d or data differs", rr,
		  rl);

	rr = vaccel_fpga_vadd(rs, a, b, r1, N, N);
	rl = vaccel_fpga_vadd(ls, a, b, l1, N, N);
	e2e_check(!rr && !rl && !memcmp(r1, l1, sizeof r1), "fpga.vadd",
		  "remote %d local %d or data differs", rr, rl);

	rr = vaccel_fpga_vadd(rs, a, b, r1, 10, 9);
	rl = vaccel_fpga_vadd(ls, a, b, l1, 10, 9);
	e2e_check(rr == VACCEL_EINVAL && rl == VACCEL_EINVAL,
		  "fpga.vadd_length_mismatch", "remote %d local %d (want %d)",
		  rr, rl, VACCEL_EINVAL);

	rr = vaccel_fpga_parallel(rs, a, b, r1, r2, N);
	rl = vaccel_fpga_parallel(ls, a, b, l1, l2, N);
	e2e_check(!rr && !rl && !memcmp(r1, l1, sizeof r1) &&
			  !memcmp(r2, l2, sizeof r2),
		  "fpga.parallel", "remote %d local %d or data differs", rr,
		  rl);

	rr = vaccel_fpga_mmult(rs, a, b, r1, M * M);
	rl = vaccel_fpga_mmult(ls, a, b, l1, M * M);
	double worst = 0;
	for (int i = 0; i < M * M; ++i) {
		double d = fabs((double)r1[i] - l1[i]);
		if (d > worst)
			worst = d;
	}
	e2e_check(!rr && !rl && worst <= 1e-5, "fpga.mmult",
		  "remote %d local %d max difference %g", rr, rl, worst);

	rr = vaccel_fpga_mmult(rs, a, b, r1, 15); /* not a square */
	rl = vaccel_fpga_mmult(ls, a, b, l1, 15);
	e2e_check(rr == rl && rr == VACCEL_EINVAL, "fpga.mmult_not_square",
		  "remote %d local %d (want %d)", rr, rl, VACCEL_EINVAL);
}

void ops_numeric(const struct ops_config *c)
{
	struct vaccel_session rs, ls;
	e2e_remote(&rs, VACCEL_PLUGIN_CPU);
	e2e_local(&ls, VACCEL_PLUGIN_CPU);
	static const struct shape shapes[] = {
		{"1x1x1", 1, 1, 1, 1, 1, 1, 2.0f, 0.0f, VACCEL_OK},
		{"3x5x7_beta", 3, 5, 7, 7, 5, 5, 1.0f, 0.5f, VACCEL_OK},
		{"17x31x13_padded", 17, 31, 13, 16, 40, 33, 0.75f, 0.0f,
		 VACCEL_OK},
		{"17x31x13_padded_beta", 17, 31, 13, 16, 40, 33, 0.75f, -2.0f,
		 VACCEL_OK},
		{"64x64x64", 64, 64, 64, 64, 64, 64, 1.0f, -1.25f, VACCEL_OK},
		{"128x96x200", 128, 96, 200, 200, 96, 96, 1.0f, 0.0f,
		 VACCEL_OK},
		{"m0", 0, 5, 3, 3, 5, 5, 1.0f, 0.0f, VACCEL_OK},
		{"k0_scales_c", 4, 4, 0, 1, 4, 4, 1.0f, 2.0f, VACCEL_OK},
		{"bad_lda", 2, 2, 2, 1, 2, 2, 1.0f, 0.0f, VACCEL_EINVAL},
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i)
		sgemm_shape(&rs, &ls, &shapes[i]);
	if (c->big) {
		static const struct shape big = {"512x512x512_1MiB", 512, 512,
						 512, 512, 512, 512, 1.0f,
						 0.5f, VACCEL_OK};
		sgemm_shape(&rs, &ls, &big);
	}
	minmax(&rs, &ls, "minmax.1000", 1000);
	if (c->big)
		minmax(&rs, &ls, "minmax.4MiB", 512 * 1024);
	fpga(&rs, &ls);
	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
}
