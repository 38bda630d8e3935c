/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user-accel --max-vms N: several VMMs served by one process and one
 * vAccel runtime, each with its own device (README.md "Many VMs, one
 * daemon").
 */
#ifndef VUA_VM_H
#define VUA_VM_H

#include "options.h"

struct vua_server;

/* Blocks the signals vua_serve_vms() handles; call it before any thread
 * exists (before vua_server_new()), so that every thread inherits the mask. */
void vua_vms_block_signals(void);

/*
 * Loads the seccomp filter, then accepts VMMs on the listening socket lfd,
 * at most opts->max_vms at once, each served on a thread of its own. first
 * is the device made before the sandbox closed (it loaded the plugins); it
 * serves the first VM. Returns only on a setup or poll error; SIGTERM and
 * SIGINT exit the process with VUA_EXIT_OK.
 */
int vua_serve_vms(const struct vua_options *opts, int lfd,
		  struct vua_server *first);

#endif
