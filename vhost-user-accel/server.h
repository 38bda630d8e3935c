/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user-accel: one virtio-accel device served over one vhost-user
 * connection (libvhost-user), its requests run by host-backend.
 */
#ifndef VUA_SERVER_H
#define VUA_SERVER_H

#include "options.h"

struct vua_server;

/* Creates host-backend with the options' policy (loads the plugins, starts
 * the workers). NULL and a message logged on failure. */
struct vua_server *vua_server_new(const struct vua_options *opts);

/* Serves the connected socket until the VMM disconnects. Returns an exit
 * code (VUA_EXIT_*). Frees the server. */
int vua_server_run(struct vua_server *s, int conn_fd);

#endif
