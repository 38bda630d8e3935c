// CudaOps: argument checks, transfers and the cuBLAS / kernel calls.
#include <cerrno>
#include <cmath>
#include <limits>
#include <vector>

#include "cuda_internal.cuh"

namespace vaccel_cuda {
namespace {

std::size_t bytes_of(std::size_t count, std::size_t elem, const char *what) {
  if (count > std::numeric_limits<std::size_t>::max() / elem)
    throw CudaError(EINVAL, std::string(what) + ": size overflows");
  return count * elem;
}

std::size_t matrix_elems(std::int64_t rows, std::int64_t cols, std::int64_t ld) {
  if (rows == 0 || cols == 0) return 0;
  return static_cast<std::size_t>(rows - 1) * static_cast<std::size_t>(ld) +
         static_cast<std::size_t>(cols);
}

}  // namespace

CudaOps::CudaOps(int device) : impl_(std::make_unique<Impl>(device)) {}
CudaOps::~CudaOps() = default;

const DeviceInfo &CudaOps::device() const { return impl_->info; }

CudaStats CudaOps::stats() const {
  std::lock_guard g(impl_->mu);
  return impl_->stats;
}

void CudaOps::sgemm(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float *a,
                    std::int64_t lda, const float *b, std::int64_t ldb, float beta, float *c,
                    std::int64_t ldc) {
  if (m < 0 || n < 0 || k < 0) throw CudaError(EINVAL, "sgemm: negative dimension");
  if (lda < std::max<std::int64_t>(1, k) || ldb < std::max<std::int64_t>(1, n) ||
      ldc < std::max<std::int64_t>(1, n))
    throw CudaError(EINVAL, "sgemm: leading dimension smaller than the row length");
  constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
  if (m > kIntMax || n > kIntMax || k > kIntMax || lda > kIntMax || ldb > kIntMax || ldc > kIntMax)
    throw CudaError(ENOTSUP, "sgemm: dimensions beyond 2^31-1 are not supported by this plugin");
  if (m == 0 || n == 0) return;
  if ((k > 0 && (!a || !b)) || !c) throw CudaError(EINVAL, "sgemm: NULL matrix");

  const std::size_t ba = bytes_of(matrix_elems(m, k, lda), 4, "sgemm A");
  const std::size_t bb = bytes_of(matrix_elems(k, n, ldb), 4, "sgemm B");
  const std::size_t bc = bytes_of(matrix_elems(m, n, ldc), 4, "sgemm C");
  Impl &I = *impl_;
  std::lock_guard g(I.mu);
  DeviceBuffer da = I.alloc(std::max<std::size_t>(ba, 4)),
               db = I.alloc(std::max<std::size_t>(bb, 4)), dc = I.alloc(bc);
  I.upload(da.as<void>(), a, ba);
  I.upload(db.as<void>(), b, bb);
  // C moves row by row when ldc > n so that elements outside the m x n
  // window are never written (API.md); pitched copies skip the gaps.
  const std::size_t row = static_cast<std::size_t>(n) * 4,
                    pitch = static_cast<std::size_t>(ldc) * 4;
  if (beta != 0.0f) {
    if (ldc == n)
      I.upload(dc.as<void>(), c, bc);
    else {
      cuda_check(cudaMemcpy2DAsync(dc.as<void>(), pitch, c, pitch, row, static_cast<std::size_t>(m),
                                   cudaMemcpyHostToDevice, I.stream),
                 "cudaMemcpy2DAsync(H2D)");
      I.sync();
    }
  }
  // Row-major C = A*B is column-major C^T = B^T * A^T: swap operands and
  // dimensions, no transposes. beta == 0 makes cuBLAS ignore C's contents.
  cublas_check(cublasSgemm(I.blas, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(n),
                           static_cast<int>(m), static_cast<int>(k), &alpha, db.as<float>(),
                           static_cast<int>(ldb), da.as<float>(), static_cast<int>(lda), &beta,
                           dc.as<float>(), static_cast<int>(ldc)),
               "cublasSgemm");
  if (ldc == n)
    I.download(c, dc.as<void>(), bc);
  else {
    cuda_check(cudaMemcpy2DAsync(c, pitch, dc.as<void>(), pitch, row, static_cast<std::size_t>(m),
                                 cudaMemcpyDeviceToHost, I.stream),
               "cudaMemcpy2DAsync(D2H)");
    I.sync();
  }
}

void CudaOps::mmult(const float *a, const float *b, float *c, std::size_t len) {
  const auto n = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(len))));
  if (n * n != len)
    throw CudaError(EINVAL, "mmult: len_a=" + std::to_string(len) + " is not a perfect square");
  if (n == 0) return;
  if (n > 46340) throw CudaError(ENOTSUP, "mmult: n too large for this plugin");
  if (!a || !b || !c) throw CudaError(EINVAL, "mmult: NULL matrix");
  const std::size_t bytes = bytes_of(len, 4, "mmult");
  Impl &I = *impl_;
  std::lock_guard g(I.mu);
  DeviceBuffer da = I.alloc(bytes), db = I.alloc(bytes), dc = I.alloc(bytes);
  I.upload(da.as<void>(), a, bytes);
  I.upload(db.as<void>(), b, bytes);
  launch_mmult(da.as<float>(), db.as<float>(), dc.as<float>(), static_cast<int>(n), I.stream);
  I.download(c, dc.as<void>(), bytes);
}

