// Issue 9 over the C ABI and the REAL host runtime with its cpu / exec
// (and, in child processes, noop) plugins: what the QEMU device links.
// A process hosts one runtime configuration, so tests that need another one
// run in a freshly executed child ("threadsafe" death-test style).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "test_support.hh"
#include "vaccel.h"
#include "virtio_accel_host.h"

using namespace va::test;

namespace {

constexpr uint64_t kRunBase = 24 + 32;

struct Host {
  va_host *h = nullptr;
  std::mutex m;
  std::condition_variable cv;
  std::map<void *, int> done;

  static void on_done(void *dev, void *req, uint32_t, int completed) {
    auto *self = static_cast<Host *>(dev);
    std::lock_guard g(self->m);
    self->done[req] = completed;
    self->cv.notify_all();
  }
  explicit Host(const char *allow = VA_EXEC_LIB, const char *plugins = VA_PLUGINS,
                bool guest_code = false) {
    va_host_options o;
    va_host_options_init(&o);
    o.plugins = plugins;
    o.exec_allowlist = allow;
    o.allow_guest_code = guest_code;
    o.num_workers = 2;
    char err[256] = "";
    h = va_host_new(&o, on_done, this, err, sizeof err);
    EXPECT_NE(h, nullptr) << err;
  }
  ~Host() {
    if (h) va_host_free(h);
  }
  int submit(Chain &c) {
    return va_host_submit(h, c.rd_iov.data(), static_cast<unsigned>(c.rd_iov.size()),
                          c.wr_iov.data(), static_cast<unsigned>(c.wr_iov.size()), &c);
  }
  int run(Chain &c) {
    EXPECT_EQ(submit(c), 0);
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return done.count(&c) != 0; });
    int completed = done[&c];
    done.erase(&c);
    return completed;
  }
  uint64_t session() {
    Bytes p;
    p.u32(0).u32(0);
    Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
    run(c);
    return c.status() == VIRTIO_ACCEL_S_OK ? c.rd64(24) : 0;
  }
  uint64_t counter(const char *name) {
    uint64_t v = ~0ull;
    EXPECT_EQ(va_host_get_counter(h, name, &v), 0) << name;
    return v;
  }
  Chain exec(uint64_t s, const char *lib, const std::string &sym, std::vector<uint8_t> arg,
             uint64_t out) {
    Bytes l, y;
    l.str(lib);
    y.str(sym);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                    run_payload(VIRTIO_ACCEL_OP_EXEC, {l.v, y.v, arg}, {out})),
            kRunBase + out);
    run(c);
    return c;
  }
};

std::vector<uint8_t> u32s(std::vector<uint32_t> v) {
  Bytes b;
  for (uint32_t x : v) b.u32(x);
  return b.v;
}

