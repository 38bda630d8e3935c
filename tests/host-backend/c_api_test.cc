// host-backend through its C ABI, over the REAL host vAccel runtime and its
// cpu / noop / exec plugins: what the QEMU device links against.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "test_support.hh"
#include "virtio_accel_host.h"

using namespace va::test;

namespace {

constexpr uint64_t kRunBase = 24 + 32;

struct Host {
  va_host *h = nullptr;
  std::mutex m;
  std::condition_variable cv;
  std::map<void *, std::pair<uint32_t, int>> done;

  static void on_done(void *dev, void *req, uint32_t used, int completed) {
    auto *self = static_cast<Host *>(dev);
    std::lock_guard g(self->m);
    self->done[req] = {used, completed};
    self->cv.notify_all();
  }
  explicit Host(bool guest_code = false, const char *plugins = VA_PLUGINS) {
    va_host_options o;
    va_host_options_init(&o);
    o.plugins = plugins;
    o.exec_allowlist = VA_EXEC_LIB;
    o.allow_guest_code = guest_code;
    o.num_request_queues = 2;
    char err[256] = "";
    h = va_host_new(&o, on_done, this, err, sizeof err);
    EXPECT_NE(h, nullptr) << err;
    error = err;
  }
  ~Host() { va_host_free(h); }
  // Submits and waits, as the device model would.
  uint32_t run(Chain &c) {
    EXPECT_EQ(va_host_submit(h, c.rd_iov.data(), static_cast<unsigned>(c.rd_iov.size()),
                             c.wr_iov.data(), static_cast<unsigned>(c.wr_iov.size()), &c),
              0);
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return done.count(&c) != 0; });
    uint32_t used = done[&c].first;
    done.erase(&c);  // the next chain may live at the same address
    return used;
  }
  uint64_t session() {
    Bytes p;
    p.u32(0).u32(0);
    Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
    run(c);
    return c.status() == VIRTIO_ACCEL_S_OK ? c.rd64(24) : 0;
  }
  std::string error;
};

TEST(CApi, ConfigFeaturesAndSupportedOps) {
  Host host;
  virtio_accel_config cfg;
  va_host_get_config(host.h, &cfg);
  EXPECT_EQ(cfg.version, static_cast<uint32_t>(VIRTIO_ACCEL_VERSION));
  EXPECT_EQ(cfg.num_request_queues, 2u);
  uint64_t ops = cfg.supported_ops;
  for (uint32_t op : {VIRTIO_ACCEL_OP_SGEMM, VIRTIO_ACCEL_OP_MINMAX, VIRTIO_ACCEL_OP_EXEC,
                      VIRTIO_ACCEL_OP_FPGA_VECTORADD})
    EXPECT_TRUE(ops >> op & 1) << op;
  // No loaded plugin (cpu, exec) classifies images or does noop; guest code is off.
  EXPECT_FALSE(ops >> VIRTIO_ACCEL_OP_IMAGE_CLASSIFY & 1);
  EXPECT_FALSE(ops >> VIRTIO_ACCEL_OP_NOOP & 1);
  EXPECT_FALSE(ops >> VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE & 1);
  uint64_t f = va_host_features(host.h);
  EXPECT_TRUE(f >> VIRTIO_ACCEL_F_MQ & 1);
  EXPECT_TRUE(f >> VIRTIO_ACCEL_F_PROFILING & 1);
}

