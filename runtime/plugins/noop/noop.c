/* SPDX-License-Identifier: Apache-2.0 */
/* The debug plugin: implements every op, logs its arguments at DEBUG level
 * and produces the same dummy outputs as upstream vAccel 0.8's noop plugin
 * (documented per op below; upstream's tests check them), so the API can be
 * exercised end to end without hardware. Unlike upstream's it never trusts a
 * buffer to be aligned or a length product not to overflow: outputs are
 * written with memcpy and every size is checked. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vaccel.h>

#define noop_dbg(...) vaccel_debug("[noop] " __VA_ARGS__)

static int noop_noop(struct vaccel_session *sess)
{
	noop_dbg("noop: session %" PRId64, sess->id);
	return VACCEL_OK;
}

/* Dummy exec output, as upstream's noop: when there is exactly one write
 * argument of the size of read[0] and a multiple of sizeof(int), it
 * receives a copy of read[0] ("output = input"). Byte copy: the buffers may
 * be unaligned, and they may alias (memmove). */
static void dummy_exec(struct vaccel_arg *read, size_t nr_read,
		       struct vaccel_arg *write, size_t nr_write)
{
	if (nr_read < 1 || nr_write != 1 || !write[0].size ||
	    write[0].size != read[0].size || write[0].size % sizeof(int) ||
	    !write[0].buf || !read[0].buf)
		return;
	memmove(write[0].buf, read[0].buf, write[0].size);
}

static int noop_exec(struct vaccel_session *sess, const char *library,
		     const char *fn_symbol, struct vaccel_arg *read,
		     size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	noop_dbg("exec: session %" PRId64 " library %s symbol %s nr_read %zu "
		 "nr_write %zu",
		 sess->id, library, fn_symbol, nr_read, nr_write);
	dummy_exec(read, nr_read, write, nr_write);
	return VACCEL_OK;
}

static int noop_exec_res(struct vaccel_session *sess,
			 struct vaccel_resource *res, const char *fn_symbol,
			 struct vaccel_arg *read, size_t nr_read,
			 struct vaccel_arg *write, size_t nr_write)
{
	noop_dbg("exec_with_resource: session %" PRId64 " resource %" PRId64
		 " (%zu blobs) symbol %s nr_read %zu nr_write %zu",
		 sess->id, res->id, res->nr_blobs, fn_symbol, nr_read,
		 nr_write);
	dummy_exec(read, nr_read, write, nr_write);
	return VACCEL_OK;
}

static int noop_sgemm(struct vaccel_session *sess, long long m, long long n,
		      long long k, float alpha, float *a, long long lda,
		      float *b, long long ldb, float beta, float *c,
		      long long ldc)
{
	/* C is left untouched. */
	noop_dbg("sgemm: session %" PRId64 " m %lld n %lld k %lld alpha %f "
		 "A %p lda %lld B %p ldb %lld beta %f C %p ldc %lld",
		 sess->id, m, n, k, alpha, (void *)a, lda, (void *)b, ldb,
		 beta, (void *)c, ldc);
	return VACCEL_OK;
}

/* As upstream: outdata = indata, *min = -1.0, *max = 10000.0. */
static int noop_minmax(struct vaccel_session *sess, const double *indata,
		       int ndata, int low, int high, double *outdata,
		       double *min, double *max)
{
	noop_dbg("minmax: session %" PRId64 " ndata %d low %d high %d",
		 sess->id, ndata, low, high);
	if (ndata > 0 && indata && outdata)
		memmove(outdata, indata, (size_t)ndata * sizeof(double));
	*min = -1.0;
	*max = 10000.0;
	return VACCEL_OK;
}

/* Image ops write upstream's fixed dummy strings into each output. */
static void dummy_text(unsigned char *out, size_t len, const char *text)
{
	if (out && len)
		snprintf((char *)out, len, "%s", text);
}

static int noop_classify(struct vaccel_session *sess, const void *img,
			 unsigned char *out_text, unsigned char *out_imgname,
			 size_t len_img, size_t len_out_text,
			 size_t len_out_imgname)
{
	if (!img)
		return VACCEL_EINVAL;
	noop_dbg("image_classification: session %" PRId64 " len_img %zu",
		 sess->id, len_img);
	dummy_text(out_text, len_out_text,
		   "This is a dummy classification tag!");
	dummy_text(out_imgname, len_out_imgname, "This is a dummy imgname!");
	return VACCEL_OK;
}

