// The FPGA-style flow on PoCL: programs compiled offline into device
// binaries (by vaccel-opencl-compile, in another process with its own PoCL
// cache), then loaded with clCreateProgramWithBinary by the plugin core in
// this process, whose PoCL cache directory (POCL_CACHE_DIR) is a fresh empty
// temporary directory set before OpenCL starts. Also: damaged binaries give
// a clear vAccel error and no crash, and an unvalidated truncated binary
// really does crash PoCL (why the validator exists).
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "binary_validate.hh"
#include "opencl_test_util.hh"
#include "reference.hh"

extern char **environ;

using namespace vaccel_ocl;
namespace fs = std::filesystem;

namespace {

fs::path g_tmp;  // per-run temporary directory (this process's PoCL cache lives below it)

std::vector<std::uint8_t> slurp(const fs::path &p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Runs vaccel-opencl-compile in a child process with its own PoCL cache.
std::vector<std::uint8_t> compile_offline(const std::string &out_name,
                                          const std::string &source_text = {}) {
  const fs::path out = g_tmp / out_name;
  std::vector<std::string> argv_s = {VA_OPENCL_COMPILE_TOOL, out.string()};
  if (!source_text.empty()) {
    const fs::path src = g_tmp / (out_name + ".cl");
    std::ofstream(src) << source_text;
    argv_s.push_back(src.string());
  }
  std::vector<std::string> env_s = {"POCL_CACHE_DIR=" +
                                    (g_tmp / ("cache-compile-" + out_name)).string()};
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, "POCL_CACHE_DIR=", 15) != 0) env_s.emplace_back(*e);
  std::vector<char *> argv, envp;
  for (auto &s : argv_s) argv.push_back(s.data());
  for (auto &s : env_s) envp.push_back(s.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data()) != 0) {
    ADD_FAILURE() << "cannot run " << argv[0];
    return {};
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "offline compile failed";
  return slurp(out);
}

const std::vector<std::uint8_t> &builtin_binary() {
  static std::vector<std::uint8_t> bin = compile_offline("va_kernels.poclbin");
  return bin;
}

const char *kUserSrc = R"(
__kernel void scale(float f, __global const float *x, __global float *y) {
  y[get_global_id(0)] = f * x[get_global_id(0)];
})";

TEST(OpenclBinary, CacheDirectoryIsFresh) {
  const char *dir = std::getenv("POCL_CACHE_DIR");
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(fs::path(dir).parent_path(), g_tmp);
}

