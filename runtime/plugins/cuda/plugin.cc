// vAccel plugin "cuda": adapter between the runtime's plugin ABI and the CUDA
// core (cuda_ops.hh). init() opens the device; on a machine without a GPU or
// driver it fails with VACCEL_ENODEV and logs the CUDA error, so the plugin
// is not loaded and the other plugins keep serving the ops.
// Environment: VACCEL_CUDA_DEVICE (device index, default 0).
#include <vaccel/error.h>
#include <vaccel/log.h>
#include <vaccel/plugin.h>

#include <memory>
#include <new>
#include <utility>

#include "cuda_ops.hh"
#include "guarded.hh"

namespace {

using vaccel_cuda::CudaError;
using vaccel_cuda::CudaOps;

// Never destroyed by a static destructor: upstream's runtime calls fini() from
// its own exit-time destructor, after this plugin's statics are gone.
std::unique_ptr<CudaOps> &g_ops = *new std::unique_ptr<CudaOps>;

// Runs `f` behind the plugins' shared exception boundary (guarded.hh).
template <typename F>
int guarded(const char *op, F &&f) noexcept {
  return va_plugin::guarded<CudaError>("cuda", op, g_ops != nullptr, std::forward<F>(f));
}

int op_sgemm(vaccel_session *, long long m, long long n, long long k, float alpha, float *a,
             long long lda, float *b, long long ldb, float beta, float *c, long long ldc) {
  return guarded("sgemm", [&] { g_ops->sgemm(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); });
}

int op_minmax(vaccel_session *, const double *in, int ndata, int low, int high, double *out,
              double *mn, double *mx) {
  return guarded("minmax", [&] {
    if (ndata < 1) throw CudaError(VACCEL_EINVAL, "minmax: ndata must be >= 1");
    g_ops->minmax(in, static_cast<size_t>(ndata), low, high, out, mn, mx);
  });
}

int op_arraycopy(vaccel_session *, int a[], int out[], size_t len) {
  return guarded("fpga_arraycopy", [&] { g_ops->arraycopy(a, out, len); });
}

int op_mmult(vaccel_session *, float a[], float b[], float c[], size_t len) {
  return guarded("fpga_mmult", [&] { g_ops->mmult(a, b, c, len); });
}

int op_parallel(vaccel_session *, float a[], float b[], float add[], float mult[], size_t len) {
  return guarded("fpga_parallel", [&] { g_ops->parallel(a, b, add, mult, len); });
}

int op_vadd(vaccel_session *, float a[], float b[], float c[], size_t len_a, size_t len_b) {
  return guarded("fpga_vadd", [&] { g_ops->vadd(a, b, c, len_a, len_b); });
}

int init() {
  try {
    g_ops = std::make_unique<CudaOps>();
    const auto &d = g_ops->device();
    vaccel_info("[cuda] using device %d '%s' (sm_%d%d)", d.index, d.name.c_str(), d.cc_major,
                d.cc_minor);
  } catch (const CudaError &e) {
    vaccel_error("[cuda] init: %s", e.what());
    return e.code();
  } catch (const std::exception &e) {
    vaccel_error("[cuda] init: %s", e.what());
    return VACCEL_EIO;
  }
  // static: the runtime keeps pointers to these entries (upstream ABI)
  static vaccel_op ops[] = {
      VACCEL_OP_INIT(ops[0], VACCEL_OP_BLAS_SGEMM, op_sgemm),
      VACCEL_OP_INIT(ops[1], VACCEL_OP_MINMAX, op_minmax),
      VACCEL_OP_INIT(ops[2], VACCEL_OP_FPGA_ARRAYCOPY, op_arraycopy),
      VACCEL_OP_INIT(ops[3], VACCEL_OP_FPGA_MMULT, op_mmult),
      VACCEL_OP_INIT(ops[4], VACCEL_OP_FPGA_PARALLEL, op_parallel),
      VACCEL_OP_INIT(ops[5], VACCEL_OP_FPGA_VECTORADD, op_vadd),
  };
  return vaccel_plugin_register_ops(ops, sizeof ops / sizeof ops[0]);
}

int fini() {
  g_ops.reset();
  return VACCEL_OK;
}

}  // namespace

VACCEL_PLUGIN(.name = "cuda", .version = "0.1.0", .vaccel_version = VACCEL_VERSION, .init = init,
              .fini = fini, .is_virtio = false, .type = VACCEL_PLUGIN_GPU)
