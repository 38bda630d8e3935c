/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user-accel: leveled logging to stderr (the supervisor's journal).
 * Levels match host-backend's: 1 error, 2 warning, 3 info, 4 debug.
 */
#ifndef VUA_LOG_H
#define VUA_LOG_H

enum { VUA_LOG_ERROR = 1, VUA_LOG_WARN, VUA_LOG_INFO, VUA_LOG_DEBUG };

extern int vua_log_level;
/* With --max-vms > 1: the VM (1, 2, ... in connection order) whose thread
 * logs; 0 for the daemon itself. Lines then read "vm N: ...". */
extern __thread unsigned vua_log_vm;

void vua_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define vua_err(...) vua_log(VUA_LOG_ERROR, __VA_ARGS__)
#define vua_warn(...) vua_log(VUA_LOG_WARN, __VA_ARGS__)
#define vua_info(...) vua_log(VUA_LOG_INFO, __VA_ARGS__)
#define vua_dbg(...) vua_log(VUA_LOG_DEBUG, __VA_ARGS__)

#endif
