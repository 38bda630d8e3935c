// CUDA plugin core against the naive reference (same shapes and tolerances
// as the OpenCL tests: SGEMM relative 1e-4 of the magnitude sum, mmult 1e-5
// of the magnitude sum, the rest exact). Without a usable GPU every test that
// needs one SKIPs with the CUDA error; the no-device path itself is tested.
#include "cuda_ops.hh"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>

#include "reference.hh"

using namespace vaccel_cuda;

namespace {

struct Shared {
  std::unique_ptr<CudaOps> ops;
  std::string why_not;
};

Shared &shared() {
  static Shared s = [] {
    Shared r;
    r.why_not = cuda_unavailable_reason();
    if (r.why_not.empty()) {
      try {
        r.ops = std::make_unique<CudaOps>();
      } catch (const CudaError &e) {
        r.why_not = e.what();
      }
    }
    return r;
  }();
  return s;
}

#define REQUIRE_CUDA()                                   \
  do {                                                   \
    if (!shared().ops) GTEST_SKIP() << shared().why_not; \
  } while (0)

CudaOps &ops() { return *shared().ops; }

template <typename F>
int code_of(F &&f) {
  try {
    f();
  } catch (const CudaError &e) {
    return e.code();
  }
  return 0;
}

TEST(CudaDevice, NoDeviceFailsCleanlyWithEnodev) {
  if (cuda_unavailable_reason().empty())
    GTEST_SKIP() << "a CUDA device is present; the no-device path is not reachable";
  try {
    CudaOps o;
    FAIL() << "CudaOps constructed without a device";
  } catch (const CudaError &e) {
    EXPECT_EQ(e.code(), ENODEV);
    EXPECT_NE(std::string(e.what()).find("no CUDA device: "), std::string::npos) << e.what();
  }
}

TEST(CudaSgemm, MatchesReferenceAcrossShapes) {
  REQUIRE_CUDA();
  std::uint32_t seed = 100;
  auto shapes = ref::gemm_shapes();
  shapes.push_back({600, 700, 300});  // > 1 MiB operands: pinned staging path
  for (const ref::GemmShape &s : shapes) {
    SCOPED_TRACE(ref::to_string(s));
    const std::int64_t lda = std::max<std::int64_t>(1, s.k) + s.lda_pad,
                       ldb = std::max<std::int64_t>(1, s.n) + s.ldb_pad,
                       ldc = std::max<std::int64_t>(1, s.n) + s.ldc_pad;
    auto a =
        ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.m * lda)), seed++);
    auto b =
        ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.k * ldb)), seed++);
    auto c =
        ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.m * ldc)), seed++);
    if (s.beta == 0.0f)
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j)
          c[static_cast<size_t>(i * ldc + j)] = std::numeric_limits<float>::quiet_NaN();
    auto want = c, got = c;
    auto bound =
        ref::sgemm(s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta, want.data(), ldc);
    ops().sgemm(s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta, got.data(), ldc);
    for (std::int64_t i = 0; i < s.m; ++i)
      for (std::int64_t j = 0; j < ldc; ++j) {
        const size_t idx = static_cast<size_t>(i * ldc + j);
        if (j < s.n)
          ASSERT_NEAR(got[idx], want[idx], bound[static_cast<size_t>(i * s.n + j)])
              << i << "," << j;
        else
          ASSERT_EQ(std::memcmp(&got[idx], &c[idx], 4), 0)
              << "padding changed at " << i << "," << j;
      }
  }
  EXPECT_GT(ops().stats().staged_transfers, 0u);
}

TEST(CudaSgemm, RejectsBadArguments) {
  REQUIRE_CUDA();
  float x[4] = {};
  EXPECT_EQ(code_of([&] { ops().sgemm(-1, 1, 1, 1, x, 1, x, 1, 0, x, 1); }), EINVAL);
  EXPECT_EQ(code_of([&] { ops().sgemm(2, 2, 2, 1, x, 1, x, 2, 0, x, 2); }), EINVAL);
}

