// Runs N noop requests (argv[1]) through the engine, for callgrind. The
// instruction count per request is the difference between two runs with
// different N divided by the difference in N, which cancels start-up cost.
// argv[2] == "arg1m" runs the 1 MiB in-place argument request instead.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../null_runtime.hh"
#include "../test_support.hh"

using namespace va;
using namespace va::test;

int main(int argc, char **argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 1000;
  bool big = argc > 2 && std::strcmp(argv[2], "arg1m") == 0;
  NullRuntime rt;
  Engine engine(&rt, EngineOptions{});
  Scratch scratch;
  Bytes p;
  p.u32(0).u32(0);
  Chain create(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
  engine.process(create.rd_iov.data(), 1, create.wr_iov.data(), 1, &scratch);
  uint64_t s = create.rd64(24);
  const size_t len = big ? (1u << 20) : 0;
  auto req = big ? request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                           run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY,
                                       {std::vector<uint8_t>(len, 1)}, {len}))
                 : request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {}));
  Chain c(req, 56 + len, big ? std::vector<size_t>{req.size() - len} : std::vector<size_t>{},
          big ? std::vector<size_t>{56} : std::vector<size_t>{});
  unsigned bad = 0;
  for (long i = 0; i < n; i++) {
    engine.process(c.rd_iov.data(), static_cast<unsigned>(c.rd_iov.size()), c.wr_iov.data(),
                   static_cast<unsigned>(c.wr_iov.size()), &scratch);
    bad += c.status() != VIRTIO_ACCEL_S_OK;
  }
  std::printf("%ld requests, %u failed, staged bytes %zu\n", n, bad,
              static_cast<size_t>(scratch.staging.capacity()));
  return bad != 0;
}
