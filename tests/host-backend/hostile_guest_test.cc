// Issue 9: a hostile guest cannot take over, stall, flood or bloat the host.
// One regression test (or more) per item, engine level over the runtime
// double; the same items over the real runtime are in hostile_capi_test.cc.
// The spec's threat table (virtio-accel-spec/virtio-accel.md §13) names them.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "test_support.hh"
#include "worker_pool.hh"

using namespace va;
using namespace va::test;

namespace {

constexpr uint64_t kRunBase = 24 + 32;

bool overlaps(const uint8_t *a, uint64_t alen, const uint8_t *b, uint64_t blen) {
  return alen && blen && a < b + blen && b < a + alen;
}

// ---- item 1: exec names symbols, not just libraries -------------------------

TEST(Hostile1, ExecAllowListIsPerSymbolWhenSymbolsAreListed) {
  EngineOptions o;
  o.exec_allowlist = policy("/opt/a.so:scale:blend:/opt/b.so");
  Device d(o);
  uint64_t s = d.create_session();
  auto exec = [&](const std::string &lib, const std::string &sym) {
    Bytes l, y;
    l.str(lib);
    y.str(sym);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_EXEC, {l.v, y.v}, {})),
            56);
    d.process(c);
    return c.status();
  };
  EXPECT_EQ(exec("/opt/a.so", "scale"), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(exec("/opt/a.so", "blend"), VIRTIO_ACCEL_S_OK);
  for (const char *sym : {"exit", "fork", "pause", "setcontext", "abort", "free", "scale2"})
    EXPECT_EQ(exec("/opt/a.so", sym), VIRTIO_ACCEL_S_DENIED) << sym;
  // A library-only entry: any identifier passes the engine; the exec plugin
  // then calls it only if defined in that very object (hostile_capi_test).
  EXPECT_EQ(exec("/opt/b.so", "anything"), VIRTIO_ACCEL_S_OK);
  // Never a non-identifier (no newline, version suffix or path reaches on).
  for (const char *sym : {"a\nb", "exit@GLIBC_2.2.5", "1abc", "a b", "../x"})
    EXPECT_EQ(exec("/opt/b.so", sym), VIRTIO_ACCEL_S_DENIED) << sym;
}

TEST(Hostile1, AllowListSyntaxIsCheckedWhenTheDeviceIsCreated) {
  ExecPolicy p;
  std::string err;
  EXPECT_TRUE(p.parse("/a.so:/b.so", &err)) << "plain path lists keep working";
  EXPECT_TRUE(p.allows("/a.so", "f"));
  EXPECT_FALSE(p.parse("/a.so:not-an-identifier", &err));
  EXPECT_FALSE(p.parse("fn:/a.so", &err)) << "a symbol needs a library before it";
  EXPECT_FALSE(p.parse("relative.so", &err));
  // EXEC_WITH_RESOURCE also takes the OpenCL plugin's "kernel@G0xG1xG2".
  EXPECT_TRUE(valid_resource_symbol("vadd"));
  EXPECT_TRUE(valid_resource_symbol("mm@64x64"));
  EXPECT_TRUE(valid_resource_symbol("k@1x2x3"));
  for (const char *bad : {"k@", "k@1x", "k@1x2x3x4", "k@x1", "k@1\n", "@1", "a b", "k@1y2"})
    EXPECT_FALSE(valid_resource_symbol(bad)) << bad;
}

// ---- item 2: reset is bounded whatever runs ---------------------------------

struct AsyncDevice {
  FakeRuntime rt;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<WorkerPool> pool;
  std::mutex m;
  std::condition_variable cv;
  std::map<void *, bool> done;

  explicit AsyncDevice(unsigned workers, EngineOptions o = {}) {
    engine = std::make_unique<Engine>(&rt, std::move(o));
    pool = std::make_unique<WorkerPool>(engine.get(), workers, 256,
                                        [this](void *req, uint32_t, bool completed) {
                                          std::lock_guard g(m);
                                          done[req] = completed;
                                          cv.notify_all();
                                        });
  }
  ~AsyncDevice() {
    rt.release();
    pool.reset();
  }
  int submit(Chain &c) {
    return pool->submit(c.rd_iov.data(), static_cast<unsigned>(c.rd_iov.size()), c.wr_iov.data(),
                        static_cast<unsigned>(c.wr_iov.size()), &c);
  }
  bool wait_done(Chain &c, std::chrono::milliseconds limit) {
    std::unique_lock lk(m);
    return cv.wait_for(lk, limit, [&] { return done.count(&c) != 0; });
  }
  uint64_t session() {
    Bytes p;
    p.u32(0).u32(0);
    Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
    Scratch s;
    engine->process(c.rd_iov.data(), 1, c.wr_iov.data(), 1, &s);
    return c.rd64(24);
  }
};

