// The one path for host messages a guest can trigger (malformed requests,
// denied operations, failing plugins). A guest can send millions of bad
// requests, so messages are rate-limited (token bucket per device, with a
// count of what was suppressed) and every guest-supplied byte is escaped so
// that no guest can forge a log line or a terminal sequence. The device
// model's sink then gates them like QEMU's LOG_GUEST_ERROR.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "virtio_accel_host.h"

namespace va {

// Message levels, as va_host_options.log receives them (virtio_accel_host.h).
enum LogLevel : int {
  kLogError = VA_HOST_LOG_ERROR,
  kLogWarning = VA_HOST_LOG_WARNING,
  kLogInfo = VA_HOST_LOG_INFO,
  kLogDebug = VA_HOST_LOG_DEBUG,
};

class GuestLog {
 public:
  using Sink = std::function<void(int level, const char *msg)>;
  // burst: messages allowed at once; per_sec: steady rate after that.
  explicit GuestLog(Sink sink, uint32_t burst = 20, uint32_t per_sec = 5);

  // printf-style; %s arguments that carry guest bytes must go through
  // escape() first.
  void log(LogLevel level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

  // Printable ASCII stays, everything else becomes \xNN; at most max_out
  // input bytes are shown (then "...").
  static std::string escape(const char *s, size_t max_out = 64);

  uint64_t suppressed() const;

 private:
  Sink sink_;
  const uint32_t burst_, per_sec_;
  mutable std::mutex lock_;
  double tokens_;
  uint64_t last_ns_ = 0;
  uint64_t suppressed_ = 0, suppressed_total_ = 0;
};

}  // namespace va