#define NOOP_IMAGE_OP(fn, label)                                            \
	static int fn(struct vaccel_session *sess, const void *img,         \
		      unsigned char *out, size_t len_img, size_t len_out)   \
	{                                                                   \
		if (!img)                                                   \
			return VACCEL_EINVAL;                               \
		noop_dbg("image_" label ": session %" PRId64                \
			 " len_img %zu",                                    \
			 sess->id, len_img);                                \
		dummy_text(out, len_out, "This is a dummy imgname!");       \
		return VACCEL_OK;                                           \
	}
NOOP_IMAGE_OP(noop_detect, "detect")
NOOP_IMAGE_OP(noop_segment, "segment")
NOOP_IMAGE_OP(noop_pose, "pose")
NOOP_IMAGE_OP(noop_depth, "depth")

/* FPGA ops, as upstream's noop: arraycopy copies, mmult fills C with 9.1,
 * parallel gives a + b and 1.0, vadd gives a + b (len_a elements). Element
 * access goes through memcpy: the arrays may be unaligned. */
static float get_f(const float *p, size_t i)
{
	float v;
	memcpy(&v, (const char *)p + i * sizeof(float), sizeof(v));
	return v;
}

static void put_f(float *p, size_t i, float v)
{
	memcpy((char *)p + i * sizeof(float), &v, sizeof(v));
}

static int noop_arraycopy(struct vaccel_session *sess, int a[], int out[],
			  size_t len)
{
	noop_dbg("fpga_arraycopy: session %" PRId64 " len %zu", sess->id, len);
	if (len > SIZE_MAX / sizeof(int))
		return VACCEL_EINVAL;
	if (len)
		memmove(out, a, len * sizeof(int));
	return VACCEL_OK;
}

static int noop_mmult(struct vaccel_session *sess, float a[], float b[],
		      float c[], size_t len)
{
	(void)a;
	(void)b;
	noop_dbg("fpga_mmult: session %" PRId64 " len %zu", sess->id, len);
	for (size_t i = 0; i < len; i++)
		put_f(c, i, 9.1F);
	return VACCEL_OK;
}

static int noop_parallel(struct vaccel_session *sess, float a[], float b[],
			 float add[], float mult[], size_t len)
{
	noop_dbg("fpga_parallel: session %" PRId64 " len %zu", sess->id, len);
	for (size_t i = 0; i < len; i++) {
		put_f(add, i, get_f(a, i) + get_f(b, i));
		put_f(mult, i, 1.0F);
	}
	return VACCEL_OK;
}

static int noop_vadd(struct vaccel_session *sess, float a[], float b[],
		     float c[], size_t len_a, size_t len_b)
{
	noop_dbg("fpga_vadd: session %" PRId64 " len_a %zu len_b %zu",
		 sess->id, len_a, len_b);
	for (size_t i = 0; i < len_a && i < len_b; i++)
		put_f(c, i, get_f(a, i) + get_f(b, i));
	return VACCEL_OK;
}

static int set_status(struct vaccel_tf_status *status)
{
	if (!status)
		return VACCEL_OK;
	return vaccel_tf_status_init(status, 0,
				     "Operation handled by noop plugin");
}

static int noop_tf_load(struct vaccel_session *sess,
			struct vaccel_resource *model,
			struct vaccel_tf_status *status)
{
	noop_dbg("tf_model_load: session %" PRId64 " model %" PRId64,
		 sess->id, model->id);
	return set_status(status);
}

static int noop_tf_unload(struct vaccel_session *sess,
			  struct vaccel_resource *model,
			  struct vaccel_tf_status *status)
{
	noop_dbg("tf_model_unload: session %" PRId64 " model %" PRId64,
		 sess->id, model->id);
	return set_status(status);
}

/* Model runs: output i is a copy of input i (dims, type and data); outputs
 * without a matching input are NULL. */
