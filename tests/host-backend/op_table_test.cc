// The host's op descriptor table (host-backend/src/op_table.cc): its wire
// half is the protocol library's, and what the engine consumes itself
// (parameter blocks, strings, SGEMM's C-in) never reaches the op as an
// argument and is read from guest memory once.
#include "op_table.hh"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.hh"

using namespace va;
using namespace va::test;

namespace {

constexpr size_t kRunBase = VIRTIO_ACCEL_RUN_RESP_BYTES;  // first output region

TEST(OpTable, WireHalfIsTheProtocolLibrarys) {
  EXPECT_EQ(op_desc(0), nullptr);
  EXPECT_EQ(op_desc(VIRTIO_ACCEL_OP_MAX + 1), nullptr);
  for (uint32_t op = 1; op <= VIRTIO_ACCEL_OP_MAX; op++) {
    const OpDesc *d = op_desc(op);
    const struct va_op_info *w = va_op_info(op);
    ASSERT_NE(d, nullptr) << op;
    ASSERT_NE(w, nullptr) << op;
    EXPECT_STREQ(d->name, w->name);
    EXPECT_EQ(d->resource, w->resource) << w->name;
    EXPECT_EQ(d->nr_in, w->nr_in) << w->name;
    EXPECT_EQ(d->nr_out, w->nr_out) << w->name;
    EXPECT_EQ(d->params_size, w->params_size) << w->name;
    EXPECT_EQ(kStagingAlign % d->align, 0u) << w->name;
    if (d->params_size) {
      EXPECT_GE(d->lead_in, 1u) << w->name << ": its parameter block is decoded";
    }
  }
}

// Every op whose counts are fixed refuses one input more or one output
// fewer, and an op without a resource refuses a resource ID.
TEST(OpTable, FixedCountsAndResourceKindsAreEnforcedForEveryOp) {
  Device d;
  uint64_t s = d.create_session();
  for (uint32_t op = 1; op <= VIRTIO_ACCEL_OP_MAX; op++) {
    const OpDesc &o = *op_desc(op);
    if (o.nr_in == VA_VAR) continue;
    std::vector<std::vector<uint8_t>> ins(o.nr_in + 1);
    std::vector<uint64_t> outs(o.nr_out);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, op, s, run_payload(op, ins, outs)), kRunBase);
    d.process(c);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_BAD_ARGS) << o.name << " with one input too many";
  }
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 1, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {}, 5)),
          kRunBase);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_BAD_ARGS) << "NOOP names no resource";
}

// SGEMM's C-in seeds the staged C; the op sees A and B as inputs only, and
// C-in is fetched from the chain once: the guest rewriting it while the op
// runs changes nothing.
TEST(OpTable, SgemmCInSeedsCOnceAndIsNoInput) {
  Device d;
  uint64_t s = d.create_session();
  const int64_t m = 2, n = 3, k = 2;
  std::vector<float> A{1, 2, 3, 4}, B{1, 0, 1, 0, 1, 1}, C0{10, 20, 30, 40, 50, 60};
  auto body = run_payload(VIRTIO_ACCEL_OP_SGEMM,
                          {sgemm_params(m, n, k, k, n, n, 1, 1), floats(A), floats(B), floats(C0)},
                          {static_cast<uint64_t>(m * n * 4)});
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, body), kRunBase + m * n * 4);
  std::vector<float> seen(m * n);
  d.rt.on_run = [&] {
    ASSERT_EQ(d.rt.last_in.size(), 2u) << "A and B; C-in is not an input";
    std::memcpy(seen.data(), d.rt.last_out[0], seen.size() * 4);
    // The guest scribbles over its C-in while the op runs.
    size_t cin = c.rd.size() - C0.size() * 4;
    std::fill(c.rd.begin() + static_cast<std::ptrdiff_t>(cin), c.rd.end(), 0xFF);
  };
  d.process(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(seen, C0) << "the staged C starts as C-in";
  std::vector<float> C(m * n), ref(m * n);
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      float acc = 0;
      for (int64_t p = 0; p < k; p++) acc += A[i * k + p] * B[p * n + j];
      ref[i * n + j] = acc + C0[i * n + j];
    }
  std::memcpy(C.data(), c.wr.data() + kRunBase, C.size() * 4);
  EXPECT_EQ(C, ref);
}

}  // namespace