TEST(CApi, SgemmRunsOnTheCpuPlugin) {
  Host host;
  uint64_t s = host.session();
  ASSERT_NE(s, 0u);
  const int64_t m = 33, n = 17, k = 29;
  std::vector<float> A(m * k), B(k * n), ref(m * n, 0);
  for (size_t i = 0; i < A.size(); i++) A[i] = static_cast<float>(i % 11) * 0.5f;
  for (size_t i = 0; i < B.size(); i++) B[i] = static_cast<float>(i % 13) - 6;
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++)
      for (int64_t p = 0; p < k; p++) ref[i * n + j] += A[i * k + p] * B[p * n + j];
  auto body = run_payload(VIRTIO_ACCEL_OP_SGEMM,
                          {sgemm_params(m, n, k, k, n, n, 1, 0), floats(A), floats(B), {}},
                          {static_cast<uint64_t>(m * n * 4)});
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 2, s, body), kRunBase + m * n * 4);
  EXPECT_EQ(host.run(c), kRunBase + m * n * 4);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK) << c.detail();
  EXPECT_STREQ(reinterpret_cast<const char *>(c.wr.data() + 24), "cpu");
  for (int64_t i = 0; i < m * n; i++) {
    float got;
    std::memcpy(&got, c.wr.data() + kRunBase + 4 * i, 4);
    ASSERT_NEAR(got, ref[i], 1e-3f * (1 + std::abs(ref[i]))) << i;
  }
}

TEST(CApi, MinmaxAndFpgaOpsReturnPluginResults) {
  Host host;
  uint64_t s = host.session();
  std::vector<double> data{3.5, -2, 9, 4, 0.25};
  Bytes p, in;
  p.u32(5).u32(0).u32(5).u32(0);
  for (double d : data) in.raw(&d, 8);
  Chain mm(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                   run_payload(VIRTIO_ACCEL_OP_MINMAX, {p.v, in.v}, {40, 16})),
           kRunBase + 56);
  host.run(mm);
  ASSERT_EQ(mm.status(), VIRTIO_ACCEL_S_OK);
  double mn, mx;
  std::memcpy(&mn, mm.wr.data() + kRunBase + 40, 8);
  std::memcpy(&mx, mm.wr.data() + kRunBase + 48, 8);
  EXPECT_EQ(mn, -2);
  EXPECT_EQ(mx, 9);

  Chain va(request(VIRTIO_ACCEL_REQ_RUN, 4, s,
                   run_payload(VIRTIO_ACCEL_OP_FPGA_VECTORADD,
                               {floats({1, 2, 3}), floats({10, 20, 30})}, {12})),
           kRunBase + 12);
  host.run(va);
  ASSERT_EQ(va.status(), VIRTIO_ACCEL_S_OK);
  float out[3];
  std::memcpy(out, va.wr.data() + kRunBase, 12);
  EXPECT_EQ(out[0], 11);
  EXPECT_EQ(out[2], 33);
}

TEST(CApi, ImageOpWithoutPluginFailsWithNotSupported) {
  Host host;
  uint64_t s = host.session();
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                  run_payload(VIRTIO_ACCEL_OP_IMAGE_DETECT, {{1, 2}}, {16})),
          kRunBase + 16);
  host.run(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_UNSUPPORTED);
}

void guest_code_roundtrip();

std::vector<uint8_t> ints(std::vector<int32_t> v) {
  Bytes b;
  for (int32_t x : v) b.u32(static_cast<uint32_t>(x));
  return b.v;
}

TEST(CApi, ExecRunsTheAllowListedLibrary) {
  Host host;
  uint64_t s = host.session();
  Bytes lib, sym;
  lib.str(VA_EXEC_LIB);
  sym.str("va_test_double");
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                  run_payload(VIRTIO_ACCEL_OP_EXEC, {lib.v, sym.v, ints({1, -2, 300})}, {12})),
          kRunBase + 12);
  host.run(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK) << c.detail();
  EXPECT_STREQ(reinterpret_cast<const char *>(c.wr.data() + 24), "exec");
  EXPECT_EQ(static_cast<int32_t>(c.rd32(kRunBase + 4)), -4);
  EXPECT_EQ(static_cast<int32_t>(c.rd32(kRunBase + 8)), 600);
  Bytes missing;
  missing.str("no_such_symbol");
  Chain bad(request(VIRTIO_ACCEL_REQ_RUN, 4, s,
                    run_payload(VIRTIO_ACCEL_OP_EXEC, {lib.v, missing.v, ints({1})}, {4})),
            kRunBase + 4);
  host.run(bad);
  EXPECT_EQ(bad.status(), VIRTIO_ACCEL_S_OP_FAILED);
  EXPECT_NE(bad.detail(), 0u);
}

