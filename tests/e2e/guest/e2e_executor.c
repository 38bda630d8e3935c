/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which host plugin executed what: sgemm, minmax and the fpga vector add go
 * through the device and must be executed by the host plugin named on the
 * command line (e.g. "opencl"), with results equal to the same ops run
 * natively in the guest on the cpu plugin (sgemm within 1e-4 relative).
 *
 * Usage: e2e_executor <expected-host-plugin>
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static const char *want;

static void check_executor(const char *name)
{
	const char *got = e2e_executor();
	e2e_check(strcmp(got, want) == 0, name, "executed by '%s', want '%s'",
		  got, want);
}

static void sgemm_on(struct vaccel_session *rs, struct vaccel_session *ls,
		     int m, int n, int k)
{
	uint64_t seed = 7;
	float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
	float *cr = calloc((size_t)m * n, sizeof(float));
	float *cl = calloc((size_t)m * n, sizeof(float));
	for (int i = 0; i < m * k; i++)
		a[i] = e2e_randf(&seed);
	for (int i = 0; i < k * n; i++)
		b[i] = e2e_randf(&seed);
	int r = vaccel_sgemm(rs, m, n, k, 1.0f, a, k, b, n, 0.0f, cr, n);
	char name[64];
	snprintf(name, sizeof name, "executor.sgemm_%dx%dx%d", m, n, k);
	check_executor(name);
	int l = vaccel_sgemm(ls, m, n, k, 1.0f, a, k, b, n, 0.0f, cl, n);
	double worst = 0;
	for (int i = 0; i < m * n; i++) {
		double d = fabs((double)cr[i] - cl[i]) / (1.0 + fabs(cl[i]));
		if (d > worst)
			worst = d;
	}
	snprintf(name, sizeof name, "executor.sgemm_%dx%dx%d_result", m, n, k);
	e2e_check(!r && !l && worst < 1e-4, name,
		  "remote %d local %d max rel. diff %g", r, l, worst);
	free(a);
	free(b);
	free(cr);
	free(cl);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <expected-host-plugin>\n", argv[0]);
		return 2;
	}
	want = argv[1];
	struct vaccel_session rs, ls;
	e2e_remote(&rs, 0);
	e2e_local(&ls, VACCEL_PLUGIN_CPU);

	sgemm_on(&rs, &ls, 64, 48, 32);
	sgemm_on(&rs, &ls, 33, 17, 65); /* not multiples of the 16x16 tile */

	double in[5] = {3.5, -2, 9, 4, 0.25}, out_r[5], out_l[5];
	double mn_r, mx_r, mn_l, mx_l;
	int r = vaccel_minmax(&rs, in, 5, 0, 5, out_r, &mn_r, &mx_r);
	check_executor("executor.minmax");
	int l = vaccel_minmax(&ls, in, 5, 0, 5, out_l, &mn_l, &mx_l);
	e2e_check(!r && !l && mn_r == mn_l && mx_r == mx_l &&
			  !memcmp(out_r, out_l, sizeof out_r),
		  "executor.minmax_result", "remote %d local %d", r, l);

	float va[4] = {1, 2, 3, 4}, vb[4] = {10, 20, 30, 40}, vr[4], vl[4];
	r = vaccel_fpga_vadd(&rs, va, vb, vr, 4, 4);
	check_executor("executor.fpga_vadd");
	l = vaccel_fpga_vadd(&ls, va, vb, vl, 4, 4);
	e2e_check(!r && !l && !memcmp(vr, vl, sizeof vr),
		  "executor.fpga_vadd_result", "remote %d local %d", r, l);

	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
	return e2e_summary("e2e_executor");
}