static int noop_tf_run(struct vaccel_session *sess,
		       const struct vaccel_resource *model,
		       const struct vaccel_tf_buffer *run_options,
		       const struct vaccel_tf_node *in_nodes,
		       struct vaccel_tf_tensor *const *in, int nr_in,
		       const struct vaccel_tf_node *out_nodes,
		       struct vaccel_tf_tensor **out, int nr_out,
		       struct vaccel_tf_status *status)
{
	(void)run_options;
	(void)in_nodes;
	(void)out_nodes;
	noop_dbg("tf_model_run: session %" PRId64 " model %" PRId64
		 " inputs %d outputs %d",
		 sess->id, model->id, nr_in, nr_out);
	for (int i = 0; i < nr_out; ++i) {
		out[i] = NULL;
		if (i >= nr_in)
			continue;
		int ret = vaccel_tf_tensor_allocate(&out[i], in[i]->nr_dims,
						    in[i]->dims,
						    in[i]->data_type,
						    in[i]->size);
		if (ret)
			return ret;
		if (in[i]->size)
			memcpy(out[i]->data, in[i]->data, in[i]->size);
	}
	return set_status(status);
}

static int noop_tflite_load(struct vaccel_session *sess,
			    struct vaccel_resource *model)
{
	noop_dbg("tflite_model_load: session %" PRId64 " model %" PRId64,
		 sess->id, model->id);
	return VACCEL_OK;
}

static int noop_tflite_unload(struct vaccel_session *sess,
			      struct vaccel_resource *model)
{
	noop_dbg("tflite_model_unload: session %" PRId64 " model %" PRId64,
		 sess->id, model->id);
	return VACCEL_OK;
}

static int noop_tflite_run(struct vaccel_session *sess,
			   const struct vaccel_resource *model,
			   struct vaccel_tflite_tensor *const *in, int nr_in,
			   struct vaccel_tflite_tensor **out, int nr_out,
			   uint8_t *status)
{
	noop_dbg("tflite_model_run: session %" PRId64 " model %" PRId64
		 " inputs %d outputs %d",
		 sess->id, model->id, nr_in, nr_out);
	for (int i = 0; i < nr_out; ++i) {
		out[i] = NULL;
		if (i >= nr_in)
			continue;
		int ret = vaccel_tflite_tensor_allocate(
			&out[i], in[i]->nr_dims, in[i]->dims, in[i]->data_type,
			in[i]->size);
		if (ret)
			return ret;
		if (in[i]->size)
			memcpy(out[i]->data, in[i]->data, in[i]->size);
	}
	if (status)
		*status = 0;
	return VACCEL_OK;
}

static int noop_torch_load(struct vaccel_session *sess,
			   const struct vaccel_resource *model)
{
	noop_dbg("torch_model_load: session %" PRId64 " model %" PRId64,
		 sess->id, model->id);
	return VACCEL_OK;
}

static int noop_torch_run(struct vaccel_session *sess,
			  const struct vaccel_resource *model,
			  const struct vaccel_torch_buffer *run_options,
			  struct vaccel_torch_tensor **in, int nr_in,
			  struct vaccel_torch_tensor **out, int nr_out)
{
	(void)run_options;
	noop_dbg("torch_model_run: session %" PRId64 " model %" PRId64
		 " inputs %d outputs %d",
		 sess->id, model->id, nr_in, nr_out);
	for (int i = 0; i < nr_out; ++i) {
		out[i] = NULL;
		if (i >= nr_in)
			continue;
		int ret = vaccel_torch_tensor_allocate(
			&out[i], in[i]->nr_dims, in[i]->dims, in[i]->data_type,
			in[i]->size);
		if (ret)
			return ret;
		if (in[i]->size)
			memcpy(out[i]->data, in[i]->data, in[i]->size);
	}
	return VACCEL_OK;
}

static int noop_torch_sgemm(struct vaccel_session *sess,
			    struct vaccel_torch_tensor **a,
			    struct vaccel_torch_tensor **b,
			    struct vaccel_torch_tensor **c, int m, int n, int k,
			    struct vaccel_torch_tensor **out)
{
	(void)a;
	(void)b;
	(void)c;
	noop_dbg("torch_sgemm: session %" PRId64 " M %d N %d K %d", sess->id,
		 m, n, k);
	*out = NULL;
	return VACCEL_OK;
}

