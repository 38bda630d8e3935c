/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin ABI.
 *
 * A plugin is a shared object that the runtime dlopen()s (VACCEL_PLUGINS,
 * vaccel_config.plugins or vaccel_plugin_load()). It exports ONE data symbol,
 * `vaccel_plugin` (a `struct vaccel_plugin *`), normally defined with the
 * VACCEL_PLUGIN() macro below. Loading a plugin:
 *
 *   1. dlopen(path, RTLD_NOW | RTLD_LOCAL); failure -> VACCEL_ENOENT (no such
 *      file) or VACCEL_ELIBBAD (not a loadable object);
 *   2. dlsym("vaccel_plugin"); missing -> VACCEL_ELIBBAD;
 *   3. descriptor check: name, version, init and fini are required
 *      (VACCEL_EINVAL); a plugin with the same name already loaded ->
 *      VACCEL_EEXIST;
 *   4. version check: info->vaccel_version must parse as X.Y.Z[extra] and
 *      X.Y must equal this runtime's VACCEL_VERSION major.minor
 *      (VACCEL_EINVAL); skipped when version_ignore / VACCEL_VERSION_IGNORE;
 *   5. info->init() is called; inside it the plugin registers its op table
 *      with vaccel_plugin_register_ops(). A non-zero return unloads the
 *      plugin and is returned to the caller.
 * At cleanup (or vaccel_plugin_unload()) the plugin stops being selected at
 * once; info->fini() runs and the object is dlclose()d when the last call
 * already running inside the plugin has returned.
 *
 * Operation selection (per call):
 *   - session created with VACCEL_PLUGIN_REMOTE in its flags, or when only
 *     transport plugins are loaded: the session is bound to the first loaded
 *     transport plugin (info->is_virtio) and every op goes to it;
 *   - otherwise the candidates are the local (non-transport) plugins that
 *     registered the op: first those whose info->type shares a bit with the
 *     session flags (load order), then the rest (load order). The first
 *     candidate is called; if it returns VACCEL_ENOTSUP the next candidate is
 *     tried (per-operation fallback). A plugin must therefore return
 *     VACCEL_ENOTSUP only when it has not touched any output.
 *   - no candidate: VACCEL_ENOTSUP, and vaccel_last_error() names the op.
 *
 * Threads: op functions and hooks are called WITHOUT any runtime lock held,
 * concurrently from many threads, on the same or different sessions. A
 * plugin must be thread-safe. Buffers passed to op functions may point
 * straight into guest memory: never keep them after returning.
 *
 * Per-session/per-resource state: the plugin serving a REMOTE session may use
 * sess->priv and res->plugin_priv. Local plugins share sessions, so they must
 * key their own state by sess->id / res->id (both unique for the process
 * lifetime).
 */
#ifndef VACCEL_PLUGIN_H
#define VACCEL_PLUGIN_H

#include "arg.h"
#include "list.h"
#include "op.h"
#include "ops/tf.h"
#include "ops/tflite.h"
#include "ops/torch.h"
#include "resource.h"
#include "session.h"
#include "version.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "utils/enum.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Plugin type bitmask (values as upstream). Session flags use the same bits
 * to express a preference. */
