// SPDX-License-Identifier: Apache-2.0
// Public op entry points: validate, then dispatch to plugins.
#include "internal.hh"

using namespace vaccel_rt;

namespace {

// True if a pointer/length pair is usable (NULL only with length 0).
bool ok_buf(const void *p, size_t n) { return p || n == 0; }

bool ok_args(const vaccel_arg *a, size_t n) {
  if (!ok_buf(a, n)) return false;
  for (size_t i = 0; i < n; ++i)
    if (!ok_buf(a[i].buf, a[i].size)) return false;
  return true;
}

}  // namespace

extern "C" {

int vaccel_noop(struct vaccel_session *sess) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  return dispatch<vaccel_noop_fn_t>(__func__, VACCEL_OP_NOOP, s);
}

int vaccel_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
                struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
                size_t nr_write) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (!library || !fn_symbol || !ok_args(read, nr_read) || !ok_args(write, nr_write))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_exec_fn_t>(__func__, VACCEL_OP_EXEC, s, library, fn_symbol, read, nr_read,
                                    write, nr_write);
}

int vaccel_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
                              const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
                              struct vaccel_arg *write, size_t nr_write) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, resource, VACCEL_RESOURCE_LIB)) return ret;
  if (!fn_symbol || !ok_args(read, nr_read) || !ok_args(write, nr_write))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_exec_with_resource_fn_t>(__func__, VACCEL_OP_EXEC_WITH_RESOURCE, s,
                                                  resource, fn_symbol, read, nr_read, write,
                                                  nr_write);
}

int vaccel_sgemm(struct vaccel_session *sess, long long int m, long long int n, long long int k,
                 float alpha, float *a, long long int lda, float *b, long long int ldb, float beta,
                 float *c, long long int ldc) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (m < 0 || n < 0 || k < 0 || lda < (k > 1 ? k : 1) || ldb < (n > 1 ? n : 1) ||
      ldc < (n > 1 ? n : 1))
    return fail(VACCEL_EINVAL,
                "%s: bad dimensions m=%lld n=%lld k=%lld lda=%lld "
                "ldb=%lld ldc=%lld",
                __func__, m, n, k, lda, ldb, ldc);
  if ((m && n && !c) || (m && k && !a) || (k && n && !b))
    return fail(VACCEL_EINVAL, "%s: NULL matrix", __func__);
  return dispatch<vaccel_sgemm_fn_t>(__func__, VACCEL_OP_BLAS_SGEMM, s, m, n, k, alpha, a, lda, b,
                                     ldb, beta, c, ldc);
}

int vaccel_minmax(struct vaccel_session *sess, const double *indata, int ndata, int low_threshold,
                  int high_threshold, double *outdata, double *min, double *max) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (ndata < 1 || !indata || !outdata || !min || !max || low_threshold > high_threshold)
    return fail(VACCEL_EINVAL, "%s: invalid arguments (ndata=%d low=%d high=%d)", __func__, ndata,
                low_threshold, high_threshold);
  return dispatch<vaccel_minmax_fn_t>(__func__, VACCEL_OP_MINMAX, s, indata, ndata, low_threshold,
                                      high_threshold, outdata, min, max);
}

int vaccel_image_classification(struct vaccel_session *sess, const void *img,
                                unsigned char *out_text, unsigned char *out_imgname, size_t len_img,
                                size_t len_out_text, size_t len_out_imgname) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (!img || !len_img || !ok_buf(out_text, len_out_text) || !ok_buf(out_imgname, len_out_imgname))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_image_classify_fn_t>(__func__, VACCEL_OP_IMAGE_CLASSIFY, s, img, out_text,
                                              out_imgname, len_img, len_out_text, len_out_imgname);
}

static int image_op(const char *api, vaccel_op_type_t op, vaccel_session *sess, const void *img,
                    unsigned char *out_imgname, size_t len_img, size_t len_out_imgname) {
  SessionPtr s;
  if (int ret = check_session(api, sess, s)) return ret;
  if (!img || !len_img || !ok_buf(out_imgname, len_out_imgname))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", api);
  return dispatch<vaccel_image_op_fn_t>(api, op, s, img, out_imgname, len_img, len_out_imgname);
}

int vaccel_image_detection(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
                           size_t len_img, size_t len_out_imgname) {
  return image_op(__func__, VACCEL_OP_IMAGE_DETECT, sess, img, out_imgname, len_img,
                  len_out_imgname);
}

int vaccel_image_segmentation(struct vaccel_session *sess, const void *img,
                              unsigned char *out_imgname, size_t len_img, size_t len_out_imgname) {
  return image_op(__func__, VACCEL_OP_IMAGE_SEGMENT, sess, img, out_imgname, len_img,
                  len_out_imgname);
}

int vaccel_image_pose(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
                      size_t len_img, size_t len_out_imgname) {
  return image_op(__func__, VACCEL_OP_IMAGE_POSE, sess, img, out_imgname, len_img, len_out_imgname);
}

