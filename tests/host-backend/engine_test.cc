// Request execution: sessions, resources, quotas, operations, placement of
// arguments (zero-copy), policy, timers and stats.
#include <gtest/gtest.h>

#include "test_support.hh"

using namespace va;
using namespace va::test;

namespace {

constexpr uint64_t kRunBase = 24 + 32;

std::vector<uint8_t> blob_payload(uint32_t type,
                                  const std::vector<std::pair<std::string, std::string>> &blobs) {
  Bytes b;
  b.u32(type).u32(static_cast<uint32_t>(blobs.size()));
  for (auto &[name, data] : blobs)
    b.u64(data.size()).u32(static_cast<uint32_t>(name.size())).u32(0);
  for (auto &[name, data] : blobs) b.str(name).str(data);
  return b.v;
}

uint64_t register_resource(Device &d, uint64_t s, uint32_t type, const std::string &name = "lib.so",
                           uint32_t *status = nullptr) {
  Chain c(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 9, s, blob_payload(type, {{name, "abcd"}})),
          32);
  d.process(c);
  if (status) *status = c.status();
  return c.status() == VIRTIO_ACCEL_S_OK ? c.rd64(24) : 0;
}

uint32_t destroy(Device &d, uint64_t s) {
  Chain c(request(VIRTIO_ACCEL_REQ_SESSION_DESTROY, 2, s, {}), 24);
  d.process(c);
  return c.status();
}

TEST(Sessions, CreateDestroyAndStaleIds) {
  Device d;
  uint64_t a = d.create_session();
  ASSERT_NE(a, 0u);
  EXPECT_EQ(d.rt.live_sessions, 1);
  EXPECT_EQ(destroy(d, a), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.live_sessions, 0);
  // The slot is reused with a new generation: the old id stays dead.
  uint64_t b = d.create_session();
  EXPECT_EQ(b & 0xffffffffu, a & 0xffffffffu);
  EXPECT_NE(b, a);
  EXPECT_EQ(destroy(d, a), VIRTIO_ACCEL_S_NO_SESSION);
  EXPECT_EQ(destroy(d, 0), VIRTIO_ACCEL_S_NO_SESSION);
  EXPECT_EQ(destroy(d, b), VIRTIO_ACCEL_S_OK);
}

TEST(Sessions, QuotaIsEnforcedAndFreedOnDestroy) {
  EngineOptions o;
  o.limits.max_sessions = 3;
  Device d(o);
  std::vector<uint64_t> ids;
  for (int i = 0; i < 3; i++) ids.push_back(d.create_session());
  Bytes p;
  p.u32(0).u32(0);
  Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_QUOTA);
  destroy(d, ids[1]);
  EXPECT_NE(d.create_session(), 0u);
}

TEST(Sessions, RuntimeFailureIsOpFailedWithErrno) {
  Device d;
  d.rt.create_errno = ENODEV;
  Bytes p;
  p.u32(0).u32(0);
  Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_OP_FAILED);
  EXPECT_EQ(c.detail(), static_cast<uint32_t>(ENODEV));
  EXPECT_EQ(d.engine->table().sessions(), 0u);
}

TEST(Sessions, HostAllocationFailureIsNoMemory) {
  Device d;
  d.rt.throw_on_create = true;
  Bytes p;
  p.u32(0).u32(0);
  Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_NO_MEMORY);
  d.rt.throw_on_create = false;
  EXPECT_NE(d.create_session(), 0u) << "device keeps serving after a host allocation failure";
}

TEST(Resources, RegisterUnregisterAndOwnership) {
  Device d;
  uint64_t s1 = d.create_session(), s2 = d.create_session();
  uint64_t r = register_resource(d, s1, VIRTIO_ACCEL_RES_DATA, "model.bin");
  ASSERT_NE(r, 0u);
  EXPECT_EQ(d.rt.last_blob_names, std::vector<std::string>{"model.bin"});
  EXPECT_EQ(d.engine->table().resource_bytes(), 4u);
  // Another session cannot unregister (or even see) it.
  Bytes id;
  id.u64(r);
  Chain foreign(request(VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER, 3, s2, id.v), 24);
  d.process(foreign);
  EXPECT_EQ(foreign.status(), VIRTIO_ACCEL_S_NO_RESOURCE);
  Chain own(request(VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER, 4, s1, id.v), 24);
  d.process(own);
  EXPECT_EQ(own.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.live_resources, 0);
  EXPECT_EQ(d.engine->table().resource_bytes(), 0u);
}