void in_child(void (*fn)()) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_EXIT(
      {
        fn();
        std::exit(::testing::Test::HasFailure() ? 1 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

// The calls issue 9 reproduced through an allow-listed library: each one
// resolves through the library's dependencies (libc), none is defined in it.
const char *const kDependencySymbols[] = {"exit",  "_exit", "fork",   "pause", "setcontext",
                                          "abort", "free",  "system", "execve"};

TEST(HostileCApi1, DependencySymbolsOfALibraryOnlyEntryAreNeverCalled) {
  Host host;  // exec-allowlist = the test library, no symbol list
  uint64_t s = host.session();
  for (const char *sym : kDependencySymbols) {
    Chain c = host.exec(s, VA_EXEC_LIB, sym, u32s({1}), 4);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_OP_FAILED) << sym;
    EXPECT_EQ(c.detail(), static_cast<uint32_t>(EPERM)) << sym;
  }
  Chain data = host.exec(s, VA_EXEC_LIB, "va_test_not_a_function", u32s({1}), 4);
  EXPECT_EQ(data.status(), VIRTIO_ACCEL_S_OP_FAILED) << "data is not callable";
  EXPECT_EQ(data.detail(), static_cast<uint32_t>(EPERM));
  Chain missing = host.exec(s, VA_EXEC_LIB, "no_such_function", u32s({1}), 4);
  EXPECT_EQ(missing.status(), VIRTIO_ACCEL_S_OP_FAILED);
  EXPECT_EQ(missing.detail(), static_cast<uint32_t>(EINVAL)) << "missing stays EINVAL, as upstream";
  Chain ok = host.exec(s, VA_EXEC_LIB, "va_test_double", u32s({21}), 4);
  ASSERT_EQ(ok.status(), VIRTIO_ACCEL_S_OK) << "the library's own function still runs";
  EXPECT_EQ(ok.rd32(kRunBase), 42u);
  // Still alive, and no extra process was forked.
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
}

TEST(HostileCApi1, TheRuntimeApiAndGenopFollowTheSameRule) {
  Host host;  // configures the process's runtime with the allow-list
  vaccel_session sess{};
  ASSERT_EQ(vaccel_session_init(&sess, 0), VACCEL_OK);
  uint32_t in = 5, out = 0;
  vaccel_arg rd{&in, sizeof in, VACCEL_ARG_RAW, 0, false},
      wr{&out, sizeof out, VACCEL_ARG_RAW, 0, false};
  for (const char *sym : kDependencySymbols)
    EXPECT_EQ(vaccel_exec(&sess, VA_EXEC_LIB, sym, &rd, 1, &wr, 1), VACCEL_EPERM) << sym;
  EXPECT_EQ(vaccel_exec(&sess, VA_EXEC_LIB, "va_test_double", &rd, 1, &wr, 1), VACCEL_OK);
  EXPECT_EQ(out, 10u);
  // genop: read = [op type, library, symbol, args...].
  uint8_t op = VACCEL_OP_EXEC;
  std::string lib = VA_EXEC_LIB, sym = "exit";
  vaccel_arg g[4] = {{&op, 1, VACCEL_ARG_RAW, 0, false},
                     {lib.data(), lib.size() + 1, VACCEL_ARG_STRING, 0, false},
                     {sym.data(), sym.size() + 1, VACCEL_ARG_STRING, 0, false},
                     rd};
  EXPECT_EQ(vaccel_genop(&sess, g, 4, &wr, 1), VACCEL_EPERM);
  // A library outside the list is refused before it is even loaded.
  EXPECT_EQ(vaccel_exec(&sess, "/lib/x86_64-linux-gnu/libc.so.6", "getpid", &rd, 1, &wr, 1),
            VACCEL_EPERM);
  vaccel_session_release(&sess);
}

void symbol_list_child() {
  std::string allow = std::string(VA_EXEC_LIB) + ":va_test_double";
  Host host(allow.c_str());
  uint64_t s = host.session();
  EXPECT_EQ(host.exec(s, VA_EXEC_LIB, "va_test_double", u32s({1}), 4).status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(host.exec(s, VA_EXEC_LIB, "va_test_sleep_ms", u32s({1}), 4).status(),
            VIRTIO_ACCEL_S_DENIED);
  EXPECT_EQ(host.exec(s, VA_EXEC_LIB, "exit", u32s({1}), 4).status(), VIRTIO_ACCEL_S_DENIED);
  // The runtime enforces the same list for direct API calls.
  vaccel_session sess{};
  ASSERT_EQ(vaccel_session_init(&sess, 0), VACCEL_OK);
  uint32_t in = 1, out = 0;
  vaccel_arg rd{&in, 4, VACCEL_ARG_RAW, 0, false}, wr{&out, 4, VACCEL_ARG_RAW, 0, false};
  EXPECT_EQ(vaccel_exec(&sess, VA_EXEC_LIB, "va_test_sleep_ms", &rd, 1, &wr, 1), VACCEL_EPERM);
  vaccel_session_release(&sess);
}

TEST(HostileCApi1, ASymbolListAllowsExactlyThoseSymbols) { in_child(symbol_list_child); }

void guest_code_child() {
  Host host("", VA_PLUGINS, true);
  uint64_t s = host.session();
  std::ifstream f(VA_EXEC_LIB, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string so = ss.str();
  Bytes reg;
  reg.u32(VIRTIO_ACCEL_RES_LIB).u32(1).u64(so.size()).u32(6).u32(0).str("lib.so").str(so);
  Chain r(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 2, s, reg.v), 32);
  host.run(r);
  ASSERT_EQ(r.status(), VIRTIO_ACCEL_S_OK);
  uint64_t res = r.rd64(24);
  auto call = [&](const char *sym) {
    Bytes y;
    y.str(sym);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                    run_payload(VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE, {y.v, u32s({4})}, {4}, res)),
            kRunBase + 4);
    host.run(c);
    return c;
  };
  for (const char *sym : kDependencySymbols)
    EXPECT_NE(call(sym).status(), VIRTIO_ACCEL_S_OK) << sym;
  Chain ok = call("va_test_double");
  ASSERT_EQ(ok.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(ok.rd32(kRunBase), 8u);
}

TEST(HostileCApi1, GuestShippedLibrariesOnlyExposeTheirOwnFunctions) { in_child(guest_code_child); }

// ---- item 2 -----------------------------------------------------------------

TEST(HostileCApi2, ResetDuringALongHostOpIsBoundedAndLeavesGuestMemoryAlone) {
  Host host;
  uint64_t s = host.session();
  Bytes l, y;
  l.str(VA_EXEC_LIB);
  y.str("va_test_sleep_ms");
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 9, s,
                  run_payload(VIRTIO_ACCEL_OP_EXEC, {l.v, y.v, u32s({3000})}, {64})),
          kRunBase + 64);
  ASSERT_EQ(host.submit(c), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the op is sleeping now
  auto t0 = std::chrono::steady_clock::now();
  va_host_reset(host.h);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("va_host_reset during a 3 s host op: %.3f ms\n", ms);
  EXPECT_LT(ms, 1000.0) << "reset waited for the running op";
  {
    std::lock_guard g(host.m);
    ASSERT_EQ(host.done.count(&c), 1u);
    EXPECT_EQ(host.done[&c], 0) << "abandoned, not completed";
  }
  EXPECT_EQ(host.counter("abandoned-running"), 1u);
  va_host_stats st;
  va_host_get_stats(host.h, &st);
  EXPECT_EQ(st.in_flight, 0u);
  std::fill(c.wr.begin(), c.wr.end(), 0x5C);
  while (host.counter("abandoned-running") != 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (uint8_t b : c.wr) ASSERT_EQ(b, 0x5C) << "written after reset returned";
  EXPECT_EQ(host.counter("abandoned"), 1u);
  EXPECT_NE(host.session(), 0u) << "device usable after reset";
}

void free_child() {
  auto *host = new Host();
  uint64_t s = host->session();
  Bytes l, y;
  l.str(VA_EXEC_LIB);
  y.str("va_test_sleep_ms");
  auto *c = new Chain(request(VIRTIO_ACCEL_REQ_RUN, 9, s,
                              run_payload(VIRTIO_ACCEL_OP_EXEC, {l.v, y.v, u32s({3000})}, {4})),
                      kRunBase + 4);
  ASSERT_EQ(host->submit(*c), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto t0 = std::chrono::steady_clock::now();
  va_host_free(host->h);  // unplug
  host->h = nullptr;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("va_host_free during a 3 s host op: %.3f ms\n", ms);
  EXPECT_LT(ms, 1000.0);
  std::this_thread::sleep_for(
      std::chrono::milliseconds(3500));  // the op ends, then the backend frees itself
}

TEST(HostileCApi2, UnplugDuringALongHostOpIsBounded) { in_child(free_child); }

// ---- item 3: mmult on BLAS ------------------------------------------------------

TEST(HostileCApi3, CpuMmultIsBlasBackedAndAccurate) {
  Host host;
  uint64_t s = host.session();
  const size_t n = 384;
  std::vector<float> a(n * n), b(n * n);
  for (size_t i = 0; i < a.size(); i++) {
    a[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1;
    b[i] = static_cast<float>((i * 53) % 97) / 48.0f - 1;
  }
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 2, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_MMULT, {floats(a), floats(b)}, {n * n * 4})),
          kRunBase + n * n * 4);
  auto t0 = std::chrono::steady_clock::now();
  host.run(c);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  std::printf("fpga_mmult n=%zu on the cpu plugin: %.1f ms\n", n, ms);
  for (size_t i = 0; i < n; i += 37)
    for (size_t j = 0; j < n; j += 11) {
      double acc = 0;
      for (size_t p = 0; p < n; p++) acc += double(a[i * n + p]) * double(b[p * n + j]);
      float got;
      std::memcpy(&got, c.wr.data() + kRunBase + 4 * (i * n + j), 4);
      ASSERT_NEAR(got, static_cast<float>(acc), 1e-5 * (1 + std::fabs(acc))) << i << "," << j;
    }
}

// ---- item 6 -----------------------------------------------------------------------

TEST(HostileCApi6, StagingIsVisibleAsACounterWithItsBudget) {
  Host host;
  uint64_t s = host.session();
  EXPECT_EQ(host.counter("staging-limit"), (256ull << 20) * 2 + (16ull << 20));
  std::vector<uint8_t> data(1 << 20, 3);
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 2, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {data}, {data.size()})),
          kRunBase + data.size());
  host.run(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_GE(host.counter("staging-bytes"), 2u * data.size()) << "kept for reuse and counted";
  uint64_t v;
  EXPECT_EQ(va_host_get_counter(host.h, "no-such-counter", &v), -ENOENT);
}

