// The asynchronous path: worker pool, concurrent requests, device reset with
// requests queued and running, and session destruction while an op runs.
#include <gtest/gtest.h>

#include <map>

#include "test_support.hh"
#include "worker_pool.hh"

using namespace va;
using namespace va::test;

namespace {

struct Completion {
  uint32_t used;
  bool completed;
};

struct AsyncDevice {
  FakeRuntime rt;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<WorkerPool> pool;
  std::mutex m;
  std::condition_variable cv;
  std::map<void *, Completion> done;

  explicit AsyncDevice(unsigned workers = 4, unsigned depth = 64) {
    engine = std::make_unique<Engine>(&rt, EngineOptions{});
    pool = std::make_unique<WorkerPool>(engine.get(), workers, depth,
                                        [this](void *req, uint32_t used, bool completed) {
                                          std::lock_guard g(m);
                                          EXPECT_EQ(done.count(req), 0u) << "completed twice";
                                          done[req] = {used, completed};
                                          cv.notify_all();
                                        });
  }
  int submit(Chain &c) {
    return pool->submit(c.rd_iov.data(), static_cast<unsigned>(c.rd_iov.size()), c.wr_iov.data(),
                        static_cast<unsigned>(c.wr_iov.size()), &c);
  }
  void wait_for(size_t n) {
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return done.size() >= n; });
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

TEST(Async, ManyThreadsManySessions) {
  AsyncDevice d(4, 1024);
  constexpr int kSessions = 16, kPerSession = 40;
  std::vector<uint64_t> ids;
  for (int i = 0; i < kSessions; i++) ids.push_back(d.session());
  std::vector<std::unique_ptr<Chain>> chains;
  for (int r = 0; r < kPerSession; r++)
    for (int i = 0; i < kSessions; i++) {
      std::vector<uint8_t> data(64 + i, static_cast<uint8_t>(i));
      chains.push_back(std::make_unique<Chain>(
          request(VIRTIO_ACCEL_REQ_RUN, r * kSessions + i, ids[i],
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY,
                              {std::vector<uint8_t>(64 * 4, uint8_t(i))}, {64 * 4})),
          24 + 32 + 64 * 4));
    }
  // Submit from several threads at once.
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; t++)
    submitters.emplace_back([&, t] {
      for (size_t j = t; j < chains.size(); j += 4) ASSERT_EQ(d.submit(*chains[j]), 0);
    });
  for (auto &t : submitters) t.join();
  d.wait_for(chains.size());
  for (size_t j = 0; j < chains.size(); j++) {
    Chain &c = *chains[j];
    ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
    ASSERT_EQ(c.request_id(), j);
    ASSERT_EQ(c.wr[24 + 32 + 100], static_cast<uint8_t>(j % kSessions));
    ASSERT_TRUE(d.done[&c].completed);
  }
  EXPECT_EQ(d.engine->stats().in_flight.load(), 0u);
}

