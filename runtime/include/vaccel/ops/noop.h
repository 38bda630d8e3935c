/* SPDX-License-Identifier: Apache-2.0 */
/* The no-op operation: exercises plugin dispatch only. */
#ifndef VACCEL_OPS_NOOP_H
#define VACCEL_OPS_NOOP_H

#include "../arg.h"
#include "../resource.h"
#include "../session.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int vaccel_noop(struct vaccel_session *sess);

#ifdef __cplusplus
}
#endif

#endif
