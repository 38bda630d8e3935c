// SPDX-License-Identifier: Apache-2.0
// The guest vAccel transport plugin ("virtio"): every operation of a session
// bound to it is encoded as one REQ_RUN (encode.hh) and sent through the
// virtio-accel driver (/dev/virtio-accel0, device.hh) to the host, whose
// vAccel runtime executes it; sessions and resources are mirrored on the host.
//
// Environment: VACCEL_VIRTIO_DEVICE overrides the device node
// (default /dev/virtio-accel0); VACCEL_VIRTIO_ARENA_MIB the arena's size
// (arena.hh, default 64 MiB, at most what the driver allows).
// Extension (include/vaccel_virtio.h): the host plugin that executed the
// calling thread's last op, and its timings; memory in the arena.
#include <vaccel.h>

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "arena.hh"
#include "device.hh"
#include "encode.hh"
#include "include/vaccel_virtio.h"
#include "remote_ids.hh"
#include "status.hh"
#include "tensors.hh"

namespace vaccel_virtio {
namespace {

Device g_dev;
RemoteIds g_ids;
Arena g_arena;

// What the host said about the calling thread's last RUN.
struct LastRun {
  RunInfo info;
  uint32_t status = VIRTIO_ACCEL_IOC_NO_STATUS;
};
thread_local LastRun t_last;

long long ll(int64_t v) { return static_cast<long long>(v); }

}  // namespace
}  // namespace vaccel_virtio

// Our runtime's level query; upstream vAccel 0.8 has none, and there the weak
// reference stays null (the success line is then always formatted, as
// upstream's logging decides by itself).
extern "C" vaccel_log_level_t vaccel_log_get_level(void) __attribute__((weak));

