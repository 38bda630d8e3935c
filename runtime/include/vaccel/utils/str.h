/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VACCEL_UTILS_STR_H
#define VACCEL_UTILS_STR_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lower-cases `str` into `lower` (`size` bytes; a longer result is
 * truncated to size - 1 characters) or, when `alloc_lower` is non-NULL, into
 * a malloc'd copy returned there (then `lower`/`size` are ignored). */
int vaccel_str_to_lower(const char *str, char *lower, size_t size,
			char **alloc_lower);

#ifdef __cplusplus
}
#endif

#endif
