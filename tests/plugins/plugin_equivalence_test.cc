// Through the vAccel API: every accelerator plugin gives the cpu plugin's
// results. One process loads the cpu plugin, then cuda (when it initializes)
// and opencl; sessions pick the plugin by type flag: CPU -> cpu, FPGA ->
// opencl (type GPU|FPGA), GPU -> cuda (loaded before opencl). After every
// accelerator call vaccel_last_op_plugin() must name the plugin under test,
// so a silent fallback to the cpu plugin cannot pass.
// Tolerances (runtime/API.md): sgemm |d| <= 1e-4 * (|alpha| sum|a*b| +
// |beta*c0|); mmult |d| <= 1e-5 * sum|a*b|; minmax and fpga ops exact.
#include <vaccel.h>

#include "reference.hh"
#ifdef VA_HAVE_CUDA_CORE
#include "cuda_ops.hh"
#endif

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

struct Env {
  int boot_rc = -1;
  int cuda_rc = -1;  // vaccel_plugin_load result for the CUDA plugin
};

Env &env() {
  static Env e = [] {
    Env r;
    struct vaccel_config c;
    vaccel_config_init(&c, VA_CPU_PLUGIN, VACCEL_LOG_ERROR, nullptr, false, false);
    r.boot_rc = vaccel_bootstrap_with_config(&c);
    vaccel_config_release(&c);
#ifdef VA_CUDA_PLUGIN
    r.cuda_rc = vaccel_plugin_load(VA_CUDA_PLUGIN);
#endif
#ifdef VA_OPENCL_PLUGIN
    vaccel_plugin_load(VA_OPENCL_PLUGIN);
#endif
    return r;
  }();
  return e;
}

bool loaded(const char *name) {
  const char *names[16];
  size_t n = 0;
  vaccel_plugin_names(names, 16, &n);
  for (size_t i = 0; i < n && i < 16; ++i)
    if (std::strcmp(names[i], name) == 0) return true;
  return false;
}

struct Session {
  vaccel_session s{};
  int rc;
  explicit Session(unsigned flags) : rc(vaccel_session_init(&s, flags)) {}
  ~Session() {
    if (rc == VACCEL_OK) vaccel_session_release(&s);
  }
};

// One accelerator plugin under test.
struct Accel {
  const char *name;
  unsigned flags;
};

class PluginEquivalence : public ::testing::TestWithParam<Accel> {
 protected:
  void SetUp() override {
    ASSERT_EQ(env().boot_rc, VACCEL_OK);
    ASSERT_TRUE(loaded("cpu"));
    if (!loaded(GetParam().name)) {
      if (std::string(GetParam().name) == "cuda") {
#ifdef VA_HAVE_CUDA_CORE
        GTEST_SKIP() << vaccel_cuda::cuda_unavailable_reason() << " (cuda plugin init returned "
                     << env().cuda_rc << ")";
#else
        GTEST_SKIP() << "cuda plugin not built (no nvcc)";
#endif
      }
      FAIL() << "plugin '" << GetParam().name << "' is not loaded";
    }
    cpu_ = std::make_unique<Session>(VACCEL_PLUGIN_CPU);
    acc_ = std::make_unique<Session>(GetParam().flags);
    ASSERT_EQ(cpu_->rc, VACCEL_OK);
    ASSERT_EQ(acc_->rc, VACCEL_OK);
  }
  void expect_ran_on_cpu() { ASSERT_STREQ(vaccel_last_op_plugin(), "cpu"); }
  void expect_ran_on_accel() {
    ASSERT_STREQ(vaccel_last_op_plugin(), GetParam().name) << vaccel_last_error();
  }
  std::unique_ptr<Session> cpu_, acc_;
};

