// SPDX-License-Identifier: Apache-2.0
#include "tensors.hpp"

#include <endian.h>

#include <cstring>

namespace vaccel_virtio {
namespace {

constexpr size_t kMaxTensors = 64;

std::vector<uint8_t> node_bytes(const NodeView &n)
{
	if (!n.present)
		return {};
	size_t len = std::strlen(n.name);
	std::vector<uint8_t> b(4 + len);
	uint32_t id = htole32(static_cast<uint32_t>(n.id));
	std::memcpy(b.data(), &id, 4);
	std::memcpy(b.data() + 4, n.name, len);
	return b;
}

bool to_desc(const TensorView &t, virtio_accel_tensor_desc *d)
{
	if (t.nr_dims > VIRTIO_ACCEL_MAX_DIMS)
		return false;
	*d = virtio_accel_tensor_desc{};
	d->data_type = htole32(t.data_type);
	d->nr_dims = htole32(t.nr_dims);
	for (uint32_t i = 0; i < t.nr_dims; i++) {
		if (t.dims[i] < 0)
			return false;
		d->dims[i] = htole64(static_cast<uint64_t>(t.dims[i]));
	}
	return true;
}

} // namespace

uint64_t first_capacity(const std::vector<TensorView> &inputs)
{
	uint64_t biggest = 4096;
	for (const TensorView &t : inputs)
		if (t.size > biggest)
			biggest = t.size;
	return biggest;
}

int TensorRun::add_inputs(Request &r, const std::vector<NodeView> *nodes,
			  const std::vector<TensorView> &inputs, bool sgemm)
{
	// Sized before use: the Request keeps pointers into these vectors
	// (nodes_ is reserved by the callers for the same reason).
	in_desc_.assign(inputs.size(), {});
	for (size_t i = 0; i < inputs.size(); i++) {
		if (!to_desc(inputs[i], &in_desc_[i]))
			return VACCEL_EINVAL;
		if (!sgemm) {
			nodes_.push_back(node_bytes((*nodes)[i]));
			r.add_in(nodes_.back().data(), nodes_.back().size());
		}
		r.add_in(&in_desc_[i], sizeof in_desc_[i]);
		r.add_in(inputs[i].data, inputs[i].size);
	}
	return VACCEL_OK;
}

void TensorRun::add_outputs(Request &r, size_t n, uint64_t capacity)
{
	out_desc_.assign(n, {});
	out_data_.assign(n, std::vector<uint8_t>(capacity));
	for (size_t j = 0; j < n; j++) {
		r.add_out(&out_desc_[j], sizeof out_desc_[j]);
		r.add_out(out_data_[j].data(), capacity);
	}
}

int TensorRun::encode_model_run(Request &r, uint32_t op, uint64_t model,
				const void *options, uint64_t options_len,
				const std::vector<NodeView> &in_nodes,
				const std::vector<TensorView> &inputs,
				const std::vector<NodeView> &out_nodes,
				uint64_t out_capacity)
{
	if (inputs.size() > kMaxTensors || out_nodes.size() > kMaxTensors ||
	    in_nodes.size() != inputs.size())
		return VACCEL_EINVAL;
	r.op = op;
	r.resource_id = model;
	params_.nr_inputs = htole32(static_cast<uint32_t>(inputs.size()));
	params_.nr_outputs = htole32(static_cast<uint32_t>(out_nodes.size()));
	r.add_in(&params_, sizeof params_);
	r.add_in(options, options_len);
	nodes_.clear();
	nodes_.reserve(inputs.size() + out_nodes.size());
	if (int ret = add_inputs(r, &in_nodes, inputs, false))
		return ret;
	for (const NodeView &n : out_nodes) {
		nodes_.push_back(node_bytes(n));
		r.add_in(nodes_.back().data(), nodes_.back().size());
	}
	add_outputs(r, out_nodes.size(), out_capacity);
	return VACCEL_OK;
}

int TensorRun::encode_torch_sgemm(Request &r, int m, int n, int k,
				  const TensorView &a, const TensorView &b,
				  const TensorView &c, uint64_t out_capacity)
{
	if (m < 0 || n < 0 || k < 0)
		return VACCEL_EINVAL;
	r.op = VIRTIO_ACCEL_OP_TORCH_SGEMM;
	sgemm_ = {htole32(static_cast<uint32_t>(m)),
		  htole32(static_cast<uint32_t>(n)),
		  htole32(static_cast<uint32_t>(k)), 0};
	r.add_in(&sgemm_, sizeof sgemm_);
	nodes_.clear();
	if (int ret = add_inputs(r, nullptr, {a, b, c}, true))
		return ret;
	add_outputs(r, 1, out_capacity);
	return VACCEL_OK;
}

TensorView TensorRun::output(size_t j) const
{
	const virtio_accel_tensor_out &o = out_desc_[j];
	TensorView t;
	t.data_type = le32toh(o.desc.data_type);
	t.nr_dims = le32toh(o.desc.nr_dims);
	if (t.nr_dims > VIRTIO_ACCEL_MAX_DIMS)
		t.nr_dims = VIRTIO_ACCEL_MAX_DIMS; // never trust the far side's counts
	for (uint32_t i = 0; i < t.nr_dims; i++)
		t.dims[i] = static_cast<int64_t>(le64toh(o.desc.dims[i]));
	t.size = le64toh(o.data_len);
	if (t.size > out_data_[j].size())
		t.size = out_data_[j].size();
	t.data = out_data_[j].data();
	return t;
}

} // namespace vaccel_virtio
