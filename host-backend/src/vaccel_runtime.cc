// Runtime implementation over the host vAccel runtime (libvaccel).
//
// Translates each validated operation into the public vAccel C API call, with
// argument pointers straight into guest memory where the engine placed them.
// The vAccel runtime is process-global, so every device in one process must
// agree on its plugin configuration.
#include <cerrno>
#include <cstring>
#include <mutex>
#include <new>

#include "op_schema.hh"
#include "runtime.hh"
#include "vaccel.h"
#include "virtio_accel.h"

namespace va {
namespace {

vaccel_op_type_t to_vaccel_op(uint32_t op) {
  switch (op) {
    case VIRTIO_ACCEL_OP_NOOP: return VACCEL_OP_NOOP;
    case VIRTIO_ACCEL_OP_EXEC: return VACCEL_OP_EXEC;
    case VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE: return VACCEL_OP_EXEC_WITH_RESOURCE;
    case VIRTIO_ACCEL_OP_SGEMM: return VACCEL_OP_BLAS_SGEMM;
    case VIRTIO_ACCEL_OP_MINMAX: return VACCEL_OP_MINMAX;
    case VIRTIO_ACCEL_OP_IMAGE_CLASSIFY: return VACCEL_OP_IMAGE_CLASSIFY;
    case VIRTIO_ACCEL_OP_IMAGE_DETECT: return VACCEL_OP_IMAGE_DETECT;
    case VIRTIO_ACCEL_OP_IMAGE_SEGMENT: return VACCEL_OP_IMAGE_SEGMENT;
    case VIRTIO_ACCEL_OP_IMAGE_POSE: return VACCEL_OP_IMAGE_POSE;
    case VIRTIO_ACCEL_OP_IMAGE_DEPTH: return VACCEL_OP_IMAGE_DEPTH;
    case VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY: return VACCEL_OP_FPGA_ARRAYCOPY;
    case VIRTIO_ACCEL_OP_FPGA_MMULT: return VACCEL_OP_FPGA_MMULT;
    case VIRTIO_ACCEL_OP_FPGA_PARALLEL: return VACCEL_OP_FPGA_PARALLEL;
    case VIRTIO_ACCEL_OP_FPGA_VECTORADD: return VACCEL_OP_FPGA_VECTORADD;
    case VIRTIO_ACCEL_OP_TF_MODEL_LOAD: return VACCEL_OP_TF_MODEL_LOAD;
    case VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD: return VACCEL_OP_TF_MODEL_UNLOAD;
    case VIRTIO_ACCEL_OP_TF_MODEL_RUN: return VACCEL_OP_TF_MODEL_RUN;
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD: return VACCEL_OP_TFLITE_MODEL_LOAD;
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD: return VACCEL_OP_TFLITE_MODEL_UNLOAD;
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN: return VACCEL_OP_TFLITE_MODEL_RUN;
    case VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD: return VACCEL_OP_TORCH_MODEL_LOAD;
    case VIRTIO_ACCEL_OP_TORCH_MODEL_RUN: return VACCEL_OP_TORCH_MODEL_RUN;
    case VIRTIO_ACCEL_OP_TORCH_SGEMM: return VACCEL_OP_TORCH_SGEMM;
    case VIRTIO_ACCEL_OP_OPENCV: return VACCEL_OP_OPENCV;
    default: return VACCEL_OP_MAX;
  }
}

vaccel_resource_type_t to_vaccel_res(uint32_t t) {
  switch (t) {
    case VIRTIO_ACCEL_RES_LIB: return VACCEL_RESOURCE_LIB;
    case VIRTIO_ACCEL_RES_DATA: return VACCEL_RESOURCE_DATA;
    default: return VACCEL_RESOURCE_MODEL;
  }
}

// The runtime is bootstrapped once per process; later devices must ask for
// the same configuration (a different one would silently change the first).
std::mutex g_boot_lock;
bool g_booted = false;
std::string g_plugins, g_allowlist;

// Writes one framework-allocated output tensor into its two guest regions
// (tensor_out, data). EOVERFLOW if it does not fit what the guest offered.
template <typename Dim>
int write_tensor(const ArgBuf &desc, const ArgBuf &data, const void *bytes, size_t size,
                 int64_t nr_dims, const Dim *dims, uint32_t type) {
  struct virtio_accel_tensor_out t {};
  if (nr_dims < 0 || nr_dims > VIRTIO_ACCEL_MAX_DIMS || size > data.len) return EOVERFLOW;
  t.desc.data_type = htole32(type);
  t.desc.nr_dims = htole32(static_cast<uint32_t>(nr_dims));
  for (int64_t i = 0; i < nr_dims; i++) t.desc.dims[i] = htole64(static_cast<uint64_t>(dims[i]));
  t.data_len = htole64(size);
  std::memcpy(desc.data, &t, sizeof t);
  if (size) std::memcpy(data.data, bytes, size);
  return 0;
}

// Framework-neutral driver of the three model RUN ops and TORCH_SGEMM:
// builds borrowed input tensors over guest memory from the validated shapes,
// calls the runtime, copies outputs back and frees what the plugin allocated.
// The layout of c.in / c.out is spec §8.3.1 (params already consumed).
template <typename Tensor, typename Dim>
struct TensorBatch {
  Tensor in[kMaxTensors];
  Tensor *in_ptr[kMaxTensors];
  Tensor *out[kMaxTensors];
  Dim dims[kMaxTensors][VIRTIO_ACCEL_MAX_DIMS];

