// SPDX-License-Identifier: Apache-2.0
// sgemm through the cpu plugin against a naive double-precision reference,
// over many shapes, leading dimensions and alpha/beta values.
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "helpers.hh"

namespace {

void reference(long long m, long long n, long long k, float alpha, const std::vector<float> &a,
               long long lda, const std::vector<float> &b, long long ldb, float beta,
               std::vector<double> &c, long long ldc, std::vector<double> &mag) {
  for (long long i = 0; i < m; ++i)
    for (long long j = 0; j < n; ++j) {
      double acc = 0, abs_acc = 0;
      for (long long p = 0; p < k; ++p) {
        double t = double(a[i * lda + p]) * b[p * ldb + j];
        acc += t;
        abs_acc += std::fabs(t);
      }
      double c0 = c[i * ldc + j];
      c[i * ldc + j] = alpha * acc + beta * c0;
      mag[i * ldc + j] = std::fabs(alpha) * abs_acc + std::fabs(beta * c0);
    }
}

using Shape = std::tuple<int, int, int, int>;  // m, n, k, ld padding

class Sgemm : public ::testing::TestWithParam<Shape> {
 protected:
  void SetUp() override { ASSERT_EQ(boot(RT_CPU), VACCEL_OK); }
  void TearDown() override { EXPECT_EQ(vaccel_cleanup(), VACCEL_OK); }
};

}  // namespace

TEST_P(Sgemm, MatchesNaiveReference) {
  auto [m, n, k, pad] = GetParam();
  const long long lda = std::max(1, k) + pad, ldb = std::max(1, n) + pad,
                  ldc = std::max(1, n) + pad;
  std::mt19937 rng(static_cast<unsigned>(m * 131 + n * 17 + k * 7 + pad));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> a(size_t(std::max(1, m) * lda)), b(size_t(std::max(1, k) * ldb)),
      c(size_t(std::max(1, m) * ldc));
  for (auto *v : {&a, &b, &c})
    for (float &x : *v) x = dist(rng);
  for (float alpha : {1.0f, -0.5f})
    for (float beta : {0.0f, 2.0f}) {
      std::vector<float> cc = c;
      std::vector<double> ref(cc.begin(), cc.end()), mag(cc.size());
      reference(m, n, k, alpha, a, lda, b, ldb, beta, ref, ldc, mag);
      Session s;
      ASSERT_EQ(
          vaccel_sgemm(&s, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, cc.data(), ldc),
          VACCEL_OK);
      for (long long i = 0; i < m; ++i)
        for (long long j = 0; j < ldc; ++j) {
          size_t at = size_t(i * ldc + j);
          if (j >= n) {  // padding untouched
            ASSERT_EQ(cc[at], c[at]);
            continue;
          }
          ASSERT_NEAR(cc[at], ref[at], 1e-5 * (mag[at] + 1.0)) << "i=" << i << " j=" << j;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, Sgemm,
                         ::testing::Values(Shape{1, 1, 1, 0}, Shape{1, 7, 3, 0}, Shape{7, 1, 3, 0},
                                           Shape{3, 5, 1, 0}, Shape{4, 4, 4, 0}, Shape{5, 3, 8, 2},
                                           Shape{16, 16, 16, 0}, Shape{17, 31, 13, 3},
                                           Shape{33, 65, 129, 0}, Shape{64, 64, 64, 1},
                                           Shape{100, 37, 51, 5}, Shape{128, 96, 80, 0},
                                           Shape{0, 5, 5, 0}, Shape{5, 0, 5, 0},
                                           Shape{5, 5, 0, 0}));

TEST_F(Runtime, SgemmArgumentErrors) {
  ASSERT_EQ(boot(RT_CPU), VACCEL_OK);
  Session s;
  float a[4] = {}, b[4] = {}, c[4] = {};
  EXPECT_EQ(vaccel_sgemm(&s, -1, 2, 2, 1, a, 2, b, 2, 0, c, 2), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_sgemm(&s, 2, 2, 2, 1, a, 1, b, 2, 0, c, 2), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_sgemm(&s, 2, 2, 2, 1, a, 2, b, 1, 0, c, 2), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_sgemm(&s, 2, 2, 2, 1, a, 2, b, 2, 0, c, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_sgemm(&s, 2, 2, 2, 1, nullptr, 2, b, 2, 0, c, 2), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_sgemm(&s, 2, 2, 2, 1, a, 2, b, 2, 0, nullptr, 2), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_sgemm(nullptr, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), VACCEL_EINVAL);
  vaccel_session dead{};
  EXPECT_EQ(vaccel_sgemm(&dead, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), VACCEL_ESESS);
}
