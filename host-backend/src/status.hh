// The one status type of host-backend: a wire status plus an optional errno
// detail (names for logs: va_status_name, virtio_accel_proto.h). Every layer below the C ABI
// returns this, so what the guest finally sees is decided in exactly one place (the layer that
// detects the problem).
#pragma once

#include <cstdint>

#include "virtio_accel.h"

namespace va {

struct Status {
  uint32_t code = VIRTIO_ACCEL_S_OK;  // VIRTIO_ACCEL_S_*
  uint32_t detail = 0;                // host errno for S_OP_FAILED, else 0

  [[nodiscard]] bool ok() const { return code == VIRTIO_ACCEL_S_OK; }
  static Status Ok() { return {}; }
  static Status Of(uint32_t code, uint32_t detail = 0) { return {code, detail}; }
};

}  // namespace va
