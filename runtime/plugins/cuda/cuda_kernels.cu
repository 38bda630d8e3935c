// CUDA kernels of the plugin: the "FPGA" example ops, mmult and minmax.
// Element-wise results must equal the cpu plugin bit for bit, so additions
// and products use the explicitly rounded intrinsics (__fadd_rn, __fmul_rn),
// which nvcc never contracts into FMAs.
#include <math_constants.h>

#include <algorithm>

#include "cuda_internal.cuh"

namespace vaccel_cuda {
namespace {

constexpr unsigned kBlock = 256;
constexpr int kTile = 16;
constexpr unsigned kReduceBlock = 256;

unsigned blocks_for(std::size_t n) {
  // Grid-stride loops: a bounded grid covers any n.
  return static_cast<unsigned>(std::min<std::size_t>((n + kBlock - 1) / kBlock, 65535u * 8));
}

__global__ void k_arraycopy(const int *a, int *out, std::size_t n) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < n;
       i += std::size_t{gridDim.x} * blockDim.x)
    out[i] = a[i];
}

__global__ void k_vadd(const float *a, const float *b, float *c, std::size_t n) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < n;
       i += std::size_t{gridDim.x} * blockDim.x)
    c[i] = __fadd_rn(a[i], b[i]);
}

__global__ void k_parallel(const float *a, const float *b, float *add, float *mult, std::size_t n) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < n;
       i += std::size_t{gridDim.x} * blockDim.x) {
    add[i] = __fadd_rn(a[i], b[i]);
    mult[i] = __fmul_rn(a[i], b[i]);
  }
}

// c = a * b (n x n, row-major), each element accumulated in double over
// tiles staged in shared memory and rounded once, as the cpu plugin does.
__global__ void k_mmult(const float *a, const float *b, float *c, int n) {
  __shared__ float as[kTile][kTile];
  __shared__ float bs[kTile][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.y * kTile + ty, col = blockIdx.x * kTile + tx;
  double acc = 0.0;
  for (int t = 0; t < n; t += kTile) {
    as[ty][tx] = (row < n && t + tx < n) ? a[std::size_t(row) * n + t + tx] : 0.0f;
    bs[ty][tx] = (t + ty < n && col < n) ? b[std::size_t(t + ty) * n + col] : 0.0f;
    __syncthreads();
    for (int p = 0; p < kTile; ++p) acc += double(as[ty][p]) * double(bs[p][tx]);
    __syncthreads();
  }
  if (row < n && col < n) c[std::size_t(row) * n + col] = static_cast<float>(acc);
}

// out[i] = min(max(in[i], lo), hi), written so that a NaN input stays NaN
// (as std::min(std::max(x, lo), hi) does on the host).
__global__ void k_clamp(const double *in, double *out, std::size_t n, double lo, double hi) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < n;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const double x = in[i];
    out[i] = x < lo ? lo : (x > hi ? hi : x);
  }
}

// Per-block min/max over a grid-stride slice, tree-reduced in shared memory.
__global__ void k_minmax(const double *in, std::size_t n, double *pmin, double *pmax) {
  __shared__ double smin[kReduceBlock];
  __shared__ double smax[kReduceBlock];
  double mn = CUDART_INF, mx = -CUDART_INF;
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < n;
       i += std::size_t{gridDim.x} * blockDim.x) {
    mn = fmin(mn, in[i]);
    mx = fmax(mx, in[i]);
  }
  smin[threadIdx.x] = mn;
  smax[threadIdx.x] = mx;
  __syncthreads();
  for (unsigned s = kReduceBlock / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      smin[threadIdx.x] = fmin(smin[threadIdx.x], smin[threadIdx.x + s]);
      smax[threadIdx.x] = fmax(smax[threadIdx.x], smax[threadIdx.x + s]);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    pmin[blockIdx.x] = smin[0];
    pmax[blockIdx.x] = smax[0];
  }
}

void check_launch(const char *what) { cuda_check(cudaGetLastError(), what); }

}  // namespace

void launch_arraycopy(const int *a, int *out, std::size_t n, cudaStream_t s) {
  k_arraycopy<<<blocks_for(n), kBlock, 0, s>>>(a, out, n);
  check_launch("k_arraycopy launch");
}

void launch_vadd(const float *a, const float *b, float *c, std::size_t n, cudaStream_t s) {
  k_vadd<<<blocks_for(n), kBlock, 0, s>>>(a, b, c, n);
  check_launch("k_vadd launch");
}

void launch_parallel(const float *a, const float *b, float *add, float *mult, std::size_t n,
                     cudaStream_t s) {
  k_parallel<<<blocks_for(n), kBlock, 0, s>>>(a, b, add, mult, n);
  check_launch("k_parallel launch");
}

void launch_mmult(const float *a, const float *b, float *c, int n, cudaStream_t s) {
  const unsigned g = static_cast<unsigned>((n + kTile - 1) / kTile);
  k_mmult<<<dim3(g, g), dim3(kTile, kTile), 0, s>>>(a, b, c, n);
  check_launch("k_mmult launch");
}

void launch_clamp(const double *in, double *out, std::size_t n, double lo, double hi,
                  cudaStream_t s) {
  k_clamp<<<blocks_for(n), kBlock, 0, s>>>(in, out, n, lo, hi);
  check_launch("k_clamp launch");
}

unsigned launch_minmax_partials(const double *in, std::size_t n, double *pmin, double *pmax,
                                cudaStream_t s) {
  const unsigned groups = static_cast<unsigned>(
      std::min<std::size_t>(kMaxReduceGroups, (n + kReduceBlock - 1) / kReduceBlock));
  k_minmax<<<groups, kReduceBlock, 0, s>>>(in, n, pmin, pmax);
  check_launch("k_minmax launch");
  return groups;
}

}  // namespace vaccel_cuda
