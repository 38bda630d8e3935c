/* SPDX-License-Identifier: Apache-2.0 */
/* C = alpha*A*B + beta*C for N x N matrices (row-major) and the largest
 * difference from a naive loop. Usage: sgemm [N] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <vaccel.h>

int main(int argc, char *argv[])
{
	int n = argc > 1 ? atoi(argv[1]) : 256;
	if (n <= 0)
		return 1;
	float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
	      *c = malloc(sizeof(float) * n * n);
	if (!a || !b || !c)
		return 1;
	for (int i = 0; i < n * n; ++i) {
		a[i] = (float)((i * 7) % 11) / 11.0f;
		b[i] = (float)((i * 3) % 13) / 13.0f;
		c[i] = 1.0f;
	}
	const float alpha = 2.0f, beta = 0.5f;
	struct vaccel_session sess;
	if (vaccel_session_init(&sess, VACCEL_PLUGIN_CPU | VACCEL_PLUGIN_GPU))
		return 1;
	int ret = vaccel_sgemm(&sess, n, n, n, alpha, a, n, b, n, beta, c, n);
	if (ret) {
		fprintf(stderr, "sgemm failed: %d (%s)\n", ret, vaccel_last_error());
	} else {
		double max_err = 0;
		for (int i = 0; i < n; ++i)
			for (int j = 0; j < n; ++j) {
				double ref = 0;
				for (int p = 0; p < n; ++p)
					ref += (double)a[i * n + p] * b[p * n + j];
				ref = alpha * ref + beta * 1.0;
				double e = fabs(ref - c[i * n + j]);
				if (e > max_err)
					max_err = e;
			}
		printf("sgemm: done by plugin %s\n", vaccel_last_op_plugin());
		printf("sgemm: max error %g\n", max_err);
	}
	vaccel_session_release(&sess);
	free(a);
	free(b);
	free(c);
	return ret ? 1 : 0;
}
