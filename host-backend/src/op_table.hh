// The host's one table of per-op knowledge (spec §8.3): everything the engine
// needs to validate, stage and bound a REQ_RUN of each op, in one row per op.
//
// An accelerator plugin trusts the sizes it is given (a GEMM reads m*k floats
// from A). The guest chooses both the sizes and the buffers, so before any
// call the engine proves that every byte the operation will touch lies inside
// the argument regions the guest supplied. This table is that proof.
//
// The wire half of each row (name, resource kind, fixed argument counts,
// parameter-block size) is the protocol library's VIRTIO_ACCEL_OPS table,
// merged in at compile time; the host half (alignment, which inputs the
// engine decodes itself, check, cost, output extent, prepare) is listed in
// op_table.cc. The vAccel call of each op is the runtime adapter's business
// (vaccel_runtime.cc): the engine does not depend on vAccel.
#pragma once

#include <array>
#include <cstdint>

#include "iov.hh"
#include "request.hh"
#include "runtime.hh"
#include "status.hh"
#include "virtio_accel_proto.h"

namespace va {

// Tensor metadata of the model RUN ops and TORCH_SGEMM, copied out of guest
// memory once by the op's check (the runtime adapter reads only this copy;
// tensor data is staged like every other argument).
struct TensorShape {
  uint32_t data_type = 0;
  uint32_t nr_dims = 0;
  int64_t dims[VIRTIO_ACCEL_MAX_DIMS] = {};
};

struct TensorNode {
  int32_t id = 0;
  char name[VIRTIO_ACCEL_MAX_NODE_NAME + 1] = {};
};

struct ModelCall {
  uint32_t nin = 0, nout = 0;
  std::array<TensorShape, VIRTIO_ACCEL_MAX_TENSORS> in_shapes;           // TORCH_SGEMM: A, B, C
  std::array<TensorNode, VIRTIO_ACCEL_MAX_TENSORS> in_nodes, out_nodes;  // TF only
};

// Where an op's check puts what it copies out of guest memory (per worker,
// reused: the strings and tensor lists are too large for the stack).
struct OpScratch {
  char strings[2][kMaxStringLen + 1];  // EXEC: library, symbol; EXEC_WITH_RESOURCE: symbol
  ModelCall model;
};

// One row of the table.
// Bytes an op's prepare step copied from guest memory and zero-filled.
struct PrepareBytes {
  uint64_t copied = 0;
  uint64_t zeroed = 0;
};

struct OpDesc {
  // Wire half, from VIRTIO_ACCEL_OPS (virtio_accel_proto.h).
  const char *name = nullptr;
  uint32_t resource = VA_RES_NONE;  // VA_RES_*: the resource kind run_req.resource_id names
  uint16_t nr_in = 0, nr_out = 0;   // VA_VAR: the call decides
  uint32_t params_size = 0;         // input 0 is a parameter block of this size (0: none)
  // Host half.
  uint32_t align = 1;  // element alignment the data arguments need in host memory
  uint8_t lead_in =
      0;  // leading inputs the check decodes into OpCall (params, strings): not staged
  uint8_t seed_in = 0;  // 1: the last input seeds output 0 in prepare (SGEMM's C-in): not staged
  // Op-specific validation after the generic one (resource kind, counts,
  // parameter-block size); decodes input 0 / strings into the call.
  Status (*check)(const Request &, const IovView &, OpCall *, OpScratch *) = nullptr;
  // Predictable work in multiply-adds (compared to Limits::max_op_cost);
  // null: 0 (linear in bytes the limits already bound, or not predictable).
  uint64_t (*cost)(const Request &, const OpCall &) = nullptr;
  // Bytes of output i the op writes on success when that follows from the
  // validated arguments; null: unknown (the staged output is zero-filled
  // and copied back whole).
  uint64_t (*out_extent)(const Request &, const OpCall &, uint32_t i) = nullptr;
  // After staging, before the op runs (still inside the guest phase): fills
  // staged outputs the op reads as well as writes, from the request's own
  // bytes, copied out of guest memory once, here. Returns what it copied and
  // zeroed, for the host-copy counters.
  PrepareBytes (*prepare)(const Request &, const IovView &rd, OpCall *) = nullptr;
};

// Row of a VIRTIO_ACCEL_OP_* code; nullptr outside 1..VIRTIO_ACCEL_OP_MAX.
const OpDesc *op_desc(uint32_t op);

// Every element alignment in the table divides this: staged arguments are
// placed on multiples of it (checked at compile time in op_table.cc).
inline constexpr uint64_t kStagingAlign = 64;

// Validates `req` (a REQ_RUN) against its op's row and decodes what the
// engine consumes itself into `call` (call->in_base is set to lead_in).
Status check_run(const OpDesc &d, const Request &req, const IovView &rd, OpCall *call,
                 OpScratch *scratch);

}  // namespace va
