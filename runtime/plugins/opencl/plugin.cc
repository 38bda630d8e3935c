// vAccel plugin "opencl": the thin adapter between the runtime's C plugin
// ABI (vaccel/plugin.h) and the OpenCL core (cl_ops.hh). It owns one device
// (chosen from the environment, cl_device_select.hh) for the life of the
// plugin, and converts OclError exceptions into vAccel codes plus a log line
// that names the OpenCL error.
//
// Environment (besides the device selection variables):
//   VACCEL_OPENCL_KERNELS_BINARY  path of a device binary of cl_kernels.cl
//       (built offline, e.g. by vaccel-opencl-compile) used instead of
//       compiling the built-in kernels from source: the FPGA flow.
#include <vaccel/error.h>
#include <vaccel/log.h>
#include <vaccel/plugin.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "binary_validate.hh"
#include "cl_ops.hh"
#include "guarded.hh"
#include "user_kernel.hh"

namespace {

using namespace vaccel_ocl;

std::unique_ptr<ClRuntime> &g_rt = *new std::unique_ptr<ClRuntime>;  // see g_ops
// Never destroyed by a static destructor: upstream's runtime calls fini() from
// its own exit-time destructor, after this plugin's statics are gone.
std::unique_ptr<ClOps> &g_ops = *new std::unique_ptr<ClOps>;

// Runs `f` behind the plugins' shared exception boundary (guarded.hh).
template <typename F>
int guarded(const char *op, F &&f) noexcept {
  return va_plugin::guarded<OclError>("opencl", op, g_ops != nullptr, std::forward<F>(f));
}

int op_sgemm(vaccel_session *, long long m, long long n, long long k, float alpha, float *a,
             long long lda, float *b, long long ldb, float beta, float *c, long long ldc) {
  return guarded("sgemm", [&] {
    g_ops->sgemm(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return VACCEL_OK;
  });
}

int op_minmax(vaccel_session *, const double *in, int ndata, int low, int high, double *out,
              double *mn, double *mx) {
  return guarded("minmax", [&] {
    if (ndata < 1) throw OclError(VACCEL_EINVAL, "minmax: ndata must be >= 1");
    g_ops->minmax(in, static_cast<size_t>(ndata), low, high, out, mn, mx);
    return VACCEL_OK;
  });
}

int op_arraycopy(vaccel_session *, int a[], int out[], size_t len) {
  return guarded("fpga_arraycopy", [&] {
    g_ops->arraycopy(a, out, len);
    return VACCEL_OK;
  });
}

int op_mmult(vaccel_session *, float a[], float b[], float c[], size_t len) {
  return guarded("fpga_mmult", [&] {
    g_ops->mmult(a, b, c, len);
    return VACCEL_OK;
  });
}

int op_parallel(vaccel_session *, float a[], float b[], float add[], float mult[], size_t len) {
  return guarded("fpga_parallel", [&] {
    g_ops->parallel(a, b, add, mult, len);
    return VACCEL_OK;
  });
}

int op_vadd(vaccel_session *, float a[], float b[], float c[], size_t len_a, size_t len_b) {
  return guarded("fpga_vadd", [&] {
    g_ops->vadd(a, b, c, len_a, len_b);
    return VACCEL_OK;
  });
}

bool is_scalar(vaccel_arg_type_t t) {
  switch (t) {
    case VACCEL_ARG_INT8:
    case VACCEL_ARG_INT16:
    case VACCEL_ARG_INT32:
    case VACCEL_ARG_INT64:
    case VACCEL_ARG_UINT8:
    case VACCEL_ARG_UINT16:
    case VACCEL_ARG_UINT32:
    case VACCEL_ARG_UINT64:
    case VACCEL_ARG_FLOAT32:
    case VACCEL_ARG_FLOAT64:
    case VACCEL_ARG_CHAR:
    case VACCEL_ARG_UCHAR:
      return true;
    default:
      return false;
  }
}

size_t element_size(vaccel_arg_type_t t) {
  switch (t) {
    case VACCEL_ARG_INT8_ARRAY:
    case VACCEL_ARG_UINT8_ARRAY:
    case VACCEL_ARG_CHAR_ARRAY:
    case VACCEL_ARG_UCHAR_ARRAY:
    case VACCEL_ARG_BOOL_ARRAY:
    case VACCEL_ARG_STRING:
      return 1;
    case VACCEL_ARG_INT16_ARRAY:
    case VACCEL_ARG_UINT16_ARRAY:
      return 2;
    case VACCEL_ARG_INT64_ARRAY:
    case VACCEL_ARG_UINT64_ARRAY:
    case VACCEL_ARG_FLOAT64_ARRAY:
      return 8;
    default:
      return 4;  // INT32/UINT32/FLOAT32 arrays, and untyped (RAW/BUFFER) args
  }
}

// Runs a kernel from a resource; see user_kernel.hh for the convention.
int op_exec_with_resource(vaccel_session *, vaccel_resource *res, const char *fn_symbol,
                          vaccel_arg *read, size_t nr_read, vaccel_arg *write, size_t nr_write) {
  return guarded("exec_with_resource", [&] {
    if (!res || res->nr_blobs == 0 || !fn_symbol)
      throw OclError(VACCEL_EINVAL, "exec_with_resource: no program");
    vaccel_blob *blob = res->blobs[0];
    const std::string_view name = blob->name ? blob->name : "";
    if (name.size() >= 3 && name.substr(name.size() - 3) == ".so")
      throw OclError(VACCEL_ENOTSUP, "resource is a shared library, not an OpenCL program");
    size_t size = 0;
    const std::uint8_t *data = vaccel_blob_data(blob, &size);
    if (!data) throw OclError(VACCEL_EIO, "cannot read resource '" + std::string(name) + "'");
    std::span<const std::uint8_t> bytes(data, size);

    ClOps::Program prog{true, bytes, {}};
    if (!looks_like_source(name, bytes)) {
      // Not source. A container this platform cannot load is probably meant
      // for another plugin (fallback); a damaged one of the right kind is an
      // error the caller must see.
      BinaryCheck c = validate_program_binary(bytes, g_rt->device().platform_name);
      if (!c.ok && (c.format == BinaryFormat::Unknown || c.foreign))
        throw OclError(VACCEL_ENOTSUP,
                       "resource '" + std::string(name) +
                           "' is not an OpenCL program for this device: " + c.reason);
      prog.is_source = false;  // validated again (and rejected if damaged) when loaded
    }

    KernelLaunch l = parse_kernel_symbol(fn_symbol);
    if (l.dims == 0) {
      if (nr_write == 0)
        throw OclError(VACCEL_EINVAL, "exec_with_resource: no write arg and no '@size' in '" +
                                          std::string(fn_symbol) + "'");
      l.dims = 1;
      l.global[0] = write[0].size / element_size(write[0].type);
    }
    std::vector<KernelArg> args;
    args.reserve(nr_read + nr_write);
    for (size_t i = 0; i < nr_read; ++i)
      args.push_back({is_scalar(read[i].type) ? KernelArg::Kind::Scalar : KernelArg::Kind::In,
                      read[i].buf, nullptr, read[i].size});
    for (size_t i = 0; i < nr_write; ++i)
      args.push_back({KernelArg::Kind::Out, write[i].buf, write[i].buf, write[i].size});
    g_ops->run_kernel(prog, l.kernel, args, l.global, l.dims);
    return VACCEL_OK;
  });
}

std::vector<std::uint8_t> read_file(const char *path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw OclError(VACCEL_ENOENT,
                   std::string("VACCEL_OPENCL_KERNELS_BINARY: cannot open '") + path + "'");
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

int init() {
  try {
    DeviceSpec spec = parse_device_spec([](const char *v) { return std::getenv(v); });
    auto rt = std::make_unique<ClRuntime>(spec);
    std::vector<std::uint8_t> bin;
    if (const char *p = std::getenv("VACCEL_OPENCL_KERNELS_BINARY"); p && *p) {
      bin = read_file(p);
      BinaryCheck c = validate_program_binary(bin, rt->device().platform_name);
      if (!c.ok)
        throw OclError(VACCEL_ELIBBAD, std::string("VACCEL_OPENCL_KERNELS_BINARY '") + p +
                                           "' rejected: " + c.reason);
    }
    g_ops = std::make_unique<ClOps>(*rt, std::move(bin));
    g_rt = std::move(rt);
    vaccel_info("[opencl] using '%s' on platform '%s'; built-in kernels from %s",
                g_rt->device().device_name.c_str(), g_rt->device().platform_name.c_str(),
                std::getenv("VACCEL_OPENCL_KERNELS_BINARY") ? "the offline binary" : "source");
  } catch (const OclError &e) {
    vaccel_error("[opencl] init: %s", e.what());
    return e.code();
  } catch (const std::exception &e) {
    vaccel_error("[opencl] init: %s", e.what());
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
      VACCEL_OP_INIT(ops[6], VACCEL_OP_EXEC_WITH_RESOURCE, op_exec_with_resource),
  };
  return vaccel_plugin_register_ops(ops, sizeof ops / sizeof ops[0]);
}

int fini() {
  g_ops.reset();
  g_rt.reset();
  return VACCEL_OK;
}

}  // namespace

VACCEL_PLUGIN(.name = "opencl", .version = "0.1.0", .vaccel_version = VACCEL_VERSION, .init = init,
              .fini = fini, .is_virtio = false, .type = VACCEL_PLUGIN_GPU | VACCEL_PLUGIN_FPGA)