TEST_P(PluginEquivalence, Sgemm) {
  std::uint32_t seed = 7;
  for (const ref::GemmShape &s : ref::gemm_shapes()) {
    SCOPED_TRACE(ref::to_string(s));
    const std::int64_t lda = std::max<std::int64_t>(1, s.k) + s.lda_pad,
                       ldb = std::max<std::int64_t>(1, s.n) + s.ldb_pad,
                       ldc = std::max<std::int64_t>(1, s.n) + s.ldc_pad;
    auto a =
        ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.m * lda)), seed++);
    auto b =
        ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.k * ldb)), seed++);
    auto c0 =
        ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.m * ldc)), seed++);
    auto scratch = c0, want = c0, got = c0;
    auto bound = ref::sgemm(s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta,
                            scratch.data(), ldc);
    ASSERT_EQ(vaccel_sgemm(&cpu_->s, s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta,
                           want.data(), ldc),
              VACCEL_OK);
    ASSERT_EQ(vaccel_sgemm(&acc_->s, s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta,
                           got.data(), ldc),
              VACCEL_OK)
        << vaccel_last_error();
    if (s.m && s.n) expect_ran_on_accel();
    for (std::int64_t i = 0; i < s.m; ++i)
      for (std::int64_t j = 0; j < ldc; ++j) {
        const size_t idx = static_cast<size_t>(i * ldc + j);
        if (j < s.n)
          ASSERT_NEAR(got[idx], want[idx], bound[static_cast<size_t>(i * s.n + j)])
              << i << "," << j;
        else
          ASSERT_EQ(std::memcmp(&got[idx], &want[idx], 4), 0)
              << "padding differs at " << i << "," << j;
      }
  }
  float x[4] = {};
  EXPECT_EQ(vaccel_sgemm(&acc_->s, 2, 2, 2, 1, x, 1, x, 2, 0, x, 2), VACCEL_EINVAL);  // lda < k
}

TEST_P(PluginEquivalence, Minmax) {
  for (int n : {1, 2, 65, 1000, 100003}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto in =
        ref::random_vec<double>(static_cast<size_t>(n), static_cast<std::uint32_t>(n), -300, 300);
    std::vector<double> want(in.size()), got(in.size());
    double wmn, wmx, gmn, gmx;
    ASSERT_EQ(vaccel_minmax(&cpu_->s, in.data(), n, -50, 120, want.data(), &wmn, &wmx), VACCEL_OK);
    ASSERT_EQ(vaccel_minmax(&acc_->s, in.data(), n, -50, 120, got.data(), &gmn, &gmx), VACCEL_OK)
        << vaccel_last_error();
    expect_ran_on_accel();
    ASSERT_EQ(got, want);
    ASSERT_EQ(gmn, wmn);
    ASSERT_EQ(gmx, wmx);
  }
  double x[2] = {1, 2}, o[2], mn, mx;
  EXPECT_EQ(vaccel_minmax(&acc_->s, x, 2, 5, 1, o, &mn, &mx), VACCEL_EINVAL);
}

TEST_P(PluginEquivalence, FpgaOps) {
  for (size_t n : ref::vector_lengths()) {
    SCOPED_TRACE("n=" + std::to_string(n));
    auto ia = ref::random_ints(n, 1);
    std::vector<int> iw(n), ig(n);
    ASSERT_EQ(vaccel_fpga_arraycopy(&cpu_->s, ia.data(), iw.data(), n), VACCEL_OK);
    ASSERT_EQ(vaccel_fpga_arraycopy(&acc_->s, ia.data(), ig.data(), n), VACCEL_OK)
        << vaccel_last_error();
    if (n) expect_ran_on_accel();
    ASSERT_EQ(ig, iw);

    auto a = ref::random_vec<float>(n, 2, -100, 100), b = ref::random_vec<float>(n, 3, -100, 100);
    std::vector<float> cw(n), cg(n), aw(n), ag(n), mw(n), mg(n);
    ASSERT_EQ(vaccel_fpga_vadd(&cpu_->s, a.data(), b.data(), cw.data(), n, n), VACCEL_OK);
    ASSERT_EQ(vaccel_fpga_vadd(&acc_->s, a.data(), b.data(), cg.data(), n, n), VACCEL_OK)
        << vaccel_last_error();
    ASSERT_EQ(cg, cw);
    ASSERT_EQ(vaccel_fpga_parallel(&cpu_->s, a.data(), b.data(), aw.data(), mw.data(), n),
              VACCEL_OK);
    ASSERT_EQ(vaccel_fpga_parallel(&acc_->s, a.data(), b.data(), ag.data(), mg.data(), n),
              VACCEL_OK)
        << vaccel_last_error();
    if (n) expect_ran_on_accel();
    ASSERT_EQ(ag, aw);
    ASSERT_EQ(mg, mw);
  }
  for (size_t n : {0u, 1u, 7u, 16u, 45u, 130u}) {
    SCOPED_TRACE("mmult n=" + std::to_string(n));
    auto a = ref::random_vec<float>(n * n, 4), b = ref::random_vec<float>(n * n, 5);
    std::vector<float> want(n * n), got(n * n), scratch(n * n);
    auto bound = ref::mmult(a.data(), b.data(), scratch.data(), n);
    ASSERT_EQ(vaccel_fpga_mmult(&cpu_->s, a.data(), b.data(), want.data(), n * n), VACCEL_OK);
    ASSERT_EQ(vaccel_fpga_mmult(&acc_->s, a.data(), b.data(), got.data(), n * n), VACCEL_OK)
        << vaccel_last_error();
    if (n) expect_ran_on_accel();
    for (size_t i = 0; i < n * n; ++i)
      ASSERT_NEAR(got[i], want[i], 2 * bound[i]) << i;  // both within bound of exact
  }
  float x[10] = {};
  EXPECT_EQ(vaccel_fpga_vadd(&acc_->s, x, x, x, 4, 3), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_fpga_mmult(&acc_->s, x, x, x, 10), VACCEL_EINVAL);
}

