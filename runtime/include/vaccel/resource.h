/* SPDX-License-Identifier: Apache-2.0 */
/* Resources: libraries, data and models handed to plugins, made from files,
 * directories, memory buffers or blobs, and registered with sessions. */
#ifndef VACCEL_RESOURCE_H
#define VACCEL_RESOURCE_H

#include "blob.h"
#include "id.h"
#include <stdbool.h>
#include <stddef.h>

#include "list.h"
#include "utils/enum.h"
#include "utils/path.h"
#include <pthread.h>

#ifdef __cplusplus
#include <atomic>
#ifndef atomic_uint
/* same size and alignment as C11 atomic_uint */
typedef std::atomic<unsigned int> atomic_uint;
#endif
#else
#include <stdatomic.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define _ENUM_PREFIX VACCEL_RESOURCE
#define VACCEL_RESOURCE_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM) \
	VACCEL_ENUM_ITEM(LIB, 0, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(DATA, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(MODEL, _ENUM_PREFIX)
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_resource_type, _ENUM_PREFIX, VACCEL_RESOURCE_TYPE_ENUM_LIST)
#undef _ENUM_PREFIX



struct vaccel_resource {
	/* id (> 0) while the resource is initialized, 0 otherwise */
	vaccel_id_t id;
	/* id of the peer resource when registered through a transport plugin */
	vaccel_id_t remote_id;
	vaccel_resource_type_t type;
	/* kind of the paths this resource was made from */
	vaccel_path_type_t path_type;
	/* the paths given at init (NULL when made from buffers/blobs) */
	char **paths;
	size_t nr_paths;
	/* private directory for files the runtime writes, or NULL */
	char *rundir;
	/* content of the resource: one blob per file */
	struct vaccel_blob **blobs;
	size_t nr_blobs;
	/* runtime-owned links (kept for upstream 0.8's layout; the runtime
	 * tracks registrations itself, applications must not touch these) */
	struct vaccel_list_entry entry;
	struct vaccel_list_entry sessions;
	pthread_mutex_t sessions_lock;
	/* number of sessions the resource is registered with; read it with
	 * vaccel_resource_refcount() */
	atomic_uint refcount;
	/* free for the plugin serving the resource's sessions */
	void *plugin_priv;
};

/* Look up a live resource by id / first resource of a type / all of a type
 * (the array returned by _get_all_by_type is malloc'd; free() it). */
int vaccel_resource_get_by_id(struct vaccel_resource **res, vaccel_id_t id);
int vaccel_resource_get_by_type(struct vaccel_resource **res,
				vaccel_resource_type_t type);
int vaccel_resource_get_all_by_type(struct vaccel_resource ***res,
				    size_t *nr_found,
				    vaccel_resource_type_t type);
long int vaccel_resource_refcount(const struct vaccel_resource *res);

/* From one path: a file, or a directory (all regular files below it become
 * blobs named by their relative path). */
int vaccel_resource_init(struct vaccel_resource *res, const char *path,
			 vaccel_resource_type_t type);
/* From several files (for LIB: paths[0] is the library, the rest are the
 * libraries it depends on). */
int vaccel_resource_init_multi(struct vaccel_resource *res, const char **paths,
			       size_t nr_paths, vaccel_resource_type_t type);
/* From memory (copied). mem_only=true keeps it in memory only; otherwise it
 * is also written to a file `filename` in the resource's rundir. */
int vaccel_resource_init_from_buf(struct vaccel_resource *res, const void *buf,
				  size_t nr_bytes, vaccel_resource_type_t type,
				  const char *filename, bool mem_only);
/* From existing blobs (contents copied; the caller keeps its blobs). */
int vaccel_resource_init_from_blobs(struct vaccel_resource *res,
				    const struct vaccel_blob **blobs,
				    size_t nr_blobs,
				    vaccel_resource_type_t type);
/* Release; fails with VACCEL_EBUSY while registered with a session. */
int vaccel_resource_release(struct vaccel_resource *res);

int vaccel_resource_new(struct vaccel_resource **res, const char *path,
			vaccel_resource_type_t type);
int vaccel_resource_multi_new(struct vaccel_resource **res, const char **paths,
			      size_t nr_paths, vaccel_resource_type_t type);
int vaccel_resource_from_buf(struct vaccel_resource **res, const void *buf,
			     size_t nr_bytes, vaccel_resource_type_t type,
			     const char *filename, bool mem_only);
int vaccel_resource_from_blobs(struct vaccel_resource **res,
			       const struct vaccel_blob **blobs,
			       size_t nr_blobs, vaccel_resource_type_t type);
int vaccel_resource_delete(struct vaccel_resource *res);

struct vaccel_session;

/* Ask the session's plugin to refresh the resource (remote changes). */
int vaccel_resource_sync(struct vaccel_resource *res,
			 struct vaccel_session *sess);
int vaccel_resource_register(struct vaccel_resource *res,
			     struct vaccel_session *sess);
int vaccel_resource_unregister(struct vaccel_resource *res,
			       struct vaccel_session *sess);

/* Directory of a resource made from a directory: copied into out_path, or
 * malloc'd into *alloc_path when alloc_path is non-NULL. */
int vaccel_resource_directory(struct vaccel_resource *res, char *out_path,
			      size_t out_path_size, char **alloc_path);

/* Path of the first blob (malloc'd copy), or NULL. Upstream 0.7 helper. */
char *vaccel_resource_get_path(struct vaccel_resource *res);

#ifdef __cplusplus
}
#endif

#endif