TEST(CudaMmult, MatchesReference) {
  REQUIRE_CUDA();
  for (size_t n : {0u, 1u, 3u, 16u, 17u, 50u, 129u, 300u}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto a = ref::random_vec<float>(n * n, 1), b = ref::random_vec<float>(n * n, 2);
    std::vector<float> want(n * n), got(n * n);
    auto bound = ref::mmult(a.data(), b.data(), want.data(), n);
    ops().mmult(a.data(), b.data(), got.data(), n * n);
    for (size_t i = 0; i < n * n; ++i) ASSERT_NEAR(got[i], want[i], bound[i]) << i;
  }
  float x[10] = {};
  EXPECT_EQ(code_of([&] { ops().mmult(x, x, x, 10); }), EINVAL);
}

TEST(CudaElementwise, ExactAcrossLengths) {
  REQUIRE_CUDA();
  auto lengths = ref::vector_lengths();
  lengths.push_back(3u << 20);  // staged transfers
  for (size_t n : lengths) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto ia = ref::random_ints(n, 3);
    std::vector<int> io(n);
    ops().arraycopy(ia.data(), io.data(), n);
    ASSERT_EQ(io, ia);
    auto a = ref::random_vec<float>(n, 4, -1e3, 1e3), b = ref::random_vec<float>(n, 5, -1e3, 1e3);
    std::vector<float> c(n), add(n), mul(n);
    ops().vadd(a.data(), b.data(), c.data(), n, n);
    ops().parallel(a.data(), b.data(), add.data(), mul.data(), n);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(c[i], a[i] + b[i]) << i;
      ASSERT_EQ(add[i], a[i] + b[i]) << i;
      ASSERT_EQ(mul[i], a[i] * b[i]) << i;
    }
  }
  float x[4] = {};
  EXPECT_EQ(code_of([&] { ops().vadd(x, x, x, 4, 3); }), EINVAL);
}

TEST(CudaMinmax, ExactAcrossLengths) {
  REQUIRE_CUDA();
  for (size_t n : {1u, 2u, 255u, 256u, 257u, 100000u, 1000003u}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto in = ref::random_vec<double>(n, static_cast<std::uint32_t>(n), -500, 500);
    std::vector<double> want(n), got(n);
    double wmn, wmx, gmn, gmx;
    ref::minmax(in.data(), n, -100, 250, want.data(), &wmn, &wmx);
    ops().minmax(in.data(), n, -100, 250, got.data(), &gmn, &gmx);
    ASSERT_EQ(got, want);
    ASSERT_EQ(gmn, wmn);
    ASSERT_EQ(gmx, wmx);
  }
  double x[2] = {1, 2}, o[2], mn, mx;
  EXPECT_EQ(code_of([&] { ops().minmax(x, 0, 0, 1, o, &mn, &mx); }), EINVAL);
  EXPECT_EQ(code_of([&] { ops().minmax(x, 2, 5, 1, o, &mn, &mx); }), EINVAL);
}

TEST(CudaPool, ReusesDeviceBuffers) {
  REQUIRE_CUDA();
  std::vector<float> a(5000, 1.0f), b(5000, 2.0f), c(5000);
  ops().vadd(a.data(), b.data(), c.data(), 5000, 5000);
  const CudaStats before = ops().stats();
  for (int i = 0; i < 10; ++i) ops().vadd(a.data(), b.data(), c.data(), 5000, 5000);
  const CudaStats after = ops().stats();
  EXPECT_EQ(after.device_allocs, before.device_allocs);
  EXPECT_GE(after.pool_hits - before.pool_hits, 30u);
}

// NaN follows the cpu plugin's sequential std::min/std::max scan: skipped in
// min/max unless it is the first element; kept as NaN by the clamp.
TEST(CudaMinmax, NanHandlingMatchesCpuPlugin) {
  REQUIRE_CUDA();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t pos : {size_t{0}, size_t{3}, size_t{999}}) {
    SCOPED_TRACE("NaN at " + std::to_string(pos));
    auto in = ref::random_vec<double>(1000, 77, -5, 5);
    in[pos] = nan;
    std::vector<double> want(1000), got(1000);
    double wmn, wmx, gmn, gmx;
    ref::minmax(in.data(), 1000, -1, 1, want.data(), &wmn, &wmx);
    ops().minmax(in.data(), 1000, -1, 1, got.data(), &gmn, &gmx);
    ASSERT_EQ(std::memcmp(got.data(), want.data(), 8000), 0);
    ASSERT_EQ(std::memcmp(&gmn, &wmn, 8), 0) << gmn << " vs " << wmn;
    ASSERT_EQ(std::memcmp(&gmx, &wmx, 8), 0) << gmx << " vs " << wmx;
  }
}

}  // namespace
