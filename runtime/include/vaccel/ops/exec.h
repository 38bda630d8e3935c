/* SPDX-License-Identifier: Apache-2.0 */
/* Run `int fn_symbol(read, nr_read, write, nr_write)` from a shared library
 * given by path (exec) or by a registered LIB resource (exec_with_resource). */
#ifndef VACCEL_OPS_EXEC_H
#define VACCEL_OPS_EXEC_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int vaccel_exec(struct vaccel_session *sess, const char *library,
		const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
		struct vaccel_arg *write, size_t nr_write);

int vaccel_exec_with_resource(struct vaccel_session *sess,
			      struct vaccel_resource *resource,
			      const char *fn_symbol, struct vaccel_arg *read,
			      size_t nr_read, struct vaccel_arg *write,
			      size_t nr_write);

#ifdef __cplusplus
}
#endif

#endif
