// OpenCL plugin core (cl_ops) against the naive reference (reference.hh).
// Tolerances: SGEMM relative 1e-4 of the magnitude sum (API.md); mmult 1e-5
// of the magnitude sum; minmax and the element-wise ops exact.
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>

#include "opencl_test_util.hh"
#include "reference.hh"

using namespace vaccel_ocl;

namespace {

ClOps &ops() { return *octest::shared().ops; }
ClRuntime &rt() { return *octest::shared().rt; }

TEST(OpenclSgemm, MatchesReferenceAcrossShapes) {
  REQUIRE_OPENCL();
  std::uint32_t seed = 1;
  for (const ref::GemmShape &s : ref::gemm_shapes()) {
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
    // beta == 0 must not read C: poison the window with NaN.
    if (s.beta == 0.0f)
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j)
          c[static_cast<size_t>(i * ldc + j)] = std::numeric_limits<float>::quiet_NaN();
    auto want = c;
    auto bound =
        ref::sgemm(s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta, want.data(), ldc);
    auto got = c;
    ops().sgemm(s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta, got.data(), ldc);
    for (std::int64_t i = 0; i < s.m; ++i)
      for (std::int64_t j = 0; j < ldc; ++j) {
        const size_t idx = static_cast<size_t>(i * ldc + j);
        if (j < s.n)
          ASSERT_NEAR(got[idx], want[idx], bound[static_cast<size_t>(i * s.n + j)])
              << "at " << i << "," << j;
        else  // outside the m x n window: untouched, bit for bit
          ASSERT_EQ(std::memcmp(&got[idx], &c[idx], 4), 0)
              << "padding changed at " << i << "," << j;
      }
  }
}

TEST(OpenclSgemm, RejectsBadArguments) {
  REQUIRE_OPENCL();
  float x[4] = {};
  EXPECT_OCL_ERROR(ops().sgemm(-1, 1, 1, 1, x, 1, x, 1, 0, x, 1), EINVAL);
  EXPECT_OCL_ERROR(ops().sgemm(2, 2, 2, 1, x, 1, x, 2, 0, x, 2), EINVAL);  // lda < k
  EXPECT_OCL_ERROR(ops().sgemm(2, 2, 2, 1, x, 2, x, 2, 0, x, 1), EINVAL);  // ldc < n
}

TEST(OpenclMmult, MatchesReference) {
  REQUIRE_OPENCL();
  for (size_t n : {0u, 1u, 3u, 16u, 17u, 50u, 129u}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto a = ref::random_vec<float>(n * n, 10 + static_cast<std::uint32_t>(n));
    auto b = ref::random_vec<float>(n * n, 20 + static_cast<std::uint32_t>(n));
    std::vector<float> want(n * n), got(n * n, -7.0f);
    auto bound = ref::mmult(a.data(), b.data(), want.data(), n);
    ops().mmult(a.data(), b.data(), got.data(), n * n);
    for (size_t i = 0; i < n * n; ++i) ASSERT_NEAR(got[i], want[i], bound[i]) << "at " << i;
  }
  float x[10] = {};
  EXPECT_OCL_ERROR(ops().mmult(x, x, x, 10), EINVAL);  // not a perfect square
}

TEST(OpenclElementwise, ExactAcrossLengths) {
  REQUIRE_OPENCL();
  for (size_t n : ref::vector_lengths()) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto ia = ref::random_ints(n, 1);
    std::vector<int> iout(n, 0);
    ops().arraycopy(ia.data(), iout.data(), n);
    ASSERT_EQ(iout, ia);

    auto a = ref::random_vec<float>(n, 2, -1e3, 1e3), b = ref::random_vec<float>(n, 3, -1e3, 1e3);
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
  EXPECT_OCL_ERROR(ops().vadd(x, x, x, 4, 3), EINVAL);
}

