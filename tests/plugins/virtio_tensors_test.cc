// SPDX-License-Identifier: Apache-2.0
// Tensor-list encodings against virtio-accel-spec §8.3.1.
#include <gtest/gtest.h>

#include <cstring>

#include "tensors.hh"

using namespace vaccel_virtio;

namespace {

TensorView floats_2x3(const float *data) {
  TensorView t;
  t.data_type = 7;
  t.nr_dims = 2;
  t.dims[0] = 2;
  t.dims[1] = 3;
  t.data = data;
  t.size = 24;
  return t;
}

}  // namespace

TEST(Tensors, ModelRunFollowsTheSpecLayout) {
  const float x[6] = {1, 2, 3, 4, 5, 6};
  TensorRun tr;
  Request r;
  std::vector<NodeView> in_nodes{{true, 7, "input"}, {true, 8, "mask"}};
  std::vector<NodeView> out_nodes{{true, 0, "out"}};
  const char opts[] = "opt";
  ASSERT_EQ(tr.encode_model_run(r, VIRTIO_ACCEL_OP_TF_MODEL_RUN, 42, opts, 3, in_nodes,
                                {floats_2x3(x), floats_2x3(x)}, out_nodes, 100),
            VACCEL_OK);
  EXPECT_EQ(r.op, VIRTIO_ACCEL_OP_TF_MODEL_RUN);
  EXPECT_EQ(r.resource_id, 42u);
  // in = params, options, 2 x (node, desc, data), 1 out node
  ASSERT_EQ(r.in.size(), 2u + 3 * 2 + 1);
  ASSERT_EQ(r.out.size(), 2u);
  EXPECT_EQ(r.in[0].len, sizeof(virtio_accel_model_run_params));
  virtio_accel_model_run_params p;
  std::memcpy(&p, reinterpret_cast<void *>(r.in[0].buf), sizeof p);
  EXPECT_EQ(p.nr_inputs, 2u);
  EXPECT_EQ(p.nr_outputs, 1u);
  EXPECT_EQ(r.in[1].len, 3u);
  EXPECT_EQ(r.in[2].len, 4u + 5);  // le32 id + "input"
  uint32_t id;
  std::memcpy(&id, reinterpret_cast<void *>(r.in[2].buf), 4);
  EXPECT_EQ(id, 7u);
  EXPECT_EQ(r.in[3].len, sizeof(virtio_accel_tensor_desc));
  virtio_accel_tensor_desc d;
  std::memcpy(&d, reinterpret_cast<void *>(r.in[3].buf), sizeof d);
  EXPECT_EQ(d.data_type, 7u);
  EXPECT_EQ(d.nr_dims, 2u);
  EXPECT_EQ(d.dims[1], 3u);
  EXPECT_EQ(d.dims[2], 0u);
  EXPECT_EQ(r.in[4].buf, reinterpret_cast<uintptr_t>(x)) << "data in place";
  EXPECT_EQ(r.in[8].len, 4u + 3);  // out node "out"
  EXPECT_EQ(r.out[0].len, sizeof(virtio_accel_tensor_out));
  EXPECT_EQ(r.out[1].len, 100u);
}

TEST(Tensors, NonTfFrameworksSendEmptyNodesAndNoOptionsForTflite) {
  const float x[6] = {};
  TensorRun tr;
  Request r;
  ASSERT_EQ(tr.encode_model_run(r, VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN, 1, nullptr, 0, {NodeView{}},
                                {floats_2x3(x)}, {NodeView{}, NodeView{}}, 8),
            VACCEL_OK);
  ASSERT_EQ(r.in.size(), 2u + 3 + 2);
  EXPECT_EQ(r.in[1].len, 0u);
  EXPECT_EQ(r.in[2].len, 0u);
  EXPECT_EQ(r.in[5].len, 0u);
  EXPECT_EQ(r.out.size(), 4u);
}

TEST(Tensors, ShapesTheSpecRejectsAreRefusedLocally) {
  TensorView t;
  t.nr_dims = 9;
  TensorRun tr;
  Request r;
  EXPECT_EQ(tr.encode_model_run(r, VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, 1, nullptr, 0, {NodeView{}},
                                {t}, {}, 8),
            VACCEL_EINVAL);
  TensorView neg;
  neg.nr_dims = 1;
  neg.dims[0] = -4;
  Request r2;
  EXPECT_EQ(tr.encode_torch_sgemm(r2, 1, 1, 1, neg, neg, neg, 8), VACCEL_EINVAL);
}

TEST(Tensors, OutputsTrustNothingTheHostClaims) {
  const float x[6] = {};
  TensorRun tr;
  Request r;
  ASSERT_EQ(tr.encode_torch_sgemm(r, 2, 3, 1, floats_2x3(x), floats_2x3(x), floats_2x3(x), 16),
            VACCEL_OK);
  ASSERT_EQ(r.in.size(), 7u);
  // Play a host that claims 12 dims and 1 MiB of data in a 16-byte region.
  virtio_accel_tensor_out lie{};
  lie.desc.nr_dims = 12;
  lie.desc.dims[0] = 5;
  lie.data_len = 1 << 20;
  std::memcpy(reinterpret_cast<void *>(r.out[0].buf), &lie, sizeof lie);
  TensorView v = tr.output(0);
  EXPECT_EQ(v.nr_dims, static_cast<uint32_t>(VIRTIO_ACCEL_MAX_DIMS));
  EXPECT_EQ(v.size, 16u);
  EXPECT_EQ(v.dims[0], 5);
}