// Issue 14: host copies per byte through the C ABI, over the real runtime (the
// worker pool and the real arraycopy): each argument byte crosses once.
TEST(HostileCApi6, CopiesPerArgumentByteAreCounters) {
  Host host;
  uint64_t s = host.session();
  std::vector<uint8_t> data(3 << 20, 5);
  for (int i = 0; i < 2; i++) {
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 2 + i, s,
                    run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {data}, {data.size()})),
            kRunBase + data.size());
    host.run(c);
    ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
    ASSERT_EQ(c.wr[kRunBase + data.size() - 1], 5);
  }
  EXPECT_EQ(host.counter("arg-bytes-in"), 2 * data.size());
  EXPECT_EQ(host.counter("arg-bytes-out"), 2 * data.size());
  EXPECT_EQ(host.counter("copied-in"), 2 * data.size());
  EXPECT_EQ(host.counter("copied-out"), 2 * data.size());
  EXPECT_EQ(host.counter("zero-filled"), 0u) << "arraycopy overwrites its whole output";
  // 6 MiB of staging: above what a worker keeps, so it idles in the pool.
  EXPECT_GE(host.counter("staging-idle"), 2 * data.size());
  EXPECT_LE(host.counter("staging-idle"), host.counter("staging-bytes"));
}

// ---- item 7: the exec test library on hostile values ----------------------------