TEST(OpenclMinmax, ExactAcrossLengths) {
  REQUIRE_OPENCL();
  if (!rt().has_fp64())
    GTEST_SKIP() << "device without fp64: minmax returns ENOTSUP (runtime falls back)";
  for (size_t n : {1u, 2u, 63u, 64u, 65u, 1000u, 16385u, 200003u}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto in = ref::random_vec<double>(n, static_cast<std::uint32_t>(n), -500, 500);
    std::vector<double> want(n), got(n, 1.0);
    double wmin, wmax, gmin = 0, gmax = 0;
    ref::minmax(in.data(), n, -100, 250, want.data(), &wmin, &wmax);
    ops().minmax(in.data(), n, -100, 250, got.data(), &gmin, &gmax);
    ASSERT_EQ(got, want);
    ASSERT_EQ(gmin, wmin);
    ASSERT_EQ(gmax, wmax);
  }
  double x[2] = {1, 2}, o[2], mn, mx;
  EXPECT_OCL_ERROR(ops().minmax(x, 0, 0, 1, o, &mn, &mx), EINVAL);
  EXPECT_OCL_ERROR(ops().minmax(x, 2, 5, 1, o, &mn, &mx), EINVAL);
}

TEST(OpenclRuntime, ReusesProgramsAndBuffers) {
  REQUIRE_OPENCL();
  std::vector<float> a(1000, 1.0f), b(1000, 2.0f), c(1000);
  ops().vadd(a.data(), b.data(), c.data(), 1000, 1000);  // warm: builtin program built once
  const ClRuntimeStats before = rt().stats();
  for (int i = 0; i < 10; ++i) ops().vadd(a.data(), b.data(), c.data(), 1000, 1000);
  const ClRuntimeStats after = rt().stats();
  EXPECT_EQ(after.programs_built, before.programs_built) << "program rebuilt";
  EXPECT_EQ(after.buffers_allocated, before.buffers_allocated) << "buffers not reused";
  EXPECT_GE(after.buffer_pool_hits - before.buffer_pool_hits, 30u);
}

const char *kSaxpy = R"(
__kernel void saxpy(float alpha, __global const float *x, __global float *y) {
  size_t i = get_global_id(0);
  y[i] = alpha * x[i] + y[i];
}
__kernel void fill2d(int width, __global int *out) {
  out[get_global_id(1) * width + get_global_id(0)] = (int)(get_global_id(1) * 1000 + get_global_id(0));
}
)";

ClOps::Program src(const char *s) {
  return {true, {reinterpret_cast<const std::uint8_t *>(s), std::strlen(s)}, {}};
}

TEST(OpenclUserKernel, RunsFromSource) {
  REQUIRE_OPENCL();
  const size_t n = 777;
  auto x = ref::random_vec<float>(n, 5), y = ref::random_vec<float>(n, 6);
  auto y0 = y;
  const float alpha = 3.0f;
  KernelArg args[] = {{KernelArg::Kind::Scalar, &alpha, nullptr, sizeof alpha},
                      {KernelArg::Kind::In, x.data(), nullptr, n * 4},
                      {KernelArg::Kind::Out, y.data(), y.data(), n * 4}};
  ops().run_kernel(src(kSaxpy), "saxpy", args, {n, 1, 1}, 1);
  // The OpenCL compiler may contract a*x+y into an FMA: allow one rounding.
  for (size_t i = 0; i < n; ++i)
    ASSERT_NEAR(y[i], alpha * x[i] + y0[i], 1e-6f * (std::fabs(alpha * x[i]) + std::fabs(y0[i])))
        << i;

  const int w = 13, h = 7;
  std::vector<int> out(w * h, -1);
  KernelArg args2[] = {{KernelArg::Kind::Scalar, &w, nullptr, sizeof w},
                       {KernelArg::Kind::Out, out.data(), out.data(), out.size() * 4}};
  ops().run_kernel(src(kSaxpy), "fill2d", args2, {w, h, 1}, 2);
  for (int r = 0; r < h; ++r)
    for (int col = 0; col < w; ++col) ASSERT_EQ(out[r * w + col], r * 1000 + col);
}

TEST(OpenclUserKernel, ErrorsNameTheOpenclError) {
  REQUIRE_OPENCL();
  const float alpha = 1;
  KernelArg one[] = {{KernelArg::Kind::Scalar, &alpha, nullptr, sizeof alpha}};
  std::string msg =
      EXPECT_OCL_ERROR(ops().run_kernel(src(kSaxpy), "nope", one, {1, 1, 1}, 1), ENOENT);
  EXPECT_NE(msg.find("CL_INVALID_KERNEL_NAME"), std::string::npos) << msg;

  msg = EXPECT_OCL_ERROR(ops().run_kernel(src(kSaxpy), "saxpy", one, {1, 1, 1}, 1), EINVAL);
  EXPECT_NE(msg.find("takes 3 arguments"), std::string::npos) << msg;

  msg = EXPECT_OCL_ERROR(
      ops().run_kernel(src("__kernel void broken( { }"), "broken", one, {1, 1, 1}, 1), ELIBBAD);
  EXPECT_NE(msg.find("CL_BUILD_PROGRAM_FAILURE"), std::string::npos) << msg;
  EXPECT_NE(msg.find("error"), std::string::npos) << "build log missing: " << msg;
}