TEST(Hostile2, ResetDuringALongOpReturnsAndNeverWritesGuestMemoryLater) {
  AsyncDevice d(1);
  uint64_t s = d.session();
  d.rt.block = true;  // the op runs "forever" until released
  std::vector<uint8_t> in(4096, 0x42);
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 7, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {in}, {4096})),
          kRunBase + 4096);
  ASSERT_EQ(d.submit(c), 0);
  d.rt.wait_blocked(1);
  auto t0 = std::chrono::steady_clock::now();
  d.pool->reset();
  d.engine->reset();
  auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("reset with a running op took %.3f ms\n", ms);
  ASSERT_EQ(d.done.count(&c), 1u) << "reset must complete the request itself";
  EXPECT_FALSE(d.done[&c]);
  // The op holds staging (counted), not guest memory.
  EXPECT_FALSE(overlaps(d.rt.last_in[0], 4096, c.rd.data(), c.rd.size()));
  EXPECT_FALSE(overlaps(d.rt.last_out[0], 4096, c.wr.data(), c.wr.size()));
  EXPECT_GT(d.engine->staging().used(), 0u);
  std::fill(c.wr.begin(), c.wr.end(), 0x77);  // "unmapped": any write shows
  d.rt.release();
  while (d.pool->abandoned_running() != 0) std::this_thread::yield();
  for (uint8_t b : c.wr) ASSERT_EQ(b, 0x77);
  EXPECT_EQ(d.engine->stats().abandoned.load(), 1u);
  EXPECT_EQ(d.engine->table().sessions(), 0u);
}

TEST(Hostile2, SessionCreatedByAnAbandonedRequestDoesNotSurviveTheReset) {
  AsyncDevice d(1);
  d.rt.block_create = true;  // a slow plugin session hook
  Bytes p;
  p.u32(0).u32(0);
  Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
  ASSERT_EQ(d.submit(c), 0);
  d.rt.wait_blocked(1);
  d.pool->reset();
  d.engine->reset();
  EXPECT_FALSE(d.done[&c]);
  d.rt.release();
  while (d.pool->abandoned_running() != 0) std::this_thread::yield();
  EXPECT_EQ(d.engine->table().held_sessions(), 0u)
      << "a session nobody knows about survived the reset";
  EXPECT_EQ(d.rt.live_sessions, 0);
  EXPECT_EQ(c.wr[0], 0xEE);
}

// ---- item 3: work bound and fairness ------------------------------------------

TEST(Hostile3, PredictableWorkAboveTheBoundIsRefused) {
  EngineOptions o;
  o.limits.max_op_cost = 1000000;  // 100^3
  Device d(o);
  uint64_t s = d.create_session();
  auto sgemm = [&](int64_t m, int64_t n, int64_t k) {
    auto body = run_payload(VIRTIO_ACCEL_OP_SGEMM,
                            {sgemm_params(m, n, k, k, n, n, 1, 0),
                             std::vector<uint8_t>(m * k * 4),
                             std::vector<uint8_t>(k * n * 4),
                             {}},
                            {static_cast<uint64_t>(m * n * 4)});
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 2, s, body), kRunBase + m * n * 4);
    d.process(c);
    return c.status();
  };
  EXPECT_EQ(sgemm(100, 100, 100), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(sgemm(100, 100, 101), VIRTIO_ACCEL_S_QUOTA);
  auto mmult = [&](uint64_t n) {
    std::vector<uint8_t> a(n * n * 4);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 2, s,
                    run_payload(VIRTIO_ACCEL_OP_FPGA_MMULT, {a, a}, {n * n * 4})),
            kRunBase + n * n * 4);
    d.process(c);
    return c.status();
  };
  EXPECT_EQ(mmult(100), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(mmult(101), VIRTIO_ACCEL_S_QUOTA);
  EXPECT_EQ(Limits{}.max_op_cost, 1ull << 34) << "bounded by default";
}

