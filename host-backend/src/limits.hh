// Per-device bounds on everything a guest controls. Defaults are the spec's
// "Limits" table; the device model may lower or raise them per instance.
#pragma once

#include <cstdint>

namespace va {

// Hard caps that no configuration can exceed: they size fixed arrays.
inline constexpr uint32_t kMaxArgsCap = 256;
inline constexpr uint32_t kMaxStringLen = 4096;  // exec library path / symbol

struct Limits {
  uint32_t max_sessions = 256;
  uint32_t max_resources = 1024;
  uint32_t max_segments = 1024;
  uint32_t max_args = 64;
  uint64_t max_request_bytes = 256ull << 20;
  uint64_t max_response_bytes = 256ull << 20;
  uint64_t max_resource_bytes = 1ull << 30;
};

}  // namespace va