int vaccel_image_depth(struct vaccel_session *sess, const void *img, unsigned char *out_imgname,
                       size_t len_img, size_t len_out_imgname) {
  return image_op(__func__, VACCEL_OP_IMAGE_DEPTH, sess, img, out_imgname, len_img,
                  len_out_imgname);
}

int vaccel_fpga_arraycopy(struct vaccel_session *sess, int a[], int out_a[], size_t len_a) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (!ok_buf(a, len_a) || !ok_buf(out_a, len_a))
    return fail(VACCEL_EINVAL, "%s: NULL array", __func__);
  return dispatch<vaccel_fpga_arraycopy_fn_t>(__func__, VACCEL_OP_FPGA_ARRAYCOPY, s, a, out_a,
                                              len_a);
}

int vaccel_fpga_mmult(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (!ok_buf(a, len_a) || !ok_buf(b, len_a) || !ok_buf(c, len_a))
    return fail(VACCEL_EINVAL, "%s: NULL array", __func__);
  // The shape (len_a = n*n) is the plugin's to check, as upstream: the
  // noop plugin accepts any length, the cpu/opencl/cuda plugins refuse
  // non-squares.
  return dispatch<vaccel_fpga_mmult_fn_t>(__func__, VACCEL_OP_FPGA_MMULT, s, a, b, c, len_a);
}

int vaccel_fpga_parallel(struct vaccel_session *sess, float a[], float b[], float add_output[],
                         float mult_output[], size_t len_a) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (!ok_buf(a, len_a) || !ok_buf(b, len_a) || !ok_buf(add_output, len_a) ||
      !ok_buf(mult_output, len_a))
    return fail(VACCEL_EINVAL, "%s: NULL array", __func__);
  return dispatch<vaccel_fpga_parallel_fn_t>(__func__, VACCEL_OP_FPGA_PARALLEL, s, a, b, add_output,
                                             mult_output, len_a);
}

int vaccel_fpga_vadd(struct vaccel_session *sess, float a[], float b[], float c[], size_t len_a,
                     size_t len_b) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (len_a != len_b)
    return fail(VACCEL_EINVAL, "%s: len_a (%zu) != len_b (%zu)", __func__, len_a, len_b);
  if (!ok_buf(a, len_a) || !ok_buf(b, len_b) || !ok_buf(c, len_a))
    return fail(VACCEL_EINVAL, "%s: NULL array", __func__);
  return dispatch<vaccel_fpga_vadd_fn_t>(__func__, VACCEL_OP_FPGA_VECTORADD, s, a, b, c, len_a,
                                         len_b);
}

int vaccel_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
                  struct vaccel_arg *write, int nr_write) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (nr_read < 0 || nr_write < 0 || !ok_args(read, static_cast<size_t>(nr_read)) ||
      !ok_args(write, static_cast<size_t>(nr_write)))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_opencv_fn_t>(__func__, VACCEL_OP_OPENCV, s, read, nr_read, write,
                                      nr_write);
}

int vaccel_opencv_unpack(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
                         struct vaccel_arg *write, int nr_write) {
  return vaccel_opencv(sess, read, nr_read, write, nr_write);
}

// ---- model operations ----

int vaccel_tf_model_load(struct vaccel_session *sess, struct vaccel_resource *model,
                         struct vaccel_tf_status *status) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  return dispatch<vaccel_tf_model_load_fn_t>(__func__, VACCEL_OP_TF_MODEL_LOAD, s, model, status);
}

int vaccel_tf_model_unload(struct vaccel_session *sess, struct vaccel_resource *model,
                           struct vaccel_tf_status *status) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  return dispatch<vaccel_tf_model_unload_fn_t>(__func__, VACCEL_OP_TF_MODEL_UNLOAD, s, model,
                                               status);
}

int vaccel_tf_model_run(struct vaccel_session *sess, const struct vaccel_resource *model,
                        const struct vaccel_tf_buffer *run_options,
                        const struct vaccel_tf_node *in_nodes,
                        struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
                        const struct vaccel_tf_node *out_nodes,
                        struct vaccel_tf_tensor **out_tensors, int nr_outputs,
                        struct vaccel_tf_status *status) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  if (nr_inputs < 0 || nr_outputs < 0 || (nr_inputs && (!in_nodes || !in_tensors)) ||
      (nr_outputs && (!out_nodes || !out_tensors)))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_tf_model_run_fn_t>(__func__, VACCEL_OP_TF_MODEL_RUN, s, model, run_options,
                                            in_nodes, in_tensors, nr_inputs, out_nodes, out_tensors,
                                            nr_outputs, status);
}

int vaccel_tf_session_load(struct vaccel_session *sess, struct vaccel_resource *model,
                           struct vaccel_tf_status *status) {
  return vaccel_tf_model_load(sess, model, status);
}

