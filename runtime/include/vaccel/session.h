/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions: the context every operation runs in. */
#ifndef VACCEL_SESSION_H
#define VACCEL_SESSION_H

#include "id.h"
#include "list.h"
#include "resource.h"
#include <limits.h>
#include <linux/limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_plugin;

struct vaccel_session {
	/* id (> 0) while initialized */
	vaccel_id_t id;
	/* id of the peer session when served by a transport plugin */
	vaccel_id_t remote_id;
	/* flags given at init: a bitmask of vaccel_plugin_type_t values that
	 * orders plugin selection; VACCEL_PLUGIN_REMOTE selects the transport
	 * plugin */
	unsigned int hint;
	/* true if the session is served by a transport (virtio) plugin */
	bool is_virtio;
	/* the session's private run directory (see vaccel_rundir()) */
	char rundir[PATH_MAX];
	/* runtime-owned links and per-type lists of registered resources
	 * (upstream 0.8 layout; applications must not modify them) */
	struct vaccel_list_entry entry;
	struct vaccel_list_entry resources[VACCEL_RESOURCE_MAX];
	size_t resource_counts[VACCEL_RESOURCE_MAX];
	pthread_mutex_t resources_lock;
	/* the plugin the session is bound to: the transport plugin for a
	 * remote session, else the first local plugin matching the flags */
	struct vaccel_plugin *plugin;
	/* free for the plugin serving the session */
	void *priv;
};

int vaccel_session_init(struct vaccel_session *sess, uint32_t flags);
int vaccel_session_update(struct vaccel_session *sess, uint32_t flags);
int vaccel_session_release(struct vaccel_session *sess);
int vaccel_session_new(struct vaccel_session **sess, uint32_t flags);
int vaccel_session_delete(struct vaccel_session *sess);

/* True if `res` is registered with `sess`. */
bool vaccel_session_has_resource(const struct vaccel_session *sess,
				 const struct vaccel_resource *res);
int vaccel_session_resource_by_id(struct vaccel_session *sess,
				  struct vaccel_resource **res, vaccel_id_t id);
int vaccel_session_resource_by_type(struct vaccel_session *sess,
				    struct vaccel_resource **res,
				    vaccel_resource_type_t type);
/* *resources is malloc'd; free() it. */
int vaccel_session_resources_by_type(struct vaccel_session *sess,
				     struct vaccel_resource ***resources,
				     size_t *nr_found,
				     vaccel_resource_type_t type);

/* Look up a live session by id. */
int vaccel_session_get_by_id(struct vaccel_session **sess, vaccel_id_t id);

/* Deprecated upstream names. */
int vaccel_sess_init(struct vaccel_session *sess, uint32_t flags);
int vaccel_sess_update(struct vaccel_session *sess, uint32_t flags);
int vaccel_sess_free(struct vaccel_session *sess);
bool vaccel_sess_has_resource(const struct vaccel_session *sess,
			      const struct vaccel_resource *res);

#ifdef __cplusplus
}
#endif

#endif
