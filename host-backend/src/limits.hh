// Per-device bounds on everything a guest controls. Defaults are the spec's
// "Limits" table; the device model may lower or raise them per instance.
#pragma once

#include <cstdint>

#include "virtio_accel.h"

namespace va {

// Hard caps that no configuration can exceed: they size fixed arrays.
inline constexpr uint32_t kMaxArgsCap = VIRTIO_ACCEL_MAX_ARGS_HARD;
inline constexpr uint32_t kMaxStringLen = VIRTIO_ACCEL_MAX_STRING;  // exec library path / symbol

struct Limits {
  uint32_t max_sessions = 256;
  uint32_t max_resources = 1024;
  uint32_t max_segments = 1024;
  uint32_t max_args = 64;
  uint64_t max_request_bytes = 256ull << 20;
  uint64_t max_response_bytes = 256ull << 20;
  uint64_t max_resource_bytes = 1ull << 30;
  // Host staging memory all in-flight requests of the device may hold
  // (staging.hh); 0 = max_request_bytes + max_response_bytes + 16 MiB, enough
  // for one largest request next to the buffers workers keep for reuse.
  uint64_t max_staging_bytes = 0;
  // Work bound of one request whose cost is predictable from its arguments,
  // in multiply-adds (SGEMM, TORCH_SGEMM: m*n*k; FPGA_MMULT: n^3). 2^34 is
  // about a second of OpenBLAS on one modern core; 0 = unbounded.
  uint64_t max_op_cost = 1ull << 34;

  uint64_t staging_cap() const {
    return max_staging_bytes ? max_staging_bytes
                             : max_request_bytes + max_response_bytes + (16ull << 20);
  }
};

}  // namespace va
