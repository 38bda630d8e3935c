/* SPDX-License-Identifier: Apache-2.0 */
/* Generic operation: read[0] holds the op type (vaccel_op_type_t as uint8,
 * uint32 or int32); the remaining args are unpacked per op (see API.md). */
#ifndef VACCEL_OPS_GENOP_H
#define VACCEL_OPS_GENOP_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int vaccel_genop(struct vaccel_session *sess, struct vaccel_arg *read,
		 int nr_read, struct vaccel_arg *write, int nr_write);

#ifdef __cplusplus
}
#endif

#endif
