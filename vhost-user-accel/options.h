/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user-accel: command line options and exit codes.
 */
#ifndef VUA_OPTIONS_H
#define VUA_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

/* Exit codes (documented in README.md "Operating the daemon"). */
enum {
	VUA_EXIT_OK = 0,            /* the VMM disconnected (multi-VM: SIGTERM) */
	VUA_EXIT_RUNTIME = 1,       /* I/O error while serving */
	VUA_EXIT_USAGE = 2,         /* bad command line */
	VUA_EXIT_SETUP = 3,         /* socket, sandbox or backend setup failed */
	VUA_EXIT_RESET_TIMEOUT = 4, /* a stop/reset outlived --reset-timeout */
	VUA_EXIT_PROTOCOL = 5,      /* the VMM broke the vhost-user protocol */
};

enum vua_seccomp_mode { VUA_SECCOMP_KILL, VUA_SECCOMP_LOG, VUA_SECCOMP_OFF };

struct vua_options {
	const char *socket_path;
	const char *plugins;         /* ':'-separated host vAccel plugins */
	const char *exec_allowlist;  /* ':'-separated host libraries */
	bool allow_guest_code;
	bool profiling;
	uint32_t num_queues;
	uint32_t num_workers;        /* per VM; 0: host-backend default */
	uint32_t max_vms;            /* VMMs served at once (1: classic mode) */
	uint32_t max_sessions;       /* 0: host-backend default, same below */
	uint32_t max_resources;
	uint64_t max_request_bytes;
	uint64_t max_response_bytes;
	uint64_t max_resource_bytes;
	uint64_t max_staging_bytes;
	uint64_t max_op_cost;
	int log_level;               /* 1 error .. 4 debug */
	uint32_t reset_timeout_ms;
	/* sandbox */
	const char *user;            /* drop to this user when started as root */
	enum vua_seccomp_mode seccomp;
	bool allow_spawn;            /* let host code run programs */
	bool private_tmp;
	uint64_t tmp_size_mib;
	uint64_t max_open_files;
	uint64_t max_memory_mib;     /* RLIMIT_AS, 0: unlimited */
};

/* Fills opts from argv. Returns -1 (message printed) on a usage error, 1 when
 * --help or --version was printed, 0 otherwise. */
int vua_parse_options(int argc, char **argv, struct vua_options *opts);

#endif