TEST(Hostile3, SessionBIsServedWhileSessionAKeepsEveryWorkerBusy) {
  AsyncDevice d(4);
  uint64_t a = d.session(), b = d.session();
  d.rt.block = true;
  d.rt.block_only_op = VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY;  // A's long ops
  std::vector<std::unique_ptr<Chain>> longs;
  for (int i = 0; i < 8; i++) {
    longs.push_back(std::make_unique<Chain>(
        request(VIRTIO_ACCEL_REQ_RUN, 10 + i, a,
                run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {std::vector<uint8_t>(64)}, {64})),
        kRunBase + 64));
    ASSERT_EQ(d.submit(*longs.back()), 0);
  }
  d.rt.wait_blocked(3);
  Chain noop(request(VIRTIO_ACCEL_REQ_RUN, 99, b, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56);
  ASSERT_EQ(d.submit(noop), 0);
  ASSERT_TRUE(d.wait_done(noop, std::chrono::seconds(10))) << "session B starved by session A";
  EXPECT_EQ(noop.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.blocked.load(), 3) << "A holds all workers but one";
  d.rt.release();
  for (auto &c : longs) ASSERT_TRUE(d.wait_done(*c, std::chrono::seconds(10)));
}

// ---- item 4: guest-triggered logs ------------------------------------------

TEST(Hostile4, GuestTriggeredMessagesAreRateLimitedAndEscaped) {
  std::vector<std::string> lines;
  std::mutex lm;
  EngineOptions o;
  o.log = [&](int, const char *msg) {
    std::lock_guard g(lm);
    lines.emplace_back(msg);
  };
  o.exec_allowlist = policy("/opt/a.so:f");
  Device d(o);
  uint64_t s = d.create_session();
  Bytes l, y;
  l.str("/opt/a.so");
  y.str("x\n1796000000.000000 - <ERROR> forged line\x1b[2J");
  for (int i = 0; i < 1000; i++) {
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_EXEC, {l.v, y.v}, {})),
            56);
    d.process(c);
    ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_DENIED);
  }
  EXPECT_LE(lines.size(), 25u) << "1000 bad requests, a burst of messages at most";
  EXPECT_GE(d.engine->guest_log().suppressed(), 900u);
  for (auto &line : lines) {
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }
}

TEST(Hostile4, MinmaxWithLowAboveHighIsRefusedByTheSchema) {
  Device d;
  uint64_t s = d.create_session();
  Bytes p, data;
  p.u32(1).u32(10).u32(5).u32(0);  // ndata 1, low 10 > high 5
  double x = 1;
  data.raw(&x, 8);
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                  run_payload(VIRTIO_ACCEL_OP_MINMAX, {p.v, data.v}, {8, 16})),
          kRunBase + 24);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_BAD_ARGS);
}

// ---- item 5: aliased descriptors -------------------------------------------

TEST(Hostile5, AliasedReadableAndWritableDescriptorsNeverReachAnOpAsOverlap) {
  Device d;
  uint64_t s = d.create_session();
  const int64_t n = 8;
  std::vector<float> A(n * n, 1), B(n * n, 2), C(n * n, 3);
  auto body = run_payload(VIRTIO_ACCEL_OP_SGEMM,
                          {sgemm_params(n, n, n, n, n, n, 1, 1), floats(A), floats(B), floats(C)},
                          {static_cast<uint64_t>(n * n * 4)});
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, body), kRunBase + n * n * 4);
  // The guest points its output descriptor at the very bytes of its C input.
  size_t cin_off = c.rd.size() - n * n * 4;
  struct iovec wr[2] = {{c.wr.data(), kRunBase},
                        {c.rd.data() + cin_off, static_cast<size_t>(n * n * 4)}};
  struct iovec rd[1] = {{c.rd.data(), c.rd.size()}};
  d.engine->process(rd, 1, wr, 2, &d.scratch);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  // Every pair of arguments the op saw is disjoint.
  std::vector<std::pair<const uint8_t *, uint64_t>> all;
  for (size_t i = 0; i < d.rt.last_in.size(); i++)
    all.push_back({d.rt.last_in[i], d.rt.last_in_len[i]});
  for (size_t i = 0; i < d.rt.last_out.size(); i++)
    all.push_back({d.rt.last_out[i], d.rt.last_out_len[i]});
  for (size_t i = 0; i < all.size(); i++)
    for (size_t j = i + 1; j < all.size(); j++)
      EXPECT_FALSE(overlaps(all[i].first, all[i].second, all[j].first, all[j].second))
          << i << " " << j;
  // And C = A*B + C computed from the C the guest sent: 8*2 + 3.
  float got;
  std::memcpy(&got, c.rd.data() + cin_off, 4);
  EXPECT_EQ(got, 19.0f);
}