  // `data_of(i)` gives input i's data region.
  template <typename DataOf>
  void borrow(const ModelCall &m, DataOf data_of) {
    for (uint32_t i = 0; i < m.nin; i++) {
      const TensorShape &sh = m.in_shapes[i];
      for (uint32_t d = 0; d < VIRTIO_ACCEL_MAX_DIMS; d++) dims[i][d] = static_cast<Dim>(sh.dims[d]);
      const ArgBuf &a = data_of(i);
      in[i] = Tensor{};
      in[i].data = a.data;
      in[i].size = a.len;
      in[i].owned = false;
      in[i].nr_dims = static_cast<decltype(in[i].nr_dims)>(sh.nr_dims);
      in[i].dims = dims[i];
      in[i].data_type = static_cast<decltype(in[i].data_type)>(sh.data_type);
      in_ptr[i] = &in[i];
    }
    for (uint32_t j = 0; j < kMaxTensors; j++) out[j] = nullptr;
  }

  // Copies outputs into c.out pairs starting at index `first`, then frees them.
  template <typename Delete>
  int finish(int r, const OpCall &c, uint32_t nout, Delete del) {
    for (uint32_t j = 0; j < nout; j++) {
      if (r == 0) {
        Tensor *t = out[j];
        r = t ? write_tensor(c.out[2 * j], c.out[2 * j + 1], t->data, t->size, t->nr_dims, t->dims,
                             static_cast<uint32_t>(t->data_type))
              : write_tensor<Dim>(c.out[2 * j], c.out[2 * j + 1], nullptr, 0, 0, nullptr, 0);
      }
      if (out[j]) del(out[j]);
    }
    return r;
  }
};

class VaccelRuntime final : public Runtime {
 public:
  void *session_create(uint32_t flags, int *err) override {
    auto *s = new (std::nothrow) vaccel_session{};
    if (s == nullptr) {
      *err = ENOMEM;
      return nullptr;
    }
    // The guest's REMOTE bit asked for transport; on the host, run locally.
    int r = vaccel_session_init(s, flags & ~static_cast<uint32_t>(VACCEL_PLUGIN_REMOTE));
    if (r != VACCEL_OK) {
      delete s;
      *err = r;
      return nullptr;
    }
    return s;
  }

  void session_destroy(void *session) override {
    auto *s = static_cast<vaccel_session *>(session);
    vaccel_session_release(s);
    delete s;
  }

