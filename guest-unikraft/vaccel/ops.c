/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vAccel operations of the unikernel library. Each one is the protocol
 * library's encoder (the same one the Linux guest plugin uses) plus one RUN.
 */
#include <stdlib.h>
#include <string.h>

#include "transport.h"

_Static_assert(VA_ARG_FLOAT32_ARRAY == VACCEL_ARG_FLOAT32_ARRAY &&
		       VA_ARG_STRING == VACCEL_ARG_STRING &&
		       VA_ARG_UINT8_ARRAY == VACCEL_ARG_UINT8_ARRAY,
	       "protocol library and vAccel agree on argument types");

/* Encodes with `enc` into a RUN with room for nin/nout + the user lists,
 * appends the user lists, runs it. */
#define RUN_WITH(sess, nin, nout, read, nr_read, write, nr_write, enc)       \
	({                                                                    \
		struct va_run r_;                                             \
		int ret_ = vuk_run_alloc(&r_, (nin) + (nr_read),              \
					 (nout) + (nr_write));                \
		if (!ret_) {                                                  \
			struct va_run *run = &r_;                             \
			ret_ = (enc);                                         \
			if (!ret_)                                            \
				ret_ = add_user_args(run, read, nr_read,      \
						     write, nr_write);        \
			if (!ret_)                                            \
				ret_ = vuk_run(sess, run);                    \
			vuk_run_free(&r_);                                    \
		}                                                             \
		ret_;                                                         \
	})
#define RUN(sess, nin, nout, enc) RUN_WITH(sess, nin, nout, NULL, 0, NULL, 0, enc)

static int add_user_args(struct va_run *r, const struct vaccel_arg *read,
			 size_t nr_read, struct vaccel_arg *write,
			 size_t nr_write)
{
	size_t i;

	for (i = 0; i < nr_read; i++)
		va_run_add_in(r, read[i].buf, read[i].size, read[i].type,
			      read[i].custom_type_id);
	for (i = 0; i < nr_write; i++)
		va_run_add_out(r, write[i].buf, write[i].size, write[i].type,
			       write[i].custom_type_id);
	return r->error ? VACCEL_ENOSPC : VACCEL_OK;
}

int vaccel_noop(struct vaccel_session *sess)
{
	return RUN(sess, 0, 0, va_encode_noop(run));
}

int vaccel_sgemm(struct vaccel_session *sess, long long int m, long long int n,
		 long long int k, float alpha, float *a, long long int lda,
		 float *b, long long int ldb, float beta, float *c,
		 long long int ldc)
{
	return RUN(sess, 4, 1,
		   va_encode_sgemm(run, m, n, k, alpha, a, lda, b, ldb, beta, c,
				   ldc));
}

int vaccel_minmax(struct vaccel_session *sess, const double *indata, int ndata,
		  int low_threshold, int high_threshold, double *outdata,
		  double *min, double *max)
{
	double mm[2] = { 0, 0 };
	int ret;

	if (!min || !max)
		return VACCEL_EINVAL;
	ret = RUN(sess, 2, 2,
		  va_encode_minmax(run, indata, ndata, low_threshold,
				   high_threshold, outdata, mm));
	if (!ret) {
		*min = mm[0];
		*max = mm[1];
	}
	return ret;
}

int vaccel_exec(struct vaccel_session *sess, const char *library,
		const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
		struct vaccel_arg *write, size_t nr_write)
{
	return RUN_WITH(sess, 2, 0, read, nr_read, write, nr_write,
			va_encode_exec(run, library, fn_symbol));
}

int vaccel_exec_with_resource(struct vaccel_session *sess,
			      struct vaccel_resource *resource,
			      const char *fn_symbol, struct vaccel_arg *read,
			      size_t nr_read, struct vaccel_arg *write,
			      size_t nr_write)
{
	if (!vaccel_session_has_resource(sess, resource))
		return VACCEL_EINVAL;
	return RUN_WITH(sess, 1, 0, read, nr_read, write, nr_write,
			va_encode_exec_with_resource(
				run, (uint64_t)resource->remote_id,
				fn_symbol));
}

