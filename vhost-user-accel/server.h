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

/* The same in two steps, for multi-VM mode (vm.c). vua_server_set_vm(s, id)
 * with id != 0, before serving, names the VM in log lines and turns what
 * would end the process (reset timeout, disconnect with work in flight) into
 * a reset of this device only. vua_server_free() releases the device's
 * sessions, resources, workers and guest memory mappings and closes the
 * connection given to vua_server_serve(); it may wait up to host-backend's
 * bounded reset. */
void vua_server_set_vm(struct vua_server *s, unsigned vm_id);
int vua_server_serve(struct vua_server *s, int conn_fd);
void vua_server_free(struct vua_server *s);

/* This device's counters (thread safe). sessions_held/resources_held also
 * count objects only abandoned operations still hold. */
struct va_host_stats;
void vua_server_stats(const struct vua_server *s, struct va_host_stats *st,
		      uint64_t *sessions_held, uint64_t *resources_held);

#endif
