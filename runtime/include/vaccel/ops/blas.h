/* SPDX-License-Identifier: Apache-2.0 */
/* Single-precision GEMM, row-major, no transposes:
 * C[m x n] = alpha * A[m x k] * B[k x n] + beta * C, with leading dimensions
 * lda >= k, ldb >= n, ldc >= n. */
#ifndef VACCEL_OPS_BLAS_H
#define VACCEL_OPS_BLAS_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int vaccel_sgemm(struct vaccel_session *sess, long long int m, long long int n,
		 long long int k, float alpha, float *a, long long int lda,
		 float *b, long long int ldb, float beta, float *c,
		 long long int ldc);

#ifdef __cplusplus
}
#endif

#endif
