// Device context of the CUDA plugin: selection, stream, cuBLAS, buffer pool
// and pinned staging. See cuda_internal.cuh.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cuda_internal.cuh"

namespace vaccel_cuda {

int cuda_error_to_errno(cudaError_t e) {
  switch (e) {
    case cudaSuccess:
      return 0;
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorInvalidDevice:
    case cudaErrorDevicesUnavailable:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
    case cudaErrorNoKernelImageForDevice:
      return ENODEV;
    case cudaErrorMemoryAllocation:
      return ENOMEM;
    case cudaErrorInvalidValue:
      return EINVAL;
    default:
      return EIO;
  }
}

const char *cublas_status_name(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS:
      return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED:
      return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED:
      return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE:
      return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH:
      return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR:
      return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED:
      return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR:
      return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED:
      return "CUBLAS_STATUS_NOT_SUPPORTED";
    default:
      return "CUBLAS_STATUS_UNKNOWN";
  }
}

int cublas_status_to_errno(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS:
      return 0;
    case CUBLAS_STATUS_NOT_INITIALIZED:
    case CUBLAS_STATUS_ARCH_MISMATCH:
      return ENODEV;
    case CUBLAS_STATUS_ALLOC_FAILED:
      return ENOMEM;
    case CUBLAS_STATUS_INVALID_VALUE:
      return EINVAL;
    case CUBLAS_STATUS_NOT_SUPPORTED:
      return ENOTSUP;
    default:
      return EIO;
  }
}

void cuda_check(cudaError_t e, const char *what) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear the sticky-free error state for the next call
  throw CudaError(cuda_error_to_errno(e), std::string(what) + ": " + cudaGetErrorString(e) + " (" +
                                              cudaGetErrorName(e) + ")");
}

void cublas_check(cublasStatus_t s, const char *what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw CudaError(cublas_status_to_errno(s), std::string(what) + ": " + cublas_status_name(s));
}

std::string cuda_unavailable_reason() {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return std::string("no CUDA device: ") + cudaGetErrorString(e) + " (" + cudaGetErrorName(e) +
           ")";
  }
  if (n == 0) return "no CUDA device: cudaGetDeviceCount returned 0";
  return {};
}

namespace {

int device_from_env() {
  const char *v = std::getenv("VACCEL_CUDA_DEVICE");
  if (!v || !*v) return 0;
  char *end = nullptr;
  long d = std::strtol(v, &end, 10);
  if (*end || d < 0 || d > 1024)
    throw CudaError(EINVAL, std::string("VACCEL_CUDA_DEVICE='") + v + "' is not a device index");
  return static_cast<int>(d);
}

// Pool size class: the next power of two, at least 256 bytes.
std::size_t size_class(std::size_t bytes) {
  std::size_t c = 256;
  while (c < bytes) c <<= 1;
  return c;
}

}  // namespace