TEST(OpenclDeviceSelect, ParsesEnvironment) {
  auto env = [](std::map<std::string, std::string> m) {
    return [m](const char *k) -> const char * {
      auto it = m.find(k);
      return it == m.end() ? nullptr : it->second.c_str();
    };
  };
  DeviceSpec d = parse_device_spec(env({}));
  EXPECT_EQ(d.type, static_cast<cl_device_type>(CL_DEVICE_TYPE_ALL));
  EXPECT_FALSE(d.platform.has_value());
  d = parse_device_spec(env({{"VACCEL_OPENCL_DEVICE_TYPE", "GPU"},
                             {"VACCEL_OPENCL_PLATFORM", "2"},
                             {"VACCEL_OPENCL_DEVICE", "1"}}));
  EXPECT_EQ(d.type, static_cast<cl_device_type>(CL_DEVICE_TYPE_GPU));
  EXPECT_EQ(d.platform, 2u);
  EXPECT_EQ(d.device, 1u);
  EXPECT_EQ(parse_device_spec(env({{"VACCEL_OPENCL_DEVICE_TYPE", "accelerator"}})).type,
            static_cast<cl_device_type>(CL_DEVICE_TYPE_ACCELERATOR));
  EXPECT_OCL_ERROR(parse_device_spec(env({{"VACCEL_OPENCL_DEVICE_TYPE", "tpu"}})), EINVAL);
  EXPECT_OCL_ERROR(parse_device_spec(env({{"VACCEL_OPENCL_DEVICE", "-1"}})), EINVAL);
  EXPECT_OCL_ERROR(parse_device_spec(env({{"VACCEL_OPENCL_PLATFORM", "1x"}})), EINVAL);
}

TEST(OpenclDeviceSelect, MissingDeviceIsEnodevWithExplanation) {
  REQUIRE_OPENCL();
  DeviceSpec s;
  s.platform = 99;
  std::string msg = EXPECT_OCL_ERROR(ClRuntime{s}, ENODEV);
  EXPECT_NE(msg.find("VACCEL_OPENCL_PLATFORM=99"), std::string::npos) << msg;
  s = {};
  s.device = 1000;
  msg = EXPECT_OCL_ERROR(ClRuntime{s}, ENODEV);
  EXPECT_NE(msg.find("device #1000"), std::string::npos) << msg;
}

TEST(OpenclErrors, NamesAndCodes) {
  EXPECT_STREQ(cl_error_name(CL_INVALID_BINARY), "CL_INVALID_BINARY");
  EXPECT_STREQ(cl_error_name(-9999), "CL_UNKNOWN_ERROR");
  EXPECT_EQ(cl_error_to_errno(CL_DEVICE_NOT_FOUND), ENODEV);
  EXPECT_EQ(cl_error_to_errno(CL_OUT_OF_RESOURCES), ENOMEM);
  EXPECT_EQ(cl_error_to_errno(CL_INVALID_BINARY), ELIBBAD);
  EXPECT_EQ(cl_error_to_errno(CL_INVALID_KERNEL_NAME), ENOENT);
  EXPECT_EQ(cl_error_to_errno(CL_INVALID_ARG_SIZE), EINVAL);
  EXPECT_EQ(cl_error_to_errno(CL_INVALID_COMMAND_QUEUE), EIO);
  EXPECT_EQ(cl_error_message(CL_INVALID_VALUE, "clFoo"), "clFoo: CL_INVALID_VALUE (-30)");
}

// NaN follows the cpu plugin's sequential std::min/std::max scan: skipped in
// min/max unless it is the first element; kept as NaN by the clamp.
TEST(OpenclMinmax, NanHandlingMatchesCpuPlugin) {
  REQUIRE_OPENCL();
  if (!rt().has_fp64()) GTEST_SKIP() << "device without fp64";
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
