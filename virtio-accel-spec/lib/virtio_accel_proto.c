/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio-accel protocol library; interface and rules in virtio_accel_proto.h. */
#include "virtio_accel_proto.h"
#include "virtio_accel_layout.h"

#include <errno.h>
#include <string.h>

/* ---- Wire layout ------------------------------------------------------- */

/* The wire header's layout (virtio_accel_layout.h), checked here once for
 * every compiler that builds the library; tests/host-backend/layout_check.c
 * compiles the header with -Wpadded. */
#define VA_ASSERT_SIZE(t, n) _Static_assert(sizeof(t) == (n), #t " size");
/* The builtin: Unikraft's nolibc offsetof is no constant expression here. */
#define VA_ASSERT_OFF(t, f, n) \
	_Static_assert(__builtin_offsetof(t, f) == (n), #t "." #f);
VIRTIO_ACCEL_LAYOUT(VA_ASSERT_SIZE, VA_ASSERT_OFF)
_Static_assert(sizeof(struct virtio_accel_resp_hdr) +
			       sizeof(struct virtio_accel_run_resp) ==
		       VIRTIO_ACCEL_RUN_RESP_BYTES,
	       "RUN response head");
_Static_assert(VIRTIO_ACCEL_OP_MAX < 64, "supported_ops is a 64-bit map");
_Static_assert(VIRTIO_ID_ACCEL < 64, "modern virtio-pci IDs end at 0x107f");

/* ---- Tables ------------------------------------------------------------ */

#define VA_OP_ENTRY(name, res, nin, nout, params_size) \
	[VIRTIO_ACCEL_OP_##name] = { #name, res, nin, nout, params_size },

static const struct va_op_info ops[VIRTIO_ACCEL_OP_MAX + 1] = {
	VIRTIO_ACCEL_OPS(VA_OP_ENTRY)
};

/* Every op code of the header is in the table, and nothing else. */
#define VA_COUNT(...) +1
_Static_assert(0 VIRTIO_ACCEL_OPS(VA_COUNT) == VIRTIO_ACCEL_OP_MAX,
	       "VIRTIO_ACCEL_OPS lists every op");

const struct va_op_info *va_op_info(uint32_t op)
{
	if (op < 1 || op > VIRTIO_ACCEL_OP_MAX)
		return NULL;
	return &ops[op];
}

const char *va_op_name(uint32_t op)
{
	const struct va_op_info *i = va_op_info(op);

	return i ? i->name : "UNKNOWN";
}

#define VA_STATUS_NAME(name, err) [VIRTIO_ACCEL_S_##name] = #name,
#define VA_STATUS_ERR(name, err) [VIRTIO_ACCEL_S_##name] = err,
static const char *const status_names[VIRTIO_ACCEL_S_MAX + 1] = {
	VIRTIO_ACCEL_STATUSES(VA_STATUS_NAME)
};
static const int status_errors[VIRTIO_ACCEL_S_MAX + 1] = {
	VIRTIO_ACCEL_STATUSES(VA_STATUS_ERR)
};
_Static_assert(0 VIRTIO_ACCEL_STATUSES(VA_COUNT) == VIRTIO_ACCEL_S_MAX + 1,
	       "VIRTIO_ACCEL_STATUSES lists every status");

const char *va_status_name(uint32_t status)
{
	return status <= VIRTIO_ACCEL_S_MAX ? status_names[status] : "UNKNOWN";
}

int va_status_error(uint32_t status, uint32_t detail)
{
	if (status == VIRTIO_ACCEL_S_OP_FAILED && detail)
		return (int)detail;
	return status <= VIRTIO_ACCEL_S_MAX ? status_errors[status] : EIO;
}

/* ---- Validators -------------------------------------------------------- */

int va_matrix_bytes(int64_t rows, int64_t cols, int64_t ld, uint64_t *bytes)
{
	const int64_t max = (int64_t)VIRTIO_ACCEL_MAX_DIM;

	if (rows < 0 || cols < 0 || rows > max || cols > max)
		return 0;
	if (ld < (cols > 1 ? cols : 1) || ld > max)
		return 0;
	if (rows == 0 || cols == 0) {
		*bytes = 0;
		return 1;
	}
	/* Each factor is at most 2^30: the product fits in 64 bits. */
	*bytes = (uint64_t)((rows - 1) * ld + cols) * sizeof(float);
	return 1;
}

int va_sgemm_c_has_gaps(int64_t m, int64_t n, int64_t ldc)
{
	return m > 1 && n > 0 && ldc > n;
}

int va_blob_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!name || len == 0 || len > VIRTIO_ACCEL_MAX_NAME)
		return 0;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	for (i = 0; i < len; i++)
		if (!VIRTIO_ACCEL_NAME_CHAR_OK(name[i]))
			return 0;
	return 1;
}

