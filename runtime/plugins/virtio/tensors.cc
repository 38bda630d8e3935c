// SPDX-License-Identifier: Apache-2.0
#include "tensors.hh"

#include <cstring>

namespace vaccel_virtio {
namespace {

std::vector<uint8_t> node_bytes(const NodeView &n) {
  if (!n.present) return {};
  size_t len = std::strlen(n.name);
  std::vector<uint8_t> b(4 + len);
  uint32_t id = va_to_le32(static_cast<uint32_t>(n.id));
  std::memcpy(b.data(), &id, 4);
  std::memcpy(b.data() + 4, n.name, len);
  return b;
}

}  // namespace

uint64_t first_capacity(const std::vector<TensorView> &inputs) {
  uint64_t biggest = 4096;
  for (const TensorView &t : inputs)
    if (t.size > biggest) biggest = t.size;
  return biggest;
}

int TensorRun::fill_descs(const std::vector<TensorView> &inputs) {
  // Sized before use: the Request keeps pointers into these vectors.
  in_desc_.assign(inputs.size(), {});
  for (size_t i = 0; i < inputs.size(); i++)
    if (va_tensor_desc_fill(&in_desc_[i], inputs[i].data_type, inputs[i].nr_dims, inputs[i].dims))
      return VACCEL_EINVAL;
  return VACCEL_OK;
}

int TensorRun::add_outputs(va_run *run, size_t n, uint64_t capacity) {
  out_desc_.assign(n, {});
  out_data_.assign(n, std::vector<uint8_t>(capacity));
  for (size_t j = 0; j < n; j++)
    if (int ret = va_encode_tensor_out(run, &out_desc_[j], out_data_[j].data(), capacity))
      return ret;
  return VACCEL_OK;
}

int TensorRun::encode_model_run(Request &r, uint32_t op, uint64_t model, const void *options,
                                uint64_t options_len, const std::vector<NodeView> &in_nodes,
                                const std::vector<TensorView> &inputs,
                                const std::vector<NodeView> &out_nodes, uint64_t out_capacity) {
  if (inputs.size() > VIRTIO_ACCEL_MAX_TENSORS || out_nodes.size() > VIRTIO_ACCEL_MAX_TENSORS ||
      in_nodes.size() != inputs.size())
    return VACCEL_EINVAL;
  if (int ret = fill_descs(inputs)) return ret;
  nodes_.clear();
  for (const NodeView &n : in_nodes) nodes_.push_back(node_bytes(n));
  for (const NodeView &n : out_nodes) nodes_.push_back(node_bytes(n));
  const va_model_layout l{static_cast<uint32_t>(inputs.size()),
                          static_cast<uint32_t>(out_nodes.size())};
  return r.encode(va_model_nr_in(l), va_model_nr_out(l), [&](va_run *run) {
    int ret =
        va_encode_model_run_begin(run, op, model, l.nr_inputs, l.nr_outputs, options, options_len);
    for (uint32_t i = 0; !ret && i < l.nr_inputs; i++)
      ret = va_encode_tensor_in(run, nodes_[i].data(), nodes_[i].size(), &in_desc_[i],
                                inputs[i].data, inputs[i].size, 1);
    for (uint32_t j = 0; !ret && j < l.nr_outputs; j++) {
      const auto &n = nodes_[l.nr_inputs + j];
      ret = va_encode_out_node(run, n.data(), n.size());
    }
    return ret ? ret : add_outputs(run, l.nr_outputs, out_capacity);
  });
}

int TensorRun::encode_torch_sgemm(Request &r, int m, int n, int k, const TensorView &a,
                                  const TensorView &b, const TensorView &c, uint64_t out_capacity) {
  const std::vector<TensorView> abc{a, b, c};
  if (m < 0 || n < 0 || k < 0) return VACCEL_EINVAL;
  if (int ret = fill_descs(abc)) return ret;
  nodes_.clear();
  const struct va_op_info *info = va_op_info(VIRTIO_ACCEL_OP_TORCH_SGEMM);
  return r.encode(info->nr_in, info->nr_out, [&](va_run *run) {
    int ret = va_encode_torch_sgemm_begin(run, m, n, k);
    for (uint32_t t = 0; !ret && t < 3; t++)
      ret = va_encode_tensor_in(run, nullptr, 0, &in_desc_[t], abc[t].data, abc[t].size, 0);
    return ret ? ret : add_outputs(run, 1, out_capacity);
  });
}

TensorView TensorRun::output(size_t j) const {
  const virtio_accel_tensor_out &o = out_desc_[j];
  TensorView t;
  t.data_type = va_to_le32(o.desc.data_type);
  t.nr_dims = va_to_le32(o.desc.nr_dims);
  if (t.nr_dims > VIRTIO_ACCEL_MAX_DIMS)
    t.nr_dims = VIRTIO_ACCEL_MAX_DIMS;  // never trust the far side's counts
  for (uint32_t i = 0; i < t.nr_dims; i++)
    t.dims[i] = static_cast<int64_t>(va_to_le64(o.desc.dims[i]));
  t.size = va_to_le64(o.data_len);
  if (t.size > out_data_[j].size()) t.size = out_data_[j].size();
  t.data = out_data_[j].data();
  return t;
}

}  // namespace vaccel_virtio