TEST(CApi, ExecWithResourceRunsGuestShippedCodeWhenEnabled) {
  // A process hosts devices of one runtime configuration only, so this one
  // runs in a freshly executed child ("threadsafe" death-test style re-runs
  // the binary instead of forking this already-configured process).
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_EXIT(
      {
        guest_code_roundtrip();
        std::exit(::testing::Test::HasFailure() ? 1 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

void guest_code_roundtrip() {
  Host host(true);
  uint64_t s = host.session();
  std::ifstream f(VA_EXEC_LIB, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string so = ss.str();
  ASSERT_GT(so.size(), 1000u);
  Bytes reg;
  reg.u32(VIRTIO_ACCEL_RES_LIB).u32(1).u64(so.size()).u32(9).u32(0).str("libdbl.so").str(so);
  Chain r(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 2, s, reg.v), 32);
  host.run(r);
  ASSERT_EQ(r.status(), VIRTIO_ACCEL_S_OK) << r.detail();
  uint64_t res = r.rd64(24);
  Bytes sym;
  sym.str("va_test_double");
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                  run_payload(VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE, {sym.v, ints({21})}, {4}, res)),
          kRunBase + 4);
  host.run(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK) << c.detail();
  EXPECT_EQ(c.rd32(kRunBase), 42u);
  va_host_stats st;
  va_host_get_stats(host.h, &st);
  EXPECT_EQ(st.resources, 1u);
  EXPECT_EQ(st.resource_bytes, so.size());
}

void tensor_roundtrip() {
  Host host(false, VA_NOOP_PLUGIN);
  uint64_t s = host.session();
  Bytes reg;
  reg.u32(VIRTIO_ACCEL_RES_MODEL).u32(1).u64(4).u32(7).u32(0).str("m.model").str("MODL");
  Chain r(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 2, s, reg.v), 32);
  host.run(r);
  ASSERT_EQ(r.status(), VIRTIO_ACCEL_S_OK);
  uint64_t model = r.rd64(24);
  std::vector<float> x{0, 1, 2, 3, 4, 5};
  Bytes node;
  node.u32(0).str("in");
  struct Case {
    uint32_t load, op, type;
    std::vector<uint8_t> node;
  } cases[] = {{VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD, VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, 7, {}},
               {VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD, VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN, 1, {}},
               {VIRTIO_ACCEL_OP_TF_MODEL_LOAD, VIRTIO_ACCEL_OP_TF_MODEL_RUN, 1, node.v}};
  for (auto &cs : cases) {
    Chain load(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(cs.load, {}, {}, model)), 56);
    host.run(load);
    ASSERT_EQ(load.status(), VIRTIO_ACCEL_S_OK) << cs.op;
    auto body = model_run_payload(cs.op, {{cs.node, tensor_desc(cs.type, {2, 3}), floats(x)}},
                                  {cs.node}, {64}, model);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 4, s, body), kRunBase + 80 + 64);
    host.run(c);
    ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK) << cs.op << " detail " << c.detail();
    EXPECT_STREQ(reinterpret_cast<const char *>(c.wr.data() + 24), "noop");
    // tensor_out: the echoed shape and length, then the data.
    EXPECT_EQ(c.rd32(kRunBase), cs.type);
    EXPECT_EQ(c.rd32(kRunBase + 4), 2u);
    EXPECT_EQ(c.rd64(kRunBase + 8), 2u);
    EXPECT_EQ(c.rd64(kRunBase + 16), 3u);
    EXPECT_EQ(c.rd64(kRunBase + 72), 24u);
    EXPECT_EQ(std::memcmp(c.wr.data() + kRunBase + 80, x.data(), 24), 0) << cs.op;
    // An output larger than the capacity the guest offered is refused.
    auto small = model_run_payload(cs.op, {{cs.node, tensor_desc(cs.type, {2, 3}), floats(x)}},
                                   {cs.node}, {16}, model);
    Chain o(request(VIRTIO_ACCEL_REQ_RUN, 5, s, small), kRunBase + 80 + 16);
    host.run(o);
    EXPECT_EQ(o.status(), VIRTIO_ACCEL_S_OP_FAILED);
    EXPECT_EQ(o.detail(), static_cast<uint32_t>(EOVERFLOW));
  }
}

