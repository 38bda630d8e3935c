// Internal to the CUDA plugin core: the device context (CudaOps::Impl), error
// mapping, the device-buffer pool and pinned staging. Compiled by nvcc only.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <map>
#include <mutex>

#include "cuda_ops.hh"

namespace vaccel_cuda {

// vAccel code (errno value) of a CUDA runtime error:
//   no device / insufficient driver / device unavailable -> ENODEV
//   allocation failure -> ENOMEM; invalid value -> EINVAL; others -> EIO.
int cuda_error_to_errno(cudaError_t e);
int cublas_status_to_errno(cublasStatus_t s);
const char *cublas_status_name(cublasStatus_t s);

// Throw CudaError naming `what` and the error ("cudaMalloc: out of memory
// (cudaErrorMemoryAllocation)").
void cuda_check(cudaError_t e, const char *what);
void cublas_check(cublasStatus_t s, const char *what);

// A device allocation borrowed from the pool (returned when destroyed).
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(CudaOps::Impl *owner, void *p, std::size_t cap) : owner_(owner), p_(p), cap_(cap) {}
  DeviceBuffer(DeviceBuffer &&o) noexcept : owner_(o.owner_), p_(o.p_), cap_(o.cap_) {
    o.p_ = nullptr;
  }
  DeviceBuffer &operator=(DeviceBuffer &&) = delete;
  ~DeviceBuffer();
  template <typename T>
  T *as() const {
    return static_cast<T *>(p_);
  }

 private:
  CudaOps::Impl *owner_ = nullptr;
  void *p_ = nullptr;
  std::size_t cap_ = 0;
};

struct CudaOps::Impl {
  DeviceInfo info;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  void *staging[2] = {nullptr, nullptr};  // pinned host memory, kStagingChunk each
  cudaEvent_t staged[2] = {nullptr, nullptr};
  std::mutex mu;  // one operation at a time on the stream
  std::multimap<std::size_t, void *> free_bufs;
  std::size_t free_bytes = 0;
  CudaStats stats;

  static constexpr std::size_t kMaxPooledBytes = std::size_t{512} << 20;

  explicit Impl(int device);
  ~Impl();
  void release();  // frees every CUDA handle; idempotent

  DeviceBuffer alloc(std::size_t bytes);
  void give_back(void *p, std::size_t cap);
  // Host <-> device copies on the stream; synchronous with respect to the
  // host buffer (it may be reused when they return).
  void upload(void *dev, const void *host, std::size_t bytes);
  void download(void *host, const void *dev, std::size_t bytes);
  void sync() { cuda_check(cudaStreamSynchronize(stream), "cudaStreamSynchronize"); }
};

// Kernel launchers (cuda_kernels.cu), all on `s`.
void launch_arraycopy(const int *a, int *out, std::size_t n, cudaStream_t s);
void launch_vadd(const float *a, const float *b, float *c, std::size_t n, cudaStream_t s);
void launch_parallel(const float *a, const float *b, float *add, float *mult, std::size_t n,
                     cudaStream_t s);
void launch_mmult(const float *a, const float *b, float *c, int n, cudaStream_t s);
void launch_clamp(const double *in, double *out, std::size_t n, double lo, double hi,
                  cudaStream_t s);
// Writes `groups` partial minima/maxima; returns the group count used.
unsigned launch_minmax_partials(const double *in, std::size_t n, double *pmin, double *pmax,
                                cudaStream_t s);
constexpr unsigned kMaxReduceGroups = 1024;

}  // namespace vaccel_cuda
