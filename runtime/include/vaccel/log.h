/* SPDX-License-Identifier: Apache-2.0 */
/* Logging. Messages at or below the configured level (VACCEL_LOG_LEVEL,
 * default ERROR) go to stderr, or to VACCEL_LOG_FILE when set. */
#ifndef VACCEL_LOG_H
#define VACCEL_LOG_H

#include "utils/enum.h"

#ifdef __cplusplus
extern "C" {
#endif

#define _ENUM_PREFIX VACCEL_LOG
#define VACCEL_LOG_LEVEL_ENUM_LIST(VACCEL_ENUM_ITEM) \
	VACCEL_ENUM_ITEM(ERROR, 1, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(WARN, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(INFO, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(DEBUG, _ENUM_PREFIX)
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_log_level, _ENUM_PREFIX, VACCEL_LOG_LEVEL_ENUM_LIST)
#undef _ENUM_PREFIX


/* printf-style message at `level`; thread-safe, one line per call. */
void vaccel_log(vaccel_log_level_t level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Change the level at run time. */
int vaccel_log_set_level(vaccel_log_level_t level);
vaccel_log_level_t vaccel_log_get_level(void);
/* (Re)initialize from the active configuration / flush and close. */
int vaccel_log_init(void);
int vaccel_log_shutdown(void);

#define vaccel_error(...) vaccel_log(VACCEL_LOG_ERROR, __VA_ARGS__)
#define vaccel_warn(...) vaccel_log(VACCEL_LOG_WARN, __VA_ARGS__)
#define vaccel_info(...) vaccel_log(VACCEL_LOG_INFO, __VA_ARGS__)
#define vaccel_debug(...) vaccel_log(VACCEL_LOG_DEBUG, __VA_ARGS__)
#define vaccel_trace(...) vaccel_log(VACCEL_LOG_DEBUG, __VA_ARGS__)
#define vaccel_fatal(...) vaccel_log(VACCEL_LOG_ERROR, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