int vaccel_tf_session_run(struct vaccel_session *sess, const struct vaccel_resource *model,
                          const struct vaccel_tf_buffer *run_options,
                          const struct vaccel_tf_node *in_nodes,
                          struct vaccel_tf_tensor *const *in_tensors, int nr_inputs,
                          const struct vaccel_tf_node *out_nodes,
                          struct vaccel_tf_tensor **out_tensors, int nr_outputs,
                          struct vaccel_tf_status *status) {
  return vaccel_tf_model_run(sess, model, run_options, in_nodes, in_tensors, nr_inputs, out_nodes,
                             out_tensors, nr_outputs, status);
}

int vaccel_tf_session_delete(struct vaccel_session *sess, struct vaccel_resource *model,
                             struct vaccel_tf_status *status) {
  return vaccel_tf_model_unload(sess, model, status);
}

int vaccel_tflite_model_load(struct vaccel_session *sess, struct vaccel_resource *model) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  return dispatch<vaccel_tflite_model_load_fn_t>(__func__, VACCEL_OP_TFLITE_MODEL_LOAD, s, model);
}

int vaccel_tflite_model_unload(struct vaccel_session *sess, struct vaccel_resource *model) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  return dispatch<vaccel_tflite_model_unload_fn_t>(__func__, VACCEL_OP_TFLITE_MODEL_UNLOAD, s,
                                                   model);
}

int vaccel_tflite_model_run(struct vaccel_session *sess, const struct vaccel_resource *model,
                            struct vaccel_tflite_tensor *const *in, int nr_inputs,
                            struct vaccel_tflite_tensor **out, int nr_outputs, uint8_t *status) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  if (nr_inputs < 0 || nr_outputs < 0 || (nr_inputs && !in) || (nr_outputs && !out))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_tflite_model_run_fn_t>(__func__, VACCEL_OP_TFLITE_MODEL_RUN, s, model, in,
                                                nr_inputs, out, nr_outputs, status);
}

int vaccel_tflite_session_load(struct vaccel_session *sess, struct vaccel_resource *model) {
  return vaccel_tflite_model_load(sess, model);
}

int vaccel_tflite_session_run(struct vaccel_session *sess, const struct vaccel_resource *model,
                              struct vaccel_tflite_tensor *const *in, int nr_inputs,
                              struct vaccel_tflite_tensor **out, int nr_outputs, uint8_t *status) {
  return vaccel_tflite_model_run(sess, model, in, nr_inputs, out, nr_outputs, status);
}

int vaccel_tflite_session_delete(struct vaccel_session *sess, struct vaccel_resource *model) {
  return vaccel_tflite_model_unload(sess, model);
}

int vaccel_torch_model_load(struct vaccel_session *sess, const struct vaccel_resource *model) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  return dispatch<vaccel_torch_model_load_fn_t>(__func__, VACCEL_OP_TORCH_MODEL_LOAD, s, model);
}

int vaccel_torch_model_run(struct vaccel_session *sess, const struct vaccel_resource *model,
                           const struct vaccel_torch_buffer *run_options,
                           struct vaccel_torch_tensor **in_tensor, int nr_read,
                           struct vaccel_torch_tensor **out_tensor, int nr_write) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (int ret = check_model(__func__, s, model, VACCEL_RESOURCE_MODEL)) return ret;
  if (nr_read < 0 || nr_write < 0 || (nr_read && !in_tensor) || (nr_write && !out_tensor))
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_torch_model_run_fn_t>(__func__, VACCEL_OP_TORCH_MODEL_RUN, s, model,
                                               run_options, in_tensor, nr_read, out_tensor,
                                               nr_write);
}

int vaccel_torch_jitload_forward(struct vaccel_session *sess, const struct vaccel_resource *model,
                                 const struct vaccel_torch_buffer *run_options,
                                 struct vaccel_torch_tensor **in_tensor, int nr_read,
                                 struct vaccel_torch_tensor **out_tensor, int nr_write) {
  return vaccel_torch_model_run(sess, model, run_options, in_tensor, nr_read, out_tensor, nr_write);
}

int vaccel_torch_sgemm(struct vaccel_session *sess, struct vaccel_torch_tensor **in_A,
                       struct vaccel_torch_tensor **in_B, struct vaccel_torch_tensor **in_C, int M,
                       int N, int K, struct vaccel_torch_tensor **out) {
  SessionPtr s;
  if (int ret = check_session(__func__, sess, s)) return ret;
  if (!in_A || !in_B || !in_C || !out || M < 0 || N < 0 || K < 0)
    return fail(VACCEL_EINVAL, "%s: invalid arguments", __func__);
  return dispatch<vaccel_torch_sgemm_fn_t>(__func__, VACCEL_OP_TORCH_SGEMM, s, in_A, in_B, in_C, M,
                                           N, K, out);
}

}  // extern "C"
