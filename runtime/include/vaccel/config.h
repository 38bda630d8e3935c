/* SPDX-License-Identifier: Apache-2.0 */
/* Runtime configuration: from the environment, or given explicitly to
 * vaccel_bootstrap_with_config(). */
#ifndef VACCEL_CONFIG_H
#define VACCEL_CONFIG_H

#include "log.h"
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_config {
	/* ':'-separated plugin paths (VACCEL_PLUGINS), may be NULL */
	char *plugins;
	/* VACCEL_LOG_LEVEL (1..4) */
	vaccel_log_level_t log_level;
	/* VACCEL_LOG_FILE, NULL = stderr */
	char *log_file;
	/* VACCEL_PROFILING_ENABLED */
	bool profiling_enabled;
	/* VACCEL_VERSION_IGNORE: skip plugin version checks */
	bool version_ignore;
};

int vaccel_config_init(struct vaccel_config *config, const char *plugins,
		       vaccel_log_level_t log_level, const char *log_file,
		       bool profiling_enabled, bool version_ignore);
int vaccel_config_init_from_env(struct vaccel_config *config);
int vaccel_config_init_from(struct vaccel_config *config,
			    const struct vaccel_config *config_src);
int vaccel_config_release(struct vaccel_config *config);
int vaccel_config_new(struct vaccel_config **config, const char *plugins,
		      vaccel_log_level_t log_level, const char *log_file,
		      bool profiling_enabled, bool version_ignore);
int vaccel_config_from_env(struct vaccel_config **config);
int vaccel_config_from(struct vaccel_config **config,
		       const struct vaccel_config *config_src);
int vaccel_config_delete(struct vaccel_config *config);
void vaccel_config_print_debug(const struct vaccel_config *config);
/* Extension: the ':'-separated list of library paths the exec plugin may
 * dlopen (VACCEL_EXEC_ALLOWLIST); NULL or "" = not restricted. Kept beside
 * the struct (which has upstream 0.8's layout) by the runtime: set (copies;
 * NULL clears) and get (valid until the next set or the release of
 * `config`). _init_from copies it, _release drops it. */
int vaccel_config_set_exec_allowlist(struct vaccel_config *config,
				     const char *allowlist);
const char *vaccel_config_exec_allowlist(const struct vaccel_config *config);

#ifdef __cplusplus
}
#endif

#endif