int vaccel_image_classification(struct vaccel_session *sess, const void *img,
				unsigned char *out_text,
				unsigned char *out_imgname, size_t len_img,
				size_t len_out_text, size_t len_out_imgname)
{
	return RUN(sess, 1, 2,
		   va_encode_classify(run, img, len_img, out_text, len_out_text,
				      out_imgname, len_out_imgname));
}

static int image_op(struct vaccel_session *sess, uint32_t op, const void *img,
		    unsigned char *out, size_t len_img, size_t len_out)
{
	return RUN(sess, 1, 1,
		   va_encode_image(run, op, img, len_img, out, len_out));
}

int vaccel_image_detection(struct vaccel_session *sess, const void *img,
			   unsigned char *out_imgname, size_t len_img,
			   size_t len_out_imgname)
{
	return image_op(sess, VIRTIO_ACCEL_OP_IMAGE_DETECT, img, out_imgname,
			len_img, len_out_imgname);
}

int vaccel_image_segmentation(struct vaccel_session *sess, const void *img,
			      unsigned char *out_imgname, size_t len_img,
			      size_t len_out_imgname)
{
	return image_op(sess, VIRTIO_ACCEL_OP_IMAGE_SEGMENT, img, out_imgname,
			len_img, len_out_imgname);
}

int vaccel_image_pose(struct vaccel_session *sess, const void *img,
		      unsigned char *out_imgname, size_t len_img,
		      size_t len_out_imgname)
{
	return image_op(sess, VIRTIO_ACCEL_OP_IMAGE_POSE, img, out_imgname,
			len_img, len_out_imgname);
}

int vaccel_image_depth(struct vaccel_session *sess, const void *img,
		       unsigned char *out_imgname, size_t len_img,
		       size_t len_out_imgname)
{
	return image_op(sess, VIRTIO_ACCEL_OP_IMAGE_DEPTH, img, out_imgname,
			len_img, len_out_imgname);
}

int vaccel_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[],
			  size_t len_a)
{
	return RUN(sess, 1, 1, va_encode_fpga_arraycopy(run, a, out_a, len_a));
}

int vaccel_fpga_mmult(struct vaccel_session *sess, float a[], float b[],
		      float c[], size_t len_a)
{
	return RUN(sess, 2, 1, va_encode_fpga_mmult(run, a, b, c, len_a));
}

int vaccel_fpga_parallel(struct vaccel_session *sess, float a[], float b[],
			 float add_output[], float mult_output[], size_t len_a)
{
	return RUN(sess, 2, 2,
		   va_encode_fpga_parallel(run, a, b, add_output, mult_output,
					   len_a));
}

int vaccel_fpga_vadd(struct vaccel_session *sess, float a[], float b[],
		     float c[], size_t len_a, size_t len_b)
{
	return RUN(sess, 2, 1, va_encode_fpga_vadd(run, a, b, c, len_a, len_b));
}

/* ---- genop: read[0] is the vaccel_op_type_t (uint8), layouts as in
 * runtime/API.md (the same unpacking as runtime/src/genop.cc). ---------- */

static int scalar(const struct vaccel_arg *a, void *out, size_t size)
{
	if (!a->buf || a->size != size)
		return 0;
	memcpy(out, a->buf, size);
	return 1;
}

/* Upstream 0.8's layout: m n k alpha a lda b ldb beta ldc (row-major). */
static int genop_sgemm(struct vaccel_session *s, struct vaccel_arg *r, int nr,
		       struct vaccel_arg *w, int nw)
{
	int64_t m, n, k, lda, ldb, ldc;
	float alpha, beta;

