/* SPDX-License-Identifier: Apache-2.0 */
/* Extensions over upstream vAccel: which plugin serves what, per-thread
 * last-plugin / last-error queries. */
#ifndef VACCEL_INTROSPECT_H
#define VACCEL_INTROSPECT_H

#include "op.h"
#include "session.h"
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Name of the plugin that would serve `op` first for a local session with no
 * flags. VACCEL_ENOTSUP (and *name = NULL) if no loaded plugin implements it.
 * The string stays valid for the life of the process. */
int vaccel_op_plugin_name(vaccel_op_type_t op, const char **name);
/* Same, for a given session (honours its flags / transport binding). */
int vaccel_session_op_plugin_name(const struct vaccel_session *sess,
				  vaccel_op_type_t op, const char **name);
/* Name of the plugin that executed the last operation called on this thread
 * (whatever it returned), or NULL if that call reached no plugin. */
const char *vaccel_last_op_plugin(void);
/* Message describing the last failure of an API call on this thread (e.g.
 * "vaccel_sgemm: no loaded plugin implements BLAS_SGEMM"), or "" . */
const char *vaccel_last_error(void);
/* Names of loaded plugins in selection (load) order. Fills up to `cap`
 * entries of `names` and sets *count to the number loaded. */
int vaccel_plugin_names(const char **names, size_t cap, size_t *count);
/* Is `path` allowed by the exec allow-list of the active configuration?
 * (Always true when no allow-list is set.) Used by the exec plugin. */
bool vaccel_exec_path_allowed(const char *path);

#ifdef __cplusplus
}
#endif

#endif