  void *resource_create(void *session, uint32_t res_type, std::span<const BlobBuf> blobs,
                        int *err) override {
    // The blobs own a copy (own=true): vAccel 0.8's init_from_blobs borrows
    // the data of blobs that do not own theirs, and the guest's buffers do
    // not outlive this call.
    vaccel_blob tmp[kMaxArgsCap];
    const vaccel_blob *ptrs[kMaxArgsCap];
    size_t n = 0;
    int r = VACCEL_OK;
    for (; n < blobs.size(); n++) {
      static const uint8_t empty = 0;
      const uint8_t *data = blobs[n].len ? blobs[n].data : &empty;
      r = vaccel_blob_init_from_buf(&tmp[n], data, blobs[n].len, true, blobs[n].name, nullptr,
                                    false);
      if (r != VACCEL_OK) break;
      ptrs[n] = &tmp[n];
    }
    auto *res = new (std::nothrow) vaccel_resource{};
    if (res == nullptr && r == VACCEL_OK) r = ENOMEM;
    if (r == VACCEL_OK) r = vaccel_resource_init_from_blobs(res, ptrs, n, to_vaccel_res(res_type));
    for (size_t i = 0; i < n; i++) vaccel_blob_release(&tmp[i]);
    if (r == VACCEL_OK) {
      r = vaccel_resource_register(res, static_cast<vaccel_session *>(session));
      if (r != VACCEL_OK) vaccel_resource_release(res);
    }
    if (r != VACCEL_OK) {
      delete res;
      *err = r;
      return nullptr;
    }
    return res;
  }

  void resource_destroy(void *session, void *resource) override {
    auto *res = static_cast<vaccel_resource *>(resource);
    vaccel_resource_unregister(res, static_cast<vaccel_session *>(session));
    vaccel_resource_release(res);
    delete res;
  }

  OpResult run(void *session, const OpCall &c) override {
    auto *s = static_cast<vaccel_session *>(session);
    int r = dispatch(s, c);
    const char *who = vaccel_last_op_plugin();
    return OpResult{r, who ? who : ""};
  }

  uint64_t supported_ops() const override {
    uint64_t m = 0;
    for (uint32_t op = VIRTIO_ACCEL_OP_NOOP; op <= VIRTIO_ACCEL_OP_MAX; op++) {
      const char *name = nullptr;
      if (vaccel_op_plugin_name(to_vaccel_op(op), &name) == VACCEL_OK) m |= 1ull << op;
    }
    return m;
  }

 private:
  static void to_args(std::span<ArgBuf> in, vaccel_arg *out) {
    for (size_t i = 0; i < in.size(); i++)
      out[i] = vaccel_arg{in[i].data, in[i].len, static_cast<vaccel_arg_type_t>(in[i].type),
                          in[i].custom_type, false};
  }

  // c.in: [run options, (node, desc, data) x nin, out-node x nout].
  static int model_run(vaccel_session *s, vaccel_resource *res, const OpCall &c) {
    const ModelCall &m = *c.model;
    auto data_of = [&](uint32_t i) -> const ArgBuf & { return c.in[3 + 3 * i]; };
    if (c.op == VIRTIO_ACCEL_OP_TF_MODEL_RUN) {
      auto b = std::make_unique<TensorBatch<vaccel_tf_tensor, int64_t>>();
      b->borrow(m, data_of);
      vaccel_tf_node in_nodes[kMaxTensors], out_nodes[kMaxTensors];
      for (uint32_t i = 0; i < m.nin; i++)
        in_nodes[i] = {const_cast<char *>(m.in_nodes[i].name), m.in_nodes[i].id};
      for (uint32_t j = 0; j < m.nout; j++)
        out_nodes[j] = {const_cast<char *>(m.out_nodes[j].name), m.out_nodes[j].id};
      // Borrowed: never released (vaccel_tf_buffer_release would free it).
      vaccel_tf_buffer opts{c.in[0].data, c.in[0].len};
      vaccel_tf_status st{};
      int r = vaccel_tf_model_run(s, res, &opts, in_nodes, b->in_ptr, static_cast<int>(m.nin),
                                  out_nodes, b->out, static_cast<int>(m.nout), &st);
      if (st.message) vaccel_tf_status_release(&st);
      return b->finish(r, c, m.nout, vaccel_tf_tensor_delete);
    }
    if (c.op == VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN) {
      auto b = std::make_unique<TensorBatch<vaccel_tflite_tensor, int32_t>>();
      b->borrow(m, data_of);
      uint8_t status = 0;
      int r = vaccel_tflite_model_run(s, res, b->in_ptr, static_cast<int>(m.nin), b->out,
                                      static_cast<int>(m.nout), &status);
      return b->finish(r, c, m.nout, vaccel_tflite_tensor_delete);
    }
    auto b = std::make_unique<TensorBatch<vaccel_torch_tensor, int64_t>>();
    b->borrow(m, data_of);
    vaccel_torch_buffer opts{reinterpret_cast<char *>(c.in[0].data), c.in[0].len};
    int r = vaccel_torch_model_run(s, res, &opts, b->in_ptr, static_cast<int>(m.nin), b->out,
                                   static_cast<int>(m.nout));
    return b->finish(r, c, m.nout, vaccel_torch_tensor_delete);
  }

