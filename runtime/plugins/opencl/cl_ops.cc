#include "cl_ops.hh"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>

namespace vaccel_ocl {
namespace {

constexpr size_t kReduceWg = 64;  // RED_WG in cl_kernels.cl
constexpr size_t kMaxReduceGroups = 256;

// Declared right after taking the runtime lock in every operation: whatever
// way the operation ends, all commands it enqueued (including non-blocking
// writes that read the caller's memory) have finished before it returns.
struct QueueDrain {
  cl_command_queue q;
  ~QueueDrain() { clFinish(q); }
};

template <typename T>
void set_arg(cl_kernel k, cl_uint i, const T &v) {
  // OpenCL wants the size of the argument itself: for a buffer that is sizeof(cl_mem), a pointer.
  cl_check(clSetKernelArg(k, i, sizeof(T), &v),  // NOLINT(bugprone-sizeof-expression)
           "clSetKernelArg");
}

// bytes = count * elem, rejecting overflow.
size_t bytes_of(size_t count, size_t elem, const char *what) {
  if (count > std::numeric_limits<size_t>::max() / elem)
    throw OclError(EINVAL, std::string(what) + ": size overflows");
  return count * elem;
}

void write(ClRuntime &rt, const PooledBuffer &b, const void *src, size_t bytes) {
  if (bytes)
    cl_check(
        clEnqueueWriteBuffer(rt.queue(), b.get(), CL_FALSE, 0, bytes, src, 0, nullptr, nullptr),
        "clEnqueueWriteBuffer");
}

void read(ClRuntime &rt, const PooledBuffer &b, void *dst, size_t bytes) {
  if (bytes)
    cl_check(clEnqueueReadBuffer(rt.queue(), b.get(), CL_TRUE, 0, bytes, dst, 0, nullptr, nullptr),
             "clEnqueueReadBuffer");
}

// Elements spanned by a row-major rows x cols matrix with leading dimension ld.
size_t matrix_elems(std::int64_t rows, std::int64_t cols, std::int64_t ld) {
  if (rows == 0 || cols == 0) return 0;
  return static_cast<size_t>(rows - 1) * static_cast<size_t>(ld) + static_cast<size_t>(cols);
}

}  // namespace

ClOps::ClOps(ClRuntime &rt, std::vector<std::uint8_t> builtin_binary)
    : rt_(rt), builtin_binary_(std::move(builtin_binary)) {
  size_t max_wg = 0;
  clGetDeviceInfo(rt_.device().device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof max_wg, &max_wg,
                  nullptr);
  tile_ = max_wg >= 256 ? 16 : 8;  // 16x16 tiles where the device allows 256 work-items
}

std::string ClOps::builtin_options() const {
  std::string o = "-DTILE=" + std::to_string(tile_);
  if (rt_.has_fp64()) o += " -DVA_HAVE_FP64";
  return o;
}

cl_program ClOps::builtin_program() {
  if (!builtin_binary_.empty()) return rt_.program_from_binary(builtin_binary_, builtin_options());
  return rt_.program_from_source(kBuiltinKernelSource, builtin_options());
}

cl_kernel ClOps::builtin(const char *name) { return rt_.kernel(builtin_program(), name); }

void ClOps::sgemm(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float *a,
                  std::int64_t lda, const float *b, std::int64_t ldb, float beta, float *c,
                  std::int64_t ldc) {
  gemm("va_sgemm", m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void ClOps::gemm(const char *kname, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
                 const float *a, std::int64_t lda, const float *b, std::int64_t ldb, float beta,
                 float *c, std::int64_t ldc) {
  constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
  if (m < 0 || n < 0 || k < 0) throw OclError(EINVAL, "sgemm: negative dimension");
  if (lda < std::max<std::int64_t>(1, k) || ldb < std::max<std::int64_t>(1, n) ||
      ldc < std::max<std::int64_t>(1, n))
    throw OclError(EINVAL, "sgemm: leading dimension smaller than the row length");
  if (m > kIntMax || n > kIntMax || k > kIntMax || lda > kIntMax || ldb > kIntMax || ldc > kIntMax)
    throw OclError(ENOTSUP,
                   "sgemm: dimensions beyond 2^31-1 are not supported by the OpenCL kernel");
  if (m == 0 || n == 0) return;
  if ((k > 0 && (!a || !b)) || !c) throw OclError(EINVAL, "sgemm: NULL matrix");

  const size_t na = matrix_elems(m, k, lda), nb = matrix_elems(k, n, ldb),
               nc = matrix_elems(m, n, ldc);
  const size_t ba = bytes_of(na, 4, "sgemm A"), bb = bytes_of(nb, 4, "sgemm B"),
               bc = bytes_of(nc, 4, "sgemm C");
  std::lock_guard g(rt_.lock());
  QueueDrain drain{rt_.queue()};
  cl_kernel kern = builtin(kname);
  // k == 0 leaves A and B empty; the kernel never reads them, but OpenCL has
  // no zero-sized buffers, so 1-element ones stand in.
  PooledBuffer da = rt_.buffer(std::max<size_t>(ba, 4)), db = rt_.buffer(std::max<size_t>(bb, 4)),
               dc = rt_.buffer(bc);
  write(rt_, da, a, ba);
  write(rt_, db, b, bb);
  // C moves row by row when ldc > n, so elements outside the m x n window
  // are neither read nor written (API.md: they stay untouched).
  const size_t row_bytes = static_cast<size_t>(n) * 4, pitch = static_cast<size_t>(ldc) * 4;
  const size_t origin[3] = {0, 0, 0}, region[3] = {row_bytes, static_cast<size_t>(m), 1};
  if (beta != 0.0f) {
    if (ldc == n)
      write(rt_, dc, c, bc);
    else
      cl_check(clEnqueueWriteBufferRect(rt_.queue(), dc.get(), CL_FALSE, origin, origin, region,
                                        pitch, 0, pitch, 0, c, 0, nullptr, nullptr),
               "clEnqueueWriteBufferRect");
  }
  const int im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k);
  const int ilda = static_cast<int>(lda), ildb = static_cast<int>(ldb),
            ildc = static_cast<int>(ldc);
  set_arg(kern, 0, im);
  set_arg(kern, 1, in);
  set_arg(kern, 2, ik);
  set_arg(kern, 3, alpha);
  set_arg(kern, 4, da.get());
  set_arg(kern, 5, ilda);
  set_arg(kern, 6, db.get());
  set_arg(kern, 7, ildb);
  set_arg(kern, 8, beta);
  set_arg(kern, 9, dc.get());
  set_arg(kern, 10, ildc);
  const size_t t = tile_;
  const size_t global[2] = {(static_cast<size_t>(n) + t - 1) / t * t,
                            (static_cast<size_t>(m) + t - 1) / t * t};
  const size_t local[2] = {t, t};
  cl_check(
      clEnqueueNDRangeKernel(rt_.queue(), kern, 2, nullptr, global, local, 0, nullptr, nullptr),
      (std::string("clEnqueueNDRangeKernel(") + kname + ")").c_str());
  if (ldc == n)
    read(rt_, dc, c, bc);
  else
    cl_check(clEnqueueReadBufferRect(rt_.queue(), dc.get(), CL_TRUE, origin, origin, region, pitch,
                                     0, pitch, 0, c, 0, nullptr, nullptr),
             "clEnqueueReadBufferRect");
}

void ClOps::mmult(const float *a, const float *b, float *c, size_t len) {
  const auto n = static_cast<size_t>(std::llround(std::sqrt(static_cast<double>(len))));
  if (n * n != len)
    throw OclError(EINVAL, "mmult: len_a=" + std::to_string(len) + " is not a perfect square");
  if (n == 0) return;
  const auto sn = static_cast<std::int64_t>(n);
  gemm(rt_.has_fp64() ? "va_mmult" : "va_sgemm", sn, sn, sn, 1.0f, a, sn, b, sn, 0.0f, c, sn);
}

void ClOps::elementwise(const char *kname, std::span<const float *const> in,
                        std::span<float *const> out, size_t n) {
  if (n == 0) return;
  const size_t bytes = bytes_of(n, 4, kname);
  std::lock_guard g(rt_.lock());
  QueueDrain drain{rt_.queue()};
  cl_kernel kern = builtin(kname);
  std::vector<PooledBuffer> bufs;
  bufs.reserve(in.size() + out.size());
  cl_uint idx = 0;
  for (const float *p : in) {
    bufs.push_back(rt_.buffer(bytes));
    write(rt_, bufs.back(), p, bytes);
    set_arg(kern, idx++, bufs.back().get());
  }
  for (size_t i = 0; i < out.size(); ++i) {
    bufs.push_back(rt_.buffer(bytes));
    set_arg(kern, idx++, bufs.back().get());
  }
  cl_check(clEnqueueNDRangeKernel(rt_.queue(), kern, 1, nullptr, &n, nullptr, 0, nullptr, nullptr),
           (std::string("clEnqueueNDRangeKernel(") + kname + ")").c_str());
  for (size_t i = 0; i < out.size(); ++i) read(rt_, bufs[in.size() + i], out[i], bytes);
}

void ClOps::arraycopy(const int *a, int *out, size_t n) {
  static_assert(sizeof(int) == sizeof(float));
  if (n && (!a || !out)) throw OclError(EINVAL, "arraycopy: NULL array");
  // The kernel moves 32-bit words; the float-typed helper is only plumbing.
  const float *in[] = {reinterpret_cast<const float *>(a)};
  float *o[] = {reinterpret_cast<float *>(out)};
  elementwise("va_arraycopy", in, o, n);
}

void ClOps::vadd(const float *a, const float *b, float *c, size_t len_a, size_t len_b) {
  if (len_a != len_b)
    throw OclError(EINVAL, "vadd: len_a (" + std::to_string(len_a) + ") != len_b (" +
                               std::to_string(len_b) + ")");
  if (len_a && (!a || !b || !c)) throw OclError(EINVAL, "vadd: NULL array");
  const float *in[] = {a, b};
  float *o[] = {c};
  elementwise("va_vadd", in, o, len_a);
}

void ClOps::parallel(const float *a, const float *b, float *add_out, float *mult_out, size_t n) {
  if (n && (!a || !b || !add_out || !mult_out)) throw OclError(EINVAL, "parallel: NULL array");
  const float *in[] = {a, b};
  float *o[] = {add_out, mult_out};
  elementwise("va_parallel", in, o, n);
}

void ClOps::minmax(const double *in, size_t n, double lo, double hi, double *out, double *mn,
                   double *mx) {
  if (n && (!in || !out)) throw OclError(EINVAL, "minmax: NULL array");
  if (!mn || !mx) throw OclError(EINVAL, "minmax: NULL min/max");
  if (n == 0) throw OclError(EINVAL, "minmax: ndata must be >= 1");
  if (!(lo <= hi)) throw OclError(EINVAL, "minmax: low threshold above high threshold");
  if (!rt_.has_fp64())
    throw OclError(ENOTSUP, "minmax: the OpenCL device has no double precision (cl_khr_fp64)");
  const size_t bytes = bytes_of(n, 8, "minmax");
  const size_t groups = std::min(kMaxReduceGroups, (n + kReduceWg - 1) / kReduceWg);
  std::lock_guard g(rt_.lock());
  QueueDrain drain{rt_.queue()};
  cl_kernel clamp = builtin("va_minmax_clamp");
  cl_kernel reduce = builtin("va_minmax_reduce");
  PooledBuffer din = rt_.buffer(bytes), dout = rt_.buffer(bytes);
  PooledBuffer pmin = rt_.buffer(groups * 8), pmax = rt_.buffer(groups * 8);
  write(rt_, din, in, bytes);
  set_arg(clamp, 0, din.get());
  set_arg(clamp, 1, dout.get());
  set_arg(clamp, 2, lo);
  set_arg(clamp, 3, hi);
  cl_check(clEnqueueNDRangeKernel(rt_.queue(), clamp, 1, nullptr, &n, nullptr, 0, nullptr, nullptr),
           "clEnqueueNDRangeKernel(va_minmax_clamp)");
  const cl_ulong un = n;
  set_arg(reduce, 0, din.get());
  set_arg(reduce, 1, un);
  set_arg(reduce, 2, pmin.get());
  set_arg(reduce, 3, pmax.get());
  const size_t global = groups * kReduceWg, local = kReduceWg;
  cl_check(
      clEnqueueNDRangeKernel(rt_.queue(), reduce, 1, nullptr, &global, &local, 0, nullptr, nullptr),
      "clEnqueueNDRangeKernel(va_minmax_reduce)");
  std::vector<double> hmin(groups), hmax(groups);
  read(rt_, pmin, hmin.data(), groups * 8);
  read(rt_, pmax, hmax.data(), groups * 8);
  read(rt_, dout, out, bytes);
  double a = hmin[0], b = hmax[0];
  for (size_t i = 1; i < groups; ++i) {
    a = std::fmin(a, hmin[i]);
    b = std::fmax(b, hmax[i]);
  }
  // The cpu plugin scans sequentially with std::min/std::max starting from
  // in[0]: NaNs are skipped, except a NaN in[0], which then sticks. fmin/fmax
  // skip every NaN, so only that first-element case needs fixing up.
  if (std::isnan(in[0])) a = b = in[0];
  *mn = a;
  *mx = b;
}

void ClOps::run_kernel(const Program &program, const std::string &name,
                       std::span<const KernelArg> args, std::array<size_t, 3> global,
                       unsigned dims) {
  if (dims < 1 || dims > 3) throw OclError(EINVAL, "run_kernel: 1 to 3 dimensions");
  for (unsigned d = 0; d < dims; ++d)
    if (global[d] == 0) return;  // an empty range runs nothing
  std::lock_guard g(rt_.lock());
  QueueDrain drain{rt_.queue()};
  cl_program prog =
      program.is_source
          ? rt_.program_from_source(
                {reinterpret_cast<const char *>(program.bytes.data()), program.bytes.size()},
                program.options)
          : rt_.program_from_binary(program.bytes, program.options);
  cl_kernel kern = rt_.kernel(prog, name);
  cl_uint nargs = 0;
  cl_check(clGetKernelInfo(kern, CL_KERNEL_NUM_ARGS, sizeof nargs, &nargs, nullptr),
           "clGetKernelInfo");
  if (nargs != args.size())
    throw OclError(EINVAL, "kernel '" + name + "' takes " + std::to_string(nargs) + " arguments, " +
                               std::to_string(args.size()) + " given");
  std::vector<PooledBuffer> bufs(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const KernelArg &a = args[i];
    const auto idx = static_cast<cl_uint>(i);
    if (a.kind == KernelArg::Kind::Scalar) {
      cl_int err = clSetKernelArg(kern, idx, a.size, a.in);
      if (err != CL_SUCCESS)
        throw OclError(cl_error_to_errno(err),
                       cl_error_message(err, "clSetKernelArg") + ": argument " + std::to_string(i) +
                           " of '" + name + "' (scalar of " + std::to_string(a.size) + " bytes)");
      continue;
    }
    bufs[i] = rt_.buffer(std::max<size_t>(a.size, 1));
    write(rt_, bufs[i], a.in, a.in ? a.size : 0);
    cl_int err = clSetKernelArg(kern, idx, sizeof(cl_mem), bufs[i].ptr());
    if (err != CL_SUCCESS)
      throw OclError(cl_error_to_errno(err), cl_error_message(err, "clSetKernelArg") +
                                                 ": argument " + std::to_string(i) + " of '" +
                                                 name + "' (buffer)");
  }
  cl_check(clEnqueueNDRangeKernel(rt_.queue(), kern, dims, nullptr, global.data(), nullptr, 0,
                                  nullptr, nullptr),
           ("clEnqueueNDRangeKernel(" + name + ")").c_str());
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].kind == KernelArg::Kind::Out) read(rt_, bufs[i], args[i].out, args[i].size);
  cl_check(clFinish(rt_.queue()), "clFinish");
}

}  // namespace vaccel_ocl