TEST(OpenclBinary, BuiltinOpsFromOfflineBinaryMatchReference) {
  REQUIRE_OPENCL();
  const auto &bin = builtin_binary();
  ASSERT_FALSE(bin.empty());
  BinaryCheck c = validate_program_binary(bin, octest::shared().rt->device().platform_name);
  ASSERT_TRUE(c.ok) << c.reason;

  // A fresh context, separate from the shared one.
  ClRuntime rt(parse_device_spec([](const char *v) { return std::getenv(v); }));
  ClOps ops(rt, bin);

  for (const ref::GemmShape &s : ref::gemm_shapes()) {
    SCOPED_TRACE(ref::to_string(s));
    const std::int64_t lda = std::max<std::int64_t>(1, s.k) + s.lda_pad,
                       ldb = std::max<std::int64_t>(1, s.n) + s.ldb_pad,
                       ldc = std::max<std::int64_t>(1, s.n) + s.ldc_pad;
    auto a = ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.m * lda)), 1);
    auto b = ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.k * ldb)), 2);
    auto c0 = ref::random_vec<float>(static_cast<size_t>(std::max<std::int64_t>(1, s.m * ldc)), 3);
    auto want = c0, got = c0;
    auto bound =
        ref::sgemm(s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta, want.data(), ldc);
    ops.sgemm(s.m, s.n, s.k, s.alpha, a.data(), lda, b.data(), ldb, s.beta, got.data(), ldc);
    for (std::int64_t i = 0; i < s.m; ++i)
      for (std::int64_t j = 0; j < s.n; ++j)
        ASSERT_NEAR(got[static_cast<size_t>(i * ldc + j)], want[static_cast<size_t>(i * ldc + j)],
                    bound[static_cast<size_t>(i * s.n + j)]);
  }
  for (size_t n : ref::vector_lengths()) {
    auto ia = ref::random_ints(n, 4);
    std::vector<int> io(n);
    ops.arraycopy(ia.data(), io.data(), n);
    ASSERT_EQ(io, ia);
    auto a = ref::random_vec<float>(n, 5), b = ref::random_vec<float>(n, 6);
    std::vector<float> c(n), add(n), mul(n);
    ops.vadd(a.data(), b.data(), c.data(), n, n);
    ops.parallel(a.data(), b.data(), add.data(), mul.data(), n);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(c[i], a[i] + b[i]);
      ASSERT_EQ(add[i], a[i] + b[i]);
      ASSERT_EQ(mul[i], a[i] * b[i]);
    }
  }
  for (size_t n : {0u, 5u, 33u}) {
    auto a = ref::random_vec<float>(n * n, 7), b = ref::random_vec<float>(n * n, 8);
    std::vector<float> want(n * n), got(n * n);
    auto bound = ref::mmult(a.data(), b.data(), want.data(), n);
    ops.mmult(a.data(), b.data(), got.data(), n * n);
    for (size_t i = 0; i < n * n; ++i) ASSERT_NEAR(got[i], want[i], bound[i]);
  }
  if (rt.has_fp64()) {
    auto in = ref::random_vec<double>(5000, 9, -10, 10);
    std::vector<double> want(5000), got(5000);
    double wmn, wmx, gmn, gmx;
    ref::minmax(in.data(), 5000, -3, 4, want.data(), &wmn, &wmx);
    ops.minmax(in.data(), 5000, -3, 4, got.data(), &gmn, &gmx);
    EXPECT_EQ(got, want);
    EXPECT_EQ(gmn, wmn);
    EXPECT_EQ(gmx, wmx);
  }
  // Proof that the binary was used: nothing in this context came from source.
  EXPECT_EQ(rt.stats().source_builds, 0u);
  EXPECT_EQ(rt.stats().binary_loads, 1u);
}

TEST(OpenclBinary, UserKernelFromOfflineBinary) {
  REQUIRE_OPENCL();
  const auto bin = compile_offline("user.poclbin", kUserSrc);
  ASSERT_FALSE(bin.empty());
  ClRuntime rt(parse_device_spec([](const char *v) { return std::getenv(v); }));
  ClOps ops(rt);
  const size_t n = 1001;
  auto x = ref::random_vec<float>(n, 11);
  std::vector<float> y(n);
  const float f = -2.5f;
  KernelArg args[] = {{KernelArg::Kind::Scalar, &f, nullptr, sizeof f},
                      {KernelArg::Kind::In, x.data(), nullptr, n * 4},
                      {KernelArg::Kind::Out, y.data(), y.data(), n * 4}};
  ops.run_kernel({false, bin, {}}, "scale", args, {n, 1, 1}, 1);
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(y[i], f * x[i]);
  EXPECT_EQ(rt.stats().source_builds, 0u);
}

