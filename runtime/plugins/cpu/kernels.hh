// SPDX-License-Identifier: Apache-2.0
// CPU reference kernels of the cpu plugin. Semantics are normative for all
// plugins: see runtime/API.md ("Semantics the CPU plugin implements").
#pragma once

#include <cstddef>
#include <cstdint>

namespace vaccel_cpu {

// Row-major C = alpha*A*B + beta*C through the packaged BLAS.
void sgemm(long long m, long long n, long long k, float alpha, const float *a, long long lda,
           const float *b, long long ldb, float beta, float *c, long long ldc);
// out[i] = clamp(in[i], low, high); *mn / *mx over in.
void minmax(const double *in, int n, int low, int high, double *out, double *mn, double *mx);
void arraycopy(const int *a, int *out, size_t n);
void vadd(const float *a, const float *b, float *c, size_t n);
void parallel(const float *a, const float *b, float *add, float *mult, size_t n);
// n x n row-major product, each element accumulated in double.
void mmult(const float *a, const float *b, float *c, size_t n);

}  // namespace vaccel_cpu
