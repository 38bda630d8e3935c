/* SPDX-License-Identifier: Apache-2.0 */
/* The generic-op forms: minmax and sgemm through vaccel_genop, with the
 * arguments packed by an arg array. */
#include <stdio.h>
#include <vaccel.h>

int main(void)
{
	struct vaccel_session sess;
	if (vaccel_session_init(&sess, VACCEL_PLUGIN_CPU))
		return 1;

	/* minmax: read = op, indata, ndata, low, high; write = out, min, max */
	uint8_t op = VACCEL_OP_MINMAX;
	double in[6] = { 3, -7, 12, 5, 0, 9 }, out[6], mn, mx;
	int32_t nd = 6, lo = 0, hi = 10;
	struct vaccel_arg_array read, write;
	vaccel_arg_array_init(&read, 5);
	vaccel_arg_array_init(&write, 3);
	vaccel_arg_array_add_uint8(&read, &op);
	vaccel_arg_array_add_double_array(&read, in, 6);
	vaccel_arg_array_add_int32(&read, &nd);
	vaccel_arg_array_add_int32(&read, &lo);
	vaccel_arg_array_add_int32(&read, &hi);
	vaccel_arg_array_add_double_array(&write, out, 6);
	vaccel_arg_array_add_double(&write, &mn);
	vaccel_arg_array_add_double(&write, &mx);
	int ret = vaccel_genop(&sess, vaccel_arg_array_raw(&read),
			       (int)vaccel_arg_array_count(&read),
			       vaccel_arg_array_raw(&write),
			       (int)vaccel_arg_array_count(&write));
	if (ret)
		fprintf(stderr, "genop minmax failed: %d (%s)\n", ret,
			vaccel_last_error());
	else
		printf("minmax: min %g max %g clamped[2] %g\n", mn, mx, out[2]);
	vaccel_arg_array_release(&read);
	vaccel_arg_array_release(&write);

	/* sgemm: read = op, m, n, k, alpha, A, lda, B, ldb, beta, ldc;
	 * write = C (upstream vAccel 0.8's layout) */
	if (!ret) {
		uint8_t sop = VACCEL_OP_BLAS_SGEMM;
		int64_t m = 2, n = 2, k = 2, lda = 2, ldb = 2, ldc = 2;
		float alpha = 1, beta = 0, A[4] = { 1, 2, 3, 4 }, B[4] = { 5, 6, 7, 8 },
		      C[4];
		vaccel_arg_array_init(&read, 11);
		vaccel_arg_array_init(&write, 1);
		vaccel_arg_array_add_uint8(&read, &sop);
		vaccel_arg_array_add_int64(&read, &m);
		vaccel_arg_array_add_int64(&read, &n);
		vaccel_arg_array_add_int64(&read, &k);
		vaccel_arg_array_add_float(&read, &alpha);
		vaccel_arg_array_add_float_array(&read, A, 4);
		vaccel_arg_array_add_int64(&read, &lda);
		vaccel_arg_array_add_float_array(&read, B, 4);
		vaccel_arg_array_add_int64(&read, &ldb);
		vaccel_arg_array_add_float(&read, &beta);
		vaccel_arg_array_add_int64(&read, &ldc);
		vaccel_arg_array_add_float_array(&write, C, 4);
		ret = vaccel_genop(&sess, vaccel_arg_array_raw(&read), 11,
				   vaccel_arg_array_raw(&write), 1);
		if (!ret)
			printf("sgemm: C = [%g %g; %g %g]\n", C[0], C[1], C[2],
			       C[3]);
		vaccel_arg_array_release(&read);
		vaccel_arg_array_release(&write);
	}
	vaccel_session_release(&sess);
	return ret ? 1 : 0;
}