TEST(Resources, DestroyingSessionFreesItsResources) {
  Device d;
  uint64_t s = d.create_session();
  register_resource(d, s, VIRTIO_ACCEL_RES_DATA);
  register_resource(d, s, VIRTIO_ACCEL_RES_MODEL);
  EXPECT_EQ(d.rt.live_resources, 2);
  destroy(d, s);
  EXPECT_EQ(d.rt.live_resources, 0);
  EXPECT_EQ(d.engine->table().resources(), 0u);
}

TEST(Resources, NamesThatCouldTraverseAreRejected) {
  Device d;
  uint64_t s = d.create_session();
  for (const char *name : {"..", ".", "a/b", "../x", "x\\y", "a b", "\x01"}) {
    uint32_t st;
    EXPECT_EQ(register_resource(d, s, VIRTIO_ACCEL_RES_DATA, name, &st), 0u) << name;
    EXPECT_EQ(st, VIRTIO_ACCEL_S_MALFORMED) << name;
  }
  EXPECT_EQ(d.rt.live_resources, 0);
}

TEST(Resources, BlobLayoutMustBeExact) {
  Device d;
  uint64_t s = d.create_session();
  auto p = blob_payload(VIRTIO_ACCEL_RES_DATA, {{"a", "xyz"}, {"b", "12"}});
  for (int delta : {-1, +1}) {
    auto q = p;
    if (delta < 0)
      q.pop_back();
    else
      q.push_back(0);
    Chain c(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 1, s, q), 32);
    d.process(c);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED) << delta;
  }
  Bytes bad_type;
  bad_type.u32(7).u32(1).u64(1).u32(1).u32(0).str("a").str("x");
  Chain c(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 1, s, bad_type.v), 32);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_MALFORMED);
}

TEST(Resources, CountAndByteQuotas) {
  EngineOptions o;
  o.limits.max_resources = 2;
  o.limits.max_resource_bytes = 6;
  Device d(o);
  uint64_t s = d.create_session();
  uint32_t st;
  EXPECT_NE(register_resource(d, s, VIRTIO_ACCEL_RES_DATA, "a", &st), 0u);  // 4 bytes
  EXPECT_EQ(register_resource(d, s, VIRTIO_ACCEL_RES_DATA, "b", &st), 0u);  // 8 > 6
  EXPECT_EQ(st, VIRTIO_ACCEL_S_QUOTA);
  Chain small(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 9, s,
                      blob_payload(VIRTIO_ACCEL_RES_DATA, {{"c", "z"}})),
              32);
  d.process(small);
  EXPECT_EQ(small.status(), VIRTIO_ACCEL_S_OK);
  Chain third(request(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, 9, s,
                      blob_payload(VIRTIO_ACCEL_RES_DATA, {{"d", ""}})),
              32);
  d.process(third);
  EXPECT_EQ(third.status(), VIRTIO_ACCEL_S_QUOTA) << "count quota";
}

TEST(Run, NoopReportsExecutor) {
  Device d;
  uint64_t s = d.create_session();
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56);
  EXPECT_EQ(d.process(c), 56u);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(c.payload_len(), 32u);
  EXPECT_STREQ(reinterpret_cast<const char *>(c.wr.data() + 24), "fake");
}

TEST(Run, UnknownSessionIsNoSession) {
  Device d;
  Chain c(
      request(VIRTIO_ACCEL_REQ_RUN, 3, 0x100000005ull, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})),
      56);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_NO_SESSION);
}

TEST(Run, OpsTheRuntimeLacksAreUnsupported) {
  Device d;
  d.rt.ops_mask = 1ull << VIRTIO_ACCEL_OP_NOOP;
  d.engine = std::make_unique<Engine>(&d.rt, EngineOptions{});
  uint64_t s = d.create_session();
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {{1, 2, 3, 4}}, {4})),
          24 + 32 + 4);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_UNSUPPORTED);
}

