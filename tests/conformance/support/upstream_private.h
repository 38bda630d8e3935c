/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Force-included (-include) into every upstream test source so that the files
 * compile UNCHANGED against our public headers.
 *
 * Upstream's tests also reach into upstream-private headers. Two kinds:
 *  - test utilities (read a file, join a path, compare list heads, constants
 *    naming env vars): support.cc implements them here, with the documented
 *    semantics; they test nothing of the runtime.
 *  - private runtime internals (plugin_register, sessions_cleanup, id pools,
 *    ...): a drop-in library has no such symbols. support.cc defines them as
 *    stubs that end the process with exit status 77; the runner counts such a
 *    case as "out of scope" and prints which internal it needed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "vaccel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- constants from upstream's private headers (names of env vars etc.) */
enum { ARG_ARRAY_CAPACITY_DEFAULT = 8 };
#define CONFIG_LOG_LEVEL_DEFAULT VACCEL_LOG_ERROR
#define CONFIG_LOG_FILE_DEFAULT NULL
#define CONFIG_PLUGINS_DEFAULT NULL
#define CONFIG_PROFILING_ENABLED_DEFAULT false
#define CONFIG_VERSION_IGNORE_DEFAULT false
#define CONFIG_LOG_LEVEL_ENV "VACCEL_LOG_LEVEL"
#define CONFIG_LOG_FILE_ENV "VACCEL_LOG_FILE"
#define CONFIG_PLUGINS_ENV "VACCEL_PLUGINS"
#define CONFIG_PROFILING_ENABLED_ENV "VACCEL_PROFILING_ENABLED"
#define CONFIG_VERSION_IGNORE_ENV "VACCEL_VERSION_IGNORE"

/* ---- test utilities (implemented in support.cc) */
static inline void list_init(struct vaccel_list_entry *l)
{
	l->next = l;
	l->prev = l;
}
static inline bool list_empty(struct vaccel_list_entry *l)
{
	return l->next == l;
}
typedef int (*fs_path_callback_t)(const char *path, int idx, va_list args);
int fs_file_read(const char *path, void **data, size_t *size);
int fs_file_read_mmap(const char *path, void **data, size_t *size);
bool fs_path_is_file(const char *path);
bool fs_path_is_dir(const char *path);
bool fs_path_exists(const char *path);
int fs_dir_create(const char *path);
int fs_dir_remove(const char *path);
int fs_dir_process_files(const char *path, fs_path_callback_t func, ...);
int path_init_from_parts(char *path, size_t size, const char *first_part, ...);
int path_file_name(const char *path, char *name, size_t size,
		   char **alloc_name);

/* ---- upstream runtime internals: stubs that exit 77 (out of scope) */
int plugin_register(struct vaccel_plugin *plugin);
int plugin_unregister(struct vaccel_plugin *plugin);
int plugins_bootstrap(void);
int plugins_cleanup(void);
size_t plugin_count(void);
struct vaccel_plugin *plugin_find(unsigned int hint);
void *plugin_get_op_func(struct vaccel_plugin *plugin,
			 vaccel_op_type_t op_type);
int plugin_parse_version(int *major, int *minor1, int *minor2, char **extra,
			 const char *str);
int sessions_bootstrap(void);
int sessions_cleanup(void);
int resources_bootstrap(void);
int resources_cleanup(void);
int resource_create_rundir(struct vaccel_resource *res);

#ifdef __cplusplus
}
#endif