TEST(HostileCApi7, ExecTestLibraryHandlesMisalignedWrappingValues) {
  Host host;
  uint64_t s = host.session();
  Chain c = host.exec(s, VA_EXEC_LIB, "va_test_double", u32s({0x7fffffffu, 0x80000001u, 3}), 12);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(c.rd32(kRunBase), 0xfffffffeu);
  EXPECT_EQ(c.rd32(kRunBase + 4), 2u);
  EXPECT_EQ(c.rd32(kRunBase + 8), 6u);
}

// ---- racing guest over the real runtime -------------------------------------------

TEST(HostileCApiRacing, AGuestRewritingItsChainsNeverHurtsTheHost) {
  Host host;
  uint64_t s = host.session();
  std::vector<std::unique_ptr<Chain>> chains;
  const int64_t n = 24;
  std::vector<float> a(n * n, 0.5f);
  Bytes mm;
  mm.u32(64).u32(0).u32(1).u32(0);
  for (int i = 0; i < 6; i++) {
    std::vector<uint8_t> body;
    if (i % 3 == 0)
      body = run_payload(VIRTIO_ACCEL_OP_SGEMM,
                         {sgemm_params(n, n, n, n, n, n, 1, 1), floats(a), floats(a), floats(a)},
                         {static_cast<uint64_t>(n * n * 4)});
    else if (i % 3 == 1)
      body = run_payload(VIRTIO_ACCEL_OP_MINMAX, {mm.v, std::vector<uint8_t>(64 * 8, 0x3f)},
                         {64 * 8, 16});
    else
      body = run_payload(VIRTIO_ACCEL_OP_FPGA_PARALLEL, {floats(a), floats(a)},
                         {n * n * 4, n * n * 4});
    chains.push_back(std::make_unique<Chain>(
        request(VIRTIO_ACCEL_REQ_RUN, i, s, body), kRunBase + 2 * n * n * 4 + 64,
        std::vector<size_t>{24, 61, 130}, std::vector<size_t>{8, 100}));
  }
  std::atomic<bool> stop{false};
  std::thread racer([&] {
    uint32_t x = 99;
    while (!stop)
      for (auto &c : chains) {
        x = x * 1664525 + 1013904223;
        c->rd[x % 200 % c->rd.size()] ^= static_cast<uint8_t>(x >> 24);  // headers and tables
        c->rd[x % c->rd.size()] ^= 0x80;                                 // and data
      }
  });
  for (int round = 0; round < 100; round++)
    for (auto &c : chains) ASSERT_EQ(host.run(*c), 1);
  stop = true;
  racer.join();
  va_host_reset(host.h);
  va_host_stats st;
  va_host_get_stats(host.h, &st);
  EXPECT_EQ(st.in_flight, 0u);
  EXPECT_EQ(st.sessions, 0u);
  EXPECT_EQ(st.resources, 0u);
}

}  // namespace
