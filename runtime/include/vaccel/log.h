/* SPDX-License-Identifier: Apache-2.0 */
/* Logging. Messages at or below the configured level (VACCEL_LOG_LEVEL,
 * default ERROR) go to stderr, or to VACCEL_LOG_FILE when set. */
#ifndef VACCEL_LOG_H
#define VACCEL_LOG_H

#include "utils/enum.h"
#include <stdint.h>

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
/* (No format attribute in public headers: binding generators such as
 * vaccel-python's CFFI parse them and accept only upstream's attributes.) */
void vaccel_log(vaccel_log_level_t level, const char *fmt, ...);
/* Change the level at run time. */
int vaccel_log_set_level(vaccel_log_level_t level);
vaccel_log_level_t vaccel_log_get_level(void);
/* (Re)initialize from the active configuration / flush and close. */
int vaccel_log_init(void);
int vaccel_log_shutdown(void);

/* The logging macros go through slog_print(), the entry point upstream
 * vAccel 0.8's headers use (its logging library, slog 1.8): both runtimes
 * export it, so a plugin or application built against these headers runs on
 * either. Flags are slog's: INFO 4, WARN 8, DEBUG 16, TRACE 32, ERROR 64,
 * FATAL 128. (With slog.h included, its own declaration is used.) */
#ifndef __SLOG_H__
void slog_print(int flag, uint8_t newline, const char *fmt, ...);
#endif
#define vaccel_error(...) slog_print(64, 1, __VA_ARGS__)
#define vaccel_warn(...) slog_print(8, 1, __VA_ARGS__)
#define vaccel_info(...) slog_print(4, 1, __VA_ARGS__)
#define vaccel_debug(...) slog_print(16, 1, __VA_ARGS__)
#define vaccel_trace(...) slog_print(32, 1, __VA_ARGS__)
#define vaccel_fatal(...) slog_print(128, 1, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