namespace vaccel_virtio {
namespace {

// True if an INFO line would be printed (or we cannot tell).
bool info_enabled() { return !vaccel_log_get_level || vaccel_log_get_level() >= VACCEL_LOG_INFO; }

// Sends one encoded op for `sess`, records the host's answer for the
// extension and logs it. Returns the vAccel error.
int forward(vaccel_session *sess, Request &r) {
  // Every op passes here: one thread-local lookup, no copies of the
  // results, op names looked up only for the log lines.
  LastRun &last = t_last;
  if (!g_dev.serves(r.op)) {
    last = LastRun{};
    vaccel_warn(
        "[virtio] %s: the host does not serve this op "
        "(supported_ops 0x%" PRIx64 ")",
        wire_op_name(r.op), static_cast<uint64_t>(g_dev.info().supported_ops));
    return VACCEL_ENOTSUP;
  }
  RunInfo &info = last.info;
  Outcome o = g_dev.run(static_cast<uint64_t>(sess->remote_id), r, &info);
  last.status = o.status;
  if (o.err) {
    vaccel_warn(
        "[virtio] %s in session %lld (remote %lld) failed: "
        "device status %s (%u), detail %u, ioctl errno %d "
        "-> vAccel error %d",
        wire_op_name(r.op), ll(sess->id), ll(sess->remote_id), status_name(o.status), o.status,
        o.detail, o.sys_errno, o.err);
    return o.err;
  }
  // After the ioctl's sleep every page touched costs (a TCG guest refills
  // its software TLB): the success line is built only when it is shown.
  if (info_enabled())
    vaccel_info(
        "[virtio] %s in session %lld: executed by host "
        "plugin '%s' in %" PRIu64
        " ns (guest round trip "
        "%" PRIu64 " ns)",
        wire_op_name(r.op), ll(sess->id), info.executor, info.exec_ns, info.rtt_ns);
  return VACCEL_OK;
}

// Remote id of `res` as registered with `sess`; 0 (and a log line) if none.
uint64_t remote_resource(const vaccel_resource *res, const vaccel_session *sess, const char *op) {
  uint64_t id = res ? g_ids.get(res->id, sess->id) : 0;
  if (!id)
    vaccel_error(
        "[virtio] %s: resource %lld has no host copy in "
        "session %lld",
        op, ll(res ? res->id : 0), ll(sess->id));
  return id;
}

// ---- session and resource hooks ----------------------------------------

int session_init(vaccel_session *sess, uint32_t flags) {
  // Low 16 bits are the plugin-type hint; REMOTE selected us and means
  // nothing to the host.
  const uint32_t hint = flags & 0xffffu & ~static_cast<uint32_t>(VACCEL_PLUGIN_REMOTE);
  uint64_t id = 0;
  Outcome o = g_dev.session_create(hint, &id);
  if (o.err) {
    vaccel_error(
        "[virtio] SESSION_CREATE for session %lld failed: "
        "device status %s, detail %u, ioctl errno %d -> %d",
        ll(sess->id), status_name(o.status), o.detail, o.sys_errno, o.err);
    return o.err;
  }
  sess->remote_id = static_cast<vaccel_id_t>(id);
  vaccel_debug("[virtio] session %lld -> host session %" PRIu64, ll(sess->id), id);
  return VACCEL_OK;
}

int session_release(vaccel_session *sess) {
  Outcome o = g_dev.session_destroy(static_cast<uint64_t>(sess->remote_id));
  g_ids.drop_session(sess->id);
  if (o.err)
    vaccel_error(
        "[virtio] SESSION_DESTROY of host session %lld "
        "failed: device status %s, ioctl errno %d -> %d",
        ll(sess->remote_id), status_name(o.status), o.sys_errno, o.err);
  sess->remote_id = 0;
  return o.err;
}

int session_update(vaccel_session *, uint32_t) {
  // The hint is consumed at SESSION_CREATE; the wire has no update.
  return VACCEL_OK;
}

int resource_register(vaccel_resource *res, vaccel_session *sess) {
  const uint32_t type = wire_resource_type(res->type);
  if (!type || !res->nr_blobs) {
    vaccel_error(
        "[virtio] resource %lld: type %d / %zu blobs cannot "
        "be sent",
        ll(res->id), static_cast<int>(res->type), res->nr_blobs);
    return VACCEL_EINVAL;
  }
  std::vector<BlobRef> blobs(res->nr_blobs);
  for (size_t i = 0; i < res->nr_blobs; ++i) {
    const vaccel_blob *b = res->blobs[i];
    if (!valid_blob_name(b->name)) {
      vaccel_error(
          "[virtio] resource %lld: blob name '%s' "
          "is not allowed on the wire "
          "([A-Za-z0-9._-], 1..255 bytes)",
          ll(res->id), b->name ? b->name : "");
      return VACCEL_EINVAL;
    }
    if (b->size && !b->data) {
      vaccel_error("[virtio] resource %lld: blob %s not loaded", ll(res->id), b->name);
      return VACCEL_EINVAL;
    }
    blobs[i] = BlobRef{b->name, b->data, b->size};
  }
  uint64_t id = 0;
  Outcome o = g_dev.resource_register(static_cast<uint64_t>(sess->remote_id), type, blobs.data(),
                                      static_cast<uint32_t>(blobs.size()), &id);
  if (o.err) {
    vaccel_error(
        "[virtio] RESOURCE_REGISTER of resource %lld in "
        "session %lld failed: device status %s, detail %u, "
        "ioctl errno %d -> %d",
        ll(res->id), ll(sess->id), status_name(o.status), o.detail, o.sys_errno, o.err);
    return o.err;
  }
  g_ids.put(res->id, sess->id, id);
  // Informational only (the last registration): a resource registered
  // with several sessions has one host id per session, kept in g_ids.
  res->remote_id = static_cast<vaccel_id_t>(id);
  vaccel_debug(
      "[virtio] resource %lld in session %lld -> host resource "
      "%" PRIu64,
      ll(res->id), ll(sess->id), id);
  return VACCEL_OK;
}

int resource_unregister(vaccel_resource *res, vaccel_session *sess) {
  const uint64_t id = g_ids.take(res->id, sess->id);
  if (!id) return VACCEL_ENOENT;
  Outcome o = g_dev.resource_unregister(static_cast<uint64_t>(sess->remote_id), id);
  if (o.err)
    vaccel_error(
        "[virtio] RESOURCE_UNREGISTER of host resource "
        "%" PRIu64
        " failed: device status %s, ioctl errno "
        "%d -> %d",
        id, status_name(o.status), o.sys_errno, o.err);
  return o.err;
}

// ---- operations ---------------------------------------------------------

int op_noop(vaccel_session *sess) {
  Request r;
  r.op = VIRTIO_ACCEL_OP_NOOP;
  return forward(sess, r);
}

int op_exec(vaccel_session *sess, const char *library, const char *symbol, vaccel_arg *read,
            size_t nr_read, vaccel_arg *write, size_t nr_write) {
  Request r;
  if (int ret = encode_exec(r, library, symbol, read, nr_read, write, nr_write)) return ret;
  return forward(sess, r);
}

int op_exec_res(vaccel_session *sess, vaccel_resource *res, const char *symbol, vaccel_arg *read,
                size_t nr_read, vaccel_arg *write, size_t nr_write) {
  const uint64_t id = remote_resource(res, sess, "EXEC_WITH_RESOURCE");
  if (!id) return VACCEL_ENOENT;
  Request r;
  if (int ret = encode_exec_with_resource(r, id, symbol, read, nr_read, write, nr_write))
    return ret;
  return forward(sess, r);
}

int op_sgemm(vaccel_session *sess, long long m, long long n, long long k, float alpha, float *a,
             long long lda, float *b, long long ldb, float beta, float *c, long long ldc) {
  Request r;
  if (int ret = encode_sgemm(r, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) {
    vaccel_error(
        "[virtio] SGEMM: shape m=%lld n=%lld k=%lld "
        "lda=%lld ldb=%lld ldc=%lld is outside the wire's "
        "limits",
        m, n, k, lda, ldb, ldc);
    return ret;
  }
  return forward(sess, r);
}

int op_minmax(vaccel_session *sess, const double *indata, int ndata, int low, int high,
              double *outdata, double *min, double *max) {
  double mm[2] = {0, 0};
  Request r;
  if (int ret = encode_minmax(r, indata, ndata, low, high, outdata, mm)) return ret;
  int ret = forward(sess, r);
  if (ret == VACCEL_OK) {
    *min = mm[0];
    *max = mm[1];
  }
  return ret;
}

int op_classify(vaccel_session *sess, const void *img, unsigned char *text, unsigned char *imgname,
                size_t len_img, size_t len_text, size_t len_imgname) {
  Request r;
  encode_classify(r, img, len_img, text, len_text, imgname, len_imgname);
  return forward(sess, r);
}

template <uint32_t Op>
int op_image(vaccel_session *sess, const void *img, unsigned char *imgname, size_t len_img,
             size_t len_imgname) {
  Request r;
  encode_image(r, Op, img, len_img, imgname, len_imgname);
  return forward(sess, r);
}

int op_arraycopy(vaccel_session *sess, int a[], int out[], size_t len) {
  Request r;
  encode_fpga_arraycopy(r, a, out, len);
  return forward(sess, r);
}

int op_mmult(vaccel_session *sess, float a[], float b[], float c[], size_t len) {
  Request r;
  encode_fpga_mmult(r, a, b, c, len);
  return forward(sess, r);
}

int op_parallel(vaccel_session *sess, float a[], float b[], float add[], float mult[], size_t len) {
  Request r;
  encode_fpga_parallel(r, a, b, add, mult, len);
  return forward(sess, r);
}

int op_vadd(vaccel_session *sess, float a[], float b[], float c[], size_t len_a, size_t len_b) {
  Request r;
  encode_fpga_vadd(r, a, b, c, len_a, len_b);
  return forward(sess, r);
}

int op_opencv(vaccel_session *sess, vaccel_arg *read, int nr_read, vaccel_arg *write,
              int nr_write) {
  if (nr_read < 0 || nr_write < 0) return VACCEL_EINVAL;
  Request r;
  encode_generic(r, VIRTIO_ACCEL_OP_OPENCV, read, static_cast<size_t>(nr_read), write,
                 static_cast<size_t>(nr_write));
  return forward(sess, r);
}

// Model LOAD/UNLOAD: the resource travelled at registration; only its id is
// sent.
int model_op(vaccel_session *sess, const vaccel_resource *model, uint32_t op) {
  const uint64_t id = remote_resource(model, sess, wire_op_name(op));
  if (!id) return VACCEL_ENOENT;
  Request r;
  encode_model_op(r, op, id);
  return forward(sess, r);
}

int set_tf_status(vaccel_tf_status *status, int ret) {
  if (status)
    vaccel_tf_status_init(
        status, ret ? 1 : 0,
        ret ? "failed on the virtio-accel host" : "done by the virtio-accel host");
  return ret;
}

int op_tf_load(vaccel_session *sess, vaccel_resource *model, vaccel_tf_status *status) {
  return set_tf_status(status, model_op(sess, model, VIRTIO_ACCEL_OP_TF_MODEL_LOAD));
}

int op_tf_unload(vaccel_session *sess, vaccel_resource *model, vaccel_tf_status *status) {
  return set_tf_status(status, model_op(sess, model, VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD));
}

int op_tflite_load(vaccel_session *sess, vaccel_resource *model) {
  return model_op(sess, model, VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD);
}

int op_tflite_unload(vaccel_session *sess, vaccel_resource *model) {
  return model_op(sess, model, VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD);
}

int op_torch_load(vaccel_session *sess, const vaccel_resource *model) {
  return model_op(sess, model, VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD);
}

// ---- tensor lists (spec §8.3.1) -------------------------------------------

template <typename Tensor>
TensorView view_of(const Tensor *t) {
  TensorView v;
  v.data_type = static_cast<uint32_t>(t->data_type);
  v.nr_dims = t->nr_dims < 0 ? VIRTIO_ACCEL_MAX_DIMS + 1 : static_cast<uint32_t>(t->nr_dims);
  for (uint32_t i = 0; i < v.nr_dims && i < VIRTIO_ACCEL_MAX_DIMS; i++)
    v.dims[i] = static_cast<int64_t>(t->dims[i]);
  v.data = t->data;
  v.size = t->size;
  return v;
}

// Runs an encoded tensor op; when the host reports that an output did not
// fit (EOVERFLOW), offers more room and runs it again, up to what the
// device's max_response_bytes allows.
template <typename Encode>
int run_tensors(vaccel_session *sess, size_t nout, uint64_t capacity, Encode encode) {
  // writable part = resp_hdr + run_resp + nout x (tensor_out + data)
  const uint64_t fixed = sizeof(virtio_accel_resp_hdr) + sizeof(virtio_accel_run_resp);
  const uint64_t room = g_dev.info().max_response_bytes;
  const uint64_t limit = nout && room > fixed + nout * sizeof(virtio_accel_tensor_out)
                             ? (room - fixed) / nout - sizeof(virtio_accel_tensor_out)
                             : 0;
  if (capacity > limit) capacity = limit;
  for (;;) {
    Request r;
    if (int ret = encode(r, capacity)) return ret;
    int ret = forward(sess, r);
    if (ret != EOVERFLOW || capacity >= limit) return ret;
    vaccel_info(
        "[virtio] output larger than %llu bytes: retrying "
        "with more room",
        static_cast<unsigned long long>(capacity));
    capacity = capacity > limit / 8 ? limit : capacity * 8;
  }
}

// Allocates the framework's tensor for output j and copies the host's bytes.
// No dimensions and no bytes: the host's plugin returned no tensor (NULL),
// and so does this call (vAccel 0.8's tensors have at least one dimension).
template <typename Tensor, typename Dim, typename Alloc>
int take_output(const TensorRun &tr, size_t j, Tensor **out, Alloc alloc) {
  TensorView v = tr.output(j);
  Dim dims[VIRTIO_ACCEL_MAX_DIMS];
  for (uint32_t i = 0; i < v.nr_dims; i++) dims[i] = static_cast<Dim>(v.dims[i]);
  *out = nullptr;
  if (v.nr_dims == 0 && v.size == 0) return VACCEL_OK;
  int ret = alloc(out, static_cast<int>(v.nr_dims), dims, v.data_type, static_cast<size_t>(v.size));
  if (ret == VACCEL_OK && v.size) std::memcpy((*out)->data, v.data, v.size);
  return ret;
}

template <typename Tensor>
std::vector<TensorView> views(Tensor *const *in, int n) {
  std::vector<TensorView> v;
  v.reserve(n > 0 ? static_cast<size_t>(n) : 0);
  for (int i = 0; i < n; i++) v.push_back(view_of(in[i]));
  return v;
}

int op_tf_run(vaccel_session *sess, const vaccel_resource *model, const vaccel_tf_buffer *options,
              const vaccel_tf_node *in_nodes, vaccel_tf_tensor *const *in, int nr_in,
              const vaccel_tf_node *out_nodes, vaccel_tf_tensor **out, int nr_out,
              vaccel_tf_status *status) {
  uint64_t id = remote_resource(model, sess, "TF_MODEL_RUN");
  if (!id || nr_in < 0 || nr_out < 0)
    return set_tf_status(status, id ? VACCEL_EINVAL : VACCEL_ENOENT);
  std::vector<TensorView> inputs = views(in, nr_in);
  std::vector<NodeView> inn, outn;
  for (int i = 0; i < nr_in; i++) inn.push_back({true, in_nodes[i].id, in_nodes[i].name});
  for (int j = 0; j < nr_out; j++) outn.push_back({true, out_nodes[j].id, out_nodes[j].name});
  TensorRun tr;
  int ret = run_tensors(sess, nr_out, first_capacity(inputs), [&](Request &r, uint64_t cap) {
    return tr.encode_model_run(r, VIRTIO_ACCEL_OP_TF_MODEL_RUN, id,
                               options ? options->data : nullptr, options ? options->size : 0, inn,
                               inputs, outn, cap);
  });
  for (int j = 0; ret == VACCEL_OK && j < nr_out; j++)
    ret = take_output<vaccel_tf_tensor, int64_t>(
        tr, j, &out[j],
        [](vaccel_tf_tensor **t, int nd, const int64_t *d, uint32_t type, size_t size) {
          return vaccel_tf_tensor_allocate(t, nd, d, static_cast<vaccel_tf_data_type>(type), size);
        });
  return set_tf_status(status, ret);
}

int op_tflite_run(vaccel_session *sess, const vaccel_resource *model,
                  vaccel_tflite_tensor *const *in, int nr_in, vaccel_tflite_tensor **out,
                  int nr_out, uint8_t *status) {
  uint64_t id = remote_resource(model, sess, "TFLITE_MODEL_RUN");
  if (!id || nr_in < 0 || nr_out < 0) return id ? VACCEL_EINVAL : VACCEL_ENOENT;
  std::vector<TensorView> inputs = views(in, nr_in);
  std::vector<NodeView> inn(nr_in), outn(nr_out);
  TensorRun tr;
  int ret = run_tensors(sess, nr_out, first_capacity(inputs), [&](Request &r, uint64_t cap) {
    return tr.encode_model_run(r, VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN, id, nullptr, 0, inn, inputs,
                               outn, cap);
  });
  for (int j = 0; ret == VACCEL_OK && j < nr_out; j++)
    ret = take_output<vaccel_tflite_tensor, int32_t>(
        tr, j, &out[j],
        [](vaccel_tflite_tensor **t, int nd, const int32_t *d, uint32_t type, size_t size) {
          return vaccel_tflite_tensor_allocate(t, nd, d, static_cast<vaccel_tflite_data_type>(type),
                                               size);
        });
  if (status) *status = ret ? 1 : 0;
  return ret;
}

int torch_alloc(vaccel_torch_tensor **t, int nd, const int64_t *d, uint32_t type, size_t size) {
  return vaccel_torch_tensor_allocate(t, nd, d, static_cast<vaccel_torch_data_type>(type), size);
}

int op_torch_run(vaccel_session *sess, const vaccel_resource *model,
                 const vaccel_torch_buffer *options, vaccel_torch_tensor **in, int nr_in,
                 vaccel_torch_tensor **out, int nr_out) {
  uint64_t id = remote_resource(model, sess, "TORCH_MODEL_RUN");
  if (!id || nr_in < 0 || nr_out < 0) return id ? VACCEL_EINVAL : VACCEL_ENOENT;
  std::vector<TensorView> inputs = views(in, nr_in);
  std::vector<NodeView> inn(nr_in), outn(nr_out);
  TensorRun tr;
  int ret = run_tensors(sess, nr_out, first_capacity(inputs), [&](Request &r, uint64_t cap) {
    return tr.encode_model_run(r, VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, id,
                               options ? options->data : nullptr, options ? options->size : 0, inn,
                               inputs, outn, cap);
  });
  for (int j = 0; ret == VACCEL_OK && j < nr_out; j++)
    ret = take_output<vaccel_torch_tensor, int64_t>(tr, j, &out[j], torch_alloc);
  return ret;
}

int op_torch_sgemm(vaccel_session *sess, vaccel_torch_tensor **a, vaccel_torch_tensor **b,
                   vaccel_torch_tensor **c, int m, int n, int k, vaccel_torch_tensor **out) {
  if (!a || !b || !c || !*a || !*b || !*c || !out) return VACCEL_EINVAL;
  TensorView va = view_of(*a), vb = view_of(*b), vc = view_of(*c);
  TensorRun tr;
  int ret = run_tensors(sess, 1, first_capacity({va, vb, vc}), [&](Request &r, uint64_t cap) {
    return tr.encode_torch_sgemm(r, m, n, k, va, vb, vc, cap);
  });
  if (ret == VACCEL_OK) ret = take_output<vaccel_torch_tensor, int64_t>(tr, 0, out, torch_alloc);
  return ret;
}

// ---- plugin lifetime ----------------------------------------------------

int plugin_init() {
  const char *env = std::getenv("VACCEL_VIRTIO_DEVICE");
  const char *path = env && *env ? env : "/dev/virtio-accel0";
  std::string why;
  if (int ret = g_dev.open(path, &why)) {
    vaccel_error("[virtio] %s", why.c_str());
    return ret;
  }
  const virtio_accel_ioc_info &i = g_dev.info();
  vaccel_info(
      "[virtio] %s: protocol %u.%u, %u of %u queues, max_args %u, "
      "supported ops 0x%llx",
      path, i.version >> 16, i.version & 0xffff, i.num_queues, i.num_request_queues, i.max_args,
      static_cast<unsigned long long>(i.supported_ops));

  // Functions whose signatures differ from the runtime's typedef only
  // in constness of array parameters are cast through the typedefs so
  // that a signature mismatch is a compile error.
  static vaccel_op ops[] = {
      VACCEL_OP_INIT(ops[0], VACCEL_OP_NOOP, static_cast<vaccel_noop_fn_t>(op_noop)),
      VACCEL_OP_INIT(ops[1], VACCEL_OP_EXEC, static_cast<vaccel_exec_fn_t>(op_exec)),
      VACCEL_OP_INIT(ops[2], VACCEL_OP_EXEC_WITH_RESOURCE,
                     static_cast<vaccel_exec_with_resource_fn_t>(op_exec_res)),
      VACCEL_OP_INIT(ops[3], VACCEL_OP_BLAS_SGEMM, static_cast<vaccel_sgemm_fn_t>(op_sgemm)),
      VACCEL_OP_INIT(ops[4], VACCEL_OP_MINMAX, static_cast<vaccel_minmax_fn_t>(op_minmax)),
      VACCEL_OP_INIT(ops[5], VACCEL_OP_IMAGE_CLASSIFY,
                     static_cast<vaccel_image_classify_fn_t>(op_classify)),
      VACCEL_OP_INIT(ops[6], VACCEL_OP_IMAGE_DETECT,
                     static_cast<vaccel_image_op_fn_t>(op_image<VIRTIO_ACCEL_OP_IMAGE_DETECT>)),
      VACCEL_OP_INIT(ops[7], VACCEL_OP_IMAGE_SEGMENT,
                     static_cast<vaccel_image_op_fn_t>(op_image<VIRTIO_ACCEL_OP_IMAGE_SEGMENT>)),
      VACCEL_OP_INIT(ops[8], VACCEL_OP_IMAGE_POSE,
                     static_cast<vaccel_image_op_fn_t>(op_image<VIRTIO_ACCEL_OP_IMAGE_POSE>)),
      VACCEL_OP_INIT(ops[9], VACCEL_OP_IMAGE_DEPTH,
                     static_cast<vaccel_image_op_fn_t>(op_image<VIRTIO_ACCEL_OP_IMAGE_DEPTH>)),
      VACCEL_OP_INIT(ops[10], VACCEL_OP_FPGA_ARRAYCOPY,
                     static_cast<vaccel_fpga_arraycopy_fn_t>(op_arraycopy)),
      VACCEL_OP_INIT(ops[11], VACCEL_OP_FPGA_MMULT, static_cast<vaccel_fpga_mmult_fn_t>(op_mmult)),
      VACCEL_OP_INIT(ops[12], VACCEL_OP_FPGA_PARALLEL,
                     static_cast<vaccel_fpga_parallel_fn_t>(op_parallel)),
      VACCEL_OP_INIT(ops[13], VACCEL_OP_FPGA_VECTORADD,
                     static_cast<vaccel_fpga_vadd_fn_t>(op_vadd)),
      VACCEL_OP_INIT(ops[14], VACCEL_OP_OPENCV, static_cast<vaccel_opencv_fn_t>(op_opencv)),
      VACCEL_OP_INIT(ops[15], VACCEL_OP_TF_MODEL_LOAD,
                     static_cast<vaccel_tf_model_load_fn_t>(op_tf_load)),
      VACCEL_OP_INIT(ops[16], VACCEL_OP_TF_MODEL_UNLOAD,
                     static_cast<vaccel_tf_model_unload_fn_t>(op_tf_unload)),
      VACCEL_OP_INIT(ops[17], VACCEL_OP_TF_MODEL_RUN,
                     static_cast<vaccel_tf_model_run_fn_t>(op_tf_run)),
      VACCEL_OP_INIT(ops[18], VACCEL_OP_TFLITE_MODEL_LOAD,
                     static_cast<vaccel_tflite_model_load_fn_t>(op_tflite_load)),
      VACCEL_OP_INIT(ops[19], VACCEL_OP_TFLITE_MODEL_UNLOAD,
                     static_cast<vaccel_tflite_model_unload_fn_t>(op_tflite_unload)),
      VACCEL_OP_INIT(ops[20], VACCEL_OP_TFLITE_MODEL_RUN,
                     static_cast<vaccel_tflite_model_run_fn_t>(op_tflite_run)),
      VACCEL_OP_INIT(ops[21], VACCEL_OP_TORCH_MODEL_LOAD,
                     static_cast<vaccel_torch_model_load_fn_t>(op_torch_load)),
      VACCEL_OP_INIT(ops[22], VACCEL_OP_TORCH_MODEL_RUN,
                     static_cast<vaccel_torch_model_run_fn_t>(op_torch_run)),
      VACCEL_OP_INIT(ops[23], VACCEL_OP_TORCH_SGEMM,
                     static_cast<vaccel_torch_sgemm_fn_t>(op_torch_sgemm)),
  };
  int ret = vaccel_plugin_register_ops(ops, sizeof(ops) / sizeof(ops[0]));
  if (ret) g_dev.close();
  return ret;
}

int plugin_fini() {
  g_arena.release(g_dev);
  g_dev.close();
  return VACCEL_OK;
}

}  // namespace
}  // namespace vaccel_virtio

// ---- extension (include/vaccel_virtio.h) ----------------------------------

extern "C" __attribute__((visibility("default"))) const char *vaccel_virtio_last_executor(void) {
  return vaccel_virtio::t_last.info.executor;
}

extern "C" __attribute__((visibility("default"))) uint64_t vaccel_virtio_last_exec_ns(void) {
  return vaccel_virtio::t_last.info.exec_ns;
}

extern "C" __attribute__((visibility("default"))) uint64_t vaccel_virtio_last_rtt_ns(void) {
  return vaccel_virtio::t_last.info.rtt_ns;
}

extern "C" __attribute__((visibility("default"))) uint32_t vaccel_virtio_last_status(void) {
  return vaccel_virtio::t_last.status;
}

extern "C" __attribute__((visibility("default"))) void *vaccel_virtio_alloc(size_t size) {
  return vaccel_virtio::g_arena.alloc(vaccel_virtio::g_dev, size);
}

extern "C" __attribute__((visibility("default"))) void vaccel_virtio_free(void *p) {
  static std::atomic<bool> warned{false};
  const int saved = errno;  // like free(3): leaves errno alone
  if (!vaccel_virtio::g_arena.free(p) && !warned.exchange(true))
    vaccel_warn(
        "[virtio] vaccel_virtio_free(%p): not a live block of the arena (freed twice, or not "
        "from vaccel_virtio_alloc); ignored, and further such calls without a log line",
        p);
  errno = saved;
}

extern "C" __attribute__((visibility("default"))) size_t vaccel_virtio_arena_bytes(void) {
  return vaccel_virtio::g_arena.bytes();
}

VACCEL_PLUGIN(.name = "virtio", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
              .init = vaccel_virtio::plugin_init, .fini = vaccel_virtio::plugin_fini,
              .is_virtio = true, .type = VACCEL_PLUGIN_REMOTE | VACCEL_PLUGIN_GENERIC,
              .session_init = vaccel_virtio::session_init,
              .session_release = vaccel_virtio::session_release,
              .session_update = vaccel_virtio::session_update,
              .resource_register = vaccel_virtio::resource_register,
              .resource_unregister = vaccel_virtio::resource_unregister)