TEST(Run, RuntimeErrorIsOpFailedWithDetail) {
  Device d;
  uint64_t s = d.create_session();
  d.rt.fail_op_errno = ENOTSUP;
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56);
  EXPECT_EQ(d.process(c), 24u);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_OP_FAILED);
  EXPECT_EQ(c.detail(), static_cast<uint32_t>(ENOTSUP));
}

struct SgemmCase {
  int64_t m, n, k;
};

class SgemmShapes : public ::testing::TestWithParam<SgemmCase> {};

TEST_P(SgemmShapes, ResultMatchesReferenceWhateverTheFragmentation) {
  auto [m, n, k] = GetParam();
  Device d;
  uint64_t s = d.create_session();
  std::vector<float> A(m * k), B(k * n), C0(m * n), ref(m * n);
  for (size_t i = 0; i < A.size(); i++) A[i] = static_cast<float>(i % 7) - 3;
  for (size_t i = 0; i < B.size(); i++) B[i] = static_cast<float>(i % 5) - 2;
  for (size_t i = 0; i < C0.size(); i++) C0[i] = static_cast<float>(i % 3);
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      float acc = 0;
      for (int64_t p = 0; p < k; p++) acc += A[i * k + p] * B[p * n + j];
      ref[i * n + j] = 2 * acc + 0.5f * C0[i * n + j];
    }
  auto body = run_payload(VIRTIO_ACCEL_OP_SGEMM,
                          {sgemm_params(m, n, k, std::max<int64_t>(k, 1), std::max<int64_t>(n, 1),
                                        std::max<int64_t>(n, 1), 2, 0.5f),
                           floats(A), floats(B), floats(C0)},
                          {static_cast<uint64_t>(m * n * 4)});
  auto req = request(VIRTIO_ACCEL_REQ_RUN, 3, s, body);
  // Odd cut points: misaligned and fragmented arguments get gathered.
  Chain c(req, kRunBase + m * n * 4, {33, 101, req.size() - 5}, {7, 60, kRunBase + 3}, true);
  d.process(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  std::vector<float> C(m * n);
  std::memcpy(C.data(), c.wr.data() + kRunBase, C.size() * 4);
  EXPECT_EQ(C, ref);
}

INSTANTIATE_TEST_SUITE_P(Shapes, SgemmShapes,
                         ::testing::Values(SgemmCase{1, 1, 1}, SgemmCase{2, 3, 4},
                                           SgemmCase{7, 5, 3}, SgemmCase{16, 16, 16},
                                           SgemmCase{0, 4, 4}, SgemmCase{4, 0, 4},
                                           SgemmCase{4, 4, 0}));

TEST(Run, SgemmSizesThatWouldOverreadAreBadArgs) {
  Device d;
  uint64_t s = d.create_session();
  auto A = floats(std::vector<float>(4)), B = A;
  struct {
    std::vector<uint8_t> params;
    uint64_t out;
  } cases[] = {
      {sgemm_params(2, 2, 2, 1, 2, 2, 1, 0), 16},          // lda < k
      {sgemm_params(2, 2, 2, 2, 2, 1, 1, 0), 16},          // ldc < n
      {sgemm_params(3, 2, 2, 2, 2, 2, 1, 0), 24},          // A holds 2 rows, m = 3
      {sgemm_params(2, 2, 2, 2, 2, 2, 1, 0), 15},          // C output short
      {sgemm_params(-1, 2, 2, 2, 2, 2, 1, 0), 16},         // negative
      {sgemm_params(1ll << 40, 1, 1, 1, 1, 1, 1, 0), 16},  // huge
      {sgemm_params(2, 2, 2, 1ll << 62, 2, 2, 1, 0), 16},  // huge leading dim
  };
  for (auto &cs : cases) {
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                    run_payload(VIRTIO_ACCEL_OP_SGEMM, {cs.params, A, B, {}}, {cs.out})),
            kRunBase + cs.out);
    d.process(c);
    EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_BAD_ARGS);
  }
  Chain wrong_count(
      request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_SGEMM, {A}, {})), 56);
  d.process(wrong_count);
  EXPECT_EQ(wrong_count.status(), VIRTIO_ACCEL_S_BAD_ARGS);
}

