// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user-accel: leveled logging. One write(2) per line so that lines
 * from worker threads do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"

int vua_log_level = VUA_LOG_INFO;
__thread unsigned vua_log_vm;

void vua_log(int level, const char *fmt, ...)
{
	static const char *const names[] = { "", "error", "warning", "info",
					     "debug" };
	char line[1024];
	va_list ap;
	int n;

	if (level > vua_log_level)
		return;
	n = snprintf(line, sizeof(line), "vhost-user-accel[%d]: %s: ",
		     (int)getpid(), names[level]);
	if (vua_log_vm)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "vm %u: ",
			      vua_log_vm);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
}