// ---- item 6: staging is budgeted ----------------------------------------------

TEST(Hostile6, StagingCountsAgainstTheDeviceBudgetAndFailsCleanly) {
  EngineOptions o;
  o.limits.max_staging_bytes = 1 << 20;
  AsyncDevice d(2, o);
  uint64_t s = d.session(), s2 = d.session();
  d.rt.block = true;
  std::vector<uint8_t> big(300 << 10, 1);
  Chain first(request(VIRTIO_ACCEL_REQ_RUN, 1, s,
                      run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {big}, {big.size()})),
              kRunBase + big.size());
  ASSERT_EQ(d.submit(first), 0);
  d.rt.wait_blocked(1);
  EXPECT_GE(d.engine->staging().used(), 2 * big.size());
  // A second request sharing the same guest pages would need the same again.
  Chain second(request(VIRTIO_ACCEL_REQ_RUN, 2, s2,
                       run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {big}, {big.size()})),
               kRunBase + big.size());
  ASSERT_EQ(d.submit(second), 0);
  ASSERT_TRUE(d.wait_done(second, std::chrono::seconds(10)));
  EXPECT_EQ(second.status(), VIRTIO_ACCEL_S_QUOTA);
  EXPECT_LE(d.engine->staging().used(), d.engine->staging().cap());
  d.rt.release();
  ASSERT_TRUE(d.wait_done(first, std::chrono::seconds(10)));
  EXPECT_EQ(first.status(), VIRTIO_ACCEL_S_OK);
  d.pool.reset();  // workers gone: their kept staging returns to the budget
  EXPECT_EQ(d.engine->staging().used(), 0u);
}

TEST(Hostile6, OneHugeRequestDoesNotPinStagingAfterwards) {
  // Idle staging is kept only up to a quarter of the budget: 4 MiB here.
  EngineOptions o;
  o.limits.max_staging_bytes = 16 << 20;
  Device d(o);
  uint64_t s = d.create_session();
  std::vector<uint8_t> big((4 << 20) + 4096, 1);
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 1, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {big}, {big.size()})),
          kRunBase + big.size());
  d.process(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.engine->staging().used(), 0u);
  EXPECT_EQ(d.engine->staging().idle(), 0u);
}

// Large staging is pooled per device: the next large request (on any worker)
// gets warm memory instead of faulting in fresh pages, and the pool is
// counted against the budget.
TEST(Staging, LargeBuffersAreReusedAcrossRequestsAndCounted) {
  Device d;
  uint64_t s = d.create_session();
  std::vector<uint8_t> big(4 << 20, 7);
  Chain a(request(VIRTIO_ACCEL_REQ_RUN, 1, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {big}, {big.size()})),
          kRunBase + big.size());
  d.process(a);
  ASSERT_EQ(a.status(), VIRTIO_ACCEL_S_OK);
  const uint8_t *first = d.rt.last_in[0];
  EXPECT_GE(d.engine->staging().idle(), 2 * big.size()) << "handed to the pool, not unmapped";
  EXPECT_EQ(d.engine->staging().used(), d.engine->staging().idle()) << "idle bytes stay counted";
  EXPECT_LE(d.engine->staging().idle(), d.engine->staging().idle_cap());
  std::vector<uint8_t> smaller(3 << 20, 9);
  Chain b(request(VIRTIO_ACCEL_REQ_RUN, 2, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {smaller}, {smaller.size()})),
          kRunBase + smaller.size());
  d.process(b);
  ASSERT_EQ(b.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.last_in[0], first) << "the pooled buffer was reused";
  EXPECT_EQ(b.wr[kRunBase + smaller.size() - 1], 9);
}