  // c.in: [descA, A, descB, B, descC, C]; c.out: [tensor_out, data].
  static int torch_sgemm(vaccel_session *s, const OpCall &c) {
    auto b = std::make_unique<TensorBatch<vaccel_torch_tensor, int64_t>>();
    b->borrow(*c.model, [&](uint32_t i) -> const ArgBuf & { return c.in[1 + 2 * i]; });
    const auto &g = c.torch_sgemm;
    int r = vaccel_torch_sgemm(s, &b->in_ptr[0], &b->in_ptr[1], &b->in_ptr[2], g.m, g.n, g.k,
                               &b->out[0]);
    return b->finish(r, c, 1, vaccel_torch_tensor_delete);
  }

  static int dispatch(vaccel_session *s, const OpCall &c) {
    auto f = [&](size_t i) { return reinterpret_cast<float *>(c.in[i].data); };
    auto fo = [&](size_t i) { return reinterpret_cast<float *>(c.out[i].data); };
    auto *res = static_cast<vaccel_resource *>(c.resource);
    switch (c.op) {
      case VIRTIO_ACCEL_OP_NOOP:
        return vaccel_noop(s);
      case VIRTIO_ACCEL_OP_EXEC:
      case VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE:
      case VIRTIO_ACCEL_OP_OPENCV: {
        vaccel_arg rd[kMaxArgsCap], wr[kMaxArgsCap];
        to_args(c.in, rd);
        to_args(c.out, wr);
        if (c.op == VIRTIO_ACCEL_OP_EXEC)
          return vaccel_exec(s, c.library, c.symbol, rd, c.in.size(), wr, c.out.size());
        if (c.op == VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE)
          return vaccel_exec_with_resource(s, res, c.symbol, rd, c.in.size(), wr, c.out.size());
        return vaccel_opencv(s, rd, static_cast<int>(c.in.size()), wr,
                             static_cast<int>(c.out.size()));
      }
      case VIRTIO_ACCEL_OP_SGEMM: {
        const auto &g = c.sgemm;
        // in: A, B, C-in (consumed by the engine); out: C.
        return vaccel_sgemm(s, g.m, g.n, g.k, g.alpha, f(0), g.lda, f(1), g.ldb, g.beta, fo(0),
                            g.ldc);
      }
      case VIRTIO_ACCEL_OP_MINMAX: {
        auto *mm = reinterpret_cast<double *>(c.out[1].data);
        return vaccel_minmax(s, reinterpret_cast<const double *>(c.in[0].data), c.minmax.ndata,
                             c.minmax.low, c.minmax.high, reinterpret_cast<double *>(c.out[0].data),
                             &mm[0], &mm[1]);
      }
      case VIRTIO_ACCEL_OP_IMAGE_CLASSIFY:
        return vaccel_image_classification(s, c.in[0].data, c.out[0].data, c.out[1].data,
                                           c.in[0].len, c.out[0].len, c.out[1].len);
      case VIRTIO_ACCEL_OP_IMAGE_DETECT:
        return vaccel_image_detection(s, c.in[0].data, c.out[0].data, c.in[0].len, c.out[0].len);
      case VIRTIO_ACCEL_OP_IMAGE_SEGMENT:
        return vaccel_image_segmentation(s, c.in[0].data, c.out[0].data, c.in[0].len,
                                         c.out[0].len);
      case VIRTIO_ACCEL_OP_IMAGE_POSE:
        return vaccel_image_pose(s, c.in[0].data, c.out[0].data, c.in[0].len, c.out[0].len);
      case VIRTIO_ACCEL_OP_IMAGE_DEPTH:
        return vaccel_image_depth(s, c.in[0].data, c.out[0].data, c.in[0].len, c.out[0].len);
      case VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY:
        return vaccel_fpga_arraycopy(s, reinterpret_cast<int *>(c.in[0].data),
                                     reinterpret_cast<int *>(c.out[0].data), c.in[0].len / 4);
      case VIRTIO_ACCEL_OP_FPGA_MMULT:
        return vaccel_fpga_mmult(s, f(0), f(1), fo(0), c.in[0].len / 4);
      case VIRTIO_ACCEL_OP_FPGA_PARALLEL:
        return vaccel_fpga_parallel(s, f(0), f(1), fo(0), fo(1), c.in[0].len / 4);
      case VIRTIO_ACCEL_OP_FPGA_VECTORADD:
        return vaccel_fpga_vadd(s, f(0), f(1), fo(0), c.in[0].len / 4, c.in[1].len / 4);
      case VIRTIO_ACCEL_OP_TF_MODEL_LOAD:
      case VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD: {
        vaccel_tf_status st{};
        int r = c.op == VIRTIO_ACCEL_OP_TF_MODEL_LOAD ? vaccel_tf_model_load(s, res, &st)
                                                      : vaccel_tf_model_unload(s, res, &st);
        if (st.message) vaccel_tf_status_release(&st);
        return r;
      }
      case VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD:
        return vaccel_tflite_model_load(s, res);
      case VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD:
        return vaccel_tflite_model_unload(s, res);
      case VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD:
        return vaccel_torch_model_load(s, res);
      case VIRTIO_ACCEL_OP_TF_MODEL_RUN:
      case VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN:
      case VIRTIO_ACCEL_OP_TORCH_MODEL_RUN:
        return model_run(s, res, c);
      case VIRTIO_ACCEL_OP_TORCH_SGEMM:
        return torch_sgemm(s, c);
      default:
        return VACCEL_ENOTSUP;
    }
  }
};

}  // namespace

std::unique_ptr<Runtime> make_vaccel_runtime(const std::string &plugins,
                                             const std::string &exec_allowlist,
                                             std::string *error) {
  std::lock_guard g(g_boot_lock);
  if (g_booted) {
    if (plugins != g_plugins || exec_allowlist != g_allowlist) {
      *error = "host vAccel runtime already configured with plugins '" + g_plugins +
               "'; every virtio-accel device in a process must use the same plugins and "
               "exec allow-list";
      return nullptr;
    }
    return std::make_unique<VaccelRuntime>();
  }
  struct vaccel_config cfg {};
  int r = vaccel_config_init_from_env(&cfg);
  if (r == VACCEL_OK && !plugins.empty()) {
    free(cfg.plugins);
    cfg.plugins = strdup(plugins.c_str());
  }
  if (r == VACCEL_OK) r = vaccel_config_set_exec_allowlist(&cfg, exec_allowlist.c_str());
  if (r == VACCEL_OK) r = vaccel_bootstrap_with_config(&cfg);
  vaccel_config_release(&cfg);
  if (r != VACCEL_OK) {
    *error = std::string("host vAccel runtime failed to start: ") + vaccel_last_error() + " (" +
             strerror(r) + ")";
    return nullptr;
  }
  g_booted = true;
  g_plugins = plugins;
  g_allowlist = exec_allowlist;
  return std::make_unique<VaccelRuntime>();
}

}  // namespace va
