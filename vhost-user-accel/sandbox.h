/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user-accel: the sandbox (README.md "Sandbox" lists what each step
 * allows and why).
 */
#ifndef VUA_SANDBOX_H
#define VUA_SANDBOX_H

#include "options.h"

/*
 * Before the plugins load: a private /tmp, the unprivileged user (when
 * started as root), no_new_privs and the resource limits. Returns 0 or -1
 * (logged).
 */
int vua_sandbox_enter(const struct vua_options *opts, int socket_fd);

/*
 * Last step, once the VMM is connected: the seccomp allow-list for the
 * given plugins, on every thread. listen_fd >= 0 (--max-vms > 1, loaded
 * before the first VMM connects): accept4() is allowed on that descriptor
 * only, and getsockopt(SO_PEERCRED) to name the VMM. Returns 0 or -1
 * (logged).
 */
int vua_sandbox_seccomp(const struct vua_options *opts, int listen_fd);

#endif