TEST(Run, FpgaAndMinmaxSchemas) {
  Device d;
  uint64_t s = d.create_session();
  auto v4 = floats({1, 2, 3, 4});
  // mmult needs a square element count; 3 elements is not.
  Chain mm(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                   run_payload(VIRTIO_ACCEL_OP_FPGA_MMULT, {floats({1, 2, 3}), floats({1, 2, 3})},
                               {12})),
           kRunBase + 12);
  d.process(mm);
  EXPECT_EQ(mm.status(), VIRTIO_ACCEL_S_BAD_ARGS);
  Chain vadd(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                     run_payload(VIRTIO_ACCEL_OP_FPGA_VECTORADD, {v4, floats({1})}, {16})),
             kRunBase + 16);
  d.process(vadd);
  EXPECT_EQ(vadd.status(), VIRTIO_ACCEL_S_BAD_ARGS) << "lengths must agree";
  Chain par(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                    run_payload(VIRTIO_ACCEL_OP_FPGA_PARALLEL, {v4, v4}, {16, 8})),
            kRunBase + 24);
  d.process(par);
  EXPECT_EQ(par.status(), VIRTIO_ACCEL_S_BAD_ARGS) << "second output too small";
  Bytes mp;
  mp.u32(3).u32(0).u32(10).u32(0);
  std::vector<uint8_t> three(24);
  Chain mmx(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                    run_payload(VIRTIO_ACCEL_OP_MINMAX, {mp.v, three}, {24, 16})),
            kRunBase + 40);
  d.process(mmx);
  EXPECT_EQ(mmx.status(), VIRTIO_ACCEL_S_OK);
  Chain mmx_short(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                          run_payload(VIRTIO_ACCEL_OP_MINMAX, {mp.v, three}, {24, 15})),
                  kRunBase + 39);
  d.process(mmx_short);
  EXPECT_EQ(mmx_short.status(), VIRTIO_ACCEL_S_BAD_ARGS);
  Bytes mp_res;
  mp_res.u32(3).u32(0).u32(10).u32(1);
  Chain mmx_res(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                        run_payload(VIRTIO_ACCEL_OP_MINMAX, {mp_res.v, three}, {24, 16})),
                kRunBase + 40);
  d.process(mmx_res);
  EXPECT_EQ(mmx_res.status(), VIRTIO_ACCEL_S_BAD_ARGS) << "reserved parameter field";
}

TEST(Run, ResourceIdOnlyForOpsThatTakeOne) {
  Device d;
  uint64_t s = d.create_session();
  uint64_t model = register_resource(d, s, VIRTIO_ACCEL_RES_MODEL);
  Chain noop(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {}, model)),
             56);
  d.process(noop);
  EXPECT_EQ(noop.status(), VIRTIO_ACCEL_S_BAD_ARGS);
  uint64_t data = register_resource(d, s, VIRTIO_ACCEL_RES_DATA);
  Chain load(
      request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_TF_MODEL_LOAD, {}, {}, data)),
      56);
  d.process(load);
  EXPECT_EQ(load.status(), VIRTIO_ACCEL_S_BAD_ARGS) << "a DATA resource is no model";
  Chain ok(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                   run_payload(VIRTIO_ACCEL_OP_TF_MODEL_LOAD, {}, {}, model)),
           56);
  d.process(ok);
  EXPECT_EQ(ok.status(), VIRTIO_ACCEL_S_OK);
}