TEST(CApi, TensorOpsRoundTripThroughTheNoopPlugin) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_EXIT(
      {
        tensor_roundtrip();
        std::exit(::testing::Test::HasFailure() ? 1 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(CApi, ResetDropsEverySession) {
  Host host;
  for (int i = 0; i < 5; i++) host.session();
  va_host_stats st;
  va_host_get_stats(host.h, &st);
  EXPECT_EQ(st.sessions, 5u);
  va_host_reset(host.h);
  va_host_get_stats(host.h, &st);
  EXPECT_EQ(st.sessions, 0u);
  EXPECT_EQ(st.in_flight, 0u);
  EXPECT_NE(host.session(), 0u) << "device usable after reset";
}

TEST(CApi, DevicesInOneProcessMustShareThePluginConfiguration) {
  Host a;
  va_host_options o;
  va_host_options_init(&o);
  o.plugins = VA_NOOP_PLUGIN;
  char err[256] = "";
  va_host *b = va_host_new(&o, Host::on_done, nullptr, err, sizeof err);
  EXPECT_EQ(b, nullptr);
  EXPECT_NE(std::string(err).find("same plugins"), std::string::npos) << err;
}

TEST(CApi, BadOptionsAreRefusedWithAMessage) {
  va_host_options o;
  va_host_options_init(&o);
  o.max_args = 100000;
  char err[256] = "";
  EXPECT_EQ(va_host_new(&o, Host::on_done, nullptr, err, sizeof err), nullptr);
  EXPECT_NE(std::string(err).find("max-args"), std::string::npos) << err;
}

// payload_len and the used length are 32 bits: larger limits would be
// advertised in config space and truncated later, so they are refused.
TEST(CApi, SizeLimitsBeyondTheWireAreRefused) {
  struct Case {
    uint64_t req, resp;
    const char *what;
  };
  const Case cases[] = {{32 + (1ull << 32), 1 << 20, "max-request-bytes"},
                        {31, 1 << 20, "max-request-bytes"},
                        {1 << 20, 1ull << 32, "max-response-bytes"},
                        {1 << 20, 23, "max-response-bytes"}};
  for (const Case &c : cases) {
    va_host_options o;
    va_host_options_init(&o);
    o.max_request_bytes = c.req;
    o.max_response_bytes = c.resp;
    char err[256] = "";
    EXPECT_EQ(va_host_new(&o, Host::on_done, nullptr, err, sizeof err), nullptr)
        << c.req << " " << c.resp;
    EXPECT_NE(std::string(err).find(c.what), std::string::npos) << err;
  }
}

TEST(CApi, OptionsDefaultsAreTheEngineLimits) {
  va_host_options o;
  va_host_options_init(&o);
  const va::Limits l;
  EXPECT_EQ(o.max_sessions, l.max_sessions);
  EXPECT_EQ(o.max_resources, l.max_resources);
  EXPECT_EQ(o.max_segments, l.max_segments);
  EXPECT_EQ(o.max_args, l.max_args);
  EXPECT_EQ(o.max_request_bytes, l.max_request_bytes);
  EXPECT_EQ(o.max_response_bytes, l.max_response_bytes);
  EXPECT_EQ(o.max_resource_bytes, l.max_resource_bytes);
  EXPECT_EQ(o.max_staging_bytes, l.max_staging_bytes);
  EXPECT_EQ(o.max_op_cost, l.max_op_cost);
}

}  // namespace
