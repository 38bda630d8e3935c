// Plugin benchmarks through the vAccel API (what a caller sees, dispatch
// included): SGEMM GFLOP/s (2*m*n*k flops) and minmax GB/s (8 bytes read +
// 8 written per element) for the cpu, opencl and cuda plugins, one row per
// plugin and size in Google Benchmark's table (counters print as
// "GFLOP=x/s" and "GB=y/s"). Plugins that are not loaded
// (e.g. cuda without a GPU) appear as rows marked "skipped: <reason>".
// Sizes are small enough that a default run takes well under a minute on
// two CPU cores with PoCL; pass --benchmark_filter to focus. Rates use wall
// time (UseRealTime): OpenCL/CUDA work runs on other threads or devices.
#include <benchmark/benchmark.h>
#include <vaccel.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

struct Plugin {
  const char *name;
  unsigned flags;  // session flags that select it (see plugin_equivalence_test.cc)
};
const Plugin kPlugins[] = {
    {"cpu", VACCEL_PLUGIN_CPU}, {"opencl", VACCEL_PLUGIN_FPGA}, {"cuda", VACCEL_PLUGIN_GPU}};

std::string g_cuda_status = "not built";

bool loaded(const char *name) {
  const char *names[16];
  size_t n = 0;
  vaccel_plugin_names(names, 16, &n);
  for (size_t i = 0; i < n && i < 16; ++i)
    if (std::strcmp(names[i], name) == 0) return true;
  return false;
}

std::vector<float> rnd_f(size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> v(n);
  for (auto &x : v) x = d(g);
  return v;
}

// Opens a session on `p`, or marks the row skipped. Returns false if skipped.
bool open(benchmark::State &st, const Plugin &p, vaccel_session &s) {
  if (!loaded(p.name)) {
    st.SkipWithError(
        ("skipped: plugin '" + std::string(p.name) + "' not loaded" +
         (std::strcmp(p.name, "cuda") == 0 ? " (" + g_cuda_status + ")" : std::string()))
            .c_str());
    return false;
  }
  if (vaccel_session_init(&s, p.flags) != VACCEL_OK) {
    st.SkipWithError("vaccel_session_init failed");
    return false;
  }
  return true;
}

void BM_sgemm(benchmark::State &st, Plugin p) {
  vaccel_session s{};
  if (!open(st, p, s)) return;
  const long long n = st.range(0);
  auto a = rnd_f(static_cast<size_t>(n * n), 1), b = rnd_f(static_cast<size_t>(n * n), 2);
  std::vector<float> c(static_cast<size_t>(n * n));
  for (auto _ : st) {
    if (vaccel_sgemm(&s, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n) != VACCEL_OK ||
        std::strcmp(vaccel_last_op_plugin(), p.name) != 0) {
      st.SkipWithError(
          ("sgemm failed or ran elsewhere: " + std::string(vaccel_last_error())).c_str());
      break;
    }
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOP"] = benchmark::Counter(2.0 * double(n) * double(n) * double(n) * 1e-9,
                                            benchmark::Counter::kIsIterationInvariantRate);
  vaccel_session_release(&s);
}

void BM_minmax(benchmark::State &st, Plugin p) {
  vaccel_session s{};
  if (!open(st, p, s)) return;
  const int n = static_cast<int>(st.range(0));
  std::mt19937 g(3);
  std::uniform_real_distribution<double> d(-1000, 1000);
  std::vector<double> in(static_cast<size_t>(n)), out(static_cast<size_t>(n));
  for (auto &x : in) x = d(g);
  double mn, mx;
  for (auto _ : st) {
    if (vaccel_minmax(&s, in.data(), n, -10, 10, out.data(), &mn, &mx) != VACCEL_OK ||
        std::strcmp(vaccel_last_op_plugin(), p.name) != 0) {
      st.SkipWithError(
          ("minmax failed or ran elsewhere: " + std::string(vaccel_last_error())).c_str());
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  st.counters["GB"] =
      benchmark::Counter(16.0 * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  vaccel_session_release(&s);
}

}  // namespace

int main(int argc, char **argv) {
  struct vaccel_config c;
  vaccel_config_init(&c, VA_CPU_PLUGIN, VACCEL_LOG_ERROR, nullptr, false, false);
  if (vaccel_bootstrap_with_config(&c) != VACCEL_OK) return 1;
  vaccel_config_release(&c);
#ifdef VA_CUDA_PLUGIN
  const int rc = vaccel_plugin_load(VA_CUDA_PLUGIN);
  g_cuda_status = rc == VACCEL_OK       ? "loaded"
                  : rc == VACCEL_ENODEV ? "no CUDA device"
                                        : "load error " + std::to_string(rc);
#endif
#ifdef VA_OPENCL_PLUGIN
  vaccel_plugin_load(VA_OPENCL_PLUGIN);
#endif
  for (const Plugin &p : kPlugins) {
    benchmark::RegisterBenchmark((std::string("sgemm/") + p.name).c_str(), BM_sgemm, p)
        ->Arg(64)
        ->Arg(256)
        ->Arg(512)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.2)
        ->UseRealTime();
  }
  for (const Plugin &p : kPlugins) {
    benchmark::RegisterBenchmark((std::string("minmax/") + p.name).c_str(), BM_minmax, p)
        ->Arg(1 << 16)
        ->Arg(1 << 20)
        ->Arg(1 << 22)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.2)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  vaccel_cleanup();
  return 0;
}