TEST(Tensors, ModelRunLayoutIsValidatedBeforeTheRuntime) {
  Device d;
  uint64_t s = d.create_session();
  uint64_t model = register_resource(d, s, VIRTIO_ACCEL_RES_MODEL);
  const uint32_t kTorchFloat = 7, kTfFloat = 1;
  auto run = [&](uint32_t op, std::vector<TensorIn> ins, std::vector<std::vector<uint8_t>> onodes,
                 std::vector<uint64_t> caps, std::vector<uint8_t> opts = {}) {
    auto body = model_run_payload(op, ins, onodes, caps, model, opts);
    uint64_t w = kRunBase;
    for (auto c : caps) w += 80 + c;
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, body), w);
    d.process(c);
    return c.status();
  };
  TensorIn good{{}, tensor_desc(kTorchFloat, {2, 3}), std::vector<uint8_t>(24)};
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {good}, {{}}, {24}), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.last_in.size(), 1u + 3 + 1) << "options, node, desc, data, out node";

  TensorIn short_data = good;
  short_data.data.resize(23);
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {short_data}, {{}}, {24}),
            VIRTIO_ACCEL_S_BAD_ARGS);
  TensorIn too_many_dims{{}, tensor_desc(kTorchFloat, {1, 1, 1, 1, 1, 1, 1, 1}), {0, 0, 0, 0}};
  too_many_dims.desc[4] = 9;  // nr_dims = 9
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {too_many_dims}, {{}}, {4}),
            VIRTIO_ACCEL_S_BAD_ARGS);
  TensorIn negative{{}, tensor_desc(kTorchFloat, {-1}), {}};
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {negative}, {{}}, {4}), VIRTIO_ACCEL_S_BAD_ARGS);
  TensorIn stray_dim{{}, tensor_desc(kTorchFloat, {1}), std::vector<uint8_t>(4)};
  stray_dim.desc[8 + 8] = 5;  // dims[1] set while nr_dims = 1
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {stray_dim}, {{}}, {4}), VIRTIO_ACCEL_S_BAD_ARGS);
  TensorIn huge{{}, tensor_desc(kTorchFloat, {1 << 30, 1 << 30, 1 << 30}), {}};
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {huge}, {{}}, {4}), VIRTIO_ACCEL_S_BAD_ARGS);
  TensorIn bad_type{{}, tensor_desc(99, {1}), std::vector<uint8_t>(8)};
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {bad_type}, {{}}, {4}), VIRTIO_ACCEL_S_BAD_ARGS);
  TensorIn with_node = good;
  with_node.node = {1, 0, 0, 0, 'x'};
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, {with_node}, {{}}, {24}), VIRTIO_ACCEL_S_BAD_ARGS)
      << "only TF has nodes";
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN,
                {{{}, tensor_desc(1, {1}), std::vector<uint8_t>(4)}}, {{}}, {4}, {1}),
            VIRTIO_ACCEL_S_BAD_ARGS)
      << "TFLite takes no run options";

  // TF: nodes are le32 id + name.
  Bytes node;
  node.u32(0).str("serving_default_x");
  TensorIn tf_in{node.v, tensor_desc(kTfFloat, {2}), std::vector<uint8_t>(8)};
  Bytes onode;
  onode.u32(1).str("out");
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TF_MODEL_RUN, {tf_in}, {onode.v}, {8}, {1, 2, 3}),
            VIRTIO_ACCEL_S_OK);
  TensorIn no_id{{1, 2}, tensor_desc(kTfFloat, {2}), std::vector<uint8_t>(8)};
  EXPECT_EQ(run(VIRTIO_ACCEL_OP_TF_MODEL_RUN, {no_id}, {onode.v}, {8}), VIRTIO_ACCEL_S_BAD_ARGS);

  // Counts must match the layout the params announce.
  // (params announce 2 inputs, 1 output; the chain carries 1 input)
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                  run_payload(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN,
                              {{2, 0, 0, 0, 1, 0, 0, 0}, {}, {}, good.desc, good.data, {}},
                              {80, 24}, model)),
          kRunBase + 104);
  d.process(c);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_BAD_ARGS);
}

TEST(Tensors, TorchSgemmSizesCoverMNK) {
  Device d;
  uint64_t s = d.create_session();
  Bytes p;
  p.u32(2).u32(3).u32(4).u32(0);
  auto da = tensor_desc(7, {2, 4}), db = tensor_desc(7, {4, 3}), dc = tensor_desc(7, {2, 3});
  std::vector<uint8_t> a(2 * 4 * 4), b(4 * 3 * 4), c(2 * 3 * 4);
  auto make = [&](std::vector<uint8_t> params, std::vector<uint8_t> bb) {
    Chain ch(
        request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                run_payload(VIRTIO_ACCEL_OP_TORCH_SGEMM, {params, da, a, db, bb, dc, c}, {80, 24})),
        kRunBase + 104);
    d.process(ch);
    return ch.status();
  };
  EXPECT_EQ(make(p.v, b), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(make(p.v, std::vector<uint8_t>(4 * 3 * 4 - 1)), VIRTIO_ACCEL_S_BAD_ARGS);
  Bytes neg;
  neg.u32(static_cast<uint32_t>(-2)).u32(3).u32(4).u32(0);
  EXPECT_EQ(make(neg.v, b), VIRTIO_ACCEL_S_BAD_ARGS);
}