// Idle buffers are a cache: a request that needs their share of the budget
// evicts them instead of failing with S_QUOTA.
TEST(Staging, IdleBuffersGiveWayToARequestThatNeedsTheBudget) {
  EngineOptions o;
  o.limits.max_staging_bytes = 36 << 20;  // idle pool: 9 MiB
  Device d(o);
  uint64_t s = d.create_session();
  std::vector<uint8_t> a_in(4 << 20, 1), b_in(16 << 20, 2);
  Chain a(request(VIRTIO_ACCEL_REQ_RUN, 1, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {a_in}, {a_in.size()})),
          kRunBase + a_in.size());
  d.process(a);
  ASSERT_EQ(a.status(), VIRTIO_ACCEL_S_OK);
  ASSERT_EQ(d.engine->staging().idle(), 8u << 20);
  // Pooled buffer is too small for 32 MiB, and 8 + 32 > 36: it must go.
  Chain b(request(VIRTIO_ACCEL_REQ_RUN, 2, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {b_in}, {b_in.size()})),
          kRunBase + b_in.size());
  d.process(b);
  ASSERT_EQ(b.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(b.wr[kRunBase + b_in.size() - 1], 2);
  EXPECT_LE(d.engine->staging().used(), d.engine->staging().cap());
}

// Reused staging holds bytes of earlier requests; an op that may write less
// than its output region must still return zeros for what it left, never
// those bytes (spec: no host data, and no stale data, in outputs).
TEST(Staging, ReusedStagingNeverShowsEarlierBytesInUnwrittenOutput) {
  Device d;
  uint64_t s = d.create_session();
  std::vector<uint8_t> dirty(2 << 20, 0xAB);
  Chain a(request(VIRTIO_ACCEL_REQ_RUN, 1, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {dirty}, {dirty.size()})),
          kRunBase + dirty.size());
  d.process(a);
  ASSERT_EQ(a.status(), VIRTIO_ACCEL_S_OK);
  const uint8_t *first = d.rt.last_in[0];
  // OPENCV: the fake runtime writes nothing into its outputs.
  Chain b(request(VIRTIO_ACCEL_REQ_RUN, 2, s,
                  run_payload(VIRTIO_ACCEL_OP_OPENCV, {{1, 2, 3, 4}}, {dirty.size()})),
          kRunBase + dirty.size());
  d.process(b);
  ASSERT_EQ(b.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.last_in[0], first) << "same pooled buffer, so it held 0xAB before";
  size_t nonzero = 0;
  for (size_t i = kRunBase; i < b.wr.size(); i++) nonzero += b.wr[i] != 0;
  EXPECT_EQ(nonzero, 0u);
}

// ---- item 7: aligned arguments for every op ---------------------------------

TEST(Hostile7, MisalignedGuestArgumentsReachEveryOpAligned) {
  EngineOptions o;
  o.exec_allowlist = policy("/opt/a.so");
  Device d(o);
  uint64_t s = d.create_session();
  Bytes l, y;
  l.str("/opt/a.so");
  y.str("f");
  // Odd lengths before each argument make every guest offset odd.
  for (uint32_t op : {VIRTIO_ACCEL_OP_EXEC, VIRTIO_ACCEL_OP_OPENCV}) {
    std::vector<std::vector<uint8_t>> ins;
    if (op == VIRTIO_ACCEL_OP_EXEC) ins = {l.v, y.v};
    ins.push_back(std::vector<uint8_t>(3, 1));
    ins.push_back(std::vector<uint8_t>(17, 2));
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(op, ins, {5, 24})), kRunBase + 29);
    d.process(c);
    ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
    for (auto *p : d.rt.last_in) EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << op;
    for (auto *p : d.rt.last_out) EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << op;
  }
}

// ---- item 8: IDs never come back ------------------------------------------------

TEST(Hostile8, GenerationsNeverWrapSoDestroyedIdsStayDead) {
  Device d;
  uint64_t first = d.create_session();
  Chain kill(request(VIRTIO_ACCEL_REQ_SESSION_DESTROY, 2, first, {}), 24);
  d.process(kill);
  d.engine->table_for_test().set_next_generation_for_test(UINT32_MAX);
  std::set<uint64_t> seen{first};
  uint64_t last_gen = d.create_session();
  EXPECT_EQ(last_gen >> 32, UINT32_MAX);
  seen.insert(last_gen);
  Chain kill2(request(VIRTIO_ACCEL_REQ_SESSION_DESTROY, 2, last_gen, {}), 24);
  d.process(kill2);
  for (int i = 0; i < 4; i++) {
    uint64_t id = d.create_session();
    ASSERT_NE(id, 0u);
    EXPECT_EQ(seen.count(id), 0u) << std::hex << id;
    EXPECT_NE(id & 0xffffffffu, last_gen & 0xffffffffu) << "the spent slot was reused";
    seen.insert(id);
    Chain k(request(VIRTIO_ACCEL_REQ_SESSION_DESTROY, 2, id, {}), 24);
    d.process(k);
  }
  Chain stale(request(VIRTIO_ACCEL_REQ_SESSION_DESTROY, 2, last_gen, {}), 24);
  d.process(stale);
  EXPECT_EQ(stale.status(), VIRTIO_ACCEL_S_NO_SESSION);
}