CudaOps::Impl::Impl(int device) {
  if (std::string why = cuda_unavailable_reason(); !why.empty()) throw CudaError(ENODEV, why);
  int count = 0;
  cuda_check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
  const int d = device >= 0 ? device : device_from_env();
  if (d >= count)
    throw CudaError(ENODEV, "CUDA device " + std::to_string(d) + " requested, " +
                                std::to_string(count) + " present");
  cuda_check(cudaSetDevice(d), "cudaSetDevice");
  cudaDeviceProp p{};
  cuda_check(cudaGetDeviceProperties(&p, d), "cudaGetDeviceProperties");
  info = {d, p.name, p.major, p.minor, p.totalGlobalMem};
  try {
    cuda_check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
    cublas_check(cublasCreate(&blas), "cublasCreate");
    cublas_check(cublasSetStream(blas, stream), "cublasSetStream");
    // Keep results reproducible and within the cpu plugin's tolerance: no
    // TF32 tensor-core math for SGEMM.
    cublas_check(cublasSetMathMode(blas, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    for (int i = 0; i < 2; ++i) {
      cuda_check(cudaHostAlloc(&staging[i], kStagingChunk, cudaHostAllocDefault), "cudaHostAlloc");
      cuda_check(cudaEventCreateWithFlags(&staged[i], cudaEventDisableTiming), "cudaEventCreate");
    }
  } catch (...) {
    release();  // members are destroyed by the language; handles are ours
    throw;
  }
}

CudaOps::Impl::~Impl() { release(); }

void CudaOps::Impl::release() {
  if (stream) cudaStreamSynchronize(stream);
  for (auto &[c, p] : free_bufs) cudaFree(p);
  free_bufs.clear();
  for (int i = 0; i < 2; ++i) {
    if (staged[i]) cudaEventDestroy(staged[i]);
    if (staging[i]) cudaFreeHost(staging[i]);
    staged[i] = nullptr;
    staging[i] = nullptr;
  }
  if (blas) cublasDestroy(blas);
  if (stream) cudaStreamDestroy(stream);
  blas = nullptr;
  stream = nullptr;
}

DeviceBuffer::~DeviceBuffer() {
  if (p_) owner_->give_back(p_, cap_);
}

DeviceBuffer CudaOps::Impl::alloc(std::size_t bytes) {
  const std::size_t cls = size_class(bytes);
  if (auto it = free_bufs.find(cls); it != free_bufs.end()) {
    void *p = it->second;
    free_bufs.erase(it);
    free_bytes -= cls;
    ++stats.pool_hits;
    return DeviceBuffer(this, p, cls);
  }
  void *p = nullptr;
  cuda_check(cudaMalloc(&p, cls), "cudaMalloc");
  ++stats.device_allocs;
  return DeviceBuffer(this, p, cls);
}

// Called with `mu` held (buffers live inside one operation).
void CudaOps::Impl::give_back(void *p, std::size_t cap) {
  if (free_bytes + cap > kMaxPooledBytes) {
    cudaStreamSynchronize(stream);  // the stream may still use it
    cudaFree(p);
    return;
  }
  free_bufs.emplace(cap, p);
  free_bytes += cap;
}

void CudaOps::Impl::upload(void *dev, const void *host, std::size_t bytes) {
  if (bytes == 0) return;
  if (bytes < kStagingThreshold) {
    cuda_check(cudaMemcpyAsync(dev, host, bytes, cudaMemcpyHostToDevice, stream),
               "cudaMemcpyAsync(H2D)");
    sync();  // pageable source: keep the "host buffer reusable on return" contract simple
    return;
  }
  ++stats.staged_transfers;
  auto *d = static_cast<char *>(dev);
  auto *h = static_cast<const char *>(host);
  for (std::size_t off = 0, i = 0; off < bytes; off += kStagingChunk, ++i) {
    const std::size_t len = std::min(kStagingChunk, bytes - off);
    const int s = static_cast<int>(i % 2);
    cuda_check(cudaEventSynchronize(staged[s]),
               "cudaEventSynchronize");  // its previous DMA finished
    std::memcpy(staging[s], h + off, len);
    cuda_check(cudaMemcpyAsync(d + off, staging[s], len, cudaMemcpyHostToDevice, stream),
               "cudaMemcpyAsync(H2D staged)");
    cuda_check(cudaEventRecord(staged[s], stream), "cudaEventRecord");
  }
  sync();
}

void CudaOps::Impl::download(void *host, const void *dev, std::size_t bytes) {
  if (bytes == 0) return;
  if (bytes < kStagingThreshold) {
    cuda_check(cudaMemcpyAsync(host, dev, bytes, cudaMemcpyDeviceToHost, stream),
               "cudaMemcpyAsync(D2H)");
    sync();
    return;
  }
  ++stats.staged_transfers;
  auto *h = static_cast<char *>(host);
  auto *d = static_cast<const char *>(dev);
  const std::size_t chunks = (bytes + kStagingChunk - 1) / kStagingChunk;
  auto chunk_len = [&](std::size_t i) {
    return std::min(kStagingChunk, bytes - i * kStagingChunk);
  };
  for (std::size_t i = 0; i < chunks; ++i) {
    const int s = static_cast<int>(i % 2);
    cuda_check(cudaMemcpyAsync(staging[s], d + i * kStagingChunk, chunk_len(i),
                               cudaMemcpyDeviceToHost, stream),
               "cudaMemcpyAsync(D2H staged)");
    cuda_check(cudaEventRecord(staged[s], stream), "cudaEventRecord");
    if (i > 0) {  // while chunk i streams in, copy chunk i-1 out
      const int p = 1 - s;
      cuda_check(cudaEventSynchronize(staged[p]), "cudaEventSynchronize");
      std::memcpy(h + (i - 1) * kStagingChunk, staging[p], chunk_len(i - 1));
    }
  }
  const int last = static_cast<int>((chunks - 1) % 2);
  cuda_check(cudaEventSynchronize(staged[last]), "cudaEventSynchronize");
  std::memcpy(h + (chunks - 1) * kStagingChunk, staging[last], chunk_len(chunks - 1));
}

}  // namespace vaccel_cuda