TEST(Staging, ArgumentsReachTheRuntimeInHostMemoryOnly) {
  Device d;
  uint64_t s = d.create_session();
  std::vector<uint8_t> data(1 << 20, 0x5A);
  auto req = request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                     run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {data}, {data.size()}));
  size_t hdr_len = req.size() - data.size();
  // Header in one segment, the 1 MiB argument in its own (as the driver does).
  Chain c(req, kRunBase + data.size(), {hdr_len}, {kRunBase});
  d.process(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  auto inside = [](const uint8_t *p, const std::vector<uint8_t> &v) {
    return p >= v.data() && p < v.data() + v.size();
  };
  EXPECT_FALSE(inside(d.rt.last_in[0], c.rd)) << "the op got a pointer into guest memory";
  EXPECT_FALSE(inside(d.rt.last_out[0], c.wr)) << "the op got a pointer into guest memory";
  EXPECT_EQ(reinterpret_cast<uintptr_t>(d.rt.last_in[0]) % 64, 0u);
  EXPECT_EQ(c.wr[kRunBase + 12345], 0x5A);
  EXPECT_GE(d.engine->staging().used(), 2 * data.size()) << "kept for reuse, and counted";
}

TEST(ZeroCopy, FragmentedArgumentsAreGatheredAndScattered) {
  Device d;
  uint64_t s = d.create_session();
  std::vector<uint8_t> data(4096);
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<uint8_t>(i * 7);
  auto req = request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                     run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {data}, {data.size()}));
  size_t hdr_len = req.size() - data.size();
  Chain c(req, kRunBase + data.size(), {hdr_len, hdr_len + 1000}, {kRunBase, kRunBase + 3000},
          true);
  d.process(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), c.wr.begin() + kRunBase));
}

TEST(ZeroCopy, StagedOutputsNeverExposeHostMemory) {
  Device d;
  uint64_t s = d.create_session();
  // Poison the scratch with a previous request's data first.
  std::vector<uint8_t> secret(8192, 0xAB);
  auto req = request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_OPENCV, {secret}, {}));
  Chain warm(req, 56, {100}, {}, true);
  d.process(warm);
  // An op that writes nothing into a fragmented output region.
  Chain c(request(VIRTIO_ACCEL_REQ_RUN, 4, s, run_payload(VIRTIO_ACCEL_OP_OPENCV, {}, {8192})),
          kRunBase + 8192, {}, {kRunBase, kRunBase + 1}, true);
  d.process(c);
  ASSERT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  for (size_t i = kRunBase; i < c.wr.size(); i++) ASSERT_EQ(c.wr[i], 0) << i;
}

TEST(DoubleFetch, GuestRewritingItsRequestMidOpChangesNothing) {
  Device d;
  uint64_t s = d.create_session();
  std::vector<uint8_t> data(64, 7);
  auto req = request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                     run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {data}, {64}));
  Chain c(req, kRunBase + 64);
  // While the op runs, the "guest" inflates every length field it sent.
  d.rt.on_run = [&] {
    std::fill(c.rd.begin(), c.rd.begin() + static_cast<long>(req.size() - data.size()), 0xFF);
  };
  EXPECT_EQ(d.process(c), kRunBase + 64);
  EXPECT_EQ(c.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(c.payload_len(), 32u + 64u) << "response built from the first (only) read";
  EXPECT_EQ(c.request_id(), 3u);
}

