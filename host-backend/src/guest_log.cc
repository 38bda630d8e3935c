#include "guest_log.hh"

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace va {
namespace {

uint64_t mono_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

GuestLog::GuestLog(Sink sink, uint32_t burst, uint32_t per_sec)
    : sink_(std::move(sink)), burst_(burst), per_sec_(per_sec), tokens_(burst) {}

void GuestLog::log(LogLevel level, const char *fmt, ...) {
  if (!sink_) return;
  uint64_t dropped = 0;
  {
    std::lock_guard g(lock_);
    uint64_t now = mono_ns();
    if (last_ns_ != 0) {
      tokens_ += static_cast<double>(now - last_ns_) * per_sec_ / 1e9;
      if (tokens_ > burst_) tokens_ = burst_;
    }
    last_ns_ = now;
    if (tokens_ < 1) {
      suppressed_++;
      suppressed_total_++;
      return;
    }
    tokens_ -= 1;
    dropped = suppressed_;
    suppressed_ = 0;
  }
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (dropped) {
    char note[600];
    snprintf(note, sizeof note, "%s (%llu similar messages suppressed)", buf,
             static_cast<unsigned long long>(dropped));
    sink_(level, note);
  } else {
    sink_(level, buf);
  }
}

std::string GuestLog::escape(const char *s, size_t max_out) {
  std::string out;
  size_t i = 0;
  for (; s[i] != '\0' && i < max_out; i++) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char e[5];
      snprintf(e, sizeof e, "\\x%02x", c);
      out += e;
    }
  }
  if (s[i] != '\0') out += "...";
  return out;
}

uint64_t GuestLog::suppressed() const {
  std::lock_guard g(lock_);
  return suppressed_total_;
}

}  // namespace va
