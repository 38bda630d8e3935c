// Structural validation: every malformed-input class of the spec's threat
// table gets its status, and nothing reaches the runtime.
#include <gtest/gtest.h>

#include "test_support.hh"

using namespace va;
using namespace va::test;

namespace {

std::vector<uint8_t> create_payload(uint32_t flags = 0, uint32_t reserved = 0) {
  Bytes b;
  b.u32(flags).u32(reserved);
  return b.v;
}

TEST(Decoder, TruncatedHeaderIsMalformed) {
  Device d;
  auto req = request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 5, 0, create_payload());
  for (size_t len : {0, 1, 16, 31}) {
    Chain c(std::vector<uint8_t>(req.begin(), req.begin() + len), 32);
    EXPECT_EQ(d.process(c), 24u) << len;
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED) << len;
    EXPECT_EQ(c.request_id(), 0u);
  }
  EXPECT_EQ(d.rt.live_sessions, 0);
}

TEST(Decoder, NoRoomForResponseHeaderCompletesWithZeroUsed) {
  Device d;
  Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 5, 0, create_payload()), 23);
  EXPECT_EQ(d.process(c), 0u);
  EXPECT_EQ(c.wr[0], 0xEE) << "device wrote into a too-small writable part";
  EXPECT_EQ(d.engine->stats().errors.load(), 1u);
}

TEST(Decoder, ReservedHeaderFieldsMustBeZero) {
  Device d;
  Chain flags(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 6, 0, create_payload(), 1, 0), 32);
  Chain reserved(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 7, 0, create_payload(), 0, 1), 32);
  Chain sc_reserved(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 8, 0, create_payload(0, 9)), 32);
  Chain sc_flags_high(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 9, 0, create_payload(1u << 16)), 32);
  for (Chain *c : {&flags, &reserved, &sc_reserved, &sc_flags_high}) {
    d.process(*c);
    EXPECT_EQ(c->status(), VIRTIO_ACCEL_S_MALFORMED);
  }
  EXPECT_EQ(flags.request_id(), 6u) << "errors still carry the request id";
  EXPECT_EQ(d.rt.live_sessions, 0);
}

TEST(Decoder, PayloadLengthMustMatchChainExactly) {
  Device d;
  auto req = request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, create_payload());
  auto longer = req;
  longer.push_back(0);
  auto shorter = req;
  shorter.pop_back();
  for (auto *r : {&longer, &shorter}) {
    Chain c(*r, 32);
    d.process(c);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED);
  }
}

TEST(Decoder, UnknownRequestTypeIsUnsupported) {
  Device d;
  for (uint32_t t : {0u, 3u, 0x12u, 0x21u, 0xffffffffu}) {
    Chain c(request(t, 2, 0, {}), 24);
    d.process(c);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_UNSUPPORTED) << t;
  }
}

TEST(Decoder, UnknownOpIsUnsupported) {
  Device d;
  uint64_t s = d.create_session();
  for (uint32_t op : {0u, VIRTIO_ACCEL_OP_MAX + 1u, 0x80000000u}) {
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(op, {}, {})), 56);
    d.process(c);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_UNSUPPORTED) << op;
  }
}

TEST(Decoder, ArgumentCountBeyondMaxArgsIsMalformed) {
  EngineOptions o;
  o.limits.max_args = 4;
  Device d(o);
  uint64_t s = d.create_session();
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                  run_payload(VIRTIO_ACCEL_OP_OPENCV, {{1}, {2}, {3}}, {1, 1})),
          24 + 32 + 2);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED);
  // nr_in/nr_out near 2^32 must not wrap the count check
  Bytes b;
  b.u32(VIRTIO_ACCEL_OP_NOOP).u32(0xffffffffu).u32(2).u32(0).u64(0);
  Chain wrap(request(VIRTIO_ACCEL_REQ_RUN, 4, s, b.v), 56);
  d.process(wrap);
  EXPECT_EQ(wrap.status(), VIRTIO_ACCEL_S_MALFORMED);
}

TEST(Decoder, DescriptorTableLongerThanPayloadIsMalformed) {
  Device d;
  uint64_t s = d.create_session();
  Bytes b;
  b.u32(VIRTIO_ACCEL_OP_OPENCV).u32(3).u32(0).u32(0).u64(0);  // claims 3 descriptors, carries none
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, b.v), 56);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED);
}

TEST(Decoder, InputLengthsMustSumToPayload) {
  Device d;
  uint64_t s = d.create_session();
  auto p = run_payload(VIRTIO_ACCEL_OP_OPENCV, {{1, 2, 3, 4}}, {});
  p.pop_back();  // one byte short of what the descriptor claims
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, p), 56);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED);
}

TEST(Decoder, ArgumentLengthOverflowIsMalformed) {
  Device d;
  uint64_t s = d.create_session();
  for (bool outputs : {false, true}) {
    Bytes b;
    b.u32(VIRTIO_ACCEL_OP_OPENCV).u32(outputs ? 0 : 2).u32(outputs ? 2 : 0).u32(0).u64(0);
    b.u64(~0ull).u32(0).u32(0).u64(2).u32(0).u32(0);
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, b.v), 56);
    d.process(c);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED) << outputs;
  }
}

TEST(Decoder, WritablePartTooSmallForOutputs) {
  Device d;
  uint64_t s = d.create_session();
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_OPENCV, {}, {100})),
          24 + 32 + 99);
  EXPECT_EQ(d.process(c), 24u);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_RESP_TOO_SMALL);
  EXPECT_EQ(c.payload_len(), 0u);
}

TEST(Decoder, RequestAndResponseSizeLimits) {
  EngineOptions o;
  o.limits.max_request_bytes = 128;
  o.limits.max_response_bytes = 256;
  Device d(o);
  uint64_t s = d.create_session();
  Chain big_in(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                       run_payload(VIRTIO_ACCEL_OP_OPENCV, {std::vector<uint8_t>(100)}, {})),
               56);
  Chain big_out(request(VIRTIO_ACCEL_REQ_RUN, 4, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})),
                257);
  for (Chain *c : {&big_in, &big_out}) {
    d.process(*c);
    EXPECT_EQ(c->status(), VIRTIO_ACCEL_S_MALFORMED);
  }
}

TEST(Decoder, TooManySegmentsIsMalformed) {
  EngineOptions o;
  o.limits.max_segments = 4;
  Device d(o);
  uint64_t s = d.create_session();
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56,
          {8, 16, 24, 40}, {});
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED);
}

TEST(Decoder, FragmentedHeadersDecodeLikeContiguousOnes) {
  Device d;
  Bytes p;
  p.u32(0).u32(0);
  // Split the header at every byte boundary.
  std::vector<size_t> cuts;
  for (size_t i = 1; i < 40; i++) cuts.push_back(i);
  Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 77, 0, p.v), 32, cuts, {3, 11, 25});
  EXPECT_EQ(d.process(c), 32u);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(c.request_id(), 77u);
  EXPECT_EQ(c.rd64(24), 1ull << 32);
}

TEST(Decoder, HostileIovecLengthsDoNotOverflow) {
  Device d;
  uint8_t buf[64] = {};
  struct iovec rd[2] = {{buf, ~size_t{0}}, {buf, 64}};
  uint8_t out[64];
  struct iovec wr[1] = {{out, sizeof out}};
  EXPECT_EQ(d.engine->process(rd, 2, wr, 1, &d.scratch), 24u);
  uint32_t st;
  std::memcpy(&st, out, 4);
  EXPECT_EQ(st, VIRTIO_ACCEL_S_MALFORMED);
}

}  // namespace
