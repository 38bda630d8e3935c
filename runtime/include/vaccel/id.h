/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VACCEL_ID_H
#define VACCEL_ID_H

#include <stdint.h>

/* Identifier of sessions and resources. Valid ids are > 0. */
typedef int64_t vaccel_id_t;

#endif
