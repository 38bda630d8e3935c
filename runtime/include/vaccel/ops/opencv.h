/* SPDX-License-Identifier: Apache-2.0 */
/* OpenCV operation: arguments are passed through to the plugin unchanged. */
#ifndef VACCEL_OPS_OPENCV_H
#define VACCEL_OPS_OPENCV_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int vaccel_opencv(struct vaccel_session *sess, struct vaccel_arg *read,
		  int nr_read, struct vaccel_arg *write, int nr_write);
/* Upstream name of the same entry point. */
int vaccel_opencv_unpack(struct vaccel_session *sess, struct vaccel_arg *read,
			 int nr_read, struct vaccel_arg *write, int nr_write);

#ifdef __cplusplus
}
#endif

#endif