INSTANTIATE_TEST_SUITE_P(Plugins, PluginEquivalence,
                         ::testing::Values(Accel{"opencl", VACCEL_PLUGIN_FPGA},
                                           Accel{"cuda", VACCEL_PLUGIN_GPU}),
                         [](const auto &info) { return std::string(info.param.name); });

#ifdef VA_CUDA_PLUGIN
// On a machine without a GPU the CUDA plugin refuses to load with ENODEV
// (and logs the CUDA error) instead of crashing or half-working.
TEST(CudaPlugin, LoadFailsWithEnodevWithoutGpu) {
  ASSERT_EQ(env().boot_rc, VACCEL_OK);
  if (loaded("cuda")) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_EQ(env().cuda_rc, VACCEL_ENODEV);
}
#endif

#ifdef VA_OPENCL_PLUGIN
// A user kernel given as a resource, through vaccel_exec_with_resource.
TEST(OpenclPlugin, UserKernelFromResource) {
  ASSERT_EQ(env().boot_rc, VACCEL_OK);
  ASSERT_TRUE(loaded("opencl"));
  const std::string src =
      "__kernel void axpb(float a, float b, __global const float *x, __global float *y) {\n"
      "  size_t i = get_global_id(0); y[i] = a * x[i] + b; }\n";
  vaccel_resource res{};
  ASSERT_EQ(vaccel_resource_init_from_buf(&res, src.data(), src.size(), VACCEL_RESOURCE_LIB,
                                          "axpb.cl", true),
            VACCEL_OK);
  Session s(VACCEL_PLUGIN_FPGA);
  ASSERT_EQ(s.rc, VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&res, &s.s), VACCEL_OK);
  const size_t n = 513;
  auto x = ref::random_vec<float>(n, 9);
  std::vector<float> y(n);
  float a = 2.0f, b = 0.5f;
  vaccel_arg read[3] = {{&a, sizeof a, VACCEL_ARG_FLOAT32, 0, false},
                        {&b, sizeof b, VACCEL_ARG_FLOAT32, 0, false},
                        {x.data(), n * 4, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  vaccel_arg write[1] = {{y.data(), n * 4, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  ASSERT_EQ(vaccel_exec_with_resource(&s.s, &res, "axpb", read, 3, write, 1), VACCEL_OK)
      << vaccel_last_error();
  EXPECT_STREQ(vaccel_last_op_plugin(), "opencl");
  for (size_t i = 0; i < n; ++i)
    ASSERT_NEAR(y[i], a * x[i] + b, 1e-6f * (std::fabs(a * x[i]) + b)) << i;

  // A damaged binary resource: clear error, no crash.
  std::vector<std::uint8_t> bad = {'p', 'o', 'c', 'l', 'b', 'i', 'n', 0, 1, 2, 3};
  vaccel_resource bres{};
  ASSERT_EQ(vaccel_resource_init_from_buf(&bres, bad.data(), bad.size(), VACCEL_RESOURCE_LIB,
                                          "k.poclbin", true),
            VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&bres, &s.s), VACCEL_OK);
  EXPECT_EQ(vaccel_exec_with_resource(&s.s, &bres, "axpb", read, 3, write, 1), VACCEL_ELIBBAD);
  vaccel_resource_unregister(&bres, &s.s);
  vaccel_resource_release(&bres);
  vaccel_resource_unregister(&res, &s.s);
  vaccel_resource_release(&res);
}
#endif

}  // namespace
