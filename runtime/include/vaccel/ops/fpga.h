/* SPDX-License-Identifier: Apache-2.0 */
/* The four "FPGA" example operations. Exact semantics in API.md:
 * arraycopy: out_a[i] = a[i], i < len_a
 * mmult:     n = sqrt(len_a) (len_a must be a perfect square); c = a * b for
 *            n x n row-major float matrices
 * parallel:  add_output[i] = a[i] + b[i]; mult_output[i] = a[i] * b[i]
 * vadd:      c[i] = a[i] + b[i]; len_a must equal len_b */
#ifndef VACCEL_OPS_FPGA_H
#define VACCEL_OPS_FPGA_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int vaccel_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[],
			  size_t len_a);
int vaccel_fpga_mmult(struct vaccel_session *sess, float a[], float b[],
		      float c[], size_t len_a);
int vaccel_fpga_parallel(struct vaccel_session *sess, float a[], float b[],
			 float add_output[], float mult_output[], size_t len_a);
int vaccel_fpga_vadd(struct vaccel_session *sess, float a[], float b[],
		     float c[], size_t len_a, size_t len_b);

#ifdef __cplusplus
}
#endif

#endif
