/* SPDX-License-Identifier: Apache-2.0 */
/* Operation types and the op-table entry plugins register. */
#ifndef VACCEL_OP_H
#define VACCEL_OP_H

#include <stddef.h>
#include <stdint.h>

#include "utils/enum.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Numbering follows upstream vAccel 0.8 (HEAD). It is the numbering of the
 * C API only; the virtio wire protocol carries its own stable op codes. */
#define _ENUM_PREFIX VACCEL_OP
#define VACCEL_OP_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM) \
	VACCEL_ENUM_ITEM(NOOP, 0, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(EXEC, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(EXEC_WITH_RESOURCE, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(IMAGE_CLASSIFY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(IMAGE_DETECT, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(IMAGE_SEGMENT, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(IMAGE_POSE, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(IMAGE_DEPTH, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TF_MODEL_LOAD, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TF_MODEL_UNLOAD, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TF_MODEL_RUN, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TFLITE_MODEL_LOAD, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TFLITE_MODEL_UNLOAD, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TFLITE_MODEL_RUN, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TORCH_MODEL_LOAD, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TORCH_MODEL_RUN, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(TORCH_SGEMM, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(BLAS_SGEMM, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FPGA_ARRAYCOPY, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FPGA_MMULT, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FPGA_PARALLEL, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(FPGA_VECTORADD, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(MINMAX, _ENUM_PREFIX) \
	VACCEL_ENUM_ITEM(OPENCV, _ENUM_PREFIX)
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_op_type, _ENUM_PREFIX, VACCEL_OP_TYPE_ENUM_LIST)
#undef _ENUM_PREFIX

/* Older spellings kept for source compatibility. */
#define VACCEL_NO_OP VACCEL_OP_NOOP
#define VACCEL_EXEC VACCEL_OP_EXEC
#define VACCEL_EXEC_WITH_RESOURCE VACCEL_OP_EXEC_WITH_RESOURCE
#define VACCEL_IMG_CLASS VACCEL_OP_IMAGE_CLASSIFY
#define VACCEL_IMG_DETEC VACCEL_OP_IMAGE_DETECT
#define VACCEL_IMG_SEGME VACCEL_OP_IMAGE_SEGMENT
#define VACCEL_IMG_POSE VACCEL_OP_IMAGE_POSE
#define VACCEL_IMG_DEPTH VACCEL_OP_IMAGE_DEPTH
#define VACCEL_BLAS_SGEMM VACCEL_OP_BLAS_SGEMM
#define VACCEL_MINMAX VACCEL_OP_MINMAX
#define VACCEL_F_ARRAYCOPY VACCEL_OP_FPGA_ARRAYCOPY
#define VACCEL_F_MMULT VACCEL_OP_FPGA_MMULT
#define VACCEL_F_PARALLEL VACCEL_OP_FPGA_PARALLEL
#define VACCEL_F_VECTORADD VACCEL_OP_FPGA_VECTORADD
#define VACCEL_OPENCV VACCEL_OP_OPENCV
#define VACCEL_TORCH_SGEMM VACCEL_OP_TORCH_SGEMM
#define VACCEL_FUNCTIONS_NR VACCEL_OP_MAX

/* vaccel_op_type_to_str() -> "VACCEL_OP_BLAS_SGEMM", _to_base_str() ->
 * "BLAS_SGEMM", vaccel_op_type_name() -> "blas_sgemm" (enum.h). */
/* Upstream 0.7 name of vaccel_op_type_to_str(). */
static inline const char *vaccel_op_type_str(vaccel_op_type_t op_type)
{
	return vaccel_op_type_to_str(op_type);
}

/* "blas_sgemm" for VACCEL_OP_BLAS_SGEMM, into `lower` (`size` bytes). */
static inline char *vaccel_op_type_to_lower(vaccel_op_type_t op_type,
					    char *lower, size_t size)
{
	vaccel_str_to_lower(vaccel_op_type_to_base_str(op_type), lower, size,
			    NULL);
	return lower;
}

struct vaccel_plugin;

/* One entry of a plugin's op table: "this plugin implements op `type` with
 * function `func`". `func` must have the signature documented for that op in
 * vaccel/plugin.h (vaccel_<op>_fn_t). `owner` identifies the plugin; use
 * VACCEL_OP_INIT() which fills it with the plugin's own descriptor. */
struct vaccel_op {
	vaccel_op_type_t type;
	void *func;
	struct vaccel_plugin *owner;
};

/* Defined by VACCEL_PLUGIN() in every plugin (hidden visibility). */
extern struct vaccel_plugin vaccel_this_plugin;

/* Build an op-table entry. `name` is unused (kept for upstream source
 * compatibility). */
#define VACCEL_OP_INIT(name, type, func) \
	{ (type), (void *)(func), (&vaccel_this_plugin) }

#ifdef __cplusplus
}
#endif

#endif
