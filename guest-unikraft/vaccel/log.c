/* SPDX-License-Identifier: Apache-2.0 */
/* vAccel logging on the Unikraft console. Level from vaccel_log_set_level
 * (there is no environment to read VACCEL_LOG_LEVEL from); default: warnings
 * and errors. */
#include <stdarg.h>
#include <stdio.h>

#include <vaccel.h>

static vaccel_log_level_t level = VACCEL_LOG_WARN;

void vaccel_log(vaccel_log_level_t lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl > level)
		return;
	va_start(ap, fmt);
	printf("vaccel: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

int vaccel_log_set_level(vaccel_log_level_t lvl)
{
	level = lvl;
	return VACCEL_OK;
}

vaccel_log_level_t vaccel_log_get_level(void)
{
	return level;
}

/*
 * The entry point of the logging macros in vaccel/log.h (upstream 0.8's
 * headers log through slog). slog's flags mapped to vAccel's levels.
 */
void slog_print(int flag, uint8_t newline, const char *fmt, ...)
{
	vaccel_log_level_t lvl;
	va_list ap;

	switch (flag) {
	case 64:  /* ERROR */
	case 128: /* FATAL */
		lvl = VACCEL_LOG_ERROR;
		break;
	case 8:
		lvl = VACCEL_LOG_WARN;
		break;
	case 4:
		lvl = VACCEL_LOG_INFO;
		break;
	default: /* DEBUG 16, TRACE 32 */
		lvl = VACCEL_LOG_DEBUG;
		break;
	}
	if (lvl > level)
		return;
	va_start(ap, fmt);
	printf("vaccel: ");
	vprintf(fmt, ap);
	if (newline)
		printf("\n");
	va_end(ap);
}
