/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-accel protocol library: the one implementation of the protocol
 * knowledge that is not plain layout (virtio_accel.h holds the layout and
 * every constant). Used by the Linux guest plugin (runtime/plugins/virtio),
 * the unikernel library (guest-unikraft/), host-backend (its op table,
 * validators and tensor-list indices) and the tests (see lib/README.md).
 *
 * What is here:
 *  - the op table (VIRTIO_ACCEL_OPS, an X-macro): name, resource kind, the
 *    fixed argument counts and parameter block of every op (spec §8.3);
 *  - the status table (VIRTIO_ACCEL_STATUSES): name and vAccel error;
 *  - validators: matrix spans, blob names, exec strings, tensor shapes;
 *  - the tensor-list layout (§8.3.1): argument index of every node,
 *    descriptor and data region, the same arithmetic for encoder and decoder;
 *  - the RUN encoder: one function per op fills a va_run (argument list with
 *    the parameter block inside it) exactly as §8.3 lays it out;
 *  - framing: the device-readable header bytes of every request type and the
 *    check of a response header, for drivers that build chains themselves.
 *
 * Freestanding C99: needs only <stdint.h>, <stddef.h>, <string.h> and
 * <errno.h> (Unikraft's nolibc has them). No allocation, no global state.
 * Errors are positive errno values, as vAccel's are (VACCEL_EINVAL == EINVAL).
 */
#ifndef VIRTIO_ACCEL_PROTO_H
#define VIRTIO_ACCEL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "virtio_accel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Op table ---------------------------------------------------------- */

/* Resource an op names in run_req.resource_id. */
#define VA_RES_NONE 0
#define VA_RES_LIB VIRTIO_ACCEL_RES_LIB
#define VA_RES_MODEL VIRTIO_ACCEL_RES_MODEL
/* Argument count that depends on the call (generic lists, tensor lists). */
#define VA_VAR 0xffffu

/*
 * X(NAME, resource, nr_in, nr_out, params_size): NAME pastes onto
 * VIRTIO_ACCEL_OP_; params_size is the size of input 0's parameter block
 * (spec §8.3), 0 for ops without one.
 */
#define VIRTIO_ACCEL_OPS(X)                                                   \
	X(NOOP, VA_RES_NONE, 0, 0, 0)                                         \
	X(EXEC, VA_RES_NONE, VA_VAR, VA_VAR, 0)                               \
	X(EXEC_WITH_RESOURCE, VA_RES_LIB, VA_VAR, VA_VAR, 0)                  \
	X(SGEMM, VA_RES_NONE, 4, 1, sizeof(struct virtio_accel_sgemm_params)) \
	X(MINMAX, VA_RES_NONE, 2, 2,                                          \
	  sizeof(struct virtio_accel_minmax_params))                          \
	X(IMAGE_CLASSIFY, VA_RES_NONE, 1, 2, 0)                               \
	X(IMAGE_DETECT, VA_RES_NONE, 1, 1, 0)                                 \
	X(IMAGE_SEGMENT, VA_RES_NONE, 1, 1, 0)                                \
	X(IMAGE_POSE, VA_RES_NONE, 1, 1, 0)                                   \
	X(IMAGE_DEPTH, VA_RES_NONE, 1, 1, 0)                                  \
	X(FPGA_ARRAYCOPY, VA_RES_NONE, 1, 1, 0)                               \
	X(FPGA_MMULT, VA_RES_NONE, 2, 1, 0)                                   \
	X(FPGA_PARALLEL, VA_RES_NONE, 2, 2, 0)                                \
	X(FPGA_VECTORADD, VA_RES_NONE, 2, 1, 0)                               \
	X(TF_MODEL_LOAD, VA_RES_MODEL, 0, 0, 0)                               \
	X(TF_MODEL_UNLOAD, VA_RES_MODEL, 0, 0, 0)                             \
	X(TF_MODEL_RUN, VA_RES_MODEL, VA_VAR, VA_VAR,                         \
	  sizeof(struct virtio_accel_model_run_params))                       \
	X(TFLITE_MODEL_LOAD, VA_RES_MODEL, 0, 0, 0)                           \
	X(TFLITE_MODEL_UNLOAD, VA_RES_MODEL, 0, 0, 0)                         \
	X(TFLITE_MODEL_RUN, VA_RES_MODEL, VA_VAR, VA_VAR,                     \
	  sizeof(struct virtio_accel_model_run_params))                       \
	X(TORCH_MODEL_LOAD, VA_RES_MODEL, 0, 0, 0)                            \
	X(TORCH_MODEL_RUN, VA_RES_MODEL, VA_VAR, VA_VAR,                      \
	  sizeof(struct virtio_accel_model_run_params))                       \
	X(TORCH_SGEMM, VA_RES_NONE, 7, 2,                                     \
	  sizeof(struct virtio_accel_torch_sgemm_params))                     \
	X(OPENCV, VA_RES_NONE, VA_VAR, VA_VAR, 0)

struct va_op_info {
	const char *name; /* "SGEMM" */
	uint32_t resource; /* VA_RES_* */
	uint16_t nr_in; /* VA_VAR when the call decides */
	uint16_t nr_out;
	uint32_t params_size; /* bytes of input 0's parameter block, or 0 */
};

/* Entry of a VIRTIO_ACCEL_OP_* code, NULL for codes outside 1..OP_MAX. */
const struct va_op_info *va_op_info(uint32_t op);
/* Its name, "UNKNOWN" for codes outside the table. */
const char *va_op_name(uint32_t op);

/* ---- Status table ------------------------------------------------------ */

/* X(NAME, vAccel error (errno value) a driver reports for it). S_OP_FAILED
 * carries the host's own error in `detail` (va_status_error uses it). */
#define VIRTIO_ACCEL_STATUSES(X)                                          \
	X(OK, 0)                                                          \
	X(MALFORMED, EPROTO) /* our request was wrong: VACCEL_EBACKEND */ \
	X(UNSUPPORTED, ENOTSUP)                                           \
	X(NO_SESSION, ECONNRESET) /* VACCEL_ESESS */                      \
	X(NO_RESOURCE, ENOENT)                                            \
	X(QUOTA, ENOSPC)                                                  \
	X(RESP_TOO_SMALL, EPROTO)                                         \
	X(OP_FAILED, EPROTO) /* used only when detail is 0 */             \
	X(DENIED, EPERM)                                                  \
	X(NO_MEMORY, ENOMEM)                                              \
	X(BAD_ARGS, EINVAL)

/* "NO_SESSION"; "UNKNOWN" for values outside the table. */
const char *va_status_name(uint32_t status);
/* vAccel error (errno value) of a device status: 0 for S_OK, `detail` for
 * S_OP_FAILED when non-zero, EIO for unknown statuses. */
int va_status_error(uint32_t status, uint32_t detail);

/* ---- Validators -------------------------------------------------------- */

/* Bytes a row-major rows x cols float matrix with leading dimension ld
 * spans, ((rows-1)*ld + cols) * 4, or 0 when rows or cols is 0. Returns 0
 * when the shape is invalid (negative, ld < max(1,cols), above
 * VIRTIO_ACCEL_MAX_DIM), else 1. */
int va_matrix_bytes(int64_t rows, int64_t cols, int64_t ld, uint64_t *bytes);

/* True when C's m x n window leaves elements between rows (ldc > n, m > 1)
 * that SGEMM must not touch: the driver then sends C-in. */
int va_sgemm_c_has_gaps(int64_t m, int64_t n, int64_t ldc);

/* Blob name of `len` bytes (no NUL): 1..VIRTIO_ACCEL_MAX_NAME bytes of
 * VIRTIO_ACCEL_NAME_CHAR_OK, not "." or "..". */
int va_blob_name_valid(const char *name, size_t len);
/* NUL-terminated form (NULL is invalid). */
int va_blob_name_valid_str(const char *name);

/* EXEC library path / symbol: NUL-terminated, 1..VIRTIO_ACCEL_MAX_STRING
 * bytes. Returns its length, or 0 when invalid. */
size_t va_exec_string_len(const char *s);

/* Wire resource type (VIRTIO_ACCEL_RES_*) of a vAccel resource type
 * (VACCEL_RESOURCE_LIB 0, DATA 1, MODEL 2), 0 when there is none. */
uint32_t va_wire_resource_type(int vaccel_resource_type);

/* ---- Tensor-list layout (spec §8.3.1) ---------------------------------- */

/* Where each part of a model RUN sits in the argument lists. The same
 * numbers serve the encoder (guest) and the decoder (host). */
struct va_model_layout {
	uint32_t nr_inputs, nr_outputs;
};
static inline uint32_t va_model_nr_in(struct va_model_layout l)
{
	return 2 + 3 * l.nr_inputs + l.nr_outputs;
}
static inline uint32_t va_model_nr_out(struct va_model_layout l)
{
	return 2 * l.nr_outputs;
}
#define VA_MODEL_IN_PARAMS 0
#define VA_MODEL_IN_OPTIONS 1
static inline uint32_t va_model_in_node(uint32_t i)
{
	return 2 + 3 * i;
}
static inline uint32_t va_model_in_desc(uint32_t i)
{
	return 3 + 3 * i;
}
static inline uint32_t va_model_in_data(uint32_t i)
{
	return 4 + 3 * i;
}
static inline uint32_t va_model_out_node(struct va_model_layout l, uint32_t j)
{
	return 2 + 3 * l.nr_inputs + j;
}
/* Output list: tensor_out then data region, per output tensor. The same
 * pair ends TORCH_SGEMM's output list (j = 0). */
static inline uint32_t va_model_out_desc(uint32_t j)
{
	return 2 * j;
}
static inline uint32_t va_model_out_data(uint32_t j)
{
	return 2 * j + 1;
}
/* TORCH_SGEMM inputs: params, then desc/data for A (0), B (1), C (2). */
static inline uint32_t va_torch_sgemm_desc(uint32_t t)
{
	return 1 + 2 * t;
}
static inline uint32_t va_torch_sgemm_data(uint32_t t)
{
	return 2 + 2 * t;
}

/* Fills a wire tensor descriptor. EINVAL when nr_dims > MAX_DIMS or a
 * dimension is outside 0..VIRTIO_ACCEL_MAX_DIM. */
int va_tensor_desc_fill(struct virtio_accel_tensor_desc *d, uint32_t data_type,
			uint32_t nr_dims, const int64_t *dims);

/* ---- RUN encoder ------------------------------------------------------- */

/* vAccel argument types (vaccel_arg_type_t of vAccel 0.8) the encoders tag
 * their regions with; the device passes them through. Users that include
 * vaccel/arg.h check these against it at compile time. */
#define VA_ARG_RAW 0
#define VA_ARG_INT32_ARRAY 6
#define VA_ARG_UINT8_ARRAY 10
#define VA_ARG_FLOAT32_ARRAY 18
#define VA_ARG_FLOAT64_ARRAY 20
#define VA_ARG_STRING 27

/* One argument as a driver hands it over. The address is a u64 so that the
 * layout is the same for 32- and 64-bit guests and equals the Linux
 * driver's struct virtio_accel_ioc_arg (the plugin passes arrays of it to
 * the ioctl as they are). */
struct va_arg_ref {
	uint64_t addr;
	uint64_t len; /* input: exact bytes; output: capacity */
	uint32_t type; /* vAccel argument type */
	uint32_t custom_type; /* vAccel custom type id */
};

union va_params {
	struct virtio_accel_sgemm_params sgemm;
	struct virtio_accel_minmax_params minmax;
	struct virtio_accel_model_run_params model_run;
	struct virtio_accel_torch_sgemm_params torch_sgemm;
};

/* A RUN being built. The argument arrays are the caller's; the parameter
 * block lives in `params`, which input 0 points at, so a va_run must not be
 * copied or moved between encoding and submission. */
struct va_run {
	uint32_t op;
	uint64_t resource_id;
	struct va_arg_ref *in, *out;
	uint32_t nr_in, nr_out;
	uint32_t cap_in, cap_out;
	int error; /* sticky: E2BIG once an add did not fit */
	union va_params params;
};

void va_run_init(struct va_run *r, struct va_arg_ref *in, uint32_t cap_in,
		 struct va_arg_ref *out, uint32_t cap_out);
/* Append an input (exact length) / output (capacity). A zero-length region
 * gets address 0. E2BIG (also left in r->error) when the array is full. */
int va_run_add_in(struct va_run *r, const void *buf, uint64_t len,
		  uint32_t type, uint32_t custom_type);
int va_run_add_out(struct va_run *r, void *buf, uint64_t len, uint32_t type,
		   uint32_t custom_type);

/* Per-op encoders (spec §8.3 table). Each sets r->op (and resource_id) and
 * appends the arguments; they return 0, EINVAL for arguments the spec
 * rejects, or E2BIG when the caller's arrays are too small. */
int va_encode_noop(struct va_run *r);
/* SGEMM: in = [params, A, B, C-in], out = [C]. C-in carries C when
 * beta != 0 or C has gaps between rows (the device seeds its output from
 * C-in, or from zeros when C-in is empty, and returns the whole span). */
int va_encode_sgemm(struct va_run *r, int64_t m, int64_t n, int64_t k,
		    float alpha, const float *a, int64_t lda, const float *b,
		    int64_t ldb, float beta, float *c, int64_t ldc);
/* MINMAX: in = [params, data], out = [clamped data, min+max (2 doubles)]. */
int va_encode_minmax(struct va_run *r, const double *indata, int ndata, int low,
		     int high, double *outdata, double minmax_out[2]);
/* EXEC: in = [library, symbol] (no NUL); the caller appends its read
 * arguments with va_run_add_in, then its write arguments. */
int va_encode_exec(struct va_run *r, const char *library, const char *symbol);
/* EXEC_WITH_RESOURCE: resource_id = the host's LIB id; in = [symbol]. */
int va_encode_exec_with_resource(struct va_run *r, uint64_t resource_id,
				 const char *symbol);
/* Generic-list ops (OPENCV): only the op; the caller appends the lists. */
int va_encode_generic(struct va_run *r, uint32_t op);
/* IMAGE_CLASSIFY: in = [image], out = [text, image name]. */
int va_encode_classify(struct va_run *r, const void *img, size_t len_img,
		       void *out_text, size_t len_text, void *out_imgname,
		       size_t len_imgname);
/* IMAGE_DETECT/SEGMENT/POSE/DEPTH: in = [image], out = [image name]. */
int va_encode_image(struct va_run *r, uint32_t op, const void *img,
		    size_t len_img, void *out_imgname, size_t len_imgname);
/* FPGA ops; lengths in 4-byte elements. */
int va_encode_fpga_arraycopy(struct va_run *r, const int *a, int *out,
			     size_t len);
int va_encode_fpga_mmult(struct va_run *r, const float *a, const float *b,
			 float *c, size_t len);
int va_encode_fpga_parallel(struct va_run *r, const float *a, const float *b,
			    float *add_out, float *mult_out, size_t len);
int va_encode_fpga_vadd(struct va_run *r, const float *a, const float *b,
			float *c, size_t len_a, size_t len_b);
/* Model LOAD/UNLOAD: no arguments; resource_id = the host's MODEL id. */
int va_encode_model_op(struct va_run *r, uint32_t op, uint64_t resource_id);
/* Model RUN (§8.3.1), in three steps: begin (params, options), then per
 * input tensor va_encode_tensor_in (node, desc, data), then per output
 * va_encode_out_node, then per output va_encode_tensor_out. EINVAL when
 * more than VIRTIO_ACCEL_MAX_TENSORS tensors are asked for. */
int va_encode_model_run_begin(struct va_run *r, uint32_t op,
			      uint64_t resource_id, uint32_t nr_inputs,
			      uint32_t nr_outputs, const void *options,
			      uint64_t options_len);
/* TORCH_SGEMM: begin with the params, then three va_encode_tensor_in
 * (node NULL) for A, B, C and one va_encode_tensor_out. */
int va_encode_torch_sgemm_begin(struct va_run *r, int m, int n, int k);
/* node: TF node bytes (le32 id + name) or NULL/0 for other frameworks. */
int va_encode_tensor_in(struct va_run *r, const void *node, uint64_t node_len,
			const struct virtio_accel_tensor_desc *desc,
			const void *data, uint64_t size, int with_node);
int va_encode_out_node(struct va_run *r, const void *node, uint64_t node_len);
int va_encode_tensor_out(struct va_run *r, struct virtio_accel_tensor_out *o,
			 void *data, uint64_t capacity);

/* ---- Framing: device-readable header bytes ----------------------------- */

/* Each writes the request's header block into out (cap bytes) and returns
 * its length, or 0 when cap is too small or a length does not fit the wire
 * (payload_len is 32 bits). The segments that follow the block are listed
 * with each function; *wlen receives the writable size the request needs. */

/* SESSION_CREATE: block only; wlen = 24 + 8. */
size_t va_frame_session_create(void *out, size_t cap, uint64_t request_id,
			       uint32_t flags, uint64_t *wlen);
/* SESSION_DESTROY: block only; wlen = 24. */
size_t va_frame_session_destroy(void *out, size_t cap, uint64_t request_id,
				uint64_t session_id, uint64_t *wlen);
/* RESOURCE_REGISTER: block = hdr, register, blob descriptors; then for each
 * blob its name bytes and its data bytes. wlen = 24 + 8. */
struct va_blob {
	const char *name; /* valid blob name, NUL-terminated */
	const void *data;
	uint64_t size;
};
size_t va_frame_resource_register(void *out, size_t cap, uint64_t request_id,
				  uint64_t session_id, uint32_t res_type,
				  const struct va_blob *blobs,
				  uint32_t nr_blobs, uint64_t *wlen);
/* RESOURCE_UNREGISTER: block only; wlen = 24. */
size_t va_frame_resource_unregister(void *out, size_t cap, uint64_t request_id,
				    uint64_t session_id, uint64_t resource_id,
				    uint64_t *wlen);
/* RUN: block = hdr, run_req, argument descriptors; then each input's bytes.
 * Writable: 56 bytes of headers, then each output region.
 * wlen = 56 + sum of capacities. */
size_t va_frame_run(void *out, size_t cap, uint64_t request_id,
		    uint64_t session_id, const struct va_run *r,
		    uint64_t *wlen);
/* STATS_GET: block only; wlen = 24 + 64. */
size_t va_frame_stats_get(void *out, size_t cap, uint64_t request_id,
			  uint64_t *wlen);
/* Bytes of the largest header block va_frame_run writes for nr arguments. */
#define VA_RUN_BLOCK_BYTES(nr)                 \
	(sizeof(struct virtio_accel_req_hdr) + \
	 sizeof(struct virtio_accel_run_req) + \
	 (nr) * sizeof(struct virtio_accel_arg))

/* Checks a completed request's writable part: used >= 24, the echoed
 * request id, payload_len == used - 24, payload_len <= expected payload.
 * Fills status and detail (host order) and returns 0; EIO when the device's
 * answer is malformed. */
int va_parse_resp(const void *wr, uint64_t used, uint64_t request_id,
		  uint64_t max_payload, uint32_t *status, uint32_t *detail);

/* Little-endian helpers (wire fields are LE on every host). */
static inline uint16_t va_to_le16(uint16_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}
static inline uint32_t va_to_le32(uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}
static inline uint64_t va_to_le64(uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_ACCEL_PROTO_H */
