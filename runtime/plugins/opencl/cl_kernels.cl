// Built-in kernels of the vAccel OpenCL plugin (OpenCL C 1.2).
// Embedded into the plugin at build time; the same text is what an FPGA flow
// compiles offline (see tools/compile) into the binary given to the plugin.
// All matrices are row-major, as in the vAccel API.

#ifndef TILE
#define TILE 16
#endif

#ifdef VA_HAVE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

// C = alpha * A(m x k) * B(k x n) + beta * C(m x n), leading dimensions lda,
// ldb, ldc in elements, accumulating in ACC. Launched on a
// (ceil(n/TILE)*TILE, ceil(m/TILE)*TILE) grid with TILE x TILE work-groups;
// each work-group stages one TILE x TILE block of A and of B in local memory
// per step along k. Out-of-range elements load as 0 so any m, n, k works.
// beta == 0 never reads C (BLAS convention: C may hold NaNs).
#define VA_GEMM_KERNEL(NAME, ACC)                                                                   \
  __kernel __attribute__((reqd_work_group_size(TILE, TILE, 1))) void NAME(                          \
      int m, int n, int k, float alpha, __global const float *A, int lda, __global const float *B, \
      int ldb, float beta, __global float *C, int ldc) {                                            \
    __local float As[TILE][TILE];                                                                   \
    __local float Bs[TILE][TILE + 1]; /* +1: no bank conflicts on GPUs */                          \
    const int tx = get_local_id(0), ty = get_local_id(1);                                           \
    const int col = get_group_id(0) * TILE + tx;                                                    \
    const int row = get_group_id(1) * TILE + ty;                                                    \
    ACC acc = 0;                                                                                    \
    for (int t = 0; t < k; t += TILE) {                                                             \
      const int ka = t + tx, kb = t + ty;                                                           \
      As[ty][tx] = (row < m && ka < k) ? A[(size_t)row * lda + ka] : 0.0f;                          \
      Bs[ty][tx] = (kb < k && col < n) ? B[(size_t)kb * ldb + col] : 0.0f;                          \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                 \
      for (int i = 0; i < TILE; ++i) acc += (ACC)As[ty][i] * (ACC)Bs[i][tx];                        \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                 \
    }                                                                                               \
    if (row < m && col < n) {                                                                       \
      __global float *c = C + (size_t)row * ldc + col;                                              \
      *c = (beta == 0.0f) ? alpha * (float)acc : alpha * (float)acc + beta * *c;                    \
    }                                                                                               \
  }

// SGEMM: single-precision accumulation, as BLAS does.
VA_GEMM_KERNEL(va_sgemm, float)

// fpga_mmult: API.md has the CPU plugin accumulate in double and round once;
// matching that keeps large n inside the stated tolerance. Devices without
// fp64 fall back to va_sgemm (host side).
#ifdef VA_HAVE_FP64
VA_GEMM_KERNEL(va_mmult, double)
#endif

// ---- the four "FPGA" example operations (semantics: runtime/API.md) -------
// Launched with global size = element count and no local size.

__kernel void va_arraycopy(__global const int *a, __global int *out) {
  const size_t i = get_global_id(0);
  out[i] = a[i];
}

__kernel void va_vadd(__global const float *a, __global const float *b, __global float *c) {
  const size_t i = get_global_id(0);
  c[i] = a[i] + b[i];
}

__kernel void va_parallel(__global const float *a, __global const float *b, __global float *add_out,
                          __global float *mult_out) {
  const size_t i = get_global_id(0);
  add_out[i] = a[i] + b[i];
  mult_out[i] = a[i] * b[i];
}

// ---- minmax (double precision; needs cl_khr_fp64) ---------------------------
#ifdef VA_HAVE_FP64
#ifndef RED_WG
#define RED_WG 64
#endif

// out[i] = in[i] clamped to [lo, hi].
__kernel void va_minmax_clamp(__global const double *in, __global double *out, double lo, double hi) {
  const size_t i = get_global_id(0);
  const double x = in[i];
  out[i] = x < lo ? lo : (x > hi ? hi : x);
}

// Partial min/max: work-group g reduces elements g*RED_WG + j*stride (grid
// stride) into part_min[g], part_max[g]; the host reduces the partials.
// fmin/fmax ignore NaN operands, so a NaN never hides a number.
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void va_minmax_reduce(__global const double *in, ulong n, __global double *part_min, __global double *part_max) {
  __local double lmin[RED_WG];
  __local double lmax[RED_WG];
  const size_t lid = get_local_id(0);
  const size_t stride = get_global_size(0);
  double mn = INFINITY, mx = -INFINITY;
  for (size_t i = get_global_id(0); i < n; i += stride) {
    mn = fmin(mn, in[i]);
    mx = fmax(mx, in[i]);
  }
  lmin[lid] = mn;
  lmax[lid] = mx;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (size_t s = RED_WG / 2; s > 0; s >>= 1) {
    if (lid < s) {
      lmin[lid] = fmin(lmin[lid], lmin[lid + s]);
      lmax[lid] = fmax(lmax[lid], lmax[lid + s]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) {
    part_min[get_group_id(0)] = lmin[0];
    part_max[get_group_id(0)] = lmax[0];
  }
}
#endif