// Damaged binaries: rejected with ELIBBAD and a reason, before the driver.
TEST(OpenclBinary, CorruptedBinariesGiveClearErrors) {
  REQUIRE_OPENCL();
  const auto &bin = builtin_binary();
  ASSERT_GT(bin.size(), 1000u);
  ClRuntime &rt = *octest::shared().rt;
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> cases;
  for (size_t cut : {size_t{1}, size_t{8}, size_t{40}, size_t{76}, size_t{77}, size_t{90},
                     size_t{200}, bin.size() / 2, bin.size() - 100, bin.size() - 1})
    cases.emplace_back(
        "truncated to " + std::to_string(cut),
        std::vector<std::uint8_t>(bin.begin(), bin.begin() + static_cast<std::ptrdiff_t>(cut)));
  auto appended = bin;
  appended.insert(appended.end(), 16, 0);
  cases.emplace_back("16 bytes appended", appended);
  auto bad_len = bin;
  bad_len[77 + 3] ^= 0x40;  // program record length
  cases.emplace_back("program record length corrupted", bad_len);
  auto bad_magic = bin;
  bad_magic[0] = 'X';
  cases.emplace_back("magic corrupted", bad_magic);
  cases.emplace_back("empty", std::vector<std::uint8_t>{});

  for (auto &[what, bytes] : cases) {
    SCOPED_TRACE(what);
    std::string msg = EXPECT_OCL_ERROR(rt.program_from_binary(bytes), ELIBBAD);
    EXPECT_NE(msg.find("rejected before reaching the driver"), std::string::npos) << msg;
  }

  // Through the operations: the built-in ops fail cleanly, nothing crashes.
  ClOps ops(rt, std::vector<std::uint8_t>(
                    bin.begin(), bin.begin() + static_cast<std::ptrdiff_t>(bin.size() / 2)));
  float a[4] = {1, 2, 3, 4}, c[4] = {};
  std::string msg = EXPECT_OCL_ERROR(ops.vadd(a, a, c, 4, 4), ELIBBAD);
  EXPECT_NE(msg.find("poclbin"), std::string::npos) << msg;
  EXPECT_EQ(c[0], 0.0f) << "output touched after a failure";
}

// Random bytes of plausible size also never reach the driver.
TEST(OpenclBinary, RandomBytesRejected) {
  REQUIRE_OPENCL();
  auto junk = ref::random_ints(1024, 99);
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t *>(junk.data()),
                                      junk.size() * 4);
  std::string msg = EXPECT_OCL_ERROR(octest::shared().rt->program_from_binary(bytes), ELIBBAD);
  EXPECT_NE(msg.find("unrecognised"), std::string::npos) << msg;
}

// Why validation exists: the same truncated binary handed straight to PoCL
// kills the process. Runs in a child (death test); skipped on other drivers.
TEST(OpenclBinaryDeathTest, UnvalidatedTruncatedBinaryCrashesPocl) {
  REQUIRE_OPENCL();
  if (octest::shared().rt->device().platform_name.find("Portable Computing Language") ==
      std::string::npos)
    GTEST_SKIP() << "PoCL-specific behaviour";
  const auto &bin = builtin_binary();
  ASSERT_FALSE(bin.empty());
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::vector<std::uint8_t> cut(bin.begin(),
                                      bin.begin() + static_cast<std::ptrdiff_t>(bin.size() / 2));
  auto load_raw = [&] {
    cl_platform_id p;
    cl_device_id d;
    clGetPlatformIDs(1, &p, nullptr);
    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &d, nullptr);
    cl_int err;
    cl_context ctx = clCreateContext(nullptr, 1, &d, nullptr, nullptr, &err);
    const unsigned char *ptr = cut.data();
    size_t len = cut.size();
    cl_int st;
    cl_program prog = clCreateProgramWithBinary(ctx, 1, &d, &len, &ptr, &st, &err);
    if (err == CL_SUCCESS) clBuildProgram(prog, 1, &d, "", nullptr, nullptr);
    std::exit(0);  // survived
  };
  EXPECT_EXIT(
      load_raw(), [](int status) { return !(WIFEXITED(status) && WEXITSTATUS(status) == 0); }, "");
}

}  // namespace

int main(int argc, char **argv) {
  // Before anything touches OpenCL: a fresh PoCL cache for this process. A
  // death-test child (re-executed binary) inherits the parent's directory.
  const bool child = std::getenv("VA_OCL_TEST_CHILD") != nullptr;
  if (child) {
    g_tmp = fs::path(std::getenv("POCL_CACHE_DIR")).parent_path();
  } else {
    char tmpl[] = "/tmp/vaccel-ocl-binary-XXXXXX";
    if (!mkdtemp(tmpl)) return 2;
    g_tmp = tmpl;
    fs::create_directories(g_tmp / "cache");
    setenv("POCL_CACHE_DIR", (g_tmp / "cache").c_str(), 1);
    setenv("VA_OCL_TEST_CHILD", "1", 1);
  }
  testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  if (!child) fs::remove_all(g_tmp);
  return rc;
}