void CudaOps::arraycopy(const int *a, int *out, std::size_t n) {
  if (n == 0) return;
  if (!a || !out) throw CudaError(EINVAL, "arraycopy: NULL array");
  const std::size_t bytes = bytes_of(n, sizeof(int), "arraycopy");
  Impl &I = *impl_;
  std::lock_guard g(I.mu);
  DeviceBuffer da = I.alloc(bytes), dout = I.alloc(bytes);
  I.upload(da.as<void>(), a, bytes);
  launch_arraycopy(da.as<int>(), dout.as<int>(), n, I.stream);
  I.download(out, dout.as<void>(), bytes);
}

void CudaOps::vadd(const float *a, const float *b, float *c, std::size_t len_a, std::size_t len_b) {
  if (len_a != len_b)
    throw CudaError(EINVAL, "vadd: len_a (" + std::to_string(len_a) + ") != len_b (" +
                                std::to_string(len_b) + ")");
  if (len_a == 0) return;
  if (!a || !b || !c) throw CudaError(EINVAL, "vadd: NULL array");
  const std::size_t bytes = bytes_of(len_a, 4, "vadd");
  Impl &I = *impl_;
  std::lock_guard g(I.mu);
  DeviceBuffer da = I.alloc(bytes), db = I.alloc(bytes), dc = I.alloc(bytes);
  I.upload(da.as<void>(), a, bytes);
  I.upload(db.as<void>(), b, bytes);
  launch_vadd(da.as<float>(), db.as<float>(), dc.as<float>(), len_a, I.stream);
  I.download(c, dc.as<void>(), bytes);
}

void CudaOps::parallel(const float *a, const float *b, float *add_out, float *mult_out,
                       std::size_t n) {
  if (n == 0) return;
  if (!a || !b || !add_out || !mult_out) throw CudaError(EINVAL, "parallel: NULL array");
  const std::size_t bytes = bytes_of(n, 4, "parallel");
  Impl &I = *impl_;
  std::lock_guard g(I.mu);
  DeviceBuffer da = I.alloc(bytes), db = I.alloc(bytes), dadd = I.alloc(bytes),
               dmul = I.alloc(bytes);
  I.upload(da.as<void>(), a, bytes);
  I.upload(db.as<void>(), b, bytes);
  launch_parallel(da.as<float>(), db.as<float>(), dadd.as<float>(), dmul.as<float>(), n, I.stream);
  I.download(add_out, dadd.as<void>(), bytes);
  I.download(mult_out, dmul.as<void>(), bytes);
}

void CudaOps::minmax(const double *in, std::size_t n, double lo, double hi, double *out, double *mn,
                     double *mx) {
  if (n == 0) throw CudaError(EINVAL, "minmax: ndata must be >= 1");
  if (!(lo <= hi)) throw CudaError(EINVAL, "minmax: low threshold above high threshold");
  if (!in || !out || !mn || !mx) throw CudaError(EINVAL, "minmax: NULL pointer");
  const std::size_t bytes = bytes_of(n, 8, "minmax");
  Impl &I = *impl_;
  std::lock_guard g(I.mu);
  DeviceBuffer din = I.alloc(bytes), dout = I.alloc(bytes);
  DeviceBuffer pmin = I.alloc(kMaxReduceGroups * 8), pmax = I.alloc(kMaxReduceGroups * 8);
  I.upload(din.as<void>(), in, bytes);
  launch_clamp(din.as<double>(), dout.as<double>(), n, lo, hi, I.stream);
  const unsigned groups =
      launch_minmax_partials(din.as<double>(), n, pmin.as<double>(), pmax.as<double>(), I.stream);
  std::vector<double> hmin(groups), hmax(groups);
  I.download(hmin.data(), pmin.as<void>(), groups * 8);
  I.download(hmax.data(), pmax.as<void>(), groups * 8);
  I.download(out, dout.as<void>(), bytes);
  double a = hmin[0], b = hmax[0];
  for (unsigned i = 1; i < groups; ++i) {
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

}  // namespace vaccel_cuda
