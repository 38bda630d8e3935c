// SPDX-License-Identifier: Apache-2.0
// Thread-safe logging to stderr or a file.
#include <cstdio>
#include <ctime>

#include "internal.hh"

namespace {

struct LogState {
  std::mutex mu;
  std::atomic<int> level{VACCEL_LOG_ERROR};
  FILE *file = nullptr;  // null = stderr
};

LogState &state() {
  static auto *s = new LogState;  // never destroyed (used at exit)
  return *s;
}

const char *level_tag(vaccel_log_level_t l) {
  switch (l) {
    case VACCEL_LOG_ERROR:
      return "ERROR";
    case VACCEL_LOG_WARN:
      return "WARN";
    case VACCEL_LOG_INFO:
      return "INFO";
    case VACCEL_LOG_DEBUG:
      return "DEBUG";
    default:
      return "?";
  }
}

}  // namespace

namespace {

void vlog(vaccel_log_level_t level, const char *fmt, va_list ap) {
  LogState &s = state();
  if (static_cast<int>(level) > s.level.load(std::memory_order_relaxed)) return;
  char msg[1024];
  vsnprintf(msg, sizeof(msg), fmt, ap);
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  std::lock_guard<std::mutex> lock(s.mu);
  FILE *out = s.file ? s.file : stderr;
  fprintf(out, "%ld.%06ld - <%s> %s\n", static_cast<long>(ts.tv_sec), ts.tv_nsec / 1000,
          level_tag(level), msg);
  fflush(out);
}

}  // namespace

extern "C" void vaccel_log(vaccel_log_level_t level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(level, fmt, ap);
  va_end(ap);
}

// Upstream's headers map vaccel_error/warn/info/debug to the slog library's
// macros, so plugins and applications built against upstream's headers call
// slog_print(flag, newline, fmt, ...). Exporting it lets those binaries run
// on our runtime; the slog flag bits (slog 1.8: NOTAG 1, NOTE 2, INFO 4,
// WARN 8, DEBUG 16, TRACE 32, ERROR 64, FATAL 128) map onto our levels.
extern "C" __attribute__((visibility("default"))) void slog_print(int flag, uint8_t newline,
                                                                  const char *fmt, ...) {
  (void)newline;
  vaccel_log_level_t level = VACCEL_LOG_INFO;
  if (flag & (64 | 128))
    level = VACCEL_LOG_ERROR;
  else if (flag & 8)
    level = VACCEL_LOG_WARN;
  else if (flag & (16 | 32))
    level = VACCEL_LOG_DEBUG;
  va_list ap;
  va_start(ap, fmt);
  vlog(level, fmt, ap);
  va_end(ap);
}

extern "C" int vaccel_log_set_level(vaccel_log_level_t level) {
  if (level < VACCEL_LOG_ERROR || level > VACCEL_LOG_DEBUG) return VACCEL_EINVAL;
  state().level = level;
  return VACCEL_OK;
}

extern "C" vaccel_log_level_t vaccel_log_get_level(void) {
  return static_cast<vaccel_log_level_t>(state().level.load());
}

namespace vaccel_rt {
// Applies level and output file; called by bootstrap.
int log_configure(vaccel_log_level_t level, const char *file) {
  LogState &s = state();
  if (level >= VACCEL_LOG_ERROR && level <= VACCEL_LOG_DEBUG) s.level = level;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.file) {
    fclose(s.file);
    s.file = nullptr;
  }
  if (file && *file) {
    s.file = fopen(file, "ae");
    if (!s.file) return VACCEL_EIO;
  }
  return VACCEL_OK;
}
}  // namespace vaccel_rt

extern "C" int vaccel_log_init(void) {
  const struct vaccel_config *c = vaccel_config();
  if (!c) return vaccel_rt::log_configure(VACCEL_LOG_ERROR, nullptr);
  return vaccel_rt::log_configure(c->log_level, c->log_file);
}

extern "C" int vaccel_log_shutdown(void) {
  return vaccel_rt::log_configure(VACCEL_LOG_MAX, nullptr);
}
