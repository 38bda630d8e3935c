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