/* strnlen is POSIX, not C99: freestanding users may lack it. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int va_blob_name_valid_str(const char *name)
{
	if (!name)
		return 0;
	return va_blob_name_valid(name,
				  bounded_len(name, VIRTIO_ACCEL_MAX_NAME + 1));
}

size_t va_exec_string_len(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = bounded_len(s, VIRTIO_ACCEL_MAX_STRING + 1);
	return n <= VIRTIO_ACCEL_MAX_STRING ? n : 0;
}

uint32_t va_wire_resource_type(int vaccel_resource_type)
{
	/* vaccel_resource_type_t: LIB 0, DATA 1, MODEL 2 (vAccel 0.8). */
	switch (vaccel_resource_type) {
	case 0:
		return VIRTIO_ACCEL_RES_LIB;
	case 1:
		return VIRTIO_ACCEL_RES_DATA;
	case 2:
		return VIRTIO_ACCEL_RES_MODEL;
	default:
		return 0;
	}
}

int va_tensor_desc_fill(struct virtio_accel_tensor_desc *d, uint32_t data_type,
			uint32_t nr_dims, const int64_t *dims)
{
	uint32_t i;

	if (nr_dims > VIRTIO_ACCEL_MAX_DIMS)
		return EINVAL;
	memset(d, 0, sizeof(*d));
	d->data_type = va_to_le32(data_type);
	d->nr_dims = va_to_le32(nr_dims);
	for (i = 0; i < nr_dims; i++) {
		if (dims[i] < 0 || (uint64_t)dims[i] > VIRTIO_ACCEL_MAX_DIM)
			return EINVAL;
		d->dims[i] = va_to_le64((uint64_t)dims[i]);
	}
	return 0;
}

/* ---- RUN encoder ------------------------------------------------------- */

void va_run_init(struct va_run *r, struct va_arg_ref *in, uint32_t cap_in,
		 struct va_arg_ref *out, uint32_t cap_out)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->out = out;
	r->cap_in = cap_in;
	r->cap_out = cap_out;
}

static int add(struct va_arg_ref *arr, uint32_t *nr, uint32_t cap, int *error,
	       const void *buf, uint64_t len, uint32_t type, uint32_t custom)
{
	struct va_arg_ref *a;

	if (*nr >= cap) {
		*error = E2BIG;
		return E2BIG;
	}
	a = &arr[(*nr)++];
	/* A zero-length region has no bytes: its address never matters. */
	a->addr = len ? (uint64_t)(uintptr_t)buf : 0;
	a->len = len;
	a->type = type;
	a->custom_type = custom;
	return 0;
}

int va_run_add_in(struct va_run *r, const void *buf, uint64_t len,
		  uint32_t type, uint32_t custom_type)
{
	return add(r->in, &r->nr_in, r->cap_in, &r->error, buf, len, type,
		   custom_type);
}

int va_run_add_out(struct va_run *r, void *buf, uint64_t len, uint32_t type,
		   uint32_t custom_type)
{
	return add(r->out, &r->nr_out, r->cap_out, &r->error, buf, len, type,
		   custom_type);
}

static uint32_t float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return va_to_le32(u);
}

int va_encode_noop(struct va_run *r)
{
	r->op = VIRTIO_ACCEL_OP_NOOP;
	return 0;
}

