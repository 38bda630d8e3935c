// Naive reference implementations of the plugin operations (runtime/API.md
// semantics) and the tolerances the plugin tests use. Deliberately simple:
// plain loops, double accumulation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ref {

// C = alpha*A*B + beta*C, row-major; returns, per element of C, the error
// bound API.md allows: 1e-4 * (|alpha| * sum_p |a*b| + |beta * c0|) + 1e-30.
inline std::vector<double> sgemm(std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
                                 const float *a, std::int64_t lda, const float *b, std::int64_t ldb,
                                 float beta, float *c, std::int64_t ldc) {
  std::vector<double> bound(static_cast<size_t>(m * n));
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double acc = 0, mag = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        const double t = double(a[i * lda + p]) * double(b[p * ldb + j]);
        acc += t;
        mag += std::fabs(t);
      }
      float &cij = c[i * ldc + j];
      const double c0 = beta == 0.0f ? 0.0 : double(beta) * double(cij);
      bound[static_cast<size_t>(i * n + j)] =
          1e-4 * (std::fabs(alpha) * mag + std::fabs(c0)) + 1e-30;
      cij = static_cast<float>(double(alpha) * acc + c0);
    }
  return bound;
}

// fpga_mmult: n x n, double accumulation rounded once (the CPU plugin's way);
// bound per API.md: 1e-5 * sum_p |a*b| + 1e-30.
inline std::vector<double> mmult(const float *a, const float *b, float *c, size_t n) {
  std::vector<double> bound(n * n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double acc = 0, mag = 0;
      for (size_t p = 0; p < n; ++p) {
        const double t = double(a[i * n + p]) * double(b[p * n + j]);
        acc += t;
        mag += std::fabs(t);
      }
      c[i * n + j] = static_cast<float>(acc);
      bound[i * n + j] = 1e-5 * mag + 1e-30;
    }
  return bound;
}

inline void minmax(const double *in, size_t n, int lo, int hi, double *out, double *mn,
                   double *mx) {
  *mn = in[0];
  *mx = in[0];
  for (size_t i = 0; i < n; ++i) {
    out[i] = std::min(std::max(in[i], double(lo)), double(hi));
    *mn = std::min(*mn, in[i]);
    *mx = std::max(*mx, in[i]);
  }
}

template <typename T>
std::vector<T> random_vec(size_t n, std::uint32_t seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<T> v(n);
  for (auto &x : v) x = static_cast<T>(d(gen));
  return v;
}

inline std::vector<int> random_ints(size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<int> v(n);
  for (auto &x : v) x = static_cast<int>(gen());
  return v;
}

struct GemmShape {
  std::int64_t m, n, k;
  std::int64_t lda_pad = 0, ldb_pad = 0, ldc_pad = 0;  // leading dimension = cols + pad
  float alpha = 1.0f, beta = 0.0f;
};

// Shapes used by every plugin's SGEMM test: tile multiples and not, thin and
// wide, padded leading dimensions, several alpha/beta, and zero sizes.
inline std::vector<GemmShape> gemm_shapes() {
  return {
      {1, 1, 1},
      {2, 3, 4},
      {16, 16, 16},
      {17, 17, 17},
      {15, 33, 7},
      {31, 1, 64},
      {1, 127, 5},
      {64, 64, 64},
      {65, 63, 129},
      {100, 37, 250},
      {128, 96, 160},
      {3, 200, 1},
      {33, 45, 19, 3, 5, 7},
      {20, 20, 20, 0, 0, 11, 0.5f, 2.0f},
      {40, 24, 8, 0, 0, 0, -1.5f, 0.25f},
      {24, 40, 64, 1, 1, 1, 2.0f, -1.0f},
      {0, 5, 5},
      {5, 0, 5},
      {5, 5, 0},
      {5, 5, 0, 0, 0, 0, 1.0f, 3.0f},
      {0, 0, 0},
  };
}

inline std::string to_string(const GemmShape &s) {
  return "m=" + std::to_string(s.m) + " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k) +
         " pads=" + std::to_string(s.lda_pad) + "," + std::to_string(s.ldb_pad) + "," +
         std::to_string(s.ldc_pad) + " alpha=" + std::to_string(s.alpha) +
         " beta=" + std::to_string(s.beta);
}

// Lengths for the element-wise ops: zero, tiny, odd, and a few thousand.
inline std::vector<size_t> vector_lengths() { return {0, 1, 2, 7, 64, 1000, 4097, 65536 + 3}; }

}  // namespace ref
