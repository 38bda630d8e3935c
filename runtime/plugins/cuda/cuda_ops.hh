// The operations of the CUDA plugin, on plain host pointers (no vAccel and
// no CUDA types here, so C++ code and tests include it without nvcc).
// Semantics follow runtime/API.md, as the cpu plugin implements them:
//   sgemm      row-major C = alpha*A*B + beta*C through cuBLAS
//   minmax     clamp kernel + min/max reduction kernel (double)
//   arraycopy, vadd, parallel   element-wise kernels (no FMA contraction)
//   mmult      tiled kernel accumulating in double, rounded once (as the cpu
//              plugin does)
// Every method throws CudaError (vAccel code + message naming the CUDA or
// cuBLAS error) and leaves outputs untouched when it rejects arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace vaccel_cuda {

class CudaError : public std::runtime_error {
 public:
  CudaError(int code, const std::string &msg) : std::runtime_error(msg), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

struct DeviceInfo {
  int index = -1;
  std::string name;
  int cc_major = 0, cc_minor = 0;
  std::size_t total_mem = 0;
};

// Empty when at least one CUDA device is usable; otherwise why not, e.g.
// "no CUDA device: CUDA driver version is insufficient for CUDA runtime
// version (cudaErrorInsufficientDriver)".
std::string cuda_unavailable_reason();

struct CudaStats {
  unsigned device_allocs = 0;     // cudaMalloc calls
  unsigned pool_hits = 0;         // device buffers reused
  unsigned staged_transfers = 0;  // copies that went through pinned staging
};

class CudaOps {
 public:
  // Opens device `device`, or the one named by VACCEL_CUDA_DEVICE (default
  // 0) when device < 0; creates a non-blocking stream, a cuBLAS handle bound
  // to it and the pinned staging buffers. Throws CudaError(ENODEV) with the
  // CUDA error string when there is no usable device or driver.
  explicit CudaOps(int device = -1);
  ~CudaOps();
  CudaOps(const CudaOps &) = delete;
  CudaOps &operator=(const CudaOps &) = delete;

  const DeviceInfo &device() const;
  CudaStats stats() const;

  void sgemm(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float *a,
             std::int64_t lda, const float *b, std::int64_t ldb, float beta, float *c,
             std::int64_t ldc);
  void minmax(const double *in, std::size_t n, double lo, double hi, double *out, double *mn,
              double *mx);
  void arraycopy(const int *a, int *out, std::size_t n);
  void mmult(const float *a, const float *b, float *c, std::size_t len);
  void parallel(const float *a, const float *b, float *add_out, float *mult_out, std::size_t n);
  void vadd(const float *a, const float *b, float *c, std::size_t len_a, std::size_t len_b);

  // Transfers at or above this size go through pinned staging buffers
  // (double-buffered, so the host copy of one chunk overlaps the DMA of the
  // previous one); smaller ones are copied straight from pageable memory.
  static constexpr std::size_t kStagingThreshold = std::size_t{1} << 20;
  static constexpr std::size_t kStagingChunk = std::size_t{8} << 20;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaccel_cuda