TEST(Policy, ExecNeedsTheAllowList) {
  EngineOptions o;
  o.exec_allowlist = policy("/opt/ok.so");
  Device d(o);
  uint64_t s = d.create_session();
  Bytes lib_ok, lib_bad, sym;
  lib_ok.str("/opt/ok.so");
  lib_bad.str("/lib/x86_64-linux-gnu/libc.so.6");
  sym.str("fn");
  Chain ok(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                   run_payload(VIRTIO_ACCEL_OP_EXEC, {lib_ok.v, sym.v, {1}}, {4})),
           kRunBase + 4);
  d.process(ok);
  EXPECT_EQ(ok.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(d.rt.last_in.size(), 1u) << "library and symbol are not passed as arguments";
  Chain bad(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                    run_payload(VIRTIO_ACCEL_OP_EXEC, {lib_bad.v, sym.v}, {})),
            56);
  d.process(bad);
  EXPECT_EQ(bad.status(), VIRTIO_ACCEL_S_DENIED);
  Bytes nul;
  nul.str(std::string("/opt/ok.so\0x", 12));
  Chain embedded(
      request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_EXEC, {nul.v, sym.v}, {})),
      56);
  d.process(embedded);
  EXPECT_EQ(embedded.status(), VIRTIO_ACCEL_S_BAD_ARGS);

  Device closed;  // no allow-list at all
  uint64_t s2 = closed.create_session();
  Chain denied(request(VIRTIO_ACCEL_REQ_RUN, 3, s2,
                       run_payload(VIRTIO_ACCEL_OP_EXEC, {lib_ok.v, sym.v}, {})),
               56);
  closed.process(denied);
  EXPECT_EQ(denied.status(), VIRTIO_ACCEL_S_DENIED);
  EXPECT_EQ(closed.engine->supported_ops() >> VIRTIO_ACCEL_OP_EXEC & 1, 0u);
}

TEST(Policy, GuestCodeNeedsOptInAndALibResource) {
  Bytes sym;
  sym.str("fn");
  Device closed;
  uint64_t s = closed.create_session();
  uint64_t lib = register_resource(closed, s, VIRTIO_ACCEL_RES_LIB);
  Chain denied(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                       run_payload(VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE, {sym.v}, {}, lib)),
               56);
  closed.process(denied);
  EXPECT_EQ(denied.status(), VIRTIO_ACCEL_S_DENIED);

  EngineOptions o;
  o.allow_guest_code = true;
  Device open(o);
  s = open.create_session();
  lib = register_resource(open, s, VIRTIO_ACCEL_RES_LIB);
  uint64_t data = register_resource(open, s, VIRTIO_ACCEL_RES_DATA);
  Chain ok(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                   run_payload(VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE, {sym.v}, {}, lib)),
           56);
  open.process(ok);
  EXPECT_EQ(ok.status(), VIRTIO_ACCEL_S_OK);
  Chain not_lib(request(VIRTIO_ACCEL_REQ_RUN, 3, s,
                        run_payload(VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE, {sym.v}, {}, data)),
                56);
  open.process(not_lib);
  EXPECT_EQ(not_lib.status(), VIRTIO_ACCEL_S_BAD_ARGS);
  Chain unknown(
      request(VIRTIO_ACCEL_REQ_RUN, 3, s,
              run_payload(VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE, {sym.v}, {}, lib + (1ull << 32))),
      56);
  open.process(unknown);
  EXPECT_EQ(unknown.status(), VIRTIO_ACCEL_S_NO_RESOURCE);
}