// ---- item 9: tensor types without a fixed element size ------------------------

TEST(Hostile9, TensorTypesWithoutAFixedSizeAreRefusedAndInt4IsPacked) {
  Device d;
  uint64_t s = d.create_session();
  Bytes reg;
  reg.u32(VIRTIO_ACCEL_RES_MODEL).u32(1).u64(4).u32(1).u32(0).str("m").str("MODL");
  Chain r(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 2, s, reg.v), 32);
  d.process(r);
  ASSERT_EQ(r.status(), VIRTIO_ACCEL_S_OK);
  uint64_t model = r.rd64(24);
  auto run = [&](uint32_t op, uint32_t type, std::vector<int64_t> dims, size_t bytes) {
    std::vector<uint8_t> node;
    if (op == VIRTIO_ACCEL_OP_TF_MODEL_RUN) node = {0, 0, 0, 0, 'x'};
    auto body = model_run_payload(
        op, {{node, tensor_desc(type, dims), std::vector<uint8_t>(bytes)}}, {node}, {8}, model);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, body), kRunBase + 80 + 8);
    d.process(c);
    return c.status();
  };
  // TF: 7 string, 20 resource, 21 variant; TFLite: 5 string, 14 resource, 15 variant.
  for (uint32_t t : {7u, 20u, 21u})
    EXPECT_EQ(run(VIRTIO_ACCEL_OP_TF_MODEL_RUN, t, {4}, 1 << 12), VIRTIO_ACCEL_S_BAD_ARGS) << t;
  for (uint32_t t : {5u, 14u, 15u})
    EXPECT_EQ(run(VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN, t, {4}, 1 << 12), VIRTIO_ACCEL_S_BAD_ARGS) << t;
  // TFLite INT4 (18): two elements per byte, 5 elements need 3 bytes.
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN, 18, {5}, 2), VIRTIO_ACCEL_S_BAD_ARGS);
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN, 18, {5}, 3), VIRTIO_ACCEL_S_OK);
}

// ---- racing guest: memory rewritten while the request is processed --------------

TEST(RacingGuest, RewritingTheChainDuringProcessingIsHarmless) {
  AsyncDevice d(4);
  uint64_t s = d.session();
  std::atomic<bool> stop{false};
  constexpr int kChains = 8;
  std::vector<std::unique_ptr<Chain>> chains;
  for (int i = 0; i < kChains; i++) {
    std::vector<float> a(16 * 16, 1);
    chains.push_back(std::make_unique<Chain>(
        request(VIRTIO_ACCEL_REQ_RUN, i, s,
                run_payload(VIRTIO_ACCEL_OP_SGEMM,
                            {sgemm_params(16, 16, 16, 16, 16, 16, 1, 0), floats(a), floats(a), {}},
                            {16 * 16 * 4})),
        kRunBase + 16 * 16 * 4, std::vector<size_t>{30, 77, 200}, std::vector<size_t>{8, 60}));
  }
  // The racer flips bytes everywhere in every chain, headers included.
  std::thread racer([&] {
    uint32_t x = 12345;
    while (!stop) {
      for (auto &c : chains) {
        x = x * 1664525 + 1013904223;
        c->rd[x % c->rd.size()] ^= static_cast<uint8_t>(x >> 24);
        c->wr[(x >> 8) % c->wr.size()] ^= 1;
      }
    }
  });
  for (int round = 0; round < 200; round++) {
    for (auto &c : chains) ASSERT_EQ(d.submit(*c), 0);
    for (auto &c : chains) {
      ASSERT_TRUE(d.wait_done(*c, std::chrono::seconds(20)));
      std::lock_guard g(d.m);
      d.done.erase(c.get());
    }
  }
  stop = true;
  racer.join();
  EXPECT_EQ(d.engine->stats().in_flight.load(), 0u);
  EXPECT_LE(d.engine->staging().used(), 4 * kStagingKeep);
}

}  // namespace
