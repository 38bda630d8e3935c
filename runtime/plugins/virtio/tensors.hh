// SPDX-License-Identifier: Apache-2.0
// Tensor lists on the wire (virtio-accel-spec §8.3.1): the model RUN ops of
// TF, TFLite and Torch, and TORCH_SGEMM. The argument order is the protocol
// library's (va_encode_model_run_begin/tensor_in/out_node/tensor_out and
// struct va_model_layout); this class owns the descriptors and output room.
//
// Inputs go to the device in place (descriptors are built here, tensor data is
// the caller's). Outputs are allocated by the host's plugin, so their size is
// unknown before the call: TensorRun offers a capacity per output and the
// caller retries with a larger one when the host answers EOVERFLOW.
#pragma once

#include <cstdint>
#include <vector>

#include "encode.hh"

namespace vaccel_virtio {

// Shape of one tensor as the wire carries it, framework-neutral.
struct TensorView {
  uint32_t data_type = 0;
  uint32_t nr_dims = 0;
  int64_t dims[VIRTIO_ACCEL_MAX_DIMS] = {};
  const void *data = nullptr;
  uint64_t size = 0;
};

// A TF node (id + name); other frameworks have none.
struct NodeView {
  bool present = false;
  int32_t id = 0;
  const char *name = "";
};

class TensorRun {
 public:
  // Builds the RUN of `op` (TF/TFLITE/TORCH_MODEL_RUN). VACCEL_EINVAL for
  // shapes the spec rejects (more than 8 dims, more than 64 tensors).
  int encode_model_run(Request &r, uint32_t op, uint64_t model, const void *options,
                       uint64_t options_len, const std::vector<NodeView> &in_nodes,
                       const std::vector<TensorView> &inputs,
                       const std::vector<NodeView> &out_nodes, uint64_t out_capacity);

  // Builds TORCH_SGEMM: in = [params, descA, A, descB, B, descC, C],
  // out = [tensor_out, data].
  int encode_torch_sgemm(Request &r, int m, int n, int k, const TensorView &a, const TensorView &b,
                         const TensorView &c, uint64_t out_capacity);

  // Output j as the host wrote it (after a successful RUN).
  TensorView output(size_t j) const;
  size_t outputs() const { return out_desc_.size(); }

 private:
  int fill_descs(const std::vector<TensorView> &inputs);
  int add_outputs(va_run *run, size_t n, uint64_t capacity);

  std::vector<virtio_accel_tensor_desc> in_desc_;
  std::vector<std::vector<uint8_t>> nodes_;
  std::vector<virtio_accel_tensor_out> out_desc_;
  std::vector<std::vector<uint8_t>> out_data_;
};

// Capacity to offer first: enough for outputs shaped like the inputs.
uint64_t first_capacity(const std::vector<TensorView> &inputs);

}  // namespace vaccel_virtio
