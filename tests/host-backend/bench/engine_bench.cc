// Google Benchmark of the engine's own cost: decode + validate + dispatch,
// with a runtime that does nothing, so the numbers are the protocol's
// overhead per request. The 1 MiB cases report how many bytes the engine
// staged ("copied"): 0 means the argument went to the runtime in place.
#include <benchmark/benchmark.h>

#include "../null_runtime.hh"
#include "../test_support.hh"

using namespace va;
using namespace va::test;

namespace {

struct Bench {
  NullRuntime rt;
  Engine engine{&rt, EngineOptions{}};
  Scratch scratch;
  uint64_t session;
  Bench() {
    Bytes p;
    p.u32(0).u32(0);
    Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
    engine.process(c.rd_iov.data(), 1, c.wr_iov.data(), 1, &scratch);
    session = c.rd64(24);
  }
};

void BM_NoopDispatch(benchmark::State &state) {
  Bench b;
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, b.session, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})),
          56);
  for (auto _ : state)
    benchmark::DoNotOptimize(b.engine.process(c.rd_iov.data(), 1, c.wr_iov.data(), 1, &b.scratch));
  if (c.status() != VIRTIO_ACCEL_S_OK) state.SkipWithError("noop failed");
}
BENCHMARK(BM_NoopDispatch);

// 1 MiB in, 1 MiB out; `pages`=0: each argument one contiguous segment (the
// guest driver merged its pages); `pages`=1: 4 KiB segments scattered apart.
void BM_Arg1MiB(benchmark::State &state) {
  Bench b;
  const size_t n = 1 << 20;
  std::vector<uint8_t> data(n, 1);
  auto req = request(VIRTIO_ACCEL_REQ_RUN, 3, b.session,
                     run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {data}, {n}));
  size_t hdr = req.size() - n;
  std::vector<size_t> rc{hdr}, wc{24 + 32};
  bool scattered = state.range(0) != 0;
  if (scattered) {
    for (size_t off = hdr + 4096; off < req.size(); off += 4096) rc.push_back(off);
    for (size_t off = 56 + 4096; off < 56 + n; off += 4096) wc.push_back(off);
  }
  Chain c(req, 56 + n, rc, wc, scattered);
  for (auto _ : state)
    benchmark::DoNotOptimize(
        b.engine.process(c.rd_iov.data(), static_cast<unsigned>(c.rd_iov.size()), c.wr_iov.data(),
                         static_cast<unsigned>(c.wr_iov.size()), &b.scratch));
  c.sync();
  if (c.status() != VIRTIO_ACCEL_S_OK) state.SkipWithError("arraycopy failed");
  bool in_place = b.rt.last_in == c.rd_iov[1].iov_base;
  state.counters["copied_bytes"] = static_cast<double>(b.scratch.staging.capacity());
  state.counters["in_place"] = in_place ? 1 : 0;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 2 * n);
}
BENCHMARK(BM_Arg1MiB)->Arg(0)->Arg(1)->ArgName("scattered");

void BM_SessionCreateDestroy(benchmark::State &state) {
  Bench b;
  Bytes p;
  p.u32(0).u32(0);
  Chain create(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
  for (auto _ : state) {
    b.engine.process(create.rd_iov.data(), 1, create.wr_iov.data(), 1, &b.scratch);
    Chain d(request(VIRTIO_ACCEL_REQ_SESSION_DESTROY, 2, create.rd64(24), {}), 24);
    b.engine.process(d.rd_iov.data(), 1, d.wr_iov.data(), 1, &b.scratch);
  }
}
BENCHMARK(BM_SessionCreateDestroy);

}  // namespace

BENCHMARK_MAIN();