// A job is counted in flight before any worker can see it: a worker that
// runs it always finds itself counted, and a STATS read between a worker's
// completion and the submitter's bookkeeping never sees the counter wrap
// (it used to be incremented after the job was queued). The invariant is
// checked at the moment each job runs; no timing is involved.
TEST(Async, InFlightCountsAJobBeforeAWorkerCanRunIt) {
  AsyncDevice d(4, 4096);
  uint64_t s = d.session();
  std::atomic<uint64_t> seen_min{UINT64_MAX}, seen_max{0};
  d.rt.on_run = [&] {
    uint64_t v = d.engine->stats().in_flight.load();
    uint64_t lo = seen_min.load();
    while (v < lo && !seen_min.compare_exchange_weak(lo, v)) {
    }
    uint64_t hi = seen_max.load();
    while (v > hi && !seen_max.compare_exchange_weak(hi, v)) {
    }
  };
  constexpr int kJobs = 2000;
  std::vector<std::unique_ptr<Chain>> chains;
  for (int i = 0; i < kJobs; i++)
    chains.push_back(std::make_unique<Chain>(
        request(VIRTIO_ACCEL_REQ_RUN, i, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56));
  for (auto &c : chains) ASSERT_EQ(d.submit(*c), 0);
  d.wait_for(kJobs);
  EXPECT_GE(seen_min.load(), 1u) << "a worker ran a job that was not counted in flight";
  EXPECT_LE(seen_max.load(), static_cast<uint64_t>(kJobs)) << "in_flight wrapped below zero";
  EXPECT_EQ(d.engine->stats().in_flight.load(), 0u);
}

TEST(Async, QueueFullIsBusyNotBlocking) {
  AsyncDevice d(1, 2);
  uint64_t s = d.session();
  d.rt.block = true;
  Chain a(request(VIRTIO_ACCEL_REQ_RUN, 1, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56);
  Chain b = a, c = a;
  EXPECT_EQ(d.submit(a), 0);
  EXPECT_EQ(d.submit(b), 0);
  EXPECT_EQ(d.submit(c), EBUSY) << "positive errno inside host-backend (the C ABI negates it)";
  d.rt.release();
  d.wait_for(2);
  EXPECT_EQ(d.submit(c), 0);
  d.wait_for(3);
}

TEST(Async, ResetCancelsQueuedAbandonsRunningAndDropsSessions) {
  AsyncDevice d(2, 64);
  uint64_t s1 = d.session(), s2 = d.session();
  d.rt.block = true;
  std::vector<std::unique_ptr<Chain>> chains;
  for (int i = 0; i < 10; i++) {
    chains.push_back(std::make_unique<Chain>(request(VIRTIO_ACCEL_REQ_RUN, i, i % 2 ? s1 : s2,
                                                     run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})),
                                             56));
    ASSERT_EQ(d.submit(*chains.back()), 0);
  }
  d.rt.wait_blocked(2);  // both workers are inside the runtime now
  // Reset returns although both operations are still blocked: it does not
  // wait for them (it used to join them, without bound).
  d.pool->reset();
  d.engine->reset();
  ASSERT_EQ(d.done.size(), 10u) << "every request completed by the reset itself";
  for (auto &c : chains) {
    EXPECT_FALSE(d.done[c.get()].completed);
    EXPECT_EQ(c->wr[0], 0xEE) << "a cancelled or abandoned request must not touch guest memory";
  }
  EXPECT_EQ(d.engine->stats().in_flight.load(), 0u);
  EXPECT_EQ(d.engine->stats().abandoned_running.load(), 2u);
  EXPECT_EQ(d.engine->table().sessions(), 0u) << "none open for the guest";
  EXPECT_EQ(d.engine->table().held_sessions(), 2u) << "abandoned ops still hold their sessions";
  // The guest's memory may be gone now: poison it to catch a late write.
  for (auto &c : chains) std::fill(c->wr.begin(), c->wr.end(), 0x11);
  d.rt.release();
  while (d.pool->abandoned_running() != 0) std::this_thread::yield();
  for (auto &c : chains)
    for (uint8_t b : c->wr) ASSERT_EQ(b, 0x11) << "written after the reset returned";
  EXPECT_EQ(d.engine->stats().abandoned_running.load(), 0u);
  EXPECT_EQ(d.rt.live_sessions, 0);
  EXPECT_EQ(d.engine->table().held_sessions(), 0u);
  EXPECT_EQ(d.done.size(), 10u) << "no second completion";
}

TEST(Async, DestroyWhileRunningDefersTheRuntimeRelease) {
  AsyncDevice d(1, 8);
  uint64_t s = d.session();
  d.rt.block = true;
  Chain run(request(VIRTIO_ACCEL_REQ_RUN, 1, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56);
  ASSERT_EQ(d.submit(run), 0);
  d.rt.wait_blocked(1);
  // Destroy on another thread (as a second queue would) while the op runs.
  Chain kill(request(VIRTIO_ACCEL_REQ_SESSION_DESTROY, 2, s, {}), 24);
  Scratch scratch;
  d.engine->process(kill.rd_iov.data(), 1, kill.wr_iov.data(), 1, &scratch);
  EXPECT_EQ(kill.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.live_sessions, 1) << "runtime session freed under a running op";
  Chain again(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56);
  d.engine->process(again.rd_iov.data(), 1, again.wr_iov.data(), 1, &scratch);
  EXPECT_EQ(again.status(), VIRTIO_ACCEL_S_NO_SESSION);
  d.rt.release();
  d.wait_for(1);
  EXPECT_EQ(run.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.live_sessions, 0);
}

}  // namespace