TEST(Timers, CountPerOpAndNeedProfiling) {
  Device d;
  uint64_t s = d.create_session();
  for (int i = 0; i < 3; i++) {
    Chain c(request(VIRTIO_ACCEL_REQ_RUN, 3, s, run_payload(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56);
    d.process(c);
  }
  Chain t(request(VIRTIO_ACCEL_REQ_TIMERS_GET, 4, s, {}), 24 + 8 + 24 * 32);
  EXPECT_EQ(d.process(t), 24u + 8 + 32);
  ASSERT_EQ(t.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(t.rd32(24), 1u);
  EXPECT_EQ(t.rd32(32), VIRTIO_ACCEL_OP_NOOP);
  EXPECT_EQ(t.rd64(40), 3u);
  EXPECT_GE(t.rd64(48), t.rd64(56));
  Chain small(request(VIRTIO_ACCEL_REQ_TIMERS_GET, 5, s, {}), 24 + 8);
  d.process(small);
  EXPECT_EQ(small.status(), VIRTIO_ACCEL_S_RESP_TOO_SMALL);

  EngineOptions o;
  o.profiling = false;
  Device off(o);
  s = off.create_session();
  Chain u(request(VIRTIO_ACCEL_REQ_TIMERS_GET, 4, s, {}), 24 + 8 + 24 * 32);
  off.process(u);
  EXPECT_EQ(u.status(), VIRTIO_ACCEL_S_UNSUPPORTED);
}

TEST(Stats, CountRequestsErrorsAndSessions) {
  Device d;
  d.create_session();
  Chain bad(request(0x77, 1, 0, {}), 24);
  d.process(bad);
  Chain st(request(VIRTIO_ACCEL_REQ_STATS_GET, 2, 0, {}), 24 + 64);
  EXPECT_EQ(d.process(st), 88u);
  EXPECT_EQ(st.rd64(24), 3u);       // requests, this one included
  EXPECT_EQ(st.rd64(24 + 8), 1u);   // errors
  EXPECT_EQ(st.rd64(24 + 40), 1u);  // sessions
  Chain with_session(request(VIRTIO_ACCEL_REQ_STATS_GET, 2, 5, {}), 24 + 64);
  d.process(with_session);
  EXPECT_EQ(with_session.status(), VIRTIO_ACCEL_S_MALFORMED);
}

// Copies per byte: every argument byte is copied exactly once between guest
// memory and staging (inputs in, outputs back), and only outputs an op may
// leave partly unwritten are zero-filled. A protocol 1.0 guest (64 bytes of
// room) still gets the first eight counters.
TEST(Stats, CountHostCopiesPerArgumentByte) {
  Device d;
  uint64_t s = d.create_session();
  std::vector<uint8_t> data(300000, 3);
  Chain a(request(VIRTIO_ACCEL_REQ_RUN, 1, s,
                  run_payload(VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, {data}, {data.size()})),
          kRunBase + data.size());
  d.process(a);
  ASSERT_EQ(a.status(), VIRTIO_ACCEL_S_OK);
  Chain o(
      request(VIRTIO_ACCEL_REQ_RUN, 2, s, run_payload(VIRTIO_ACCEL_OP_OPENCV, {{1, 2}}, {1000})),
      kRunBase + 1000);
  d.process(o);
  ASSERT_EQ(o.status(), VIRTIO_ACCEL_S_OK);

  Chain st(request(VIRTIO_ACCEL_REQ_STATS_GET, 3, 0, {}), 24 + sizeof(struct virtio_accel_stats));
  EXPECT_EQ(d.process(st), 24u + 104u);
  EXPECT_EQ(st.payload_len(), 104u);
  EXPECT_EQ(st.rd64(24 + 64), data.size() + 2);     // arg_bytes_in
  EXPECT_EQ(st.rd64(24 + 72), data.size() + 1000);  // arg_bytes_out
  EXPECT_EQ(st.rd64(24 + 80), data.size() + 2);     // copied_in
  EXPECT_EQ(st.rd64(24 + 88), data.size() + 1000);  // copied_out
  EXPECT_EQ(st.rd64(24 + 96), 1000u);               // zero_filled: OPENCV only

  Chain v0(request(VIRTIO_ACCEL_REQ_STATS_GET, 4, 0, {}), 24 + VIRTIO_ACCEL_STATS_V0_SIZE);
  EXPECT_EQ(d.process(v0), 24u + 64u);
  EXPECT_EQ(v0.status(), VIRTIO_ACCEL_S_OK);
  EXPECT_EQ(v0.rd64(24), 5u);  // session, two RUNs, two STATS_GET
  Chain odd(request(VIRTIO_ACCEL_REQ_STATS_GET, 5, 0, {}), 24 + 64 + 13);
  EXPECT_EQ(d.process(odd), 24u + 72u) << "whole counters only";
  Chain tiny(request(VIRTIO_ACCEL_REQ_STATS_GET, 6, 0, {}), 24 + 56);
  d.process(tiny);
  EXPECT_EQ(tiny.status(), VIRTIO_ACCEL_S_RESP_TOO_SMALL);
}

TEST(Config, ReflectsLimitsAndPolicy) {
  EngineOptions o;
  o.limits.max_sessions = 7;
  o.limits.max_args = 9;
  Device d(o);
  auto cfg = d.engine->config(3);
  EXPECT_EQ(cfg.version, static_cast<uint32_t>(VIRTIO_ACCEL_VERSION));
  EXPECT_EQ(cfg.num_request_queues, 3u);
  EXPECT_EQ(cfg.max_sessions, 7u);
  EXPECT_EQ(cfg.max_args, 9u);
  EXPECT_EQ(cfg.supported_ops & 1, 0u) << "bit 0 is no op";
  EXPECT_NE(cfg.supported_ops >> VIRTIO_ACCEL_OP_SGEMM & 1, 0u);
  EXPECT_EQ(cfg.supported_ops >> VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE & 1, 0u);
}

}  // namespace