static int noop_opencv(struct vaccel_session *sess, struct vaccel_arg *read,
		       int nr_read, struct vaccel_arg *write, int nr_write)
{
	(void)read;
	noop_dbg("opencv: session %" PRId64 " nr_read %d nr_write %d",
		 sess->id, nr_read, nr_write);
	/* As upstream: each output starts with its element count (floats) as
	 * a size_t; written only where it fits. */
	for (int i = 0; i < nr_write; i++) {
		size_t n = write[i].size / sizeof(float);
		if (write[i].buf && write[i].size >= sizeof(n))
			memcpy(write[i].buf, &n, sizeof(n));
	}
	return VACCEL_OK;
}

static struct vaccel_op ops[] = {
	VACCEL_OP_INIT(ops[0], VACCEL_OP_NOOP, noop_noop),
	VACCEL_OP_INIT(ops[1], VACCEL_OP_EXEC, noop_exec),
	VACCEL_OP_INIT(ops[2], VACCEL_OP_EXEC_WITH_RESOURCE, noop_exec_res),
	VACCEL_OP_INIT(ops[3], VACCEL_OP_IMAGE_CLASSIFY, noop_classify),
	VACCEL_OP_INIT(ops[4], VACCEL_OP_IMAGE_DETECT, noop_detect),
	VACCEL_OP_INIT(ops[5], VACCEL_OP_IMAGE_SEGMENT, noop_segment),
	VACCEL_OP_INIT(ops[6], VACCEL_OP_IMAGE_POSE, noop_pose),
	VACCEL_OP_INIT(ops[7], VACCEL_OP_IMAGE_DEPTH, noop_depth),
	VACCEL_OP_INIT(ops[8], VACCEL_OP_TF_MODEL_LOAD, noop_tf_load),
	VACCEL_OP_INIT(ops[9], VACCEL_OP_TF_MODEL_UNLOAD, noop_tf_unload),
	VACCEL_OP_INIT(ops[10], VACCEL_OP_TF_MODEL_RUN, noop_tf_run),
	VACCEL_OP_INIT(ops[11], VACCEL_OP_TFLITE_MODEL_LOAD, noop_tflite_load),
	VACCEL_OP_INIT(ops[12], VACCEL_OP_TFLITE_MODEL_UNLOAD,
		       noop_tflite_unload),
	VACCEL_OP_INIT(ops[13], VACCEL_OP_TFLITE_MODEL_RUN, noop_tflite_run),
	VACCEL_OP_INIT(ops[14], VACCEL_OP_TORCH_MODEL_LOAD, noop_torch_load),
	VACCEL_OP_INIT(ops[15], VACCEL_OP_TORCH_MODEL_RUN, noop_torch_run),
	VACCEL_OP_INIT(ops[16], VACCEL_OP_TORCH_SGEMM, noop_torch_sgemm),
	VACCEL_OP_INIT(ops[17], VACCEL_OP_BLAS_SGEMM, noop_sgemm),
	VACCEL_OP_INIT(ops[18], VACCEL_OP_FPGA_ARRAYCOPY, noop_arraycopy),
	VACCEL_OP_INIT(ops[19], VACCEL_OP_FPGA_MMULT, noop_mmult),
	VACCEL_OP_INIT(ops[20], VACCEL_OP_FPGA_PARALLEL, noop_parallel),
	VACCEL_OP_INIT(ops[21], VACCEL_OP_FPGA_VECTORADD, noop_vadd),
	VACCEL_OP_INIT(ops[22], VACCEL_OP_MINMAX, noop_minmax),
	VACCEL_OP_INIT(ops[23], VACCEL_OP_OPENCV, noop_opencv),
};

static int noop_init(void)
{
	return vaccel_plugin_register_ops(ops, sizeof(ops) / sizeof(ops[0]));
}

static int noop_fini(void)
{
	return VACCEL_OK;
}

VACCEL_PLUGIN(.name = "noop", .version = VACCEL_VERSION,
	      .vaccel_version = VACCEL_VERSION, .init = noop_init,
	      .fini = noop_fini,
	      .type = VACCEL_PLUGIN_DEBUG)