int va_encode_sgemm(struct va_run *r, int64_t m, int64_t n, int64_t k,
		    float alpha, const float *a, int64_t lda, const float *b,
		    int64_t ldb, float beta, float *c, int64_t ldc)
{
	struct virtio_accel_sgemm_params *p = &r->params.sgemm;
	uint64_t a_bytes, b_bytes, c_bytes;
	int send_c;

	if (!va_matrix_bytes(m, k, lda, &a_bytes) ||
	    !va_matrix_bytes(k, n, ldb, &b_bytes) ||
	    !va_matrix_bytes(m, n, ldc, &c_bytes))
		return EINVAL;
	r->op = VIRTIO_ACCEL_OP_SGEMM;
	p->m = va_to_le64((uint64_t)m);
	p->n = va_to_le64((uint64_t)n);
	p->k = va_to_le64((uint64_t)k);
	p->lda = va_to_le64((uint64_t)lda);
	p->ldb = va_to_le64((uint64_t)ldb);
	p->ldc = va_to_le64((uint64_t)ldc);
	p->alpha = float_bits(alpha);
	p->beta = float_bits(beta);
	send_c = beta != 0.0f || va_sgemm_c_has_gaps(m, n, ldc);
	va_run_add_in(r, p, sizeof(*p), VA_ARG_RAW, 0);
	va_run_add_in(r, a, a_bytes, VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_in(r, b, b_bytes, VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_in(r, c, send_c ? c_bytes : 0, VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_out(r, c, c_bytes, VA_ARG_FLOAT32_ARRAY, 0);
	return r->error;
}

int va_encode_minmax(struct va_run *r, const double *indata, int ndata, int low,
		     int high, double *outdata, double minmax_out[2])
{
	struct virtio_accel_minmax_params *p = &r->params.minmax;
	uint64_t bytes;

	if (ndata < 0)
		return EINVAL;
	bytes = (uint64_t)ndata * sizeof(double);
	r->op = VIRTIO_ACCEL_OP_MINMAX;
	p->ndata = va_to_le32((uint32_t)ndata);
	p->low_threshold = va_to_le32((uint32_t)low);
	p->high_threshold = va_to_le32((uint32_t)high);
	p->reserved = 0;
	va_run_add_in(r, p, sizeof(*p), VA_ARG_RAW, 0);
	va_run_add_in(r, indata, bytes, VA_ARG_FLOAT64_ARRAY, 0);
	va_run_add_out(r, outdata, bytes, VA_ARG_FLOAT64_ARRAY, 0);
	va_run_add_out(r, minmax_out, 2 * sizeof(double), VA_ARG_FLOAT64_ARRAY,
		       0);
	return r->error;
}

int va_encode_exec(struct va_run *r, const char *library, const char *symbol)
{
	size_t lib_len = va_exec_string_len(library);
	size_t sym_len = va_exec_string_len(symbol);

	if (!lib_len || !sym_len)
		return EINVAL;
	r->op = VIRTIO_ACCEL_OP_EXEC;
	va_run_add_in(r, library, lib_len, VA_ARG_STRING, 0);
	va_run_add_in(r, symbol, sym_len, VA_ARG_STRING, 0);
	return r->error;
}

int va_encode_exec_with_resource(struct va_run *r, uint64_t resource_id,
				 const char *symbol)
{
	size_t sym_len = va_exec_string_len(symbol);

	if (!sym_len || !resource_id)
		return EINVAL;
	r->op = VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE;
	r->resource_id = resource_id;
	va_run_add_in(r, symbol, sym_len, VA_ARG_STRING, 0);
	return r->error;
}

int va_encode_generic(struct va_run *r, uint32_t op)
{
	const struct va_op_info *i = va_op_info(op);

	if (!i || i->nr_in != VA_VAR || i->resource != VA_RES_NONE)
		return EINVAL;
	r->op = op;
	return 0;
}

int va_encode_classify(struct va_run *r, const void *img, size_t len_img,
		       void *out_text, size_t len_text, void *out_imgname,
		       size_t len_imgname)
{
	r->op = VIRTIO_ACCEL_OP_IMAGE_CLASSIFY;
	va_run_add_in(r, img, len_img, VA_ARG_UINT8_ARRAY, 0);
	va_run_add_out(r, out_text, len_text, VA_ARG_UINT8_ARRAY, 0);
	va_run_add_out(r, out_imgname, len_imgname, VA_ARG_UINT8_ARRAY, 0);
	return r->error;
}

int va_encode_image(struct va_run *r, uint32_t op, const void *img,
		    size_t len_img, void *out_imgname, size_t len_imgname)
{
	if (op < VIRTIO_ACCEL_OP_IMAGE_DETECT ||
	    op > VIRTIO_ACCEL_OP_IMAGE_DEPTH)
		return EINVAL;
	r->op = op;
	va_run_add_in(r, img, len_img, VA_ARG_UINT8_ARRAY, 0);
	va_run_add_out(r, out_imgname, len_imgname, VA_ARG_UINT8_ARRAY, 0);
	return r->error;
}

int va_encode_fpga_arraycopy(struct va_run *r, const int *a, int *out,
			     size_t len)
{
	r->op = VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY;
	va_run_add_in(r, a, len * sizeof(int), VA_ARG_INT32_ARRAY, 0);
	va_run_add_out(r, out, len * sizeof(int), VA_ARG_INT32_ARRAY, 0);
	return r->error;
}

int va_encode_fpga_mmult(struct va_run *r, const float *a, const float *b,
			 float *c, size_t len)
{
	r->op = VIRTIO_ACCEL_OP_FPGA_MMULT;
	va_run_add_in(r, a, len * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_in(r, b, len * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_out(r, c, len * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	return r->error;
}

int va_encode_fpga_parallel(struct va_run *r, const float *a, const float *b,
			    float *add_out, float *mult_out, size_t len)
{
	r->op = VIRTIO_ACCEL_OP_FPGA_PARALLEL;
	va_run_add_in(r, a, len * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_in(r, b, len * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_out(r, add_out, len * sizeof(float), VA_ARG_FLOAT32_ARRAY,
		       0);
	va_run_add_out(r, mult_out, len * sizeof(float), VA_ARG_FLOAT32_ARRAY,
		       0);
	return r->error;
}

int va_encode_fpga_vadd(struct va_run *r, const float *a, const float *b,
			float *c, size_t len_a, size_t len_b)
{
	r->op = VIRTIO_ACCEL_OP_FPGA_VECTORADD;
	va_run_add_in(r, a, len_a * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_in(r, b, len_b * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	va_run_add_out(r, c, len_a * sizeof(float), VA_ARG_FLOAT32_ARRAY, 0);
	return r->error;
}

int va_encode_model_op(struct va_run *r, uint32_t op, uint64_t resource_id)
{
	const struct va_op_info *i = va_op_info(op);

	if (!i || i->resource != VA_RES_MODEL || i->nr_in != 0)
		return EINVAL;
	r->op = op;
	r->resource_id = resource_id;
	return 0;
}

int va_encode_model_run_begin(struct va_run *r, uint32_t op,
			      uint64_t resource_id, uint32_t nr_inputs,
			      uint32_t nr_outputs, const void *options,
			      uint64_t options_len)
{
	struct virtio_accel_model_run_params *p = &r->params.model_run;

	if (op != VIRTIO_ACCEL_OP_TF_MODEL_RUN &&
	    op != VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN &&
	    op != VIRTIO_ACCEL_OP_TORCH_MODEL_RUN)
		return EINVAL;
	if (nr_inputs > VIRTIO_ACCEL_MAX_TENSORS ||
	    nr_outputs > VIRTIO_ACCEL_MAX_TENSORS)
		return EINVAL;
	r->op = op;
	r->resource_id = resource_id;
	p->nr_inputs = va_to_le32(nr_inputs);
	p->nr_outputs = va_to_le32(nr_outputs);
	va_run_add_in(r, p, sizeof(*p), VA_ARG_RAW, 0);
	va_run_add_in(r, options, options_len, VA_ARG_RAW, 0);
	return r->error;
}

int va_encode_torch_sgemm_begin(struct va_run *r, int m, int n, int k)
{
	struct virtio_accel_torch_sgemm_params *p = &r->params.torch_sgemm;

	if (m < 0 || n < 0 || k < 0)
		return EINVAL;
	r->op = VIRTIO_ACCEL_OP_TORCH_SGEMM;
	p->m = va_to_le32((uint32_t)m);
	p->n = va_to_le32((uint32_t)n);
	p->k = va_to_le32((uint32_t)k);
	p->reserved = 0;
	va_run_add_in(r, p, sizeof(*p), VA_ARG_RAW, 0);
	return r->error;
}

int va_encode_tensor_in(struct va_run *r, const void *node, uint64_t node_len,
			const struct virtio_accel_tensor_desc *desc,
			const void *data, uint64_t size, int with_node)
{
	if (with_node)
		va_run_add_in(r, node, node_len, VA_ARG_RAW, 0);
	va_run_add_in(r, desc, sizeof(*desc), VA_ARG_RAW, 0);
	va_run_add_in(r, data, size, VA_ARG_RAW, 0);
	return r->error;
}

int va_encode_out_node(struct va_run *r, const void *node, uint64_t node_len)
{
	return va_run_add_in(r, node, node_len, VA_ARG_RAW, 0);
}

int va_encode_tensor_out(struct va_run *r, struct virtio_accel_tensor_out *o,
			 void *data, uint64_t capacity)
{
	va_run_add_out(r, o, sizeof(*o), VA_ARG_RAW, 0);
	va_run_add_out(r, data, capacity, VA_ARG_RAW, 0);
	return r->error;
}

/* ---- Framing ----------------------------------------------------------- */

static void put_hdr(void *out, uint32_t type, uint64_t request_id,
		    uint64_t session_id, uint32_t payload_len)
{
	struct virtio_accel_req_hdr h;

	memset(&h, 0, sizeof(h));
	h.type = va_to_le32(type);
	h.request_id = va_to_le64(request_id);
	h.session_id = va_to_le64(session_id);
	h.payload_len = va_to_le32(payload_len);
	memcpy(out, &h, sizeof(h));
}

#define HDR sizeof(struct virtio_accel_req_hdr)
#define RESP sizeof(struct virtio_accel_resp_hdr)

size_t va_frame_session_create(void *out, size_t cap, uint64_t request_id,
			       uint32_t flags, uint64_t *wlen)
{
	struct virtio_accel_session_create p;

	if (cap < HDR + sizeof(p))
		return 0;
	memset(&p, 0, sizeof(p));
	p.flags = va_to_le32(flags);
	put_hdr(out, VIRTIO_ACCEL_REQ_SESSION_CREATE, request_id, 0, sizeof(p));
	memcpy((char *)out + HDR, &p, sizeof(p));
	*wlen = RESP + sizeof(struct virtio_accel_id_resp);
	return HDR + sizeof(p);
}

size_t va_frame_session_destroy(void *out, size_t cap, uint64_t request_id,
				uint64_t session_id, uint64_t *wlen)
{
	if (cap < HDR)
		return 0;
	put_hdr(out, VIRTIO_ACCEL_REQ_SESSION_DESTROY, request_id, session_id,
		0);
	*wlen = RESP;
	return HDR;
}

size_t va_frame_resource_register(void *out, size_t cap, uint64_t request_id,
				  uint64_t session_id, uint32_t res_type,
				  const struct va_blob *blobs,
				  uint32_t nr_blobs, uint64_t *wlen)
{
	struct virtio_accel_resource_register rr;
	struct virtio_accel_blob_desc d;
	const size_t block = HDR + sizeof(rr) + (size_t)nr_blobs * sizeof(d);
	uint64_t payload = block - HDR;
	char *p = (char *)out;
	uint32_t i;

	if (nr_blobs == 0 || nr_blobs > VIRTIO_ACCEL_MAX_ARGS_HARD ||
	    cap < block)
		return 0;
	memset(&rr, 0, sizeof(rr));
	rr.res_type = va_to_le32(res_type);
	rr.nr_blobs = va_to_le32(nr_blobs);
	memcpy(p + HDR, &rr, sizeof(rr));
	for (i = 0; i < nr_blobs; i++) {
		size_t name_len =
			bounded_len(blobs[i].name, VIRTIO_ACCEL_MAX_NAME + 1);

		if (!va_blob_name_valid(blobs[i].name, name_len))
			return 0;
		memset(&d, 0, sizeof(d));
		d.size = va_to_le64(blobs[i].size);
		d.name_len = va_to_le32((uint32_t)name_len);
		memcpy(p + HDR + sizeof(rr) + i * sizeof(d), &d, sizeof(d));
		payload += name_len;
		if (blobs[i].size > UINT32_MAX - payload)
			return 0;
		payload += blobs[i].size;
	}
	if (payload > UINT32_MAX)
		return 0;
	put_hdr(out, VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, request_id, session_id,
		(uint32_t)payload);
	*wlen = RESP + sizeof(struct virtio_accel_id_resp);
	return block;
}

size_t va_frame_resource_unregister(void *out, size_t cap, uint64_t request_id,
				    uint64_t session_id, uint64_t resource_id,
				    uint64_t *wlen)
{
	struct virtio_accel_resource_unregister u;

	if (cap < HDR + sizeof(u))
		return 0;
	u.resource_id = va_to_le64(resource_id);
	put_hdr(out, VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER, request_id,
		session_id, sizeof(u));
	memcpy((char *)out + HDR, &u, sizeof(u));
	*wlen = RESP;
	return HDR + sizeof(u);
}

size_t va_frame_run(void *out, size_t cap, uint64_t request_id,
		    uint64_t session_id, const struct va_run *r, uint64_t *wlen)
{
	const uint32_t nr = r->nr_in + r->nr_out;
	const size_t block = VA_RUN_BLOCK_BYTES((size_t)nr);
	struct virtio_accel_run_req q;
	struct virtio_accel_arg a;
	uint64_t payload = block - HDR;
	uint64_t writable = VIRTIO_ACCEL_RUN_RESP_BYTES;
	char *p = (char *)out;
	uint32_t i;

	if (r->error || nr > VIRTIO_ACCEL_MAX_ARGS_HARD || cap < block)
		return 0;
	memset(&q, 0, sizeof(q));
	q.op = va_to_le32(r->op);
	q.nr_in = va_to_le32(r->nr_in);
	q.nr_out = va_to_le32(r->nr_out);
	q.resource_id = va_to_le64(r->resource_id);
	memcpy(p + HDR, &q, sizeof(q));
	p += HDR + sizeof(q);
	for (i = 0; i < nr; i++) {
		const struct va_arg_ref *ref =
			i < r->nr_in ? &r->in[i] : &r->out[i - r->nr_in];

		a.len = va_to_le64(ref->len);
		a.type = va_to_le32(ref->type);
		a.custom_type = va_to_le32(ref->custom_type);
		memcpy(p + i * sizeof(a), &a, sizeof(a));
		if (i < r->nr_in) {
			if (ref->len > UINT32_MAX - payload)
				return 0;
			payload += ref->len;
		} else {
			if (ref->len > UINT64_MAX - writable)
				return 0;
			writable += ref->len;
		}
	}
	put_hdr(out, VIRTIO_ACCEL_REQ_RUN, request_id, session_id,
		(uint32_t)payload);
	*wlen = writable;
	return block;
}

size_t va_frame_stats_get(void *out, size_t cap, uint64_t request_id,
			  uint64_t *wlen)
{
	if (cap < HDR)
		return 0;
	put_hdr(out, VIRTIO_ACCEL_REQ_STATS_GET, request_id, 0, 0);
	/* The 1.0 counters; room for the copy counters is the caller's choice
	 * (spec §8.5). */
	*wlen = RESP + VIRTIO_ACCEL_STATS_V0_SIZE;
	return HDR;
}

int va_parse_resp(const void *wr, uint64_t used, uint64_t request_id,
		  uint64_t max_payload, uint32_t *status, uint32_t *detail)
{
	struct virtio_accel_resp_hdr h;

	if (used < RESP)
		return EIO;
	memcpy(&h, wr, sizeof(h));
	if (va_to_le64(h.request_id) != request_id ||
	    va_to_le32(h.payload_len) != used - RESP ||
	    va_to_le32(h.payload_len) > max_payload)
		return EIO;
	*status = va_to_le32(h.status);
	*detail = va_to_le32(h.detail);
	return 0;
}
