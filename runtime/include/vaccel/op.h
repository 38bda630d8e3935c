/* SPDX-License-Identifier: Apache-2.0 */
/* Operation types and the op-table entry plugins register. */
#ifndef VACCEL_OP_H
#define VACCEL_OP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Numbering follows upstream vAccel 0.8 (HEAD). It is the numbering of the
 * C API only; the virtio wire protocol carries its own stable op codes. */
typedef enum {
	VACCEL_OP_NOOP = 0,
	VACCEL_OP_EXEC = 1,
	VACCEL_OP_EXEC_WITH_RESOURCE = 2,
	VACCEL_OP_IMAGE_CLASSIFY = 3,
	VACCEL_OP_IMAGE_DETECT = 4,
	VACCEL_OP_IMAGE_SEGMENT = 5,
	VACCEL_OP_IMAGE_POSE = 6,
	VACCEL_OP_IMAGE_DEPTH = 7,
	VACCEL_OP_TF_MODEL_LOAD = 8,
	VACCEL_OP_TF_MODEL_UNLOAD = 9,
	VACCEL_OP_TF_MODEL_RUN = 10,
	VACCEL_OP_TFLITE_MODEL_LOAD = 11,
	VACCEL_OP_TFLITE_MODEL_UNLOAD = 12,
	VACCEL_OP_TFLITE_MODEL_RUN = 13,
	VACCEL_OP_TORCH_MODEL_LOAD = 14,
	VACCEL_OP_TORCH_MODEL_RUN = 15,
	VACCEL_OP_TORCH_SGEMM = 16,
	VACCEL_OP_BLAS_SGEMM = 17,
	VACCEL_OP_FPGA_ARRAYCOPY = 18,
	VACCEL_OP_FPGA_MMULT = 19,
	VACCEL_OP_FPGA_PARALLEL = 20,
	VACCEL_OP_FPGA_VECTORADD = 21,
	VACCEL_OP_MINMAX = 22,
	VACCEL_OP_OPENCV = 23,
	VACCEL_OP_MAX
} vaccel_op_type_t;

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

/* "VACCEL_OP_BLAS_SGEMM" for VACCEL_OP_BLAS_SGEMM; "VACCEL_OP_MAX" when out
 * of range. The returned string is static. */
const char *vaccel_op_type_to_str(vaccel_op_type_t op_type);
/* "BLAS_SGEMM" for VACCEL_OP_BLAS_SGEMM; "MAX" when out of range. */
const char *vaccel_op_type_to_base_str(vaccel_op_type_t op_type);
/* Upstream 0.7 name of vaccel_op_type_to_str(). */
const char *vaccel_op_type_str(vaccel_op_type_t op_type);

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
