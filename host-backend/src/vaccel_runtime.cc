// Runtime implementation over the host vAccel runtime (libvaccel).
//
// Translates each validated operation into the public vAccel C API call, with
// argument pointers into the engine's staged copies. The op's vAccel
// counterpart and call are one row of kBindings; argument indices are the
// protocol library's (wire numbering, OpCall::wire_in).
// The vAccel runtime is process-global, so every device in one process must
// agree on its plugin configuration.
#include <cerrno>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>

#include "op_table.hh"
#include "runtime.hh"
#include "vaccel.h"
#include "virtio_accel.h"

namespace va {
namespace {

vaccel_resource_type_t to_vaccel_res(uint32_t t) {
  switch (t) {
    case VIRTIO_ACCEL_RES_LIB:
      return VACCEL_RESOURCE_LIB;
    case VIRTIO_ACCEL_RES_DATA:
      return VACCEL_RESOURCE_DATA;
    default:
      return VACCEL_RESOURCE_MODEL;
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
// The layout of c.in / c.out is spec §8.3.1 (struct va_model_layout).
template <typename Tensor, typename Dim>
struct TensorBatch {
  Tensor in[VIRTIO_ACCEL_MAX_TENSORS];
  Tensor *in_ptr[VIRTIO_ACCEL_MAX_TENSORS];
  Tensor *out[VIRTIO_ACCEL_MAX_TENSORS];
  Dim dims[VIRTIO_ACCEL_MAX_TENSORS][VIRTIO_ACCEL_MAX_DIMS];

  // `data_of(i)` gives input i's data region.
  template <typename DataOf>
  void borrow(const ModelCall &m, DataOf data_of) {
    for (uint32_t i = 0; i < m.nin; i++) {
      const TensorShape &sh = m.in_shapes[i];
      for (uint32_t d = 0; d < VIRTIO_ACCEL_MAX_DIMS; d++)
        dims[i][d] = static_cast<Dim>(sh.dims[d]);
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
    for (uint32_t j = 0; j < VIRTIO_ACCEL_MAX_TENSORS; j++) out[j] = nullptr;
  }

  // Copies outputs into their (tensor_out, data) pairs of c.out, then frees them.
  template <typename Delete>
  int finish(int r, const OpCall &c, uint32_t nout, Delete del) {
    for (uint32_t j = 0; j < nout; j++) {
      if (r == 0) {
        Tensor *t = out[j];
        const ArgBuf &desc = c.out[va_model_out_desc(j)], &data = c.out[va_model_out_data(j)];
        r = t ? write_tensor(desc, data, t->data, t->size, t->nr_dims, t->dims,
                             static_cast<uint32_t>(t->data_type))
              : write_tensor<Dim>(desc, data, nullptr, 0, 0, nullptr, 0);
      }
      if (out[j]) del(out[j]);
    }
    return r;
  }
};

// ---- One call per op: wire arguments -> the public vAccel API --------------

using Call = int (*)(vaccel_session *, vaccel_resource *, const OpCall &);

float *f32(const ArgBuf &a) { return reinterpret_cast<float *>(a.data); }

// Generic argument lists (EXEC, EXEC_WITH_RESOURCE, OPENCV): c.in / c.out as
// they are; vAccel's types pass through unread.
struct ArgLists {
  vaccel_arg rd[kMaxArgsCap], wr[kMaxArgsCap];
  explicit ArgLists(const OpCall &c) {
    fill(c.in, rd);
    fill(c.out, wr);
  }
  static void fill(std::span<ArgBuf> in, vaccel_arg *out) {
    for (size_t i = 0; i < in.size(); i++)
      out[i] = vaccel_arg{in[i].data, in[i].len, static_cast<vaccel_arg_type_t>(in[i].type),
                          in[i].custom_type, false};
  }
};

int call_noop(vaccel_session *s, vaccel_resource *, const OpCall &) { return vaccel_noop(s); }

int call_exec(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  ArgLists a(c);
  return vaccel_exec(s, c.library, c.symbol, a.rd, c.in.size(), a.wr, c.out.size());
}

int call_exec_with_resource(vaccel_session *s, vaccel_resource *res, const OpCall &c) {
  ArgLists a(c);
  return vaccel_exec_with_resource(s, res, c.symbol, a.rd, c.in.size(), a.wr, c.out.size());
}

int call_opencv(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  ArgLists a(c);
  return vaccel_opencv(s, a.rd, static_cast<int>(c.in.size()), a.wr,
                       static_cast<int>(c.out.size()));
}

// in = [params, A, B, C-in]; out = [C] (seeded from C-in by the engine).
int call_sgemm(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  const auto &g = c.sgemm;
  return vaccel_sgemm(s, g.m, g.n, g.k, g.alpha, f32(c.wire_in(1)), g.lda, f32(c.wire_in(2)), g.ldb,
                      g.beta, f32(c.out[0]), g.ldc);
}

// in = [params, data]; out = [clamped data, min+max].
int call_minmax(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  auto *mm = reinterpret_cast<double *>(c.out[1].data);
  return vaccel_minmax(s, reinterpret_cast<const double *>(c.wire_in(1).data), c.minmax.ndata,
                       c.minmax.low, c.minmax.high, reinterpret_cast<double *>(c.out[0].data),
                       &mm[0], &mm[1]);
}

int call_classify(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  return vaccel_image_classification(s, c.in[0].data, c.out[0].data, c.out[1].data, c.in[0].len,
                                     c.out[0].len, c.out[1].len);
}

// IMAGE_DETECT/SEGMENT/POSE/DEPTH share one signature.
template <int (*F)(vaccel_session *, const void *, unsigned char *, size_t, size_t)>
int call_image(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  return F(s, c.in[0].data, c.out[0].data, c.in[0].len, c.out[0].len);
}

int call_arraycopy(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  return vaccel_fpga_arraycopy(s, reinterpret_cast<int *>(c.in[0].data),
                               reinterpret_cast<int *>(c.out[0].data), c.in[0].len / 4);
}

int call_mmult(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  return vaccel_fpga_mmult(s, f32(c.in[0]), f32(c.in[1]), f32(c.out[0]), c.in[0].len / 4);
}

int call_parallel(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  return vaccel_fpga_parallel(s, f32(c.in[0]), f32(c.in[1]), f32(c.out[0]), f32(c.out[1]),
                              c.in[0].len / 4);
}

int call_vadd(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  return vaccel_fpga_vadd(s, f32(c.in[0]), f32(c.in[1]), f32(c.out[0]), c.in[0].len / 4,
                          c.in[1].len / 4);
}

int call_tf_load(vaccel_session *s, vaccel_resource *res, const OpCall &) {
  vaccel_tf_status st{};
  int r = vaccel_tf_model_load(s, res, &st);
  if (st.message) vaccel_tf_status_release(&st);
  return r;
}

int call_tf_unload(vaccel_session *s, vaccel_resource *res, const OpCall &) {
  vaccel_tf_status st{};
  int r = vaccel_tf_model_unload(s, res, &st);
  if (st.message) vaccel_tf_status_release(&st);
  return r;
}

int call_tflite_load(vaccel_session *s, vaccel_resource *res, const OpCall &) {
  return vaccel_tflite_model_load(s, res);
}

int call_tflite_unload(vaccel_session *s, vaccel_resource *res, const OpCall &) {
  return vaccel_tflite_model_unload(s, res);
}

int call_torch_load(vaccel_session *s, vaccel_resource *res, const OpCall &) {
  return vaccel_torch_model_load(s, res);
}

// Input i's data region of a model RUN.
const ArgBuf &model_data(const OpCall &c, uint32_t i) { return c.wire_in(va_model_in_data(i)); }

int call_tf_run(vaccel_session *s, vaccel_resource *res, const OpCall &c) {
  const ModelCall &m = *c.model;
  auto b = std::make_unique<TensorBatch<vaccel_tf_tensor, int64_t>>();
  b->borrow(m, [&](uint32_t i) -> const ArgBuf & { return model_data(c, i); });
  vaccel_tf_node in_nodes[VIRTIO_ACCEL_MAX_TENSORS], out_nodes[VIRTIO_ACCEL_MAX_TENSORS];
  for (uint32_t i = 0; i < m.nin; i++)
    in_nodes[i] = {const_cast<char *>(m.in_nodes[i].name), m.in_nodes[i].id};
  for (uint32_t j = 0; j < m.nout; j++)
    out_nodes[j] = {const_cast<char *>(m.out_nodes[j].name), m.out_nodes[j].id};
  // Borrowed: never released (vaccel_tf_buffer_release would free it).
  const ArgBuf &o = c.wire_in(VA_MODEL_IN_OPTIONS);
  vaccel_tf_buffer opts{o.data, o.len};
  vaccel_tf_status st{};
  int r = vaccel_tf_model_run(s, res, &opts, in_nodes, b->in_ptr, static_cast<int>(m.nin),
                              out_nodes, b->out, static_cast<int>(m.nout), &st);
  if (st.message) vaccel_tf_status_release(&st);
  return b->finish(r, c, m.nout, vaccel_tf_tensor_delete);
}

int call_tflite_run(vaccel_session *s, vaccel_resource *res, const OpCall &c) {
  const ModelCall &m = *c.model;
  auto b = std::make_unique<TensorBatch<vaccel_tflite_tensor, int32_t>>();
  b->borrow(m, [&](uint32_t i) -> const ArgBuf & { return model_data(c, i); });
  uint8_t status = 0;
  int r = vaccel_tflite_model_run(s, res, b->in_ptr, static_cast<int>(m.nin), b->out,
                                  static_cast<int>(m.nout), &status);
  return b->finish(r, c, m.nout, vaccel_tflite_tensor_delete);
}

int call_torch_run(vaccel_session *s, vaccel_resource *res, const OpCall &c) {
  const ModelCall &m = *c.model;
  auto b = std::make_unique<TensorBatch<vaccel_torch_tensor, int64_t>>();
  b->borrow(m, [&](uint32_t i) -> const ArgBuf & { return model_data(c, i); });
  const ArgBuf &o = c.wire_in(VA_MODEL_IN_OPTIONS);
  vaccel_torch_buffer opts{reinterpret_cast<char *>(o.data), o.len};
  int r = vaccel_torch_model_run(s, res, &opts, b->in_ptr, static_cast<int>(m.nin), b->out,
                                 static_cast<int>(m.nout));
  return b->finish(r, c, m.nout, vaccel_torch_tensor_delete);
}

int call_torch_sgemm(vaccel_session *s, vaccel_resource *, const OpCall &c) {
  auto b = std::make_unique<TensorBatch<vaccel_torch_tensor, int64_t>>();
  b->borrow(*c.model,
            [&](uint32_t t) -> const ArgBuf & { return c.wire_in(va_torch_sgemm_data(t)); });
  const auto &g = c.torch_sgemm;
  int r =
      vaccel_torch_sgemm(s, &b->in_ptr[0], &b->in_ptr[1], &b->in_ptr[2], g.m, g.n, g.k, &b->out[0]);
  return b->finish(r, c, 1, vaccel_torch_tensor_delete);
}

// Each wire op's vAccel counterpart (what supported_ops() asks the runtime
// about) and its call.
struct Binding {
  uint32_t op;
  vaccel_op_type_t vaccel_op;
  Call call;
};

// clang-format off
constexpr Binding kBindings[] = {
  {VIRTIO_ACCEL_OP_NOOP,                VACCEL_OP_NOOP,                call_noop},
  {VIRTIO_ACCEL_OP_EXEC,                VACCEL_OP_EXEC,                call_exec},
  {VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE,  VACCEL_OP_EXEC_WITH_RESOURCE,  call_exec_with_resource},
  {VIRTIO_ACCEL_OP_SGEMM,               VACCEL_OP_BLAS_SGEMM,          call_sgemm},
  {VIRTIO_ACCEL_OP_MINMAX,              VACCEL_OP_MINMAX,              call_minmax},
  {VIRTIO_ACCEL_OP_IMAGE_CLASSIFY,      VACCEL_OP_IMAGE_CLASSIFY,      call_classify},
  {VIRTIO_ACCEL_OP_IMAGE_DETECT,        VACCEL_OP_IMAGE_DETECT,        call_image<vaccel_image_detection>},
  {VIRTIO_ACCEL_OP_IMAGE_SEGMENT,       VACCEL_OP_IMAGE_SEGMENT,       call_image<vaccel_image_segmentation>},
  {VIRTIO_ACCEL_OP_IMAGE_POSE,          VACCEL_OP_IMAGE_POSE,          call_image<vaccel_image_pose>},
  {VIRTIO_ACCEL_OP_IMAGE_DEPTH,         VACCEL_OP_IMAGE_DEPTH,         call_image<vaccel_image_depth>},
  {VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY,      VACCEL_OP_FPGA_ARRAYCOPY,      call_arraycopy},
  {VIRTIO_ACCEL_OP_FPGA_MMULT,          VACCEL_OP_FPGA_MMULT,          call_mmult},
  {VIRTIO_ACCEL_OP_FPGA_PARALLEL,       VACCEL_OP_FPGA_PARALLEL,       call_parallel},
  {VIRTIO_ACCEL_OP_FPGA_VECTORADD,      VACCEL_OP_FPGA_VECTORADD,      call_vadd},
  {VIRTIO_ACCEL_OP_TF_MODEL_LOAD,       VACCEL_OP_TF_MODEL_LOAD,       call_tf_load},
  {VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD,     VACCEL_OP_TF_MODEL_UNLOAD,     call_tf_unload},
  {VIRTIO_ACCEL_OP_TF_MODEL_RUN,        VACCEL_OP_TF_MODEL_RUN,        call_tf_run},
  {VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD,   VACCEL_OP_TFLITE_MODEL_LOAD,   call_tflite_load},
  {VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD, VACCEL_OP_TFLITE_MODEL_UNLOAD, call_tflite_unload},
  {VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN,    VACCEL_OP_TFLITE_MODEL_RUN,    call_tflite_run},
  {VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD,    VACCEL_OP_TORCH_MODEL_LOAD,    call_torch_load},
  {VIRTIO_ACCEL_OP_TORCH_MODEL_RUN,     VACCEL_OP_TORCH_MODEL_RUN,     call_torch_run},
  {VIRTIO_ACCEL_OP_TORCH_SGEMM,         VACCEL_OP_TORCH_SGEMM,         call_torch_sgemm},
  {VIRTIO_ACCEL_OP_OPENCV,              VACCEL_OP_OPENCV,              call_opencv},
};
// clang-format on

// Row i is op i + 1: a direct index, checked here once.
constexpr bool bindings_in_order() {
  if (std::size(kBindings) != VIRTIO_ACCEL_OP_MAX) return false;
  for (uint32_t i = 0; i < std::size(kBindings); i++)
    if (kBindings[i].op != i + 1) return false;
  return true;
}
static_assert(bindings_in_order(), "kBindings: one row per VIRTIO_ACCEL_OP_*, in op order");

const Binding *binding(uint32_t op) {
  return op >= 1 && op <= VIRTIO_ACCEL_OP_MAX ? &kBindings[op - 1] : nullptr;
}

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
    const Binding *b = binding(c.op);
    int r = b ? b->call(static_cast<vaccel_session *>(session),
                        static_cast<vaccel_resource *>(c.resource), c)
              : VACCEL_ENOTSUP;
    const char *who = vaccel_last_op_plugin();
    return OpResult{r, who ? who : ""};
  }

  uint64_t supported_ops() const override {
    uint64_t m = 0;
    for (const Binding &b : kBindings) {
      const char *name = nullptr;
      if (vaccel_op_plugin_name(b.vaccel_op, &name) == VACCEL_OK) m |= 1ull << b.op;
    }
    return m;
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
