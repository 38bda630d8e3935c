// Semantic validation of REQ_RUN arguments, per operation (spec §8.3).
//
// An accelerator plugin trusts the sizes it is given (a GEMM reads m*k floats
// from A). The guest chooses both the sizes and the buffers, so before any
// call the engine proves that every byte the operation will touch lies inside
// the argument regions the guest supplied. This table is that proof.
#pragma once

#include <array>

#include "iov.hh"
#include "request.hh"
#include "runtime.hh"
#include "status.hh"

namespace va {

// Tensor metadata of the model RUN ops and TORCH_SGEMM, copied out of guest
// memory once by check_op_args (the runtime adapter reads only this copy;
// tensor data stays in guest memory and goes to the plugin in place).
inline constexpr uint32_t kMaxTensors = 64;
inline constexpr uint32_t kMaxNodeName = 256;

struct TensorShape {
  uint32_t data_type = 0;
  uint32_t nr_dims = 0;
  int64_t dims[VIRTIO_ACCEL_MAX_DIMS] = {};
};

struct TensorNode {
  int32_t id = 0;
  char name[kMaxNodeName + 1] = {};
};

struct ModelCall {
  uint32_t nin = 0, nout = 0;
  std::array<TensorShape, kMaxTensors> in_shapes;  // TORCH_SGEMM: A, B, C
  std::array<TensorNode, kMaxTensors> in_nodes, out_nodes;  // TF only
};

// Checks argument counts and sizes of `req` for its op and decodes the
// op's parameter block / strings into `call`. `strings` receives copies of
// string arguments (library path, symbol) so they are read from guest memory
// once. The number of leading inputs consumed that way is returned in
// *consumed_in (they are not passed to the runtime as ArgBufs).
Status check_op_args(const Request &req, const IovView &rd, OpCall *call,
                     char (*strings)[kMaxStringLen + 1], ModelCall *model,
                     uint32_t *consumed_in);

// Predictable work of a validated RUN in multiply-adds (0 when the op's
// cost does not follow from its arguments: exec, models, image ops, or is
// linear in bytes the limits already bound). Compared to Limits::max_op_cost.
uint64_t op_cost(const Request &req, const OpCall &call);

// Minimum element alignment each data argument of `op` needs in host memory
// (so misaligned guest buffers are gathered into aligned scratch).
uint32_t op_alignment(uint32_t op);

}  // namespace va