	if (nr != 10 || nw != 1 || !scalar(&r[0], &m, 8) ||
	    !scalar(&r[1], &n, 8) || !scalar(&r[2], &k, 8) ||
	    !scalar(&r[3], &alpha, 4) || !scalar(&r[5], &lda, 8) ||
	    !scalar(&r[7], &ldb, 8) || !scalar(&r[8], &beta, 4) ||
	    !scalar(&r[9], &ldc, 8))
		return VACCEL_EINVAL;
	if (m < 0 || n < 0 || k < 0 || m > (1 << 20) || n > (1 << 20) ||
	    k > (1 << 20) || lda < k || ldb < n || ldc < n || lda < 1 ||
	    ldb < 1 || ldc < 1 || lda > (1 << 20) || ldb > (1 << 20) ||
	    ldc > (1 << 20))
		return VACCEL_EINVAL;
	/* the last row needs only its own columns, as the runtime's check */
	if ((m && k && r[4].size / 4 < (size_t)((m - 1) * lda + k)) ||
	    (k && n && r[6].size / 4 < (size_t)((k - 1) * ldb + n)) ||
	    (m && n && w[0].size / 4 < (size_t)((m - 1) * ldc + n)))
		return VACCEL_EINVAL;
	return vaccel_sgemm(s, m, n, k, alpha, r[4].buf, lda, r[6].buf, ldb,
			    beta, w[0].buf, ldc);
}

static int genop_minmax(struct vaccel_session *s, struct vaccel_arg *r, int nr,
			struct vaccel_arg *w, int nw)
{
	int ndata, low, high;

	if (nr != 4 || nw != 3 || !scalar(&r[1], &ndata, 4) ||
	    !scalar(&r[2], &low, 4) || !scalar(&r[3], &high, 4))
		return VACCEL_EINVAL;
	if (ndata < 1 || r[0].size / 8 < (size_t)ndata ||
	    w[0].size / 8 < (size_t)ndata || w[1].size != 8 || w[2].size != 8)
		return VACCEL_EINVAL;
	return vaccel_minmax(s, r[0].buf, ndata, low, high, w[0].buf, w[1].buf,
			     w[2].buf);
}

static int cstring(const struct vaccel_arg *a)
{
	return a->buf && a->size && memchr(a->buf, '\0', a->size);
}

int vaccel_genop(struct vaccel_session *sess, struct vaccel_arg *read,
		 int nr_read, struct vaccel_arg *write, int nr_write)
{
	struct vaccel_arg *r = read + 1, *w = write;
	int nr = nr_read - 1, nw = nr_write;
	uint8_t op;

	if (!sess || !read || nr_read < 1 || nr_write < 0 ||
	    !scalar(&read[0], &op, 1))
		return VACCEL_EINVAL;
	switch (op) {
	case VACCEL_OP_NOOP:
		return vaccel_noop(sess);
	case VACCEL_OP_BLAS_SGEMM:
		return genop_sgemm(sess, r, nr, w, nw);
	case VACCEL_OP_MINMAX:
		return genop_minmax(sess, r, nr, w, nw);
	case VACCEL_OP_EXEC:
		if (nr < 2 || !cstring(&r[0]) || !cstring(&r[1]))
			return VACCEL_EINVAL;
		return vaccel_exec(sess, r[0].buf, r[1].buf, r + 2,
				   (size_t)(nr - 2), w, (size_t)nw);
	case VACCEL_OP_IMAGE_CLASSIFY:
		/* as upstream: write = out_imgname, out_text */
		if (nr != 1 || nw != 2)
			return VACCEL_EINVAL;
		return vaccel_image_classification(sess, r[0].buf, w[1].buf,
						   w[0].buf, r[0].size,
						   w[1].size, w[0].size);
	case VACCEL_OP_FPGA_VECTORADD:
		if (nr != 2 || nw != 1 || w[0].size < r[0].size)
			return VACCEL_EINVAL;
		return vaccel_fpga_vadd(sess, r[0].buf, r[1].buf, w[0].buf,
					r[0].size / 4, r[1].size / 4);
	case VACCEL_OP_FPGA_ARRAYCOPY:
		if (nr != 1 || nw != 1 || w[0].size < r[0].size)
			return VACCEL_EINVAL;
		return vaccel_fpga_arraycopy(sess, r[0].buf, w[0].buf,
					     r[0].size / 4);
	default:
		return VACCEL_ENOTSUP;
	}
}
