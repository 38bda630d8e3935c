/* SPDX-License-Identifier: Apache-2.0 */
/* MinMax: outdata[i] = indata[i] clamped to [low_threshold, high_threshold];
 * *min / *max = smallest / largest value of indata. See API.md. */
#ifndef VACCEL_OPS_MINMAX_H
#define VACCEL_OPS_MINMAX_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int vaccel_minmax(struct vaccel_session *sess, const double *indata, int ndata,
		  int low_threshold, int high_threshold, double *outdata,
		  double *min, double *max);

#ifdef __cplusplus
}
#endif

#endif