#define _ENUM_PREFIX VACCEL_PLUGIN
#define VACCEL_PLUGIN_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM) \
	VACCEL_ENUM_ITEM(CPU, 0x0001, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(GPU, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FPGA, 0x0004, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(SOFTWARE, 0x0008, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TENSORFLOW, 0x0010, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TORCH, 0x0020, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(JETSON, 0x0040, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(GENERIC, 0x0080, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(DEBUG, 0x0100, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(REMOTE, 0x4000, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(ALL, 0xffff, _ENUM_PREFIX)
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_plugin_type, _ENUM_PREFIX, VACCEL_PLUGIN_TYPE_ENUM_LIST)
#undef _ENUM_PREFIX

/* "VACCEL_PLUGIN_GPU" / "GPU" for a single bit; "VACCEL_PLUGIN_MAX"/"MAX"
 * for anything else. */

/*
 * Plugin descriptor. Fields are in declaration order so that C++20
 * designated initializers (which must follow that order) work too.
 */
struct vaccel_plugin_info {
	/* unique plugin name, e.g. "cpu" (required) */
	const char *name;
	/* plugin's own version string (required) */
	const char *version;
	/* VACCEL_VERSION the plugin was built against (required unless
	 * version checks are disabled) */
	const char *vaccel_version;
	/* called once after loading; registers ops; 0 on success (required) */
	int (*init)(void);
	/* called once before unloading (required) */
	int (*fini)(void);
	/* true for a transport plugin that forwards everything to a remote
	 * runtime (the guest "virtio" plugin) */
	bool is_virtio;
	/* bitmask of vaccel_plugin_type_t values describing the plugin
	 * (unsigned so that OR-ed flags need no cast in C++) */
	unsigned int type;

	/* Session hooks (optional). Called after the runtime has assigned
	 * sess->id. For a REMOTE session only the bound transport plugin's
	 * hooks run; for a local session every local plugin's hooks run, in
	 * load order. A non-zero return from session_init fails
	 * vaccel_session_init() (hooks already run are undone with
	 * session_release). */
	int (*session_init)(struct vaccel_session *sess, uint32_t flags);
	int (*session_release)(struct vaccel_session *sess);
	int (*session_update)(struct vaccel_session *sess, uint32_t flags);

	/* Resource hooks (optional), same dispatch rule as the session hooks.
	 * The resource's content is available to the hook: res->blobs[i]
	 * has `name` (file name) and, by the time a TRANSPORT plugin's hook
	 * runs, `data`/`size` are loaded (the runtime reads file-backed
	 * blobs first), so a transport sends resources by content and never
	 * by path. Local plugins may call vaccel_blob_data() to load them. */
	int (*resource_register)(struct vaccel_resource *res,
				 struct vaccel_session *sess);
	int (*resource_unregister)(struct vaccel_resource *res,
				   struct vaccel_session *sess);
	int (*resource_sync)(struct vaccel_resource *res,
			     struct vaccel_session *sess);
};

/* Object the runtime keeps per plugin, with upstream vAccel 0.8's layout
 * (224 bytes on x86_64) so that plugins built for either runtime load into
 * the other. Plugins define it via VACCEL_PLUGIN(); every field except
 * `info` belongs to the runtime, which fills `dl_handle`, links `entry` and
 * points ops[type] at the registered struct vaccel_op entries. */
struct vaccel_plugin {
	void *dl_handle;
	struct vaccel_list_entry entry;
	struct vaccel_op *ops[VACCEL_OP_MAX];
	struct vaccel_plugin_info *info;
};

#ifdef __cplusplus
#define VACCEL_PLUGIN_EXTERN_C_BEGIN_ extern "C" {
#define VACCEL_PLUGIN_EXTERN_C_END_ }
#else
#define VACCEL_PLUGIN_EXTERN_C_BEGIN_
#define VACCEL_PLUGIN_EXTERN_C_END_
#endif

/*
 * Define the plugin descriptor. Arguments are designated initializers of
 * struct vaccel_plugin_info, e.g.
 *
 *   VACCEL_PLUGIN(.name = "cpu", .version = "1.0",
 *                 .vaccel_version = VACCEL_VERSION, .init = init,
 *                 .fini = fini, .type = VACCEL_PLUGIN_CPU)
 *
 * Use it once per plugin, at file scope, in C or C++20 (in C++ keep the
 * fields in declaration order). `vaccel_this_plugin` stays hidden so several
 * plugins in one process never bind to each other's descriptor; only
 * `vaccel_plugin` is exported.
 */
#define VACCEL_PLUGIN(...)                                                  \
	_Pragma("GCC diagnostic push")                                      \
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"") \
	static struct vaccel_plugin_info vaccel_this_plugin_info_ = {       \
		__VA_ARGS__                                                 \
	};                                                                  \
	_Pragma("GCC diagnostic pop")                                       \
	VACCEL_PLUGIN_EXTERN_C_BEGIN_                                       \
	__attribute__((visibility("hidden")))                               \
	struct vaccel_plugin vaccel_this_plugin = {                         \
		NULL, LIST_ENTRY_INIT(vaccel_this_plugin.entry), { NULL },  \
		&vaccel_this_plugin_info_                                   \
	};                                                                  \
	__attribute__((visibility("default")))                              \
	struct vaccel_plugin *vaccel_plugin = &vaccel_this_plugin;          \
	VACCEL_PLUGIN_EXTERN_C_END_

/* Deprecated spelling. */
#define VACCEL_MODULE(...) VACCEL_PLUGIN(__VA_ARGS__)

/* The op table passed to vaccel_plugin_register_ops() must outlive the
 * plugin (make it `static`): like upstream's, the runtime may keep pointers to
 * its entries (struct vaccel_plugin.ops). */
/* Register op implementations. Call from info->init() (ops registered later
 * are accepted too). Each op's `owner` must be the calling plugin's
 * descriptor (VACCEL_OP_INIT does this). Registering the same op type twice
 * for one plugin replaces the earlier function. The `ops` array may be
 * temporary: the runtime copies type and function pointer.
 * Errors: VACCEL_EINVAL for a NULL/unknown op type/NULL func/unknown owner. */
int vaccel_plugin_register_ops(struct vaccel_op *ops, size_t nr_ops);
static inline int vaccel_plugin_register_op(struct vaccel_op *op)
{
	return vaccel_plugin_register_ops(op, 1);
}

/* Deprecated names of the two functions above. */
static inline int register_plugin_function(struct vaccel_op *op)
{
	return vaccel_plugin_register_ops(op, 1);
}
static inline int register_plugin_functions(struct vaccel_op *ops,
					    size_t nr_ops)
{
	return vaccel_plugin_register_ops(ops, nr_ops);
}

/* Load one plugin (path, or a file name searched by the dynamic loader).
 * Error codes are listed at the top of this file. */
int vaccel_plugin_load(const char *lib);
/* Load every plugin of a ':'-separated list, in order. Continues past
 * failures; returns VACCEL_OK or the first error. */
int vaccel_plugin_parse_and_load(const char *lib_str);
/* Unload a plugin by name (VACCEL_ENOENT if not loaded). */
int vaccel_plugin_unload(const char *name);

/*
 * Function signatures of each op, as the runtime calls them. Arguments have
 * already been validated by the runtime where noted in API.md (non-NULL
 * session, resource registered with the session, ...).
 */
typedef int (*vaccel_noop_fn_t)(struct vaccel_session *sess);
typedef int (*vaccel_exec_fn_t)(struct vaccel_session *sess,
				const char *library, const char *fn_symbol,
				struct vaccel_arg *read, size_t nr_read,
				struct vaccel_arg *write, size_t nr_write);
typedef int (*vaccel_exec_with_resource_fn_t)(
	struct vaccel_session *sess, struct vaccel_resource *resource,
	const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
	struct vaccel_arg *write, size_t nr_write);
typedef int (*vaccel_image_classify_fn_t)(
	struct vaccel_session *sess, const void *img, unsigned char *out_text,
	unsigned char *out_imgname, size_t len_img, size_t len_out_text,
	size_t len_out_imgname);
/* IMAGE_DETECT, IMAGE_SEGMENT, IMAGE_POSE, IMAGE_DEPTH */
typedef int (*vaccel_image_op_fn_t)(struct vaccel_session *sess,
				    const void *img,
				    unsigned char *out_imgname, size_t len_img,
				    size_t len_out_imgname);
typedef int (*vaccel_tf_model_load_fn_t)(struct vaccel_session *sess,
					 struct vaccel_resource *model,
					 struct vaccel_tf_status *status);
typedef int (*vaccel_tf_model_unload_fn_t)(struct vaccel_session *sess,
					   struct vaccel_resource *model,
					   struct vaccel_tf_status *status);
typedef int (*vaccel_tf_model_run_fn_t)(
	struct vaccel_session *sess, const struct vaccel_resource *model,
	const struct vaccel_tf_buffer *run_options,
	const struct vaccel_tf_node *in_nodes,
	struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
	const struct vaccel_tf_node *out_nodes,
	struct vaccel_tf_tensor **out_tensors, int nr_outputs,
	struct vaccel_tf_status *status);
typedef int (*vaccel_tflite_model_load_fn_t)(struct vaccel_session *sess,
					     struct vaccel_resource *model);
typedef int (*vaccel_tflite_model_unload_fn_t)(struct vaccel_session *sess,
					       struct vaccel_resource *model);
typedef int (*vaccel_tflite_model_run_fn_t)(
	struct vaccel_session *sess, const struct vaccel_resource *model,
	struct vaccel_tflite_tensor *const *in, int nr_inputs,
	struct vaccel_tflite_tensor **out, int nr_outputs, uint8_t *status);
typedef int (*vaccel_torch_model_load_fn_t)(
	struct vaccel_session *sess, const struct vaccel_resource *model);
typedef int (*vaccel_torch_model_run_fn_t)(
	struct vaccel_session *sess, const struct vaccel_resource *model,
	const struct vaccel_torch_buffer *run_options,
	struct vaccel_torch_tensor **in_tensor, int nr_read,
	struct vaccel_torch_tensor **out_tensor, int nr_write);
typedef int (*vaccel_torch_sgemm_fn_t)(struct vaccel_session *sess,
				       struct vaccel_torch_tensor **in_A,
				       struct vaccel_torch_tensor **in_B,
				       struct vaccel_torch_tensor **in_C,
				       int M, int N, int K,
				       struct vaccel_torch_tensor **out);
/* Row-major, no transposes, see ops/blas.h. */
typedef int (*vaccel_sgemm_fn_t)(struct vaccel_session *sess, long long int m,
				 long long int n, long long int k, float alpha,
				 float *a, long long int lda, float *b,
				 long long int ldb, float beta, float *c,
				 long long int ldc);
typedef int (*vaccel_fpga_arraycopy_fn_t)(struct vaccel_session *sess,
					  int a[], int out_a[], size_t len_a);
typedef int (*vaccel_fpga_mmult_fn_t)(struct vaccel_session *sess, float a[],
				      float b[], float c[], size_t len_a);
typedef int (*vaccel_fpga_parallel_fn_t)(struct vaccel_session *sess,
					 float a[], float b[],
					 float add_output[],
					 float mult_output[], size_t len_a);
typedef int (*vaccel_fpga_vadd_fn_t)(struct vaccel_session *sess, float a[],
				     float b[], float c[], size_t len_a,
				     size_t len_b);
typedef int (*vaccel_minmax_fn_t)(struct vaccel_session *sess,
				  const double *indata, int ndata,
				  int low_threshold, int high_threshold,
				  double *outdata, double *min, double *max);
typedef int (*vaccel_opencv_fn_t)(struct vaccel_session *sess,
				  struct vaccel_arg *read, int nr_read,
				  struct vaccel_arg *write, int nr_write);

#ifdef __cplusplus
}
#endif

#endif
